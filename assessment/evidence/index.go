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
	"sync"
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
	// Reindex reads every file again, unchanged ones too: after an upgrade of dpia, its
	// detector's findings (and search locations) replace the older ones.
	Reindex bool
}

// AddReport sums up an indexing run.
type AddReport struct {
	Stats      Stats          `json:"stats"`
	Indexed    int            `json:"indexed"`
	Skipped    int            `json:"skipped"`
	Failed     int            `json:"failed"`
	Detections map[string]int `json:"detections"`
	// Compacted is how many files indexed in clear before were masked by this (redacted) run
	// and the database compacted so that their clear text is gone.
	Compacted int `json:"compacted,omitempty"`
}

// Add indexes files and folders as evidence of an assessment. Files already indexed with the
// same path, size and modification time are not read again. Each file is committed whole; when
// ctx is cancelled, files already committed stay, and the run stops cleanly.
func (ix *Index) Add(ctx context.Context, assessmentID string, roots []string, actor string, opts AddOptions) (AddReport, error) {
	rep := AddReport{Detections: map[string]int{}}
	if _, err := ix.st.Assessment(ctx, assessmentID); err != nil {
		return rep, err
	}
	known, sources, err := ix.knownFiles(ctx, assessmentID)
	if err != nil {
		return rep, err
	}
	w := &batchWriter{ix: ix, id: assessmentID}
	scanOpts := Options{
		Workers: opts.Workers, Limits: opts.Limits, Detector: ix.det, KeepText: true, Progress: opts.Progress, Redact: opts.Redact,
		Unchanged: func(path string, size int64, mtime time.Time) bool {
			k, ok := known[path]
			// A file indexed in clear is read again when masking is asked for now; one
			// indexed masked stays masked until it changes or is removed.
			return ok && k.size == size && k.mtime == formatTime(mtime) && (k.redaction != Clear || !opts.Redact) && !k.textAbsent
		},
		SameContent: func(path string, size int64) (string, bool) {
			k, ok := known[path]
			if !ok || k.size != size || k.sha256 == "" || (opts.Redact && k.redaction == Clear) || k.textAbsent {
				return "", false
			}
			return k.sha256, true
		},
		Attached: func(source string) (string, bool) {
			p, ok := sources[source]
			return p, ok
		},
	}
	if opts.Reindex {
		scanOpts.Unchanged, scanOpts.SameContent = nil, nil
	}
	var touched []FileResult
	stats, err := Scan(ctx, roots, scanOpts, func(r FileResult) error {
		if r.Touched {
			touched = append(touched, r)
			return nil
		}
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
		if opts.Redact {
			r.Redaction = Redacted
			// Clear text of an earlier run (or of one whose compaction failed) may linger.
			if k, ok := known[r.Path]; ok && k.redaction != Redacted {
				r.Redaction = RedactedPending
			}
		}
		return w.add(ctx, r)
	})
	rep.Stats = stats
	// Whole files already received are committed even when the run was cancelled.
	flushCtx := context.WithoutCancel(ctx)
	if ferr := w.flush(flushCtx); ferr != nil && err == nil {
		err = ferr
	}
	if len(touched) > 0 {
		// Only their modification time changed: record it, so the next run skips them
		// without hashing them again.
		terr := ix.st.Write(flushCtx, "record evidence times", func(tx *sql.Tx) error {
			for _, r := range touched {
				if _, err := tx.ExecContext(flushCtx, `UPDATE evidence_files SET mtime = ? WHERE assessment_id = ? AND path = ?`,
					formatTime(r.ModTime), assessmentID, r.Path); err != nil {
					return err
				}
			}
			return nil
		})
		if err == nil {
			err = terr
		}
	}
	if err == nil && opts.Redact {
		// Files indexed in clear before are now masked; their clear text is deleted but its
		// bytes stay in free pages and index segments until the database is compacted.
		rep.Compacted, err = ix.compactPending(flushCtx, assessmentID)
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
	size      int64
	mtime     string
	sha256    string
	redaction Redaction
	// textAbsent: restored from an archive without its text; read again even if unchanged.
	textAbsent bool
}

// Redaction is how an evidence file's text is kept (evidence_files.redacted).
type Redaction int

const (
	// Clear: the text is kept as it was read.
	Clear Redaction = 0
	// Redacted: detected values are masked in the kept text (evidence add --redact).
	Redacted Redaction = 1
	// RedactedPending: masked, but the file was indexed in clear before and the database
	// has not been compacted since, so the clear text's bytes may remain in its files.
	RedactedPending Redaction = 2
)

// compactPending compacts the database when files of the assessment are RedactedPending,
// then marks them Redacted, and reports the number of such files. Files left pending by a
// compaction that failed (another process holding the workspace) are compacted by the next
// redacted add.
func (ix *Index) compactPending(ctx context.Context, id string) (int, error) {
	var n int
	if err := ix.db.QueryRowContext(ctx, `SELECT count(*) FROM evidence_files WHERE assessment_id = ? AND redacted = ?`,
		id, RedactedPending).Scan(&n); err != nil {
		return 0, fmt.Errorf("read evidence files: %w", err)
	}
	if n == 0 {
		return 0, nil
	}
	if err := ix.Compact(ctx); err != nil {
		return 0, fmt.Errorf("%d files indexed in clear before are now masked, but their clear text may remain in the database files until it is compacted (run 'dpia evidence add --redact' again when no other dpia has the workspace open): %w", n, err)
	}
	err := ix.st.Write(ctx, "mark evidence compacted", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE evidence_files SET redacted = ? WHERE assessment_id = ? AND redacted = ?`,
			Redacted, id, RedactedPending)
		return err
	})
	return n, err
}

// knownFiles returns the indexed files of an assessment by path, and the paths of the files
// on disk they were read from (not archive entries) by that path on disk.
func (ix *Index) knownFiles(ctx context.Context, id string) (map[string]knownFile, map[string]string, error) {
	rows, err := ix.db.QueryContext(ctx, `SELECT path, size, mtime, sha256, source, entry, redacted, text_absent FROM evidence_files WHERE assessment_id = ? AND status = 'indexed'`, id)
	if err != nil {
		return nil, nil, fmt.Errorf("read evidence files: %w", err)
	}
	defer rows.Close()
	out, sources := map[string]knownFile{}, map[string]string{}
	for rows.Next() {
		var p, source string
		var k knownFile
		var entry bool
		if err := rows.Scan(&p, &k.size, &k.mtime, &k.sha256, &source, &entry, &k.redaction, &k.textAbsent); err != nil {
			return nil, nil, err
		}
		out[p] = k
		if !entry {
			sources[source] = p
		}
	}
	return out, sources, rows.Err()
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// batchWriter is the single database writer: it groups whole files into transactions. The
// transactions run on a goroutine of their own, so extraction and detection go on while a
// batch is written; at most one batch is being written while the next one fills up.
type batchWriter struct {
	ix      *Index
	id      string
	pending []FileResult
	weight  int
	started time.Time
	files   int // files committed (read after wait)

	running bool
	batches chan []FileResult // to the writer goroutine; unbuffered
	done    chan struct{}     // closed when the writer goroutine has ended
	mu      sync.Mutex
	err     error // the first write error
}

const (
	batchFiles    = 256
	batchBytes    = 8 << 20 // approximate bytes of detections and text per transaction
	batchInterval = 500 * time.Millisecond
)

func (w *batchWriter) add(ctx context.Context, r FileResult) error {
	if err := w.failed(); err != nil {
		return err
	}
	if len(w.pending) == 0 {
		w.started = time.Now()
	}
	// The detections are encoded here, not on the writer goroutine (see store.DetectionBlocks).
	var blocks store.DetectionBlocks
	for _, d := range r.Detections {
		l := d.Loc
		blocks.Add(store.Detection{Type: d.Type, Line: int64(l.Line), Page: int64(l.Page), Sheet: l.Sheet, Row: int64(l.Row),
			Col: l.Column, Confidence: d.Confidence, Preview: d.Preview, Key: d.Key})
	}
	r.DetectionBlocks, r.Detections = blocks.Blocks(), nil
	w.pending = append(w.pending, r)
	w.weight += 512
	for _, b := range r.DetectionBlocks {
		w.weight += len(b)
	}
	for _, c := range r.Chunks {
		w.weight += len(c.Text)
	}
	if len(w.pending) >= batchFiles || w.weight >= batchBytes || time.Since(w.started) >= batchInterval {
		return w.send(ctx)
	}
	return nil
}

func (w *batchWriter) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// send hands the pending files to the writer goroutine, starting it on first use. It blocks
// while the previous batch is still being written.
func (w *batchWriter) send(ctx context.Context) error {
	if len(w.pending) == 0 {
		return nil
	}
	if !w.running {
		w.running = true
		w.batches, w.done = make(chan []FileResult), make(chan struct{})
		go w.run(context.WithoutCancel(ctx))
	}
	batch := w.pending
	w.pending, w.weight = nil, 0
	select {
	case w.batches <- batch:
	case <-w.done: // the writer stopped on an error
	}
	return w.failed()
}

// run writes batches until the channel closes or a write fails. Batches are written even when
// the run is cancelled: a file received is committed whole.
func (w *batchWriter) run(ctx context.Context) {
	defer close(w.done)
	for batch := range w.batches {
		if err := w.write(ctx, batch); err != nil {
			w.mu.Lock()
			w.err = err
			w.mu.Unlock()
			return
		}
		w.files += len(batch)
	}
}

// flush sends what is pending and waits until everything sent is written.
func (w *batchWriter) flush(ctx context.Context) error {
	err := w.send(ctx)
	if w.running {
		close(w.batches)
		<-w.done
		w.running = false
	}
	if err != nil {
		return err
	}
	return w.failed()
}

// write commits one batch in one transaction.
func (w *batchWriter) write(ctx context.Context, batch []FileResult) error {
	return w.ix.st.Write(ctx, "index evidence", func(tx *sql.Tx) error {
		// A larger page cache for the bulk write keeps the indexes' pages in memory instead of
		// spilling them to the write-ahead log mid-transaction (this connection only).
		// Statement journals (multi-row INSERTs open one) stay in memory too.
		for _, q := range []string{`PRAGMA cache_size = -16384`, `PRAGMA temp_store = MEMORY`} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		ins := newInserter(tx)
		defer ins.close()
		firsts := make([]int64, len(batch))
		for i := range batch {
			id, err := w.ix.writeFile(ctx, tx, w.id, &batch[i])
			if err == nil {
				firsts[i], err = ins.chunks(ctx, id, batch[i].Chunks)
			}
			if err != nil {
				return fmt.Errorf("%s: %w", batch[i].Path, err)
			}
		}
		// The words go last: FTS5 writes out the terms it holds in memory whenever a
		// statement opens a savepoint (as multi-row statements do), so interleaving would
		// cut the full-text index into many small segments to merge again.
		for i := range batch {
			if err := ins.words(ctx, firsts[i], batch[i].Chunks); err != nil {
				return fmt.Errorf("%s: %w", batch[i].Path, err)
			}
		}
		return nil
	})
}

// writeFile replaces one file's row and detections (not its text) and returns its new id.
func (ix *Index) writeFile(ctx context.Context, tx *sql.Tx, id string, r *FileResult) (int64, error) {
	var old int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM evidence_files WHERE assessment_id = ? AND path = ?`, id, r.Path).Scan(&old)
	switch {
	case err == nil:
		if err := deleteFiles(ctx, tx, []int64{old}); err != nil {
			return 0, err
		}
	case !errors.Is(err, sql.ErrNoRows):
		return 0, err
	}
	counts, _ := json.Marshal(r.Counts)
	res, err := tx.ExecContext(ctx, `INSERT INTO evidence_files
		(assessment_id, path, source, source_sha256, sha256, size, mtime, mime, kind, status, reason, counts, indexed_at, entry,
		 text_first, text_last, redacted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 0, ?)`,
		id, r.Path, r.Source, r.SourceSHA256, r.SHA256, r.Size, formatTime(r.ModTime), r.Mime, r.Kind,
		r.Status, r.Reason, string(counts), formatTime(ix.now()), r.Entry, r.Redaction)
	if err != nil {
		return 0, err
	}
	fileID, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	return fileID, store.InsertDetectionBlocks(ctx, tx, fileID, r.DetectionBlocks)
}

// deleteFiles deletes evidence files with their detections and text. A file's text is found
// by the chunk ids recorded with the file (schema migration 5); when they are not known, by
// scanning all chunks for its file_id.
func deleteFiles(ctx context.Context, tx *sql.Tx, ids []int64) error {
	for _, fid := range ids {
		var first, last sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT text_first, text_last FROM evidence_files WHERE id = ?`, fid).Scan(&first, &last)
		if err != nil {
			return err
		}
		var chunks string
		var args []any
		switch {
		case !first.Valid || !last.Valid:
			chunks, args = `file_id = ?`, []any{fid}
		case first.Int64 <= last.Int64:
			chunks, args = `id BETWEEN ? AND ? AND file_id = ?`, []any{first.Int64, last.Int64, fid}
		}
		if chunks != "" {
			for _, q := range []string{
				`DELETE FROM evidence_words WHERE rowid IN (SELECT id FROM evidence_chunks WHERE ` + chunks + `)`,
				`DELETE FROM evidence_chunks WHERE ` + chunks,
			} {
				if _, err := tx.ExecContext(ctx, q, args...); err != nil {
					return err
				}
			}
		}
		for _, q := range []string{`DELETE FROM evidence_detection_blocks WHERE file_id = ?`, `DELETE FROM evidence_files WHERE id = ?`} {
			if _, err := tx.ExecContext(ctx, q, fid); err != nil {
				return err
			}
		}
	}
	return nil
}

// inserter holds the prepared INSERT statements of one transaction's text.
type inserter struct {
	tx          *sql.Tx
	chunk, word *sql.Stmt
}

func newInserter(tx *sql.Tx) *inserter { return &inserter{tx: tx} }

func (ins *inserter) close() {
	for _, s := range []*sql.Stmt{ins.chunk, ins.word} {
		if s != nil {
			s.Close()
		}
	}
}

func (ins *inserter) stmt(ctx context.Context, sp **sql.Stmt, q string) (*sql.Stmt, error) {
	if *sp == nil {
		s, err := ins.tx.PrepareContext(ctx, q)
		if err != nil {
			return nil, err
		}
		*sp = s
	}
	return *sp, nil
}

// chunks inserts a file's text and records the ids it took: one run, as nothing else
// writes the table in the transaction. Search and deletion rely on that range. It returns
// the first id (the words of chunk i go into the full-text index as rowid first+i).
func (ins *inserter) chunks(ctx context.Context, fileID int64, cs []Chunk) (int64, error) {
	if len(cs) == 0 {
		return 0, nil
	}
	s, err := ins.stmt(ctx, &ins.chunk, `INSERT INTO evidence_chunks (file_id, loc, text) VALUES (?, ?, ?)`)
	if err != nil {
		return 0, err
	}
	var first, last int64
	run := true
	for i, c := range cs {
		loc, _ := json.Marshal(c.Loc)
		res, err := s.ExecContext(ctx, fileID, string(loc), c.Text)
		if err != nil {
			return 0, err
		}
		if last, err = res.LastInsertId(); err != nil {
			return 0, err
		}
		if i == 0 {
			first = last
		}
		run = run && last == first+int64(i)
	}
	if !run { // cannot happen: this transaction is the only writer
		return 0, fmt.Errorf("the text of one file did not get consecutive ids (%d..%d for %d chunks)", first, last, len(cs))
	}
	_, err = ins.tx.ExecContext(ctx, `UPDATE evidence_files SET text_first = ?, text_last = ? WHERE id = ?`, first, last, fileID)
	return first, err
}

// words adds the folded words of a file's chunks to the full-text index, chunk i as rowid
// first+i.
func (ins *inserter) words(ctx context.Context, first int64, cs []Chunk) error {
	if len(cs) == 0 {
		return nil
	}
	s, err := ins.stmt(ctx, &ins.word, `INSERT INTO evidence_words (rowid, words) VALUES (?, ?)`)
	if err != nil {
		return err
	}
	for i, c := range cs {
		if _, err := s.ExecContext(ctx, first+int64(i), c.Words); err != nil {
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
	// TextAbsent: the file was restored from an archive, which carries no text; search does
	// not see it until the file is added again.
	TextAbsent bool `json:"-"`
}

// Files lists an assessment's evidence files by path.
func (ix *Index) Files(ctx context.Context, id string) ([]FileRecord, error) {
	rows, err := ix.db.QueryContext(ctx, `SELECT id, path, sha256, size, mime, status, reason, counts, source, source_sha256, kind, indexed_at, entry, text_absent
		FROM evidence_files WHERE assessment_id = ? ORDER BY path`, id)
	if err != nil {
		return nil, fmt.Errorf("list evidence: %w", err)
	}
	defer rows.Close()
	var out []FileRecord
	for rows.Next() {
		var f FileRecord
		var counts string
		if err := rows.Scan(&f.ID, &f.Path, &f.SHA256, &f.Size, &f.Mime, &f.Status, &f.Reason, &counts, &f.Source, &f.SourceHash, &f.Kind, &f.IndexedAt, &f.Entry, &f.TextAbsent); err != nil {
			return nil, err
		}
		_ = json.Unmarshal([]byte(counts), &f.Detections)
		if f.Detections == nil { // "null": a file never read (a symlink leading outside the root)
			f.Detections = map[string]int{}
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// TextAbsent returns the paths of the assessment's evidence files restored from an archive
// without their text (search does not see them), in path order; with path set, only that
// file is considered. It reads the path column alone, so that a search does not pay for
// listing every file.
func (ix *Index) TextAbsent(ctx context.Context, id, path string) ([]string, error) {
	rows, err := ix.db.QueryContext(ctx, `SELECT path FROM evidence_files
		WHERE assessment_id = ?1 AND text_absent = 1 AND (?2 = '' OR path = ?2) ORDER BY path`, id, path)
	if err != nil {
		return nil, fmt.Errorf("list evidence without text: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Detections returns up to limit detections of one file, in file order (all of them when
// limit is negative); a path that is not an evidence file of the assessment is an error.
func (ix *Index) Detections(ctx context.Context, id, path string, limit int) ([]model.Detection, error) {
	var fileID int64
	err := ix.db.QueryRowContext(ctx, `SELECT id FROM evidence_files WHERE assessment_id = ? AND path = ?`, id, path).Scan(&fileID)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, fmt.Errorf("no evidence file %q in assessment %s (see 'dpia evidence list')", path, id)
	case err != nil:
		return nil, fmt.Errorf("read detections: %w", err)
	}
	var out []model.Detection
	if limit == 0 {
		return out, nil
	}
	err = store.FileDetections(ctx, ix.db, fileID, func(d store.Detection) bool {
		out = append(out, model.Detection{Type: d.Type, Confidence: d.Confidence, Preview: d.Preview, Key: d.Key,
			Loc: model.Location{Line: int(d.Line), Page: int(d.Page), Sheet: d.Sheet, Row: int(d.Row), Column: d.Col}})
		return limit < 0 || len(out) < limit
	})
	if err != nil {
		return nil, fmt.Errorf("read detections of %s: %w", path, err)
	}
	return out, nil
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
