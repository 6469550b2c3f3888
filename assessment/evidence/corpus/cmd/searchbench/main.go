// Command searchbench times full-text queries against an assessment's evidence index:
//
//	go run ./assessment/evidence/corpus/cmd/searchbench -workspace WS -id ID [-rounds 5]
//
// It runs every word and phrase of corpus.QueryWords and corpus.QueryPhrases -rounds times in
// one process (as the workbench does) and prints the median, 95th percentile and maximum.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"sort"
	"time"

	"github.com/dpia-tool/dpia/assessment/evidence"
	"github.com/dpia-tool/dpia/assessment/evidence/corpus"
	"github.com/dpia-tool/dpia/assessment/store"
)

func main() {
	ws := flag.String("workspace", "", "workspace folder (required)")
	id := flag.String("id", "", "assessment id (required)")
	rounds := flag.Int("rounds", 5, "times each query runs")
	limit := flag.Int("limit", 20, "hits per query")
	verbose := flag.Bool("v", false, "print each query's time and hits (first round)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the queries to this file")
	flag.Parse()
	if *ws == "" || *id == "" {
		fmt.Fprintln(os.Stderr, "searchbench: -workspace and -id are required")
		os.Exit(2)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, *ws, store.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "searchbench:", err)
		os.Exit(1)
	}
	defer st.Close()
	ix, err := evidence.OpenIndex(ctx, st)
	if err != nil {
		fmt.Fprintln(os.Stderr, "searchbench:", err)
		os.Exit(1)
	}
	queries := append(append([]string(nil), corpus.QueryWords...), corpus.QueryPhrases...)
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "searchbench:", err)
			os.Exit(1)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "searchbench:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	var lat []time.Duration
	for r := 0; r < *rounds; r++ {
		for _, q := range queries {
			t0 := time.Now()
			hits, err := ix.Search(ctx, *id, evidence.Query{Text: q, Limit: *limit})
			if err != nil {
				fmt.Fprintln(os.Stderr, "searchbench:", err)
				os.Exit(1)
			}
			d := time.Since(t0)
			lat = append(lat, d)
			if *verbose && r == 0 {
				first := ""
				if len(hits) > 0 {
					first = hits[0].Path + ": " + hits[0].Snippet
				}
				fmt.Printf("%-24s %7.1f ms %3d hits  %s\n", q, float64(d)/float64(time.Millisecond), len(hits), first)
			}
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	fmt.Printf("queries %d median_ms %.1f p95_ms %.1f max_ms %.1f\n", len(lat), ms(lat[len(lat)/2]), ms(lat[len(lat)*95/100]), ms(lat[len(lat)-1]))
}
