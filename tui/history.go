package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/dpia-tool/dpia/assessment/store"
)

// history shows the event log (who, when, what, old → new) and whether its hash chain
// verifies.
type history struct {
	c       *Common
	width   int
	height  int
	id      string
	events  []store.Event
	rows    []string // rendered once per load, not per frame
	verify  *store.Verification
	run     int
	loading bool
	err     string
	cursor  int
}

// historyLoadedMsg carries the log and its verification.
type historyLoadedMsg struct {
	run    int
	id     string
	events []store.Event
	verify store.Verification
	err    error
}

func newHistory(c *Common) *history { return &history{c: c} }

func (p *history) SetSize(w, h int) {
	p.width, p.height = w, h
	p.render()
}
func (p *history) Capturing() bool { return false }

func (p *history) Enter(id, _ string) tea.Cmd {
	if id != p.id {
		p.events, p.rows, p.verify, p.cursor = nil, nil, nil, 0
	}
	p.id = id
	return p.load()
}

func (p *history) load() tea.Cmd {
	p.run++
	p.loading = true
	run, id, b, ctx := p.run, p.id, p.c.Backend, p.c.Ctx
	return func() tea.Msg {
		msg := historyLoadedMsg{run: run, id: id}
		if msg.events, msg.err = b.Events(ctx, id); msg.err != nil {
			return msg
		}
		msg.verify, msg.err = b.VerifyLog(ctx, id)
		return msg
	}
}

func (p *history) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case historyLoadedMsg:
		if msg.run != p.run || msg.id != p.id {
			return nil
		}
		p.loading, p.err = false, errText(msg.err)
		if msg.err == nil {
			p.events, p.verify = msg.events, &msg.verify
			p.cursor = len(p.events) - 1 // newest first in view: start at the end
			p.render()
		}
	case tea.KeyMsg:
		return p.handleKey(msg)
	}
	return nil
}

func (p *history) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.Keys
	n := len(p.rows)
	switch {
	case key.Matches(msg, k.Back):
		return navigate(pageHome, "", "", "")
	case key.Matches(msg, k.Up):
		p.cursor = max(0, p.cursor-1)
	case key.Matches(msg, k.Down):
		p.cursor = max(0, min(n-1, p.cursor+1))
	case key.Matches(msg, k.PageUp):
		p.cursor = max(0, p.cursor-p.listHeight())
	case key.Matches(msg, k.PageDown):
		p.cursor = max(0, min(n-1, p.cursor+p.listHeight()))
	case key.Matches(msg, k.Top):
		p.cursor = 0
	case key.Matches(msg, k.Bottom):
		p.cursor = max(0, n-1)
	case key.Matches(msg, k.Verify, k.Refresh):
		return p.load()
	}
	return nil
}

func (p *history) listHeight() int { return max(1, p.height-4) }

// histFixed is the width of the columns before OLD → NEW, with their gaps.
const histFixed = 4 + 1 + 16 + 1 + 10 + 1 + 7 + 1 + 20 + 1

// render builds the row strings when the data or the width changes.
func (p *history) render() {
	p.rows = p.rows[:0]
	changeW := max(10, p.width-2-histFixed)
	for _, e := range p.events {
		p.rows = append(p.rows, truncate(cell(fmt.Sprint(e.Seq), 4)+" "+cell(e.At.Local().Format("2006-01-02 15:04"), 16)+" "+
			cell(e.Actor, 10)+" "+cell(e.Kind, 7)+" "+cell(e.Subject, 20)+" "+change(e), changeW+histFixed))
	}
}

// change renders old → new of an event.
func change(e store.Event) string {
	old, nu := e.Old, e.New
	switch {
	case old == "" && nu == "":
		return ""
	case old == "":
		return nu
	case nu == "":
		return old + " → (removed)"
	}
	return old + " → " + nu
}

func (p *history) View() string {
	s := p.c.Styles
	if p.err != "" {
		return s.Error.Render(wrap(p.err, p.width))
	}
	if p.verify == nil {
		return s.Muted.Render("Reading the event log…")
	}
	var head string
	if p.verify.OK {
		head = s.OK.Render("✓ VERIFIED") + s.Text.Render(fmt.Sprintf("  the hash chain of %d events is intact and matches the stored answers and notes", p.verify.Events))
	} else {
		head = s.Error.Render("✗ DOES NOT VERIFY") + s.Text.Render("  "+p.verify.Problem)
	}
	lines := []string{truncate(head, p.width), s.Muted.Render("V verifies again · the log cannot be edited: every change is a new event"), ""}
	lines = append(lines, s.Muted.Render("  "+cell("SEQ", 4)+" "+cell("WHEN", 16)+" "+cell("WHO", 10)+" "+cell("WHAT", 7)+" "+cell("SUBJECT", 20)+" OLD → NEW"))
	h := p.listHeight()
	off := window(max(0, len(p.rows)-h), p.cursor, h, len(p.rows))
	for i := off; i < min(len(p.rows), off+h); i++ {
		row := p.rows[i]
		if i == p.cursor {
			lines = append(lines, s.Cursor.Render("▸ ")+s.Selected.Render(row))
			continue
		}
		if p.verify.BadSeq != 0 && p.events[i].Seq == p.verify.BadSeq {
			lines = append(lines, s.Error.Render("! "+row))
			continue
		}
		lines = append(lines, "  "+s.Text.Render(row))
	}
	return strings.Join(lines, "\n")
}

func (p *history) ShortHelp() []key.Binding {
	k := p.c.Keys
	return []key.Binding{k.Up, k.Down, k.Verify, k.Back}
}

func (p *history) FullHelp() [][]key.Binding {
	k := p.c.Keys
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}, {k.Verify, k.Back}}
}
