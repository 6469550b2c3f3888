package extract

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/dpia-tool/dpia/assessment/evidence/model"
)

// gz compresses data as one gzip member whose header names name.
func gz(t testing.TB, name string, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Name = name
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

type gzEntry struct {
	path string
	data string
	err  string
}

func walkGzip(t *testing.T, data []byte, name string, lim Limits, budget *Budget) ([]gzEntry, error) {
	t.Helper()
	var got []gzEntry
	err := WalkGzip(context.Background(), bytes.NewReader(data), int64(len(data)), name, lim, budget,
		func(path string, b []byte, entryErr error) error {
			e := gzEntry{path: path, data: string(b)}
			if entryErr != nil {
				e.err = entryErr.Error()
				if b != nil {
					t.Errorf("%s: data passed with an error", path)
				}
			}
			got = append(got, e)
			return nil
		})
	return got, err
}

func TestWalkGzip(t *testing.T) {
	line := []byte("2024-05-01 login ivan@example.kz\n")
	zeros := make([]byte, 8<<20) // 8 MiB of zeros: about 1000:1
	small := DefaultLimits()
	small.MaxFileBytes = 1 << 20
	tests := []struct {
		name, file string
		data       []byte
		lim        Limits
		want       gzEntry
	}{
		{"header name", "logs/app.log.2.gz", gz(t, "app.log.2", line), DefaultLimits(), gzEntry{path: "app.log.2", data: string(line)}},
		{"no header name: the file's name", "app.log.2.gz", gz(t, "", line), DefaultLimits(), gzEntry{path: "app.log.2", data: string(line)}},
		{"a path in the header: its base name", "x.gz", gz(t, "../../etc/passwd", line), DefaultLimits(), gzEntry{path: "passwd", data: string(line)}},
		{"a header name of \"..\": the file's name", "dump.sql.gz", gz(t, "..", line), DefaultLimits(), gzEntry{path: "dump.sql", data: string(line)}},
		{"two members read as one", "joined.gz", append(gz(t, "", line), gz(t, "", line)...), DefaultLimits(), gzEntry{path: "joined", data: string(line) + string(line)}},
		{"a bomb", "zeros.gz", gz(t, "zeros", zeros), DefaultLimits(), gzEntry{path: "zeros", err: "compression ratio over the 100:1 limit (possible zip bomb)"}},
		{"over the file limit", "big.gz", gz(t, "big", bytes.Repeat([]byte("random-ish line 0123456789\n"), 60000)), small, gzEntry{path: "big", err: "larger than the 1 MiB limit"}},
		{"truncated", "cut.log.gz", gz(t, "cut.log", bytes.Repeat(line, 1000))[:200], DefaultLimits(), gzEntry{path: "cut.log", err: "corrupt gzip file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := walkGzip(t, tt.data, tt.file, tt.lim, nil)
			if err != nil || len(got) != 1 {
				t.Fatalf("entries %+v, error %v; want one entry", got, err)
			}
			g := got[0]
			if g.path != tt.want.path || g.data != tt.want.data || (tt.want.err == "") != (g.err == "") || !strings.Contains(g.err, tt.want.err) {
				t.Errorf("entry %q (%d bytes, error %q), want %q (%d bytes, error containing %q)", g.path, len(g.data), g.err, tt.want.path, len(tt.want.data), tt.want.err)
			}
		})
	}
	if _, err := walkGzip(t, []byte("not gzip at all"), "x.gz", DefaultLimits(), nil); err == nil || !strings.Contains(err.Error(), "malformed gzip") {
		t.Errorf("not gzip: %v", err)
	}
	// The archive tree's budget is shared: a gzip inside a zip spends what the zip has left.
	budget := &Budget{left: 10, limit: 10}
	got, _ := walkGzip(t, gz(t, "a", line), "a.gz", DefaultLimits(), budget)
	if len(got) != 1 || !strings.Contains(got[0].err, "left to this archive") {
		t.Errorf("over the budget: %+v", got)
	}
	// Limit errors wrap model.ErrLimit, so the entry is reported as skipped.
	err := WalkGzip(context.Background(), bytes.NewReader(gz(t, "z", zeros)), int64(len(gz(t, "z", zeros))), "z.gz", DefaultLimits(), nil,
		func(_ string, _ []byte, entryErr error) error {
			if !errors.Is(entryErr, model.ErrLimit) {
				t.Errorf("bomb error %v does not wrap ErrLimit", entryErr)
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := WalkGzip(ctx, bytes.NewReader(gz(t, "a", line)), 100, "a.gz", DefaultLimits(), nil, func(string, []byte, error) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled walk: %v", err)
	}
}

func FuzzWalkGzip(f *testing.F) {
	f.Add(gz(f, "a.csv", []byte("a,b\n1,2\n")))
	f.Add(gz(f, "z", make([]byte, 2<<20)))
	f.Add([]byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		lim := fuzzLimits()
		_ = WalkGzip(context.Background(), bytes.NewReader(data), int64(len(data)), "f.gz", lim, nil,
			func(path string, b []byte, entryErr error) error {
				if int64(len(b)) > lim.MaxFileBytes || path == "" {
					t.Fatalf("entry %q: %d bytes", path, len(b))
				}
				return nil
			})
	})
}
