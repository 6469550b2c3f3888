package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/dpia-tool/dpia/tui"
	"github.com/dpia-tool/dpia/tui/demo"
)

// tuiLogFile is the interface's log, in the workspace folder (the TUI never prints to the
// terminal it draws on).
const tuiLogFile = "dpia-tui.log"

// errNoTerminal is returned when the TUI is asked for without a terminal.
var errNoTerminal = errors.New("the terminal workbench needs a terminal: standard input and output must both be a terminal (for scripts use the subcommands, see 'dpia --help')")

func isTerminal() bool {
	return term.IsTerminal(os.Stdin.Fd()) && term.IsTerminal(os.Stdout.Fd())
}

// runTUI opens the terminal workbench on the workspace.
func (a *app) runTUI(ctx context.Context) error {
	if !isTerminal() {
		return errNoTerminal
	}
	s, err := a.session(ctx)
	if err != nil {
		return err
	}
	defer s.close()
	return a.openTUI(ctx, s, "")
}

// openTUI runs the interface until the user quits, then commits whatever it had not yet
// committed (an open text field, queued answers).
func (a *app) openTUI(ctx context.Context, s *session, open string) error {
	logger, closeLog := openLog(s.st.Dir())
	defer closeLog()
	lang := os.Getenv("DPIA_LANG")
	if !slices.Contains([]string{"en", "ru", "kk"}, lang) {
		lang = "en"
	}
	// Ask the terminal for its background colour now, before bubbletea reads the keyboard.
	lipgloss.HasDarkBackground()
	m := tui.New(a.tuiBackend(s), tui.Options{Lang: lang, Log: logger, Open: open, Ctx: ctx})
	p := tea.NewProgram(m, tea.WithAltScreen(), tea.WithContext(ctx))
	_, runErr := p.Run()
	flushErr := m.Flush(context.WithoutCancel(ctx))
	if flushErr != nil {
		logger.Printf("flush: %v", flushErr)
		return fmt.Errorf("saving the last answers: %w", flushErr)
	}
	if runErr != nil && !(errors.Is(runErr, tea.ErrProgramKilled) && ctx.Err() != nil) {
		logger.Printf("run: %v", runErr)
		return fmt.Errorf("terminal workbench: %w", runErr)
	}
	return nil
}

// openLog opens the interface's log file in the workspace (0600); on failure it logs nowhere.
func openLog(dir string) (*log.Logger, func()) {
	f, err := os.OpenFile(filepath.Join(dir, tuiLogFile), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return log.New(discard{}, "", 0), func() {}
	}
	return log.New(f, "", log.LstdFlags), func() { f.Close() }
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func (a *app) demoCmd() *cobra.Command {
	var dir string
	var noTUI bool
	cmd := &cobra.Command{
		Use:   "demo [--dir DIR] [--no-tui]",
		Short: "Build a demo workspace with a Clearview-style assessment and open it",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !noTUI && !isTerminal() {
				return errNoTerminal
			}
			ctx := cmd.Context()
			ws, id, s, err := a.buildDemo(ctx, dir)
			if err != nil {
				return err
			}
			defer s.close()
			if noTUI {
				fmt.Fprintf(a.stdout, "workspace  %s\nassessment %s\n", ws, id)
				return nil
			}
			return a.openTUI(ctx, s, "")
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "the demo workspace folder (default: a new temporary folder)")
	cmd.Flags().BoolVar(&noTUI, "no-tui", false, "only build the workspace; print its folder and the assessment id")
	return cmd
}

// buildDemo opens (creating) the demo workspace and adds the demo assessment unless it is
// already there. It returns the workspace folder, the assessment id and the open session.
func (a *app) buildDemo(ctx context.Context, dir string) (string, string, *session, error) {
	if dir == "" {
		d, err := os.MkdirTemp("", "dpia-demo-")
		if err != nil {
			return "", "", nil, fmt.Errorf("create the demo workspace: %w", err)
		}
		dir = d
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", "", nil, fmt.Errorf("demo workspace %s: %w", dir, err)
	}
	a.workspace = abs
	s, err := a.session(ctx)
	if err != nil {
		return "", "", nil, err
	}
	list, err := s.st.ListAssessments(ctx, true)
	if err != nil {
		s.close()
		return "", "", nil, err
	}
	for _, as := range list {
		if as.Name == demo.Name {
			return abs, as.ID, s, nil
		}
	}
	as, err := s.backend().CreateDemo(ctx)
	if err != nil {
		s.close()
		return "", "", nil, fmt.Errorf("build the demo assessment: %w", err)
	}
	return abs, as.ID, s, nil
}
