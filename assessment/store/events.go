package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// timeFormat is RFC 3339 in UTC with a fixed nine-digit fraction, so that
// stored timestamps sort as text and hash the same on every platform.
const timeFormat = "2006-01-02T15:04:05.000000000Z"

// hashDomain starts every hashed record, so that a future format can
// change the record without colliding with this one.
const hashDomain = "dpia-event-v1"

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func parseTime(s string) (time.Time, error) { return time.Parse(time.RFC3339Nano, s) }

// eventHash is the hex SHA-256 of hashDomain and the event's fields, each
// written as an 8-byte big-endian length followed by its bytes, in this
// order: prev_hash, assessment_id, at, actor, kind, subject, old, new. The
// length prefixes make the encoding injective: no content can move from one
// field into another. Seq is left out so that an event hashes the same in a
// copy of the log. at is the stored text, which is formatTime of the time.
func eventHash(prevHash, assessmentID, at, actor, kind, subject, old, new string) string {
	h := sha256.New()
	var n [8]byte
	for _, f := range []string{hashDomain, prevHash, assessmentID, at, actor, kind, subject, old, new} {
		binary.BigEndian.PutUint64(n[:], uint64(len(f)))
		h.Write(n[:])
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// appendEvent writes one event at the end of the assessment's log inside
// tx, and records the new head of the log on the assessment.
func (s *SQLite) appendEvent(ctx context.Context, tx *sql.Tx, id, actor, kind, subject, old, new string) error {
	var prev string
	err := tx.QueryRowContext(ctx,
		`SELECT hash FROM events WHERE assessment_id = ? ORDER BY seq DESC LIMIT 1`, id).Scan(&prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read log head: %w", err)
	}
	at := formatTime(s.now())
	hash := eventHash(prev, id, at, actor, kind, subject, old, new)
	_, err = tx.ExecContext(ctx, `INSERT INTO events
		(assessment_id, at, actor, kind, subject, old, new, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, at, actor, kind, subject, old, new, prev, hash)
	if err != nil {
		return fmt.Errorf("append %s event: %w", kind, err)
	}
	_, err = tx.ExecContext(ctx,
		`UPDATE assessments SET log_head = ?, updated_at = ? WHERE id = ?`, hash, at, id)
	if err != nil {
		return fmt.Errorf("update log head: %w", err)
	}
	return nil
}

// Events returns the audit log of an assessment ordered by seq.
func (s *SQLite) Events(ctx context.Context, id string) ([]Event, error) {
	op := fmt.Sprintf("read log of assessment %q", id)
	if err := s.exists(ctx, s.db, id); err != nil {
		return nil, s.fail(op, err)
	}
	stored, err := readEvents(ctx, s.db, id)
	if err != nil {
		return nil, s.fail(op, err)
	}
	evs := make([]Event, len(stored))
	for i, e := range stored {
		evs[i] = e.Event
	}
	return evs, nil
}

// Querier runs queries: a *sql.DB, *sql.Conn or *sql.Tx.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// storedEvent is an event with its timestamp exactly as stored, which is
// what the hash covers.
type storedEvent struct {
	Event
	at string
}

func (e storedEvent) label() string {
	if e.Subject == "" {
		return fmt.Sprintf("event %d (%s)", e.Seq, e.Kind)
	}
	return fmt.Sprintf("event %d (%s %s)", e.Seq, e.Kind, e.Subject)
}

func readEvents(ctx context.Context, q Querier, id string) ([]storedEvent, error) {
	rows, err := q.QueryContext(ctx, `SELECT seq, assessment_id, at, actor, kind, subject,
		old, new, prev_hash, hash FROM events WHERE assessment_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var evs []storedEvent
	for rows.Next() {
		var e storedEvent
		if err := rows.Scan(&e.Seq, &e.AssessmentID, &e.at, &e.Actor, &e.Kind, &e.Subject,
			&e.Old, &e.New, &e.PrevHash, &e.Hash); err != nil {
			return nil, err
		}
		e.At, _ = parseTime(e.at) // a bad time is reported by VerifyLog
		evs = append(evs, e)
	}
	return evs, rows.Err()
}

// exists returns an error wrapping ErrNotFound when the assessment is
// unknown.
func (s *SQLite) exists(ctx context.Context, q queryer, id string) error {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM assessments WHERE id = ?`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("assessment %q %w", id, ErrNotFound)
	}
	return err
}

// Write runs fn in one write transaction and commits it; other packages (the evidence
// index) use it to change their tables and the event log atomically.
func (s *SQLite) Write(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	return s.write(ctx, op, fn)
}

// AppendEvent appends an event to an assessment's hash-chained log inside tx.
func (s *SQLite) AppendEvent(ctx context.Context, tx *sql.Tx, id, actor, kind, subject, old, new string) error {
	if err := s.exists(ctx, tx, id); err != nil {
		return err
	}
	return s.appendEvent(ctx, tx, id, actor, kind, subject, old, new)
}
