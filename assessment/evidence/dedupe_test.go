package evidence

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
