package evidence

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"

	"github.com/dpia-tool/dpia/assessment/evidence/model"
)

// Query is a full-text search over an assessment's evidence.
type Query struct {
	Text     string   // the user's words; never passed raw to FTS5
	Types    []string // only files with detections of these types
	File     string   // only this file (display path)
	PathGlob string   // only files whose path matches this glob (e.g. "samples/*.csv")
	Limit    int      // default 50
	Reveal   bool     // show detected values unmasked
}

// Hit is one matching piece of text.
type Hit struct {
	Path     string         `json:"path"`
	Loc      model.Location `json:"location"`
	Snippet  string         `json:"snippet"` // matches in [brackets]; detected values masked unless revealed
	Types    []string       `json:"types"`   // detection types found in the file
	Segments []Segment      `json:"-"`
	Rank     float64        `json:"rank"`
}

// Segment is part of a snippet; Match marks the words that matched the query.
type Segment struct {
	Text  string
	Match bool
}

const (
	markOpen  = "\x02"
	markClose = "\x03"
)

// FTSQuery turns what a user typed into a safe FTS5 query: every word becomes a quoted
// string (quotes doubled), all words must match, and a word ending in * matches as a prefix.
// Operators, column filters and stray quotes in the input are only ever searched for as text.
func FTSQuery(text string) string {
	var parts []string
	for _, word := range strings.FieldsFunc(text, querySeparator) {
		prefix := strings.HasSuffix(word, "*")
		word = strings.Trim(word, "*")
		if !hasWordChar(word) {
			continue
		}
		q := `"` + strings.ReplaceAll(word, `"`, `""`) + `"`
		if prefix {
			q += "*"
		}
		parts = append(parts, q)
	}
	return strings.Join(parts, " ")
}

// querySeparator separates the words of a query: spaces, quotes and control characters (FTS5
// reads its query as a C string, so a NUL byte inside a quoted word would end it).
func querySeparator(r rune) bool { return unicode.IsSpace(r) || r == '"' || unicode.IsControl(r) }

func hasWordChar(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// Search finds evidence text matching the query, best first (bm25).
func (ix *Index) Search(ctx context.Context, id string, q Query) ([]Hit, error) {
	match := FTSQuery(q.Text)
	if match == "" {
		return nil, nil
	}
	if q.Limit <= 0 {
		q.Limit = 50
	}
	sqlText := `SELECT f.path, f.counts, t.loc, snippet(evidence_text, 0, '', '', '…', 16), bm25(evidence_text)
		FROM evidence_text t JOIN evidence_files f ON f.id = t.file_id
		WHERE evidence_text MATCH ? AND f.assessment_id = ?`
	args := []any{match, id}
	if q.File != "" {
		sqlText += ` AND f.path = ?`
		args = append(args, q.File)
	}
	if q.PathGlob != "" {
		sqlText += ` AND f.path GLOB ?`
		args = append(args, q.PathGlob)
	}
	if len(q.Types) > 0 {
		sqlText += ` AND EXISTS (SELECT 1 FROM evidence_detections d WHERE d.file_id = f.id AND d.type IN (?` + strings.Repeat(", ?", len(q.Types)-1) + `))`
		for _, t := range q.Types {
			args = append(args, t)
		}
	}
	sqlText += ` ORDER BY bm25(evidence_text), f.path LIMIT ?`
	args = append(args, q.Limit)
	rows, err := ix.db.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, fmt.Errorf("search evidence: %w", err)
	}
	defer rows.Close()
	var out []Hit
	for rows.Next() {
		var h Hit
		var counts, loc, snip string
		if err := rows.Scan(&h.Path, &counts, &loc, &snip, &h.Rank); err != nil {
			return nil, err
		}
		var c map[string]int
		_ = json.Unmarshal([]byte(counts), &c)
		h.Types = SortedTypes(c)
		_ = json.Unmarshal([]byte(loc), &h.Loc)
		if !q.Reveal {
			snip = maskDigitRuns(ix.det.MaskText(snip))
		}
		snip = highlight(snip, q.Text) // after masking: marks must not split a value
		h.Segments = segments(snip)
		h.Snippet = strings.NewReplacer(markOpen, "[", markClose, "]", "\n", " ").Replace(snip)
		out = append(out, h)
	}
	return out, rows.Err()
}

func segments(s string) []Segment {
	var out []Segment
	match := false
	for len(s) > 0 {
		mark := markOpen
		if match {
			mark = markClose
		}
		i := strings.Index(s, mark)
		if i < 0 {
			out = append(out, Segment{Text: s, Match: match})
			break
		}
		if i > 0 {
			out = append(out, Segment{Text: s[:i], Match: match})
		}
		s = s[i+len(mark):]
		match = !match
	}
	return out
}

// maskDigitRuns masks what the detector cannot recognise in a snippet: a long run of digits
// (a phone or an identifier cut in half by the snippet's edge, an account number without a
// check digit). In a run of digits, spaces, dashes, dots, slashes, brackets and + holding at
// least seven digits, every digit after the first two becomes '*'.
func maskDigitRuns(s string) string {
	rs := []rune(s)
	isRun := func(r rune) bool {
		return (r >= '0' && r <= '9') || strings.ContainsRune(" +-()./", r)
	}
	for i := 0; i < len(rs); {
		if rs[i] < '0' || rs[i] > '9' {
			i++
			continue
		}
		j, digits := i, 0
		for j < len(rs) && isRun(rs[j]) {
			if rs[j] >= '0' && rs[j] <= '9' {
				digits++
			}
			j++
		}
		if digits >= 7 {
			seen := 0
			for k := i; k < j; k++ {
				if rs[k] >= '0' && rs[k] <= '9' {
					if seen >= 2 {
						rs[k] = '*'
					}
					seen++
				}
			}
		}
		i = j
	}
	return string(rs)
}
