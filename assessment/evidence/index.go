package evidence

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/dpia-tool/dpia/assessment/evidence/detect"
	"github.com/dpia-tool/dpia/assessment/evidence/extract"
	"github.com/dpia-tool/dpia/assessment/evidence/model"
	"github.com/dpia-tool/dpia/assessment/store"
)

// Index keeps evidence files, detections and searchable text in the workspace database.
type Index struct {
	st  *store.SQLite
	db  *sql.DB
	det *detect.Detector
	now func() time.Time
}

// OpenIndex opens the evidence index of a workspace, creating the workspace's HMAC key on
// first use (a random 32-byte secret kept in the workspace database).
func OpenIndex(ctx context.Context, st *store.SQLite) (*Index, error) {
	key, err := hmacKey(ctx, st)
	if err != nil {
		return nil, err
	}
	return &Index{st: st, db: st.DB(), det: detect.New(key), now: func() time.Time { return time.Now().UTC() }}, nil
}

func hmacKey(ctx context.Context, st *store.SQLite) ([]byte, error) {
	var key []byte
	err := st.Write(ctx, "read workspace key", func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE name = 'hmac_key'`).Scan(&key)
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO settings (name, value) VALUES ('hmac_key', ?)`, key)
		return err
	})
	return key, err
}

// Detector returns the workspace's detector (keyed with its HMAC key).
func (ix *Index) Detector() *detect.Detector { return ix.det }

// AddOptions tune an indexing run.
type AddOptions struct {
	Workers  int
	Limits   extract.Limits
	Progress func(Progress)
	// Redact indexes the text with every detected value masked (see redact.go).
	Redact bool
}

// AddReport sums up an indexing run.
type AddReport struct {
	Stats      Stats          `json:"stats"`
	Indexed    int            `json:"indexed"`
	Skipped    int            `json:"skipped"`
	Failed     int            `json:"failed"`
	Detections map[string]int `json:"detections"`
}

// Add indexes files and folders as evidence of an assessment. Files already indexed with the
// same path, size and modification time are not read again. Each file is committed whole; when
// ctx is cancelled, files already committed stay, and the run stops cleanly.
func (ix *Index) Add(ctx context.Context, assessmentID string, roots []string, actor string, opts AddOptions) (AddReport, error) {
	rep := AddReport{Detections: map[string]int{}}
	if _, err := ix.st.Assessment(ctx, assessmentID); err != nil {
		return rep, err
	}
	known, err := ix.knownFiles(ctx, assessmentID)
	if err != nil {
		return rep, err
	}
	w := &batchWriter{ix: ix, id: assessmentID}
	scanOpts := Options{
		Workers: opts.Workers, Limits: opts.Limits, Detector: ix.det, KeepText: true, Progress: opts.Progress, Redact: opts.Redact,
		Unchanged: func(path string, size int64, mtime time.Time) bool {
			k, ok := known[path]
			return ok && k.size == size && k.mtime == formatTime(mtime)
		},
	}
	stats, err := Scan(ctx, roots, scanOpts, func(r FileResult) error {
		switch r.Status {
		case StatusIndexed:
			rep.Indexed++
		case StatusSkipped:
			rep.Skipped++
		default:
			rep.Failed++
		}
		for t, n := range r.Counts {
			rep.Detections[t] += n
		}
		return w.add(ctx, r)
	})
	rep.Stats = stats
	// Whole files already received are committed even when the run was cancelled.
	flushCtx := context.WithoutCancel(ctx)
	if ferr := w.flush(flushCtx); ferr != nil && err == nil {
		err = ferr
	}
	if w.files > 0 {
		summary, _ := json.Marshal(rep)
		evErr := ix.st.Write(flushCtx, "record evidence", func(tx *sql.Tx) error {
			return ix.st.AppendEvent(flushCtx, tx, assessmentID, actor, "evidence", strings.Join(roots, ", "), "", string(summary))
		})
		if err == nil {
			err = evErr
		}
	}
	return rep, err
}

type knownFile struct {
	size  int64
	mtime string
}

func (ix *Index) knownFiles(ctx context.Context, id string) (map[string]knownFile, error) {
	rows, err := ix.db.QueryContext(ctx, `SELECT path, size, mtime FROM evidence_files WHERE assessment_id = ? AND status = 'indexed'`, id)
	if err != nil {
		return nil, fmt.Errorf("read evidence files: %w", err)
	}
	defer rows.Close()
	out := map[string]knownFile{}
	for rows.Next() {
		var p string
		var k knownFile
		if err := rows.Scan(&p, &k.size, &k.mtime); err != nil {
			return nil, err
		}
		out[p] = k
	}
	return out, rows.Err()
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// batchWriter is the single database writer: it groups whole files into transactions.
type batchWriter struct {
	ix      *Index
	id      string
	pending []FileResult
	weight  int
	started time.Time
	files   int
}

const (
	batchFiles    = 256
	batchBytes    = 32 << 20 // approximate bytes of detections and text per transaction
	batchInterval = 500 * time.Millisecond
	detectionSize = 160 // approximate bytes of one stored detection
)

func (w *batchWriter) add(ctx context.Context, r FileResult) error {
	if len(w.pending) == 0 {
		w.started = time.Now()
	}
	w.pending = append(w.pending, r)
	w.weight += 512 + detectionSize*len(r.Detections)
	for _, c := range r.Chunks {
		w.weight += len(c.Text)
	}
	if len(w.pending) >= batchFiles || w.weight >= batchBytes || time.Since(w.started) >= batchInterval {
		return w.flush(ctx)
	}
	return nil
}

func (w *batchWriter) flush(ctx context.Context) error {
	if len(w.pending) == 0 {
		return nil
	}
	batch := w.pending
	w.pending, w.weight = nil, 0
	err := w.ix.st.Write(ctx, "index evidence", func(tx *sql.Tx) error {
		for i := range batch {
			if err := w.ix.writeFile(ctx, tx, w.id, &batch[i]); err != nil {
				return fmt.Errorf("%s: %w", batch[i].Path, err)
			}
		}
		return nil
	})
	if err == nil {
		w.files += len(batch)
	}
	return err
}

// writeFile replaces one file's row, detections and text.
func (ix *Index) writeFile(ctx context.Context, tx *sql.Tx, id string, r *FileResult) error {
	var old int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM evidence_files WHERE assessment_id = ? AND path = ?`, id, r.Path).Scan(&old)
	switch {
	case err == nil:
		if _, err := tx.ExecContext(ctx, `DELETE FROM evidence_text WHERE file_id = ?`, old); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM evidence_detections WHERE file_id = ?`, old); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM evidence_files WHERE id = ?`, old); err != nil {
			return err
		}
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	counts, _ := json.Marshal(r.Counts)
	res, err := tx.ExecContext(ctx, `INSERT INTO evidence_files
		(assessment_id, path, source, source_sha256, sha256, size, mtime, mime, kind, status, reason, counts, indexed_at, entry)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, r.Path, r.Source, r.SourceSHA256, r.SHA256, r.Size, formatTime(r.ModTime), r.Mime, r.Kind,
		r.Status, r.Reason, string(counts), formatTime(ix.now()), r.Entry)
	if err != nil {
		return err
	}
	fileID, err := res.LastInsertId()
	if err != nil {
		return err
	}
	if err := insertDetections(ctx, tx, fileID, r.Detections); err != nil {
		return err
	}
	return insertChunks(ctx, tx, fileID, r.Chunks)
}

func insertDetections(ctx context.Context, tx *sql.Tx, fileID int64, ds []model.Detection) error {
	if len(ds) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO evidence_detections
		(file_id, type, line, page, sheet, row, col, confidence, preview, key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, d := range ds {
		l := d.Loc
		if _, err := stmt.ExecContext(ctx, fileID, d.Type, l.Line, l.Page, l.Sheet, l.Row, l.Column, d.Confidence, d.Preview, d.Key); err != nil {
			return err
		}
	}
	return nil
}

func insertChunks(ctx context.Context, tx *sql.Tx, fileID int64, cs []Chunk) error {
	if len(cs) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO evidence_text (text, file_id, loc) VALUES (?, ?, ?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, c := range cs {
		loc, _ := json.Marshal(c.Loc)
		if _, err := stmt.ExecContext(ctx, c.Text, fileID, string(loc)); err != nil {
			return err
		}
	}
	return nil
}

// FileRecord is an indexed evidence file (contract C4 fields plus its id and source).
type FileRecord struct {
	ID         int64          `json:"-"`
	Path       string         `json:"path"`
	SHA256     string         `json:"sha256"`
	Size       int64          `json:"size"`
	Mime       string         `json:"mime"`
	Status     string         `json:"status"`
	Reason     string         `json:"reason"`
	Detections map[string]int `json:"detections"`
	Source     string         `json:"-"`
	SourceHash string         `json:"-"`
	Kind       string         `json:"-"`
	IndexedAt  string         `json:"-"`
	Entry      bool           `json:"-"` // inside an archive
}

// Files lists an assessment's evidence files by path.
func (ix *Index) Files(ctx context.Context, id string) ([]FileRecord, error) {
	rows, err := ix.db.QueryContext(ctx, `SELECT id, path, sha256, size, mime, status, reason, counts, source, source_sha256, kind, indexed_at, entry
		FROM evidence_files WHERE assessment_id = ? ORDER BY path`, id)
	if err != nil {
		return nil, fmt.Errorf("list evidence: %w", err)
	}
	defer rows.Close()
	var out []FileRecord
	for rows.Next() {
		var f FileRecord
		var counts string
		if err := rows.Scan(&f.ID, &f.Path, &f.SHA256, &f.Size, &f.Mime, &f.Status, &f.Reason, &counts, &f.Source, &f.SourceHash, &f.Kind, &f.IndexedAt, &f.Entry); err != nil {
			return nil, err
		}
		f.Detections = map[string]int{}
		_ = json.Unmarshal([]byte(counts), &f.Detections)
		out = append(out, f)
	}
	return out, rows.Err()
}

// Detections returns up to limit detections of one file, in file order.
func (ix *Index) Detections(ctx context.Context, id, path string, limit int) ([]model.Detection, error) {
	rows, err := ix.db.QueryContext(ctx, `SELECT d.type, d.line, d.page, d.sheet, d.row, d.col, d.confidence, d.preview, d.key
		FROM evidence_detections d JOIN evidence_files f ON f.id = d.file_id
		WHERE f.assessment_id = ? AND f.path = ? ORDER BY d.rowid LIMIT ?`, id, path, limit)
	if err != nil {
		return nil, fmt.Errorf("read detections: %w", err)
	}
	defer rows.Close()
	var out []model.Detection
	for rows.Next() {
		var d model.Detection
		if err := rows.Scan(&d.Type, &d.Loc.Line, &d.Loc.Page, &d.Loc.Sheet, &d.Loc.Row, &d.Loc.Column, &d.Confidence, &d.Preview, &d.Key); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Totals adds up the counts of files.
func Totals(files []FileRecord) map[string]int {
	out := map[string]int{}
	for _, f := range files {
		for t, n := range f.Detections {
			out[t] += n
		}
	}
	return out
}

// SortedTypes returns the keys of counts, most frequent first.
func SortedTypes(counts map[string]int) []string {
	out := make([]string, 0, len(counts))
	for t := range counts {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool {
		if counts[out[i]] != counts[out[j]] {
			return counts[out[i]] > counts[out[j]]
		}
		return out[i] < out[j]
	})
	return out
}
