package signoff

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/dpia-tool/dpia/assessment/store"
	q "github.com/dpia-tool/dpia/questionnaires"
)

func TestCanonical(t *testing.T) {
	got, err := Canonical(map[string]any{"b": 1, "a": []any{"<x>", map[string]any{"z": 1.5, "y": nil}}, "c": int64(1) << 60})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"a":["<x>",{"y":null,"z":1.5}],"b":1,"c":1152921504606846976}`
	if string(got) != want {
		t.Errorf("Canonical = %s\nwant        %s", got, want)
	}
	// A struct encodes with sorted keys too, whatever the field order.
	got, _ = Canonical(struct {
		Z string `json:"z"`
		A string `json:"a"`
	}{"1", "2"})
	if string(got) != `{"a":"2","z":"1"}` {
		t.Errorf("struct: %s", got)
	}
}

func testManifest() *Manifest {
	return &Manifest{Format: Format, FormatVersion: FormatVersion,
		Assessment:    Assessment{ID: "a-1", Name: "Kiosk", Version: 1},
		AnswersSHA256: AnswersHash(map[string][]string{"q": {"yes"}}, nil),
		Log:           Log{Head: "abc", Events: 3},
		Reports:       []ReportFile{{File: "a-1-v1.md", Format: "md", SHA256: SHA256([]byte("# report")), Size: 8}},
		SignedAt:      "2026-03-01T09:00:00Z"}
}

func TestSignAndVerify(t *testing.T) {
	key, err := GenerateKey("Aigerim Sadykova", rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := GenerateKey("Mallory", rand.Reader)
	manifest, sig, err := Sign(testManifest(), key)
	if err != nil {
		t.Fatal(err)
	}
	otherSig := ed25519.Sign(other.Private, manifest)
	resigned, resig, _ := Sign(testManifest(), other)
	tests := []struct {
		name     string
		manifest []byte
		sig      []byte
		wantErr  string
		signer   string
	}{
		{"valid", manifest, sig, "", "Aigerim Sadykova"},
		{"manifest edited", bytes.Replace(manifest, []byte("Kiosk"), []byte("Kiosq"), 1), sig, "the manifest was edited or signed with another key", ""},
		{"signed with another key", manifest, otherSig, "does not match the manifest under the signer's key", ""},
		{"truncated signature", manifest, sig[:10], "does not match", ""},
		{"re-signed by another key", resigned, resig, "", "Mallory"}, // valid on its own: compare the key
		{"not a manifest", []byte(`{"format":"x"}`), sig, `names format "x"`, ""},
		{"unknown field", []byte(`{"format":"dpia-signoff-manifest","format_version":1,"extra":1}`), sig, "unknown field", ""},
	}
	for _, tt := range tests {
		m, err := Verify(tt.manifest, tt.sig)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.wantErr)
		case tt.signer != "" && m.Signer.Name != tt.signer:
			t.Errorf("%s: signer %q", tt.name, m.Signer.Name)
		}
	}
	if !bytes.Equal(manifest, mustCanonical(t, manifest)) {
		t.Error("the signed bytes are not canonical")
	}
	if got, err := DecodeSignature(EncodeSignature(sig)); err != nil || !bytes.Equal(got, sig) {
		t.Errorf("signature file round trip: %v", err)
	}
}

func mustCanonical(t *testing.T, b []byte) []byte {
	t.Helper()
	m, err := ParseManifest(b)
	if err != nil {
		t.Fatal(err)
	}
	out, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestKeyFile(t *testing.T) {
	k, _ := GenerateKey("Дана Оспанова", rand.Reader)
	b, err := k.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseKey(b)
	if err != nil || got.Name != k.Name || !got.Private.Equal(k.Private) || KeyName(b) != k.Name {
		t.Fatalf("round trip: %+v %v", got.Name, err)
	}
	for _, tt := range []struct {
		name, data, wantErr string
	}{
		{"no name", strings.Replace(string(b), "# name: ", "# nom: ", 1), "names no signer"},
		{"no key", "# name: X\n", "no PEM"},
		{"bad key", "# name: X\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "malformed"},
	} {
		if _, err := ParseKey([]byte(tt.data)); err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.wantErr)
		}
	}
	for _, name := range []string{"", "  ", "a\nb", "a\x00", strings.Repeat("x", 201), "\xff"} {
		if CheckName(name) == nil {
			t.Errorf("CheckName(%q) accepted", name)
		}
	}
}

func TestMissing(t *testing.T) {
	today := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	full := Decisions{MeasuresApprovedBy: "Board", RiskAcceptedBy: "CEO", DPOAdvice: "ok", DPOFollowed: "yes",
		PriorConsultation: "no", NextReview: "2027-03-01"}
	tests := []struct {
		name string
		edit func(*Decisions)
		want string
	}{
		{"complete", func(*Decisions) {}, ""},
		{"nothing", func(d *Decisions) { *d = Decisions{} }, "measures-approved-by risk-accepted-by dpo-advice dpo-followed prior-consultation next-review"},
		{"not followed without reason", func(d *Decisions) { d.DPOFollowed = "no" }, "dpo-reason (the DPO's advice was not followed)"},
		{"not followed with reason", func(d *Decisions) { d.DPOFollowed, d.DPOReason = "no", "cost" }, ""},
		{"review today", func(d *Decisions) { d.NextReview = "2026-03-01" }, "next-review (a date after today)"},
	}
	for _, tt := range tests {
		d := full
		tt.edit(&d)
		if got := strings.Join(d.Missing(today), " "); got != tt.want {
			t.Errorf("%s: Missing = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestDiffEvidence(t *testing.T) {
	signed := []EvidenceFile{{Path: "a.csv", SHA256: "1", Size: 1, SourceSHA256: "1"}, {Path: "b.csv", SHA256: "2", Size: 2, SourceSHA256: "2"}}
	tests := []struct {
		name    string
		current []EvidenceFile
		want    string
	}{
		{"same", signed, ""},
		{"removed", signed[:1], "b.csv was removed from the assessment after sign-off"},
		{"added", append(append([]EvidenceFile{}, signed...), EvidenceFile{Path: "c.csv"}), "c.csv was added after sign-off"},
		{"re-indexed", []EvidenceFile{signed[0], {Path: "b.csv", SHA256: "3", Size: 2, SourceSHA256: "3"}}, "b.csv was indexed again with other content"},
	}
	for _, tt := range tests {
		got := strings.Join(DiffEvidence(signed, tt.current), "; ")
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestCheckReports(t *testing.T) {
	reports := []ReportFile{{File: "r.md", SHA256: SHA256([]byte("# report")), Size: 8}}
	tests := []struct {
		name    string
		fsys    fstest.MapFS
		reports []ReportFile
		want    string
	}{
		{"same", fstest.MapFS{"r.md": {Data: []byte("# report")}}, reports, ""},
		{"swapped", fstest.MapFS{"r.md": {Data: []byte("# other!")}}, reports, "report r.md differs from the signed one"},
		{"missing", fstest.MapFS{}, reports, "report r.md is missing"},
		{"unsafe name", fstest.MapFS{}, []ReportFile{{File: "../r.md"}}, `report "../r.md" has an unsafe file name`},
	}
	for _, tt := range tests {
		got := strings.Join(CheckReports(tt.fsys, tt.reports), "; ")
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestHashPackFiles(t *testing.T) {
	a := q.NamedFile{Name: "builtin:a.yaml", Data: []byte("id: a")}
	b := q.NamedFile{Name: "builtin:b.yaml", Data: []byte("id: b")}
	_, ab := HashPackFiles([]q.NamedFile{a, b})
	_, ba := HashPackFiles([]q.NamedFile{b, a})
	renamed := a
	renamed.Name = "workspace:a.yaml"
	_, rb := HashPackFiles([]q.NamedFile{renamed, b})
	if ab == ba || ab == rb {
		t.Error("the set hash ignores the order or the names of the files")
	}
	files, again := HashPackFiles([]q.NamedFile{a, b})
	if again != ab || len(files) != 2 || files[0].SHA256 != SHA256([]byte("id: a")) {
		t.Errorf("HashPackFiles is not stable: %+v", files)
	}
	if d := DiffPacks(Packs{SetSHA256: ab, Files: files}, Packs{SetSHA256: rb}); len(d) == 0 {
		t.Error("DiffPacks finds no difference")
	}
}

// logOf builds a log: the events before the sign-off, the sign-off pair, then more events.
func logOf(before int, ev store.SignOffEvent, after ...string) []store.Event {
	var evs []store.Event
	add := func(kind, subject, new string) {
		evs = append(evs, store.Event{Seq: int64(len(evs) + 1), Kind: kind, Subject: subject, New: new,
			Hash: SHA256([]byte{byte(len(evs))})})
	}
	for range before {
		add(store.KindAnswer, "q", `["yes"]`)
	}
	add(store.KindStatus, "", `"signed_off"`)
	b, _ := Canonical(ev)
	add(store.KindSignOff, "v1", string(b))
	for _, kind := range after {
		add(kind, "", "")
	}
	return evs
}

func TestCheckInLog(t *testing.T) {
	ev := store.SignOffEvent{Version: 1, ManifestSHA256: "m1", Signer: "A", PublicKey: "k1"}
	base := logOf(3, ev)
	signed := Signed{Version: 1, Events: 3, LogHead: base[2].Hash, ManifestSHA256: "m1", PublicKey: "k1"}
	tests := []struct {
		name string
		evs  []store.Event
		edit func(*Signed)
		want string
	}{
		{"clean", base, nil, ""},
		{"reopened then changed", logOf(3, ev, store.KindReopened, store.KindAnswer), nil, ""},
		{"archived", logOf(3, ev, store.KindArchive), nil, ""},
		{"changed without reopening", logOf(3, ev, store.KindAnswer, "evidence"), nil,
			"changed after sign-off v1 without being reopened as a new version: event 6 (answer), event 7 (evidence)"},
		{"rewritten before", base, func(s *Signed) { s.LogHead = "x" }, "is not the log signed in v1"},
		{"manifest replaced", base, func(s *Signed) { s.ManifestSHA256 = "m2" }, "the manifest was replaced"},
		{"other key", base, func(s *Signed) { s.PublicKey = "k2" }, "it was signed with another key"},
		{"events deleted", base[:2], nil, "events were deleted"},
		{"no sign-off events", base[:3], nil, "does not record sign-off v1"},
	}
	for _, tt := range tests {
		s := signed
		if tt.edit != nil {
			tt.edit(&s)
		}
		got := strings.Join(CheckInLog(tt.evs, s), "; ")
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
	if got := CheckLog(base, nil); len(got) != 1 || !strings.Contains(got[0], "holds no record") {
		t.Errorf("CheckLog with a sign-off event and no record: %q", got)
	}
}

func TestReplay(t *testing.T) {
	evs := []store.Event{
		{Seq: 1, Kind: store.KindAnswer, Subject: "a", New: `["x","y"]`},
		{Seq: 2, Kind: store.KindNote, Subject: "a", New: `"why"`},
		{Seq: 3, Kind: store.KindAnswer, Subject: "b", New: `["z"]`},
		{Seq: 4, Kind: store.KindAnswer, Subject: "b", New: ``},
		{Seq: 5, Kind: store.KindDecision, Subject: "dpo_advice", New: `"ok"`},
	}
	answers, notes, err := Replay(evs)
	if err != nil || len(answers) != 1 || strings.Join(answers["a"], ",") != "x,y" || notes["a"] != "why" {
		t.Fatalf("Replay = %v %v %v", answers, notes, err)
	}
	if AnswersHash(answers, notes) == AnswersHash(answers, nil) {
		t.Error("AnswersHash ignores the notes")
	}
	if _, _, err := Replay([]store.Event{{Seq: 9, Kind: store.KindAnswer, Subject: "a", New: `"x"`}}); err == nil ||
		!strings.Contains(err.Error(), "event 9 (answer a)") {
		t.Errorf("a malformed answer event: %v", err)
	}
}
