package evidence

import (
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// nestedZip wraps content in depth levels of zip archives.
func nestedZip(t *testing.T, depth int) []byte {
	data := usersCSV()
	name := "users.csv"
	for i := 0; i < depth; i++ {
		data = zipOf(t, map[string][]byte{name: data})
		name = "level.zip"
	}
	return data
}

// TestHostileInputs: each hostile file ends as skipped or failed with a reason, and the scan
// goes on to index the good file beside them.
func TestHostileInputs(t *testing.T) {
	random := make([]byte, 4096)
	rand.Read(random)
	good := zipOf(t, map[string][]byte{"a.csv": usersCSV()})
	root := writeTree(t, map[string][]byte{
		"good.csv":         usersCSV(),
		"truncated.zip":    good[:len(good)/2],
		"random.pdf":       random,
		"random.xlsx":      random,
		"invalid-utf8.txt": {0xff, 0xfe, 0xfd, 'a', '@', 0xc3, 0x28, '\n', 0x80, 0x81},
		"empty.csv":        {},
		"zero.jpg":         {},
		"deep.zip":         nestedZip(t, 5),
		"bomb.zip":         zipOf(t, map[string][]byte{"zeros.csv": make([]byte, 4<<20)}),
	})
	got := scanAll(t, []string{root}, Options{Workers: 2})
	want := map[string]string{ // path → status
		"samples/good.csv":         StatusIndexed,
		"samples/truncated.zip":    "",
		"samples/random.pdf":       "",
		"samples/random.xlsx":      "",
		"samples/invalid-utf8.txt": StatusIndexed,
		"samples/empty.csv":        StatusSkipped,
		"samples/zero.jpg":         "",
	}
	for path, status := range want {
		r, ok := got[path]
		if !ok {
			t.Errorf("%s not reported", path)
			continue
		}
		if status == "" { // must not be indexed, and must say why
			if r.Status == StatusIndexed || r.Reason == "" {
				t.Errorf("%s: %s with reason %q, want skipped or failed with a reason", path, r.Status, r.Reason)
			}
		} else if r.Status != status {
			t.Errorf("%s: %s (%s), want %s", path, r.Status, r.Reason, status)
		}
	}
	if got["samples/good.csv"].Counts["kz_iin"] != 2 {
		t.Errorf("the good file beside the hostile ones was not indexed: %+v", got["samples/good.csv"])
	}
	deep := false
	for p, r := range got {
		if strings.HasPrefix(p, "samples/deep.zip!") && strings.Contains(r.Reason, "nested deeper") {
			deep = true
		}
	}
	if !deep {
		t.Errorf("no entry of deep.zip reports the depth limit: %v", keys(got))
	}
	if r := got["samples/bomb.zip!zeros.csv"]; r.Status == StatusIndexed || !strings.Contains(r.Reason, "ratio") {
		t.Errorf("zip bomb entry: %+v", r)
	}
}

// TestFileVanishesMidScan: a file removed between the walk and its reading ends as failed, and
// the scan goes on.
func TestFileVanishesMidScan(t *testing.T) {
	root := writeTree(t, map[string][]byte{"a.csv": usersCSV(), "b.csv": usersCSV()})
	opts := Options{Unchanged: func(path string, _ int64, _ time.Time) bool {
		if path == "samples/a.csv" {
			os.Remove(filepath.Join(root, "a.csv"))
		}
		return false
	}}
	got := scanAll(t, []string{root}, opts)
	if r := got["samples/a.csv"]; r.Status != StatusFailed || !strings.Contains(r.Reason, "cannot open") {
		t.Errorf("vanished file: %+v", r)
	}
	if got["samples/b.csv"].Status != StatusIndexed {
		t.Errorf("scan did not go on: %+v", got["samples/b.csv"])
	}
}

func TestRemove(t *testing.T) {
	ctx := context.Background()
	ix, st, id := openIndex(t)
	root := sampleTree(t)
	if _, err := ix.Add(ctx, id, []string{root}, "tester", AddOptions{}); err != nil {
		t.Fatal(err)
	}
	n, err := ix.Remove(ctx, id, "samples/archive.zip", "tester")
	if err != nil || n < 3 {
		t.Fatalf("remove archive: %d %v", n, err)
	}
	files, _ := ix.Files(ctx, id)
	for _, f := range files {
		if strings.HasPrefix(f.Path, "samples/archive.zip") {
			t.Errorf("%s still listed", f.Path)
		}
	}
	if hits, _ := ix.Search(ctx, id, Query{Text: "aigerim", PathGlob: "samples/archive.zip*"}); len(hits) != 0 {
		t.Errorf("removed text still searchable: %+v", hits)
	}
	var dets int
	st.DB().QueryRow(`SELECT count(*) FROM evidence_detections d LEFT JOIN evidence_files f ON f.id = d.file_id WHERE f.id IS NULL`).Scan(&dets)
	if dets != 0 {
		t.Errorf("%d orphan detections", dets)
	}
	if _, err := ix.Remove(ctx, id, "samples/nope.csv", "tester"); err == nil || !strings.Contains(err.Error(), `"samples/nope.csv"`) {
		t.Errorf("removing nothing: %v", err)
	}
	if v, err := st.VerifyLog(ctx, id); err != nil || !v.OK {
		t.Errorf("log after remove: %+v %v", v, err)
	}
	n, err = ix.Remove(ctx, id, "samples", "tester")
	if err != nil || n == 0 {
		t.Errorf("remove folder: %d %v", n, err)
	}
	if files, _ := ix.Files(ctx, id); len(files) != 0 {
		t.Errorf("files left after removing the folder: %d", len(files))
	}
}
