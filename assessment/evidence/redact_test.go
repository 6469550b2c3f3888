package evidence

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dpia-tool/dpia/assessment/store"
)

// iinWithCheck completes an 11-digit IIN prefix with its check digit; ok is false when the
// prefix has none.
func iinWithCheck(prefix string) (string, bool) {
	sum := func(w []int) int {
		s := 0
		for i, c := range prefix {
			s += int(c-'0') * w[i]
		}
		return s % 11
	}
	d := sum([]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})
	if d == 10 {
		d = sum([]int{3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2})
	}
	if d == 10 {
		return "", false
	}
	return prefix + string(rune('0'+d)), true
}

// manyIINs returns n valid IINs of people born on 1 January 1990.
func manyIINs(n int) []string {
	var out []string
	for i := 0; len(out) < n; i++ {
		if iin, ok := iinWithCheck(fmt.Sprintf("9001013%04d", i)); ok {
			out = append(out, iin)
		}
	}
	return out
}

// privateTree is evidence full of raw values, and the values.
func privateTree(t testing.TB) (string, []string) {
	people := manyIINs(1500)
	var big strings.Builder
	big.WriteString("client_id,iin,email\n")
	raw := []string{"Иванов", "Aigerim", "ivan@example.kz", "aigerim@example.com", iins[0], iins[1],
		"+7 701 765 43 21", "4111111111111111", "5500 0000 0000 0004", "audit.person@example.org"}
	for i, iin := range people {
		fmt.Fprintf(&big, "%d,%s,user%d@example.net\n", i, iin, i)
	}
	raw = append(raw, people[0], people[999], people[1000], people[1499], "user1234@example.net")
	root := writeTree(t, map[string][]byte{
		"users.csv": usersCSV(),
		"big.csv":   []byte(big.String()),
		"notes.txt": []byte("Call +7 701 765 43 21 about card 4111111111111111.\nPaid with 5500 0000 0000 0004 by audit.person@example.org\n"),
	})
	return root, raw
}

// workspaceBytes is the content of the workspace database and its write-ahead log.
func workspaceBytes(t testing.TB, st *store.SQLite) []byte {
	t.Helper()
	var all []byte
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(filepath.Join(st.Dir(), store.DBFile+suffix))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

func TestRedactStoresNoRawValues(t *testing.T) {
	ctx := context.Background()
	root, raw := privateTree(t)
	plain, plainSt, plainID := openIndex(t)
	if _, err := plain.Add(ctx, plainID, []string{root}, "tester", AddOptions{}); err != nil {
		t.Fatal(err)
	}
	ix, st, id := openIndex(t)
	rep, err := ix.Add(ctx, id, []string{root}, "tester", AddOptions{Redact: true})
	if err != nil || rep.Indexed != 3 {
		t.Fatalf("redacted add: %+v %v", rep, err)
	}
	plainBytes, redactedBytes := workspaceBytes(t, plainSt), workspaceBytes(t, st)
	for _, v := range raw {
		if !bytes.Contains(plainBytes, []byte(v)) {
			t.Errorf("%q is not in the unredacted workspace: the test proves nothing for it", v)
		}
		if bytes.Contains(redactedBytes, []byte(v)) {
			t.Errorf("raw value %q is in the redacted workspace database", v)
		}
		// The full-text index holds folded words ("иванов"), which the byte check above
		// would not see: ask the index for the value as a phrase.
		match := FTSQuery(v)
		count := func(st *store.SQLite) (n int) {
			if err := st.DB().QueryRow(`SELECT count(*) FROM evidence_words WHERE evidence_words MATCH ?`, match).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if count(plainSt) == 0 {
			t.Errorf("%q (%s) is not in the unredacted index: the test proves nothing for it", v, match)
		}
		if n := count(st); n != 0 {
			t.Errorf("raw value %q (%s) is in the redacted full-text index: %d chunks", v, match, n)
		}
	}
	// Redaction changes the text, never the detections.
	pf, _ := plain.Files(ctx, plainID)
	rf, _ := ix.Files(ctx, id)
	if fmt.Sprint(Totals(pf)) != fmt.Sprint(Totals(rf)) {
		t.Errorf("detections differ: plain %v, redacted %v", Totals(pf), Totals(rf))
	}
	// Text around the values stays searchable, and masked values show as masks.
	hits, err := ix.Search(ctx, id, Query{Text: "paid", Reveal: true})
	if err != nil || len(hits) != 1 || !strings.Contains(hits[0].Snippet, "5500 **** **** 0004") {
		t.Errorf("search in redacted text: %+v %v", hits, err)
	}
	var rows int
	st.DB().QueryRow(`SELECT count(*) FROM evidence_chunks`).Scan(&rows)
	var text string
	st.DB().QueryRow(`SELECT text FROM evidence_chunks t JOIN evidence_files f ON f.id = t.file_id
		WHERE f.path = 'samples/big.csv' ORDER BY t.id DESC LIMIT 1`).Scan(&text)
	if rows == 0 || !strings.Contains(text, "1499 | 9001") || !strings.Contains(text, "u***@example.net") {
		t.Errorf("the last rows of a long table were not kept masked: %d chunks, last %q", rows, tail(text))
	}
}

func tail(s string) string {
	if len(s) > 200 {
		return "…" + s[len(s)-200:]
	}
	return s
}

func TestHighlight(t *testing.T) {
	tests := []struct{ snippet, query, want string }{
		{"Contact i***@example.com or call", "call", "Contact i***@example.com or \x02call\x03"},
		{"Ivan Petrov | 9001******17", "ivan", "\x02Ivan\x03 Petrov | 9001******17"},
		{"Иванов Иван", "иван*", "\x02Иванов\x03 \x02Иван\x03"},
		{"no match here", "zzz", "no match here"},
		{"a-b c", `"a-b"`, "\x02a\x03-\x02b\x03 c"},
		{"text", "", "text"},
		{"café au lait", "caf*", "\x02café\x03 au lait"},
	}
	for _, tt := range tests {
		if got := highlight(tt.snippet, tt.query); got != tt.want {
			t.Errorf("highlight(%q, %q) = %q, want %q", tt.snippet, tt.query, got, tt.want)
		}
	}
}

// TestSearchMarksNeverSplitValues: a query word inside an e-mail address or a phone number
// must not stop the snippet from being masked (the marks used to split the value).
func TestSearchMarksNeverSplitValues(t *testing.T) {
	ctx := context.Background()
	root := writeTree(t, map[string][]byte{
		"notes.txt": []byte("Contact ivan.petrov@example.com or call +7 701 765 43 21 today.\n"),
	})
	ix, _, id := openIndex(t)
	if _, err := ix.Add(ctx, id, []string{root}, "tester", AddOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"ivan", "petrov", "example", "701", "765", "today"} {
		hits, err := ix.Search(ctx, id, Query{Text: q})
		if err != nil || len(hits) != 1 {
			t.Fatalf("search %q: %+v %v", q, hits, err)
		}
		plain := strings.NewReplacer("[", "", "]", "").Replace(hits[0].Snippet)
		for _, v := range []string{"ivan.petrov", "petrov@", "765 43", "765"} {
			if strings.Contains(plain, v) {
				t.Errorf("search %q: snippet %q shows %q", q, hits[0].Snippet, v)
			}
		}
	}
}

// TestRedactAfterPlainAdd: files first indexed in clear are read again when added with
// redaction, though unchanged, and then hold no raw value; adding them again (with or
// without redaction) leaves them masked and unread.
func TestRedactAfterPlainAdd(t *testing.T) {
	ctx := context.Background()
	root, raw := privateTree(t)
	ix, st, id := openIndex(t)
	if rep, err := ix.Add(ctx, id, []string{root}, "tester", AddOptions{}); err != nil || rep.Indexed != 3 {
		t.Fatalf("plain add: %+v %v", rep, err)
	}
	if !bytes.Contains(workspaceBytes(t, st), []byte(raw[0])) {
		t.Fatalf("%q is not in the workspace after a plain add: the test proves nothing", raw[0])
	}
	rep, err := ix.Add(ctx, id, []string{root}, "tester", AddOptions{Redact: true})
	if err != nil || rep.Indexed != 3 || rep.Stats.Unchanged != 0 || rep.Compacted != 3 {
		t.Fatalf("redacted add of the same files: %+v %v", rep, err)
	}
	// The clear text is gone from the database files and from the full-text index (whose
	// segments would keep deleted terms until merged).
	for _, v := range raw {
		if bytes.Contains(workspaceBytes(t, st), []byte(v)) {
			t.Errorf("raw value %q is still in the workspace after adding the files with --redact", v)
		}
		var n int
		if err := st.DB().QueryRow(`SELECT count(*) FROM evidence_words WHERE evidence_words MATCH ?`, FTSQuery(v)).Scan(&n); err != nil || n != 0 {
			t.Errorf("raw value %q is still in the full-text index: %d chunks, %v", v, n, err)
		}
	}
	var pending int
	st.DB().QueryRow(`SELECT count(*) FROM evidence_files WHERE redacted != ?`, Redacted).Scan(&pending)
	if pending != 0 {
		t.Errorf("%d files not marked redacted after the compaction", pending)
	}
	for _, opts := range []AddOptions{{Redact: true}, {}} {
		rep, err := ix.Add(ctx, id, []string{root}, "tester", opts)
		if err != nil || rep.Indexed != 0 || rep.Stats.Unchanged != 3 || rep.Compacted != 0 {
			t.Errorf("add again (redact %v): %+v %v; want the files unchanged", opts.Redact, rep, err)
		}
	}
	hits, err := ix.Search(ctx, id, Query{Text: "paid", Reveal: true})
	if err != nil || len(hits) != 1 || !strings.Contains(hits[0].Snippet, "5500 **** **** 0004") {
		t.Errorf("search after the adds shows %+v %v, want the masked text", hits, err)
	}
}
