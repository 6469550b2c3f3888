package tui

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"

	"github.com/dpia-tool/dpia/assessment/store"
	q "github.com/dpia-tool/dpia/questionnaires"
)

func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	// The synchronous driver runs timers as they come: keep the debounce delays short.
	autosaveDelay, searchDelay = time.Millisecond, time.Millisecond
	os.Exit(m.Run())
}

// env is a real workspace in a temporary folder with the built-in packs.
type env struct {
	dir string
	st  *store.SQLite
	set *q.Set
	b   *WorkspaceBackend
}

var builtinSet *q.Set

func newEnv(t *testing.T) *env {
	t.Helper()
	if builtinSet == nil {
		set, err := q.LoadBuiltin()
		if err != nil {
			t.Fatal(err)
		}
		builtinSet = set
	}
	dir := t.TempDir()
	st, err := store.Open(context.Background(), dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &env{dir: dir, st: st, set: builtinSet, b: NewWorkspaceBackend(st, builtinSet, "tester")}
}

// create makes an assessment with the given packs.
func (e *env) create(t *testing.T, name string, packs ...string) string {
	t.Helper()
	a, err := e.b.CreateAssessment(context.Background(), store.NewAssessment{Name: name, Packs: packs})
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}

// reopen opens the workspace again in a new store and returns the stored answers.
func (e *env) reopenAnswers(t *testing.T, id string) map[string][]string {
	t.Helper()
	st, err := store.Open(context.Background(), e.dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ans, err := st.Answers(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return ans
}

// driver runs a root model synchronously: it executes every command and feeds the messages
// back, as the bubbletea runtime would, until nothing is left.
type driver struct {
	t    *testing.T
	m    *Model
	quit bool
	// patience, when set, drops a command that has not returned by then: a huh form's
	// cursor blinks through commands that sleep and reschedule themselves forever.
	patience time.Duration
}

func newDriver(t *testing.T, b Backend, w, h int) *driver {
	t.Helper()
	d := &driver{t: t, m: New(b, Options{})}
	d.run(d.m.Init())
	d.send(tea.WindowSizeMsg{Width: w, Height: h})
	return d
}

func (d *driver) send(msg tea.Msg) {
	d.t.Helper()
	_, cmd := d.m.Update(msg)
	d.run(cmd)
}

func (d *driver) run(cmd tea.Cmd) {
	d.t.Helper()
	queue := []tea.Cmd{cmd}
	for n := 0; len(queue) > 0; n++ {
		if n > 5000 {
			d.t.Fatal("commands do not settle")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := d.call(c)
		switch msg := msg.(type) {
		case nil:
			continue
		case tea.BatchMsg:
			queue = append(queue, msg...)
			continue
		case tea.QuitMsg:
			d.quit = true
			continue
		}
		if cmds, ok := asCmds(msg); ok { // tea.Sequence
			queue = append(queue, cmds...)
			continue
		}
		_, next := d.m.Update(msg)
		queue = append(queue, next)
	}
}

// call runs a command, giving up after d.patience when that is set.
func (d *driver) call(c tea.Cmd) tea.Msg {
	if d.patience == 0 {
		return c()
	}
	ch := make(chan tea.Msg, 1)
	go func() { ch <- c() }()
	select {
	case msg := <-ch:
		return msg
	case <-time.After(d.patience):
		return nil
	}
}

// asCmds unpacks bubbletea's unexported sequence message.
func asCmds(msg tea.Msg) ([]tea.Cmd, bool) {
	v := reflect.ValueOf(msg)
	if v.Kind() != reflect.Slice || v.Type().Elem() != reflect.TypeOf(tea.Cmd(nil)) {
		return nil, false
	}
	out := make([]tea.Cmd, v.Len())
	for i := range out {
		out[i] = v.Index(i).Interface().(tea.Cmd)
	}
	return out, true
}

// keys sends each key: names such as "enter", "esc", "down", "ctrl+s", or single runes.
func (d *driver) keys(names ...string) {
	d.t.Helper()
	for _, k := range names {
		d.send(keyMsg(k))
	}
}

// typeText sends the runes of s one by one.
func (d *driver) typeText(s string) {
	d.t.Helper()
	for _, r := range s {
		d.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

var namedKeys = map[string]tea.KeyType{
	"enter": tea.KeyEnter, "esc": tea.KeyEsc, "up": tea.KeyUp, "down": tea.KeyDown,
	"left": tea.KeyLeft, "right": tea.KeyRight, "tab": tea.KeyTab, "shift+tab": tea.KeyShiftTab,
	"ctrl+s": tea.KeyCtrlS, "ctrl+c": tea.KeyCtrlC, "ctrl+r": tea.KeyCtrlR, "ctrl+t": tea.KeyCtrlT,
	"space": tea.KeySpace, "pgdown": tea.KeyPgDown, "pgup": tea.KeyPgUp, "backspace": tea.KeyBackspace,
}

func keyMsg(k string) tea.KeyMsg {
	if t, ok := namedKeys[k]; ok {
		if t == tea.KeySpace {
			return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
		}
		return tea.KeyMsg{Type: t}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

func (d *driver) view() string { return d.m.View() }

func (d *driver) mustSee(want ...string) {
	d.t.Helper()
	v := d.view()
	for _, w := range want {
		if !strings.Contains(v, w) {
			d.t.Fatalf("screen lacks %q:\n%s", w, v)
		}
	}
}

func (d *driver) mustNotSee(bad ...string) {
	d.t.Helper()
	v := d.view()
	for _, w := range bad {
		if strings.Contains(v, w) {
			d.t.Fatalf("screen shows %q:\n%s", w, v)
		}
	}
}

// questionnaire returns the questionnaire page.
func (d *driver) questionnaire() *questionnaire { return d.m.pages[pageQuestions].(*questionnaire) }

// screenNormalisers replace the parts of a screen that differ from run to run with stable
// placeholders, so that a golden file checks the layout and the content that matter
// (answers, findings, masked values, counts) and nothing else. A placeholder with keepWidth is
// padded with spaces to the width of the value it replaces, so that what follows on the line
// (the questionnaire pane's padding and the sidebar's column) stays in place.
var screenNormalisers = []struct {
	re        *regexp.Regexp
	to        string
	keepWidth bool
}{
	// t.TempDir() folders (the workspace, the samples, the export folder): os.TempDir(), a
	// folder named after the test with random digits (of varying length), then 001, 002….
	{re: regexp.MustCompile(regexp.QuoteMeta(filepath.Clean(os.TempDir())) + `/[^/\s]+/\d{3}\b`), to: "<tmp>"},
	// Save marks carry the wall-clock time of the commit: "✓ saved at 10:04:05".
	{re: regexp.MustCompile(`\b\d{2}:\d{2}:\d{2}\b`), to: "<time>", keepWidth: true},
	// Assessment ids are random: "a-" and 8 hex digits (export file names dpia-a-3af0f18e.pdf).
	{re: regexp.MustCompile(`\ba-[0-9a-f]{8}\b`), to: "<id>"},
	// Indexing throughput depends on the machine: "12.3 MB/s".
	{re: regexp.MustCompile(`\b\d+(\.\d+)? MB/s\b`), to: "<rate> MB/s"},
	// The elapsed indexing time that ends the progress line ("· 0s", "· 1s", "· 1m2s") depends
	// on how long the test waited.
	{re: regexp.MustCompile(`(?m) · (\d+h)?(\d+m)?\d+s *$`), to: " · <elapsed>"},
}

// normaliseScreen applies screenNormalisers to a rendered screen. A line that held a temporary
// path also loses its trailing blanks: a text field pads its value to the field's width, so the
// padding after a path varies with the path's random length (and blanks at the end of a line
// are not seen).
func normaliseScreen(view string) string {
	for _, n := range screenNormalisers {
		view = n.re.ReplaceAllStringFunc(view, func(m string) string {
			if n.keepWidth {
				return n.to + strings.Repeat(" ", max(0, len(m)-len(n.to)))
			}
			return n.to
		})
	}
	lines := strings.Split(view, "\n")
	for i, l := range lines {
		if strings.Contains(l, "<tmp>") {
			lines[i] = strings.TrimRight(l, " ")
		}
	}
	return strings.Join(lines, "\n")
}

// requireGoldenScreen compares a rendered screen, normalised, with
// testdata/<TestName>[_<step>].golden (go test ./tui/ -run TestName -update rewrites it).
// Colours are off for every test (TestMain sets the Ascii profile), so the screen is plain
// text: search matches are bracketed instead of highlighted.
func requireGoldenScreen(t *testing.T, step, view string) {
	t.Helper()
	if strings.Contains(view, "\x1b[") {
		t.Fatalf("screen holds escape sequences (colour profile not Ascii?):\n%q", view)
	}
	var tb testing.TB = t
	if step != "" {
		tb = goldenStep{TB: t, name: t.Name() + "_" + step}
	}
	golden.RequireEqual(tb, []byte(normaliseScreen(view)))
}

// goldenStep names a golden file after a step of a test: golden uses tb.Name() as the file
// name, and a test compares several screens.
type goldenStep struct {
	testing.TB
	name string
}

func (g goldenStep) Name() string { return g.name }
