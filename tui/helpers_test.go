package tui

import (
	"context"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
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
		msg := c()
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
