package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dpia-tool/dpia/assessment/store"
	q "github.com/dpia-tool/dpia/questionnaires"
)

// app holds what the commands share: global flags and lazily opened services.
type app struct {
	workspace string
	packDirs  []string
	stdout    io.Writer
	stderr    io.Writer
}

func newApp() *app { return &app{stdout: os.Stdout, stderr: os.Stderr} }

func (a *app) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "dpia",
		Short:         "A terminal workbench for data-protection impact assessments of AI systems",
		Long:          "dpia grades AI systems against the EU AI Act, the GDPR, Kazakhstan's personal-data and AI laws and the Illinois BIPA, and compares them with Clearview-style reference scenarios.",
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runTUI(cmd.Context())
		},
	}
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usagef("%v", err) })
	pf := root.PersistentFlags()
	pf.StringVar(&a.workspace, "workspace", "", "workspace folder (default $DPIA_WORKSPACE, else ~/.local/share/dpia)")
	pf.StringArrayVar(&a.packDirs, "packs-dir", nil, "a folder of extra or overriding pack files (repeatable); the workspace's packs/ folder is always read")
	root.AddCommand(a.scanCmd(), a.evidenceCmd(), a.gradeCmd(), a.newCmd(), a.listCmd(), a.withVersions(a.showCmd()),
		a.reopening(a.answerCmd()), a.reopening(a.noteCmd()),
		a.importCmd(), a.exportCmd(), a.logCmd(), a.packsCmd(), a.demoCmd(), a.reportCmd(),
		a.keysCmd(), a.reviewCmd(), a.decideCmd(), a.signoffCmd(), a.verifyCmd())
	return root
}

func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments, got %q", cmd.CommandPath(), strings.Join(args, " "))
	}
	return nil
}

func exactArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usagef("%s needs %s", cmd.CommandPath(), names)
		}
		return nil
	}
}

func minArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return usagef("%s needs %s", cmd.CommandPath(), names)
		}
		return nil
	}
}

// workspaceDir resolves --workspace, $DPIA_WORKSPACE, then the user's data directory.
func (a *app) workspaceDir() (string, error) {
	if a.workspace != "" {
		return a.workspace, nil
	}
	if d := os.Getenv("DPIA_WORKSPACE"); d != "" {
		return d, nil
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "dpia"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no workspace given and no home directory: use --workspace DIR")
	}
	return filepath.Join(home, ".local", "share", "dpia"), nil
}

// loadPacks loads the built-in packs, the workspace's packs/ folder (when withWorkspace) and
// every --packs-dir folder.
func (a *app) loadPacks(withWorkspace bool) (*q.Set, error) {
	var dirs []string
	if withWorkspace {
		ws, err := a.workspaceDir()
		if err != nil {
			return nil, err
		}
		if st, err := os.Stat(filepath.Join(ws, "packs")); err == nil && st.IsDir() {
			dirs = append(dirs, filepath.Join(ws, "packs"))
		}
	}
	for _, d := range a.packDirs {
		st, err := os.Stat(d)
		if err != nil || !st.IsDir() {
			return nil, fmt.Errorf("packs folder %s is not a readable folder", d)
		}
		dirs = append(dirs, d)
	}
	return q.Load(q.LoadOptions{Dirs: dirs})
}

// openStore opens the workspace store.
func (a *app) openStore(ctx context.Context) (*store.SQLite, error) {
	ws, err := a.workspaceDir()
	if err != nil {
		return nil, err
	}
	return store.Open(ctx, ws, store.Options{Upgrading: func(from, to int) {
		fmt.Fprintf(a.stderr, "dpia: upgrading workspace %s from schema version %d to %d (once; a large evidence index takes minutes)\n", ws, from, to)
	}})
}

// actor names who makes a change: the signer name in the signing key ($DPIA_KEY, else the
// default key file) when there is one, else $DPIA_USER, else the OS user.
func actor() string {
	if name := keyName(); name != "" {
		return name
	}
	if u := os.Getenv("DPIA_USER"); u != "" {
		return u
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "unknown"
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
