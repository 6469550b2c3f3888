package extract

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/dpia-tool/dpia/assessment/evidence/model"
)

// recorder is a Sink that records every call as one line of text, e.g.
// `text line=3 "hello"`, `start - ["name" "email"]`, `row line=2,row=1 ["a" "b"]`, `end`,
// `found geo_location col=EXIF GPS 0.99 "43.2°N, 76.9°E"`.
type recorder struct {
	calls []string
	warns []string
	fail  error // returned from every call once set
}

func (r *recorder) add(s string) error {
	r.calls = append(r.calls, s)
	return r.fail
}

func (r *recorder) Text(loc model.Location, text string) error {
	return r.add(fmt.Sprintf("text %s %q", locString(loc), text))
}

func (r *recorder) TableStart(loc model.Location, header []string) error {
	return r.add(fmt.Sprintf("start %s %q", locString(loc), header))
}

func (r *recorder) Row(loc model.Location, cells []string) error {
	return r.add(fmt.Sprintf("row %s %q", locString(loc), cells))
}

func (r *recorder) TableEnd() error { return r.add("end") }

func (r *recorder) Found(d model.Detection) error {
	return r.add(fmt.Sprintf("found %s %s %.2f %q", d.Type, locString(d.Loc), d.Confidence, d.Preview))
}

func (r *recorder) Warn(msg string) { r.warns = append(r.warns, msg) }

var (
	_ model.Sink = (*recorder)(nil)
	_ Warner     = (*recorder)(nil)
)

// locString renders the non-zero fields of a location, or "-".
func locString(l model.Location) string {
	var parts []string
	if l.Line != 0 {
		parts = append(parts, fmt.Sprintf("line=%d", l.Line))
	}
	if l.Page != 0 {
		parts = append(parts, fmt.Sprintf("page=%d", l.Page))
	}
	if l.Sheet != "" {
		parts = append(parts, "sheet="+l.Sheet)
	}
	if l.Row != 0 {
		parts = append(parts, fmt.Sprintf("row=%d", l.Row))
	}
	if l.Column != "" {
		parts = append(parts, "col="+l.Column)
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ",")
}

// extractBytes sniffs and extracts data as a file called name.
func extractBytes(t testing.TB, name string, data []byte, lim Limits) (*recorder, string, error) {
	t.Helper()
	kind, _ := Sniff(name, data[:min(len(data), 3072)])
	rec := &recorder{}
	err := Extract(context.Background(), name, kind, bytes.NewReader(data), int64(len(data)), rec, lim)
	return rec, kind, err
}

// assertCalls compares recorded calls with the expected ones.
func assertCalls(t *testing.T, got, want []string) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("calls differ\n got: %s\nwant: %s", strings.Join(got, "\n      "), strings.Join(want, "\n      "))
	}
}

// zipEntry is one file of a generated zip archive.
type zipEntry struct {
	name   string
	data   []byte
	method uint16
	mode   os.FileMode
}

// makeZip builds a zip archive in memory.
func makeZip(t testing.TB, entries []zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: e.method}
		if e.mode != 0 {
			h.SetMode(e.mode)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
