package extract

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/dpia-tool/dpia/assessment/evidence/model"
)

// entryResult is what WalkArchive handed to fn for one entry.
type entryResult struct {
	path string
	data string
	err  string
}

func walk(t *testing.T, archive []byte, lim Limits, budget *Budget) ([]entryResult, error) {
	t.Helper()
	var got []entryResult
	err := WalkArchive(context.Background(), bytes.NewReader(archive), int64(len(archive)), lim, budget,
		func(path string, data []byte, entryErr error) error {
			r := entryResult{path: path, data: string(data)}
			if entryErr != nil {
				r.err = entryErr.Error()
				if data != nil {
					t.Errorf("%s: data handed with an entry error", path)
				}
			}
			got = append(got, r)
			return nil
		})
	return got, err
}

func TestWalkArchive(t *testing.T) {
	inner := makeZip(t, []zipEntry{{name: "deep.csv", data: []byte("a\n")}})
	archive := makeZip(t, []zipEntry{
		{name: "users.csv", data: []byte("name,email\n"), method: zip.Deflate},
		{name: "docs/", data: nil},
		{name: "docs/notes.txt", data: []byte("hello")},
		{name: "inner.zip", data: inner},
		{name: "../evil.txt", data: []byte("x")},
		{name: "/etc/passwd", data: []byte("x")},
		{name: `C:\boot.ini`, data: []byte("x")},
		{name: `a\..\..\b.txt`, data: []byte("x")},
		{name: "nul\x00.txt", data: []byte("x")},
		{name: "link", data: []byte("/etc/shadow"), mode: fs.ModeSymlink | 0o777},
		{name: "..data", data: []byte("fine")},
	})
	got, err := walk(t, archive, DefaultLimits(), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []entryResult{
		{"users.csv", "name,email\n", ""},
		{"docs/notes.txt", "hello", ""},
		{"inner.zip", string(inner), ""},
		{"../evil.txt", "", `rejected entry name: contains ".."`},
		{"/etc/passwd", "", "rejected entry name: absolute path"},
		{`C:\boot.ini`, "", "rejected entry name: absolute path"},
		{`a\..\..\b.txt`, "", `rejected entry name: contains ".."`},
		{`nul\x00.txt`, "", "rejected entry name: contains a NUL byte"},
		{"link", "", "symbolic link not followed"},
		{"..data", "fine", ""},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("entries\n got %q\nwant %q", got, want)
	}
}

func TestWalkArchiveZipBomb(t *testing.T) {
	archive := makeZip(t, []zipEntry{
		{name: "bomb.txt", data: make([]byte, 10<<20), method: zip.Deflate},
		{name: "small-zeros.bin", data: make([]byte, 100<<10), method: zip.Deflate},
	})
	got, err := walk(t, archive, DefaultLimits(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !strings.HasPrefix(got[0].err, "limit exceeded: compression ratio ") ||
		!strings.HasSuffix(got[0].err, ":1 exceeds the 100:1 limit (possible zip bomb)") {
		t.Fatalf("entries = %q, want the bomb skipped for its ratio", got)
	}
	if got[1].err != "" || len(got[1].data) != 100<<10 {
		t.Errorf("a small entry under the ratio floor was refused: %q", got[1].err)
	}
}

func TestWalkArchiveTooManyEntries(t *testing.T) {
	entries := make([]zipEntry, 10_001)
	for i := range entries {
		entries[i] = zipEntry{name: fmt.Sprintf("f%05d", i)}
	}
	archive := makeZip(t, entries)
	got, err := walk(t, archive, DefaultLimits(), nil)
	if !errors.Is(err, model.ErrLimit) || err.Error() != "limit exceeded: archive has 10001 entries, more than the 10000 allowed" {
		t.Fatalf("err = %v, want the entry limit", err)
	}
	if len(got) != 0 {
		t.Errorf("fn called %d times", len(got))
	}
	if n, ok := zipEntryCount(bytes.NewReader(archive), int64(len(archive))); !ok || n != 10_001 {
		t.Errorf("zipEntryCount = %d, %v", n, ok)
	}
}

func TestWalkArchiveBudget(t *testing.T) {
	archive := makeZip(t, []zipEntry{{name: "a", data: []byte("123456")}, {name: "b", data: []byte("789012")}})
	lim := DefaultLimits()
	lim.MaxArchiveTotal = 10
	budget := NewBudget(lim)
	got, err := walk(t, archive, lim, budget)
	if !errors.Is(err, model.ErrLimit) || err.Error() != "limit exceeded: archive holds more than 10 bytes uncompressed" {
		t.Fatalf("err = %v, want the total limit", err)
	}
	if len(got) != 1 || budget.Remaining() != 4 {
		t.Fatalf("entries %q, remaining %d", got, budget.Remaining())
	}
	// The budget is shared: a nested archive walked with it cannot spend more.
	small := makeZip(t, []zipEntry{{name: "c", data: []byte("12345")}})
	if _, err := walk(t, small, lim, budget); !errors.Is(err, model.ErrLimit) {
		t.Fatalf("nested walk: err = %v, want the total limit", err)
	}
}

func TestWalkArchiveEntryErrors(t *testing.T) {
	stored := makeZip(t, []zipEntry{{name: "a.txt", data: []byte("hello world")}})
	corrupt := bytes.Replace(stored, []byte("hello world"), []byte("hello w0rld"), 1)
	big := makeZip(t, []zipEntry{{name: "big.txt", data: []byte("0123456789")}})
	enc := makeZip(t, []zipEntry{{name: "secret.txt", data: []byte("x")}})
	enc = setEncrypted(t, enc)
	lim := DefaultLimits()
	lim.MaxFileBytes = 5
	tests := []struct {
		name    string
		archive []byte
		lim     Limits
		want    string
	}{
		{"crc mismatch", corrupt, DefaultLimits(), "corrupt entry: zip: checksum error"},
		{"too large", big, lim, "limit exceeded: entry is larger than the 5 bytes limit"},
		{"encrypted", enc, DefaultLimits(), "encrypted entry"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := walk(t, tt.archive, tt.lim, nil)
			if err != nil || len(got) != 1 || got[0].err != tt.want {
				t.Fatalf("entries %q, err %v; want entry error %q", got, err, tt.want)
			}
		})
	}
}

// setEncrypted sets the "encrypted" flag of every header of a zip.
func setEncrypted(t *testing.T, b []byte) []byte {
	t.Helper()
	out := append([]byte{}, b...)
	for _, sig := range []struct {
		magic string
		flag  int
	}{{"PK\x03\x04", 6}, {"PK\x01\x02", 8}} {
		for i := 0; ; {
			j := bytes.Index(out[i:], []byte(sig.magic))
			if j < 0 {
				break
			}
			out[i+j+sig.flag] |= 1
			i += j + 4
		}
	}
	return out
}

func TestWalkArchiveErrors(t *testing.T) {
	_, err := walk(t, []byte("PK\x03\x04 not really a zip"), DefaultLimits(), nil)
	if err == nil || !strings.HasPrefix(err.Error(), "malformed zip archive") {
		t.Errorf("garbage: err = %v", err)
	}
	archive := makeZip(t, []zipEntry{{name: "a", data: []byte("1")}, {name: "b", data: []byte("2")}})
	stop := errors.New("stop")
	calls := 0
	err = WalkArchive(context.Background(), bytes.NewReader(archive), int64(len(archive)), Limits{}, nil,
		func(string, []byte, error) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("fn error: err = %v after %d calls", err, calls)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = WalkArchive(ctx, bytes.NewReader(archive), int64(len(archive)), Limits{}, nil,
		func(string, []byte, error) error { calls++; return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
}
