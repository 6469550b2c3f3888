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
	var lat []time.Duration
	for r := 0; r < *rounds; r++ {
		for _, q := range queries {
			t0 := time.Now()
			if _, err := ix.Search(ctx, *id, evidence.Query{Text: q, Limit: *limit}); err != nil {
				fmt.Fprintln(os.Stderr, "searchbench:", err)
				os.Exit(1)
			}
			lat = append(lat, time.Since(t0))
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	fmt.Printf("queries %d median_ms %.1f p95_ms %.1f max_ms %.1f\n", len(lat), ms(lat[len(lat)/2]), ms(lat[len(lat)*95/100]), ms(lat[len(lat)-1]))
}
