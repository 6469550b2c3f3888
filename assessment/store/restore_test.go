package store

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// buildSnapshotSource makes an assessment with answers, notes, a status change, a cleared
// answer and two evidence files with detections, in workspace dir.
func buildSnapshotSource(t *testing.T, dir string) (*SQLite, string) {
	t.Helper()
	ctx := context.Background()
	s := openTest(t, dir)
	a, err := s.CreateAssessment(ctx, NewAssessment{Name: "Бет тану", SystemName: "Қазақстан бет тану жүйесі",
		Owner: "Әлия", Packs: []string{"gdpr", "kz-pdl"}}, "tester")
	if err != nil {
		t.Fatal(err)
	}
	steps := []func() error{
		func() error { return s.SetAnswer(ctx, a.ID, "data.sources", []string{"scraped_public_web"}, "tester") },
		func() error { return s.SetAnswer(ctx, a.ID, "biometric.used", []string{"yes"}, "tester") },
		func() error { return s.SetAnswer(ctx, a.ID, "data.scale", []string{"over_1m"}, "tester") },
		func() error { return s.SetAnswer(ctx, a.ID, "data.scale", nil, "tester") },
		func() error {
			return s.SetNote(ctx, a.ID, "data.sources", "Жинақталған деректер, «кавычки»", "lawyer")
		},
		func() error {
			st := StatusInReview
			return s.UpdateAssessment(ctx, a.ID, AssessmentUpdate{Status: &st}, "lawyer")
		},
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	insertEvidence(t, s, a.ID)
	return s, a.ID
}

func insertEvidence(t *testing.T, s *SQLite, id string) {
	t.Helper()
	db := s.DB()
	for i, path := range []string{"samples/users.csv", "photos.zip!a/face.jpg"} {
		res, err := db.Exec(`INSERT INTO evidence_files (assessment_id, path, source, sha256, size, mime, status,
			counts, indexed_at) VALUES (?, ?, 'samples', ?, ?, 'text/csv', 'indexed', '{"email":2}', '2026-03-01T09:00:00.000000000Z')`,
			id, path, strings.Repeat("ab", 32), 100+i)
		if err != nil {
			t.Fatal(err)
		}
		fid, _ := res.LastInsertId()
		for j := range 2 {
			mustExec(t, db, `INSERT INTO evidence_detections (file_id, type, line, confidence, preview, key)
				VALUES (?, 'email', ?, 0.9, 'a***@e***.kz', 'k1')`, fid, j+1)
		}
	}
}

func TestSnapshotRestoreAcrossWorkspaces(t *testing.T) {
	ctx := context.Background()
	src, id := buildSnapshotSource(t, filepath.Join(t.TempDir(), "one"))
	snap, err := src.Snapshot(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Events) != 7 || len(snap.Answers) != 2 || len(snap.Notes) != 1 ||
		len(snap.Evidence) != 2 || len(snap.Detections) != 4 {
		t.Fatalf("snapshot sizes: %d events, %d answers, %d notes, %d files, %d detections",
			len(snap.Events), len(snap.Answers), len(snap.Notes), len(snap.Evidence), len(snap.Detections))
	}
	dst := openTest(t, filepath.Join(t.TempDir(), "two"))
	// Another assessment first, so that event seqs and evidence ids differ from the source.
	other := mustCreate(t, dst, "other")
	insertEvidence(t, dst, other.ID)
	if err := dst.Restore(ctx, snap); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	v, err := dst.VerifyLog(ctx, id)
	if err != nil || !v.OK || v.Events != 7 {
		t.Fatalf("VerifyLog after restore = %+v, %v", v, err)
	}
	again, err := dst.Snapshot(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(snap, again) {
		t.Fatalf("snapshot after restore differs:\n%+v\n%+v", snap, again)
	}
	got, err := dst.Assessment(ctx, id)
	if err != nil || got.Status != StatusInReview || got.SystemName != "Қазақстан бет тану жүйесі" {
		t.Fatalf("restored assessment = %+v, %v", got, err)
	}
	// The restored log goes on: a new answer chains onto the restored head.
	if err := dst.SetAnswer(ctx, id, "data.scale", []string{"under_1k"}, "tester"); err != nil {
		t.Fatal(err)
	}
	if v, err := dst.VerifyLog(ctx, id); err != nil || !v.OK {
		t.Fatalf("VerifyLog after a new answer = %+v, %v", v, err)
	}
}

func TestRestoreRefuses(t *testing.T) {
	ctx := context.Background()
	src, id := buildSnapshotSource(t, filepath.Join(t.TempDir(), "one"))
	snap, err := src.Snapshot(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if err := src.Restore(ctx, snap); !errors.Is(err, ErrExists) {
		t.Fatalf("restore over an existing id: %v, want ErrExists", err)
	}
	tests := []struct {
		name   string
		edit   func(s *Snapshot)
		wantIn string
	}{
		{"edited event", func(s *Snapshot) { s.Events[1].New = `["other"]` }, "does not match its hash"},
		{"dropped event", func(s *Snapshot) { s.Events = append(s.Events[:2:2], s.Events[3:]...) }, "does not follow"},
		{"edited answer", func(s *Snapshot) { s.Answers[0].Value = []string{"no"} }, "differs from event"},
		{"extra note", func(s *Snapshot) {
			s.Notes = append(s.Notes, SnapshotNote{Question: "x", Text: "y", UpdatedAt: "z"})
		}, "changed without an event"},
		{"wrong head", func(s *Snapshot) { s.Assessment.LogHead = "00" }, "later events were deleted"},
		{"no id", func(s *Snapshot) { s.Assessment.ID = "" }, "no assessment id"},
		{"no events", func(s *Snapshot) { s.Events = nil }, "no event log"},
		{"orphan detection", func(s *Snapshot) { s.Detections[0].File = "missing.csv" }, "missing.csv"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fresh, err := src.Snapshot(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			tc.edit(&fresh)
			dst := openTest(t, filepath.Join(t.TempDir(), "ws"))
			err = dst.Restore(ctx, fresh)
			if err == nil || !strings.Contains(err.Error(), tc.wantIn) {
				t.Fatalf("Restore = %v, want an error containing %q", err, tc.wantIn)
			}
			if list, _ := dst.ListAssessments(ctx, true); len(list) != 0 {
				t.Fatalf("a refused restore left %d assessments behind", len(list))
			}
		})
	}
}

func TestSnapshotUnknown(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "ws"))
	if _, err := s.Snapshot(context.Background(), "a-missing"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Snapshot(unknown) = %v, want ErrNotFound", err)
	}
}
