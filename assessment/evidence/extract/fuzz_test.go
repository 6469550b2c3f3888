package extract

import (
	"bytes"
	"context"
	"runtime/metrics"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dpia-tool/dpia/assessment/evidence/model"
)

// maxFuzzAlloc bounds what extracting one fuzz input (at most a few MiB, with fuzzLimits) may
// allocate in all.
const maxFuzzAlloc = 256 << 20

// heapAllocated is the number of bytes allocated on the heap since the program started.
func heapAllocated() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// fuzzLimits are small limits so that a fuzz input reaches them.
func fuzzLimits() Limits {
	lim := DefaultLimits()
	lim.MaxTextBytes = 1 << 20
	lim.MaxRows = 1000
	lim.MaxCellBytes = 512
	lim.MaxArchiveEntries = 50
	lim.MaxArchiveTotal = 4 << 20
	lim.MaxFileBytes = 2 << 20
	return lim
}

// checkingSink is a recorder that checks what every extractor promises about its output.
type checkingSink struct {
	t   *testing.T
	lim Limits
}

func (c checkingSink) check(s string) {
	if !utf8.ValidString(s) {
		c.t.Fatalf("invalid UTF-8 written: %q", s)
	}
	if len(s) > c.lim.MaxCellBytes {
		c.t.Fatalf("%d bytes written, more than MaxCellBytes", len(s))
	}
}

func (c checkingSink) Text(_ model.Location, s string) error { c.check(s); return nil }
func (c checkingSink) TableStart(_ model.Location, h []string) error {
	for _, s := range h {
		c.check(s)
	}
	return nil
}
func (c checkingSink) Row(_ model.Location, cells []string) error {
	for _, s := range cells {
		c.check(s)
	}
	return nil
}
func (c checkingSink) TableEnd() error               { return nil }
func (c checkingSink) Found(_ model.Detection) error { return nil }

// fuzzExtract runs one extractor on data; a panic recovered by Extract is a failure for the
// extractors written here (the PDF library's own panics are allowed).
//
// It also bounds the memory an input makes the extractor allocate: a file of a few bytes that
// claims gigabytes (a Parquet footer length, an image size) must be refused before the
// parser allocates what it claims.
func fuzzExtract(t *testing.T, kind string, data []byte, allowPanic bool) {
	lim := fuzzLimits()
	before := heapAllocated()
	err := Extract(context.Background(), "fuzz", kind, bytes.NewReader(data), int64(len(data)), checkingSink{t, lim}, lim)
	if n := heapAllocated() - before; n > maxFuzzAlloc {
		t.Fatalf("extracting %d bytes as %s allocated %d MiB (more than %d MiB): %v", len(data), kind, n>>20, maxFuzzAlloc>>20, err)
	}
	if err != nil && !allowPanic && strings.Contains(err.Error(), "parser failed") {
		t.Fatalf("panic: %v", err)
	}
}

func FuzzExtractText(f *testing.F) {
	for _, s := range []string{"a\nb\r\n", "\xff\xfeh\x00i\x00", "\xcf\xf0\xe8\xe2\xe5\xf2\n", "x\xffy", strings.Repeat("z", 2000)} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { fuzzExtract(t, KindText, data, false) })
}

func FuzzExtractCSV(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", "a;b\n\"x\ny\";2\n", "a,\"b\n1,2\n", "\"\"\"\n", "a\tb\r\n1\t\"2\"\"\"\r\n", "|||\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { fuzzExtract(t, KindCSV, data, false) })
}

func FuzzExtractJSON(f *testing.F) {
	for _, s := range []string{`[{"a":1,"b":{"c":[1,2]}}]`, `{"a":[{"b":"x"}]}`, `["x",1,{"k":null}]`, `[{"a":`, "{\"a\":1}\n{\"b\":2}", "[1, 2] x", `[[[[[]]]]]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzExtract(t, KindJSON, data, false)
		fuzzExtract(t, KindJSONL, data, false)
	})
}

func FuzzExtractPDF(f *testing.F) {
	good := makePDF([]string{"Ivan Petrov", "IIN 870412300415"}, []string{"page (2)"})
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte("%PDF-1.4\n%%EOF\n"))
	f.Add(bytes.Replace(good, []byte("/Count 2"), []byte("/Count 99999999"), 1))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzExtract(t, KindPDF, data, true) })
}

func FuzzWalkArchive(f *testing.F) {
	f.Add(makeZip(f, []zipEntry{{name: "a.csv", data: []byte("a,b\n")}, {name: "../x", data: []byte("y")}}))
	f.Add(makeZip(f, []zipEntry{{name: "z", data: make([]byte, 2<<20), method: 8}}))
	f.Add([]byte("PK\x05\x06\x00\x00\x00\x00\xff\xff\xff\xff\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		lim := fuzzLimits()
		_ = WalkArchive(context.Background(), bytes.NewReader(data), int64(len(data)), lim, nil,
			func(path string, b []byte, entryErr error) error {
				if int64(len(b)) > lim.MaxFileBytes || !utf8.ValidString(path) {
					t.Fatalf("entry %q: %d bytes", path, len(b))
				}
				return nil
			})
	})
}
