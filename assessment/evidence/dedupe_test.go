package evidence

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSameFileCountedOnce: a file reached twice in one scan (a folder and a file inside it
// given together, a symlink to a file of the folder) is read once; the second path is skipped
// naming the first, and the totals count the file once. A file kept directly wins over its
// symlink whatever the walk order.
func TestSameFileCountedOnce(t *testing.T) {
	root := writeTree(t, map[string][]byte{"users.csv": usersCSV(), "notes.txt": []byte("mail aigerim@example.com\n")})
	if err := os.Symlink(filepath.Join(root, "users.csv"), filepath.Join(root, "a-latest.csv")); err != nil {
		t.Fatal(err)
	}
	got := scanAll(t, []string{root, filepath.Join(root, "users.csv")}, Options{})
	tests := []struct{ path, status, reason string }{
		{"samples/users.csv", StatusIndexed, ""},
		{"samples/notes.txt", StatusIndexed, ""},
		{"samples/a-latest.csv", StatusSkipped, "the same file as samples/users.csv"},
		{"users.csv", StatusSkipped, "the same file as samples/users.csv"},
	}
	for _, tt := range tests {
		r, ok := got[tt.path]
		if !ok {
			t.Fatalf("%s not reported; got %v", tt.path, keys(got))
		}
		if r.Status != tt.status || r.Reason != tt.reason {
			t.Errorf("%s: %s %q, want %s %q", tt.path, r.Status, r.Reason, tt.status, tt.reason)
		}
	}
	emails := 0
	for _, r := range got {
		emails += r.Counts["email"]
	}
	if want := got["samples/users.csv"].Counts["email"] + 1; emails != want || want < 2 {
		t.Errorf("%d e-mails in all, want %d (users.csv once, notes.txt once)", emails, want)
	}
}

// TestAttachedUnderAnotherPath: adding a file that is already evidence under another path
// skips it with the path it is attached as; adding it under its own path again is the usual
// incremental run.
func TestAttachedUnderAnotherPath(t *testing.T) {
	ctx := context.Background()
	root := writeTree(t, map[string][]byte{"users.csv": usersCSV()})
	ix, st, id := openIndex(t)
	if _, err := ix.Add(ctx, id, []string{root}, "tester", AddOptions{}); err != nil {
		t.Fatal(err)
	}
	rep, err := ix.Add(ctx, id, []string{filepath.Join(root, "users.csv")}, "tester", AddOptions{})
	if err != nil || rep.Indexed != 0 || rep.Skipped != 1 || len(rep.Detections) != 0 {
		t.Fatalf("second add: %+v %v", rep, err)
	}
	files, err := ix.Files(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]string{}
	for _, f := range files {
		states[f.Path] = f.Status + ": " + f.Reason
	}
	if !strings.HasPrefix(states["users.csv"], "skipped: already attached as samples/users.csv") || states["samples/users.csv"] != "indexed: " {
		t.Errorf("files after adding users.csv on its own: %v", states)
	}
	sum, err := Summary(ctx, st, id)
	if err != nil {
		t.Fatal(err)
	}
	if sum["email"] != 2 {
		t.Errorf("the evidence summary the grading reads counts %d e-mails, want 2 (the file once)", sum["email"])
	}
	if rep, err = ix.Add(ctx, id, []string{root}, "tester", AddOptions{}); err != nil || rep.Stats.Unchanged != 1 || rep.Indexed != 0 {
		t.Errorf("re-adding the folder: %+v %v", rep, err)
	}
	if rep, err = ix.Add(ctx, id, []string{root}, "tester", AddOptions{Reindex: true}); err != nil || rep.Stats.Unchanged != 0 || rep.Indexed != 1 {
		t.Errorf("re-adding the folder with Reindex: %+v %v; want the file read again", rep, err)
	}
	if sum, err := Summary(ctx, st, id); err != nil || sum["email"] != 2 {
		t.Errorf("after reindexing, the summary counts %v e-mails (%v), want 2", sum["email"], err)
	}
}

// TestLinks: values of the sample tree found in several files (the users CSV, its copy in a
// nested archive, the log and the note naming the same people) are linked across them with
// their masked previews, the most widely spread first; a type filter and a higher minimum of
// files narrow the list.
func TestLinks(t *testing.T) {
	ctx := context.Background()
	root := sampleTree(t)
	ix, _, id := openIndex(t)
	if _, err := ix.Add(ctx, id, []string{root}, "tester", AddOptions{}); err != nil {
		t.Fatal(err)
	}
	links, err := ix.Links(ctx, id, LinkQuery{})
	if err != nil {
		t.Fatal(err)
	}
	const csv, inner = "samples/users.csv", "samples/archive.zip!nested.zip!inner/users.csv"
	got := []string{}
	for _, l := range links {
		got = append(got, fmt.Sprintf("%s %s %d %s", l.Type, l.Preview, l.Occurrences, strings.Join(l.Files, ",")))
	}
	want := []string{
		"email a***@example.com 3 " + inner + ",samples/archive.zip!notes.txt," + csv,
		"email i***@example.kz 3 samples/app.log," + inner + "," + csv,
	}
	if len(got) < 2 || strings.Join(got[:2], "\n") != strings.Join(want, "\n") {
		t.Errorf("the most widely spread links:\n%s\nwant first:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	byType := map[string]int{}
	for _, l := range links[min(2, len(links)):] {
		byType[l.Type]++
		if strings.Join(l.Files, ",") != inner+","+csv || l.Occurrences != 2 {
			t.Errorf("link %+v, want one occurrence in each copy of the CSV", l)
		}
	}
	// The two people of the CSV: two IINs and two names (in a name column), besides the e-mails.
	if byType["kz_iin"] != 2 || byType["person_name"] != 2 || len(links) != 6 {
		t.Errorf("links by type %v of %d, want 2 kz_iin and 2 person_name of 6:\n%s", byType, len(links), strings.Join(got, "\n"))
	}
	if only, _ := ix.Links(ctx, id, LinkQuery{Types: []string{"kz_iin"}}); len(only) != 2 || only[0].Type != "kz_iin" || only[1].Type != "kz_iin" {
		t.Errorf("type filter: %+v", only)
	}
	if three, err := ix.Links(ctx, id, LinkQuery{MinFiles: 3}); err != nil || len(three) != 2 {
		t.Errorf("in three files or more: %+v %v; want the two e-mails", three, err)
	}
	if one, _ := ix.Links(ctx, id, LinkQuery{Limit: 1}); len(one) != 1 {
		t.Errorf("limit 1: %+v", one)
	}
}

// TestTouchedNotReindexed: a file whose modification time changed but whose bytes did not
// (a copy, a checkout) is hashed, not extracted again, and its new time is recorded so the
// next run skips it outright; a change of content of the same size is indexed again.
func TestTouchedNotReindexed(t *testing.T) {
	ctx := context.Background()
	root := writeTree(t, map[string][]byte{"users.csv": usersCSV()})
	file := filepath.Join(root, "users.csv")
	ix, st, id := openIndex(t)
	if rep, err := ix.Add(ctx, id, []string{root}, "tester", AddOptions{}); err != nil || rep.Indexed != 1 {
		t.Fatalf("first add: %+v %v", rep, err)
	}
	var fileID int64
	st.DB().QueryRow(`SELECT id FROM evidence_files WHERE path = 'samples/users.csv'`).Scan(&fileID)
	later := time.Now().Add(time.Hour).Truncate(time.Second)
	if err := os.Chtimes(file, later, later); err != nil {
		t.Fatal(err)
	}
	rep, err := ix.Add(ctx, id, []string{root}, "tester", AddOptions{})
	if err != nil || rep.Indexed != 0 || rep.Stats.Unchanged != 1 || rep.Stats.Files != 0 || len(rep.Detections) != 0 {
		t.Fatalf("add after touching the file: %+v %v; want it unchanged", rep, err)
	}
	var sameID int64
	var mtime string
	st.DB().QueryRow(`SELECT id, mtime FROM evidence_files WHERE path = 'samples/users.csv'`).Scan(&sameID, &mtime)
	if sameID != fileID || mtime != formatTime(later) {
		t.Errorf("record %d with time %q after the touch, want record %d with %q", sameID, mtime, fileID, formatTime(later))
	}
	if sum, _ := Summary(ctx, st, id); sum["email"] != 2 {
		t.Errorf("summary after the touch: %v", sum)
	}
	// Same size, other bytes, a new time: read again.
	changed := bytes.Replace(usersCSV(), []byte("ivan@"), []byte("oleg@"), 1)
	if err := os.WriteFile(file, changed, 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(file, later.Add(time.Hour), later.Add(time.Hour))
	if rep, err := ix.Add(ctx, id, []string{root}, "tester", AddOptions{}); err != nil || rep.Indexed != 1 || rep.Stats.Unchanged != 0 {
		t.Errorf("add after a change of content: %+v %v; want it indexed", rep, err)
	}
	if hits, _ := ix.Search(ctx, id, Query{Text: "oleg", Reveal: true}); len(hits) != 1 {
		t.Errorf("the new content is not searchable: %+v", hits)
	}
}

// TestGzipEvidence: a rotated log (app.log.1.gz) is read like the log it holds, its entry
// named as in an archive; a gzip inside a zip too; a gzip bomb is skipped with its reason.
func TestGzipEvidence(t *testing.T) {
	gzipped := func(name string, data []byte) []byte {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		w.Name = name
		w.Write(data)
		w.Close()
		return b.Bytes()
	}
	log := []byte("2024-05-01 login user=ivan@example.kz\n2024-05-02 login user=aigerim@example.com\n")
	root := writeTree(t, map[string][]byte{
		"app.log.1.gz": gzipped("app.log.1", log),
		"old.zip":      zipOf(t, map[string][]byte{"app.log.2.gz": gzipped("", log)}),
		"bomb.gz":      gzipped("zeros", make([]byte, 8<<20)),
	})
	got := scanAll(t, []string{root}, Options{})
	for _, path := range []string{"samples/app.log.1.gz!app.log.1", "samples/old.zip!app.log.2.gz!app.log.2"} {
		if r := got[path]; r.Status != StatusIndexed || r.Counts["email"] != 2 {
			t.Errorf("%s: %s %q %v; want indexed with 2 e-mails (got %v)", path, r.Status, r.Reason, r.Counts, keys(got))
		}
	}
	if r := got["samples/bomb.gz!zeros"]; r.Status != StatusSkipped || !strings.Contains(r.Reason, "possible zip bomb") {
		t.Errorf("bomb: %s %q", r.Status, r.Reason)
	}
	if r := got["samples/app.log.1.gz"]; r.Status != StatusIndexed || r.Mime != "application/gzip" {
		t.Errorf("the gzip file itself: %+v", r)
	}
}
