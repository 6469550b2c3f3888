package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/dpia-tool/dpia/assessment/evidence"
	"github.com/dpia-tool/dpia/exports"
)

// The kill-anywhere harness runs the real binary doing real work — answering, importing
// answers files and archives, indexing a folder, writing reports and archives — and kills it
// with SIGKILL at random moments. Afterwards the workspace must open, every assessment's log
// must verify, everything a command acknowledged (exit 0) must be there, evidence rows must be
// consistent, and every report or archive that exists must be complete.
//
// DPIA_CRASH_ROUNDS sets the kills per workload (default 7, four workloads); DPIA_CRASH_SEED
// replays a run. A SIGKILL during an atomic write can leave the hidden temporary file
// ".NAME.tmp-*" beside the target (nothing runs after SIGKILL to remove it); the harness
// accepts such files, never a partial target, and requires them to be owner-only.

// crashRun is one invocation of the binary that may be killed.
type crashRun struct {
	args           []string
	stdout, stderr string
	code           int  // exit code when not killed
	killed         bool // ended by our SIGKILL
}

// crashHarness drives the binary against one workspace.
type crashHarness struct {
	t     *testing.T
	ws    string
	rng   *rand.Rand
	kills int
}

func newCrashHarness(t *testing.T) *crashHarness {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("DPIA_CRASH_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("DPIA_CRASH_SEED=%d", seed)
	return &crashHarness{t: t, ws: filepath.Join(t.TempDir(), "ws"), rng: rand.New(rand.NewPCG(seed, 7))}
}

// start runs the binary in its own process group.
func (h *crashHarness) start(args []string, out, errb *bytes.Buffer) *exec.Cmd {
	cmd := exec.Command(binary, append([]string{"--workspace", h.ws}, args...)...)
	cmd.Env = append(os.Environ(), "DPIA_USER=crash", "DPIA_WORKSPACE=")
	cmd.Stdout, cmd.Stderr = out, errb
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	return cmd
}

// rounds runs invocations one after another and kills the one running when a random
// deadline passes, kills times; done is called for every invocation. It stops early when the
// time budget is spent.
func (h *crashHarness) rounds(name string, kills int, maxDelay time.Duration, next func(i int) []string, done func(crashRun)) {
	start, got, i := time.Now(), 0, 0
	for got < kills && time.Since(start) < 15*time.Second {
		deadline := time.After(time.Duration(h.rng.Int64N(int64(maxDelay))))
		for killed := false; !killed; i++ {
			var out, errb bytes.Buffer
			r := crashRun{args: next(i)}
			cmd := h.start(r.args, &out, &errb)
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			var err error
			select {
			case err = <-exited:
			case <-deadline:
				syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
				err = <-exited
				killed = true
			}
			r.stdout, r.stderr = out.String(), errb.String()
			var ee *exec.ExitError
			switch {
			case errors.As(err, &ee) && ee.ProcessState.Sys().(syscall.WaitStatus).Signaled():
				r.killed = true
				got++
			case errors.As(err, &ee):
				r.code = ee.ExitCode()
			case err != nil:
				h.t.Fatal(err)
			}
			if strings.Contains(r.stderr, "panic:") || strings.Contains(r.stderr, "goroutine ") {
				h.t.Fatalf("%s: %v panicked:\n%s", name, r.args, r.stderr)
			}
			done(r)
		}
	}
	h.kills += got
	h.t.Logf("%s: %d kills in %d runs, %.1f s", name, got, i, time.Since(start).Seconds())
}

// must runs one command to completion and fails the test unless it exits 0.
func (h *crashHarness) must(args ...string) string {
	h.t.Helper()
	r := dpia(h.t, h.ws, args...)
	if r.code != 0 {
		h.t.Fatalf("%v: exit %d: %s", args, r.code, r.stderr)
	}
	return r.stdout
}

func (h *crashHarness) db() *sql.DB {
	db, err := sql.Open("sqlite", filepath.Join(h.ws, "workspace.db"))
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { db.Close() })
	return db
}

func crashKills() int {
	if n, err := strconv.Atoi(os.Getenv("DPIA_CRASH_ROUNDS")); err == nil && n > 0 {
		return n
	}
	return 7
}

func TestKillAnywhere(t *testing.T) {
	if testing.Short() {
		t.Skip("the kill-anywhere harness runs the binary many times")
	}
	h := newCrashHarness(t)
	kills := crashKills()
	id := strings.TrimSpace(h.must("new", "--name", "Crash"))
	h.answering(id, kills)
	h.importing(kills)
	h.indexing(id, kills)
	h.exporting(id, kills)
	h.checkWorkspace()
	t.Logf("%d kills in all", h.kills)
	if h.kills < 4 {
		t.Errorf("only %d kills happened; the harness proves little", h.kills)
	}
}

// answering sets an answer over and over; every value acknowledged must be in the log, and
// the log may hold only values some run tried to set.
func (h *crashHarness) answering(id string, kills int) {
	var acked []string
	tried := map[string]bool{}
	h.rounds("answering", kills, 1500*time.Millisecond, func(i int) []string {
		v := fmt.Sprintf("value %d", i)
		tried[v] = true
		return []string{"answer", id, "system.purpose", v}
	}, func(r crashRun) {
		if !r.killed && r.code != 0 {
			h.t.Errorf("answer: exit %d: %s", r.code, r.stderr)
		}
		if !r.killed {
			acked = append(acked, r.args[3])
		}
	})
	var events []struct{ Kind, Subject, New string }
	json.Unmarshal([]byte(h.must("log", id, "--json")), &events)
	logged := map[string]bool{}
	for _, e := range events {
		var v []string
		if e.Kind == "answer" && json.Unmarshal([]byte(e.New), &v) == nil && len(v) == 1 {
			logged[v[0]] = true
			if !tried[v[0]] {
				h.t.Errorf("the log holds %q, which no run set", v[0])
			}
		}
	}
	for _, v := range acked {
		if !logged[v] {
			h.t.Errorf("answer %q was acknowledged but is not in the log", v)
		}
	}
	if len(acked) == 0 {
		h.t.Error("no answer was ever acknowledged")
	}
}

// importing imports an answers file and archives; an import is all or nothing, and every
// acknowledged id exists.
func (h *crashHarness) importing(kills int) {
	src := &crashHarness{t: h.t, ws: filepath.Join(h.t.TempDir(), "src")}
	var archives []string
	for i := range 3 {
		aid := strings.TrimSpace(src.must("new", "--name", fmt.Sprintf("Archived %d", i)))
		src.must("answer", aid, "biometric.used", "yes")
		src.must("note", aid, "biometric.used", "Кассадағы камера")
		archives = append(archives, filepath.Join(h.t.TempDir(), fmt.Sprintf("a%d.zip", i)))
		src.must("export", aid, "--archive", archives[i])
	}
	ref := strings.TrimSpace(src.must("import", "../../testdata/answers/clearview.yaml"))
	var want int
	src.db().QueryRow(`SELECT count(*) FROM answers WHERE assessment_id = ?`, ref).Scan(&want)
	var acked []string
	h.rounds("importing", kills, 700*time.Millisecond, func(i int) []string {
		if i%2 == 0 {
			return []string{"import", "../../testdata/answers/clearview.yaml", "--name", "Imported"}
		}
		return []string{"import", archives[(i/2)%len(archives)]}
	}, func(r crashRun) {
		switch {
		case r.killed:
		case r.code == 0:
			acked = append(acked, strings.TrimSpace(r.stdout))
		case !strings.Contains(r.stderr, "already exists"):
			h.t.Errorf("%v: exit %d: %s", r.args, r.code, r.stderr)
		}
	})
	db := h.db()
	for _, a := range acked {
		var n int
		db.QueryRow(`SELECT count(*) FROM assessments WHERE id = ?`, a).Scan(&n)
		if n != 1 {
			h.t.Errorf("imported assessment %q was acknowledged but is missing", a)
		}
	}
	rows, _ := db.Query(`SELECT a.id, count(x.question_id) FROM assessments a LEFT JOIN answers x ON x.assessment_id = a.id
		WHERE a.name = 'Imported' GROUP BY a.id`)
	defer rows.Close()
	for rows.Next() {
		var aid string
		var n int
		rows.Scan(&aid, &n)
		if n != want {
			h.t.Errorf("imported assessment %s has %d answers of %d: the import was not atomic", aid, n, want)
		}
	}
}

// indexing adds a folder of a few hundred files and removes it, over and over; rows must stay
// consistent, and an acknowledged add must have indexed every file.
func (h *crashHarness) indexing(id string, kills int) {
	dir, files := crashEvidence(h.t), 300
	db := h.db()
	partial := 0
	h.rounds("indexing", kills, 1500*time.Millisecond, func(i int) []string {
		if i%2 == 1 {
			return []string{"evidence", "remove", id, "evidence"}
		}
		return []string{"evidence", "add", id, dir}
	}, func(r crashRun) {
		if r.args[1] != "add" {
			return
		}
		var n int
		db.QueryRow(`SELECT count(*) FROM evidence_files WHERE assessment_id = ? AND status = 'indexed'`, id).Scan(&n)
		switch {
		case r.killed && n > 0 && n < files:
			partial++
		case r.killed:
		case r.code != 0:
			h.t.Errorf("evidence add: exit %d: %s", r.code, r.stderr)
		case n != files:
			h.t.Errorf("evidence add acknowledged, but %d of %d files are indexed", n, files)
		}
	})
	h.t.Logf("indexing: %d kills left a partly indexed folder (whole files only)", partial)
	h.must("evidence", "add", id, dir)
}

// crashEvidence writes 300 files (about 7 MB: logs and tables with a few personal values),
// which take the indexer about a second, so that kills land between its batches.
func crashEvidence(t *testing.T) string {
	dir := filepath.Join(t.TempDir(), "evidence")
	for i := range 300 {
		sub := filepath.Join(dir, fmt.Sprintf("d%02d", i%10))
		os.MkdirAll(sub, 0o700)
		var b strings.Builder
		if i%3 == 0 {
			fmt.Fprintf(&b, "Note %d: call +7 701 765 43 21 or write to staff%d@example.org\n", i, i)
			for j := range 450 {
				fmt.Fprintf(&b, "2024-03-01 12:%02d:00 INFO request %d handled path=/api/items/%d status=200 took %d ms\n", j%60, j, j, j%97)
			}
		} else {
			b.WriteString("name,iin,email,city\n")
			for j := range 10 {
				fmt.Fprintf(&b, "User %d %d,900101300017,user%d.%d@example.kz,Almaty district %d\n", i, j, i, j, j)
			}
			for j := range 400 {
				fmt.Fprintf(&b, "Item %d,,,warehouse %d shelf %d\n", j, j, j%13)
			}
		}
		if err := os.WriteFile(filepath.Join(sub, fmt.Sprintf("f%03d.csv", i)), []byte(b.String()), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// exporting writes PDF and Excel reports and archives to the same paths over and over; a file
// that exists is always complete.
func (h *crashHarness) exporting(id string, kills int) {
	out := h.t.TempDir()
	targets := []string{"report.pdf", "report.xlsx", "archive.zip"}
	h.rounds("exporting", kills, 1200*time.Millisecond, func(i int) []string {
		p := filepath.Join(out, targets[i%3])
		if i%3 == 2 {
			return []string{"export", id, "--archive", p}
		}
		return []string{"report", id, "--format", strings.TrimPrefix(filepath.Ext(p), "."), "-o", p}
	}, func(r crashRun) {
		if !r.killed && r.code != 0 {
			h.t.Errorf("%v: exit %d: %s", r.args, r.code, r.stderr)
		}
		for _, name := range targets {
			checkComplete(h.t, filepath.Join(out, name))
		}
	})
	entries, _ := os.ReadDir(out)
	temps := 0
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp-"):
			temps++
			checkMode(h.t, filepath.Join(out, name), 0o600)
		case name != targets[0] && name != targets[1] && name != targets[2]:
			h.t.Errorf("unexpected file %s beside the reports", name)
		}
	}
	h.t.Logf("exporting: %d temporary files left by SIGKILL (hidden, owner-only, never the target)", temps)
}

// checkComplete fails unless a report or archive that exists is whole.
func checkComplete(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	switch filepath.Ext(path) {
	case ".pdf":
		if !bytes.HasSuffix(bytes.TrimRight(b, "\r\n"), []byte("%%EOF")) {
			t.Errorf("%s is half-written (%d bytes, no %%%%EOF)", path, len(b))
		}
	case ".xlsx":
		f, err := excelize.OpenReader(bytes.NewReader(b))
		if err == nil {
			_, err = f.GetRows("Risk register")
			f.Close()
		}
		if err != nil {
			t.Errorf("%s is not a whole workbook: %v", path, err)
		}
	case ".zip":
		if _, err := exports.ReadArchive(bytes.NewReader(b), int64(len(b))); err != nil {
			t.Errorf("%s is not a whole archive: %v", path, err)
		}
	}
}

// checkWorkspace: the workspace opens, every log verifies, 'dpia verify' passes for every
// assessment, evidence rows are consistent.
func (h *crashHarness) checkWorkspace() {
	var list []struct{ ID string }
	if err := json.Unmarshal([]byte(h.must("list", "--json", "--all")), &list); err != nil {
		h.t.Fatal(err)
	}
	for _, a := range list {
		if r := dpia(h.t, h.ws, "log", a.ID, "--verify"); r.code != 0 {
			h.t.Errorf("log of %s does not verify after the kills: %s", a.ID, r.stderr)
		}
		// 'dpia verify' as a user would run it: the chain, the answers, the evidence files.
		if r := dpia(h.t, h.ws, "verify", a.ID); r.code != 0 {
			h.t.Errorf("dpia verify %s fails after the kills:\n%s%s", a.ID, r.stdout, r.stderr)
		}
	}
	checkEvidenceRows(h.t, h.db())
}

// keptDetections reports whether the detections stored for a file agree with its counts:
// equal, or for a file with more than evidence.DefaultKeepDetections detections exactly that
// many stored, none of a type more than its count.
func keptDetections(stored, counts map[string]int) bool {
	total, kept := 0, 0
	for typ, n := range counts {
		total += n
		if stored[typ] > n {
			return false
		}
	}
	for typ, n := range stored {
		if counts[typ] == 0 {
			return false
		}
		kept += n
	}
	if total <= evidence.DefaultKeepDetections {
		return kept == total
	}
	return kept == evidence.DefaultKeepDetections
}

// checkEvidenceRows: each file's detections match its counts (up to the kept bound), and
// nothing is orphaned.
func checkEvidenceRows(t *testing.T, db *sql.DB) {
	t.Helper()
	rows, err := db.Query(`SELECT id, path, counts FROM evidence_files`)
	if err != nil {
		t.Fatal(err)
	}
	type file struct {
		id           int64
		path, counts string
	}
	var files []file
	for rows.Next() {
		var f file
		rows.Scan(&f.id, &f.path, &f.counts)
		files = append(files, f)
	}
	rows.Close()
	for _, f := range files {
		want := map[string]int{}
		json.Unmarshal([]byte(f.counts), &want)
		got := map[string]int{}
		r, _ := db.Query(`SELECT type, count(*) FROM evidence_detections WHERE file_id = ? GROUP BY type`, f.id)
		for r.Next() {
			var typ string
			var n int
			r.Scan(&typ, &n)
			got[typ] = n
		}
		r.Close()
		if !keptDetections(got, want) {
			t.Errorf("%s: %v detections stored, counts say %v", f.path, got, want)
		}
	}
	for _, q := range []string{
		`SELECT count(*) FROM evidence_detections WHERE file_id NOT IN (SELECT id FROM evidence_files)`,
		`SELECT count(*) FROM evidence_chunks WHERE file_id NOT IN (SELECT id FROM evidence_files)`,
		`SELECT count(*) FROM evidence_words w WHERE NOT EXISTS (SELECT 1 FROM evidence_chunks c WHERE c.id = w.rowid)`,
		`SELECT count(*) FROM evidence_chunks c WHERE NOT EXISTS (SELECT 1 FROM evidence_words w WHERE w.rowid = c.id)`,
	} {
		var n int
		if err := db.QueryRow(q).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s: %d orphans (%v)", q, n, err)
		}
	}
	t.Logf("evidence rows consistent: %d files", len(files))
}
