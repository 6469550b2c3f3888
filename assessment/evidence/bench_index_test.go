package evidence

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/dpia-tool/dpia/assessment/evidence/corpus"
	"github.com/dpia-tool/dpia/assessment/store"
)

// benchCorpus generates a corpus of text and CSV (and JSONL when jsonl is set) of mb MiB.
func benchCorpus(b *testing.B, mb int64, jsonl bool) (string, corpus.Manifest) {
	b.Helper()
	kinds := []string{"csv", "txt"}
	if jsonl {
		kinds = append(kinds, "jsonl")
	}
	dir := filepath.Join(b.TempDir(), "corpus")
	m, err := corpus.Generate(dir, corpus.Options{Seed: 1, Bytes: mb << 20, FileBytes: 1 << 20, Kinds: kinds})
	if err != nil {
		b.Fatal(err)
	}
	return dir, m
}

// benchIndex opens a fresh workspace with one assessment.
func benchIndex(b *testing.B, ctx context.Context) (*Index, *store.SQLite, string) {
	b.Helper()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "ws"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	as, err := st.CreateAssessment(ctx, store.NewAssessment{Name: "bench"}, "bench")
	if err != nil {
		b.Fatal(err)
	}
	ix, err := OpenIndex(ctx, st)
	if err != nil {
		b.Fatal(err)
	}
	return ix, st, as.ID
}

// envMB reads a size in MiB from the environment.
func envMB(name string, def int64) int64 {
	if v, err := strconv.ParseInt(os.Getenv(name), 10, 64); err == nil && v > 0 {
		return v
	}
	return def
}

// BenchmarkIndexAdd measures full indexing (walk, hash, extract, detect, FTS5 insert, commit)
// of a generated text and CSV corpus (20 MiB, or DPIA_BENCH_INDEX_MB) into a fresh workspace,
// or of the folder DPIA_BENCH_INDEX_DIR when set (e.g. the ordinary samples that
// scripts/bench-evidence.sh builds).
func BenchmarkIndexAdd(b *testing.B) {
	ctx := context.Background()
	dir, files, bytes := os.Getenv("DPIA_BENCH_INDEX_DIR"), 0, int64(0)
	if dir == "" {
		var m corpus.Manifest
		dir, m = benchCorpus(b, envMB("DPIA_BENCH_INDEX_MB", 20), false)
		files, bytes = len(m.Files), m.Bytes
	} else {
		err := filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() {
				info, err := d.Info()
				if err != nil {
					return err
				}
				files, bytes = files+1, bytes+info.Size()
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(bytes)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		ix, st, id := benchIndex(b, ctx)
		b.StartTimer()
		rep, err := ix.Add(ctx, id, []string{dir}, "bench", AddOptions{})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if rep.Indexed != files {
			b.Fatalf("indexed %d of %d files", rep.Indexed, files)
		}
		st.Close()
		b.StartTimer()
	}
}

// BenchmarkSearch measures word and phrase queries over an indexed corpus (CSV, JSONL and
// prose; 50 MiB, or DPIA_BENCH_SEARCH_MB) and reports the median and 95th percentile
// latency of one query (ms/median, ms/p95) besides ns/op.
func BenchmarkSearch(b *testing.B) {
	ctx := context.Background()
	dir, _ := benchCorpus(b, envMB("DPIA_BENCH_SEARCH_MB", 50), true)
	ix, st, id := benchIndex(b, ctx)
	defer st.Close()
	if _, err := ix.Add(ctx, id, []string{dir}, "bench", AddOptions{}); err != nil {
		b.Fatal(err)
	}
	queries := append(append([]string(nil), corpus.QueryWords...), corpus.QueryPhrases...)
	var lat []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := queries[i%len(queries)]
		t0 := time.Now()
		hits, err := ix.Search(ctx, id, Query{Text: q, Limit: 20})
		lat = append(lat, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
		if len(hits) == 0 {
			b.Fatalf("no hits for %q", q)
		}
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(lat[len(lat)/2]), "ms/median")
	b.ReportMetric(ms(lat[len(lat)*95/100]), "ms/p95")
}
