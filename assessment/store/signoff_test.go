package store

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"
)

// signOffRecord builds the record of a sign-off of the assessment as it stands.
func signOffRecord(t *testing.T, s *SQLite, id string) SignOff {
	t.Helper()
	ctx := context.Background()
	evs, err := s.Events(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.Version(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	answers, _ := s.Answers(ctx, id)
	notes, _ := s.Notes(ctx, id)
	return SignOff{AssessmentID: id, Version: v, SignedAt: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC),
		Signer: "Signer", PublicKey: "cHVi", LogHead: evs[len(evs)-1].Hash, Events: len(evs),
		Manifest: []byte(`{"m":1}`), Signature: []byte("sig"), Answers: answers, Notes: notes,
		Result: json.RawMessage(`{"risk":{"residual":"high"}}`), ReportsDir: "signoffs/x"}
}

func mustStatus(t *testing.T, s *SQLite, id, want string) {
	t.Helper()
	a, err := s.Assessment(context.Background(), id)
	if err != nil || a.Status != want {
		t.Fatalf("status %q, %v; want %q", a.Status, err, want)
	}
}

func TestReviewWorkflow(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	id := mustCreate(t, s, "flow").ID
	if err := s.SetAnswer(ctx, id, "q1", []string{"yes"}, "ann"); err != nil {
		t.Fatal(err)
	}
	if changed, err := s.SubmitForReview(ctx, id, "ann"); err != nil || !changed {
		t.Fatalf("SubmitForReview: %v %v", changed, err)
	}
	if changed, err := s.SubmitForReview(ctx, id, "ann"); err != nil || changed {
		t.Fatalf("second SubmitForReview: %v %v", changed, err)
	}
	mustStatus(t, s, id, StatusInReview)

	d := Decisions{MeasuresApprovedBy: "Board", MeasuresApprovedOn: "2026-03-01", DPOFollowed: "yes", NextReview: "2027-03-01"}
	if to, n, err := s.RecordDecisions(ctx, id, d, "dpo"); err != nil || to != 0 || n != 4 {
		t.Fatalf("RecordDecisions: %d %d %v", to, n, err)
	}
	if _, n, _ := s.RecordDecisions(ctx, id, Decisions{DPOFollowed: "yes", RiskAcceptedBy: "CEO"}, "dpo"); n != 1 {
		t.Fatalf("unchanged decisions were logged again: %d", n)
	}
	d.RiskAcceptedBy = "CEO"
	if got, err := s.Decisions(ctx, id); err != nil || got != d {
		t.Fatalf("Decisions = %+v, %v; want %+v", got, err, d)
	}

	rec := signOffRecord(t, s, id)
	if err := s.RecordSignOff(ctx, rec, "abc", "signer"); err != nil {
		t.Fatal(err)
	}
	mustStatus(t, s, id, StatusSignedOff)
	evs, _ := s.Events(ctx, id)
	if len(evs) != rec.Events+2 || evs[rec.Events].Kind != KindStatus || evs[rec.Events+1].Kind != KindSignOff || evs[rec.Events+1].Subject != "v1" {
		t.Fatalf("sign-off events: %+v", evs[rec.Events:])
	}
	if _, err := s.SubmitForReview(ctx, id, "ann"); !errors.Is(err, ErrSignedOff) {
		t.Fatalf("SubmitForReview of a signed-off assessment: %v", err)
	}

	// Setting the value it already has does not reopen; a change does, in one transaction.
	if to, err := s.AmendAnswer(ctx, id, "q1", []string{"yes"}, "ann"); err != nil || to != 0 {
		t.Fatalf("AmendAnswer with the same value: %d %v", to, err)
	}
	mustStatus(t, s, id, StatusSignedOff)
	if to, err := s.AmendAnswer(ctx, id, "q1", []string{"no"}, "ann"); err != nil || to != 2 {
		t.Fatalf("AmendAnswer: %d %v", to, err)
	}
	mustStatus(t, s, id, StatusDraft)
	if v, _ := s.Version(ctx, id); v != 2 {
		t.Fatalf("version %d after reopening", v)
	}
	if got, _ := s.Decisions(ctx, id); got != (Decisions{}) {
		t.Fatalf("version 2 inherited decisions: %+v", got)
	}
	recs, err := s.SignOffs(ctx, id)
	if err != nil || len(recs) != 1 || !reflect.DeepEqual(recs[0].Answers, map[string][]string{"q1": {"yes"}}) ||
		recs[0].ReportsDir != "signoffs/x" || string(recs[0].Manifest) != `{"m":1}` || !recs[0].SignedAt.Equal(rec.SignedAt) {
		t.Fatalf("SignOffs = %+v, %v", recs, err)
	}
	if v, err := s.VerifyLog(ctx, id); err != nil || !v.OK {
		t.Fatalf("VerifyLog after the workflow: %+v %v", v, err)
	}
}

func TestAmendNoteAndDecisionsReopen(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		edit func(s *SQLite, id string) (int, error)
	}{
		{"note", func(s *SQLite, id string) (int, error) { return s.AmendNote(ctx, id, "q1", "changed", "ann") }},
		{"decision", func(s *SQLite, id string) (int, error) {
			to, _, err := s.RecordDecisions(ctx, id, Decisions{NextReview: "2030-01-01"}, "dpo")
			return to, err
		}},
		{"reopen", func(s *SQLite, id string) (int, error) { return s.Reopen(ctx, id, "ann") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openTest(t, t.TempDir())
			id := mustCreate(t, s, tc.name).ID
			if to, err := s.Reopen(ctx, id, "ann"); err != nil || to != 0 {
				t.Fatalf("Reopen of a draft: %d %v", to, err)
			}
			s.SubmitForReview(ctx, id, "ann")
			if err := s.RecordSignOff(ctx, signOffRecord(t, s, id), "abc", "signer"); err != nil {
				t.Fatal(err)
			}
			if to, err := tc.edit(s, id); err != nil || to != 2 {
				t.Fatalf("edit: %d %v", to, err)
			}
			mustStatus(t, s, id, StatusDraft)
			evs, _ := s.Events(ctx, id)
			var reopened *Event
			for i := range evs {
				if evs[i].Kind == KindReopened {
					reopened = &evs[i]
				}
			}
			if reopened == nil || reopened.New != `{"status":"draft","version":2}` || reopened.Old != `{"status":"signed_off","version":1}` {
				t.Fatalf("reopened event: %+v", reopened)
			}
		})
	}
}

func TestRecordSignOffRefused(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	id := mustCreate(t, s, "refused").ID
	if err := s.RecordSignOff(ctx, signOffRecord(t, s, id), "abc", "signer"); !errors.Is(err, ErrNotInReview) {
		t.Fatalf("sign-off of a draft: %v", err)
	}
	s.SubmitForReview(ctx, id, "ann")
	tests := []struct {
		name   string
		change func(*SignOff)
	}{
		{"log moved on", func(r *SignOff) { r.LogHead = "0000" }},
		{"fewer events", func(r *SignOff) { r.Events-- }},
		{"other version", func(r *SignOff) { r.Version = 2 }},
	}
	for _, tt := range tests {
		rec := signOffRecord(t, s, id)
		tt.change(&rec)
		if err := s.RecordSignOff(ctx, rec, "abc", "signer"); !errors.Is(err, ErrChanged) {
			t.Errorf("%s: %v, want ErrChanged", tt.name, err)
		}
	}
	if recs, _ := s.SignOffs(ctx, id); len(recs) != 0 {
		t.Errorf("a refused sign-off left %d records", len(recs))
	}
	mustStatus(t, s, id, StatusInReview)
}

func TestCheckDecisions(t *testing.T) {
	tests := []struct {
		d       Decisions
		wantErr bool
	}{
		{Decisions{NextReview: "2030-01-31", DPOFollowed: "no", PriorConsultation: "yes"}, false},
		{Decisions{NextReview: "31.01.2030"}, true},
		{Decisions{MeasuresApprovedOn: "2030-02-30"}, true},
		{Decisions{DPOFollowed: "maybe"}, true},
		{Decisions{PriorConsultation: "Yes"}, true},
		{Decisions{DPOAdvice: "\xff"}, true},
	}
	for _, tt := range tests {
		if err := checkDecisions(tt.d); (err != nil) != tt.wantErr {
			t.Errorf("checkDecisions(%+v) = %v, wantErr %v", tt.d, err, tt.wantErr)
		}
	}
}

func TestEffectiveStatus(t *testing.T) {
	today := time.Date(2026, 5, 10, 23, 0, 0, 0, time.UTC)
	tests := []struct {
		status, next, want string
	}{
		{StatusSignedOff, "2026-05-09", StatusReviewDue},
		{StatusSignedOff, "2026-05-10", StatusSignedOff},
		{StatusSignedOff, "2027-01-01", StatusSignedOff},
		{StatusSignedOff, "", StatusSignedOff},
		{StatusDraft, "2020-01-01", StatusDraft},
		{StatusInReview, "2020-01-01", StatusInReview},
	}
	for _, tt := range tests {
		if got := EffectiveStatus(tt.status, tt.next, today); got != tt.want {
			t.Errorf("EffectiveStatus(%s, %s) = %s, want %s", tt.status, tt.next, got, tt.want)
		}
	}
}

func TestVerifySnapshot(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	id := mustCreate(t, s, "snap").ID
	s.SetAnswer(ctx, id, "q1", []string{"a"}, "ann")
	snap, err := s.Snapshot(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifySnapshot(snap); err != nil {
		t.Fatalf("clean snapshot: %v", err)
	}
	snap.Events[1].New = `["b"]`
	if err := VerifySnapshot(snap); err == nil {
		t.Fatal("an edited event verifies")
	}
}

// Nothing signed is edited in place, whatever the door: SetAnswer, SetNote and
// UpdateAssessment reopen a signed-off assessment, and no status change marks one signed off.
func TestSignedOffIsNeverEditedInPlace(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	signed := func(t *testing.T) string {
		t.Helper()
		id := mustCreate(t, s, "frozen").ID
		if err := s.SetAnswer(ctx, id, "q1", []string{"yes"}, "ann"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SubmitForReview(ctx, id, "ann"); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordSignOff(ctx, signOffRecord(t, s, id), "abc", "signer"); err != nil {
			t.Fatal(err)
		}
		mustStatus(t, s, id, StatusSignedOff)
		return id
	}
	draft, review, signedOff := StatusDraft, StatusInReview, StatusSignedOff
	name, archived := "renamed", true
	tests := []struct {
		name       string
		edit       func(id string) error
		wantStatus string
		reopened   bool
	}{
		{"SetAnswer", func(id string) error { return s.SetAnswer(ctx, id, "q1", []string{"no"}, "ann") }, StatusDraft, true},
		{"SetAnswer same value", func(id string) error { return s.SetAnswer(ctx, id, "q1", []string{"yes"}, "ann") }, StatusSignedOff, false},
		{"SetNote", func(id string) error { return s.SetNote(ctx, id, "q1", "why", "ann") }, StatusDraft, true},
		{"rename", func(id string) error {
			return s.UpdateAssessment(ctx, id, AssessmentUpdate{Name: &name}, "ann")
		}, StatusDraft, true},
		{"back to draft", func(id string) error {
			return s.UpdateAssessment(ctx, id, AssessmentUpdate{Status: &draft}, "ann")
		}, StatusDraft, true},
		{"back to review", func(id string) error {
			return s.UpdateAssessment(ctx, id, AssessmentUpdate{Status: &review}, "ann")
		}, StatusInReview, true},
		{"archive only", func(id string) error {
			return s.UpdateAssessment(ctx, id, AssessmentUpdate{Archived: &archived}, "ann")
		}, StatusSignedOff, false},
		{"signed off again", func(id string) error {
			return s.UpdateAssessment(ctx, id, AssessmentUpdate{Status: &signedOff}, "ann")
		}, StatusSignedOff, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := signed(t)
			if err := tt.edit(id); err != nil {
				t.Fatal(err)
			}
			mustStatus(t, s, id, tt.wantStatus)
			if v, _ := s.Version(ctx, id); (v == 2) != tt.reopened {
				t.Fatalf("version %d, reopened want %v", v, tt.reopened)
			}
			if v, err := s.VerifyLog(ctx, id); err != nil || !v.OK {
				t.Fatalf("log after the edit: %+v %v", v, err)
			}
		})
	}
	t.Run("status alone never signs off", func(t *testing.T) {
		id := mustCreate(t, s, "unsigned").ID
		err := s.UpdateAssessment(ctx, id, AssessmentUpdate{Status: &signedOff}, "ann")
		if !errors.Is(err, ErrSignOffNeeded) {
			t.Fatalf("err = %v, want ErrSignOffNeeded", err)
		}
		mustStatus(t, s, id, StatusDraft)
	})
}

func TestShownStatusReviewDue(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	s, err := Open(ctx, dir, Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	id := mustCreate(t, s, "due").ID
	if _, err := s.SubmitForReview(ctx, id, "ann"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.RecordDecisions(ctx, id, Decisions{NextReview: "2026-12-01"}, "ann"); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordSignOff(ctx, signOffRecord(t, s, id), "abc", "signer"); err != nil {
		t.Fatal(err)
	}
	a, _ := s.Assessment(ctx, id)
	for _, tt := range []struct {
		at   time.Time
		want string
	}{
		{now, StatusSignedOff},
		{time.Date(2026, 12, 1, 23, 0, 0, 0, time.UTC), StatusSignedOff},
		{time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC), StatusReviewDue},
	} {
		now = tt.at
		if got, err := s.ShownStatus(ctx, a); err != nil || got != tt.want {
			t.Errorf("at %s: ShownStatus = %q, %v; want %q", tt.at.Format(time.DateOnly), got, err, tt.want)
		}
	}
	if a.Status != StatusSignedOff {
		t.Errorf("stored status %q: review due is never stored", a.Status)
	}
}
