package evidence

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/dpia-tool/dpia/assessment/evidence/model"
)

func TestChunkSteps(t *testing.T) {
	L := func(line, row int) model.Location { return model.Location{Line: line, Row: row} }
	tests := []struct {
		name  string
		locs  []model.Location
		steps string
		mixed bool
	}{
		{"one line", []model.Location{L(7, 0)}, "", false},
		{"a header then rows", []model.Location{L(1, 0), L(2, 1), L(3, 2), L(4, 3)}, "1.1x3", false},
		{"lines with a gap of blank lines", []model.Location{L(1, 0), L(2, 0), L(3, 0), L(6, 0), L(7, 0)}, "1x2 3 1", false},
		{"a quoted cell over three lines", []model.Location{L(10, 9), L(11, 10), L(14, 11), L(15, 12)}, "1.1 3.1 1.1", false},
		{"pages", []model.Location{{Page: 1}, {Page: 1}, {Page: 2}, {Page: 2}}, "0 0.0.1 0", false},
		{"JSON values, each with its key path", []model.Location{{Column: "a"}, {Column: "b.c"}, {Column: "b.d"}}, "0x2", true},
		{"a long line cut in pieces", []model.Location{L(5, 0), L(5, 0), L(5, 0), L(6, 0)}, "0x2 1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Built as the collector does: each line relative to the one before.
			var s chunkSteps
			for i := 1; i < len(tt.locs); i++ {
				s.add(tt.locs[0], tt.locs[i-1], tt.locs[i])
			}
			cl := s.loc(tt.locs[0])
			if cl.Steps != tt.steps || cl.Mixed != tt.mixed {
				t.Fatalf("steps %q mixed %v, want %q %v", cl.Steps, cl.Mixed, tt.steps, tt.mixed)
			}
			for k, want := range tt.locs {
				if tt.mixed && k > 0 {
					want.Column, want.Sheet = "", ""
				}
				if got := cl.At(k); got != want {
					t.Errorf("At(%d) = %+v, want %+v", k, got, want)
				}
			}
		})
	}
}

func TestChunkLocAtUntrusted(t *testing.T) {
	start := model.Location{Line: 3, Row: 2, Column: "email"}
	for _, steps := range []string{"", "x", "1x0", "1x-2", "a.b", "1.1.1.1", "1x2"} {
		cl := ChunkLoc{Location: start, Steps: steps}
		// Line 5 is past what any of these describes (or they do not parse): the start.
		if got := cl.At(5); got != start {
			t.Errorf("steps %q: At(5) = %+v, want the chunk's start", steps, got)
		}
	}
	if got := (ChunkLoc{Location: start, Steps: "1.1x9"}).At(4); got != (model.Location{Line: 7, Row: 6, Column: "email"}) {
		t.Errorf("At(4) = %+v", got)
	}
}

// TestChunkStepsRoundTrip: for random runs of locations, every line is found again.
func TestChunkStepsRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		locs := []model.Location{{Line: 1 + r.IntN(100), Row: r.IntN(50), Page: r.IntN(3)}}
		for range r.IntN(60) {
			p := locs[len(locs)-1]
			switch r.IntN(4) {
			case 0:
				p.Line++
			case 1:
				p.Line, p.Row = p.Line+1, p.Row+1
			case 2:
				p.Line += r.IntN(5)
			default:
				p.Page++
			}
			locs = append(locs, p)
		}
		var s chunkSteps
		for i := 1; i < len(locs); i++ {
			s.add(locs[0], locs[i-1], locs[i])
		}
		cl := s.loc(locs[0])
		for k, want := range locs {
			if got := cl.At(k); got != want {
				t.Fatalf("steps %q: At(%d) = %+v, want %+v", cl.Steps, k, got, want)
			}
		}
	}
}

// FuzzChunkLocAt: a stored steps string never panics, whatever it holds.
func FuzzChunkLocAt(f *testing.F) {
	for _, s := range []string{"", "1.1x38", "1x9 3 1x4", "0.0.1", "x", "1x", "-1.-1x99999999999999999999"} {
		f.Add(s, 10)
	}
	f.Fuzz(func(t *testing.T, steps string, k int) {
		_ = ChunkLoc{Location: model.Location{Line: 1}, Steps: steps, Mixed: k%2 == 0}.At(k % 100000)
	})
}

// TestSearchHitLocation: a hit is placed on the line (and row) its match is on, not at the
// start of the chunk that holds it — in prose with blank lines, in a CSV with a cell over two
// lines, in an XLSX-like table (no line numbers), and with redaction.
func TestSearchHitLocation(t *testing.T) {
	var prose, csv strings.Builder
	for i := 1; i <= 400; i++ {
		fmt.Fprintf(&prose, "строка %d обычного текста договора поставки\n", i)
		if i%7 == 0 {
			prose.WriteString("\n\n") // two blank lines: line numbers skip
		}
	}
	csv.WriteString("id,comment\n")
	for i := 1; i <= 300; i++ {
		if i == 100 {
			fmt.Fprintf(&csv, "%d,\"first line\nsecond line\"\n", i) // one row over two lines
			continue
		}
		fmt.Fprintf(&csv, "%d,comment number%d\n", i, i)
	}
	root := writeTree(t, map[string][]byte{"prose.txt": []byte(prose.String()), "table.csv": []byte(csv.String())})
	// Where "строка 333" is: 333 lines, plus two blank lines after every seventh line before it.
	proseLine := 333 + 2*(332/7)
	for _, redact := range []bool{false, true} {
		ix, _, id := openIndex(t)
		if _, err := ix.Add(context.Background(), id, []string{root}, "tester", AddOptions{Redact: redact}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			query, file string
			want        model.Location
		}{
			{`"строка 333"`, "samples/prose.txt", model.Location{Line: proseLine}},
			{"number250", "samples/table.csv", model.Location{Line: 252, Row: 250}}, // header, and row 100 takes two lines
			{"number99", "samples/table.csv", model.Location{Line: 100, Row: 99}},
			{"number101", "samples/table.csv", model.Location{Line: 103, Row: 101}},
		} {
			hits, err := ix.Search(context.Background(), id, Query{Text: c.query})
			if err != nil || len(hits) != 1 {
				t.Fatalf("redact %v, %s: %v %+v", redact, c.query, err, hits)
			}
			if hits[0].Path != c.file || hits[0].Loc != c.want {
				t.Errorf("redact %v, %s: %s %+v, want %s %+v", redact, c.query, hits[0].Path, hits[0].Loc, c.file, c.want)
			}
		}
	}
}
