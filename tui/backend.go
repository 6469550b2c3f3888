package tui

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/dpia-tool/dpia/assessment"
	"github.com/dpia-tool/dpia/assessment/store"
	q "github.com/dpia-tool/dpia/questionnaires"
	"github.com/dpia-tool/dpia/tui/demo"
)

// Backend is the only way the interface reaches the domain: the workspace, the packs and the
// grading engine. Every method may be called from a goroutine (a tea.Cmd); none is called
// from Update or View. Mutating methods return only once the change is committed.
type Backend interface {
	// Set returns the loaded pack set. It does no I/O and may be called anywhere.
	Set() *q.Set
	// Actor names who makes changes (shown in the header and written to the log).
	Actor() string

	// ListAssessments returns the assessments with their grade summary, most recently
	// updated first.
	ListAssessments(ctx context.Context, includeArchived bool) ([]Summary, error)
	// Assessment returns one assessment.
	Assessment(ctx context.Context, id string) (store.Assessment, error)
	// CreateAssessment creates a draft assessment.
	CreateAssessment(ctx context.Context, in store.NewAssessment) (store.Assessment, error)
	// CreateDemo creates the Clearview-style demo assessment in the workspace.
	CreateDemo(ctx context.Context) (store.Assessment, error)
	// DuplicateAssessment copies an assessment with its answers and notes into a new draft.
	DuplicateAssessment(ctx context.Context, id string) (store.Assessment, error)
	// ArchiveAssessment archives (or, with false, restores) an assessment.
	ArchiveAssessment(ctx context.Context, id string, archived bool) error
	// SetStatus sets the status to store.StatusDraft or StatusInReview; on a signed-off
	// assessment it reopens a new version. Signing off is not a status change (dpia signoff).
	SetStatus(ctx context.Context, id, status string) error

	// Answers returns the stored answers, hidden ones included.
	Answers(ctx context.Context, id string) (map[string]q.Value, error)
	// Notes returns the notes by question id.
	Notes(ctx context.Context, id string) (map[string]string, error)
	// SetAnswer validates and stores one answer (nil clears it); it returns after COMMIT.
	SetAnswer(ctx context.Context, id, question string, value q.Value) error
	// SetNote stores the note on a question (empty deletes it); it returns after COMMIT.
	SetNote(ctx context.Context, id, question, text string) error

	// Grade grades the assessment as stored (answers and evidence summary).
	Grade(ctx context.Context, id string) (assessment.Result, error)
	// Visible applies the skip logic: which questions are shown for these answers.
	Visible(packs []string, answers map[string]q.Value) (map[string]bool, error)

	// Events returns the assessment's event log.
	Events(ctx context.Context, id string) ([]store.Event, error)
	// VerifyLog checks the log's hash chain and replays it against the stored answers.
	VerifyLog(ctx context.Context, id string) (store.Verification, error)
}

// Summary is one row of the home screen: an assessment and its graded headline.
type Summary struct {
	store.Assessment
	Tier         string  // AI Act tier (assessment.Tier…)
	Residual     string  // overall residual risk level
	Completeness float64 // 0–1
	DPIARequired bool
	ReviewDue    bool   // signed off and its next review date has passed
	Err          string // grading failed: one sentence
}

// EvidenceBackend is implemented by backends that can index and search evidence. The TUI
// checks for it with a type assertion and shows "not available in this build" otherwise.
type EvidenceBackend interface {
	// Add indexes files and folders as evidence of an assessment. It calls progress from any
	// goroutine, throttled by the implementation (about every 100 ms) and once with Done at
	// the end; progress must not block. It stops when ctx is cancelled, keeping what it has
	// committed, and returns ctx.Err() then.
	Add(ctx context.Context, id string, paths []string, progress func(Progress)) error
	// Files lists the assessment's evidence files.
	Files(ctx context.Context, id string) ([]EvidenceFile, error)
	// Detections lists the detections of one file; values are masked unless reveal.
	Detections(ctx context.Context, id, path string, reveal bool) ([]Detection, error)
	// Search runs a full-text search over the assessment's evidence.
	Search(ctx context.Context, id string, query SearchQuery) ([]SearchHit, error)
	// Verify re-hashes the evidence files; each file's Status says ok, changed or missing.
	Verify(ctx context.Context, id string) ([]EvidenceFile, error)
	// Links lists the values detected in more than one evidence file, the most widely
	// spread first.
	Links(ctx context.Context, id string) ([]EvidenceLink, error)
}

// EvidenceLink is one value detected in several evidence files (linked by its keyed hash).
type EvidenceLink struct {
	Type        string
	Value       string // masked
	Occurrences int
	Files       []string
}

// Progress is one progress event of Add.
type Progress struct {
	FilesDone, FilesTotal int
	Bytes                 int64
	MBps                  float64
	Current               string // the file being read
	Detections            int    // detections so far
	Done                  bool
}

// EvidenceFile is one evidence file (contract C4 fields, plus verification status).
type EvidenceFile struct {
	Path   string // archive members are written archive.zip!inner/path
	SHA256 string
	Size   int64
	MIME   string
	Status string // indexed | skipped | failed; after Verify: ok | changed | missing
	Reason string // why it was not indexed, or what changed
	Counts map[string]int
	// TextAbsent: restored from an archive without its text, so search does not see it
	// until the file is added again.
	TextAbsent bool
}

// Detection is one detection in a file.
type Detection struct {
	Type     string // a contract C4 detection type
	Location string // e.g. "line 12, column 5", "row 4, email", "page 2", "face at 120,44"
	Value    string // masked unless revealed
}

// SearchQuery is what the search box asks for.
type SearchQuery struct {
	Text   string
	Types  []string // only hits with these detection types; empty: all
	Reveal bool     // show personal data unmasked in snippets
	Limit  int
}

// SearchHit is one search result.
type SearchHit struct {
	Path     string
	Where    string // location in the file, e.g. "line 12"
	Types    []string
	Segments []Segment // the snippet; Match segments are highlighted
}

// Segment is a part of a snippet.
type Segment struct {
	Text  string
	Match bool
}

// ExportBackend is implemented by backends that write reports. The TUI checks for it with a
// type assertion.
type ExportBackend interface {
	// Export writes the assessment's report in a format (pdf, xlsx, json, md) to path,
	// atomically, returning only when the file is complete.
	Export(ctx context.Context, id, format, path string) error
}

// ExportFormats are the report formats offered on the export screen.
var ExportFormats = []string{"pdf", "xlsx", "json", "md"}

// ReviewBackend is implemented by backends that take an assessment through review and
// sign-off (draft → in_review → signed_off). The TUI checks for it with a type assertion and
// shows "not available in this build" otherwise.
type ReviewBackend interface {
	// Review returns the review state of the assessment's current version.
	Review(ctx context.Context, id string) (ReviewState, error)
	// SubmitForReview moves a draft to in_review (nothing when it already is in review).
	SubmitForReview(ctx context.Context, id string) error
	// RecordDecisions records the non-empty fields that differ from the current decisions; on
	// a signed-off assessment it first reopens it as a new version.
	RecordDecisions(ctx context.Context, id string, d store.Decisions) error
	// SignOff signs off an assessment in review with the user's signing key: it writes the
	// reports and the signed manifest into the default sign-off folder (ReviewState.SignOffDir)
	// and returns only once all of it is written and stored.
	SignOff(ctx context.Context, id string) (SignOffResult, error)
}

// ReviewState is what the review screen shows.
type ReviewState struct {
	Name      string
	Status    string // as stored: draft, in_review or signed_off
	Shown     string // as shown: Status, or review_due once a signed-off one's next review date has passed
	Version   int
	Decisions store.Decisions // of the current version
	// Missing names the decisions a sign-off still needs, by the flag names of 'dpia decide'
	// (e.g. "next-review (a date after today)"); empty once signed off.
	Missing    []string
	SignOffs   []SignedVersion // oldest first
	Signer     SignerKey
	SignOffDir string // where a sign-off of this version writes its reports and manifest
}

// SignedVersion is one signed-off version.
type SignedVersion struct {
	Version     int
	Signer      string
	Fingerprint string // of the public key that signed, e.g. "ed25519:0123456789abcdef"
	SignedAt    time.Time
	Dir         string // the reports and manifest folder
}

// SignerKey is the key a sign-off would be signed with.
type SignerKey struct {
	Name, Fingerprint string
	Path              string // the key file
	// Missing: there is no key file at Path; Create is the command that makes one.
	Missing bool
	Create  string
	// Err says, in one sentence, why an existing key cannot be used.
	Err string
}

// SignOffResult is what a sign-off wrote.
type SignOffResult struct {
	Version        int
	Signer         string
	Fingerprint    string
	SignedAt       time.Time
	ManifestSHA256 string
	Dir            string
	Files          []string // the reports, manifest.json and manifest.sig
	// Warning is a note the sign-off deserves (e.g. high residual risk without prior
	// consultation), or "".
	Warning string
}

// WorkspaceBackend is the Backend over a SQLite workspace and a pack set.
type WorkspaceBackend struct {
	st    *store.SQLite
	set   *q.Set
	actor string

	// EvidenceSummary returns the detection counts the engine grades with; nil grades
	// without evidence.
	EvidenceSummary func(ctx context.Context, id string) (map[string]int, error)
	// DemoHook runs after the demo assessment is created (e.g. to attach its evidence).
	DemoHook func(ctx context.Context, id string) error
}

var _ Backend = (*WorkspaceBackend)(nil)

// NewWorkspaceBackend returns the Backend of a workspace store and pack set; actor is written
// to the event log for every change.
func NewWorkspaceBackend(st *store.SQLite, set *q.Set, actor string) *WorkspaceBackend {
	return &WorkspaceBackend{st: st, set: set, actor: actor}
}

// Set returns the pack set.
func (b *WorkspaceBackend) Set() *q.Set { return b.set }

// Actor returns who makes the changes.
func (b *WorkspaceBackend) Actor() string { return b.actor }

// Store returns the workspace store (for wrappers that add evidence and export hooks).
func (b *WorkspaceBackend) Store() *store.SQLite { return b.st }

// ListAssessments lists the assessments and grades each.
func (b *WorkspaceBackend) ListAssessments(ctx context.Context, includeArchived bool) ([]Summary, error) {
	list, err := b.st.ListAssessments(ctx, includeArchived)
	if err != nil {
		return nil, err
	}
	out := make([]Summary, 0, len(list))
	for _, a := range list {
		s := Summary{Assessment: a}
		if shown, err := b.st.ShownStatus(ctx, a); err == nil {
			s.ReviewDue = shown == store.StatusReviewDue
		}
		res, err := b.grade(ctx, a)
		if err != nil {
			s.Err = err.Error()
		} else {
			s.Tier, s.Residual, s.Completeness, s.DPIARequired = res.TierLabel(), res.ResidualLabel(), res.Completeness, res.DPIA.Required
		}
		out = append(out, s)
	}
	return out, nil
}

// Assessment returns one assessment.
func (b *WorkspaceBackend) Assessment(ctx context.Context, id string) (store.Assessment, error) {
	return b.st.Assessment(ctx, id)
}

// CreateAssessment creates a draft, checking the pack ids first.
func (b *WorkspaceBackend) CreateAssessment(ctx context.Context, in store.NewAssessment) (store.Assessment, error) {
	for _, p := range in.Packs {
		if b.set.Pack(p) == nil {
			return store.Assessment{}, fmt.Errorf("unknown pack %q", p)
		}
	}
	if in.SystemName == "" {
		in.SystemName = in.Name
	}
	return b.st.CreateAssessment(ctx, in, b.actor)
}

// CreateDemo imports the embedded Clearview-style answers as a new assessment, then runs
// DemoHook.
func (b *WorkspaceBackend) CreateDemo(ctx context.Context) (store.Assessment, error) {
	f, err := demo.Answers(b.set)
	if err != nil {
		return store.Assessment{}, err
	}
	answers := make(map[string][]string, len(f.Answers))
	for id, v := range f.Answers {
		answers[id] = v
	}
	a, err := b.st.ImportAssessment(ctx, store.NewAssessment{
		Name: demo.Name, SystemName: f.System.Name, Description: f.System.Description,
		Owner: demo.Owner, Packs: f.Packs,
	}, answers, f.Notes, b.actor)
	if err != nil {
		return a, err
	}
	if b.DemoHook != nil {
		if err := b.DemoHook(ctx, a.ID); err != nil {
			return a, fmt.Errorf("demo evidence: %w", err)
		}
	}
	return a, nil
}

// DuplicateAssessment copies an assessment.
func (b *WorkspaceBackend) DuplicateAssessment(ctx context.Context, id string) (store.Assessment, error) {
	return b.st.DuplicateAssessment(ctx, id, "", b.actor)
}

// ArchiveAssessment archives or restores an assessment.
func (b *WorkspaceBackend) ArchiveAssessment(ctx context.Context, id string, archived bool) error {
	return b.st.UpdateAssessment(ctx, id, store.AssessmentUpdate{Archived: &archived}, b.actor)
}

// SetStatus sets an assessment's status (the store reopens a signed-off one and refuses to
// mark one signed off without a signature).
func (b *WorkspaceBackend) SetStatus(ctx context.Context, id, status string) error {
	return b.st.UpdateAssessment(ctx, id, store.AssessmentUpdate{Status: &status}, b.actor)
}

// Answers returns the stored answers.
func (b *WorkspaceBackend) Answers(ctx context.Context, id string) (map[string]q.Value, error) {
	raw, err := b.st.Answers(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make(map[string]q.Value, len(raw))
	for k, v := range raw {
		out[k] = v
	}
	return out, nil
}

// Notes returns the notes.
func (b *WorkspaceBackend) Notes(ctx context.Context, id string) (map[string]string, error) {
	return b.st.Notes(ctx, id)
}

// SetAnswer validates the answer against its question and commits it.
func (b *WorkspaceBackend) SetAnswer(ctx context.Context, id, question string, value q.Value) error {
	if len(value) > 0 {
		if err := assessment.ValidateAnswer(b.set, question, value); err != nil {
			return err
		}
	} else if b.set.Question(question) == nil {
		return fmt.Errorf("unknown question id %q", question)
	}
	return b.st.SetAnswer(ctx, id, question, value, b.actor)
}

// SetNote commits a note.
func (b *WorkspaceBackend) SetNote(ctx context.Context, id, question, text string) error {
	if b.set.Question(question) == nil {
		return fmt.Errorf("unknown question id %q", question)
	}
	return b.st.SetNote(ctx, id, question, text, b.actor)
}

// Grade grades an assessment as stored.
func (b *WorkspaceBackend) Grade(ctx context.Context, id string) (assessment.Result, error) {
	a, err := b.st.Assessment(ctx, id)
	if err != nil {
		return assessment.Result{}, err
	}
	return b.grade(ctx, a)
}

func (b *WorkspaceBackend) grade(ctx context.Context, a store.Assessment) (assessment.Result, error) {
	raw, err := b.st.Answers(ctx, a.ID)
	if err != nil {
		return assessment.Result{}, err
	}
	answers := make(map[string]q.Value, len(raw))
	for id, v := range raw {
		if b.set.Question(id) != nil { // a question removed from the packs is kept, not graded
			answers[id] = v
		}
	}
	var found map[string]int
	if b.EvidenceSummary != nil {
		if found, err = b.EvidenceSummary(ctx, a.ID); err != nil {
			return assessment.Result{}, err
		}
	}
	name := a.SystemName
	if name == "" {
		name = a.Name
	}
	return assessment.Grade(b.set, assessment.Input{
		System: assessment.System{Name: name, Description: a.Description},
		Packs:  knownPacks(b.set, a.Packs), Answers: answers, Evidence: found,
	})
}

// knownPacks drops pack ids that are no longer loaded, so that an assessment made with a
// workspace pack that was removed still opens.
func knownPacks(set *q.Set, ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if set.Pack(id) != nil {
			out = append(out, id)
		}
	}
	return out
}

// Visible applies the skip logic.
func (b *WorkspaceBackend) Visible(packs []string, answers map[string]q.Value) (map[string]bool, error) {
	known := make(map[string]q.Value, len(answers))
	for id, v := range answers {
		if b.set.Question(id) != nil {
			known[id] = v
		}
	}
	return assessment.Visible(b.set, knownPacks(b.set, packs), known)
}

// Events returns the event log.
func (b *WorkspaceBackend) Events(ctx context.Context, id string) ([]store.Event, error) {
	return b.st.Events(ctx, id)
}

// VerifyLog verifies the event log.
func (b *WorkspaceBackend) VerifyLog(ctx context.Context, id string) (store.Verification, error) {
	return b.st.VerifyLog(ctx, id)
}

// sortedKeys returns the keys of a map in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
