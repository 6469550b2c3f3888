package detect

import (
	"strconv"
	"strings"

	"github.com/dpia-tool/dpia/assessment/evidence/model"
)

// colKind is how the cells of a column are counted.
type colKind uint8

const (
	colText  colKind = iota // scanned as text
	colValue                // each valid cell is one detection of the column's type
	colGroup                // part of a group that gives one detection per row
)

type column struct {
	name  string
	kind  colKind
	typ   string
	conf  float64
	group int
}

// colGroupInfo joins columns that make one value per row: first/last/middle name, a
// latitude with a longitude, the 128 or 512 columns of a wide embedding.
type colGroupInfo struct {
	typ   string
	name  string
	cols  []int
	first int
	conf  float64
}

// table is the state of the table being scanned.
type table struct {
	loc     model.Location
	header  []string
	cols    []column
	groups  []*colGroupInfo
	pending []pending
	rows    int
	ready   bool
}

// column returns column c, adding text columns for rows wider than the sample.
func (t *table) column(c int) *column {
	for len(t.cols) <= c {
		t.cols = append(t.cols, column{name: colName(t.header, len(t.cols))})
	}
	return &t.cols[c]
}

// colName is the header of column c, or "#n" (1-based) when it has none.
func colName(header []string, c int) string {
	if c < len(header) {
		if h := strings.TrimSpace(header[c]); h != "" {
			return h
		}
	}
	return "#" + strconv.Itoa(c+1)
}

// classify decides what every column holds, from its header and from the sampled rows.
func (t *table) classify(st *state) {
	t.ready = true
	width := len(t.header)
	var sample [][]string
	for _, p := range t.pending {
		if p.found == nil {
			sample = append(sample, p.cells)
			width = max(width, len(p.cells))
		}
	}
	t.cols = t.cols[:0]
	if width > 0 {
		t.column(width - 1)
	}
	runs, conf := embeddingRuns(t.header), confHeader
	if len(runs) == 0 {
		runs, conf = floatRuns(sample, width), confVote
	}
	for _, r := range runs {
		t.addGroup("face_embedding", conf, seq(r[0], r[1]))
	}
	var nameParts []int
	lat, lon := -1, -1
	for c := range t.cols {
		switch t.classifyColumn(st, sample, c) {
		case hintNamePart:
			nameParts = append(nameParts, c)
		case hintLat:
			lat = keepFirst(lat, c)
		case hintLon:
			lon = keepFirst(lon, c)
		}
	}
	if len(nameParts) > 0 {
		t.addGroup("person_name", confHeader, nameParts)
	}
	if lat >= 0 && lon >= 0 {
		t.addGroup("geo_location", confHeader, []int{lat, lon})
	}
}

// classifyColumn classifies column c by its header, a special-category keyword in its header,
// or a vote over its sampled cells. It returns the group hints (name part, latitude,
// longitude) for classify to join.
func (t *table) classifyColumn(st *state, sample [][]string, c int) string {
	col := &t.cols[c]
	if col.kind == colGroup {
		return ""
	}
	hint := ""
	if c < len(t.header) {
		hint = headerHint(t.header[c])
	}
	if hint == "" {
		if typ := specialHeader(st, t.header, c); typ != "" {
			col.kind, col.typ, col.conf = colValue, typ, confVote
			return ""
		}
	}
	switch hint {
	case hintNamePart, hintLat, hintLon:
		return hint
	case "", hintWeakName, hintVector:
		if typ := vote(columnCells(sample, c), hint == hintWeakName); typ != "" {
			col.kind, col.typ, col.conf = colValue, typ, confVote
			if hint == hintVector && typ == "face_embedding" {
				col.conf = confHeader
			}
		}
	default:
		col.kind, col.typ, col.conf = colValue, hint, confHeader
	}
	return ""
}

// specialHeader returns the special category of a header that names one by a keyword
// ("ВИЧ-статус", "diagnosis_code", "religious_affiliation"), or "".
func specialHeader(st *state, header []string, c int) string {
	if c >= len(header) || header[c] == "" {
		return ""
	}
	st.find(normHeader(header[c]))
	for _, s := range st.spans {
		if isSpecialType(s.typ) {
			return s.typ
		}
	}
	return ""
}

func isSpecialType(typ string) bool {
	switch typ {
	case "health", "religion", "ethnicity", "political_opinion", "sexual_orientation":
		return true
	}
	return false
}

func keepFirst(cur, c int) int {
	if cur >= 0 {
		return cur
	}
	return c
}

// addGroup makes columns cols one group.
func (t *table) addGroup(typ string, conf float64, cols []int) {
	g := &colGroupInfo{typ: typ, cols: cols, first: cols[0], conf: conf}
	names := make([]string, len(cols))
	for i, c := range cols {
		g.first = min(g.first, c)
		names[i] = t.cols[c].name
		t.cols[c].kind, t.cols[c].group = colGroup, len(t.groups)
	}
	if typ == "face_embedding" {
		g.name = names[0] + ".." + names[len(names)-1]
	} else {
		g.name = strings.Join(names, "+")
	}
	t.groups = append(t.groups, g)
}

func seq(from, to int) []int {
	s := make([]int, 0, to-from)
	for i := from; i < to; i++ {
		s = append(s, i)
	}
	return s
}

// columnCells returns the sampled cells of column c.
func columnCells(sample [][]string, c int) []string {
	cells := make([]string, 0, len(sample))
	for _, row := range sample {
		if c < len(row) {
			cells = append(cells, row[c])
		}
	}
	return cells
}
