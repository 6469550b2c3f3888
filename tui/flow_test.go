package tui

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
)

// flowWait is how long a flow test waits for a screen.
const flowWait = 10 * time.Second

// flow is a program under teatest plus the screen it last rendered.
type flow struct {
	*teatest.TestModel
	scr *screen
}

// screen wraps the root model and records every view the program renders. teatest's output
// is the renderer's stream (only changed lines, at the frame rate); the recorded view is the
// whole screen as the model drew it, which is what a golden file compares.
type screen struct {
	*Model
	mu   sync.Mutex
	last string
}

func (s *screen) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := s.Model.Update(msg)
	return s, cmd
}

func (s *screen) View() string {
	v := s.Model.View()
	s.mu.Lock()
	s.last = v
	s.mu.Unlock()
	return v
}

func (s *screen) lastView() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}

func startFlow(t *testing.T, b Backend, w, h int, opts Options) *flow {
	t.Helper()
	scr := &screen{Model: New(b, opts)}
	tm := teatest.NewTestModel(t, scr, teatest.WithInitialTermSize(w, h))
	t.Cleanup(func() { tm.Quit() })
	return &flow{TestModel: tm, scr: scr}
}

func waitFor(t *testing.T, tm *flow, want ...string) {
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

// busyMarks are what a screen shows while work is in flight: saving, grading, loading,
// searching. A golden screen is taken only once none is shown, so that it does not depend on
// how fast the commands ran.
var busyMarks = []string{"(updating…)", "… saving", "grading…", "Grading…", "Loading", "searching…", "loading…"}

// waitScreen waits until the last rendered screen shows every want and no busyMark, and
// returns that screen.
func waitScreen(t *testing.T, tm *flow, want ...string) string {
	t.Helper()
	var v string
	for deadline := time.Now().Add(flowWait); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		v = tm.scr.lastView()
		if containsAll(v, want) && !containsAny(v, busyMarks) {
			return v
		}
	}
	t.Fatalf("screen never showed %q (settled):\n%s", want, v)
	return ""
}

func containsAll(s string, subs []string) bool {
	for _, x := range subs {
		if !strings.Contains(s, x) {
			return false
		}
	}
	return true
}

func containsAny(s string, subs []string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

func press(tm *flow, keys ...string) {
	for _, k := range keys {
		tm.Send(keyMsg(k))
	}
}

// final quits the program and returns the root model as it ended.
func (tm *flow) final(t *testing.T) *Model {
	t.Helper()
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	return tm.FinalModel(t, teatest.WithFinalTimeout(flowWait)).(*screen).Model
}

func finalView(t *testing.T, tm *flow) string {
	t.Helper()
	return tm.final(t).View()
}

// gatedBackend holds indexing after the first progress event until release is called, so
// that the progress screen can be seen; the rest is hookBackend.
type gatedBackend struct {
	*hookBackend
	gate chan struct{}
	once sync.Once
}

func newGatedBackend(t *testing.T, h *hookBackend) *gatedBackend {
	g := &gatedBackend{hookBackend: h, gate: make(chan struct{})}
	t.Cleanup(g.release)
	return g
}

func (g *gatedBackend) release() { g.once.Do(func() { close(g.gate) }) }

func (g *gatedBackend) Add(ctx context.Context, id string, paths []string, progress func(Progress)) error {
	first := true
	return g.hookBackend.Add(ctx, id, paths, func(p Progress) {
		progress(p)
		if first {
			first = false
			select {
			case <-g.gate:
			case <-ctx.Done():
			}
		}
	})
}

// TestNormaliseScreen: the golden normalisation replaces what varies between runs and
// leaves answers, masked values and layout alone.
func TestNormaliseScreen(t *testing.T) {
	tmp := filepath.Join(os.TempDir(), "TestFlowExport3141592", "002")
	in := strings.Join([]string{
		"│ ✓ saved at 10:04:05   │",
		"✓ pdf → " + tmp + "/dpia-a-3af0f18e.pdf   ",
		"1 of 2 files · 13 B · 12.5 MB/s · 0 detections · 1m3s",
		"card 9001******17 · IIN 9001•••••17 · Art. 35(3) · a-b",
	}, "\n")
	want := strings.Join([]string{
		"│ ✓ saved at <time>     │",
		"✓ pdf → <tmp>/dpia-<id>.pdf",
		"1 of 2 files · 13 B · <rate> MB/s · 0 detections · <elapsed>",
		"card 9001******17 · IIN 9001•••••17 · Art. 35(3) · a-b",
	}, "\n")
	if got := normaliseScreen(in); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
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
	// The purpose is answered and saved, the editor closed (typing pauses autosave, so "saved"
	// alone can show while it is still open); the sidebar counts the answer.
	requireGoldenScreen(t, "1_purpose", waitScreen(t, tm, "system.purpose · question 1 of", "Identify people from photos.",
		"(enter edits)", "✓ saved at"))
	press(tm, "right", "enter") // system.role: provider, then next
	waitFor(t, tm, "system.sectors")
	press(tm, "space", "down", "space")
	waitFor(t, tm, "[x] Education")
	// Two sectors ticked and saved, the risk meter graded over the three answers.
	requireGoldenScreen(t, "2_sectors", waitScreen(t, tm, "[x] Law enforcement", "[x] Education", "✓ saved at"))
	final := tm.final(t)
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
	// Personal data: yes, so data.categories shows, and the section counts ten questions.
	requireGoldenScreen(t, "1_visible", waitScreen(t, tm, "data.categories · question", "1/10"))
	press(tm, "left", "n")
	waitFor(t, tm, "✓ 1/1")
	// Personal data: no, so the section shrinks to its one question.
	requireGoldenScreen(t, "2_hidden", waitScreen(t, tm, "data.personal · question", "(•) No (n)", "✓ 1/1"))
	press(tm, "right") // data.categories is gone: the next question is in another section
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		return bytes.Contains(b, []byte(" · question ")) && !bytes.Contains(b, []byte("data.personal · question"))
	}, teatest.WithDuration(flowWait))
	// The question after data.personal is the first of the next section, not data.categories.
	next := waitScreen(t, tm, "biometric.used · question")
	if strings.Contains(next, "data.categories") {
		t.Fatalf("right did not skip the hidden question:\n%s", next)
	}
	requireGoldenScreen(t, "3_next", next)
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
	// The dashboard of the demo: tier, verdict, heat map and the findings list.
	requireGoldenScreen(t, "1_findings", waitScreen(t, tm, "AI Act tier", "Heat map", "LAW / ARTICLE"))
	press(tm, "enter")
	waitFor(t, tm, "1. Why: what the rule read")
	// The why view of the first finding: the answers the rule read, the law, the advice.
	requireGoldenScreen(t, "2_why", waitScreen(t, tm, "1. Why: what the rule read", "2. The law"))
	press(tm, "g")
	waitFor(t, tm, "dpia › Questions")
	// g opened the question behind the first "because" line, answered Yes.
	requireGoldenScreen(t, "3_question", waitScreen(t, tm, "dpia › Questions", "biometric.untargeted_collection · question", "(•) Yes"))
	v := finalView(t, tm)
	if !strings.Contains(v, "biometric.untargeted_collection") || !strings.Contains(v, "(•) Yes") {
		t.Fatalf("g did not open the question:\n%q", v)
	}
}

// TestFlowAttachAndSearch attaches a folder, sees progress then results, and searches.
func TestFlowAttachAndSearch(t *testing.T) {
	e := newEnv(t)
	// Indexing stops after the first file until released, so that the progress is seen.
	g := newGatedBackend(t, &hookBackend{WorkspaceBackend: e.b})
	id := e.create(t, "Evidence")
	tm := startFlow(t, g, 100, 30, Options{Open: id})
	waitFor(t, tm, "system.purpose")
	press(tm, "4")
	waitFor(t, tm, "No evidence yet")
	press(tm, "a")
	waitFor(t, tm, "Path:")
	tm.Type(samplesDir(t))
	press(tm, "enter")
	// Progress: one file of two read (notes.txt, in walk order), the bar at half.
	requireGoldenScreen(t, "1_progress", waitScreen(t, tm, "Indexing ", "1 of 2 files", "notes.txt"))
	g.release()
	waitFor(t, tm, "[email 2]", "Indexed")
	// Results: both files listed, two e-mails detected in users.csv.
	requireGoldenScreen(t, "2_indexed", waitScreen(t, tm, "Evidence · 2 files", "[email 2]", "Indexed"))
	press(tm, "/")
	tm.Type("alice")
	waitFor(t, tm, "users.csv · line 2", "[a•••@example.com]")
	// The hit, its match bracketed (no colours) and masked.
	requireGoldenScreen(t, "3_search", waitScreen(t, tm, "Search: alice", "1 result", "users.csv · line 2", "[a•••@example.com]"))
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
	// Only the PDF was written, into the chosen folder; the status line counts it.
	requireGoldenScreen(t, "", waitScreen(t, tm, "✓ pdf →", "Wrote "))
	v := finalView(t, tm)
	if !strings.Contains(v, "✓ pdf →") || strings.Contains(v, "xlsx →") {
		t.Fatalf("final screen:\n%s", v)
	}
}
