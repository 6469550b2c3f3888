// Package evidence indexes evidence files concurrently: one walker, extract-and-detect workers
// (one per core, with bounded bytes in flight), and a single consumer that receives whole
// files (the database writer of Index, or the printer of 'dpia scan'). It also searches the
// indexed text.
package evidence

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/dpia-tool/dpia/assessment/evidence/detect"
	"github.com/dpia-tool/dpia/assessment/evidence/extract"
	"github.com/dpia-tool/dpia/assessment/evidence/model"
)

// File statuses (contract C4).
const (
	StatusIndexed = "indexed"
	StatusSkipped = "skipped"
	StatusFailed  = "failed"
)

// FileResult is everything learned about one file (or archive entry). A consumer receives it
// whole, so a file is either fully indexed or not at all.
type FileResult struct {
	Path         string    // display path: relative to the root's parent; archive entries as a.zip!inner/b.csv
	Source       string    // the file on disk (for an archive entry: the outermost archive)
	SourceSHA256 string    // hash of Source
	Redaction    Redaction // how its text is kept (set by Index.Add)
	// Touched: the file hashed to the content already indexed for its path (Options.SameContent);
	// nothing was extracted and the result carries only its path, size, time and hash.
	Touched    bool
	SHA256     string
	Size       int64
	ModTime    time.Time
	Mime       string
	Kind       string
	Status     string
	Reason     string
	Entry      bool // an entry inside an archive
	Counts     map[string]int
	Detections []model.Detection
	// DetectionBlocks are the detections encoded for the database (store.DetectionBlocks);
	// the index's consumer fills them in and drops Detections.
	DetectionBlocks [][]byte
	Chunks          []Chunk
}

// Options configure a scan.
type Options struct {
	Workers     int   // extract-and-detect workers; default: one per core
	MaxInFlight int64 // bytes of files being processed at once; default 256 MiB
	Limits      extract.Limits
	Detector    *detect.Detector
	// KeepText keeps text chunks for the full-text index; 'dpia scan' does not need them.
	KeepText bool
	// Redact masks every detected value in the kept text (see redact.go).
	Redact bool
	// KeepDetections is how many detections of a file are kept with their locations (counts
	// are always exact): 0 means DefaultKeepDetections, a negative number none ('dpia scan'
	// needs only counts). The bound keeps memory flat however large a file is.
	KeepDetections int
	// Unchanged, if set, is asked before a file is read; true skips it (incremental indexing).
	Unchanged func(path string, size int64, mtime time.Time) bool
	// SameContent, if set, is asked for a file that Unchanged did not skip: the SHA-256 of the
	// content indexed for that path when it had this size. A file that hashes to it is not
	// extracted: its result has Touched set (its modification time changed, not its bytes).
	SameContent func(path string, size int64) (sha256 string, ok bool)
	// Attached, if set, is asked with a file's path on disk: the path it is already evidence
	// under, if any. A file attached under another path is skipped, so that the same file
	// is not counted twice (added once inside its folder and once on its own).
	Attached func(source string) (path string, ok bool)
	// Progress receives progress events, at most about ten a second, and a last one with Done.
	Progress func(Progress)
	// skipDetection hands the extracted text and rows to no detector:
	// BenchmarkScanCorpusFloor measures with it what walking, reading, hashing and
	// extracting cost, the floor under 'dpia scan'.
	skipDetection bool
}

// Progress is a snapshot of a running scan.
type Progress struct {
	FilesDone, FilesTotal int
	Bytes, BytesTotal     int64
	MBps                  float64
	Current               string
	Detections            int
	Elapsed               time.Duration
	Walking               bool // the walker is still counting files
	Done                  bool
}

// Stats sums up a finished scan.
type Stats struct {
	Files     int     `json:"files"`
	Bytes     int64   `json:"bytes"`
	Seconds   float64 `json:"seconds"`
	Unchanged int     `json:"unchanged,omitempty"`
}

// DefaultKeepDetections is how many detections per file are kept with their locations.
const DefaultKeepDetections = 20000

type job struct {
	path    string // on disk
	display string
	size    int64
	mtime   time.Time
	reason  string // set when the walker already decided to skip it
	link    bool   // reached through a symlink
}

// Scan walks the roots (files or folders), extracts and detects in parallel, and calls consume
// for every file result from a single goroutine. It stops at the first consume error or when
// ctx is cancelled (returning ctx.Err()); no goroutine outlives it.
func Scan(ctx context.Context, roots []string, opts Options, consume func(FileResult) error) (Stats, error) {
	opts = opts.withDefaults()
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	start := time.Now()
	prog := newProgressor(opts.Progress, start)

	jobs := make(chan job)
	results := make(chan FileResult)
	var walkErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(jobs)
		walkErr = walk(ctx, roots, opts, prog, jobs)
	}()
	sem := semaphore.NewWeighted(opts.MaxInFlight)
	var workers sync.WaitGroup
	for range opts.Workers {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for j := range jobs {
				if err := processJob(ctx, j, opts, sem, prog, results); err != nil {
					return
				}
			}
		}()
	}
	go func() { workers.Wait(); close(results) }()

	var stats Stats
	var consumeErr error
	for r := range results {
		if consumeErr != nil {
			continue // drain so workers can finish
		}
		if err := consume(r); err != nil {
			consumeErr = err
			cancel()
			continue
		}
		prog.fileDone(r)
		if r.Touched {
			continue // counted as unchanged
		}
		if !r.Entry {
			stats.Bytes += r.Size
		}
		stats.Files++
	}
	wg.Wait()
	stats.Seconds = time.Since(start).Seconds()
	stats.Unchanged = prog.unchanged()
	prog.finish()
	switch {
	case consumeErr != nil:
		return stats, consumeErr
	case parent.Err() != nil:
		return stats, parent.Err()
	}
	return stats, walkErr
}

func (o Options) withDefaults() Options {
	if o.Workers <= 0 {
		o.Workers = runtime.NumCPU()
	}
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = 256 << 20
	}
	if o.Limits == (extract.Limits{}) {
		o.Limits = extract.DefaultLimits()
	}
	if o.KeepDetections == 0 {
		o.KeepDetections = DefaultKeepDetections
	}
	if o.Detector == nil {
		o.Detector = detect.New(make([]byte, 32))
	}
	return o
}

// walk sends one job per regular file under the roots. Symlinks are followed only when they
// stay inside their root.
func walk(ctx context.Context, roots []string, opts Options, prog *progressor, jobs chan<- job) error {
	var list []job
	for _, root := range roots {
		found, err := walkRoot(ctx, root)
		if err != nil {
			return err
		}
		list = append(list, found...)
	}
	dedupe(list)
	var total int64
	for i, j := range list {
		if p, ok := attachedElsewhere(opts, j); ok {
			list[i].reason = "already attached as " + p + " (remove it first to attach the file under another path)"
		}
		total += j.size
	}
	prog.setTotal(len(list), total)
	for _, j := range list {
		if opts.Unchanged != nil && j.reason == "" && opts.Unchanged(j.display, j.size, j.mtime) {
			prog.skipUnchanged(j)
			continue
		}
		select {
		case jobs <- j:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// dedupe skips a file reached a second time in one run (roots that overlap, a symlink to a
// file of the root): its detections would count twice. A file reached directly is kept over
// one reached through a symlink; otherwise the first in walk order.
func dedupe(list []job) {
	kept := map[string]string{} // path on disk → display path kept
	for _, viaLink := range []bool{false, true} {
		for i := range list {
			j := &list[i]
			if j.reason != "" || j.link != viaLink {
				continue
			}
			if d, ok := kept[j.path]; ok {
				j.reason = "the same file as " + d
				continue
			}
			kept[j.path] = j.display
		}
	}
}

// attachedElsewhere reports the path under which j's file is already evidence, when that is
// not j's own path.
func attachedElsewhere(opts Options, j job) (string, bool) {
	if opts.Attached == nil || j.reason != "" {
		return "", false
	}
	p, ok := opts.Attached(j.path)
	return p, ok && p != j.display
}

func walkRoot(ctx context.Context, root string) ([]job, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("evidence path %s: %w", root, err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("evidence path %s does not exist", root)
		}
		return nil, fmt.Errorf("evidence path %s: %w", root, err)
	}
	st, err := os.Stat(real)
	if err != nil {
		return nil, fmt.Errorf("evidence path %s: %w", root, err)
	}
	base := filepath.Base(abs)
	if !st.IsDir() {
		return []job{{path: real, display: base, size: st.Size(), mtime: st.ModTime()}}, nil
	}
	var out []job
	err = filepath.WalkDir(real, func(p string, d fs.DirEntry, err error) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		rel, _ := filepath.Rel(real, p)
		display := filepath.ToSlash(filepath.Join(base, rel))
		if err != nil {
			if p == real {
				return fmt.Errorf("evidence folder %s: %w", root, err)
			}
			out = append(out, job{path: p, display: display, reason: "unreadable: " + errText(err)})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		j, ok := fileJob(p, display, real, d)
		if ok {
			out = append(out, j)
		}
		return nil
	})
	sort.Slice(out, func(i, k int) bool { return out[i].display < out[k].display })
	return out, err
}

// fileJob makes a job for a directory entry, resolving symlinks within the root.
func fileJob(p, display, root string, d fs.DirEntry) (job, bool) {
	target := p
	if d.Type()&fs.ModeSymlink != 0 {
		t, err := filepath.EvalSymlinks(p)
		if err != nil {
			return job{path: p, display: display, reason: "broken symlink"}, true
		}
		if t != root && !strings.HasPrefix(t, root+string(filepath.Separator)) {
			return job{path: p, display: display, reason: "symlink leads outside the evidence root"}, true
		}
		target = t
	}
	st, err := os.Stat(target)
	if err != nil {
		return job{path: p, display: display, reason: "unreadable: " + errText(err)}, true
	}
	if st.IsDir() {
		return job{}, false // a symlinked folder inside the root: its files are walked there
	}
	if !st.Mode().IsRegular() {
		return job{path: p, display: display, reason: "not a regular file"}, true
	}
	return job{path: target, display: display, size: st.Size(), mtime: st.ModTime(), link: target != p}, true
}

func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// processJob reads one file, hashes it, and extracts it (recursing into archives), sending
// one FileResult per file or archive entry. It returns an error only when ctx is done.
func processJob(ctx context.Context, j job, opts Options, sem *semaphore.Weighted, prog *progressor, out chan<- FileResult) error {
	base := FileResult{Path: j.display, Source: j.path, Size: j.size, ModTime: j.mtime}
	if j.reason != "" {
		base.Status, base.Reason = StatusSkipped, j.reason
		return send(ctx, out, base)
	}
	weight := min(max(j.size, 1), opts.MaxInFlight)
	if err := sem.Acquire(ctx, weight); err != nil {
		return err
	}
	defer sem.Release(weight)
	prog.current(j.display)
	f, err := os.Open(j.path)
	if err != nil {
		base.Status, base.Reason = StatusFailed, "cannot open: "+errText(err)
		return send(ctx, out, base)
	}
	defer f.Close()
	sum, err := hashFile(ctx, f)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		base.Status, base.Reason = StatusFailed, "cannot read: "+errText(err)
		return send(ctx, out, base)
	}
	base.SHA256, base.SourceSHA256 = sum, sum
	if opts.SameContent != nil {
		if known, ok := opts.SameContent(j.display, j.size); ok && known == sum {
			base.Touched, base.Status = true, StatusIndexed
			return send(ctx, out, base)
		}
	}
	w := &fileWork{ctx: ctx, opts: opts, out: out, prog: prog, budget: extract.NewBudget(opts.Limits)}
	return w.process(base, f, j.size, 0)
}

var hashBuffers = sync.Pool{New: func() any { b := make([]byte, 256<<10); return &b }}

func hashFile(ctx context.Context, r io.ReaderAt) (string, error) {
	h := sha256.New()
	bp := hashBuffers.Get().(*[]byte)
	defer hashBuffers.Put(bp)
	buf := *bp
	var off int64
	for {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		n, err := r.ReadAt(buf, off)
		h.Write(buf[:n])
		off += int64(n)
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func send(ctx context.Context, out chan<- FileResult, r FileResult) error {
	select {
	case out <- r:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
