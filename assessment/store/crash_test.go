package store

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	crashDirEnv = "DPIA_CRASH_CHILD"
	crashIDEnv  = "DPIA_CRASH_ID"
)

// TestCrashChild is the child half of TestCrashKill: it answers questions
// forever and prints "saved <question> <n>" after each SetAnswer returns.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("only runs as the child of TestCrashKill")
	}
	ctx := context.Background()
	s, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	id := os.Getenv(crashIDEnv)
	for i := 0; ; i++ {
		q := fmt.Sprintf("q%d", i%7)
		v := []string{strconv.Itoa(i)}
		if i%3 == 0 {
			v = append(v, "multi")
		}
		if err := s.SetAnswer(ctx, id, q, v, "child"); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("saved %s %d\n", q, i)
		if i%10 == 0 {
			if err := s.SetNote(ctx, id, q, fmt.Sprintf("note %d", i), "child"); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestCrashKill kills a writing child process with SIGKILL at a random
// moment and checks that every answer it reported as saved survived.
func TestCrashKill(t *testing.T) {
	if os.Getenv(crashDirEnv) != "" {
		t.Skip("running as a child")
	}
	for round := range 5 {
		t.Run(fmt.Sprint(round), func(t *testing.T) {
			crashRound(t, 20+rand.IntN(181))
		})
	}
}

func crashRound(t *testing.T, killAfter int) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openTest(t, dir)
	a := mustCreate(t, s, "crash")
	s.Close()

	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+dir, crashIDEnv+"="+a.ID)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	saved := map[string]int{} // question → last value reported saved
	n := 0
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		var q string
		var i int
		if _, err := fmt.Sscanf(sc.Text(), "saved %s %d", &q, &i); err != nil {
			continue // test framework output
		}
		saved[q] = i
		if n++; n == killAfter {
			cmd.Process.Kill()
		}
	}
	cmd.Wait()
	if n < killAfter {
		t.Fatalf("child stopped after %d saves; stderr:\n%s", n, stderr.String())
	}

	s = openTest(t, dir)
	answers, err := s.Answers(context.Background(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	for q, i := range saved {
		v := answers[q]
		if len(v) == 0 {
			t.Errorf("answer %s (saved as %d) is lost", q, i)
			continue
		}
		if got, err := strconv.Atoi(v[0]); err != nil || got < i {
			t.Errorf("answer %s = %q; want %d or later", q, v, i)
		}
	}
	if v, err := s.VerifyLog(context.Background(), a.ID); err != nil || !v.OK {
		t.Errorf("VerifyLog after kill -9: %+v, %v", v, err)
	}
	t.Logf("killed after %d reported saves", n)
}
