// Command gen writes a synthetic evidence corpus (see package corpus):
//
//	go run ./assessment/evidence/corpus/cmd/gen -seed 1 -size 100MB -out DIR [-manifest FILE]
//
// The manifest (planted values and decoys by type) goes to -manifest if given, never into
// DIR, so that scanning DIR sees only the corpus. A summary is printed on stderr.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/dpia-tool/dpia/assessment/evidence/corpus"
)

func main() {
	seed := flag.Int64("seed", 1, "random seed")
	size := flag.String("size", "100MB", "total size (e.g. 5MB, 1GB; units KB, MB, GB are powers of 1024)")
	fileSize := flag.String("file-size", "1MB", "approximate size of one file")
	out := flag.String("out", "", "output folder (required)")
	manifest := flag.String("manifest", "", "write the manifest as JSON to this file")
	kinds := flag.String("kinds", "csv,jsonl,txt", "file kinds, comma-separated")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "gen: -out is required")
		os.Exit(2)
	}
	total, err := parseSize(*size)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(2)
	}
	per, err := parseSize(*fileSize)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(2)
	}
	m, err := corpus.Generate(*out, corpus.Options{Seed: *seed, Bytes: total, FileBytes: per, Kinds: strings.Split(*kinds, ",")})
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	files := len(m.Files)
	if *manifest != "" {
		m.Files = nil // the totals are what callers need; per-file counts make it huge
		data, _ := json.MarshalIndent(m, "", "  ")
		if err := os.WriteFile(*manifest, append(data, '\n'), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
	}
	fmt.Fprintf(os.Stderr, "%d files, %.1f MB in %s (seed %d)\n", files, float64(m.Bytes)/(1<<20), *out, *seed)
	for _, t := range corpus.Sorted(m.Planted) {
		fmt.Fprintf(os.Stderr, "  planted %-14s %d\n", t, m.Planted[t])
	}
	for _, t := range corpus.Sorted(m.Decoys) {
		fmt.Fprintf(os.Stderr, "  decoy   %-14s %d\n", t, m.Decoys[t])
	}
}

func parseSize(s string) (int64, error) {
	u := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, x := range []struct {
		suffix string
		m      int64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(u, x.suffix) {
			u, mult = strings.TrimSuffix(u, x.suffix), x.m
			break
		}
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(u), 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return int64(v * float64(mult)), nil
}
