package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

// ErrExists reports that an assessment being restored already exists in the workspace.
var ErrExists = errors.New("already exists")

// Snapshot is a complete copy of one assessment: its row, answers, notes, the full event log
// exactly as stored (timestamps and hashes included), and its evidence metadata and
// detections (masked previews and keyed hashes only). The extracted text of evidence files
// (the full-text index) and the workspace's HMAC key are not part of it: they may hold or
// unlock personal data. Timestamps are the stored text (see formatTime).
type Snapshot struct {
	Assessment SnapshotAssessment     `json:"assessment"`
	Answers    []SnapshotAnswer       `json:"answers"`
	Notes      []SnapshotNote         `json:"notes"`
	Events     []SnapshotEvent        `json:"events"`
	Evidence   []SnapshotEvidenceFile `json:"evidence"`
	Detections []SnapshotDetection    `json:"detections"`
	// SignOffs are the sign-off records (see snapshot_signoff.go); archives made before
	// they were carried have none.
	SignOffs []SnapshotSignOff `json:"signoffs,omitempty"`
}

// SnapshotAssessment is the assessment row of a Snapshot.
type SnapshotAssessment struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	SystemName  string   `json:"system_name"`
	Description string   `json:"description"`
	Owner       string   `json:"owner"`
	Packs       []string `json:"packs"`
	Status      string   `json:"status"`
	Archived    bool     `json:"archived"`
	CreatedAt   string   `json:"created_at"`
	UpdatedAt   string   `json:"updated_at"`
	LogHead     string   `json:"log_head"`
}

// SnapshotAnswer is one stored answer.
type SnapshotAnswer struct {
	Question  string   `json:"question"`
	Value     []string `json:"value"`
	UpdatedAt string   `json:"updated_at"`
}

// SnapshotNote is one stored note.
type SnapshotNote struct {
	Question  string `json:"question"`
	Text      string `json:"text"`
	UpdatedAt string `json:"updated_at"`
}

// SnapshotEvent is one event of the log, field for field as stored. Seq is left out: it is
// a workspace-wide counter that the hash does not cover.
type SnapshotEvent struct {
	At       string `json:"at"`
	Actor    string `json:"actor"`
	Kind     string `json:"kind"`
	Subject  string `json:"subject"`
	Old      string `json:"old"`
	New      string `json:"new"`
	PrevHash string `json:"prev_hash"`
	Hash     string `json:"hash"`
}

// SnapshotEvidenceFile is the metadata of one evidence file (no content, no text).
type SnapshotEvidenceFile struct {
	Path         string         `json:"path"`
	Source       string         `json:"source"`
	SourceSHA256 string         `json:"source_sha256"`
	SHA256       string         `json:"sha256"`
	Size         int64          `json:"size"`
	Mtime        string         `json:"mtime"`
	Mime         string         `json:"mime"`
	Kind         string         `json:"kind"`
	Status       string         `json:"status"`
	Reason       string         `json:"reason"`
	Entry        int64          `json:"entry"`
	Counts       map[string]int `json:"counts"`
	IndexedAt    string         `json:"indexed_at"`
}

// SnapshotDetection is one detection; File is the Path of its evidence file.
type SnapshotDetection struct {
	File string `json:"file"`
	Detection
}

// Snapshot reads a complete copy of an assessment in one read transaction. Lists come in a
// stable order (answers and notes by question, events by seq, evidence by path, detections
// by file and insertion), so two snapshots of the same data are equal. It holds every
// detection in memory; SnapshotWith streams them.
func (s *SQLite) Snapshot(ctx context.Context, id string) (Snapshot, error) {
	var out Snapshot
	err := s.SnapshotWith(ctx, id, func(snap Snapshot, each DetectionIter) error {
		snap.Detections = []SnapshotDetection{}
		err := each(func(d SnapshotDetection) error {
			snap.Detections = append(snap.Detections, d)
			return nil
		})
		out = snap
		return err
	})
	return out, err
}

// SnapshotRecords is Snapshot without the detections (Detections is nil): what sign-off and
// verification need, without reading millions of detections.
func (s *SQLite) SnapshotRecords(ctx context.Context, id string) (Snapshot, error) {
	var out Snapshot
	err := s.SnapshotWith(ctx, id, func(snap Snapshot, _ DetectionIter) error {
		out = snap
		return nil
	})
	return out, err
}

// DetectionIter calls yield with each detection of a snapshot, in order, until yield
// returns an error (which it returns).
type DetectionIter func(yield func(SnapshotDetection) error) error

// SnapshotWith reads a snapshot without its detections in one read transaction and calls fn
// with it and an iterator over the detections (by file path, in file order), which reads
// them from the same transaction and may be called more than once while fn runs. A large
// evidence index has millions of detections: they are never all in memory.
func (s *SQLite) SnapshotWith(ctx context.Context, id string, fn func(Snapshot, DetectionIter) error) error {
	op := fmt.Sprintf("snapshot assessment %q", id)
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return s.fail(op, err)
	}
	defer tx.Rollback()
	var snap Snapshot
	steps := []func(context.Context, *sql.Tx, string, *Snapshot) error{
		snapAssessment, snapAnswers, snapNotes, snapEvents, snapEvidence, snapSignOffs,
	}
	for _, step := range steps {
		if err := step(ctx, tx, id, &snap); err != nil {
			return s.fail(op, err)
		}
	}
	each := func(yield func(SnapshotDetection) error) error {
		if err := snapDetections(ctx, tx, id, yield); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		return nil
	}
	return fn(snap, each)
}

func snapAssessment(ctx context.Context, tx *sql.Tx, id string, snap *Snapshot) error {
	a := &snap.Assessment
	var packs string
	err := tx.QueryRowContext(ctx, `SELECT id, name, system_name, description, owner, packs,
		status, archived, created_at, updated_at, log_head FROM assessments WHERE id = ?`, id).
		Scan(&a.ID, &a.Name, &a.SystemName, &a.Description, &a.Owner, &packs, &a.Status,
			&a.Archived, &a.CreatedAt, &a.UpdatedAt, &a.LogHead)
	if err != nil {
		return notFound(id, err)
	}
	if err := json.Unmarshal([]byte(packs), &a.Packs); err != nil {
		return fmt.Errorf("assessment %q has a malformed pack list: %w", id, err)
	}
	if a.Packs == nil {
		a.Packs = []string{}
	}
	return nil
}

func snapAnswers(ctx context.Context, tx *sql.Tx, id string, snap *Snapshot) error {
	snap.Answers = []SnapshotAnswer{}
	return eachRow(ctx, tx, `SELECT question_id, value, updated_at FROM answers
		WHERE assessment_id = ? ORDER BY question_id`, id, func(r *sql.Rows) error {
		var a SnapshotAnswer
		var value string
		if err := r.Scan(&a.Question, &value, &a.UpdatedAt); err != nil {
			return err
		}
		v, err := decodeAnswer(value)
		if err != nil {
			return fmt.Errorf("answer %q is malformed: %w", a.Question, err)
		}
		a.Value = v
		snap.Answers = append(snap.Answers, a)
		return nil
	})
}

func snapNotes(ctx context.Context, tx *sql.Tx, id string, snap *Snapshot) error {
	snap.Notes = []SnapshotNote{}
	return eachRow(ctx, tx, `SELECT question_id, text, updated_at FROM notes
		WHERE assessment_id = ? ORDER BY question_id`, id, func(r *sql.Rows) error {
		var n SnapshotNote
		if err := r.Scan(&n.Question, &n.Text, &n.UpdatedAt); err != nil {
			return err
		}
		snap.Notes = append(snap.Notes, n)
		return nil
	})
}

func snapEvents(ctx context.Context, tx *sql.Tx, id string, snap *Snapshot) error {
	evs, err := readEvents(ctx, tx, id)
	if err != nil {
		return err
	}
	snap.Events = make([]SnapshotEvent, len(evs))
	for i, e := range evs {
		snap.Events[i] = SnapshotEvent{At: e.at, Actor: e.Actor, Kind: e.Kind, Subject: e.Subject,
			Old: e.Old, New: e.New, PrevHash: e.PrevHash, Hash: e.Hash}
	}
	return nil
}

func snapEvidence(ctx context.Context, tx *sql.Tx, id string, snap *Snapshot) error {
	snap.Evidence = []SnapshotEvidenceFile{}
	return eachRow(ctx, tx, `SELECT path, source, source_sha256, sha256, size, mtime, mime, kind,
		status, reason, entry, counts, indexed_at FROM evidence_files
		WHERE assessment_id = ? ORDER BY path`, id, func(r *sql.Rows) error {
		var f SnapshotEvidenceFile
		var counts string
		if err := r.Scan(&f.Path, &f.Source, &f.SourceSHA256, &f.SHA256, &f.Size, &f.Mtime, &f.Mime,
			&f.Kind, &f.Status, &f.Reason, &f.Entry, &counts, &f.IndexedAt); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(counts), &f.Counts); err != nil {
			return fmt.Errorf("evidence file %q has malformed counts: %w", f.Path, err)
		}
		if f.Counts == nil {
			f.Counts = map[string]int{}
		}
		snap.Evidence = append(snap.Evidence, f)
		return nil
	})
}

// snapDetections calls yield with the detections of an assessment's files, by path and in
// file order.
func snapDetections(ctx context.Context, tx *sql.Tx, id string, yield func(SnapshotDetection) error) error {
	return AssessmentDetections(ctx, tx, id, func(path string, d Detection) error {
		return yield(SnapshotDetection{File: path, Detection: d})
	})
}

// eachRow runs query with one id argument and calls fn for each row.
func eachRow(ctx context.Context, tx *sql.Tx, query, id string, fn func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, query, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Restore inserts a Snapshot into the workspace in one transaction: the assessment under its
// own id, its answers and notes, the event log verbatim (times, prev_hash and hash as they
// were, so VerifyLog passes), the log head, and the evidence rows. Events are only ever
// inserted, never updated or deleted. The snapshot is checked first: its hash chain must be
// whole and end at its log head, and its answers and notes must agree with a replay of the
// log. The id must be free: the event hashes cover it, so a copy cannot take another id; an
// existing id is an error wrapping ErrExists.
func (s *SQLite) Restore(ctx context.Context, snap Snapshot) error {
	return s.RestoreWith(ctx, snap, func(yield func(SnapshotDetection) error) error {
		for _, d := range snap.Detections {
			if err := yield(d); err != nil {
				return err
			}
		}
		return nil
	})
}

// RestoreWith is Restore with the detections read from an iterator (snap.Detections is
// ignored), inside the same transaction: an archive's detections are never all in memory.
// An error from the iterator rolls everything back.
func (s *SQLite) RestoreWith(ctx context.Context, snap Snapshot, detections DetectionIter) error {
	id := snap.Assessment.ID
	op := fmt.Sprintf("restore assessment %q", id)
	if err := checkSnapshot(snap); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return s.write(ctx, op, func(tx *sql.Tx) error {
		err := s.exists(ctx, tx, id)
		switch {
		case err == nil:
			return fmt.Errorf("assessment %q %w in this workspace", id, ErrExists)
		case !errors.Is(err, ErrNotFound):
			return err
		}
		steps := []func(context.Context, *sql.Tx, Snapshot) error{
			restoreAssessment, restoreEntries, restoreEvents,
			func(ctx context.Context, tx *sql.Tx, snap Snapshot) error {
				return restoreEvidence(ctx, tx, snap, detections)
			},
			restoreSignOffs,
		}
		for _, step := range steps {
			if err := step(ctx, tx, snap); err != nil {
				return err
			}
		}
		return nil
	})
}

// checkSnapshot checks a snapshot before anything is written.
func checkSnapshot(snap Snapshot) error {
	a := snap.Assessment
	if a.ID == "" {
		return errors.New("the snapshot names no assessment id")
	}
	if err := checkNew(NewAssessment{Name: a.Name, SystemName: a.SystemName, Description: a.Description,
		Owner: a.Owner, Packs: a.Packs}); err != nil {
		return err
	}
	if err := checkStatus(a.Status); err != nil {
		return err
	}
	evs := make([]storedEvent, len(snap.Events))
	for i, e := range snap.Events {
		se := storedEvent{Event: Event{Seq: int64(i + 1), AssessmentID: a.ID, Actor: e.Actor, Kind: e.Kind,
			Subject: e.Subject, Old: e.Old, New: e.New, PrevHash: e.PrevHash, Hash: e.Hash}, at: e.At}
		se.At, _ = parseTime(e.At)
		evs[i] = se
	}
	if len(evs) == 0 {
		return errors.New("the snapshot has no event log")
	}
	if _, problem := checkChain(evs, a.LogHead); problem != "" {
		return fmt.Errorf("its event log does not verify: %s", problem)
	}
	answers, notes := map[string]string{}, map[string]string{}
	for _, x := range snap.Answers {
		answers[x.Question] = jsonText(x.Value)
	}
	for _, x := range snap.Notes {
		notes[x.Question] = x.Text
	}
	if _, problem := checkReplay(evs, answers, notes); problem != "" {
		return fmt.Errorf("its answers and notes do not match its event log: %s", problem)
	}
	return checkSnapshotSignOffs(snap)
}

func restoreAssessment(ctx context.Context, tx *sql.Tx, snap Snapshot) error {
	a := snap.Assessment
	packs := a.Packs
	if packs == nil {
		packs = []string{}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO assessments
		(id, name, system_name, description, owner, packs, status, archived, created_at, updated_at, log_head)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.Name, a.SystemName, a.Description, a.Owner, jsonText(packs), a.Status, a.Archived,
		a.CreatedAt, a.UpdatedAt, a.LogHead)
	if err != nil {
		return fmt.Errorf("insert assessment: %w", err)
	}
	return nil
}

func restoreEntries(ctx context.Context, tx *sql.Tx, snap Snapshot) error {
	id := snap.Assessment.ID
	for _, x := range snap.Answers {
		if _, err := tx.ExecContext(ctx, `INSERT INTO answers (assessment_id, question_id, value, updated_at)
			VALUES (?, ?, ?, ?)`, id, x.Question, jsonText(x.Value), x.UpdatedAt); err != nil {
			return fmt.Errorf("insert answer %q: %w", x.Question, err)
		}
	}
	for _, x := range snap.Notes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO notes (assessment_id, question_id, text, updated_at)
			VALUES (?, ?, ?, ?)`, id, x.Question, x.Text, x.UpdatedAt); err != nil {
			return fmt.Errorf("insert note %q: %w", x.Question, err)
		}
	}
	return nil
}

func restoreEvents(ctx context.Context, tx *sql.Tx, snap Snapshot) error {
	for i, e := range snap.Events {
		_, err := tx.ExecContext(ctx, `INSERT INTO events
			(assessment_id, at, actor, kind, subject, old, new, prev_hash, hash)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			snap.Assessment.ID, e.At, e.Actor, e.Kind, e.Subject, e.Old, e.New, e.PrevHash, e.Hash)
		if err != nil {
			return fmt.Errorf("insert event %d: %w", i+1, err)
		}
	}
	return nil
}

func restoreEvidence(ctx context.Context, tx *sql.Tx, snap Snapshot, detections DetectionIter) error {
	ids := make(map[string]int64, len(snap.Evidence))
	for _, f := range snap.Evidence {
		counts := f.Counts
		if counts == nil {
			counts = map[string]int{}
		}
		// A snapshot carries no text: the file's text rowids are the empty range (migration 5),
		// and an indexed file is marked as having its text elsewhere (migration 9).
		res, err := tx.ExecContext(ctx, `INSERT INTO evidence_files
			(assessment_id, path, source, source_sha256, sha256, size, mtime, mime, kind, status, reason,
			 entry, counts, indexed_at, text_first, text_last, text_absent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 0, ?)`,
			snap.Assessment.ID, f.Path, f.Source, f.SourceSHA256, f.SHA256, f.Size, f.Mtime, f.Mime,
			f.Kind, f.Status, f.Reason, f.Entry, jsonText(counts), f.IndexedAt, f.Status == "indexed")
		if err != nil {
			return fmt.Errorf("insert evidence file %q: %w", f.Path, err)
		}
		if ids[f.Path], err = res.LastInsertId(); err != nil {
			return err
		}
	}
	// Detections are written in blocks (schema migration 6) as they come, each block as soon
	// as it is full: memory holds one block, however many detections the archive has.
	var blocks DetectionBlocks
	current, n := int64(-1), 0
	flush := func(all bool) error {
		bs := blocks.Blocks()
		if !all && len(bs) > 0 {
			bs = bs[:len(bs)-1] // the last block may still fill up
		}
		if len(bs) == 0 {
			return nil
		}
		if err := InsertDetectionBlocks(ctx, tx, current, bs); err != nil {
			return fmt.Errorf("insert detections: %w", err)
		}
		blocks.drop(len(bs))
		return nil
	}
	err := detections(func(d SnapshotDetection) error {
		n++
		fileID, ok := ids[d.File]
		if !ok {
			return fmt.Errorf("detection %d names evidence file %q, which the snapshot does not hold", n, d.File)
		}
		if fileID != current {
			if err := flush(true); err != nil {
				return err
			}
			current = fileID
		}
		blocks.Add(d.Detection)
		if blocks.full() {
			return flush(false)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush(true)
}
