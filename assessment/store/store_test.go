package store

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// stepClock is a deterministic clock that advances one second per call.
type stepClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *stepClock {
	return &stepClock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

func openTest(t *testing.T, dir string) *SQLite {
	t.Helper()
	s, err := Open(context.Background(), dir, Options{Now: newClock().Now})
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func mustCreate(t *testing.T, s Store, name string) Assessment {
	t.Helper()
	a, err := s.CreateAssessment(context.Background(), NewAssessment{Name: name, Packs: []string{"gdpr"}}, "tester")
	if err != nil {
		t.Fatalf("CreateAssessment(%q): %v", name, err)
	}
	return a
}

func TestMigrations(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "ws")
	s := openTest(t, dir)
	if v, err := userVersion(ctx, s.DB()); err != nil || v != SchemaVersion() {
		t.Fatalf("user_version = %d, %v; want %d", v, err, SchemaVersion())
	}
	a := mustCreate(t, s, "kept")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s2 := openTest(t, dir)
	if v, err := userVersion(ctx, s2.DB()); err != nil || v != SchemaVersion() {
		t.Fatalf("after reopen user_version = %d, %v; want %d", v, err, SchemaVersion())
	}
	if _, err := s2.Assessment(ctx, a.ID); err != nil {
		t.Fatalf("reopen lost assessment: %v", err)
	}
	var triggers int
	if err := s2.DB().QueryRow(`SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'`).Scan(&triggers); err != nil || triggers != 3 {
		t.Fatalf("triggers = %d, %v; want 3 (migration applied twice or not at all)", triggers, err)
	}
	for pragma, want := range map[string]string{
		"journal_mode": "wal", "synchronous": "2", "foreign_keys": "1", "busy_timeout": "5000",
	} {
		var got string
		if err := s2.DB().QueryRow("PRAGMA " + pragma).Scan(&got); err != nil || got != want {
			t.Errorf("PRAGMA %s = %q, %v; want %q", pragma, got, err, want)
		}
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir)
	if _, err := s.DB().Exec("PRAGMA user_version = 999"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err := Open(context.Background(), dir, Options{})
	if err == nil || !strings.Contains(err.Error(), "newer than this dpia understands") {
		t.Fatalf("Open on a newer schema: err = %v; want a 'newer' error", err)
	}
}

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	in := NewAssessment{Name: "FaceFind", SystemName: "FaceFind v2", Description: "Face search <engine> & more",
		Owner: "dpo@example.com", Packs: []string{"eu-ai-act", "gdpr"}}
	a, err := s.CreateAssessment(ctx, in, "lawyer")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(a.ID, "a-") || len(a.ID) != 10 {
		t.Errorf("id %q; want a- and 8 hex digits", a.ID)
	}
	if a.Name != in.Name || a.SystemName != in.SystemName || a.Description != in.Description ||
		a.Owner != in.Owner || !slices.Equal(a.Packs, in.Packs) || a.Status != StatusDraft || a.Archived {
		t.Errorf("created %+v; want fields of %+v in draft", a, in)
	}

	answers := map[string][]string{
		"biometric.used":    {"yes"},
		"data.sources":      {"scraped_public_web", "user_uploads"},
		"system.purpose":    {"Ünïcode — қазақша ә, \"quotes\" and \\ backslash"},
		"data.subjects.num": {"1000000"},
	}
	for q, v := range answers {
		if err := s.SetAnswer(ctx, a.ID, q, v, "lawyer"); err != nil {
			t.Fatalf("SetAnswer(%s): %v", q, err)
		}
	}
	notes := map[string]string{"data.sources": "Crawled since 2017.\nSecond line.", "biometric.used": "faces"}
	for q, n := range notes {
		if err := s.SetNote(ctx, a.ID, q, n, "lawyer"); err != nil {
			t.Fatalf("SetNote(%s): %v", q, err)
		}
	}
	assertAnswers(t, s, a.ID, answers)
	assertNotes(t, s, a.ID, notes)
	checkDuplicateAndUpdate(t, s, a, answers, notes)
}

// checkDuplicateAndUpdate duplicates a, then signs off and archives a, and
// checks the copy, the update, the listings and both logs.
func checkDuplicateAndUpdate(t *testing.T, s Store, a Assessment, answers map[string][]string, notes map[string]string) {
	t.Helper()
	ctx := context.Background()
	dup, err := s.DuplicateAssessment(ctx, a.ID, "", "manager")
	if err != nil {
		t.Fatal(err)
	}
	if dup.ID == a.ID || dup.Name != a.Name+" (copy)" || dup.AnswerCount != len(answers) ||
		!slices.Equal(dup.Packs, a.Packs) || dup.Owner != a.Owner || dup.Status != StatusDraft {
		t.Errorf("duplicate = %+v", dup)
	}
	assertAnswers(t, s, dup.ID, answers)
	assertNotes(t, s, dup.ID, notes)

	status, archived, name := StatusInReview, true, "FaceFind final"
	if err := s.UpdateAssessment(ctx, a.ID, AssessmentUpdate{Status: &status, Archived: &archived, Name: &name}, "dpo"); err != nil {
		t.Fatal(err)
	}
	got, err := s.Assessment(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != StatusInReview || !got.Archived || got.Name != name || got.AnswerCount != len(answers) {
		t.Errorf("after update %+v", got)
	}
	if !got.Updated.After(got.Created) {
		t.Errorf("updated %v not after created %v", got.Updated, got.Created)
	}

	assertList(t, s, false, []string{dup.ID})
	assertList(t, s, true, []string{a.ID, dup.ID})

	for _, id := range []string{a.ID, dup.ID} {
		if v, err := s.VerifyLog(ctx, id); err != nil || !v.OK {
			t.Errorf("VerifyLog(%s) = %+v, %v", id, v, err)
		}
	}
}

func assertAnswers(t *testing.T, s Store, id string, want map[string][]string) {
	t.Helper()
	got, err := s.Answers(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("answers = %q; want %q", got, want)
	}
	for q, v := range want {
		if !slices.Equal(got[q], v) {
			t.Errorf("answer %s = %q; want %q", q, got[q], v)
		}
	}
}

func assertNotes(t *testing.T, s Store, id string, want map[string]string) {
	t.Helper()
	got, err := s.Notes(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("notes = %q; want %q", got, want)
	}
	for q, n := range want {
		if got[q] != n {
			t.Errorf("note %s = %q; want %q", q, got[q], n)
		}
	}
}

func assertList(t *testing.T, s Store, archived bool, want []string) {
	t.Helper()
	list, err := s.ListAssessments(context.Background(), archived)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range list {
		ids = append(ids, a.ID)
	}
	slices.Sort(ids)
	slices.Sort(want)
	if !slices.Equal(ids, want) {
		t.Errorf("ListAssessments(%v) = %v; want %v", archived, ids, want)
	}
}

func TestEventsLogged(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	a := mustCreate(t, s, "log")
	steps := []func() error{
		func() error { return s.SetAnswer(ctx, a.ID, "q1", []string{"yes"}, "ann") },
		func() error { return s.SetAnswer(ctx, a.ID, "q1", []string{"yes"}, "ann") }, // no-op
		func() error { return s.SetAnswer(ctx, a.ID, "q2", []string{"a", "b"}, "ann") },
		func() error { return s.SetAnswer(ctx, a.ID, "q1", nil, "ann") },
		func() error { return s.SetAnswer(ctx, a.ID, "q3", []string{}, "ann") }, // clearing nothing: no-op
		func() error { return s.SetNote(ctx, a.ID, "q2", "<why>", "bob") },
		func() error { return s.SetNote(ctx, a.ID, "q2", "", "bob") },
		func() error { return s.SetNote(ctx, a.ID, "q9", "", "bob") }, // no-op
		func() error {
			st, ar := StatusInReview, true
			return s.UpdateAssessment(ctx, a.ID, AssessmentUpdate{Status: &st, Archived: &ar}, "dpo")
		},
		func() error {
			packs := []string{"gdpr"} // unchanged: no event
			return s.UpdateAssessment(ctx, a.ID, AssessmentUpdate{Packs: &packs}, "dpo")
		},
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	evs, err := s.Events(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ kind, subject, old, new, actor string }{
		{KindCreated, "", "", `{"name":"log","system_name":"","description":"","owner":"","packs":["gdpr"],"status":"draft"}`, "tester"},
		{KindAnswer, "q1", "", `["yes"]`, "ann"},
		{KindAnswer, "q2", "", `["a","b"]`, "ann"},
		{KindAnswer, "q1", `["yes"]`, "", "ann"},
		{KindNote, "q2", "", `"<why>"`, "bob"},
		{KindNote, "q2", `"<why>"`, "", "bob"},
		{KindStatus, "", `"draft"`, `"in_review"`, "dpo"},
		{KindArchive, "", "false", "true", "dpo"},
	}
	if len(evs) != len(want) {
		t.Fatalf("got %d events %+v; want %d", len(evs), evs, len(want))
	}
	prev := ""
	for i, w := range want {
		e := evs[i]
		if e.Kind != w.kind || e.Subject != w.subject || e.Old != w.old || e.New != w.new || e.Actor != w.actor {
			t.Errorf("event %d = %s %s %q→%q by %s; want %+v", i, e.Kind, e.Subject, e.Old, e.New, e.Actor, w)
		}
		if e.PrevHash != prev || len(e.Hash) != 64 || e.AssessmentID != a.ID || e.At.IsZero() {
			t.Errorf("event %d chain fields: %+v", i, e)
		}
		if i > 0 && (e.Seq <= evs[i-1].Seq || !e.At.After(evs[i-1].At)) {
			t.Errorf("event %d out of order", i)
		}
		prev = e.Hash
	}
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	a := mustCreate(t, s, "x")
	empty, bad := "", "draftish"
	tests := []struct {
		name    string
		call    func() error
		notFnd  bool
		wantErr string
	}{
		{"assessment", func() error { _, err := s.Assessment(ctx, "a-nope"); return err }, true, `assessment "a-nope" not found`},
		{"answers", func() error { _, err := s.Answers(ctx, "a-nope"); return err }, true, "not found"},
		{"notes", func() error { _, err := s.Notes(ctx, "a-nope"); return err }, true, "not found"},
		{"events", func() error { _, err := s.Events(ctx, "a-nope"); return err }, true, "not found"},
		{"verify", func() error { _, err := s.VerifyLog(ctx, "a-nope"); return err }, true, "not found"},
		{"set answer", func() error { return s.SetAnswer(ctx, "a-nope", "q", []string{"x"}, "") }, true, "not found"},
		{"set note", func() error { return s.SetNote(ctx, "a-nope", "q", "x", "") }, true, "not found"},
		{"update", func() error { return s.UpdateAssessment(ctx, "a-nope", AssessmentUpdate{}, "") }, true, "not found"},
		{"duplicate", func() error { _, err := s.DuplicateAssessment(ctx, "a-nope", "", ""); return err }, true, "not found"},
		{"no name", func() error { _, err := s.CreateAssessment(ctx, NewAssessment{Name: " "}, ""); return err }, false, "needs a name"},
		{"empty question", func() error { return s.SetAnswer(ctx, a.ID, "", []string{"x"}, "") }, false, "no question id"},
		{"bad utf8", func() error { return s.SetAnswer(ctx, a.ID, "q", []string{"\xff"}, "") }, false, "not valid UTF-8"},
		{"bad note", func() error { return s.SetNote(ctx, a.ID, "q", "\xfe", "") }, false, "not valid UTF-8"},
		{"rename empty", func() error { return s.UpdateAssessment(ctx, a.ID, AssessmentUpdate{Name: &empty}, "") }, false, "needs a name"},
		{"bad status", func() error { return s.UpdateAssessment(ctx, a.ID, AssessmentUpdate{Status: &bad}, "") }, false, `unknown status "draftish"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v; want it to contain %q", err, tt.wantErr)
			}
			if errors.Is(err, ErrNotFound) != tt.notFnd {
				t.Errorf("errors.Is(%v, ErrNotFound) = %v; want %v", err, !tt.notFnd, tt.notFnd)
			}
		})
	}
	if v, err := s.VerifyLog(ctx, a.ID); err != nil || !v.OK || v.Events != 1 {
		t.Errorf("rejected calls left a trace: %+v, %v", v, err)
	}
}

func TestOpenBadWorkspace(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(t *testing.T, dir string) string // returns the dir to open
		wantErr string
	}{
		{"text file as database", func(t *testing.T, dir string) string {
			writeFile(t, filepath.Join(dir, DBFile), strings.Repeat("not a database\n", 200))
			return dir
		}, "workspace.db is not a SQLite database"},
		{"short text file", func(t *testing.T, dir string) string {
			writeFile(t, filepath.Join(dir, DBFile), "hello\n")
			return dir
		}, "workspace.db is not a SQLite database"},
		{"file as folder", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "plain")
			writeFile(t, p, "x")
			return p
		}, "not a folder"},
		{"empty dir name", func(t *testing.T, dir string) string { return "" }, "no workspace folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := tt.setup(t, t.TempDir())
			s, err := Open(context.Background(), dir, Options{})
			if err == nil {
				s.Close()
				t.Fatalf("Open succeeded; want an error containing %q", tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v; want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestLocked(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openTest(t, dir)
	a := mustCreate(t, s, "locked")
	s.Close()

	other, err := sql.Open("sqlite", "file:"+filepath.Join(dir, DBFile))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(ctx, "ROLLBACK")

	locked, err := Open(ctx, dir, Options{BusyTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatalf("Open while another process writes: %v", err)
	}
	defer locked.Close()
	if _, err := locked.Answers(ctx, a.ID); err != nil {
		t.Errorf("reading while locked: %v", err)
	}
	abs, _ := filepath.Abs(dir)
	want := "workspace " + abs + " is locked by another dpia process; try again"
	err = locked.SetAnswer(ctx, a.ID, "q", []string{"x"}, "")
	if !errors.Is(err, ErrLocked) || err.Error() != want {
		t.Fatalf("SetAnswer while locked: %v; want %q wrapping ErrLocked", err, want)
	}
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	if err := locked.SetAnswer(ctx, a.ID, "q", []string{"x"}, ""); err != nil {
		t.Fatalf("SetAnswer after the lock is released: %v", err)
	}
}

func TestImportAssessment(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	answers := map[string][]string{"data.sources": {"scraped_public_web", "partners"}, "biometric.used": {"yes"}, "skipped": nil}
	notes := map[string]string{"data.sources": "Crawled since 2017.", "empty": ""}
	in := NewAssessment{Name: "Imported", SystemName: "FaceFind", Packs: []string{"gdpr"}}
	a, err := s.ImportAssessment(ctx, in, answers, notes, "ci")
	if err != nil {
		t.Fatal(err)
	}
	delete(answers, "skipped")
	delete(notes, "empty")
	assertAnswers(t, s, a.ID, answers)
	assertNotes(t, s, a.ID, notes)
	evs, err := s.Events(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 4 || evs[0].Kind != KindCreated || !strings.Contains(evs[0].New, `"source":"import"`) {
		t.Errorf("import log = %+v", evs)
	}
	if v, err := s.VerifyLog(ctx, a.ID); err != nil || !v.OK {
		t.Errorf("VerifyLog = %+v, %v", v, err)
	}

	// A bad answer rejects the whole import: nothing is half-written.
	_, err = s.ImportAssessment(ctx, in, map[string][]string{"ok": {"x"}, "bad": {"\xff"}}, nil, "ci")
	if err == nil || !strings.Contains(err.Error(), `answer to "bad" is not valid UTF-8`) {
		t.Fatalf("bad import: err = %v", err)
	}
	assertList(t, s, true, []string{a.ID})
}

// TestPageSize checks that a new workspace gets PageSize pages and the write-ahead log, and
// that a workspace created with another page size keeps it and opens as before.
func TestPageSize(t *testing.T) {
	ctx := context.Background()
	pragmas := func(s *SQLite) (size int, mode string, checkpoint int) {
		if err := s.DB().QueryRowContext(ctx, "PRAGMA page_size").Scan(&size); err != nil {
			t.Fatal(err)
		}
		if err := s.DB().QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if err := s.DB().QueryRowContext(ctx, "PRAGMA wal_autocheckpoint").Scan(&checkpoint); err != nil {
			t.Fatal(err)
		}
		return size, mode, checkpoint
	}
	s := openTest(t, filepath.Join(t.TempDir(), "new"))
	if size, mode, cp := pragmas(s); size != PageSize || mode != "wal" || cp*size > walCheckpointBytes || cp*size < walCheckpointBytes*9/10 {
		t.Errorf("new workspace: page size %d, journal %s, checkpoint every %d pages; want %d, wal, about %d bytes", size, mode, cp, PageSize, walCheckpointBytes)
	}

	dir := filepath.Join(t.TempDir(), "old")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	old, err := sql.Open("sqlite", "file:"+filepath.Join(dir, DBFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"PRAGMA page_size = 4096", "PRAGMA journal_mode = WAL"} {
		if _, err := old.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	old.Close()
	if info, err := os.Stat(filepath.Join(dir, DBFile)); err != nil || info.Size() == 0 {
		t.Fatalf("the old database was not written: %v", err)
	}
	s = openTest(t, dir)
	if size, mode, cp := pragmas(s); size != 4096 || mode != "wal" || cp != 1000 {
		t.Errorf("existing workspace: page size %d, journal %s, checkpoint every %d pages; want 4096, wal, 1000", size, mode, cp)
	}
	if _, err := s.CreateAssessment(ctx, NewAssessment{Name: "still works"}, "test"); err != nil {
		t.Errorf("create in the existing workspace: %v", err)
	}
}
