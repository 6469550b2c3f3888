package evidence

import (
	"strconv"
	"strings"

	"github.com/dpia-tool/dpia/assessment/evidence/model"
)

// ChunkLoc is where a chunk of indexed text starts, and how to find each of its lines: what
// the loc column of evidence_chunks holds. Steps lists, for every line after the first, how
// many lines, rows and pages further it is than the line before, run-length encoded: "1.1x38"
// is 38 lines each one line and one row further; "1x9 3 1x4" nine consecutive lines, a gap
// of two blank ones, four more; "0.0.1" the next page. Mixed is set when a line's sheet or
// column differs from the first line's (the values of a JSON document, each with its key
// path): a later line's column is then unknown. Chunks indexed before steps were recorded
// have none; their hits are placed at the chunk's start.
type ChunkLoc struct {
	model.Location
	Steps string `json:"steps,omitempty"`
	Mixed bool   `json:"mixed,omitempty"`
}

// At returns the location of line k (0-based) of the chunk.
func (c ChunkLoc) At(k int) model.Location {
	loc := c.Location
	if k <= 0 {
		return loc
	}
	if c.Steps == "" {
		return loc // no steps recorded: the chunk's start is all that is known
	}
	if c.Mixed {
		loc.Sheet, loc.Column = "", ""
	}
	for run := range strings.FieldsSeq(c.Steps) {
		step, times := run, 1
		if i := strings.IndexByte(run, 'x'); i >= 0 {
			n, err := strconv.Atoi(run[i+1:])
			if err != nil || n < 1 {
				return c.Location
			}
			step, times = run[:i], n
		}
		var d [3]int // line, row, page
		for i, part := range strings.SplitN(step, ".", 3) {
			n, err := strconv.Atoi(part)
			if err != nil {
				return c.Location
			}
			d[i] = n
		}
		n := min(times, k)
		loc.Line += n * d[0]
		loc.Row += n * d[1]
		loc.Page += n * d[2]
		if k -= n; k == 0 {
			return loc
		}
	}
	return c.Location // fewer steps than lines: not trusted
}

// chunkSteps builds ChunkLoc.Steps while a chunk is filled.
type chunkSteps struct {
	b     []byte
	d     [3]int // the step of the pending run: lines, rows, pages
	n     int    // its length
	mixed bool
}

func (s *chunkSteps) reset() { s.b, s.n, s.mixed = s.b[:0], 0, false }

// add records a line at loc after one at prev, in a chunk that began at first.
func (s *chunkSteps) add(first, prev, loc model.Location) {
	if loc.Sheet != first.Sheet || loc.Column != first.Column {
		s.mixed = true
	}
	d := [3]int{loc.Line - prev.Line, loc.Row - prev.Row, loc.Page - prev.Page}
	if s.n > 0 && d == s.d {
		s.n++
		return
	}
	s.endRun()
	s.d, s.n = d, 1
}

func (s *chunkSteps) endRun() {
	if s.n == 0 {
		return
	}
	if len(s.b) > 0 {
		s.b = append(s.b, ' ')
	}
	last := 0 // trailing zero deltas are left out
	for i, v := range s.d {
		if v != 0 {
			last = i
		}
	}
	for i := 0; i <= last; i++ {
		if i > 0 {
			s.b = append(s.b, '.')
		}
		s.b = strconv.AppendInt(s.b, int64(s.d[i]), 10)
	}
	if s.n > 1 {
		s.b = append(s.b, 'x')
		s.b = strconv.AppendInt(s.b, int64(s.n), 10)
	}
	s.n = 0
}

// loc ends the chunk: its start with the steps to each further line.
func (s *chunkSteps) loc(start model.Location) ChunkLoc {
	s.endRun()
	return ChunkLoc{Location: start, Steps: string(s.b), Mixed: s.mixed}
}
