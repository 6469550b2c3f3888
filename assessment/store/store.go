// Package store is the dpia workspace: assessments, their answers and notes,
// and an append-only, hash-chained audit log of every change.
//
// The embedded implementation is SQLite (modernc.org/sqlite, pure Go) in a
// workspace folder. Every mutating call is one transaction that writes the
// change and its audit event together and returns only after COMMIT, with
// synchronous=FULL, so an answer reported as saved survives a crash or
// kill -9. Callers depend on the Store interface so that a team server
// (PostgreSQL) can be added later without touching the engine or the TUI.
//
// Answer values are []string: one element for yes_no, single-choice, text
// and number questions, several for multi-choice questions. The store does
// not interpret them; validating them against a questionnaire is the
// caller's job.
package store

import (
	"context"
	"errors"
	"time"
)

// Assessment statuses.
const (
	StatusDraft     = "draft"
	StatusInReview  = "in_review"
	StatusSignedOff = "signed_off"
)

// Event kinds written by this package.
const (
	KindCreated = "created" // a new assessment; New holds its fields as JSON
	KindAnswer  = "answer"  // Subject is the question id; Old/New are JSON arrays
	KindNote    = "note"    // Subject is the question id; Old/New are JSON strings
	KindStatus  = "status"  // Subject is ""; Old/New are JSON strings
	KindArchive = "archive" // Subject is ""; Old/New are JSON booleans
	KindUpdate  = "update"  // Subject names the field (name, system_name, …)
)

// Sentinel errors that callers branch on with errors.Is.
var (
	// ErrNotFound reports an unknown assessment id.
	ErrNotFound = errors.New("not found")
	// ErrLocked reports that another process held the workspace's write
	// lock for longer than the busy timeout.
	ErrLocked = errors.New("workspace is locked")
)

// Store is the workspace: assessments, answers, notes and the audit log.
// Every mutating method commits before it returns.
type Store interface {
	// CreateAssessment creates an assessment in draft status.
	CreateAssessment(ctx context.Context, in NewAssessment, actor string) (Assessment, error)
	// Assessment returns one assessment, or an error wrapping ErrNotFound.
	Assessment(ctx context.Context, id string) (Assessment, error)
	// ListAssessments returns the assessments, most recently updated first.
	ListAssessments(ctx context.Context, includeArchived bool) ([]Assessment, error)
	// UpdateAssessment changes the fields set in upd and logs one event per
	// changed field; fields equal to the current value are not logged.
	UpdateAssessment(ctx context.Context, id string, upd AssessmentUpdate, actor string) error
	// DuplicateAssessment copies an assessment with its answers and notes
	// into a new draft; an empty newName means "<name> (copy)".
	DuplicateAssessment(ctx context.Context, id, newName, actor string) (Assessment, error)
	// ImportAssessment creates a draft assessment with answers and notes in
	// one transaction: either all of it is saved or none of it.
	ImportAssessment(ctx context.Context, in NewAssessment, answers map[string][]string, notes map[string]string, actor string) (Assessment, error)
	// SetAnswer sets or, with a nil or empty value, clears one answer. It
	// returns only after COMMIT. Setting the current value is a no-op.
	SetAnswer(ctx context.Context, id, question string, value []string, actor string) error
	// Answers returns the answers of an assessment by question id.
	Answers(ctx context.Context, id string) (map[string][]string, error)
	// SetNote sets the note on a question; empty text deletes the note.
	SetNote(ctx context.Context, id, question, text, actor string) error
	// Notes returns the notes of an assessment by question id.
	Notes(ctx context.Context, id string) (map[string]string, error)
	// Events returns the audit log of an assessment ordered by Seq.
	Events(ctx context.Context, id string) ([]Event, error)
	// VerifyLog checks the hash chain of an assessment's log and that the
	// stored answers and notes agree with a replay of it.
	VerifyLog(ctx context.Context, id string) (Verification, error)
	// Close releases the workspace.
	Close() error
}

// NewAssessment holds the fields of an assessment to create.
type NewAssessment struct {
	Name        string
	SystemName  string
	Description string
	Owner       string
	Packs       []string
}

// Assessment is one assessment as stored in the workspace.
type Assessment struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	SystemName  string    `json:"system_name"`
	Description string    `json:"description"`
	Owner       string    `json:"owner"`
	Packs       []string  `json:"packs"`
	Status      string    `json:"status"` // StatusDraft, StatusInReview or StatusSignedOff
	Archived    bool      `json:"archived"`
	Created     time.Time `json:"created"`
	Updated     time.Time `json:"updated"`
	AnswerCount int       `json:"answer_count"`
}

// AssessmentUpdate names the fields to change; nil fields are left alone.
type AssessmentUpdate struct {
	Name        *string
	SystemName  *string
	Description *string
	Owner       *string
	Packs       *[]string
	Status      *string
	Archived    *bool
}

// Event is one entry of an assessment's append-only audit log.
//
// Hash is the hex SHA-256 of the length-prefixed fields PrevHash,
// AssessmentID, At (RFC 3339, UTC, nine fraction digits), Actor, Kind,
// Subject, Old and New (see eventHash). PrevHash is the Hash of the
// assessment's previous event, or "" for its first event.
type Event struct {
	Seq          int64     `json:"seq"`
	AssessmentID string    `json:"assessment_id"`
	At           time.Time `json:"at"`
	Actor        string    `json:"actor"`
	Kind         string    `json:"kind"`
	Subject      string    `json:"subject"`
	Old          string    `json:"old"` // JSON text of the old value, "" when none
	New          string    `json:"new"` // JSON text of the new value, "" when none
	PrevHash     string    `json:"prev_hash"`
	Hash         string    `json:"hash"`
}

// Verification is the outcome of VerifyLog.
type Verification struct {
	OK      bool
	Events  int    // events checked
	Problem string // one sentence naming the first problem; "" when OK
	BadSeq  int64  // seq of the first bad event; 0 when none or not tied to one
}

// Options tunes Open.
type Options struct {
	// Now is the clock for timestamps; the default is time.Now in UTC.
	Now func() time.Time
	// BusyTimeout is how long to wait for another process's write lock
	// before failing with ErrLocked; the default is 5s.
	BusyTimeout time.Duration
	// Upgrading, if set, is called before an existing workspace is migrated to this build's
	// schema (from and to are schema versions): a large evidence index takes minutes.
	Upgrading func(from, to int)
}

var _ Store = (*SQLite)(nil)
