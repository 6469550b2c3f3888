package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
)

// buildLog makes an assessment with a varied log of answers, notes and
// updates, and returns the store, its id and its events.
func buildLog(t *testing.T) (*SQLite, string, []Event) {
	t.Helper()
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	a := mustCreate(t, s, "chain")
	for i := range 30 {
		q := fmt.Sprintf("q%d", i%6)
		v := []string{fmt.Sprint(i)}
		if i%4 == 0 {
			v = append(v, "multi")
		}
		if err := s.SetAnswer(ctx, a.ID, q, v, "ann"); err != nil {
			t.Fatal(err)
		}
		if i%5 == 0 {
			if err := s.SetNote(ctx, a.ID, q, fmt.Sprintf("note %d", i), "ann"); err != nil {
				t.Fatal(err)
			}
		}
	}
	st := StatusInReview
	if err := s.UpdateAssessment(ctx, a.ID, AssessmentUpdate{Status: &st}, "dpo"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetAnswer(ctx, a.ID, "q5", nil, "ann"); err != nil {
		t.Fatal(err)
	}
	evs, err := s.Events(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.VerifyLog(ctx, a.ID)
	if err != nil || !v.OK || v.Events != len(evs) || v.Problem != "" {
		t.Fatalf("untouched log: %+v, %v", v, err)
	}
	return s, a.ID, evs
}

func mustExec(t *testing.T, db *sql.DB, query string, args ...any) {
	t.Helper()
	if _, err := db.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func TestEventsAppendOnly(t *testing.T) {
	s, id, evs := buildLog(t)
	for _, q := range []string{`UPDATE events SET new = '["x"]' WHERE seq = ?`, `DELETE FROM events WHERE seq = ?`} {
		_, err := s.DB().Exec(q, evs[3].Seq)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: err = %v; want the append-only trigger to refuse", q, err)
		}
	}
	if v, err := s.VerifyLog(context.Background(), id); err != nil || !v.OK {
		t.Errorf("after refused edits: %+v, %v", v, err)
	}
}

// firstAnswer returns the index of the first answer event at or after i.
func firstAnswer(evs []Event, i int) int {
	for evs[i].Kind != KindAnswer {
		i++
	}
	return i
}

// tamperCases each edit a built log behind the store's back and return the
// seq VerifyLog must name (0 for none) and a fragment of its problem.
var tamperCases = []struct {
	name   string
	tamper func(t *testing.T, db *sql.DB, evs []Event) (int64, string)
}{
	{"edited event value", func(t *testing.T, db *sql.DB, evs []Event) (int64, string) {
		e := evs[firstAnswer(evs, 7)]
		mustExec(t, db, `DROP TRIGGER events_no_update`)
		mustExec(t, db, `UPDATE events SET new = '["forged"]' WHERE seq = ?`, e.Seq)
		return e.Seq, fmt.Sprintf("event %d (answer %s) does not match its hash: the log was edited", e.Seq, e.Subject)
	}},
	{"edited actor", func(t *testing.T, db *sql.DB, evs []Event) (int64, string) {
		mustExec(t, db, `DROP TRIGGER events_no_update`)
		mustExec(t, db, `UPDATE events SET actor = 'mallory' WHERE seq = ?`, evs[0].Seq)
		return evs[0].Seq, "(created) does not match its hash"
	}},
	{"rehashed event", func(t *testing.T, db *sql.DB, evs []Event) (int64, string) {
		e := evs[5]
		forged := eventHash(e.PrevHash, e.AssessmentID, formatTime(e.At), "mallory", e.Kind, e.Subject, e.Old, e.New)
		mustExec(t, db, `DROP TRIGGER events_no_update`)
		mustExec(t, db, `UPDATE events SET actor = 'mallory', hash = ? WHERE seq = ?`, forged, e.Seq)
		return evs[6].Seq, fmt.Sprintf("does not follow event %d", e.Seq)
	}},
	{"deleted middle event", func(t *testing.T, db *sql.DB, evs []Event) (int64, string) {
		mustExec(t, db, `DROP TRIGGER events_no_delete`)
		mustExec(t, db, `DELETE FROM events WHERE seq = ?`, evs[10].Seq)
		return evs[11].Seq, fmt.Sprintf("does not follow event %d: an event between them was deleted", evs[9].Seq)
	}},
	{"deleted first event", func(t *testing.T, db *sql.DB, evs []Event) (int64, string) {
		mustExec(t, db, `DROP TRIGGER events_no_delete`)
		mustExec(t, db, `DELETE FROM events WHERE seq = ?`, evs[0].Seq)
		return evs[1].Seq, "does not start the log"
	}},
	{"deleted last event", func(t *testing.T, db *sql.DB, evs []Event) (int64, string) {
		mustExec(t, db, `DROP TRIGGER events_no_delete`)
		mustExec(t, db, `DELETE FROM events WHERE seq = ?`, evs[len(evs)-1].Seq)
		return evs[len(evs)-2].Seq, "later events were deleted"
	}},
	{"answer edited in table", func(t *testing.T, db *sql.DB, evs []Event) (int64, string) {
		mustExec(t, db, `UPDATE answers SET value = '["forged"]' WHERE question_id = 'q2'`)
		return lastSeq(evs, KindAnswer, "q2"), "the answer to q2 differs from event"
	}},
	{"answer inserted in table", func(t *testing.T, db *sql.DB, evs []Event) (int64, string) {
		mustExec(t, db, `INSERT INTO answers SELECT assessment_id, 'q9', '["x"]', updated_at FROM answers LIMIT 1`)
		return 0, "the answer to q9 was changed without an event: the answers table was edited"
	}},
	{"cleared answer restored in table", func(t *testing.T, db *sql.DB, evs []Event) (int64, string) {
		mustExec(t, db, `INSERT INTO answers SELECT assessment_id, 'q5', '["x"]', updated_at FROM answers LIMIT 1`)
		return 0, "the answer to q5 was changed without an event"
	}},
	{"answer deleted from table", func(t *testing.T, db *sql.DB, evs []Event) (int64, string) {
		mustExec(t, db, `DELETE FROM answers WHERE question_id = 'q1'`)
		return lastSeq(evs, KindAnswer, "q1"), "the answer to q1 set by event"
	}},
	{"note edited in table", func(t *testing.T, db *sql.DB, evs []Event) (int64, string) {
		mustExec(t, db, `UPDATE notes SET text = 'forged' WHERE question_id = 'q0'`)
		return lastSeq(evs, KindNote, "q0"), "the note to q0 differs from event"
	}},
}

func TestVerifyDetectsTampering(t *testing.T) {
	for _, tt := range tamperCases {
		t.Run(tt.name, func(t *testing.T) {
			s, id, evs := buildLog(t)
			wantSeq, wantProblem := tt.tamper(t, s.DB(), evs)
			v, err := s.VerifyLog(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			if v.OK || v.BadSeq != wantSeq || !strings.Contains(v.Problem, wantProblem) {
				t.Fatalf("VerifyLog = %+v; want BadSeq %d and a problem containing %q", v, wantSeq, wantProblem)
			}
			if strings.Count(v.Problem, ".") > 1 || strings.Contains(v.Problem, "\n") {
				t.Errorf("problem %q is not one sentence", v.Problem)
			}
		})
	}
}

func lastSeq(evs []Event, kind, subject string) int64 {
	var seq int64
	for _, e := range evs {
		if e.Kind == kind && e.Subject == subject {
			seq = e.Seq
		}
	}
	return seq
}

func TestEventHashIsInjective(t *testing.T) {
	base := eventHash("p", "a-1", "t", "ann", "answer", "q", `["x"]`, `["y"]`)
	shifted := []string{
		eventHash("p", "a-1", "t", "ann", "answer", `q["x"]`, "", `["y"]`),
		eventHash("pa-1", "", "t", "ann", "answer", "q", `["x"]`, `["y"]`),
		eventHash("p", "a-1", "t", "annanswer", "", "q", `["x"]`, `["y"]`),
	}
	for i, h := range shifted {
		if h == base {
			t.Errorf("shifted variant %d hashes like the original", i)
		}
	}
	if len(base) != 64 {
		t.Errorf("hash %q is not hex SHA-256", base)
	}
}
