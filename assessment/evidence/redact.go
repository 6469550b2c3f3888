package evidence

import (
	"strconv"
	"strings"

	"github.com/dpia-tool/dpia/assessment/evidence/detect"
	"github.com/dpia-tool/dpia/assessment/evidence/model"
	words "github.com/dpia-tool/dpia/assessment/evidence/terms"
)

// Redaction (Options.Redact, AddOptions.Redact) keeps the text of the full-text index with
// every detected value masked, so that the workspace database holds no raw value at all:
//
//   - text chunks are passed through the detector's MaskText before they are kept;
//   - the rows of a table are held back until the detector has reported on them (it buffers a
//     sample of rows to classify the table's columns first); every cell in which it found a
//     value is then masked: with MaskText when that finds the value in the cell, else whole
//     with detect.Mask (a name in a column recognised by its header, say). The row is then
//     kept and chunked like any text, and so also passes through MaskText.
//
// Search snippets of redacted text show masked values even with --reveal: the raw values are
// not stored.

// redactRowsHeld bounds how many table rows are held back. The detector reports on a row at
// the latest once it has sampled the table's first rows (far fewer than this), so a released
// row has had its say.
const redactRowsHeld = 1000

// heldRow is a table row waiting for its detections.
type heldRow struct {
	loc   model.Location
	cells []string
}

// redactor masks the text a collector keeps. It sees every detection of the file (before the
// KeepDetections bound) and the rows of the current table.
type redactor struct {
	det    *detect.Detector
	header []string
	held   []heldRow
	// cells are the cells (sheet, row, column) of held rows in which the detector found a
	// value, with the value's type.
	cells map[cellKey]string
}

type cellKey struct {
	sheet  string
	row    int
	column string
}

func newRedactor(det *detect.Detector) *redactor {
	return &redactor{det: det, cells: map[cellKey]string{}}
}

// text masks a chunk of text.
func (r *redactor) text(s string) string { return r.det.MaskText(s) }

// detection records where the detector found a value in a table.
func (r *redactor) detection(d model.Detection) {
	if d.Key == "" || d.Loc.Column == "" {
		return // a keyword or a structural detection: no value in the text, or not in a table
	}
	for _, col := range r.columns(d.Loc.Column) {
		r.cells[cellKey{d.Loc.Sheet, d.Loc.Row, col}] = d.Type
	}
}

// columns splits a detection's column name into the table's columns: a group of name parts
// is "first+last", a run of embedding columns "e0..e127".
func (r *redactor) columns(name string) []string {
	if a, b, ok := strings.Cut(name, ".."); ok {
		from, to := r.index(a), r.index(b)
		if from >= 0 && to >= from {
			out := make([]string, 0, to-from+1)
			for c := from; c <= to; c++ {
				out = append(out, colName(r.header, c))
			}
			return out
		}
	}
	if strings.Contains(name, "+") && r.index(name) < 0 {
		return strings.Split(name, "+")
	}
	return []string{name}
}

func (r *redactor) index(name string) int {
	for c := range r.header {
		if colName(r.header, c) == name {
			return c
		}
	}
	if n, err := strconv.Atoi(strings.TrimPrefix(name, "#")); err == nil && strings.HasPrefix(name, "#") {
		return n - 1
	}
	return -1
}

// colName names column c as the detector does: its header, or "#n" (1-based).
func colName(header []string, c int) string {
	if c < len(header) {
		if h := strings.TrimSpace(header[c]); h != "" {
			return h
		}
	}
	return "#" + strconv.Itoa(c+1)
}

// startTable begins a table.
func (r *redactor) startTable(header []string) {
	r.header = append([]string(nil), header...)
	clear(r.cells)
}

// hold keeps a row back until its detections are known; it returns true when the rows
// should be released because too many are held.
func (r *redactor) hold(loc model.Location, cells []string) bool {
	r.held = append(r.held, heldRow{loc: loc, cells: append([]string(nil), cells...)})
	return len(r.held) >= redactRowsHeld
}

// release masks the held rows and hands each to keep, in order.
func (r *redactor) release(keep func(model.Location, string)) {
	for _, h := range r.held {
		masked := make([]string, len(h.cells))
		for c, cell := range h.cells {
			typ, ok := r.cells[cellKey{h.loc.Sheet, h.loc.Row, colName(r.header, c)}]
			if ok && strings.TrimSpace(cell) != "" {
				if m := r.det.MaskText(cell); m != cell {
					cell = m
				} else {
					cell = detect.Mask(typ, cell)
				}
			}
			masked[c] = cell
		}
		keep(h.loc, strings.Join(masked, " | "))
	}
	r.held = r.held[:0]
	clear(r.cells)
}

// highlight marks, with markOpen and markClose, the words of a snippet that match the
// words of a query (case-insensitively; a query word ending in * as a prefix). Snippets are
// masked before they are highlighted, so that marks never split a value the detector would
// otherwise recognise (an e-mail address whose local part matched, say).
func highlight(snippet, query string) string {
	terms := queryTerms(query)
	if len(terms) == 0 {
		return snippet
	}
	var b strings.Builder
	rs := []rune(snippet)
	for i := 0; i < len(rs); {
		if !words.IsWordRune(rs[i]) {
			b.WriteRune(rs[i])
			i++
			continue
		}
		j := i
		for j < len(rs) && words.IsWordRune(rs[j]) {
			j++
		}
		tok := string(rs[i:j])
		low := strings.ToLower(tok)
		match := false
		for _, t := range terms {
			if low == t.word || (t.prefix && strings.HasPrefix(low, t.word)) {
				match = true
				break
			}
		}
		if match {
			b.WriteString(markOpen + tok + markClose)
		} else {
			b.WriteString(tok)
		}
		i = j
	}
	return b.String()
}

// redactText keeps a line of text after the detector has seen it (which releases any held
// rows: the detector finishes a table's sample before it reads text).
func (c *collector) redactText(loc model.Location, text string) error {
	err := c.scan.Text(loc, text)
	c.red.release(c.add)
	c.add(loc, text)
	return err
}

// redactTableStart ends a table left open, then starts holding the rows of the new one.
func (c *collector) redactTableStart(loc model.Location, header []string) error {
	err := c.scan.TableStart(loc, header)
	c.red.release(c.add)
	c.flush()
	c.header = header
	c.red.startTable(header)
	c.add(loc, strings.Join(header, " | "))
	return err
}

// redactRow holds a row back until the detector has spoken about it.
func (c *collector) redactRow(loc model.Location, cells []string) error {
	full := c.red.hold(loc, cells)
	err := c.scan.Row(loc, cells)
	if full {
		c.red.release(c.add)
	}
	return err
}

// redactTableEnd releases the table's rows once the detector has classified it.
func (c *collector) redactTableEnd() error {
	err := c.scan.TableEnd()
	c.red.release(c.add)
	c.flush()
	return err
}

// finish keeps what is left of the file's text: held rows (when extraction stopped inside
// a table), then the last chunk.
func (c *collector) finish() {
	if c.red != nil {
		c.red.release(c.add)
	}
	c.flush()
}
