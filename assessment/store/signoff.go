package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Review workflow: draft → in_review → signed_off. An edit of a signed-off assessment first
// records a KindReopened event that starts the next version in draft; the sign-off record of
// the old version (with its frozen answers, notes and result) stays. Review decisions are
// decision events; the current decisions are a replay of those since the last reopening.

// Event kinds of the review workflow.
const (
	KindReopened = "reopened" // Subject is ""; Old/New are Reopening JSON
	KindDecision = "decision" // Subject is the decision field (see Decisions); Old/New are JSON strings
	KindSignOff  = "signoff"  // Subject is "v<version>"; New is SignOffEvent JSON
)

// StatusReviewDue is computed on read, never stored: a signed-off assessment whose next
// review date has passed.
const StatusReviewDue = "review_due"

// Sentinel errors of the review workflow.
var (
	// ErrSignedOff reports a change refused because the assessment is signed off.
	ErrSignedOff = errors.New("is signed off")
	// ErrSignOffNeeded reports an attempt to mark an assessment signed off without signing.
	ErrSignOffNeeded = errors.New("sign it off with 'dpia signoff ID', which signs a manifest with your key")
	// ErrNotInReview reports a sign-off of an assessment that is not in review.
	ErrNotInReview = errors.New("is not in review")
	// ErrChanged reports that the assessment changed while it was being signed off.
	ErrChanged = errors.New("changed while it was being signed off")
)

// Decisions are the recorded review decisions. Dates are YYYY-MM-DD; DPOFollowed and
// PriorConsultation are "yes", "no" or "" (not decided). The JSON names are the event subjects.
type Decisions struct {
	MeasuresApprovedBy string `json:"measures_approved_by"`
	MeasuresApprovedOn string `json:"measures_approved_on"`
	RiskAcceptedBy     string `json:"risk_accepted_by"`
	RiskAcceptedOn     string `json:"risk_accepted_on"`
	DPOAdvice          string `json:"dpo_advice"`
	DPOFollowed        string `json:"dpo_followed"`
	DPOReason          string `json:"dpo_reason"`
	PriorConsultation  string `json:"prior_consultation"`
	NextReview         string `json:"next_review"`
}

// field is one decision: its event subject, its value and what it must look like.
type field struct {
	name string
	p    *string
	kind int // fieldText, fieldDate or fieldYesNo
}

const (
	fieldText = iota
	fieldDate
	fieldYesNo
)

func (d *Decisions) fields() []field {
	return []field{
		{"measures_approved_by", &d.MeasuresApprovedBy, fieldText},
		{"measures_approved_on", &d.MeasuresApprovedOn, fieldDate},
		{"risk_accepted_by", &d.RiskAcceptedBy, fieldText},
		{"risk_accepted_on", &d.RiskAcceptedOn, fieldDate},
		{"dpo_advice", &d.DPOAdvice, fieldText},
		{"dpo_followed", &d.DPOFollowed, fieldYesNo},
		{"dpo_reason", &d.DPOReason, fieldText},
		{"prior_consultation", &d.PriorConsultation, fieldYesNo},
		{"next_review", &d.NextReview, fieldDate},
	}
}

func checkDecisions(d Decisions) error {
	for _, f := range d.fields() {
		v := *f.p
		if v == "" {
			continue
		}
		if err := checkText(f.name, v); err != nil {
			return err
		}
		switch f.kind {
		case fieldDate:
			if _, err := time.Parse("2006-01-02", v); err != nil {
				return fmt.Errorf("%s %q is not a date YYYY-MM-DD", f.name, v)
			}
		case fieldYesNo:
			if v != "yes" && v != "no" {
				return fmt.Errorf("%s is %q; want yes or no", f.name, v)
			}
		}
	}
	return nil
}

// Reopening is the Old and New of a reopened event.
type Reopening struct {
	Status  string `json:"status"`
	Version int    `json:"version"`
}

// SignOffEvent is the New of a sign-off event: it ties the hash-chained log to the signed
// manifest and the key that signed it.
type SignOffEvent struct {
	Version        int    `json:"version"`
	ManifestSHA256 string `json:"manifest_sha256"`
	Signer         string `json:"signer"`
	PublicKey      string `json:"public_key"`
}

// SignOff is the sign-off record of one version.
type SignOff struct {
	AssessmentID string
	Version      int
	SignedAt     time.Time
	Signer       string
	PublicKey    string // standard base64 of the Ed25519 public key
	LogHead      string // the log head the manifest signs
	Events       int    // the number of events the manifest signs
	Manifest     []byte // the exact bytes signed
	Signature    []byte // the 64-byte Ed25519 signature
	Answers      map[string][]string
	Notes        map[string]string
	Result       json.RawMessage // the graded result (contract C3) at sign-off
	ReportsDir   string          // where the reports were written; relative to the workspace when inside it
}

// Version returns the current version of an assessment: 1, plus one per reopening.
func (s *SQLite) Version(ctx context.Context, id string) (int, error) {
	if err := s.exists(ctx, s.db, id); err != nil {
		return 0, s.fail(fmt.Sprintf("read version of assessment %q", id), err)
	}
	v, err := version(ctx, s.db, id)
	if err != nil {
		return 0, s.fail(fmt.Sprintf("read version of assessment %q", id), err)
	}
	return v, nil
}

func version(ctx context.Context, q queryer, id string) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM events WHERE assessment_id = ? AND kind = ?`,
		id, KindReopened).Scan(&n)
	return n + 1, err
}

// reopen records a reopened event and sets the status to draft, starting the next version.
// The caller has checked that the assessment is signed off.
func (s *SQLite) reopen(ctx context.Context, tx *sql.Tx, id, actor string) (int, error) {
	v, err := version(ctx, tx, id)
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE assessments SET status = ? WHERE id = ?`, StatusDraft, id); err != nil {
		return 0, fmt.Errorf("write status: %w", err)
	}
	err = s.appendEvent(ctx, tx, id, actor, KindReopened, "",
		jsonText(Reopening{StatusSignedOff, v}), jsonText(Reopening{StatusDraft, v + 1}))
	return v + 1, err
}

// Reopen starts a new version of a signed-off assessment: one reopened event (version N+1,
// status draft). It returns the new version, or 0 when the assessment is not signed off (and
// nothing is written).
func (s *SQLite) Reopen(ctx context.Context, id, actor string) (int, error) {
	var to int
	err := s.write(ctx, fmt.Sprintf("reopen assessment %q", id), func(tx *sql.Tx) error {
		cur, err := s.getAssessment(ctx, tx, id)
		if err != nil || cur.Status != StatusSignedOff {
			return err
		}
		to, err = s.reopen(ctx, tx, id, actor)
		return err
	})
	return to, err
}

// AmendAnswer is SetAnswer for any status: on a signed-off assessment whose answer would
// change it first reopens the assessment (see Reopen), in the same transaction. It returns
// the version reopened to, or 0 when none was.
func (s *SQLite) AmendAnswer(ctx context.Context, id, question string, value []string, actor string) (int, error) {
	op := fmt.Sprintf("save answer %q of assessment %q", question, id)
	if err := checkQuestion(question); err != nil {
		return 0, fmt.Errorf("%s: %w", op, err)
	}
	if err := checkText("answer value", value...); err != nil {
		return 0, fmt.Errorf("%s: %w", op, err)
	}
	next := ""
	if len(value) > 0 {
		next = jsonText(value)
	}
	var to int
	err := s.write(ctx, op, func(tx *sql.Tx) error {
		cur, err := s.current(ctx, tx, id, `SELECT value FROM answers WHERE assessment_id = ? AND question_id = ?`, question)
		if err != nil {
			return err
		}
		if to, err = s.reopenFor(ctx, tx, id, actor, cur != next); err != nil {
			return err
		}
		return s.putAnswer(ctx, tx, id, question, cur, value, actor)
	})
	return to, err
}

// AmendNote is SetNote for any status, reopening a signed-off assessment as AmendAnswer does.
func (s *SQLite) AmendNote(ctx context.Context, id, question, text, actor string) (int, error) {
	op := fmt.Sprintf("save note on %q of assessment %q", question, id)
	if err := checkQuestion(question); err != nil {
		return 0, fmt.Errorf("%s: %w", op, err)
	}
	if err := checkText("note", text); err != nil {
		return 0, fmt.Errorf("%s: %w", op, err)
	}
	var to int
	err := s.write(ctx, op, func(tx *sql.Tx) error {
		cur, err := s.current(ctx, tx, id, `SELECT text FROM notes WHERE assessment_id = ? AND question_id = ?`, question)
		if err != nil {
			return err
		}
		if to, err = s.reopenFor(ctx, tx, id, actor, cur != text); err != nil {
			return err
		}
		return s.putNote(ctx, tx, id, question, cur, text, actor)
	})
	return to, err
}

// current checks that the assessment exists and reads one stored text ("" when none).
func (s *SQLite) current(ctx context.Context, tx *sql.Tx, id, query, question string) (string, error) {
	if err := s.exists(ctx, tx, id); err != nil {
		return "", err
	}
	var cur string
	err := tx.QueryRowContext(ctx, query, id, question).Scan(&cur)
	if errors.Is(err, sql.ErrNoRows) {
		err = nil
	}
	return cur, err
}

// reopenFor reopens a signed-off assessment when changes is true.
func (s *SQLite) reopenFor(ctx context.Context, tx *sql.Tx, id, actor string, changes bool) (int, error) {
	if !changes {
		return 0, nil
	}
	a, err := s.getAssessment(ctx, tx, id)
	if err != nil || a.Status != StatusSignedOff {
		return 0, err
	}
	return s.reopen(ctx, tx, id, actor)
}

// SubmitForReview moves a draft to in_review and logs the status change. It reports whether
// anything changed (false when it already was in review); a signed-off assessment is refused
// with an error wrapping ErrSignedOff.
func (s *SQLite) SubmitForReview(ctx context.Context, id, actor string) (bool, error) {
	changed := false
	err := s.write(ctx, fmt.Sprintf("submit assessment %q for review", id), func(tx *sql.Tx) error {
		a, err := s.getAssessment(ctx, tx, id)
		if err != nil {
			return err
		}
		switch a.Status {
		case StatusInReview:
			return nil
		case StatusSignedOff:
			return fmt.Errorf("assessment %q %w", id, ErrSignedOff)
		}
		changed = true
		return s.setStatus(ctx, tx, id, actor, a.Status, StatusInReview)
	})
	return changed, err
}

func (s *SQLite) setStatus(ctx context.Context, tx *sql.Tx, id, actor, from, to string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE assessments SET status = ? WHERE id = ?`, to, id); err != nil {
		return fmt.Errorf("write status: %w", err)
	}
	return s.appendEvent(ctx, tx, id, actor, KindStatus, "", jsonText(from), jsonText(to))
}

// RecordDecisions records the non-empty fields of upd that differ from the current decisions,
// one decision event each, in one transaction. On a signed-off assessment it first reopens it
// (decisions belong to a version, so the new version starts with none). It returns the
// version reopened to (0 when none) and the number of decisions recorded.
func (s *SQLite) RecordDecisions(ctx context.Context, id string, upd Decisions, actor string) (int, int, error) {
	op := fmt.Sprintf("record decisions on assessment %q", id)
	if err := checkDecisions(upd); err != nil {
		return 0, 0, fmt.Errorf("%s: %w", op, err)
	}
	var to, n int
	err := s.write(ctx, op, func(tx *sql.Tx) error {
		a, err := s.getAssessment(ctx, tx, id)
		if err != nil {
			return err
		}
		cur, err := readDecisions(ctx, tx, id)
		if err != nil {
			return err
		}
		type change struct{ name, old, new string }
		var changes []change
		curFields := cur.fields()
		for i, f := range upd.fields() {
			if v := *f.p; v != "" && (a.Status == StatusSignedOff || v != *curFields[i].p) {
				changes = append(changes, change{f.name, *curFields[i].p, v})
			}
		}
		if len(changes) > 0 && a.Status == StatusSignedOff {
			if to, err = s.reopen(ctx, tx, id, actor); err != nil {
				return err
			}
		}
		for _, c := range changes {
			old := c.old
			if to > 0 {
				old = "" // the new version starts with no decisions
			}
			if err := s.appendEvent(ctx, tx, id, actor, KindDecision, c.name, noteJSON(old), jsonText(c.new)); err != nil {
				return err
			}
		}
		n = len(changes)
		return nil
	})
	return to, n, err
}

// Decisions returns the current decisions: a replay of the decision events since the last
// reopening.
func (s *SQLite) Decisions(ctx context.Context, id string) (Decisions, error) {
	op := fmt.Sprintf("read decisions of assessment %q", id)
	if err := s.exists(ctx, s.db, id); err != nil {
		return Decisions{}, s.fail(op, err)
	}
	d, err := readDecisions(ctx, s.db, id)
	if err != nil {
		return Decisions{}, s.fail(op, err)
	}
	return d, nil
}

func readDecisions(ctx context.Context, q Querier, id string) (Decisions, error) {
	var d Decisions
	rows, err := q.QueryContext(ctx, `SELECT subject, new FROM events
		WHERE assessment_id = ? AND kind = ? AND seq > (SELECT coalesce(max(seq), 0) FROM events
			WHERE assessment_id = ? AND kind = ?) ORDER BY seq`, id, KindDecision, id, KindReopened)
	if err != nil {
		return d, err
	}
	defer rows.Close()
	byName := map[string]*string{}
	for _, f := range d.fields() {
		byName[f.name] = f.p
	}
	for rows.Next() {
		var subject, value string
		if err := rows.Scan(&subject, &value); err != nil {
			return d, err
		}
		p, ok := byName[subject]
		if !ok {
			continue // a decision a later dpia may know
		}
		*p = ""
		if value != "" && json.Unmarshal([]byte(value), p) != nil {
			return d, fmt.Errorf("decision event %s holds a value that is not a JSON string", subject)
		}
	}
	return d, rows.Err()
}

// ShownStatus is the status to show for a: its stored status, or StatusReviewDue when it is
// signed off and its recorded next review date has passed (by the store's clock).
func (s *SQLite) ShownStatus(ctx context.Context, a Assessment) (string, error) {
	if a.Status != StatusSignedOff {
		return a.Status, nil
	}
	d, err := readDecisions(ctx, s.db, a.ID)
	if err != nil {
		return "", s.fail(fmt.Sprintf("read decisions of assessment %q", a.ID), err)
	}
	return EffectiveStatus(a.Status, d.NextReview, s.now()), nil
}

// EffectiveStatus is the stored status, or StatusReviewDue when a signed-off assessment's
// next review date (YYYY-MM-DD) is before today.
func EffectiveStatus(status, nextReview string, today time.Time) string {
	if status != StatusSignedOff || nextReview == "" {
		return status
	}
	next, err := time.Parse("2006-01-02", nextReview)
	if err == nil && today.UTC().Format("2006-01-02") > next.Format("2006-01-02") {
		return StatusReviewDue
	}
	return status
}

// RecordSignOff stores a sign-off record and, in the same transaction, logs the status change
// to signed_off and a sign-off event naming the SHA-256 of the signed manifest and the key.
// The assessment must be in review, at version rec.Version, and its log must still end at
// rec.LogHead after rec.Events events; otherwise nothing is written and the error wraps
// ErrNotInReview or ErrChanged.
func (s *SQLite) RecordSignOff(ctx context.Context, rec SignOff, manifestSHA256, actor string) error {
	id := rec.AssessmentID
	return s.write(ctx, fmt.Sprintf("sign off assessment %q", id), func(tx *sql.Tx) error {
		a, err := s.getAssessment(ctx, tx, id)
		if err != nil {
			return err
		}
		if a.Status != StatusInReview {
			return fmt.Errorf("assessment %q %w (it is %s)", id, ErrNotInReview, a.Status)
		}
		var head string
		var n int
		err = tx.QueryRowContext(ctx, `SELECT a.log_head, (SELECT count(*) FROM events WHERE assessment_id = a.id)
			FROM assessments a WHERE a.id = ?`, id).Scan(&head, &n)
		if err != nil {
			return err
		}
		v, err := version(ctx, tx, id)
		if err != nil {
			return err
		}
		if head != rec.LogHead || n != rec.Events || v != rec.Version {
			return fmt.Errorf("assessment %q %w; sign off again", id, ErrChanged)
		}
		if err := insertSignOff(ctx, tx, rec); err != nil {
			return err
		}
		if err := s.setStatus(ctx, tx, id, actor, StatusInReview, StatusSignedOff); err != nil {
			return err
		}
		ev := SignOffEvent{Version: rec.Version, ManifestSHA256: manifestSHA256, Signer: rec.Signer, PublicKey: rec.PublicKey}
		return s.appendEvent(ctx, tx, id, actor, KindSignOff, fmt.Sprintf("v%d", rec.Version), "", jsonText(ev))
	})
}

func insertSignOff(ctx context.Context, tx *sql.Tx, rec SignOff) error {
	answers, notes := rec.Answers, rec.Notes
	if answers == nil {
		answers = map[string][]string{}
	}
	if notes == nil {
		notes = map[string]string{}
	}
	result := string(rec.Result)
	if result == "" {
		result = "null"
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO signoffs (assessment_id, version, signed_at, signer, public_key,
		log_head, events, manifest, signature, answers, notes, result, reports_dir)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		rec.AssessmentID, rec.Version, formatTime(rec.SignedAt), rec.Signer, rec.PublicKey, rec.LogHead,
		rec.Events, rec.Manifest, rec.Signature, jsonText(answers), jsonText(notes), result, rec.ReportsDir)
	if err != nil {
		return fmt.Errorf("insert sign-off: %w", err)
	}
	return nil
}

// SignOffs returns the sign-off records of an assessment, oldest version first.
func (s *SQLite) SignOffs(ctx context.Context, id string) ([]SignOff, error) {
	op := fmt.Sprintf("read sign-offs of assessment %q", id)
	if err := s.exists(ctx, s.db, id); err != nil {
		return nil, s.fail(op, err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT assessment_id, version, signed_at, signer, public_key, log_head,
		events, manifest, signature, answers, notes, result, reports_dir
		FROM signoffs WHERE assessment_id = ? ORDER BY version`, id)
	if err != nil {
		return nil, s.fail(op, err)
	}
	defer rows.Close()
	var out []SignOff
	for rows.Next() {
		var r SignOff
		var at, answers, notes, result string
		if err := rows.Scan(&r.AssessmentID, &r.Version, &at, &r.Signer, &r.PublicKey, &r.LogHead, &r.Events,
			&r.Manifest, &r.Signature, &answers, &notes, &result, &r.ReportsDir); err != nil {
			return nil, s.fail(op, err)
		}
		r.SignedAt, _ = parseTime(at) // a bad time shows as zero; the manifest holds the signed one
		if err := json.Unmarshal([]byte(answers), &r.Answers); err != nil {
			return nil, s.fail(op, fmt.Errorf("sign-off of version %d has malformed answers: %w", r.Version, err))
		}
		if err := json.Unmarshal([]byte(notes), &r.Notes); err != nil {
			return nil, s.fail(op, fmt.Errorf("sign-off of version %d has malformed notes: %w", r.Version, err))
		}
		r.Result = json.RawMessage(result)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(op, err)
	}
	return out, nil
}

// VerifySnapshot checks a snapshot as Restore does before writing it: its hash chain is whole
// and ends at its log head, and its answers and notes agree with a replay of its log.
func VerifySnapshot(snap Snapshot) error { return checkSnapshot(snap) }
