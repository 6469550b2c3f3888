package extract

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// readAllCSV reads data as extractCSV does, with csvRecords (fast) or with encoding/csv
// alone over the same recordSource (the reference).
func readAllCSV(data string, comma rune, max int, fast bool) (out []string) {
	src := &recordSource{br: bufio.NewReaderSize(strings.NewReader(data), 16), comma: byte(comma), max: max}
	if fast {
		r := newCSVRecords(src, comma)
		for {
			line, rec, _, err := r.next()
			if errors.Is(err, io.EOF) {
				return out
			}
			if err != nil {
				return append(out, "error "+err.Error())
			}
			out = append(out, fmt.Sprintf("%d %q", line, rec))
		}
	}
	cr := csv.NewReader(src)
	cr.Comma, cr.LazyQuotes, cr.FieldsPerRecord = comma, true, -1
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			return append(out, "error "+err.Error())
		}
		line, _ := cr.FieldPos(0)
		out = append(out, fmt.Sprintf("%d %q", line, rec))
	}
}

// TestCSVRecordsMatchEncodingCSV checks that splitting unquoted records by hand gives the
// records and line numbers of encoding/csv on random CSV with quotes in every position,
// CRLF, empty lines, bare and unclosed quotes and lines cut by the source.
func TestCSVRecordsMatchEncodingCSV(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	pieces := []string{"a", "bc", "Иван", " ", ",", ",", ";", "\"", "\"\"", "\n", "\n", "\r\n", "\r", "x\"y", "12", "\t"}
	for n := range 4000 {
		var b strings.Builder
		for k := r.IntN(40); k >= 0; k-- {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		data := b.String()
		comma := ','
		if n%3 == 0 {
			comma = ';'
		}
		max := 8 + r.IntN(64)
		want := readAllCSV(data, comma, max, false)
		got := readAllCSV(data, comma, max, true)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q (comma %q, max %d):\n got %q\nwant %q", data, comma, max, got, want)
		}
	}
}
