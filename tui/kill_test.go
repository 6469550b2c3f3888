package tui

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"slices"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/dpia-tool/dpia/assessment/store"
	q "github.com/dpia-tool/dpia/questionnaires"
)

// TestTUIChild is the interface run as a separate process by TestKilledAfterSavedKeepsAnswer.
func TestTUIChild(t *testing.T) {
	dir, id := os.Getenv("DPIA_TUI_CHILD_DIR"), os.Getenv("DPIA_TUI_CHILD_ID")
	if dir == "" {
		t.Skip("run by TestKilledAfterSavedKeepsAnswer")
	}
	st, err := store.Open(context.Background(), dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	set, err := q.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	p := tea.NewProgram(New(NewWorkspaceBackend(st, set, "child"), Options{Open: id}),
		tea.WithInput(os.Stdin), tea.WithOutput(os.Stdout), tea.WithoutSignals())
	go p.Send(tea.WindowSizeMsg{Width: 100, Height: 30})
	p.Run()
}

// syncBuffer collects a child's output.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) contains(x string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Contains(s.b.Bytes(), []byte(x))
}

// TestKilledAfterSavedKeepsAnswer kills the interface with SIGKILL right after it shows an
// answer as saved; the answer must be in the workspace.
func TestKilledAfterSavedKeepsAnswer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	e := newEnv(t)
	id := e.create(t, "Kill")
	cmd := exec.Command(os.Args[0], "-test.run=^TestTUIChild$")
	cmd.Env = append(os.Environ(), "DPIA_TUI_CHILD_DIR="+e.dir, "DPIA_TUI_CHILD_ID="+id)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	t.Cleanup(func() {
		if !killed {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	wait := func(s string) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for !out.contains(s) {
			if time.Now().After(deadline) {
				t.Fatalf("the interface never showed %q", s)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	wait("system.purpose")
	io.WriteString(stdin, "]")
	wait("data.personal")
	io.WriteString(stdin, "y")
	wait("✓ saved at")
	if err := cmd.Process.Kill(); err != nil { // SIGKILL: no chance to flush anything
		t.Fatal(err)
	}
	killed = true
	cmd.Wait()
	if got := e.reopenAnswers(t, id)["data.personal"]; !slices.Equal(got, []string{"yes"}) {
		t.Fatalf("after SIGKILL the answer shown as saved is %v", got)
	}
}
