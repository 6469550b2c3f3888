package evidence

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dpia-tool/dpia/assessment/evidence/model"
	words "github.com/dpia-tool/dpia/assessment/evidence/terms"
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

// FTSQuery turns what a user typed into a safe FTS5 query: every word is folded as the index
// folds text (package terms) and becomes a quoted string (a word the index splits in several,
// like "e-mail", a phrase of them), all words must match, and a word ending in * matches as a
// prefix. Operators, column filters and stray quotes in the input are only ever searched for
// as text.
func FTSQuery(text string) string {
	var parts []string
	for _, word := range strings.FieldsFunc(text, querySeparator) {
		prefix := strings.HasSuffix(word, "*")
		folded := string(words.Append(nil, word))
		if folded == "" {
			continue
		}
		q := `"` + folded + `"` // folded words hold no quote
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

// maxRanked bounds how many matching chunks a query ranks: a word found in most of a
// gigabyte of evidence would otherwise have every one of its chunks scored before the first
// hit is shown. Past the bound, the hits are the best of the first maxRanked matching chunks
// of the assessment in index order (see docs/benchmarks.md).
var maxRanked = 1000

// Search finds evidence text matching the query, best first (bm25).
//
// The query ranks the matching chunks of the assessment (at most maxRanked of them) reading
// only their rowid, rank and file, keeps the best Limit, and only then reads the location and
// text of those few to cut their snippets: SQLite evaluates every selected column before
// sorting, so selecting the snippet in the ranked query built one for every match. A chunk's
// file is found from its rowid through the rowid range each file records
// (evidence_files_by_text): reading file_id from the full-text content table meant reading
// past the chunk's text. A search in one file reads only that file's rowids.
func (ix *Index) Search(ctx context.Context, id string, q Query) ([]Hit, error) {
	match := FTSQuery(q.Text)
	if match == "" {
		return nil, nil
	}
	if q.Limit <= 0 {
		q.Limit = 50
	}
	where := `evidence_words MATCH ?1 AND f.assessment_id = ?2`
	args := []any{match, id, q.Limit, maxRanked}
	if q.File != "" {
		var first, last sql.NullInt64
		err := ix.db.QueryRowContext(ctx, `SELECT text_first, text_last FROM evidence_files WHERE assessment_id = ? AND path = ?`,
			id, q.File).Scan(&first, &last)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return nil, fmt.Errorf("no evidence file %q in assessment %s (see 'dpia evidence list')", q.File, id)
		case err != nil:
			return nil, fmt.Errorf("search evidence: %w", err)
		}
		args = append(args, q.File)
		where += fmt.Sprintf(` AND f.path = ?%d`, len(args))
		if first.Valid && last.Valid {
			args = append(args, first.Int64, last.Int64)
			where += fmt.Sprintf(` AND t.rowid BETWEEN ?%d AND ?%d`, len(args)-1, len(args))
		}
	}
	if q.PathGlob != "" {
		args = append(args, q.PathGlob)
		where += fmt.Sprintf(` AND f.path GLOB ?%d`, len(args))
	}
	if len(q.Types) > 0 {
		var ps []string
		for _, t := range q.Types {
			args = append(args, t)
			ps = append(ps, fmt.Sprintf("?%d", len(args)))
		}
		// A file's counts (exact, by type) say whether it holds a type; they are read with
		// the file already, where its detections would have to be decoded.
		where += ` AND EXISTS (SELECT 1 FROM json_each(f.counts) c WHERE c.value > 0 AND c.key IN (` + strings.Join(ps, ", ") + `))`
	}
	sqlText := `WITH matched AS MATERIALIZED (
			SELECT t.rowid AS id, t.rank AS rank, f.path AS path, f.counts AS counts
			FROM evidence_words t JOIN evidence_files f ON f.id = (SELECT x.id FROM evidence_files x
				WHERE x.text_first <= t.rowid AND x.text_first <= x.text_last ORDER BY x.text_first DESC LIMIT 1)
			WHERE ` + where + ` AND t.rowid <= f.text_last LIMIT ?4),
		best AS MATERIALIZED (SELECT id, rank, path, counts FROM matched ORDER BY rank, path, id LIMIT ?3)
		SELECT best.path, best.counts, c.loc, c.text, best.rank
		FROM best JOIN evidence_chunks c ON c.id = best.id
		ORDER BY best.rank, best.path, best.id`
	rows, err := ix.db.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, fmt.Errorf("search evidence: %w", err)
	}
	defer rows.Close()
	terms := queryTerms(q.Text)
	var out []Hit
	for rows.Next() {
		var h Hit
		var counts, loc, text string
		if err := rows.Scan(&h.Path, &counts, &loc, &text, &h.Rank); err != nil {
			return nil, err
		}
		snip, at := snippet(text, terms, snippetTokens)
		var c map[string]int
		_ = json.Unmarshal([]byte(counts), &c)
		h.Types = SortedTypes(c)
		var cl ChunkLoc
		_ = json.Unmarshal([]byte(loc), &cl)
		h.Loc = cl.At(strings.Count(text[:at], "\n")) // the line of the chunk the match is on
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

// snippetTokens is how many words a snippet shows.
const snippetTokens = 16

// term is a word of a query; prefix when it ended in *.
type term struct {
	word   string
	prefix bool
}

// queryTerms splits a query into the words the full-text index matches (as FTSQuery and the
// unicode61 tokenizer do), lower-cased.
func queryTerms(query string) []term {
	var terms []term
	for _, word := range strings.FieldsFunc(query, querySeparator) {
		prefix := strings.HasSuffix(word, "*")
		tokens := strings.FieldsFunc(word, func(r rune) bool { return !words.IsWordRune(r) })
		for i, tok := range tokens {
			terms = append(terms, term{strings.ToLower(tok), prefix && i == len(tokens)-1})
		}
	}
	return terms
}

// snippet cuts, from the line of text that holds the most query words, the window of n words
// that holds the most of them (the most different ones first, then the most, then the
// earliest), from the original text between them, with "…" where the line goes on. It
// replaces FTS5's snippet(), which tokenised each chunk again in SQLite and, being an
// auxiliary function, needed a second MATCH per hit; words are compared ignoring case (the
// index also folds diacritics, so a word matched only through that opens the window at the
// start of the first line).
//
// at is the byte offset in text of the first query word in the window (of the window when it
// holds none), which places the hit on its line of the chunk.
func snippet(text string, terms []term, n int) (snip string, at int) {
	type token struct {
		start, end int
		term       int // index of the query word it matches, or -1
	}
	var toks []token
	start := -1
	end := func(j int) {
		t := token{start: start, end: j, term: -1}
		w := text[start:j]
		for k, qt := range terms {
			// Upper and lower case take as many bytes in the scripts that matter here, so
			// the length rules out most words before folding.
			if qt.prefix && len(w) >= len(qt.word) && hasPrefixFold(w, qt.word) ||
				len(w) == len(qt.word) && strings.EqualFold(w, qt.word) {
				t.term = k
				break
			}
		}
		toks = append(toks, t)
		start = -1
	}
	for i, r := range text {
		switch in := words.IsWordRune(r); {
		case in && start < 0:
			start = i
		case !in && start >= 0:
			end(i)
		}
	}
	if start >= 0 {
		end(len(text))
	}
	// A chunk holds one entry per line (a line of text, a table row): the snippet is cut from
	// the line with the most different query words, then the most, then the earliest, so that
	// it never runs one row into the next.
	line := func(i int) (lo, hi int) { // the tokens of the line of token i
		ls := strings.LastIndexByte(text[:toks[i].start], '\n') + 1
		le := len(text)
		if k := strings.IndexByte(text[toks[i].end:], '\n'); k >= 0 {
			le = toks[i].end + k
		}
		for lo = i; lo > 0 && toks[lo-1].start >= ls; lo-- {
		}
		for hi = i + 1; hi < len(toks) && toks[hi].end <= le; hi++ {
		}
		return lo, hi
	}
	if len(toks) == 0 {
		return text, 0
	}
	// score counts the different query words of ts and all of them, weighted so that one
	// more different word outweighs any number of repeats.
	seen := make([]bool, len(terms))
	score := func(ts []token) (int, int) {
		clear(seen)
		distinct, hits := 0, 0
		for _, w := range ts {
			if w.term >= 0 {
				hits++
				if !seen[w.term] {
					seen[w.term] = true
					distinct++
				}
			}
		}
		return distinct*(len(text)+1) + hits, hits // a text has fewer words than bytes
	}
	lo, hi := line(0)
	bestScore := -1
	for i := 0; i < len(toks); {
		l, h := line(i)
		if sc, hits := score(toks[l:h]); hits > 0 && sc > bestScore {
			lo, hi, bestScore = l, h, sc
		}
		i = h
	}
	lineStart := strings.LastIndexByte(text[:toks[lo].start], '\n') + 1
	lineEnd := len(text)
	if k := strings.IndexByte(text[toks[hi-1].end:], '\n'); k >= 0 {
		lineEnd = toks[hi-1].end + k
	}
	// The window of n words within that line that holds the most query words.
	toks = toks[lo:hi]
	best, bestScore := 0, -1
	if len(toks) > n {
		for i, t := range toks {
			if t.term < 0 {
				continue
			}
			start := min(max(i-2, 0), len(toks)-n) // a little context before the first match
			if sc, _ := score(toks[start : start+n]); sc > bestScore {
				best, bestScore = start, sc
			}
		}
	}
	from, to := lineStart, lineEnd
	prefix, suffix := "", "" // where the line goes on beyond the window
	if best > 0 {
		from, prefix = toks[best].start, "…"
	}
	if best+n < len(toks) {
		to, suffix = toks[best+n-1].end, "…"
	}
	at = from
	for _, t := range toks[best:min(len(toks), best+n)] {
		if t.term >= 0 {
			at = t.start
			break
		}
	}
	return prefix + strings.TrimSpace(text[from:to]) + suffix, at
}

// hasPrefixFold reports whether s begins with prefix, ignoring case.
func hasPrefixFold(s, prefix string) bool {
	for _, p := range prefix {
		r, size := utf8.DecodeRuneInString(s)
		if s == "" || (r != p && unicode.ToLower(r) != unicode.ToLower(p)) {
			return false
		}
		s = s[size:]
	}
	return true
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
