package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

func checkQuestion(question string) error {
	if strings.TrimSpace(question) == "" {
		return errors.New("no question id given")
	}
	return checkText("question id", question)
}

// SetAnswer sets one answer, or clears it when value is nil or empty, and
// logs an answer event in the same transaction. It returns only after
// COMMIT. Setting the value the question already has is a no-op. A change to a signed-off
// assessment first reopens it as a new version (see AmendAnswer), so nothing signed is ever
// edited in place.
func (s *SQLite) SetAnswer(ctx context.Context, id, question string, value []string, actor string) error {
	_, err := s.AmendAnswer(ctx, id, question, value, actor)
	return err
}

// putAnswer writes an answer whose current JSON text is cur ("" when
// unanswered) and logs it, unless nothing changes.
func (s *SQLite) putAnswer(ctx context.Context, tx *sql.Tx, id, question, cur string, value []string, actor string) error {
	next := ""
	if len(value) > 0 {
		next = jsonText(value)
	}
	if next == cur {
		return nil
	}
	var err error
	if next == "" {
		_, err = tx.ExecContext(ctx, `DELETE FROM answers
			WHERE assessment_id = ? AND question_id = ?`, id, question)
	} else {
		_, err = tx.ExecContext(ctx, `INSERT INTO answers (assessment_id, question_id, value, updated_at)
			VALUES (?, ?, ?, ?)
			ON CONFLICT (assessment_id, question_id) DO UPDATE
			SET value = excluded.value, updated_at = excluded.updated_at`,
			id, question, next, formatTime(s.now()))
	}
	if err != nil {
		return fmt.Errorf("write answer: %w", err)
	}
	return s.appendEvent(ctx, tx, id, actor, KindAnswer, question, cur, next)
}

// Answers returns the answers of an assessment by question id.
func (s *SQLite) Answers(ctx context.Context, id string) (map[string][]string, error) {
	op := fmt.Sprintf("read answers of assessment %q", id)
	if err := s.exists(ctx, s.db, id); err != nil {
		return nil, s.fail(op, err)
	}
	raw, err := readRaw(ctx, s.db, `SELECT question_id, value FROM answers WHERE assessment_id = ?`, id)
	if err != nil {
		return nil, s.fail(op, err)
	}
	out := make(map[string][]string, len(raw))
	for q, text := range raw {
		v, err := decodeAnswer(text)
		if err != nil {
			return nil, s.fail(op, fmt.Errorf("answer %q is malformed: %w", q, err))
		}
		out[q] = v
	}
	return out, nil
}

func decodeAnswer(text string) ([]string, error) {
	var v []string
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		return nil, err
	}
	return v, nil
}

// readRaw reads a question id → text map with the given two-column query.
func readRaw(ctx context.Context, q Querier, query, id string) (map[string]string, error) {
	rows, err := q.QueryContext(ctx, query, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, rows.Err()
}

// SetNote sets the note on a question and logs a note event; empty text
// deletes the note. Setting the current text is a no-op. A signed-off assessment is reopened
// first, as SetAnswer does.
func (s *SQLite) SetNote(ctx context.Context, id, question, text, actor string) error {
	_, err := s.AmendNote(ctx, id, question, text, actor)
	return err
}

// putNote writes a note whose current text is cur ("" when none) and logs
// it, unless nothing changes.
func (s *SQLite) putNote(ctx context.Context, tx *sql.Tx, id, question, cur, text, actor string) error {
	if text == cur {
		return nil
	}
	var err error
	if text == "" {
		_, err = tx.ExecContext(ctx, `DELETE FROM notes
			WHERE assessment_id = ? AND question_id = ?`, id, question)
	} else {
		_, err = tx.ExecContext(ctx, `INSERT INTO notes (assessment_id, question_id, text, updated_at)
			VALUES (?, ?, ?, ?)
			ON CONFLICT (assessment_id, question_id) DO UPDATE
			SET text = excluded.text, updated_at = excluded.updated_at`,
			id, question, text, formatTime(s.now()))
	}
	if err != nil {
		return fmt.Errorf("write note: %w", err)
	}
	return s.appendEvent(ctx, tx, id, actor, KindNote, question, noteJSON(cur), noteJSON(text))
}

// noteJSON is the JSON text of a note for the log, "" for no note.
func noteJSON(text string) string {
	if text == "" {
		return ""
	}
	return jsonText(text)
}

// Notes returns the notes of an assessment by question id.
func (s *SQLite) Notes(ctx context.Context, id string) (map[string]string, error) {
	op := fmt.Sprintf("read notes of assessment %q", id)
	if err := s.exists(ctx, s.db, id); err != nil {
		return nil, s.fail(op, err)
	}
	notes, err := readRaw(ctx, s.db, `SELECT question_id, text FROM notes WHERE assessment_id = ?`, id)
	if err != nil {
		return nil, s.fail(op, err)
	}
	return notes, nil
}
