package extract

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// update rewrites the generated samples in testdata/evidence and the golden file of what
// they extract to: go test ./assessment/evidence/extract -run TestSamples -update
var update = flag.Bool("update", false, "rewrite testdata/evidence samples and golden files")

const samplesDir = "../../../testdata/evidence"

// TestSamples extracts every sample of testdata/evidence (archives walked one level, their
// entries extracted) and compares the calls with testdata/samples.golden.
func TestSamples(t *testing.T) {
	if *update {
		writeSamples(t)
	}
	names, err := filepath.Glob(filepath.Join(samplesDir, "*"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no samples in %s: %v", samplesDir, err)
	}
	sort.Strings(names)
	var out strings.Builder
	for _, path := range names {
		name := filepath.Base(path)
		if name == "README.md" {
			continue
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		describe(t, &out, name, data)
	}
	golden := filepath.Join("testdata", "samples.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != string(want) {
		t.Errorf("samples extract differently from %s (run with -update to accept):\n%s", golden, diffLines(string(want), got))
	}
}

// describe writes what Sniff, Extract or WalkArchive make of one file.
func describe(t *testing.T, out *strings.Builder, name string, data []byte) {
	kind, mime := Sniff(name, data[:min(len(data), 3072)])
	fmt.Fprintf(out, "== %s (%s, %s)\n", name, kind, mime)
	if kind != KindZip {
		rec := &recorder{}
		err := Extract(context.Background(), name, kind, bytes.NewReader(data), int64(len(data)), rec, DefaultLimits())
		for _, c := range rec.calls {
			fmt.Fprintf(out, "  %s\n", c)
		}
		for _, w := range rec.warns {
			fmt.Fprintf(out, "  warning: %s\n", w)
		}
		if err != nil {
			fmt.Fprintf(out, "  error: %v\n", err)
		}
		return
	}
	err := WalkArchive(context.Background(), bytes.NewReader(data), int64(len(data)), DefaultLimits(), nil,
		func(path string, b []byte, entryErr error) error {
			if entryErr != nil {
				fmt.Fprintf(out, "  entry %s: skipped: %v\n", path, entryErr)
				return nil
			}
			k, _ := Sniff(path, b[:min(len(b), 3072)])
			fmt.Fprintf(out, "  entry %s: %d bytes, %s\n", path, len(b), k)
			return nil
		})
	if err != nil {
		fmt.Fprintf(out, "  error: %v\n", err)
	}
}

// diffLines shows the first lines that differ.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 10; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d\n  want %s\n   got %s\n", i+1, wl, gl)
			shown++
		}
	}
	return b.String()
}
