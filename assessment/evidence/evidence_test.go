package evidence

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dpia-tool/dpia/assessment/evidence/corpus"
	"github.com/dpia-tool/dpia/assessment/evidence/detect"
	"github.com/dpia-tool/dpia/assessment/store"
)

// Valid IINs (check digit per the algorithm in REFERENCE.md §3).
var iins = []string{"900101300017", "900101310506"}

func writeTree(t testing.TB, files map[string][]byte) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "samples")
	for name, data := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func zipOf(t testing.TB, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func usersCSV() []byte {
	return []byte("full_name,iin,email\n" +
		"Иванов Иван Иванович," + iins[0] + ",ivan@example.kz\n" +
		"Aigerim Bekova," + iins[1] + ",aigerim@example.com\n")
}

func sampleTree(t testing.TB) string {
	inner := zipOf(t, map[string][]byte{"inner/users.csv": usersCSV()})
	root := writeTree(t, map[string][]byte{
		"users.csv":   usersCSV(),
		"app.log":     []byte("2024-03-01 login ok user=ivan@example.kz\n2024-03-01 nothing here\n"),
		"archive.zip": zipOf(t, map[string][]byte{"nested.zip": inner, "notes.txt": []byte("contact: aigerim@example.com\n")}),
		"blob.bin":    {0x00, 0x01, 0x02, 0xff, 0xfe, 0x00, 0x13, 0x37},
	})
	outside := filepath.Join(t.TempDir(), "secret.csv")
	os.WriteFile(outside, usersCSV(), 0o644)
	if err := os.Symlink(outside, filepath.Join(root, "link.csv")); err != nil {
		t.Fatal(err)
	}
	return root
}

func scanAll(t *testing.T, roots []string, opts Options) map[string]FileResult {
	t.Helper()
	got := map[string]FileResult{}
	_, err := Scan(context.Background(), roots, opts, func(r FileResult) error {
		if _, dup := got[r.Path]; dup {
			t.Errorf("file %s reported twice", r.Path)
		}
		got[r.Path] = r
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestScan(t *testing.T) {
	root := sampleTree(t)
	got := scanAll(t, []string{root}, Options{Workers: 2})
	tests := []struct {
		path, status, reason string
		counts               map[string]int
	}{
		{"samples/users.csv", StatusIndexed, "", map[string]int{"kz_iin": 2, "email": 2, "person_name": 2}},
		{"samples/app.log", StatusIndexed, "", map[string]int{"email": 1}},
		{"samples/archive.zip!notes.txt", StatusIndexed, "", map[string]int{"email": 1}},
		{"samples/archive.zip!nested.zip!inner/users.csv", StatusIndexed, "", map[string]int{"kz_iin": 2, "email": 2}},
		{"samples/blob.bin", StatusSkipped, "unsupported file type", nil},
		{"samples/link.csv", StatusSkipped, "symlink leads outside the evidence root", nil},
	}
	for _, tt := range tests {
		r, ok := got[tt.path]
		if !ok {
			t.Errorf("%s not reported; got %v", tt.path, keys(got))
			continue
		}
		if r.Status != tt.status || !strings.Contains(r.Reason, tt.reason) {
			t.Errorf("%s: status %s (%s), want %s (%s)", tt.path, r.Status, r.Reason, tt.status, tt.reason)
		}
		for typ, n := range tt.counts {
			if r.Counts[typ] < n {
				t.Errorf("%s: %s = %d, want at least %d (counts %v)", tt.path, typ, r.Counts[typ], n, r.Counts)
			}
		}
		for _, d := range r.Detections {
			for _, v := range append(iins, "ivan@example.kz", "aigerim@example.com") {
				if strings.Contains(d.Preview, v) {
					t.Errorf("%s: raw value %s in a preview", tt.path, v)
				}
			}
		}
	}
	if r := got["samples/users.csv"]; r.SHA256 == "" || r.Size != int64(len(usersCSV())) || r.Source == "" {
		t.Errorf("users.csv metadata: %+v", r)
	}
}

func keys(m map[string]FileResult) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestScanMissingRoot(t *testing.T) {
	_, err := Scan(context.Background(), []string{"/nonexistent/evidence"}, Options{}, func(FileResult) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/evidence does not exist") {
		t.Errorf("err = %v", err)
	}
}

// TestScanCancelLeavesNoGoroutine cancels a scan midway and checks it returns promptly and
// leaves no goroutine behind.
func TestScanCancelLeavesNoGoroutine(t *testing.T) {
	files := map[string][]byte{}
	for i := range 200 {
		files[fmt.Sprintf("f%03d.csv", i)] = bytes.Repeat(usersCSV(), 200)
	}
	root := writeTree(t, files)
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	var n atomic.Int32
	_, err := Scan(ctx, []string{root}, Options{Workers: 4}, func(FileResult) error {
		if n.Add(1) == 5 {
			cancel()
		}
		return nil
	})
	if err != context.Canceled {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if n.Load() >= 200 {
		t.Errorf("scan did not stop: %d files", n.Load())
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if g := runtime.NumGoroutine(); g > before {
		t.Errorf("%d goroutines left behind", g-before)
	}
}

func TestProgressThrottled(t *testing.T) {
	files := map[string][]byte{}
	for i := range 300 {
		files[fmt.Sprintf("f%03d.log", i)] = []byte("a line from user@example.kz\n")
	}
	root := writeTree(t, files)
	var events []Progress
	start := time.Now()
	// Count-only, as 'dpia scan': the detections so far are counted all the same.
	opts := Options{Progress: func(p Progress) { events = append(events, p) }, KeepDetections: -1}
	_, err := Scan(context.Background(), []string{root}, opts, func(FileResult) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	last := events[len(events)-1]
	if !last.Done || last.FilesDone != 300 || last.FilesTotal != 300 || last.Detections != 300 {
		t.Errorf("last event %+v", last)
	}
	// At most one event per 100 ms, plus the forced first (totals) and last (done) ones.
	if max := int(elapsed/progressInterval) + 3; len(events) > max {
		t.Errorf("%d progress events in %v, want at most %d", len(events), elapsed, max)
	}
}

func openIndex(t testing.TB) (*Index, *store.SQLite, string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "ws"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	as, err := st.CreateAssessment(ctx, store.NewAssessment{Name: "X"}, "tester")
	if err != nil {
		t.Fatal(err)
	}
	ix, err := OpenIndex(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	return ix, st, as.ID
}

func TestIndexAddSearchVerify(t *testing.T) {
	ctx := context.Background()
	ix, st, id := openIndex(t)
	root := sampleTree(t)
	rep, err := ix.Add(ctx, id, []string{root}, "tester", AddOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Indexed < 4 || rep.Detections["kz_iin"] < 4 {
		t.Errorf("report %+v", rep)
	}
	sum, err := Summary(ctx, st, id)
	if err != nil || sum["kz_iin"] != rep.Detections["kz_iin"] {
		t.Errorf("summary %v vs report %v (%v)", sum, rep.Detections, err)
	}

	// Incremental: a second run reads nothing unchanged.
	rep2, err := ix.Add(ctx, id, []string{root}, "tester", AddOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep2.Stats.Unchanged < 3 || rep2.Indexed != 0 {
		t.Errorf("second run re-read files: %+v", rep2)
	}

	// Search: masked by default, revealed on request, hostile syntax is just text.
	hits, err := ix.Search(ctx, id, Query{Text: "Иванов"})
	if err != nil || len(hits) == 0 {
		t.Fatalf("search: %v %v", hits, err)
	}
	for _, h := range hits {
		if strings.Contains(h.Snippet, iins[0]) {
			t.Errorf("raw IIN in a masked snippet: %s", h.Snippet)
		}
	}
	hits, _ = ix.Search(ctx, id, Query{Text: "Иванов", Reveal: true, File: "samples/users.csv"})
	if len(hits) != 1 || !strings.Contains(hits[0].Snippet, iins[0]) {
		t.Errorf("revealed search: %+v", hits)
	}
	for _, q := range []string{`"`, `*`, `ivan" OR "x`, `NEAR(a b)`, `text:foo`, `-`, `ivan*`, `(`} {
		if _, err := ix.Search(ctx, id, Query{Text: q}); err != nil {
			t.Errorf("query %q: %v", q, err)
		}
	}
	if hits, _ := ix.Search(ctx, id, Query{Text: "login", Types: []string{"kz_iin"}}); len(hits) != 0 {
		t.Errorf("type filter ignored: %+v", hits)
	}
	if hits, _ := ix.Search(ctx, id, Query{Text: "aigerim*", PathGlob: "samples/archive.zip!*"}); len(hits) == 0 {
		t.Errorf("prefix + glob found nothing")
	}

	// Verify: change one file, remove another.
	os.WriteFile(filepath.Join(root, "app.log"), []byte("changed\n"), 0o644)
	os.Remove(filepath.Join(root, "users.csv"))
	items, err := ix.Verify(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]string{}
	for _, it := range items {
		states[it.Path] = it.Status
	}
	if states["samples/app.log"] != VerifyChanged || states["samples/users.csv"] != VerifyMissing || states["samples/archive.zip!notes.txt"] != VerifyOK ||
		states["samples/link.csv"] != VerifyUnhashed {
		t.Errorf("verify: %v", states)
	}
	v, err := st.VerifyLog(ctx, id)
	if err != nil || !v.OK {
		t.Errorf("event log after evidence: %+v %v", v, err)
	}
}

// TestIndexCancelKeepsWholeFiles cancels an indexing run and checks every committed file is
// complete: its detections in the table match its counts.
func TestIndexCancelKeepsWholeFiles(t *testing.T) {
	files := map[string][]byte{}
	for i := range 120 {
		files[fmt.Sprintf("f%03d.csv", i)] = bytes.Repeat(usersCSV(), 50)
	}
	root := writeTree(t, files)
	ix, st, id := openIndex(t)
	ctx, cancel := context.WithCancel(context.Background())
	var seen atomic.Int32
	_, err := ix.Add(ctx, id, []string{root}, "tester", AddOptions{Progress: func(p Progress) {
		if p.FilesDone >= 10 && seen.Add(1) == 1 {
			cancel()
		}
	}})
	if err != context.Canceled {
		t.Logf("add returned %v", err)
	}
	rows, err := st.DB().Query(`SELECT f.path, f.counts, (SELECT count(*) FROM evidence_detections d WHERE d.file_id = f.id) FROM evidence_files f`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var path, counts string
		var dets int
		rows.Scan(&path, &counts, &dets)
		total := 0
		for _, part := range strings.Split(strings.Trim(counts, "{}"), ",") {
			var k string
			var v int
			fmt.Sscanf(strings.Replace(part, ":", " ", 1), "%s %d", &k, &v)
			total += v
		}
		if total != dets {
			t.Errorf("%s: counts say %d detections, table has %d", path, total, dets)
		}
		n++
	}
	if n == 0 || n == 120 {
		t.Logf("committed %d of 120 files before the cancel took effect", n)
	}
}

func TestFTSQuery(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ivan", `"ivan"`},
		{"ivan petrov", `"ivan" "petrov"`},
		{`iv"an`, `"iv" "an"`},
		{"ivan*", `"ivan"*`},
		{"*", ""},
		{`" OR `, `"or"`},
		{"NEAR(a", `"near a"`},
		{"Иванов", `"иванов"`},
		{"e-mail", `"e mail"`},
		{"Café*", `"cafe"*`},
		{"ҚАЗАҚ ЁЛКА", `"қазақ" "ёлка"`},
		{"-- ;", ""},
	}
	for _, tt := range tests {
		if got := FTSQuery(tt.in); got != tt.want {
			t.Errorf("FTSQuery(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// BenchmarkScan measures the whole pipeline (walk, extract, detect) over a generated corpus
// of CSV and log files; MB/s is reported by SetBytes.
func BenchmarkScan(b *testing.B) {
	files := map[string][]byte{}
	var total int64
	for i := range 40 {
		var buf bytes.Buffer
		for j := range 2000 {
			fmt.Fprintf(&buf, "2024-03-01T10:%02d:%02d user=%d email=user%d@example.kz iin=%s phone=+7 701 %03d %02d %02d action=login ok\n", j%60, i%60, j, j, iins[j%2], j%1000, j%100, (j+7)%100)
		}
		files[fmt.Sprintf("logs/app%02d.log", i)] = buf.Bytes()
		csv := bytes.Repeat(usersCSV()[len("full_name,iin,email\n"):], 1500)
		files[fmt.Sprintf("csv/users%02d.csv", i)] = append([]byte("full_name,iin,email\n"), csv...)
		total += int64(buf.Len() + len(csv))
	}
	root := writeTree(b, files)
	det := detect.New(make([]byte, 32))
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		_, err := Scan(context.Background(), []string{root}, Options{Detector: det, KeepDetections: -1}, func(FileResult) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScanCorpus measures 'dpia scan' (counts only) over the generated corpus of
// package corpus: CSV with Russian and English headers, JSON Lines and Russian/Kazakh prose,
// 8 MiB (DPIA_BENCH_CORPUS_MB to change), all cores.
func BenchmarkScanCorpus(b *testing.B) {
	benchmarkScanCorpus(b, Options{Detector: detect.New(make([]byte, 32)), KeepDetections: -1})
}

// BenchmarkScanCorpusFloor is BenchmarkScanCorpus with no detector: walking, reading,
// SHA-256 and extraction (CSV cells, JSON flattening, text lines) alone, the floor under the
// detection pass.
func BenchmarkScanCorpusFloor(b *testing.B) {
	benchmarkScanCorpus(b, Options{skipDetection: true, KeepDetections: -1})
}

func benchmarkScanCorpus(b *testing.B, opts Options) {
	mb := int64(8)
	if v, err := strconv.Atoi(os.Getenv("DPIA_BENCH_CORPUS_MB")); err == nil && v > 0 {
		mb = int64(v)
	}
	dir := filepath.Join(b.TempDir(), "corpus")
	m, err := corpus.Generate(dir, corpus.Options{Seed: 1, Bytes: mb << 20})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(m.Bytes)
	b.ReportAllocs()
	for b.Loop() {
		_, err := Scan(context.Background(), []string{dir}, opts, func(FileResult) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
	}
}

func TestMaskDigitRuns(t *testing.T) {
	tests := []struct{ in, want string }{
		{"+7 701 078…", "+7 7** ***…"},
		{"call 8 (701) 123-45-67 now", "call 8 (7**) ***-**-** now"},
		{"order 123456 of 2024", "order 123456 of 2024"},
		{"Иванов 9001******17", "Иванов 9001******17"},
		{"acct 40817810099910004312", "acct 40******************"},
	}
	for _, tt := range tests {
		if got := maskDigitRuns(tt.in); got != tt.want {
			t.Errorf("maskDigitRuns(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestKeepDetectionsBound(t *testing.T) {
	root := writeTree(t, map[string][]byte{"big.csv": append([]byte("full_name,iin,email\n"), bytes.Repeat(usersCSV()[len("full_name,iin,email\n"):], 300)...)})
	got := scanAll(t, []string{root}, Options{KeepDetections: 100})
	r := got["samples/big.csv"]
	if len(r.Detections) != 100 || r.Counts["kz_iin"] != 600 || r.Counts["email"] != 600 {
		t.Errorf("kept %d detections, counts %v; want 100 kept and exact counts", len(r.Detections), r.Counts)
	}
	none := scanAll(t, []string{root}, Options{KeepDetections: -1})
	if len(none["samples/big.csv"].Detections) != 0 || none["samples/big.csv"].Counts["kz_iin"] != 600 {
		t.Errorf("count-only scan kept detections or lost counts")
	}
}
