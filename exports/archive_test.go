package exports

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
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
	if len(a.Packs) != 1 || a.Packs[0].Version != "2016/679" || len(a.Snapshot.Detections) != 1 {
		t.Fatalf("archive content: %+v", a.Packs)
	}
	dst := openStore(t)
	if _, err := dst.CreateAssessment(ctx, store.NewAssessment{Name: "first"}, "x"); err != nil {
		t.Fatal(err)
	}
	if err := dst.Restore(ctx, a.Snapshot); err != nil {
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
