package exports

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dpia-tool/dpia/assessment/store"
)

func clock() func() time.Time {
	t := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	return func() time.Time { t = t.Add(time.Second); return t }
}

func openStore(t *testing.T) *store.SQLite {
	t.Helper()
	s, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "ws"), store.Options{Now: clock()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// sourceArchive makes an assessment with answers, notes and evidence and returns its archive.
func sourceArchive(t *testing.T) (*store.SQLite, string, []byte) {
	t.Helper()
	ctx := context.Background()
	s := openStore(t)
	a, err := s.ImportAssessment(ctx, store.NewAssessment{Name: "Бет тану", SystemName: kazakhName, Owner: "Әлия"},
		map[string][]string{"data.sources": {"scraped_public_web"}, "system.purpose": {longAnswer}},
		map[string]string{"data.sources": "since 2017"}, "tester")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetAnswer(ctx, a.ID, "biometric.used", []string{"yes"}, "lawyer"); err != nil {
		t.Fatal(err)
	}
	res, err := s.DB().Exec(`INSERT INTO evidence_files (assessment_id, path, source, sha256, size, mime, status, counts,
		indexed_at) VALUES (?, 'users.csv', 'samples', ?, 10, 'text/csv', 'indexed', '{"email":1}', '2026-03-01T09:00:00.000000000Z')`,
		a.ID, strings.Repeat("ab", 32))
	if err != nil {
		t.Fatal(err)
	}
	fid, _ := res.LastInsertId()
	if _, err := s.DB().Exec(`INSERT INTO evidence_detections (file_id, type, line, confidence, preview, key)
		VALUES (?, 'email', 2, 0.9, 'a***@e***.kz', 'k')`, fid); err != nil {
		t.Fatal(err)
	}
	return s, a.ID, archiveOf(t, s, a.ID)
}

func archiveOf(t *testing.T, s *store.SQLite, id string) []byte {
	t.Helper()
	snap, err := s.Snapshot(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	packs := []PackVersion{{Pack: "gdpr", Law: "gdpr", Version: "2016/679", CurrentTo: "2026-09-30"}}
	if err := WriteArchive(&b, &Archive{Snapshot: snap, Packs: packs}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func readArchive(b []byte) (*Archive, error) { return ReadArchive(bytes.NewReader(b), int64(len(b))) }

func TestArchiveRoundTrip(t *testing.T) {
	ctx := context.Background()
	_, id, data := sourceArchive(t)
	a, err := readArchive(data)
	if err != nil {
		t.Fatalf("ReadArchive: %v", err)
	}
	var dets []store.SnapshotDetection
	if err := a.EachDetection(func(d store.SnapshotDetection) error { dets = append(dets, d); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(a.Packs) != 1 || a.Packs[0].Version != "2016/679" || len(dets) != 1 {
		t.Fatalf("archive content: %+v, %d detections", a.Packs, len(dets))
	}
	dst := openStore(t)
	if _, err := dst.CreateAssessment(ctx, store.NewAssessment{Name: "first"}, "x"); err != nil {
		t.Fatal(err)
	}
	if err := dst.RestoreWith(ctx, a.Snapshot, a.EachDetection); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	if v, err := dst.VerifyLog(ctx, id); err != nil || !v.OK {
		t.Fatalf("VerifyLog = %+v, %v", v, err)
	}
	again := archiveOf(t, dst, id)
	if !bytes.Equal(data, again) {
		t.Fatalf("re-exported archive differs: %d vs %d bytes", len(data), len(again))
	}
	zr, _ := zip.NewReader(bytes.NewReader(again), int64(len(again)))
	if zr.File[0].Name != "manifest.json" || !zr.File[0].Modified.Equal(archiveTime) {
		t.Fatalf("first member %s at %v", zr.File[0].Name, zr.File[0].Modified)
	}
}

// rezip rebuilds a zip, letting edit change or drop members (nil drops) and adding extra ones.
func rezip(t *testing.T, data []byte, edit func(name string, b []byte) []byte, extra map[string]string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		if b = edit(f.Name, b); b == nil {
			continue
		}
		w, _ := zw.Create(f.Name)
		w.Write(b)
	}
	for name, content := range extra {
		w, _ := zw.Create(name)
		w.Write([]byte(content))
	}
	zw.Close()
	return out.Bytes()
}

func keep(_ string, b []byte) []byte { return b }

func TestArchiveRefused(t *testing.T) {
	_, _, data := sourceArchive(t)
	many := map[string]string{}
	for i := range 40 {
		many[fmt.Sprintf("x%02d.json", i)] = "{}"
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"tampered events", rezip(t, data, func(n string, b []byte) []byte {
			if n == "events.json" {
				return bytes.Replace(b, []byte(`"actor": "lawyer"`), []byte(`"actor": "mallory"`), 1)
			}
			return b
		}, nil), "archive member events.json does not match its SHA-256 in manifest.json"},
		{"tampered answers", rezip(t, data, func(n string, b []byte) []byte {
			if n == "answers.json" {
				return bytes.Replace(b, []byte("scraped_public_web"), []byte("own_users"), 1)
			}
			return b
		}, nil), "archive member answers.json does not match"},
		{"zip slip", rezip(t, data, keep, map[string]string{"../../etc/cron.d/evil": "x"}), `"../../etc/cron.d/evil" has an unsafe name`},
		{"absolute name", rezip(t, data, keep, map[string]string{"/etc/passwd": "x"}), `"/etc/passwd" has an unsafe name`},
		{"folder name", rezip(t, data, keep, map[string]string{"evidence/raw.csv": "x"}), "unsafe name"},
		{"unknown member", rezip(t, data, keep, map[string]string{"notes.txt": "x"}), `"notes.txt" is not part of a dpia archive`},
		{"too many members", rezip(t, data, keep, many), "more than the 32 a dpia archive can have"},
		{"missing member", rezip(t, data, func(n string, b []byte) []byte {
			if n == "notes.json" {
				return nil
			}
			return b
		}, nil), "notes.json is listed in manifest.json but missing"},
		{"no manifest", rezip(t, data, func(n string, b []byte) []byte {
			if n == "manifest.json" {
				return nil
			}
			return b
		}, nil), "no manifest.json"},
		{"not a zip", []byte("system:\n  name: x\n"), "not a zip archive"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readArchive(tc.data)
			var ae *ArchiveError
			if !errors.As(err, &ae) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("ReadArchive = %v, want an ArchiveError containing %q", err, tc.want)
			}
		})
	}
}

func TestArchiveHugeMember(t *testing.T) {
	_, _, data := sourceArchive(t)
	old := maxMemberBytes
	maxMemberBytes = 1000
	defer func() { maxMemberBytes = old }()
	_, err := readArchive(data)
	if err == nil || !strings.Contains(err.Error(), "unpacks to") || !strings.Contains(err.Error(), "refusing") {
		t.Fatalf("ReadArchive with a 1000-byte limit = %v", err)
	}
	// A member whose header understates its size is stopped while reading.
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.CreateRaw(&zip.FileHeader{Name: "manifest.json", Method: zip.Store, CompressedSize64: 5000, UncompressedSize64: 10})
	w.Write(bytes.Repeat([]byte("a"), 5000))
	zw.Close()
	if _, err := readArchive(b.Bytes()); err == nil {
		t.Fatal("a member larger than its header says was accepted")
	}
}

// TestArchiveDetectionsStreamed: the detections member written one detection at a time is
// byte for byte the JSON of the whole list (HTML characters unescaped, as before), and a
// detections member is checked while it streams: tampered, malformed after a consistent
// manifest, or a zip bomb.
func TestArchiveDetectionsStreamed(t *testing.T) {
	for _, n := range []int{0, 1, 3, 2500} {
		var list []store.SnapshotDetection
		for i := range n {
			list = append(list, store.SnapshotDetection{File: fmt.Sprintf("a<b>&%d.csv", i%7), Detection: store.Detection{Type: "email", Line: int64(i),
				Sheet: "Лист 1", Col: "e\"mail\u2028", Confidence: 0.9, Preview: "u***@e***.kz", Key: fmt.Sprintf("k%d", i)}})
		}
		want, err := archiveJSON(nonNil(list))
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		a := &Archive{Snapshot: store.Snapshot{Detections: list}}
		if err := a.writeDetections(&got); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want) {
			t.Fatalf("%d detections: streamed %q, want %q", n, got.String()[:min(got.Len(), 200)], want[:min(len(want), 200)])
		}
	}

	_, _, data := sourceArchive(t)
	// Malformed detections with a manifest that matches them: accepted by ReadArchive (the
	// hash is right), refused while streaming.
	bad := []byte(`[{"file": "x.csv", "type": "email", "surprise": 1}]` + "\n")
	forged := rezip(t, data, func(n string, b []byte) []byte {
		switch n {
		case "detections.json":
			return bad
		case "manifest.json":
			var m Manifest
			json.Unmarshal(b, &m)
			for i := range m.Files {
				if m.Files[i].Name == "detections.json" {
					sum := sha256.Sum256(bad)
					m.Files[i].Size, m.Files[i].SHA256 = int64(len(bad)), hex.EncodeToString(sum[:])
				}
			}
			out, _ := archiveJSON(m)
			return out
		}
		return b
	}, nil)
	a, err := readArchive(forged)
	if err != nil {
		t.Fatalf("ReadArchive: %v", err)
	}
	err = a.EachDetection(func(store.SnapshotDetection) error { return nil })
	var ae *ArchiveError
	if !errors.As(err, &ae) || !strings.Contains(err.Error(), "detections.json is malformed") || !strings.Contains(err.Error(), "surprise") {
		t.Fatalf("streaming malformed detections: %v", err)
	}
	// Restoring it fails whole: nothing of the assessment is left.
	dst := openStore(t)
	if err := dst.RestoreWith(context.Background(), a.Snapshot, a.EachDetection); err == nil {
		t.Fatal("an archive with malformed detections was restored")
	}
	if list, _ := dst.ListAssessments(context.Background(), true); len(list) != 0 {
		t.Fatalf("a failed restore left %d assessments", len(list))
	}

	tampered := rezip(t, data, func(n string, b []byte) []byte {
		if n == "detections.json" {
			return bytes.Replace(b, []byte(`"email"`), []byte(`"phone"`), 1)
		}
		return b
	}, nil)
	if _, err := readArchive(tampered); err == nil || !strings.Contains(err.Error(), "detections.json does not match its SHA-256") {
		t.Fatalf("tampered detections: %v", err)
	}

	// A detections member far larger than the in-memory limit is streamed, unless it
	// unpacks to more than maxDetectionsRatio times its packed size.
	old := maxMemberBytes
	maxMemberBytes = 1 << 20
	defer func() { maxMemberBytes = old }()
	bomb := rezip(t, data, func(n string, b []byte) []byte {
		if n == "detections.json" {
			return append([]byte("["), bytes.Repeat([]byte(" "), 10<<20)...)
		}
		return b
	}, nil)
	if _, err := readArchive(bomb); err == nil || !strings.Contains(err.Error(), "times its packed size") {
		t.Fatalf("zip bomb as detections.json: %v", err)
	}
}

// TestArchiveLargeDetections: a detections member larger than what is read into memory is
// streamed on import and restored whole.
func TestArchiveLargeDetections(t *testing.T) {
	ctx := context.Background()
	_, id, data := sourceArchive(t)
	a, err := readArchive(data)
	if err != nil {
		t.Fatal(err)
	}
	var first store.SnapshotDetection
	a.EachDetection(func(d store.SnapshotDetection) error { first = d; return nil })
	const n = 3000
	a.Detections = func(yield func(store.SnapshotDetection) error) error {
		for i := range n {
			d := first
			d.Line = int64(i + 1)
			if err := yield(d); err != nil {
				return err
			}
		}
		return nil
	}
	var big bytes.Buffer
	if err := WriteArchive(&big, a); err != nil {
		t.Fatal(err)
	}
	old := maxMemberBytes
	maxMemberBytes = 64 << 10 // detections.json is about 600 KB
	defer func() { maxMemberBytes = old }()
	b, err := readArchive(big.Bytes())
	if err != nil {
		t.Fatalf("ReadArchive: %v", err)
	}
	dst := openStore(t)
	if err := dst.RestoreWith(ctx, b.Snapshot, b.EachDetection); err != nil {
		t.Fatalf("RestoreWith: %v", err)
	}
	var count, sum int64
	if err := dst.DB().QueryRow(`SELECT count(*), sum(line) FROM evidence_detections`).Scan(&count, &sum); err != nil || count != n || sum != n*(n+1)/2 {
		t.Fatalf("restored %d detections (line sum %d, %v), want %d", count, sum, err, n)
	}
	// And it exports again to the same bytes.
	if again := archiveOf(t, dst, id); !bytes.Equal(again, big.Bytes()) {
		t.Fatal("re-exported archive differs")
	}
}

// encodingJSONElement is how encoding/json writes d as an element of the archive's list.
func encodingJSONElement(t testing.TB, d store.SnapshotDetection) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent(" ", " ")
	if err := enc.Encode(d); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

func TestDetectionJSON(t *testing.T) {
	strs := []string{"", "plain", `q"uote\back`, "\b\f\n\r\t\x00\x01\x1f\x7f", "<a href='x'>&amp;</a>", "Лист 1 Қазақ",
		"x\u2028y\u2029z", "bad\xffutf\xc3", "emoji 😀", "\u00e9\u0301"}
	floats := []float64{0, 1, 0.95, 0.5, 1e-7, 1.5e-7, 1e-6, 123456789, 1e20, 1e21, 1.5e300, -0.25, 5e-324}
	for i, s := range strs {
		for j, f := range floats {
			d := store.SnapshotDetection{File: s, Detection: store.Detection{Type: strs[(i+1)%len(strs)], Line: int64(i*j - 3), Page: int64(j),
				Sheet: strs[(i+2)%len(strs)], Row: -int64(i), Col: s, Confidence: f, Preview: strs[(i+3)%len(strs)], Key: s}}
			got, err := appendDetectionJSON(nil, d)
			if err != nil {
				t.Fatal(err)
			}
			if want := encodingJSONElement(t, d); !bytes.Equal(got, want) {
				t.Fatalf("appendDetectionJSON(%+v)\n got %q\nwant %q", d, got, want)
			}
		}
	}
}

func FuzzDetectionJSON(f *testing.F) {
	f.Add("a.csv", "email", int64(3), "Sheet", "col", 0.95, "u***@e***.kz", "k1")
	f.Add("\x00<>&\u2028\xff", "", int64(-1), "\b\f", "\"\\", 1e-7, "", "")
	f.Fuzz(func(t *testing.T, file, typ string, line int64, sheet, col string, conf float64, preview, key string) {
		d := store.SnapshotDetection{File: file, Detection: store.Detection{Type: typ, Line: line, Page: line / 3, Sheet: sheet, Row: line * 7,
			Col: col, Confidence: conf, Preview: preview, Key: key}}
		got, err := appendDetectionJSON(nil, d)
		if math.IsNaN(conf) || math.IsInf(conf, 0) {
			if err == nil {
				t.Fatal("NaN or infinity written")
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if want := encodingJSONElement(t, d); !bytes.Equal(got, want) {
			t.Fatalf("got %q\nwant %q", got, want)
		}
	})
}
