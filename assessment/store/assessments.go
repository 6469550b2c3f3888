package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// write runs fn in one IMMEDIATE transaction and commits it. Errors are
// wrapped with op; lock timeouts become an error wrapping ErrLocked.
func (s *SQLite) write(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.fail(op, err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return s.fail(op, err)
	}
	if err := tx.Commit(); err != nil {
		return s.fail(op, err)
	}
	return nil
}

// newID returns an unused id of the form "a-" and 8 hex digits.
func newID(ctx context.Context, tx *sql.Tx) (string, error) {
	for range 16 {
		var b [4]byte
		rand.Read(b[:])
		id := "a-" + hex.EncodeToString(b[:])
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM assessments WHERE id = ?`, id).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return id, nil
		}
		if err != nil {
			return "", err
		}
	}
	return "", errors.New("could not find an unused assessment id")
}

// checkText rejects text that cannot be stored and read back exactly.
func checkText(what string, texts ...string) error {
	for _, t := range texts {
		if !utf8.ValidString(t) {
			return fmt.Errorf("%s is not valid UTF-8", what)
		}
	}
	return nil
}

func checkStatus(status string) error {
	switch status {
	case StatusDraft, StatusInReview, StatusSignedOff:
		return nil
	}
	return fmt.Errorf("unknown status %q (want %s, %s or %s)", status, StatusDraft, StatusInReview, StatusSignedOff)
}

// jsonText returns the JSON text of v without HTML escaping, so that the
// log reads as written. v is a string, bool, []string or a struct of those
// here, which cannot fail to encode.
func jsonText(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	return strings.TrimSuffix(b.String(), "\n")
}

func checkNew(in NewAssessment) error {
	if strings.TrimSpace(in.Name) == "" {
		return errors.New("an assessment needs a name")
	}
	if err := checkText("assessment fields", in.Name, in.SystemName, in.Description, in.Owner); err != nil {
		return err
	}
	return checkText("pack names", in.Packs...)
}

// CreateAssessment creates an assessment in draft status and logs a
// created event whose New holds the fields as JSON.
func (s *SQLite) CreateAssessment(ctx context.Context, in NewAssessment, actor string) (Assessment, error) {
	if err := checkNew(in); err != nil {
		return Assessment{}, fmt.Errorf("create assessment: %w", err)
	}
	var id string
	err := s.write(ctx, "create assessment", func(tx *sql.Tx) error {
		var err error
		id, err = s.insertAssessment(ctx, tx, in, actor, origin{})
		return err
	})
	if err != nil {
		return Assessment{}, err
	}
	return s.Assessment(ctx, id)
}

// origin says where a new assessment came from, for its created event.
type origin struct {
	DuplicateOf string `json:"duplicate_of,omitempty"` // id of the original
	Source      string `json:"source,omitempty"`       // "import" for imports
}

// insertAssessment inserts a new draft assessment and its created event.
func (s *SQLite) insertAssessment(ctx context.Context, tx *sql.Tx, in NewAssessment, actor string, from origin) (string, error) {
	id, err := newID(ctx, tx)
	if err != nil {
		return "", err
	}
	packs := in.Packs
	if packs == nil {
		packs = []string{}
	}
	now := formatTime(s.now())
	_, err = tx.ExecContext(ctx, `INSERT INTO assessments
		(id, name, system_name, description, owner, packs, status, archived, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
		id, in.Name, in.SystemName, in.Description, in.Owner, jsonText(packs), StatusDraft, now, now)
	if err != nil {
		return "", fmt.Errorf("insert assessment: %w", err)
	}
	created := struct {
		Name          string   `json:"name"`
		SystemName    string   `json:"system_name"`
		Description   string   `json:"description"`
		Owner         string   `json:"owner"`
		Packs         []string `json:"packs"`
		InitialStatus string   `json:"status"`
		origin
	}{in.Name, in.SystemName, in.Description, in.Owner, packs, StatusDraft, from}
	return id, s.appendEvent(ctx, tx, id, actor, KindCreated, "", "", jsonText(created))
}

const selectAssessment = `SELECT a.id, a.name, a.system_name, a.description, a.owner, a.packs,
	a.status, a.archived, a.created_at, a.updated_at,
	(SELECT count(*) FROM answers WHERE assessment_id = a.id)
	FROM assessments a`

type scanner interface{ Scan(dest ...any) error }

func scanAssessment(r scanner) (Assessment, error) {
	var a Assessment
	var packs, created, updated string
	err := r.Scan(&a.ID, &a.Name, &a.SystemName, &a.Description, &a.Owner, &packs,
		&a.Status, &a.Archived, &created, &updated, &a.AnswerCount)
	if err != nil {
		return a, err
	}
	if err := json.Unmarshal([]byte(packs), &a.Packs); err != nil {
		return a, fmt.Errorf("assessment %q has a malformed pack list: %w", a.ID, err)
	}
	if a.Created, err = parseTime(created); err != nil {
		return a, fmt.Errorf("assessment %q has a malformed creation time: %w", a.ID, err)
	}
	if a.Updated, err = parseTime(updated); err != nil {
		return a, fmt.Errorf("assessment %q has a malformed update time: %w", a.ID, err)
	}
	return a, nil
}

// Assessment returns one assessment, or an error wrapping ErrNotFound.
func (s *SQLite) Assessment(ctx context.Context, id string) (Assessment, error) {
	a, err := s.getAssessment(ctx, s.db, id)
	if err != nil {
		return Assessment{}, s.fail(fmt.Sprintf("read assessment %q", id), err)
	}
	return a, nil
}

func (s *SQLite) getAssessment(ctx context.Context, q queryer, id string) (Assessment, error) {
	a, err := scanAssessment(q.QueryRowContext(ctx, selectAssessment+` WHERE a.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("assessment %q %w", id, ErrNotFound)
	}
	return a, err
}

// ListAssessments returns the assessments, most recently updated first
// (then by name and id), leaving out archived ones unless includeArchived.
func (s *SQLite) ListAssessments(ctx context.Context, includeArchived bool) ([]Assessment, error) {
	q := selectAssessment
	if !includeArchived {
		q += ` WHERE a.archived = 0`
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY a.updated_at DESC, a.name, a.id`)
	if err != nil {
		return nil, s.fail("list assessments", err)
	}
	defer rows.Close()
	var out []Assessment
	for rows.Next() {
		a, err := scanAssessment(rows)
		if err != nil {
			return nil, s.fail("list assessments", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail("list assessments", err)
	}
	return out, nil
}

// DuplicateAssessment copies an assessment with its answers and notes into
// a new draft. The copy's log starts with a created event naming the
// original, followed by one answer and one note event per copied entry.
func (s *SQLite) DuplicateAssessment(ctx context.Context, id, newName, actor string) (Assessment, error) {
	op := fmt.Sprintf("duplicate assessment %q", id)
	var newID string
	err := s.write(ctx, op, func(tx *sql.Tx) error {
		src, err := s.getAssessment(ctx, tx, id)
		if err != nil {
			return err
		}
		in := NewAssessment{Name: newName, SystemName: src.SystemName,
			Description: src.Description, Owner: src.Owner, Packs: src.Packs}
		if strings.TrimSpace(in.Name) == "" {
			in.Name = src.Name + " (copy)"
		}
		if err := checkNew(in); err != nil {
			return err
		}
		if newID, err = s.insertAssessment(ctx, tx, in, actor, origin{DuplicateOf: id}); err != nil {
			return err
		}
		return s.copyEntries(ctx, tx, id, newID, actor)
	})
	if err != nil {
		return Assessment{}, err
	}
	return s.Assessment(ctx, newID)
}

// copyEntries copies answers and notes from one assessment to another,
// logging each on the target.
func (s *SQLite) copyEntries(ctx context.Context, tx *sql.Tx, from, to, actor string) error {
	answers, err := readRaw(ctx, tx, `SELECT question_id, value FROM answers WHERE assessment_id = ?`, from)
	if err != nil {
		return err
	}
	for _, q := range sortedKeys(answers) {
		v, err := decodeAnswer(answers[q])
		if err != nil {
			return fmt.Errorf("answer %q is malformed: %w", q, err)
		}
		if err := s.putAnswer(ctx, tx, to, q, "", v, actor); err != nil {
			return err
		}
	}
	notes, err := readRaw(ctx, tx, `SELECT question_id, text FROM notes WHERE assessment_id = ?`, from)
	if err != nil {
		return err
	}
	for _, q := range sortedKeys(notes) {
		if err := s.putNote(ctx, tx, to, q, "", notes[q], actor); err != nil {
			return err
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
