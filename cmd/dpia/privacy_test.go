package main

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// rawValues are personal data in the evidence of the privacy tests; each is a value the
// detector recognises (check digits, Luhn, libphonenumber), so each must be masked.
var rawValues = []string{
	"900101300017", "900101310506", // IINs
	"ivan.petrov@mail.kz", "aigerim.b@example.com", "sec.officer@example.org", // e-mail addresses
	"+7 701 765 43 21", "+77017654321", // phones
	"4111111111111111", "5500 0000 0000 0004", // payment cards
}

// privateEvidence writes a folder of evidence holding rawValues: a table, free text and an
// archive.
func privateEvidence(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "samples")
	os.MkdirAll(dir, 0o700)
	files := map[string]string{
		"users.csv": "full_name,iin,email,phone,card\n" +
			"Ivan Petrov,900101300017,ivan.petrov@mail.kz,+77017654321,4111111111111111\n" +
			"Aigerim Bekova,900101310506,aigerim.b@example.com,+7 701 765 43 21,5500 0000 0000 0004\n",
		"notes.txt": "Escalate to sec.officer@example.org or call +7 701 765 43 21.\n" +
			"Customer IIN 900101310506 paid with card 5500 0000 0000 0004.\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	w, _ := zw.Create("export/contacts.csv")
	w.Write([]byte("email,phone\nivan.petrov@mail.kz,+77017654321\n"))
	zw.Close()
	os.WriteFile(filepath.Join(dir, "bundle.zip"), zb.Bytes(), 0o600)
	return dir
}

// leaks returns the raw values found in text, ignoring the brackets that mark search matches.
func leaks(text string) []string {
	text = strings.NewReplacer("[", "", "]", "").Replace(text)
	var out []string
	for _, v := range rawValues {
		if strings.Contains(text, v) {
			out = append(out, v)
		}
	}
	return out
}

// zipMembers returns the concatenated members of a zip file.
func zipMembers(t *testing.T, path string) string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer zr.Close()
	var all strings.Builder
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		all.WriteString(f.Name + "\n" + string(b) + "\n")
	}
	return all.String()
}

// TestPrivacyOfOutputs indexes evidence full of personal data and reads every output dpia
// gives about it: no raw value may appear anywhere but in 'evidence search --reveal'. The
// files dpia creates are owner-only even with a permissive umask.
func TestPrivacyOfOutputs(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	ws := filepath.Join(t.TempDir(), "ws")
	out := t.TempDir()
	samples := privateEvidence(t)
	id := strings.TrimSpace(dpia(t, ws, "new", "--name", "Privacy").stdout)
	dpia(t, ws, "answer", id, "biometric.used", "no")
	outputs := map[string]string{}
	run := func(name string, args ...string) {
		r := dpia(t, ws, args...)
		if r.code != 0 {
			t.Fatalf("%s: exit %d: %s", name, r.code, r.stderr)
		}
		outputs[name] = r.stdout + r.stderr
	}
	run("evidence add", "evidence", "add", id, samples, "--json")
	if !strings.Contains(outputs["evidence add"], `"kz_iin": 3`) {
		t.Fatalf("the evidence was not detected as expected: %s", outputs["evidence add"])
	}
	run("scan --json", "scan", "--json", samples)
	run("scan", "scan", samples)
	run("evidence list", "evidence", "list", id, "--json")
	for _, p := range []string{"samples/users.csv", "samples/notes.txt", "samples/bundle.zip!export/contacts.csv"} {
		run("evidence show "+p, "evidence", "show", id, p, "--json")
		run("evidence show text "+p, "evidence", "show", id, p)
	}
	for i, q := range []string{"petrov", "mail", "aigerim", "officer", "701", "765", "paid", "900101300017",
		"4111111111111111", "7017654321", "escalate"} {
		run("evidence search "+q, "evidence", "search", id, q, "--json")
		if i%3 == 0 {
			run("evidence search text "+q, "evidence", "search", id, q)
		}
	}
	run("show", "show", id, "--json")
	run("log", "log", id, "--json")
	run("export", "export", id)
	for _, f := range []string{"md", "json"} {
		run("report "+f, "report", id, "--format", f)
	}
	files := map[string]string{}
	for _, f := range []string{"pdf", "xlsx"} {
		files["report."+f] = filepath.Join(out, "report."+f)
		run("report "+f, "report", id, "--format", f, "-o", files["report."+f])
	}
	files["archive.zip"] = filepath.Join(out, "archive.zip")
	run("export --archive", "export", id, "--archive", files["archive.zip"])
	outputs["archive members"] = zipMembers(t, files["archive.zip"])
	outputs["xlsx members"] = zipMembers(t, files["report.xlsx"])
	if text := pdfText(t, files["report.pdf"]); text != "" {
		outputs["pdf text"] = text
	}
	if b, err := os.ReadFile(filepath.Join(ws, tuiLogFile)); err == nil {
		outputs[tuiLogFile] = string(b)
	}
	for name, text := range outputs {
		if l := leaks(text); len(l) > 0 {
			t.Errorf("%s shows raw values %q", name, l)
		}
	}
	// --reveal is the one way to see them (and proves they are in the index).
	r := dpia(t, ws, "evidence", "search", id, "escalate", "--reveal", "--json")
	if !strings.Contains(r.stdout, "sec.officer@example.org") {
		t.Errorf("search --reveal does not reveal: %s", r.stdout)
	}
	// Owner-only files, whatever the umask.
	checkMode(t, ws, 0o700)
	for _, name := range []string{"workspace.db", "workspace.db-wal", "workspace.db-shm"} {
		if _, err := os.Stat(filepath.Join(ws, name)); err == nil {
			checkMode(t, filepath.Join(ws, name), 0o600)
		}
	}
	for _, p := range files {
		checkMode(t, p, 0o600)
	}
}

func checkMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != want {
		t.Errorf("%s has mode %v, want %v", filepath.Base(path), st.Mode().Perm(), want)
	}
}

// workspaceBytes reads the workspace database and its write-ahead log.
func workspaceBytes(t *testing.T, ws string) []byte {
	t.Helper()
	var all []byte
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(filepath.Join(ws, "workspace.db"+suffix))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

// TestRedactAndPurge: with --redact the workspace files hold no raw value at all; without it
// they do (in the full-text index) until 'evidence purge' removes the file and compacts the
// database.
func TestRedactAndPurge(t *testing.T) {
	samples := privateEvidence(t)
	redacted := filepath.Join(t.TempDir(), "redacted")
	id := strings.TrimSpace(dpia(t, redacted, "new", "--name", "Redacted").stdout)
	if r := dpia(t, redacted, "evidence", "add", id, samples, "--redact"); r.code != 0 {
		t.Fatalf("evidence add --redact: %s", r.stderr)
	}
	if l := leaks(string(workspaceBytes(t, redacted))); len(l) > 0 {
		t.Errorf("the redacted workspace's files hold raw values %q", l)
	}
	r := dpia(t, redacted, "evidence", "search", id, "escalate", "--reveal")
	if r.code != 0 || !strings.Contains(r.stdout, "s***@example.org") {
		t.Errorf("search --reveal of redacted text: %+v", r)
	}

	plain := filepath.Join(t.TempDir(), "plain")
	id = strings.TrimSpace(dpia(t, plain, "new", "--name", "Plain").stdout)
	if r := dpia(t, plain, "evidence", "add", id, samples); r.code != 0 {
		t.Fatalf("evidence add: %s", r.stderr)
	}
	const unique = "sec.officer@example.org" // only in notes.txt
	if !bytes.Contains(workspaceBytes(t, plain), []byte(unique)) {
		t.Fatal("the raw value is not in the unredacted workspace: the purge test proves nothing")
	}
	r = dpia(t, plain, "evidence", "purge", id, "samples/notes.txt")
	if r.code != 0 || !strings.Contains(r.stdout, "purged 1 evidence files") {
		t.Fatalf("purge: %+v", r)
	}
	if bytes.Contains(workspaceBytes(t, plain), []byte(unique)) {
		t.Error("the purged value is still in the workspace files")
	}
	if r = dpia(t, plain, "log", id, "--json"); !strings.Contains(r.stdout, `"kind": "evidence_purge"`) {
		t.Errorf("no evidence_purge event: %s", r.stdout)
	}
	if r = dpia(t, plain, "log", id, "--verify"); r.code != 0 {
		t.Errorf("log after purge: %+v", r)
	}
	if r = dpia(t, plain, "evidence", "purge", id, "samples/nope.txt"); r.code != 1 || !strings.Contains(r.stderr, `"samples/nope.txt"`) {
		t.Errorf("purge of an unknown path: %+v", r)
	}
	// The rest, indexed in clear, added again with --redact though unchanged: read again,
	// masked, and the workspace compacted so the clear text is gone.
	if !leaksAny(workspaceBytes(t, plain)) {
		t.Fatal("no raw value left in the unredacted workspace: the test below proves nothing")
	}
	r = dpia(t, plain, "evidence", "add", id, samples, "--redact")
	if r.code != 0 || !strings.Contains(r.stdout, "compacted the workspace") {
		t.Fatalf("evidence add --redact over files indexed in clear: %+v", r)
	}
	if l := leaks(string(workspaceBytes(t, plain))); len(l) > 0 {
		t.Errorf("after adding the files again with --redact, the workspace's files hold raw values %q", l)
	}
}

func leaksAny(b []byte) bool { return len(leaks(string(b))) > 0 }
