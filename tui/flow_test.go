package tui

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
)

// flowWait is how long a flow test waits for a screen.
const flowWait = 10 * time.Second

func startFlow(t *testing.T, b Backend, w, h int, opts Options) *teatest.TestModel {
	t.Helper()
	tm := teatest.NewTestModel(t, New(b, opts), teatest.WithInitialTermSize(w, h))
	t.Cleanup(func() { tm.Quit() })
	return tm
}

func waitFor(t *testing.T, tm *teatest.TestModel, want ...string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		for _, w := range want {
			if !bytes.Contains(b, []byte(w)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(flowWait), teatest.WithCheckInterval(20*time.Millisecond))
}

func press(tm *teatest.TestModel, keys ...string) {
	for _, k := range keys {
		tm.Send(keyMsg(k))
	}
}

func finalView(t *testing.T, tm *teatest.TestModel) string {
	t.Helper()
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	return tm.FinalModel(t, teatest.WithFinalTimeout(flowWait)).View()
}

// TestFlowHomeGolden: the home screen of an empty workspace at 80×24.
func TestFlowHomeGolden(t *testing.T) {
	e := newEnv(t)
	tm := startFlow(t, e.b, 80, 24, Options{})
	waitFor(t, tm, "no assessments yet")
	golden.RequireEqual(t, []byte(finalView(t, tm)))
}

// TestFlowSmallTerminalGolden: a terminal below 80×24 gets a message, and a resize restores
// the screen.
func TestFlowSmallTerminalGolden(t *testing.T) {
	e := newEnv(t)
	tm := startFlow(t, e.b, 70, 20, Options{})
	waitFor(t, tm, "enlarge")
	tm.Send(tea.WindowSizeMsg{Width: 90, Height: 30})
	waitFor(t, tm, "no assessments yet")
	tm.Send(tea.WindowSizeMsg{Width: 64, Height: 18})
	waitFor(t, tm, "64")
	golden.RequireEqual(t, []byte(finalView(t, tm)))
}

// TestFlowCreateAndAnswer creates an assessment with the form and answers a few questions.
func TestFlowCreateAndAnswer(t *testing.T) {
	e := newEnv(t)
	tm := startFlow(t, e.b, 100, 30, Options{})
	waitFor(t, tm, "no assessments yet")
	press(tm, "n")
	waitFor(t, tm, "System name")
	// huh moves between fields through its own commands: let each move land before typing on.
	settle := func() { time.Sleep(150 * time.Millisecond) }
	tm.Type("FaceFind")
	press(tm, "enter")
	settle()
	tm.Type("Face search")
	press(tm, "enter")
	settle()
	press(tm, "enter") // owner
	settle()
	press(tm, "enter") // every law
	waitFor(t, tm, "system.purpose", "question 1 of")
	press(tm, "enter")
	tm.Type("Identify people from photos.")
	press(tm, "esc")
	waitFor(t, tm, "✓ saved at")
	press(tm, "right", "enter") // system.role: provider, then next
	waitFor(t, tm, "system.sectors")
	press(tm, "space", "down", "space")
	waitFor(t, tm, "[x] Education")
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(flowWait)).(*Model)
	v := final.View()
	for _, want := range []string{"FaceFind", "system.sectors", "[x] Law enforcement", "[x] Education"} {
		if !strings.Contains(v, want) {
			t.Errorf("final screen lacks %q:\n%s", want, v)
		}
	}
	// Quitting may leave the last save queued or in flight: Flush commits it (cmd/dpia calls it).
	if err := final.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	list, _ := e.st.ListAssessments(context.Background(), false)
	if len(list) != 1 || list[0].Name != "FaceFind" || list[0].Description != "Face search" {
		t.Fatalf("assessments %+v", list)
	}
	got := e.reopenAnswers(t, list[0].ID)
	want := map[string][]string{"system.purpose": {"Identify people from photos."}, "system.role": {"provider"},
		"system.sectors": {"law_enforcement", "education"}}
	for k, v := range want {
		if !slices.Equal(got[k], v) {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
}

// TestFlowShowIf: a question appears and disappears as the answer it depends on changes.
func TestFlowShowIf(t *testing.T) {
	e := newEnv(t)
	id := e.create(t, "ShowIf")
	tm := startFlow(t, e.b, 100, 30, Options{Open: id})
	waitFor(t, tm, "system.purpose")
	press(tm, "]") // The data
	waitFor(t, tm, "data.personal")
	press(tm, "n")
	waitFor(t, tm, "✓ 1/1") // the data section shrinks to the one question
	press(tm, "y")
	waitFor(t, tm, "1/10")
	press(tm, "right")
	waitFor(t, tm, "data.categories")
	press(tm, "left", "n")
	waitFor(t, tm, "✓ 1/1")
	press(tm, "right") // data.categories is gone: the next question is in another section
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		return bytes.Contains(b, []byte(" · question ")) && !bytes.Contains(b, []byte("data.personal · question"))
	}, teatest.WithDuration(flowWait))
	v := finalView(t, tm)
	if strings.Contains(v, "data.categories") {
		t.Fatalf("hidden question still reachable:\n%s", v)
	}
}

// TestFlowWhyView opens a finding's why view and jumps to the question behind it.
func TestFlowWhyView(t *testing.T) {
	e := newEnv(t)
	a, err := e.b.CreateDemo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tm := startFlow(t, e.b, 100, 30, Options{Open: a.ID})
	waitFor(t, tm, "PROHIBITED")
	press(tm, "2")
	waitFor(t, tm, "AI Act tier", "Heat map")
	press(tm, "enter")
	waitFor(t, tm, "1. Why: what the rule read")
	press(tm, "g")
	waitFor(t, tm, "dpia › Questions")
	v := finalView(t, tm)
	if !strings.Contains(v, "biometric.untargeted_collection") || !strings.Contains(v, "(•) Yes") {
		t.Fatalf("g did not open the question:\n%q", v)
	}
}

// TestFlowAttachAndSearch attaches a folder, sees progress then results, and searches.
func TestFlowAttachAndSearch(t *testing.T) {
	e := newEnv(t)
	h := &hookBackend{WorkspaceBackend: e.b}
	id := e.create(t, "Evidence")
	tm := startFlow(t, h, 100, 30, Options{Open: id})
	waitFor(t, tm, "system.purpose")
	press(tm, "4")
	waitFor(t, tm, "No evidence yet")
	press(tm, "a")
	waitFor(t, tm, "Path:")
	tm.Type(samplesDir(t))
	press(tm, "enter")
	waitFor(t, tm, "[email 2]", "Indexed")
	press(tm, "/")
	tm.Type("alice")
	waitFor(t, tm, "users.csv · line 2", "[a•••@example.com]")
	v := finalView(t, tm)
	if !strings.Contains(v, "Search: alice") {
		t.Fatalf("final screen:\n%s", v)
	}
}

// TestFlowExport chooses a format and a folder and sees where the file went.
func TestFlowExport(t *testing.T) {
	e := newEnv(t)
	h := &hookBackend{WorkspaceBackend: e.b}
	id := e.create(t, "Export")
	out := t.TempDir()
	tm := startFlow(t, h, 100, 30, Options{Open: id})
	waitFor(t, tm, "system.purpose")
	press(tm, "6")
	waitFor(t, tm, "Export reports")
	press(tm, "down", "space", "down", "down", "down", "backspace") // xlsx off, to the folder
	tm.Type(out)
	press(tm, "enter")
	waitFor(t, tm, "✓ pdf →")
	v := finalView(t, tm)
	if !strings.Contains(v, "✓ pdf →") || strings.Contains(v, "xlsx →") {
		t.Fatalf("final screen:\n%s", v)
	}
}
