package extract

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/dpia-tool/dpia/assessment/evidence/model"
)

// extractCSV writes a CSV or TSV file as one table. The delimiter (',', ';', tab or '|') is
// sniffed from the first lines; the first record is the header when it looks like one
// (distinct non-numeric names), else the header is empty and it is row 1. Rows carry their
// 1-based data row number and the line they start on. A malformed record is skipped and
// counted; an unclosed quote is neutralised so it cannot swallow the rest of the file.
func extractCSV(ctx context.Context, f *file, g *guard, lim Limits) error {
	r, _, err := openText(f)
	if err != nil {
		return err
	}
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(64 << 10)
	def := ','
	if f.kind == KindTSV {
		def = '\t'
	}
	comma := sniffDelimiter(head, def)
	src := &recordSource{br: br, comma: byte(comma), max: max(lim.MaxCellBytes*4, 1<<20)}
	cr := newCSVRecords(src, comma)
	t := &csvTable{g: g}
	for {
		line, rec, valid, err := cr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if pe := (*csv.ParseError)(nil); errors.As(err, &pe) {
				t.malformed(pe.StartLine)
				continue
			}
			return fmt.Errorf("read CSV: %w", err)
		}
		if err := t.record(line, rec, valid); err != nil {
			return err
		}
	}
	if src.fixed > 0 {
		g.warn("neutralised %d unclosed CSV quotes (first at line %d)", src.fixed, src.firstFixed)
	}
	return t.end()
}

// csvTable turns records into TableStart and Row calls.
type csvTable struct {
	g        *guard
	started  bool
	rows     int
	bad      int
	firstBad int
}

// record writes one record; valid tells that its cells are known to be valid UTF-8.
func (t *csvTable) record(line int, rec []string, valid bool) error {
	if !t.started {
		t.started = true
		if looksHeader(rec) {
			return t.g.TableStart(model.Location{Line: line}, append([]string(nil), rec...))
		}
		if err := t.g.TableStart(model.Location{}, nil); err != nil {
			return err
		}
	}
	t.rows++
	if valid {
		return t.g.validRow(model.Location{Line: line, Row: t.rows}, rec)
	}
	return t.g.Row(model.Location{Line: line, Row: t.rows}, rec)
}

func (t *csvTable) malformed(line int) {
	if t.bad == 0 {
		t.firstBad = line
	}
	t.bad++
}

func (t *csvTable) end() error {
	if t.bad > 0 {
		t.g.warn("skipped %d malformed CSV records (first at line %d)", t.bad, t.firstBad)
	}
	if !t.started {
		return nil
	}
	return t.g.TableEnd()
}

// looksHeader tells whether a first record names columns: every cell has a letter, is short,
// is no e-mail address and is not a number, and no two cells are equal.
func looksHeader(rec []string) bool {
	if len(rec) == 0 {
		return false
	}
	seen := make(map[string]bool, len(rec))
	for _, c := range rec {
		c = strings.ToLower(strings.TrimSpace(c))
		if c == "" || len(c) > 100 || seen[c] || strings.ContainsRune(c, '@') {
			return false
		}
		if strings.IndexFunc(c, unicode.IsLetter) < 0 || isNumber(c) {
			return false
		}
		seen[c] = true
	}
	return true
}

// isNumber tells whether s reads as a number, including "1e5", "NaN" and "Inf".
func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

// delimiters are the candidates sniffDelimiter chooses from, in order of preference.
var delimiters = []rune{',', ';', '\t', '|'}

// sniffDelimiter picks the delimiter that occurs the same number of times (at least once) on
// the most of the first ten lines; the default wins when it is consistent on every line.
func sniffDelimiter(head []byte, def rune) rune {
	lines := strings.Split(string(head), "\n")
	if len(lines) > 1 {
		lines = lines[:len(lines)-1] // the last may be cut
	}
	lines = lines[:min(len(lines), 10)]
	best, bestScore := def, 0
	for _, d := range delimiters {
		freq, mode := delimiterScore(lines, d)
		if d == def && freq == len(lines) && mode > 0 {
			return d
		}
		if score := freq*1000 + mode; mode > 0 && score > bestScore {
			best, bestScore = d, score
		}
	}
	return best
}

// delimiterScore returns the most common count of d outside quotes per line, and on how many
// lines it occurs.
func delimiterScore(lines []string, d rune) (freq, mode int) {
	counts := map[int]int{}
	for _, l := range lines {
		n, quoted := 0, false
		for _, r := range l {
			switch {
			case r == '"':
				quoted = !quoted
			case r == d && !quoted:
				n++
			}
		}
		counts[n]++
	}
	for n, c := range counts {
		if n > 0 && (c > freq || c == freq && n > mode) {
			freq, mode = c, n
		}
	}
	return freq, mode
}
