package detect

import (
	"strconv"
	"strings"

	"github.com/dpia-tool/dpia/assessment/evidence/model"
)

// sampleRows is how many rows are buffered to classify the columns of a table.
const sampleRows = 50

// Scanner returns a model.Sink that detects personal data in everything written to it and
// calls emit for each detection, in order. Detections reported through Found are passed on
// with a Preview filled in when the extractor left it empty (their Key stays empty: such a
// detection has no value to hash). Use one Scanner per file; a Scanner is not safe for
// concurrent use (the Detector is).
//
// The first sampleRows rows of a table are buffered until its columns are classified; their
// detections are emitted, in order, once the sample is complete or the table ends.
func (d *Detector) Scanner(emit func(model.Detection)) model.Sink {
	return &scanner{st: d.newState(), emit: emit}
}

// Counter returns a model.Sink like Scanner's that finds exactly the same detections but
// only counts them: count is called with the type of each. It builds no Detection (no keyed
// hash, no masked preview, no normalised value), which is what 'dpia scan' needs.
func (d *Detector) Counter(count func(typ string)) model.Sink {
	st := d.newState()
	st.count = true
	return &scanner{st: st, count: count}
}

var _ model.Sink = (*scanner)(nil)

type scanner struct {
	st    *state
	emit  func(model.Detection)
	count func(typ string) // set by Counter: detections are counted, not built
	tab   *table
}

// pending is a buffered row or a Found detection that arrived while rows were buffered.
type pending struct {
	loc   model.Location
	cells []string
	found *model.Detection
}

// Text implements model.Sink.
func (s *scanner) Text(loc model.Location, text string) error {
	s.flush()
	s.detect(loc, text)
	return nil
}

// detect finds the detections of text and emits or counts them.
func (s *scanner) detect(loc model.Location, text string) {
	if s.count != nil {
		s.st.countText(text, s.count)
		return
	}
	s.st.detect(loc, text, s.emit)
}

// TableStart implements model.Sink.
func (s *scanner) TableStart(loc model.Location, header []string) error {
	s.flush()
	s.tab = &table{loc: loc, header: append([]string(nil), header...)}
	return nil
}

// Row implements model.Sink. A row without TableStart starts a table without a header.
func (s *scanner) Row(loc model.Location, cells []string) error {
	if s.tab == nil {
		s.tab = &table{loc: loc}
	}
	t := s.tab
	if t.ready {
		s.row(loc, cells)
		return nil
	}
	t.pending = append(t.pending, pending{loc: loc, cells: append([]string(nil), cells...)})
	if t.rows++; t.rows >= sampleRows {
		s.flush()
	}
	return nil
}

// TableEnd implements model.Sink.
func (s *scanner) TableEnd() error {
	s.flush()
	s.tab = nil
	return nil
}

// Found implements model.Sink.
func (s *scanner) Found(d model.Detection) error {
	if s.count != nil && (s.tab == nil || s.tab.ready || len(s.tab.pending) == 0) {
		s.count(d.Type)
		return nil
	}
	if d.Preview == "" {
		d.Preview = "[" + strings.ReplaceAll(d.Type, "_", " ") + "]"
	}
	if s.tab != nil && !s.tab.ready && len(s.tab.pending) > 0 {
		s.tab.pending = append(s.tab.pending, pending{found: &d})
		return nil
	}
	s.emit(d)
	return nil
}

// flush classifies the current table from its sample and emits the buffered rows.
func (s *scanner) flush() {
	t := s.tab
	if t == nil || t.ready {
		return
	}
	t.classify(s.st)
	for _, p := range t.pending {
		if p.found != nil {
			if s.count != nil {
				s.count(p.found.Type)
			} else {
				s.emit(*p.found)
			}
			continue
		}
		s.row(p.loc, p.cells)
	}
	t.pending = nil
}

// row emits the detections of one classified row, column by column.
func (s *scanner) row(loc model.Location, cells []string) {
	t := s.tab
	for c, cell := range cells {
		col := t.column(c)
		cl := loc
		cl.Column = col.name
		switch col.kind {
		case colGroup:
			if g := t.groups[col.group]; g.first == c {
				s.group(cl, g, cells)
			}
		case colValue:
			s.cell(cl, col, trimCell(cell))
		default:
			s.text(cl, cell)
		}
	}
}

// trimCell is strings.TrimSpace, quick for a cell that has no space at either end.
func trimCell(v string) string {
	if v == "" || (v[0] > ' ' && v[0] < 0x80 && v[len(v)-1] > ' ' && v[len(v)-1] < 0x80) {
		return v
	}
	return strings.TrimSpace(v)
}

// cell emits a detection for a valid cell of a classified column, or scans it as text.
func (s *scanner) cell(loc model.Location, col *column, v string) {
	if v == "" {
		return
	}
	typ, norm, ok := cellValue(col.typ, v, s.count == nil)
	if !ok || (col.typ == "person_name" && col.conf < confHeader && !nameShaped(v)) {
		s.text(loc, v)
		return
	}
	if s.count != nil {
		s.count(typ)
		return
	}
	conf := col.conf
	switch {
	case validated[typ] && conf >= confHeader:
		conf = confColumn
	case validated[typ]:
		conf = confValidated
	}
	s.emit(model.Detection{Type: typ, Loc: loc, Confidence: conf, Preview: Mask(typ, v),
		Key: s.st.key(typ, norm)})
}

// validated are the types whose cells pass a validator rather than just being non-empty.
var validated = map[string]bool{
	"email": true, "phone": true, "kz_iin": true, "kz_bin": true, "iban": true,
	"payment_card": true, "ip_address": true,
}

// text scans a cell of an unclassified column, skipping cells that cannot hold anything.
func (s *scanner) text(loc model.Location, v string) {
	if len(v) < 3 || shortNumber(v) {
		return
	}
	s.detect(loc, v)
}

// shortNumber reports a cell of digits and number punctuation with fewer than 7 digits.
func shortNumber(v string) bool {
	digits := 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case isDigit(c):
			digits++
		case c == '.' || c == ',' || c == '-' || c == ' ' || c == '+':
		default:
			return false
		}
	}
	return digits < 7
}

// group emits the one detection of a row for a column group: name parts, a lat/lon pair, or
// the columns of a wide embedding.
func (s *scanner) group(loc model.Location, g *colGroupInfo, cells []string) {
	loc.Column = g.name
	var typ, norm, preview string
	switch g.typ {
	case "person_name":
		if s.count != nil {
			for _, c := range g.cols {
				if c < len(cells) && hasLetter(cells[c]) && !placeholder(cells[c]) {
					s.count(g.typ)
					return
				}
			}
			return
		}
		var parts []string
		for _, c := range g.cols {
			if c < len(cells) && hasLetter(cells[c]) && !placeholder(cells[c]) {
				parts = append(parts, strings.TrimSpace(cells[c]))
			}
		}
		if len(parts) == 0 {
			return
		}
		v := strings.Join(parts, " ")
		typ, norm, preview = g.typ, normText(v), maskWords(v)
	case "geo_location":
		if g.cols[0] >= len(cells) || g.cols[1] >= len(cells) {
			return
		}
		lat, ok1 := coordCell(cells[g.cols[0]], 90)
		lon, ok2 := coordCell(cells[g.cols[1]], 180)
		if !ok1 || !ok2 || !validLatLon(lat, lon) {
			return
		}
		if s.count != nil {
			s.count(g.typ)
			return
		}
		typ, norm = g.typ, geoNorm(lat, lon)
		preview = maskGeo(strconv.FormatFloat(lat, 'f', -1, 64) + ", " + strconv.FormatFloat(lon, 'f', -1, 64))
	case "face_embedding":
		end := g.cols[len(g.cols)-1] + 1
		if end > len(cells) {
			return
		}
		for _, c := range cells[g.cols[0]:end] {
			if !isFloatCell(c) {
				return
			}
		}
		if s.count != nil {
			s.count(g.typ)
			return
		}
		typ, norm = g.typ, strings.Join(cells[g.cols[0]:end], ",")
		preview = "[" + strconv.Itoa(len(g.cols)) + "-d vector]"
	}
	s.emit(model.Detection{Type: typ, Loc: loc, Confidence: g.conf, Preview: preview,
		Key: s.st.key(typ, norm)})
}
