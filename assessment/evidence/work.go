package evidence

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/dpia-tool/dpia/assessment/evidence/extract"
	"github.com/dpia-tool/dpia/assessment/evidence/model"
	"github.com/dpia-tool/dpia/assessment/evidence/terms"
)

// fileWork processes one file from the walker, and the entries of archives inside it.
type fileWork struct {
	ctx    context.Context
	opts   Options
	out    chan<- FileResult
	prog   *progressor
	budget *extract.Budget
}

const sniffBytes = 3072

// process extracts one file or archive entry (r holds its content) and sends its result;
// archives send one result for themselves and one per entry.
func (w *fileWork) process(res FileResult, r io.ReaderAt, size int64, depth int) error {
	head := make([]byte, min(size, sniffBytes))
	n, _ := r.ReadAt(head, 0)
	res.Kind, res.Mime = extract.Sniff(res.Path, head[:n])
	res.Counts = map[string]int{}
	if size == 0 {
		res.Status, res.Reason = StatusSkipped, "empty file"
		return send(w.ctx, w.out, res)
	}
	if res.Kind == extract.KindZip || res.Kind == extract.KindGzip {
		return w.archive(res, r, size, depth)
	}
	if size > w.opts.Limits.MaxFileBytes {
		res.Status, res.Reason = StatusSkipped, fmt.Sprintf("larger than the %d MiB limit", w.opts.Limits.MaxFileBytes>>20)
		return send(w.ctx, w.out, res)
	}
	c := newCollector(w.opts, &res)
	err := extract.Extract(w.ctx, res.Path, res.Kind, r, size, c, w.opts.Limits)
	if w.ctx.Err() != nil {
		return w.ctx.Err()
	}
	c.finish()
	c.counts.fold(res.Counts)
	switch {
	case err == nil:
		res.Status = StatusIndexed
	case errors.Is(err, model.ErrUnsupported):
		res.Status, res.Reason = StatusSkipped, fmt.Sprintf("unsupported file type %s", res.Mime)
		res.Detections, res.Chunks, res.Counts = nil, nil, map[string]int{}
	case errors.Is(err, model.ErrLimit):
		// What was read before the limit is kept and the reason says where it stopped.
		res.Status, res.Reason = StatusIndexed, "partly indexed: "+err.Error()
	default:
		res.Status, res.Reason = StatusFailed, err.Error()
		res.Detections, res.Chunks, res.Counts = nil, nil, map[string]int{}
	}
	return send(w.ctx, w.out, res)
}

// archive sends the archive's own result, then walks its entries (nested archives up to the
// depth limit).
func (w *fileWork) archive(res FileResult, r io.ReaderAt, size int64, depth int) error {
	if depth >= w.opts.Limits.MaxArchiveDepth {
		res.Status, res.Reason = StatusSkipped, fmt.Sprintf("archive nested deeper than %d levels", w.opts.Limits.MaxArchiveDepth)
		return send(w.ctx, w.out, res)
	}
	var entries []FileResult
	walk := extract.WalkArchive
	if res.Kind == extract.KindGzip {
		walk = func(ctx context.Context, r io.ReaderAt, size int64, lim extract.Limits, budget *extract.Budget, fn func(string, []byte, error) error) error {
			return extract.WalkGzip(ctx, r, size, res.Path, lim, budget, fn)
		}
	}
	walkErr := walk(w.ctx, r, size, w.opts.Limits, w.budget, func(path string, data []byte, entryErr error) error {
		sum := sha256.Sum256(data)
		entry := FileResult{
			Path: res.Path + "!" + path, Source: res.Source, SourceSHA256: res.SourceSHA256,
			SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data)), ModTime: res.ModTime, Entry: true,
		}
		if entryErr != nil {
			entry.Status, entry.Reason, entry.Counts = StatusSkipped, entryErr.Error(), map[string]int{}
			entries = append(entries, entry)
			return nil
		}
		w.prog.current(entry.Path)
		return w.process(entry, bytes.NewReader(data), int64(len(data)), depth+1)
	})
	if w.ctx.Err() != nil {
		return w.ctx.Err()
	}
	res.Status = StatusIndexed
	if walkErr != nil {
		res.Status, res.Reason = StatusFailed, walkErr.Error()
		if errors.Is(walkErr, model.ErrLimit) {
			res.Status = StatusSkipped
		}
	}
	for _, e := range entries {
		if err := send(w.ctx, w.out, e); err != nil {
			return err
		}
	}
	return send(w.ctx, w.out, res)
}

// Chunk is a piece of a file's text for the full-text index: one line per entry (a line of
// text, a table row, a value), with where it starts and where each further line is.
type Chunk struct {
	Text  string
	Words string // the words of Text as the full-text index holds them (package terms)
	Loc   ChunkLoc
}

const chunkBytes = 4096

// collector is the Sink extractors write to: it feeds the detector and cuts text into chunks.
type collector struct {
	res    *FileResult
	scan   model.Sink
	keep   bool
	buf    strings.Builder
	loc    model.Location // where the chunk being built starts
	last   model.Location // where its last entry is
	steps  chunkSteps
	header []string
	red    *redactor // set when Options.Redact: kept text is masked (redact.go)
	counts typeCounts
	words  []byte // reused by flush
}

// typeCounts counts detections by type without a map update each: a file has a handful of
// types. fold adds them to a result's Counts.
type typeCounts struct {
	typ []string
	n   []int
}

func (tc *typeCounts) add(typ string) {
	for i, t := range tc.typ {
		if t == typ {
			tc.n[i]++
			return
		}
	}
	tc.typ = append(tc.typ, typ)
	tc.n = append(tc.n, 1)
}

func (tc *typeCounts) fold(into map[string]int) {
	for i, t := range tc.typ {
		into[t] += tc.n[i]
	}
	tc.typ, tc.n = tc.typ[:0], tc.n[:0]
}

func newCollector(opts Options, res *FileResult) *collector {
	c := &collector{res: res, keep: opts.KeepText}
	if opts.skipDetection {
		c.scan = discard{}
		return c
	}
	if opts.Redact {
		c.red = newRedactor(opts.Detector)
	}
	if opts.KeepDetections < 0 && c.red == nil {
		// Only counts are wanted: the detector builds no Detection (no keyed hash, no
		// masked preview) and finds exactly the same values.
		c.scan = opts.Detector.Counter(c.counts.add)
		return c
	}
	c.scan = opts.Detector.Scanner(func(d model.Detection) {
		if c.red != nil {
			c.red.detection(d)
		}
		if len(res.Detections) < opts.KeepDetections {
			res.Detections = append(res.Detections, d)
		}
		res.Counts[d.Type]++
	})
	return c
}

// discard is the sink of a scan that detects nothing (Options.skipDetection).
type discard struct{}

func (discard) Text(model.Location, string) error         { return nil }
func (discard) TableStart(model.Location, []string) error { return nil }
func (discard) Row(model.Location, []string) error        { return nil }
func (discard) TableEnd() error                           { return nil }
func (discard) Found(model.Detection) error               { return nil }

func (c *collector) add(loc model.Location, text string) {
	if !c.keep || text == "" {
		return
	}
	if strings.IndexByte(text, '\n') >= 0 {
		// One entry, one line of the chunk: a hit's line is found by counting line breaks.
		text = strings.ReplaceAll(text, "\n", " ")
	}
	if c.buf.Len() == 0 {
		c.loc, c.last = loc, loc
		c.steps.reset()
	} else {
		c.buf.WriteByte('\n')
		c.steps.add(c.loc, c.last, loc)
		c.last = loc
	}
	c.buf.WriteString(text)
	if c.buf.Len() >= chunkBytes {
		c.flush()
	}
}

func (c *collector) flush() {
	if c.buf.Len() == 0 {
		return
	}
	text := c.buf.String()
	if c.red != nil {
		text = c.red.text(text)
	}
	// Folding the words here runs on the workers, in parallel, not on the database writer.
	c.words = terms.Append(c.words[:0], text)
	c.res.Chunks = append(c.res.Chunks, Chunk{Text: text, Words: string(c.words), Loc: c.steps.loc(c.loc)})
	c.buf.Reset()
}

func (c *collector) Text(loc model.Location, text string) error {
	if c.red != nil {
		return c.redactText(loc, text)
	}
	c.add(loc, text)
	return c.scan.Text(loc, text)
}

func (c *collector) TableStart(loc model.Location, header []string) error {
	if c.red != nil {
		return c.redactTableStart(loc, header)
	}
	c.flush()
	c.header = header
	if c.keep {
		c.add(loc, strings.Join(header, " | "))
	}
	return c.scan.TableStart(loc, header)
}

func (c *collector) Row(loc model.Location, cells []string) error {
	if c.red != nil {
		return c.redactRow(loc, cells)
	}
	if c.keep {
		c.add(loc, strings.Join(cells, " | "))
	}
	return c.scan.Row(loc, cells)
}

func (c *collector) TableEnd() error {
	if c.red != nil {
		return c.redactTableEnd()
	}
	c.flush()
	return c.scan.TableEnd()
}

func (c *collector) Found(d model.Detection) error { return c.scan.Found(d) }

var _ model.Sink = (*collector)(nil)
