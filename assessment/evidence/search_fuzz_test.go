package evidence

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/dpia-tool/dpia/assessment/evidence/terms"
	"github.com/dpia-tool/dpia/assessment/store"
)

var fuzzQueries = []string{"ivan", `"a" OR b*`, "NEAR(a b)", "col:x", `"*`, "a AND", "^x", "-x", "ivan*", "9001*",
	"*", "((", "\x00", "é", "x\xff", "  ", `""""`, "Иван*", "a-b", "a:b", "{a b}", "a + b"}

// FuzzFTSQuery: whatever a user types becomes a query that FTS5 accepts (no syntax error,
// ever), and a query without words is empty.
func FuzzFTSQuery(f *testing.F) {
	for _, q := range fuzzQueries {
		f.Add(q)
	}
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		f.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	// The full-text index as the workspace has it (schema migration 7).
	if _, err := db.Exec(`CREATE VIRTUAL TABLE t USING fts5(words, content = '', contentless_delete = 1, tokenize = 'ascii')`); err != nil {
		f.Fatal(err)
	}
	for _, text := range []string{"Ivan Petrov 900101300017 ivan@mail.kz", "Иванов Иван"} {
		if _, err := db.Exec(`INSERT INTO t (words) VALUES (?)`, string(terms.Append(nil, text))); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, text string) {
		q := FTSQuery(text)
		if q == "" {
			// Valid UTF-8 (invalid bytes are read as SQLite reads them, see package terms).
			if utf8.ValidString(text) && hasWordChar(text) && !strings.ContainsAny(text, `"*`) {
				t.Fatalf("words %q gave an empty query", text)
			}
			return
		}
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM t WHERE t MATCH ?`, q).Scan(&n); err != nil {
			t.Fatalf("FTSQuery(%q) = %q: FTS5 refuses it: %v", text, q, err)
		}
	})
}

// FuzzSearch: any query searches without error, snippets are valid text with balanced marks,
// and a masked snippet never shows a raw IIN, card number or e-mail address of the evidence.
func FuzzSearch(f *testing.F) {
	for _, q := range fuzzQueries {
		f.Add(q)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(f.TempDir(), "ws"), store.Options{})
	if err != nil {
		f.Fatal(err)
	}
	defer st.Close()
	as, _ := st.CreateAssessment(ctx, store.NewAssessment{Name: "X"}, "t")
	ix, err := OpenIndex(ctx, st)
	if err != nil {
		f.Fatal(err)
	}
	raw := []string{iins[0], iins[1], "4111111111111111", "ivan@example.kz", "aigerim@example.com", "p.k@mail.kz"}
	root := writeTree(f, map[string][]byte{
		"users.csv": usersCSV(),
		"notes.txt": []byte("Card 4111111111111111 of p.k@mail.kz, IIN " + iins[0] + ", phone +7 701 765 43 21.\n"),
	})
	if _, err := ix.Add(ctx, as.ID, []string{root}, "t", AddOptions{}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		hits, err := ix.Search(ctx, as.ID, Query{Text: text})
		if err != nil {
			t.Fatalf("search %q: %v", text, err)
		}
		for _, h := range hits {
			if !utf8.ValidString(h.Snippet) {
				t.Fatalf("snippet is not UTF-8: %q", h.Snippet)
			}
			var joined strings.Builder
			for _, s := range h.Segments {
				joined.WriteString(s.Text)
			}
			plain := strings.NewReplacer("[", "", "]", "").Replace(h.Snippet)
			for _, v := range raw {
				if strings.Contains(plain, v) || strings.Contains(joined.String(), v) {
					t.Fatalf("search %q: masked snippet %q shows %q", text, h.Snippet, v)
				}
			}
		}
	})
}

// FuzzHighlight: highlighting only adds balanced marks around whole words, and masking digit
// runs keeps the text's length and is idempotent.
func FuzzHighlight(f *testing.F) {
	for _, q := range fuzzQueries {
		f.Add("Ivan Petrov | 9001******17 | i***@mail.kz +7 701 765 43 21", q)
	}
	f.Fuzz(func(t *testing.T, snippet, query string) {
		if !utf8.ValidString(snippet) {
			snippet = strings.ToValidUTF8(snippet, "?")
		}
		snippet = strings.NewReplacer(markOpen, "", markClose, "").Replace(snippet)
		h := highlight(snippet, query)
		if strings.NewReplacer(markOpen, "", markClose, "").Replace(h) != snippet {
			t.Fatalf("highlight changed the text: %q → %q", snippet, h)
		}
		if strings.Count(h, markOpen) != strings.Count(h, markClose) {
			t.Fatalf("unbalanced marks: %q", h)
		}
		m := maskDigitRuns(snippet)
		if utf8.RuneCountInString(m) != utf8.RuneCountInString(snippet) {
			t.Fatalf("maskDigitRuns changed the length: %q → %q", snippet, m)
		}
		if maskDigitRuns(m) != m {
			t.Fatalf("maskDigitRuns is not idempotent: %q → %q → %q", snippet, m, maskDigitRuns(m))
		}
	})
}

// hasWordChar reports whether s holds a letter or digit (a word the index would keep).
func hasWordChar(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}
