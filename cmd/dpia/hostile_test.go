package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The hostile input suite: the binary meets every file of testdata/hostile (written by
// 'go run ./testdata/hostile/gen') and two large ones made here. Each run must end within
// hostileBound with an expected exit code, never a panic, and a failure must be one
// sentence. Scans must go on past a bad file and say why it was not indexed.

const hostileDir = "../../testdata/hostile"

// hostileBound is the most time one run may take (the slowest today takes about a second).
const hostileBound = 20 * time.Second

// hostileRSS is the most memory one run may reach (the bound for indexing is 300 MB;
// a hostile file must not cost more than an ordinary one).
const hostileRSS = 300 << 20

// hostileCase is one run of the binary on one hostile file.
type hostileCase struct {
	file  string   // under testdata/hostile (or "gen/" for a file made by the test)
	cmd   string   // scan, import, grade, validate or workspace
	codes []int    // acceptable exit codes
	want  string   // scan: text of a reason of the file or its entries; else: text of stderr
	multi bool     // stderr may list several problems ('packs validate')
	known string   // a known bug: the case is skipped with this reason
	extra []string // more arguments
}

var hostileCases = []hostileCase{
	{file: "archives/bomb.zip", cmd: "scan", want: "possible zip bomb"},
	{file: "archives/overlap-bomb.zip", cmd: "scan", want: "possible zip bomb"},
	{file: "archives/entries-10k.zip", cmd: "scan", want: "10001 entries"},
	{file: "archives/nested-5.zip", cmd: "scan", want: "nested deeper than 3"},
	{file: "archives/slip.zip", cmd: "scan", want: "rejected entry name"},
	{file: "archives/symlink.zip", cmd: "scan", want: "symbolic link not followed"},
	{file: "archives/truncated.zip", cmd: "scan", want: "malformed zip"},
	{file: "archives/not-a-zip.zip", cmd: "scan", want: "unsupported file type"},
	{file: "archives/bomb.gz", cmd: "scan", want: "possible zip bomb"},
	{file: "archives/truncated.gz", cmd: "scan", want: "corrupt gzip"},
	{file: "archives/bomb.zip", cmd: "import", codes: []int{1}, want: "refused"},
	{file: "archives/overlap-bomb.zip", cmd: "import", codes: []int{1}, want: "refused"},
	{file: "archives/entries-10k.zip", cmd: "import", codes: []int{1}, want: "refused"},
	{file: "archives/slip.zip", cmd: "import", codes: []int{1}, want: "unsafe name"},
	{file: "archives/truncated.zip", cmd: "import", codes: []int{1}, want: "not a zip archive"},
	{file: "pdf/truncated.pdf", cmd: "scan", want: "malformed PDF"},
	{file: "pdf/garbage.pdf", cmd: "scan", want: "malformed PDF"},
	{file: "pdf/many-objects.pdf", cmd: "scan", want: "more than 10000 pages"},
	{file: "pdf/deep-nesting.pdf", cmd: "scan", want: "malformed PDF"},
	{file: "pdf/self-length.pdf", cmd: "scan"},
	{file: "pdf/pages-loop.pdf", cmd: "scan", want: "page tree is deeper than 64 levels"},
	{file: "pdf/pages-dag.pdf", cmd: "scan", want: "page tree has more than"},
	{file: "spreadsheets/truncated.xlsx", cmd: "scan", want: "malformed XLSX"},
	{file: "spreadsheets/garbage.xlsx", cmd: "scan", want: "malformed XLSX"},
	{file: "spreadsheets/huge-dimension.xlsx", cmd: "scan"},
	{file: "spreadsheets/long-line.csv", cmd: "scan"},
	{file: "images/huge-dimensions.png", cmd: "scan", want: "50 Mpx limit"},
	{file: "images/huge-dimensions.jpg", cmd: "scan", want: "malformed image"},
	{file: "images/truncated.jpg", cmd: "scan", want: "malformed jpeg"},
	{file: "images/garbage.png", cmd: "scan", want: "malformed image"},
	{file: "images/png-bomb.png", cmd: "scan"},
	{file: "images/exif-loop.jpg", cmd: "scan"},
	{file: "images/exif-count-overflow.jpg", cmd: "scan"},
	{file: "spreadsheets/parquet-footers", cmd: "scan", want: "its footer claims"},
	{file: "packs/invalid.yaml", cmd: "validate", codes: []int{1}, want: "invalid.yaml:3:1"},
	{file: "packs/nil-items.yaml", cmd: "validate", codes: []int{1}, want: "sections: item 1 is empty"},
	{file: "packs/billion-laughs.yaml", cmd: "validate", codes: []int{1}, want: "billion-laughs.yaml"},
	{file: "packs/deep-nesting.yaml", cmd: "validate", codes: []int{1}, want: "nested deeper than 1000 levels"},
	{file: "packs/deep-maps.yaml", cmd: "validate", codes: []int{1}, want: "nested deeper than 1000 levels"},
	{file: "packs/wrong-types.yaml", cmd: "validate", codes: []int{1}, want: "wrong-types.yaml:1:5"},
	{file: "packs/nul.yaml", cmd: "validate", codes: []int{1}, want: "problems found", multi: true},
	{file: "packs/invalid-utf8.yaml", cmd: "validate", codes: []int{1}, want: "invalid UTF-8"},
	{file: "gen/packs/many-rules.yaml", cmd: "validate", codes: []int{0}},
	{file: "gen/packs/many-rules.yaml", cmd: "grade", codes: []int{0}, extra: []string{"--answers", clearview}},
	{file: "answers/anchors.yaml", cmd: "grade", codes: []int{1}, want: "anchors.yaml:1:1"},
	{file: "answers/anchors.yaml", cmd: "import", codes: []int{1}, want: "anchors.yaml"},
	{file: "answers/wrong-types.yaml", cmd: "grade", codes: []int{1}, want: "system must be a mapping"},
	{file: "answers/nul.yaml", cmd: "grade", codes: []int{1}, want: `"y\x00es"`},
	{file: "answers/nul.yaml", cmd: "import", codes: []int{1}, want: `"y\x00es"`},
	{file: "answers/invalid-utf8.yaml", cmd: "grade", codes: []int{1}, want: "invalid UTF-8"},
	{file: "answers/deep.json", cmd: "grade", codes: []int{1}, want: "nested deeper than 1000 levels"},
	{file: "answers/not-a-map.yaml", cmd: "import", codes: []int{1}, want: "expected a mapping"},
	{file: "answers/two-docs.yaml", cmd: "grade", codes: []int{1}, want: "found 2"},
	{file: "gen/huge-answers.yaml", cmd: "grade", codes: []int{1}, want: "more than the 8388608 allowed"},
	{file: "gen/huge-answers.yaml", cmd: "import", codes: []int{1}, want: "more than the 8388608 allowed"},
	{file: "workspaces/not-sqlite", cmd: "workspace", codes: []int{1}, want: "is not a SQLite database"},
	{file: "workspaces/truncated", cmd: "workspace", codes: []int{1}, want: "damaged"},
	{file: "workspaces/header-only", cmd: "workspace", codes: []int{1}},
	{file: "workspaces/newer", cmd: "workspace", codes: []int{1}, want: "schema version 99 is newer"},
	{file: "workspaces/db-is-folder", cmd: "workspace", codes: []int{1}, want: "not a regular file"},
	{file: "workspaces/garbage-wal", cmd: "workspace", codes: []int{0}},
	{file: "workspaces/foreign-db", cmd: "workspace", codes: []int{1}, want: "is a SQLite database of another program"},
}

// hostileGenerated writes the large hostile files that are not kept in the repository: a
// pack of ten thousand valid rules and an answers file over the 8 MiB limit.
func hostileGenerated(t *testing.T) string {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("id: many\ntitle: Ten thousand rules\njurisdiction: global\nrules:\n")
	b.WriteString(`  - {id: many.r00000, title: &t A rule, when: &w 'has("data.sources", "scraped_public_web")', ` +
		`law: gdpr, article: "14", outcome: obligation, severity: 3, likelihood: 3, recommendation: &c Fix it.}` + "\n")
	for i := 1; i < 10_000; i++ {
		fmt.Fprintf(&b, "  - {id: many.r%05d, title: *t, when: *w, law: gdpr, article: \"14\", outcome: obligation, "+
			"severity: 3, likelihood: 3, recommendation: *c}\n", i)
	}
	os.MkdirAll(filepath.Join(dir, "packs"), 0o700)
	os.WriteFile(filepath.Join(dir, "packs", "many-rules.yaml"), []byte(b.String()), 0o600)
	huge := "answers:\n  system.purpose: \"" + strings.Repeat("x", 9<<20) + "\"\n"
	os.WriteFile(filepath.Join(dir, "huge-answers.yaml"), []byte(huge), 0o600)
	return dir
}

// runBounded runs the binary, killing it at the bound.
func runBounded(t *testing.T, dir string, args ...string) (result, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hostileBound)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "DPIA_USER=tester", "DPIA_WORKSPACE=")
	start := time.Now()
	r := runCmd(t, cmd)
	took := time.Since(start)
	if ctx.Err() != nil {
		t.Fatalf("%v did not finish within %s", args, hostileBound)
	}
	if rss, ok := peakRSS(cmd.ProcessState); ok && rss > hostileRSS {
		t.Errorf("%v reached %d MiB of memory, more than %d MiB", args, rss>>20, hostileRSS>>20)
	}
	return r, took
}

func TestHostileInputs(t *testing.T) {
	gen := hostileGenerated(t)
	hostile, _ := filepath.Abs(hostileDir)
	for _, tc := range hostileCases {
		t.Run(tc.cmd+"/"+tc.file, func(t *testing.T) {
			if tc.known != "" {
				t.Skip("known bug: " + tc.known)
			}
			t.Parallel()
			path := filepath.Join(hostile, tc.file)
			if rest, ok := strings.CutPrefix(tc.file, "gen/"); ok {
				path = filepath.Join(gen, rest)
			}
			if _, err := os.Stat(path); err != nil {
				t.Fatalf("hostile file missing (run 'go run ./testdata/hostile/gen'): %v", err)
			}
			ws := filepath.Join(t.TempDir(), "ws")
			var args []string
			switch tc.cmd {
			case "scan":
				args = []string{"scan", "--json", path}
			case "import":
				args = []string{"--workspace", ws, "import", path}
			case "grade":
				args = []string{"grade", "--answers", path}
				if len(tc.extra) > 0 {
					answers, _ := filepath.Abs(tc.extra[1])
					args = []string{"--packs-dir", filepath.Dir(path), "grade", "--answers", answers}
				}
			case "validate":
				args = []string{"packs", "validate", path}
			case "workspace":
				copyTree(t, path, ws)
				args = []string{"--workspace", ws, "list"}
			}
			r, took := runBounded(t, t.TempDir(), args...)
			checkHostile(t, tc, r)
			t.Logf("exit %d in %.2f s", r.code, took.Seconds())
		})
	}
	for _, p := range []string{"/tmp/evil.csv", filepath.Join(hostile, "..", "..", "evil.csv"), "evil.csv"} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("a zip slip entry was written to %s", p)
		}
	}
}

// checkHostile checks one run's exit code and output.
func checkHostile(t *testing.T, tc hostileCase, r result) {
	t.Helper()
	if strings.Contains(r.stderr, "panic:") || strings.Contains(r.stderr, "goroutine ") {
		t.Fatalf("panic:\n%s", r.stderr)
	}
	codes := tc.codes
	if tc.cmd == "scan" {
		codes = []int{0}
	}
	if !slices.Contains(codes, r.code) {
		t.Fatalf("exit %d, want one of %v; stderr %q", r.code, codes, r.stderr)
	}
	msg := strings.TrimSpace(r.stderr)
	if r.code != 0 {
		lines := strings.Split(msg, "\n")
		if !strings.HasPrefix(lines[len(lines)-1], "dpia: ") || (len(lines) > 1 && !tc.multi) {
			t.Errorf("stderr is not one sentence: %q", r.stderr)
		}
	}
	if tc.cmd != "scan" {
		if !strings.Contains(r.stderr, tc.want) {
			t.Errorf("stderr %q lacks %q", r.stderr, tc.want)
		}
		return
	}
	var out scanJSON
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || len(out.Files) == 0 {
		t.Fatalf("scan JSON: %v\n%s", err, r.stdout)
	}
	found := tc.want == ""
	for _, f := range out.Files {
		if strings.Contains(f.Reason, tc.want) {
			found = true
		}
		if f.Status != "indexed" && f.Reason == "" {
			t.Errorf("%s is %s with no reason", f.Path, f.Status)
		}
		if f.Detections == nil {
			t.Errorf("%s: detections is null, C4 wants an object", f.Path)
		}
	}
	if !found {
		t.Errorf("no file or entry reports %q: %+v", tc.want, out.Files)
	}
}

// copyTree copies a folder (a hostile workspace) so that the test never writes into
// testdata.
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.Walk(from, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o700)
		}
		copyFile(t, p, filepath.Join(to, rel), 0o600)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestHostileEvidenceFolder indexes the hostile archives, PDFs, spreadsheets and images as
// the evidence of one assessment: the run succeeds, every bad file is reported, and the
// workspace verifies with consistent rows.
func TestHostileEvidenceFolder(t *testing.T) {
	ev := filepath.Join(t.TempDir(), "hostile")
	for _, sub := range []string{"archives", "pdf", "spreadsheets", "images"} {
		copyTree(t, filepath.Join(hostileDir, sub), filepath.Join(ev, sub))
	}
	for _, tc := range hostileCases {
		if tc.known != "" {
			os.Remove(filepath.Join(ev, tc.file))
		}
	}
	ws := filepath.Join(t.TempDir(), "ws")
	id := strings.TrimSpace(dpia(t, ws, "new", "--name", "Hostile").stdout)
	r, took := runBounded(t, t.TempDir(), "--workspace", ws, "evidence", "add", id, ev, "--json")
	if r.code != 0 {
		t.Fatalf("evidence add of the hostile folder: exit %d: %s", r.code, r.stderr)
	}
	var rep struct{ Indexed, Skipped, Failed int }
	json.Unmarshal([]byte(r.stdout), &rep)
	if rep.Skipped+rep.Failed < 20 || rep.Indexed == 0 {
		t.Errorf("hostile folder: %+v", rep)
	}
	t.Logf("hostile folder indexed in %.1f s: %+v", took.Seconds(), rep)
	if r := dpia(t, ws, "log", id, "--verify"); r.code != 0 {
		t.Errorf("log: %+v", r)
	}
	checkEvidenceRows(t, (&crashHarness{t: t, ws: ws}).db())
}
