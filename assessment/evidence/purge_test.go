package evidence

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dpia-tool/dpia/assessment/store"
)

// TestPurgeRemovesTheBytes: a value indexed without redaction is in the database files;
// after purging its file it is in neither the database nor its write-ahead log, the other
// evidence stays, and the purge is in the verified event log.
func TestPurgeRemovesTheBytes(t *testing.T) {
	ctx := context.Background()
	const secret = "purge.target.7731@example.org"
	secretIIN := manyIINs(40)[39]
	root := writeTree(t, map[string][]byte{
		"users.csv":  usersCSV(),
		"secret.txt": []byte("Write to " + secret + ", IIN " + secretIIN + ".\n"),
		"bundle.zip": zipOf(t, map[string][]byte{"inner.txt": []byte("also " + secret + "\n")}),
	})
	ix, st, id := openIndex(t)
	if _, err := ix.Add(ctx, id, []string{root}, "tester", AddOptions{}); err != nil {
		t.Fatal(err)
	}
	if b := workspaceBytes(t, st); !bytes.Contains(b, []byte(secret)) || !bytes.Contains(b, []byte(secretIIN)) {
		t.Fatal("the raw values are not in the database before the purge: the test proves nothing")
	}
	for _, p := range []string{"samples/secret.txt", "samples/bundle.zip"} {
		rep, err := ix.Purge(ctx, id, p, "dpo")
		if err != nil || rep.Files == 0 || rep.BytesAfter == 0 {
			t.Fatalf("purge %s: %+v %v", p, rep, err)
		}
	}
	b := workspaceBytes(t, st)
	for _, v := range []string{secret, secretIIN, "purge.target"} {
		if bytes.Contains(b, []byte(v)) {
			t.Errorf("%q is still in the database files after the purge", v)
		}
	}
	files, _ := ix.Files(ctx, id)
	if len(files) != 1 || files[0].Path != "samples/users.csv" {
		t.Errorf("files after the purge: %+v", files)
	}
	if hits, _ := ix.Search(ctx, id, Query{Text: "aigerim"}); len(hits) != 1 {
		t.Errorf("the evidence left is no longer searchable: %+v", hits)
	}
	evs, _ := st.Events(ctx, id)
	var purges []string
	for _, e := range evs {
		if e.Kind == KindPurge {
			purges = append(purges, e.Subject+" "+e.Old)
		}
	}
	if len(purges) != 2 || !strings.Contains(purges[1], `"samples/bundle.zip!inner.txt"`) {
		t.Errorf("purge events: %q", purges)
	}
	if v, err := st.VerifyLog(ctx, id); err != nil || !v.OK {
		t.Errorf("log after purge: %+v %v", v, err)
	}
	// Purging again only compacts; an unknown path is an error naming it.
	if rep, err := ix.Purge(ctx, id, "samples/secret.txt", "dpo"); err != nil || rep.Files != 0 {
		t.Errorf("purge again: %+v %v", rep, err)
	}
	if _, err := ix.Purge(ctx, id, "samples/nope.csv", "dpo"); err == nil || !strings.Contains(err.Error(), `"samples/nope.csv"`) {
		t.Errorf("purge of an unknown path: %v", err)
	}
}

// TestPurgeCompactBusy: while another connection reads the workspace, compaction cannot
// finish; the rows are gone, the error says so, and purging again later completes it.
func TestPurgeCompactBusy(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "ws")
	st, err := store.Open(ctx, dir, store.Options{BusyTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	as, _ := st.CreateAssessment(ctx, store.NewAssessment{Name: "X"}, "tester")
	ix, err := OpenIndex(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	root := writeTree(t, map[string][]byte{"users.csv": usersCSV(), "more.csv": usersCSV()})
	if _, err := ix.Add(ctx, as.ID, []string{root}, "tester", AddOptions{}); err != nil {
		t.Fatal(err)
	}
	other, err := sql.Open("sqlite", filepath.Join(dir, store.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	tx, err := other.Begin()
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := tx.QueryRow(`SELECT count(*) FROM evidence_files`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	_, err = ix.Purge(ctx, as.ID, "samples/users.csv", "dpo")
	if !errors.Is(err, ErrCompact) {
		t.Fatalf("purge while another connection reads: %v, want ErrCompact", err)
	}
	tx.Rollback()
	if files, _ := ix.Files(ctx, as.ID); len(files) != 1 {
		t.Errorf("the rows were not removed: %d files", len(files))
	}
	if rep, err := ix.Purge(ctx, as.ID, "samples/users.csv", "dpo"); err != nil || rep.Files != 0 {
		t.Errorf("finishing the purge: %+v %v", rep, err)
	}
}
