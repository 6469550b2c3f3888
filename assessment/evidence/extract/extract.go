// Package extract turns one evidence file into the content the detectors read: lines of text,
// tables of rows, and structural findings (a face in a photo, GPS coordinates in EXIF, a voice
// recording, a fingerprint template).
//
// Sniff decides a file's kind from its first bytes and its name; Extract reads a file of that
// kind and writes what it holds to a model.Sink; WalkArchive lists the entries of a zip archive
// so that the caller can extract each of them (and recurse into nested archives).
//
// Every extractor streams where the format allows and is bounded by Limits: a file that breaks
// a limit ends with an error wrapping model.ErrLimit (what was written before is valid), a file
// no extractor handles with one wrapping model.ErrUnsupported. No input makes Extract or
// WalkArchive panic, and both stop promptly when their context is cancelled.
package extract

import (
	"context"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/dpia-tool/dpia/assessment/evidence/model"
)

// Limits bound the work and memory spent on one file. The zero value of a field means "use the
// default"; DefaultLimits returns the defaults.
type Limits struct {
	MaxFileBytes        int64 // a single file or archive entry larger is skipped (default 256 MiB)
	MaxTextBytes        int64 // text emitted per file (default 64 MiB); beyond, extraction stops with ErrLimit
	MaxRows             int   // table rows per file (default 1,000,000)
	MaxCellBytes        int   // a longer cell is truncated, a longer text line split (default 64 KiB)
	MaxArchiveDepth     int   // nested zip depth, enforced by the caller (default 3)
	MaxArchiveEntries   int   // entries per archive (default 10,000)
	MaxArchiveTotal     int64 // total uncompressed bytes per archive tree (default 1 GiB)
	MaxCompressionRatio int   // per entry, uncompressed/compressed (default 100)
	MaxImagePixels      int   // largest image decoded, in pixels (default 50 Mpx)
}

// DefaultLimits returns the limits used when none are configured.
func DefaultLimits() Limits {
	return Limits{
		MaxFileBytes:        256 << 20,
		MaxTextBytes:        64 << 20,
		MaxRows:             1_000_000,
		MaxCellBytes:        64 << 10,
		MaxArchiveDepth:     3,
		MaxArchiveEntries:   10_000,
		MaxArchiveTotal:     1 << 30,
		MaxCompressionRatio: 100,
		MaxImagePixels:      50_000_000,
	}
}

// withDefaults fills every zero field with its default.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = d.MaxFileBytes
	}
	if l.MaxTextBytes <= 0 {
		l.MaxTextBytes = d.MaxTextBytes
	}
	if l.MaxRows <= 0 {
		l.MaxRows = d.MaxRows
	}
	if l.MaxCellBytes <= 0 {
		l.MaxCellBytes = d.MaxCellBytes
	}
	if l.MaxArchiveDepth <= 0 {
		l.MaxArchiveDepth = d.MaxArchiveDepth
	}
	if l.MaxArchiveEntries <= 0 {
		l.MaxArchiveEntries = d.MaxArchiveEntries
	}
	if l.MaxArchiveTotal <= 0 {
		l.MaxArchiveTotal = d.MaxArchiveTotal
	}
	if l.MaxCompressionRatio <= 0 {
		l.MaxCompressionRatio = d.MaxCompressionRatio
	}
	if l.MaxImagePixels <= 0 {
		l.MaxImagePixels = d.MaxImagePixels
	}
	return l
}

// Warner is implemented by a Sink that wants to hear about content an extractor skipped
// without failing the file, e.g. "skipped 3 malformed CSV lines (first at line 17)". Extract
// calls Warn at most once per kind of problem, at the end of the file.
type Warner interface {
	Warn(msg string)
}

// Extract reads one file that is not an archive and writes its content to sink. r holds the
// whole file, size bytes long; kind is what Sniff returned. It returns an error wrapping
// model.ErrLimit when a limit stopped it, model.ErrUnsupported for a kind it cannot read
// (including "zip": archives are walked with WalkArchive), ctx.Err() when ctx was cancelled,
// and a "malformed …" error for a file it cannot parse. It never panics.
func Extract(ctx context.Context, name, kind string, r io.ReaderAt, size int64, sink model.Sink, lim Limits) (err error) {
	lim = lim.withDefaults()
	if err := ctx.Err(); err != nil {
		return err
	}
	if size > lim.MaxFileBytes {
		return fmt.Errorf("%w: file is larger than the %s limit", model.ErrLimit, byteSize(lim.MaxFileBytes))
	}
	fn, ok := extractors[kind]
	if !ok {
		return fmt.Errorf("%w: %s", model.ErrUnsupported, kind)
	}
	g := newGuard(ctx, sink, lim)
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("malformed %s: parser failed: %v", kind, p)
		}
		if err == nil {
			g.flushWarnings()
		}
	}()
	err = fn(ctx, &file{name: name, kind: kind, r: r, size: size}, g, lim)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// file is the input of one extractor.
type file struct {
	name string
	kind string
	r    io.ReaderAt
	size int64
}

// reader returns a fresh sequential reader over the whole file.
func (f *file) reader() *io.SectionReader { return io.NewSectionReader(f.r, 0, f.size) }

// extractFunc is the signature every extractor has.
type extractFunc func(ctx context.Context, f *file, g *guard, lim Limits) error

// extractors maps each kind Sniff returns to its extractor; "zip" and "unknown" are absent.
var extractors map[string]extractFunc

func init() {
	extractors = map[string]extractFunc{
		KindText:      extractText,
		KindCSV:       extractCSV,
		KindTSV:       extractCSV,
		KindJSON:      extractJSON,
		KindJSONL:     extractJSONL,
		KindXLSX:      extractXLSX,
		KindDOCX:      extractDOCX,
		KindPDF:       extractPDF,
		KindParquet:   extractParquet,
		KindImage:     extractImage,
		KindAudio:     extractAudio,
		KindBiometric: extractBiometric,
	}
}

// guard sits between an extractor and the caller's Sink: it checks the context, enforces
// MaxTextBytes, MaxRows and MaxCellBytes, replaces invalid UTF-8, and remembers whether
// anything was written.
type guard struct {
	ctx      context.Context
	sink     model.Sink
	lim      Limits
	text     int64
	rows     int
	calls    int
	warnings []string
}

func newGuard(ctx context.Context, sink model.Sink, lim Limits) *guard {
	return &guard{ctx: ctx, sink: sink, lim: lim}
}

// tick checks the context; the extractors call it in loops that may write nothing.
func (g *guard) tick() error { return g.ctx.Err() }

// account adds n bytes of emitted text and fails once MaxTextBytes is passed.
func (g *guard) account(n int) error {
	g.calls++
	if err := g.ctx.Err(); err != nil {
		return err
	}
	g.text += int64(n)
	if g.text > g.lim.MaxTextBytes {
		return fmt.Errorf("%w: more than %s of text", model.ErrLimit, byteSize(g.lim.MaxTextBytes))
	}
	return nil
}

// Text writes one line or paragraph; text longer than MaxCellBytes is truncated.
func (g *guard) Text(loc model.Location, text string) error {
	text = g.cell(text)
	if err := g.account(len(text)); err != nil {
		return err
	}
	return g.sink.Text(loc, text)
}

// validText is Text for text the extractor knows is valid UTF-8 (lines of a lineReader).
func (g *guard) validText(loc model.Location, text string) error {
	text = truncate(text, g.lim.MaxCellBytes)
	if err := g.account(len(text)); err != nil {
		return err
	}
	return g.sink.Text(loc, text)
}

// TableStart begins a table; header cells are truncated like data cells.
func (g *guard) TableStart(loc model.Location, header []string) error {
	n := 0
	for i, h := range header {
		header[i] = g.cell(h)
		n += len(header[i])
	}
	if err := g.account(n); err != nil {
		return err
	}
	return g.sink.TableStart(loc, header)
}

// Row writes one data row; it fails once the file has more than MaxRows rows.
func (g *guard) Row(loc model.Location, cells []string) error {
	g.rows++
	if g.rows > g.lim.MaxRows {
		return fmt.Errorf("%w: more than %d table rows", model.ErrLimit, g.lim.MaxRows)
	}
	n := 0
	for i, c := range cells {
		cells[i] = g.cell(c)
		n += len(cells[i])
	}
	if err := g.account(n); err != nil {
		return err
	}
	return g.sink.Row(loc, cells)
}

// validRow is Row for cells the extractor knows are valid UTF-8 (values of a JSON Lines
// line, which lineReader made valid; fields of a CSV line checked whole).
func (g *guard) validRow(loc model.Location, cells []string) error {
	g.rows++
	if g.rows > g.lim.MaxRows {
		return fmt.Errorf("%w: more than %d table rows", model.ErrLimit, g.lim.MaxRows)
	}
	n := 0
	for i, c := range cells {
		cells[i] = truncate(c, g.lim.MaxCellBytes)
		n += len(cells[i])
	}
	if err := g.account(n); err != nil {
		return err
	}
	return g.sink.Row(loc, cells)
}

// TableEnd ends the current table.
func (g *guard) TableEnd() error {
	if err := g.ctx.Err(); err != nil {
		return err
	}
	return g.sink.TableEnd()
}

// Found reports a structural detection.
func (g *guard) Found(d model.Detection) error {
	if err := g.account(0); err != nil {
		return err
	}
	return g.sink.Found(d)
}

// cell makes s valid UTF-8 (invalid bytes become U+FFFD) of at most MaxCellBytes bytes.
func (g *guard) cell(s string) string {
	if !validUTF8String(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return truncate(s, g.lim.MaxCellBytes)
}

// wrote tells whether anything has been written to the sink yet.
func (g *guard) wrote() bool { return g.calls > 0 }

// warn queues a message for the sink's Warner, if it has one.
func (g *guard) warn(format string, args ...any) {
	g.warnings = append(g.warnings, fmt.Sprintf(format, args...))
}

func (g *guard) flushWarnings() {
	w, ok := g.sink.(Warner)
	if !ok {
		return
	}
	for _, m := range g.warnings {
		w.Warn(m)
	}
}

var _ model.Sink = (*guard)(nil)

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && cut > n-utf8.UTFMax && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// byteSize renders a limit in bytes for an error message, e.g. "64 MiB".
func byteSize(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
