package evidence

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dpia-tool/dpia/assessment/store"
)

func countRows(t *testing.T, st *store.SQLite, q string, args ...any) int {
	t.Helper()
	var n int
	if err := st.DB().QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// TestReindexReplacesText re-adds a changed file and removes another: their old text is gone
// (found by the rowids recorded with each file, or by file_id when they are unknown), and
// every file's recorded rowids cover exactly its text.
func TestReindexReplacesText(t *testing.T) {
	ctx := context.Background()
	ix, st, id := openIndex(t)
	var lines []string
	for i := range 3000 { // several chunks
		lines = append(lines, fmt.Sprintf("строка %d первоначальный текст договора", i))
	}
	root := writeTree(t, map[string][]byte{
		"a.txt": []byte(strings.Join(lines, "\n")),
		"b.txt": []byte("второй файл: поставка оборудования\n"),
		"c.txt": []byte("третий файл: бюджет на ремонт\n"),
	})
	if _, err := ix.Add(ctx, id, []string{root}, "tester", AddOptions{}); err != nil {
		t.Fatal(err)
	}
	checkRanges := func() {
		t.Helper()
		if n := countRows(t, st, `SELECT count(*) FROM evidence_chunks t
			WHERE NOT EXISTS (SELECT 1 FROM evidence_files f WHERE f.id = t.file_id AND t.id BETWEEN f.text_first AND f.text_last)`); n != 0 {
			t.Errorf("%d text rows outside their file's recorded rowids", n)
		}
		if n := countRows(t, st, `SELECT count(*) FROM evidence_files f
			WHERE f.text_last - f.text_first + 1 != (SELECT count(*) FROM evidence_chunks t WHERE t.file_id = f.id)`); n != 0 {
			t.Errorf("%d files whose recorded rowids are not exactly their text", n)
		}
		// The full-text index holds exactly one row per chunk, under the chunk's id.
		if n := countRows(t, st, `SELECT count(*) FROM evidence_words w
			WHERE NOT EXISTS (SELECT 1 FROM evidence_chunks c WHERE c.id = w.rowid)`); n != 0 {
			t.Errorf("%d indexed rows without their chunk", n)
		}
		if w, c := countRows(t, st, `SELECT count(*) FROM evidence_words`), countRows(t, st, `SELECT count(*) FROM evidence_chunks`); w != c {
			t.Errorf("%d indexed rows for %d chunks", w, c)
		}
	}
	checkRanges()
	if n := countRows(t, st, `SELECT count(*) FROM evidence_chunks`); n < 3 {
		t.Fatalf("only %d chunks", n)
	}

	os.WriteFile(filepath.Join(root, "a.txt"), []byte("заменённый текст\n"), 0o644)
	later := time.Now().Add(time.Hour)
	os.Chtimes(filepath.Join(root, "a.txt"), later, later)
	if _, err := ix.Add(ctx, id, []string{root}, "tester", AddOptions{}); err != nil {
		t.Fatal(err)
	}
	checkRanges()
	if hits, _ := ix.Search(ctx, id, Query{Text: "первоначальный"}); len(hits) != 0 {
		t.Errorf("replaced text still found: %d hits", len(hits))
	}
	if hits, _ := ix.Search(ctx, id, Query{Text: "заменённый"}); len(hits) != 1 {
		t.Errorf("new text: %d hits", len(hits))
	}

	// Rows written without recorded rowids (as before migration 5) are still deleted.
	if _, err := st.DB().Exec(`UPDATE evidence_files SET text_first = NULL, text_last = NULL WHERE path LIKE '%b.txt'`); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"b.txt", "c.txt"} {
		var path string
		st.DB().QueryRow(`SELECT path FROM evidence_files WHERE path LIKE ?`, "%"+p).Scan(&path)
		if _, err := ix.Remove(ctx, id, path, "tester"); err != nil {
			t.Fatal(err)
		}
	}
	if n := countRows(t, st, `SELECT count(*) FROM evidence_chunks WHERE file_id NOT IN (SELECT id FROM evidence_files)`); n != 0 {
		t.Errorf("%d orphan text rows", n)
	}
	if n := countRows(t, st, `SELECT count(*) FROM evidence_chunks`); n != 1 {
		t.Errorf("%d text rows left, want 1", n)
	}
}

// TestSearchBounded checks a query matching more chunks than are ranked: it still returns
// Limit hits, only of its own assessment, best first, with the filters applied before the
// bound.
func TestSearchBounded(t *testing.T) {
	ctx := context.Background()
	ix, st, id := openIndex(t)
	other, err := st.CreateAssessment(ctx, store.NewAssessment{Name: "other"}, "tester")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for i := range 40 {
		files[fmt.Sprintf("f%02d.txt", i)] = []byte(strings.Repeat(fmt.Sprintf("договор %d ", i), 1+i%5) + "\n")
	}
	files["z/special.csv"] = []byte("name,note\nx,договор договор договор особый\n")
	otherRoot := writeTree(t, files)
	root := writeTree(t, files)
	if _, err := ix.Add(ctx, other.ID, []string{otherRoot}, "tester", AddOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Add(ctx, id, []string{root}, "tester", AddOptions{}); err != nil {
		t.Fatal(err)
	}
	defer func(n int) { maxRanked = n }(maxRanked)
	maxRanked = 10
	hits, err := ix.Search(ctx, id, Query{Text: "договор", Limit: 5})
	if err != nil || len(hits) != 5 {
		t.Fatalf("hits %d, %v", len(hits), err)
	}
	for i, h := range hits {
		if i > 0 && h.Rank < hits[i-1].Rank {
			t.Errorf("hit %d ranked before a better one", i)
		}
		if !strings.Contains(h.Snippet, "[договор]") {
			t.Errorf("snippet %q", h.Snippet)
		}
	}
	hits, err = ix.Search(ctx, id, Query{Text: "договор", PathGlob: "*.csv"})
	if err != nil || len(hits) != 1 || !strings.HasSuffix(hits[0].Path, "z/special.csv") {
		t.Fatalf("glob past the bound: %+v %v", hits, err)
	}
	special := hits[0].Path
	hits, err = ix.Search(ctx, id, Query{Text: "договор", File: special})
	if err != nil || len(hits) != 1 || hits[0].Path != special {
		t.Fatalf("file past the bound: %+v %v", hits, err)
	}
	if hits, err := ix.Search(ctx, id, Query{Text: "договор", File: "nope.txt"}); err == nil || !strings.Contains(err.Error(), `no evidence file "nope.txt"`) || len(hits) != 0 {
		t.Fatalf("unknown file: %+v %v", hits, err)
	}
	hits, err = ix.Search(ctx, other.ID, Query{Text: "особый"})
	if err != nil || len(hits) != 1 {
		t.Fatalf("other assessment: %+v %v", hits, err)
	}
	maxRanked = 1000
	all, _ := ix.Search(ctx, id, Query{Text: "договор", Limit: 100})
	if len(all) != 41 {
		t.Errorf("%d hits, want 41", len(all))
	}
}

func TestSnippet(t *testing.T) {
	words := func(from, to int) string {
		var w []string
		for i := from; i < to; i++ {
			w = append(w, fmt.Sprintf("w%d", i))
		}
		return strings.Join(w, " ")
	}
	long := words(0, 30) + ". Договор подписан, ИВАНОВ доволен; " + words(30, 60)
	for _, c := range []struct {
		text, query, want string
	}{
		{"короткий текст: договор.", "договор", "короткий текст: договор."},
		{long, "договор", "…w28 w29. Договор подписан, ИВАНОВ доволен; w30 w31 w32 w33 w34 w35 w36 w37 w38 w39…"},
		{long, "иванов w0", words(0, 16) + "…"}, // as many different words: the earliest
		{long, "w3 иванов w41", "…Договор подписан, ИВАНОВ доволен; w30 w31 w32 w33 w34 w35 w36 w37 w38 w39 w40 w41…"},
		{long, "подпис*", "…w29. Договор подписан, ИВАНОВ доволен; w30 w31 w32 w33 w34 w35 w36 w37 w38 w39 w40…"},
		{long, "нет", words(0, 16) + "…"},
		{long, "w59", "…" + words(44, 60)},
		{long, "w0", words(0, 16) + "…"},
		// One line per row: the snippet is the row with the words, never the next row.
		{"id | name | city\n1 | Ivan Petrov | Almaty\n2 | Anna Petrova | Astana\n3 | Anna Kim | Almaty", "anna almaty", "3 | Anna Kim | Almaty"},
		{"id | name | city\n1 | Ivan Petrov | Almaty\n2 | Anna Petrova | Astana\n3 | Anna Kim | Almaty", "petrov*", "1 | Ivan Petrov | Almaty"},
		{"первая строка\n\nвторая строка с договором\nтретья", "договором", "вторая строка с договором"},
	} {
		if got, _ := snippet(c.text, queryTerms(c.query), 16); got != c.want {
			t.Errorf("snippet(%q):\n got %q\nwant %q", c.query, got, c.want)
		}
	}
}
