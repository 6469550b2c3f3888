package tui

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/dpia-tool/dpia/assessment/store"
)

func TestSmallTerminalAsksToEnlarge(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		w, h  int
		small bool
	}{
		{79, 24, true}, {80, 23, true}, {40, 10, true}, {80, 24, false}, {120, 40, false},
	}
	for _, tt := range tests {
		d := newDriver(t, e.b, tt.w, tt.h)
		v := d.view()
		if got := strings.Contains(v, "Please enlarge the window"); got != tt.small {
			t.Errorf("%d×%d: enlarge message shown = %v, want %v:\n%s", tt.w, tt.h, got, tt.small, v)
		}
		if tt.small && !strings.Contains(v, "80×24") {
			t.Errorf("%d×%d: message does not say the size needed:\n%s", tt.w, tt.h, v)
		}
		if !tt.small {
			if lines := strings.Count(v, "\n") + 1; lines != tt.h {
				t.Errorf("%d×%d: view has %d lines", tt.w, tt.h, lines)
			}
			for i, l := range strings.Split(v, "\n") {
				if w := lipgloss.Width(l); w > tt.w {
					t.Errorf("%d×%d: line %d is %d wide: %q", tt.w, tt.h, i, w, l)
				}
			}
		}
	}
}

// TestResizeKeepsLayout resizes at any moment, on every screen, and checks the frame fits.
func TestResizeKeepsLayout(t *testing.T) {
	e := newEnv(t)
	d := newDriver(t, e.b, 80, 24)
	d.keys("D") // demo
	d.keys("enter")
	for _, screen := range []string{"1", "2", "3", "4", "5", "6", "7"} {
		d.keys(screen)
		for _, size := range [][2]int{{80, 24}, {132, 43}, {60, 20}, {100, 30}, {80, 24}} {
			d.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			v := d.view()
			if size[0] < MinWidth || size[1] < MinHeight {
				if !strings.Contains(v, "enlarge") {
					t.Fatalf("screen %s at %v: no enlarge message", screen, size)
				}
				continue
			}
			lines := strings.Split(v, "\n")
			if len(lines) != size[1] {
				t.Errorf("screen %s at %v: %d lines", screen, size, len(lines))
			}
			for i, l := range lines {
				if w := lipgloss.Width(l); w > size[0] {
					t.Errorf("screen %s at %v: line %d is %d wide: %q", screen, size, i, w, l)
				}
			}
		}
	}
}

func TestHomeListsAndActs(t *testing.T) {
	e := newEnv(t)
	d := newDriver(t, e.b, 100, 30)
	d.mustSee("no assessments yet", "Open the demo")
	d.keys("enter") // the demo entry
	d.mustSee("FaceFind (demo)", "PROHIBITED", "CRITICAL", "draft")
	d.keys("s") // next status
	d.mustSee("in review")
	d.keys("d") // duplicate
	d.mustSee("FaceFind (demo) (copy)")
	list, _ := e.st.ListAssessments(context.Background(), false)
	if len(list) != 2 {
		t.Fatalf("after duplicate: %d assessments", len(list))
	}
	d.keys("a") // archive the selected copy
	list, _ = e.st.ListAssessments(context.Background(), false)
	if len(list) != 1 {
		t.Fatalf("after archive: %d assessments shown", len(list))
	}
	d.mustNotSee("(copy)  ") // the row, padded; the status line quotes the name
	d.keys("A")
	d.mustSee("(copy) (archived)")
}

func TestNoColorIsHonoured(t *testing.T) {
	env := func(noColor string) termenv.Environ {
		return fakeEnviron{"TERM": "xterm-256color", "NO_COLOR": noColor}
	}
	var buf bytes.Buffer
	colour := lipgloss.NewRenderer(&buf, termenv.WithTTY(true), termenv.WithEnvironment(env("")))
	if colour.ColorProfile() == termenv.Ascii {
		t.Fatal("a 256-colour terminal got no colours")
	}
	plain := lipgloss.NewRenderer(&buf, termenv.WithTTY(true), termenv.WithEnvironment(env("1")))
	if plain.ColorProfile() != termenv.Ascii {
		t.Fatalf("NO_COLOR=1: colour profile %v, want Ascii", plain.ColorProfile())
	}
	// Levels stay readable without colour.
	s := DefaultStyles()
	if got := s.Level("out_of_scope"); got != "OUT OF SCOPE" {
		t.Errorf("level without colour = %q", got)
	}
	if got := s.Highlight("x@example.com"); got != "[x@example.com]" {
		t.Errorf("highlight without colour = %q", got)
	}
}

type fakeEnviron map[string]string

func (e fakeEnviron) Environ() []string {
	var out []string
	for k, v := range e {
		out = append(out, k+"="+v)
	}
	return out
}
func (e fakeEnviron) Getenv(k string) string { return e[k] }

func TestHelpListsEveryKeyOfTheScreen(t *testing.T) {
	e := newEnv(t)
	id := e.create(t, "Help test")
	d := newDriver(t, e.b, 120, 40)
	d.send(navigateMsg{to: pageQuestions, id: id})
	d.keys("?")
	d.mustSee("Keys on the Questions screen", "next unanswered", "note", "clear answer", "quit")
	d.keys("?")
	d.mustNotSee("Keys on the Questions screen")
}

func TestStatusFlowInStore(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.create(t, "Status")
	if err := e.b.SetStatus(ctx, id, store.StatusInReview); err != nil {
		t.Fatal(err)
	}
	if a, _ := e.st.Assessment(ctx, id); a.Status != store.StatusInReview {
		t.Fatalf("status %q", a.Status)
	}
	// Signing off needs a signature: the status key never does it.
	if err := e.b.SetStatus(ctx, id, store.StatusSignedOff); !errors.Is(err, store.ErrSignOffNeeded) {
		t.Fatalf("SetStatus(signed_off) = %v, want ErrSignOffNeeded", err)
	}
	for from, want := range map[string]string{store.StatusDraft: store.StatusInReview, store.StatusInReview: store.StatusDraft, store.StatusSignedOff: store.StatusDraft} {
		if got := nextStatus(from); got != want {
			t.Errorf("nextStatus(%s) = %s, want %s", from, got, want)
		}
	}
}

// TestFooterKeepsGlobalKeys: on every screen, at the narrowest supported width and at 80
// columns, the footer shows how to get help and quit, and leaves out whole keys (never cuts
// one in half) when the screen's keys do not fit.
func TestFooterKeepsGlobalKeys(t *testing.T) {
	e := newEnv(t)
	d := newDriver(t, e.b, 80, 24)
	d.keys("D") // demo
	d.keys("enter")
	for _, screen := range []string{"1", "2", "3", "4", "5", "6", "7"} {
		d.keys(screen)
		for _, w := range []int{MinWidth, 80, 132} {
			d.send(tea.WindowSizeMsg{Width: w, Height: 24})
			lines := strings.Split(d.view(), "\n")
			footer := strings.TrimRight(lines[len(lines)-1], " ")
			if !strings.Contains(footer, "? ") || !strings.Contains(footer, "q quit") {
				t.Errorf("screen %s at width %d: footer %q lacks help or quit", screen, w, footer)
			}
			if strings.HasSuffix(footer, "…") || lipgloss.Width(footer) > w {
				t.Errorf("screen %s at width %d: footer %q is cut", screen, w, footer)
			}
		}
	}
}
