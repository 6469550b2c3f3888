package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
)

// VerifyLog checks an assessment's audit log: it recomputes every event's
// hash in seq order, checks that each event links to the one before it
// (the first to ""), that the last one is the head recorded on the
// assessment, and that the answers and notes tables agree with a replay of
// the answer and note events. The first problem found is described in
// Verification.Problem; an error means the check itself could not run.
func (s *SQLite) VerifyLog(ctx context.Context, id string) (Verification, error) {
	op := fmt.Sprintf("verify log of assessment %q", id)
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return Verification{}, s.fail(op, err)
	}
	defer tx.Rollback()
	var head string
	err = tx.QueryRowContext(ctx, `SELECT log_head FROM assessments WHERE id = ?`, id).Scan(&head)
	if err != nil {
		return Verification{}, s.fail(op, notFound(id, err))
	}
	evs, err := readEvents(ctx, tx, id)
	if err != nil {
		return Verification{}, s.fail(op, err)
	}
	answers, err := readRaw(ctx, tx, `SELECT question_id, value FROM answers WHERE assessment_id = ?`, id)
	if err != nil {
		return Verification{}, s.fail(op, err)
	}
	notes, err := readRaw(ctx, tx, `SELECT question_id, text FROM notes WHERE assessment_id = ?`, id)
	if err != nil {
		return Verification{}, s.fail(op, err)
	}
	v := Verification{OK: true, Events: len(evs)}
	if bad, problem := checkChain(evs, head); problem != "" {
		v.OK, v.BadSeq, v.Problem = false, bad, problem
		return v, nil
	}
	if bad, problem := checkReplay(evs, answers, notes); problem != "" {
		v.OK, v.BadSeq, v.Problem = false, bad, problem
	}
	return v, nil
}

func notFound(id string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("assessment %q %w", id, ErrNotFound)
	}
	return err
}

// checkChain returns the seq of the first event that breaks the hash chain
// and a sentence saying how, or "" when the chain is whole.
func checkChain(evs []storedEvent, head string) (int64, string) {
	prev := ""
	for i, e := range evs {
		sum := eventHash(e.PrevHash, e.AssessmentID, e.at, e.Actor, e.Kind, e.Subject, e.Old, e.New)
		switch {
		case sum != e.Hash:
			return e.Seq, fmt.Sprintf("%s does not match its hash: the log was edited", e.label())
		case e.PrevHash != prev && i == 0:
			return e.Seq, fmt.Sprintf("%s does not start the log: earlier events were deleted", e.label())
		case e.PrevHash != prev:
			return e.Seq, fmt.Sprintf("%s does not follow event %d: an event between them was deleted or the log was edited",
				e.label(), evs[i-1].Seq)
		case e.At.IsZero():
			return e.Seq, fmt.Sprintf("%s has an unreadable time %q", e.label(), e.at)
		}
		prev = e.Hash
	}
	if prev != head {
		if len(evs) == 0 {
			return 0, "the log is empty but the assessment records events: the log was truncated"
		}
		last := evs[len(evs)-1]
		return last.Seq, fmt.Sprintf("the log ends at %s, not at the head the assessment records: later events were deleted", last.label())
	}
	return 0, ""
}

// replayed is the last value an event gave one question, and that event.
type replayed struct {
	value string
	seq   int64
}

// checkReplay replays the answer and note events and compares the result
// with the answers and notes tables.
func checkReplay(evs []storedEvent, answers, notes map[string]string) (int64, string) {
	wantAnswers, wantNotes := map[string]replayed{}, map[string]replayed{}
	for _, e := range evs {
		switch e.Kind {
		case KindAnswer:
			if e.New != "" {
				if _, err := decodeAnswer(e.New); err != nil {
					return e.Seq, fmt.Sprintf("%s holds a value that is not a JSON list of strings", e.label())
				}
			}
			wantAnswers[e.Subject] = replayed{e.New, e.Seq}
		case KindNote:
			var text string
			if e.New != "" && json.Unmarshal([]byte(e.New), &text) != nil {
				return e.Seq, fmt.Sprintf("%s holds a note that is not a JSON string", e.label())
			}
			wantNotes[e.Subject] = replayed{text, e.Seq}
		}
	}
	if seq, problem := compareReplay("answer", wantAnswers, answers, sameAnswer); problem != "" {
		return seq, problem
	}
	return compareReplay("note", wantNotes, notes, func(a, b string) bool { return a == b })
}

// sameAnswer reports whether two answer JSON texts hold the same list.
func sameAnswer(a, b string) bool {
	if a == b {
		return true
	}
	x, errX := decodeAnswer(a)
	y, errY := decodeAnswer(b)
	return errX == nil && errY == nil && slices.Equal(x, y)
}

// compareReplay compares replayed values (where "" means none) with a
// table, in question order, and describes the first difference.
func compareReplay(what string, want map[string]replayed, table map[string]string, same func(a, b string) bool) (int64, string) {
	questions := sortedKeys(table)
	for q, r := range want {
		if _, ok := table[q]; !ok && r.value != "" {
			questions = append(questions, q)
		}
	}
	slices.Sort(questions)
	for _, q := range questions {
		r, logged := want[q]
		got, stored := table[q]
		switch {
		case stored && (!logged || r.value == ""):
			return 0, fmt.Sprintf("the %s to %s was changed without an event: the %ss table was edited", what, q, what)
		case !stored:
			return r.seq, fmt.Sprintf("the %s to %s set by event %d is missing: the %ss table was edited", what, q, r.seq, what)
		case !same(got, r.value):
			return r.seq, fmt.Sprintf("the %s to %s differs from event %d: the %ss table was edited", what, q, r.seq, what)
		}
	}
	return 0, ""
}
