package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTUIRefusesWithoutTerminal(t *testing.T) {
	ws := t.TempDir()
	for _, args := range [][]string{nil, {"demo", "--dir", filepath.Join(ws, "demo")}} {
		r := dpia(t, ws, args...)
		if r.code != 1 || !strings.Contains(r.stderr, "needs a terminal") {
			t.Errorf("dpia %v without a terminal: code %d, stderr %q", args, r.code, r.stderr)
		}
		if r.stdout != "" {
			t.Errorf("dpia %v printed %q", args, r.stdout)
		}
	}
	if _, err := os.Stat(filepath.Join(ws, "demo")); err == nil {
		t.Error("demo built a workspace before refusing")
	}
}

func TestDemoNoTUI(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	r := dpia(t, "", "demo", "--dir", dir, "--no-tui")
	if r.code != 0 {
		t.Fatalf("demo: %d %s", r.code, r.stderr)
	}
	fields := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		f := strings.Fields(line)
		if len(f) == 2 {
			fields[f[0]] = f[1]
		}
	}
	id := fields["assessment"]
	if fields["workspace"] != dir || !strings.HasPrefix(id, "a-") {
		t.Fatalf("demo output %q", r.stdout)
	}
	show := dpia(t, dir, "show", id, "--json")
	if show.code != 0 {
		t.Fatalf("show: %s", show.stderr)
	}
	var res struct {
		AIAct struct{ Tier string } `json:"ai_act"`
		DPIA  struct{ Required bool }
	}
	if err := json.Unmarshal([]byte(show.stdout), &res); err != nil {
		t.Fatal(err)
	}
	if res.AIAct.Tier != "prohibited" || !res.DPIA.Required {
		t.Fatalf("demo graded %+v", res)
	}
	if entries, err := os.ReadDir(filepath.Join(dir, "samples")); err != nil || len(entries) < 3 {
		t.Fatalf("demo samples: %v %v", entries, err)
	}
	// Building it again reuses the demo assessment.
	again := dpia(t, "", "demo", "--dir", dir, "--no-tui")
	if again.code != 0 || !strings.Contains(again.stdout, id) {
		t.Fatalf("second demo: %q %s", again.stdout, again.stderr)
	}
	list := dpia(t, dir, "list")
	if n := strings.Count(list.stdout, "FaceFind (demo)"); n != 1 {
		t.Fatalf("demo assessments listed %d times:\n%s", n, list.stdout)
	}
}
