package store

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
)

// fuzzStores opens a source workspace with one assessment and an empty target workspace.
func fuzzStores(f *testing.F) (src, dst *SQLite, id string) {
	ctx := context.Background()
	var err error
	if src, err = Open(ctx, filepath.Join(f.TempDir(), "src"), Options{Now: newClock().Now}); err != nil {
		f.Fatal(err)
	}
	if dst, err = Open(ctx, filepath.Join(f.TempDir(), "dst"), Options{}); err != nil {
		f.Fatal(err)
	}
	a, err := src.CreateAssessment(ctx, NewAssessment{Name: "Бет тану", Packs: []string{"gdpr"}}, "tester")
	if err != nil {
		f.Fatal(err)
	}
	for _, step := range []func() error{
		func() error {
			return src.SetAnswer(ctx, a.ID, "data.sources", []string{"scraped_public_web", "x"}, "tester")
		},
		func() error { return src.SetAnswer(ctx, a.ID, "biometric.used", []string{"yes"}, "tester") },
		func() error { return src.SetAnswer(ctx, a.ID, "biometric.used", nil, "tester") },
		func() error { return src.SetNote(ctx, a.ID, "data.sources", "«since 2017»", "lawyer") },
	} {
		if err := step(); err != nil {
			f.Fatal(err)
		}
	}
	return src, dst, a.ID
}

// FuzzRestore: a snapshot decoded from arbitrary JSON never panics Restore, and one that
// Restore accepts verifies afterwards and reads back with the same event log.
func FuzzRestore(f *testing.F) {
	ctx := context.Background()
	src, dst, id := fuzzStores(f)
	defer src.Close()
	defer dst.Close()
	snap, err := src.Snapshot(ctx, id)
	if err != nil {
		f.Fatal(err)
	}
	good, _ := json.Marshal(snap)
	f.Add(good)
	f.Add([]byte(`{"assessment":{"id":"a-x","name":"n"},"events":[]}`))
	f.Add([]byte(`{"assessment":{"id":"a-y","name":"n","status":"bogus"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var s Snapshot
		if json.Unmarshal(data, &s) != nil {
			return
		}
		checkRestore(t, dst, s)
	})
}

// FuzzRestoreChain builds snapshots with a valid hash chain around arbitrary strings (ids,
// question ids, values, notes, actors), so that Restore's insert path, not only its checks,
// meets hostile text: whatever it accepts must verify and read back unchanged.
func FuzzRestoreChain(f *testing.F) {
	_, dst, _ := fuzzStores(f)
	defer dst.Close()
	f.Add("a-1", "biometric.used", "yes", "note", "tester")
	f.Add("a-\x00", "q\xff", "", "\u202e", "")
	f.Add("", "x", "y", "", "z")
	f.Fuzz(func(t *testing.T, id, question, value, note, actor string) {
		at := "2026-03-01T09:00:00.000000000Z"
		s := Snapshot{Assessment: SnapshotAssessment{ID: id, Name: "n", Packs: []string{}, Status: StatusDraft,
			CreatedAt: at, UpdatedAt: at}}
		add := func(kind, subject, old, new string) {
			prev := ""
			if n := len(s.Events); n > 0 {
				prev = s.Events[n-1].Hash
			}
			h := eventHash(prev, id, at, actor, kind, subject, old, new)
			s.Events = append(s.Events, SnapshotEvent{At: at, Actor: actor, Kind: kind, Subject: subject,
				Old: old, New: new, PrevHash: prev, Hash: h})
			s.Assessment.LogHead = h
		}
		add(KindCreated, "", "", `{"name":"n"}`)
		if value != "" {
			add(KindAnswer, question, "", jsonText([]string{value}))
			s.Answers = []SnapshotAnswer{{Question: question, Value: []string{value}, UpdatedAt: at}}
		}
		if note != "" {
			add(KindNote, question, "", jsonText(note))
			s.Notes = []SnapshotNote{{Question: question, Text: note, UpdatedAt: at}}
		}
		checkRestore(t, dst, s)
	})
}

// checkRestore restores s into dst; when Restore accepts it, the log must verify and the
// snapshot read back must hold the same events, answers and notes.
func checkRestore(t *testing.T, dst *SQLite, s Snapshot) {
	t.Helper()
	ctx := context.Background()
	err := dst.Restore(ctx, s)
	if err != nil {
		if errors.Is(err, ErrLocked) {
			t.Fatalf("restore: %v", err)
		}
		return
	}
	v, err := dst.VerifyLog(ctx, s.Assessment.ID)
	if err != nil || !v.OK {
		t.Fatalf("a restored snapshot does not verify: %+v %v", v, err)
	}
	back, err := dst.Snapshot(ctx, s.Assessment.ID)
	if err != nil {
		t.Fatalf("a restored snapshot does not read back: %v", err)
	}
	if !reflect.DeepEqual(back.Events, s.Events) {
		t.Fatalf("events differ after restore:\n%+v\n%+v", s.Events, back.Events)
	}
	if len(back.Answers) != len(s.Answers) || len(back.Notes) != len(s.Notes) {
		t.Fatalf("answers or notes differ after restore: %d/%d answers, %d/%d notes",
			len(back.Answers), len(s.Answers), len(back.Notes), len(s.Notes))
	}
}
