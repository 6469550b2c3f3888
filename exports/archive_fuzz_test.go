package exports

import (
	"archive/zip"
	"bytes"
	"testing"

	"github.com/dpia-tool/dpia/assessment/store"
)

// fuzzSnapshot is a small, well-formed snapshot (ReadArchive checks members, not the chain).
func fuzzSnapshot() store.Snapshot {
	return store.Snapshot{
		Assessment: store.SnapshotAssessment{ID: "a-1", Name: "Бет тану", Packs: []string{"gdpr"}, Status: "draft",
			CreatedAt: "2026-03-01T09:00:00.000000000Z", UpdatedAt: "2026-03-01T09:00:01.000000000Z", LogHead: "h"},
		Answers: []store.SnapshotAnswer{{Question: "biometric.used", Value: []string{"yes"}}},
		Notes:   []store.SnapshotNote{{Question: "biometric.used", Text: "«кавычки»"}},
		Events:  []store.SnapshotEvent{{At: "2026-03-01T09:00:00.000000000Z", Actor: "t", Kind: "created", New: "{}", Hash: "h"}},
		Evidence: []store.SnapshotEvidenceFile{{Path: "users.csv", Status: "indexed",
			Counts: map[string]int{"email": 1}}},
		Detections: []store.SnapshotDetection{{File: "users.csv", Detection: store.Detection{Type: "email", Preview: "a***@e.kz"}}},
	}
}

// FuzzReadArchive: arbitrary bytes never panic the archive reader, and an archive it accepts
// writes back to bytes that read again to the same archive (the reader and the writer agree).
func FuzzReadArchive(f *testing.F) {
	var good bytes.Buffer
	if err := WriteArchive(&good, &Archive{Snapshot: fuzzSnapshot(), Packs: []PackVersion{{Pack: "gdpr"}}}); err != nil {
		f.Fatal(err)
	}
	g := good.Bytes()
	f.Add(g)
	f.Add(g[:len(g)/2])
	f.Add(bytes.Replace(g, []byte("answers.json"), []byte("../evil.json"), 1))
	var slip bytes.Buffer
	zw := zip.NewWriter(&slip)
	for _, name := range []string{"manifest.json", "../../etc/passwd", "manifest.json"} {
		w, _ := zw.Create(name)
		w.Write([]byte(`{"format":"dpia-assessment-archive","version":1}`))
	}
	zw.Close()
	f.Add(slip.Bytes())
	f.Add([]byte("PK\x05\x06" + string(make([]byte, 18))))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ReadArchive(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		var once bytes.Buffer
		if err := WriteArchive(&once, a); err != nil {
			t.Fatalf("an accepted archive does not write back: %v", err)
		}
		b, err := ReadArchive(bytes.NewReader(once.Bytes()), int64(once.Len()))
		if err != nil {
			t.Fatalf("a rewritten archive is refused: %v", err)
		}
		var twice bytes.Buffer
		if err := WriteArchive(&twice, b); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(once.Bytes(), twice.Bytes()) {
			t.Fatal("reading and writing an archive is not stable")
		}
	})
}
