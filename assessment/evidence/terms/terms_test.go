package terms

import (
	"database/sql"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	_ "modernc.org/sqlite"
)

// unicode61 returns the words SQLite's unicode61 tokenizer (remove_diacritics 2, as the index
// used before folding moved into Go) finds in text, in order.
func unicode61(t testing.TB, db *sql.DB, text string) []string {
	t.Helper()
	if _, err := db.Exec(`DELETE FROM u`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO u (rowid, text) VALUES (1, ?)`, text); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(`SELECT term FROM uv ORDER BY offset`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var w string
		if err := rows.Scan(&w); err != nil {
			t.Fatal(err)
		}
		out = append(out, w)
	}
	return out
}

func openUnicode61(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	for _, q := range []string{
		`CREATE VIRTUAL TABLE u USING fts5(text, tokenize = 'unicode61 remove_diacritics 2')`,
		`CREATE VIRTUAL TABLE uv USING fts5vocab(u, instance)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestWordsMatchUnicode61: for the scripts of the evidence dpia reads (English, Russian,
// Kazakh, Latin with diacritics), folding in Go finds the words the index's former tokenizer
// found, so a search finds what it found before.
func TestWordsMatchUnicode61(t *testing.T) {
	db := openUnicode61(t)
	tests := []string{
		"Hello, World! e-mail: user.name@example.kz",
		"Иванов Иван Иванович, ИИН 900101300123, тел. +7 (701) 123-45-67",
		"Қазақстан Республикасы, Әлихан Бөкейхан, ұлттық, үкімет, іс, ғылым, өнер, һ",
		"Ёлка, йогурт, ЁЖ, Йошкар-Ола",
		"Café crème brûlée, naïve façade, Ångström, Øre, Straße, ÆSIR, œuvre, İstanbul, ŁÓDŹ",
		"dépôt 2024-03-01T10:00:00Z id=42 ratio 3.14 №5 100%",
		"tab\there\nnew line; «кавычки» — тире … многоточие",
		"e\u0301t\u0301e\u0301 (decomposed), x\u0308y, \u0301lead",
		"Ελληνικά ΣΊΣΥΦΟΣ, עברית, العربية ١٢٣",
		"emoji 😀 and 中文字符 and ｆｕｌｌｗｉｄｔｈ",
		"",
		"   ",
		"a\xffb invalid utf-8 \xc3",
	}
	for _, text := range tests {
		want := unicode61(t, db, text)
		if got := Words(text); !slices.Equal(got, want) {
			t.Errorf("Words(%q)\n got %q\nwant %q", text, got, want)
		}
	}
}

// FuzzWords compares folding with unicode61 on arbitrary text of the scripts above (runes
// outside them are not promised to fold alike: the index and queries fold the same way).
func FuzzWords(f *testing.F) {
	f.Add("Иванов Café Қазақ 123 e\u0301")
	f.Add("a-b_c.d")
	db := openUnicode61(f)
	known := knownDifferences(f)
	f.Fuzz(func(t *testing.T, text string) {
		for i := 0; i < len(text); { // runes as SQLite reads them
			r := rune(text[i])
			if r < utf8.RuneSelf {
				i++
			} else {
				r, i = decode(text, i)
			}
			// Nor are the runes this package folds otherwise on purpose, or by newer tables
			// (TestRunesMatchUnicode61 lists them all).
			if r >= 0x500 && r != utf8.RuneError || r == 0 || !assigned(r) || known[r] {
				t.Skip()
			}
		}
		got, want := Words(text), unicode61(t, db, text)
		if !slices.Equal(got, want) {
			t.Errorf("Words(%q)\n got %q\nwant %q", text, got, want)
		}
		if joined := string(Append(nil, text)); strings.Contains(joined, "  ") || strings.HasPrefix(joined, " ") {
			t.Errorf("Append(%q) = %q: a double or leading space", text, joined)
		}
	})
}

func assigned(r rune) bool {
	return unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Z, unicode.Cc, unicode.Cf, unicode.Co)
}

func BenchmarkAppend(b *testing.B) {
	text := strings.Repeat("Иванов Иван, ИИН 900101300123, email ivanov@example.kz, Қазақстан; café 2024-03-01\n", 100)
	b.SetBytes(int64(len(text)))
	var buf []byte
	for b.Loop() {
		buf = Append(buf[:0], text)
	}
}
