package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/dpia-tool/dpia/assessment"
)

// scenarios ranks the reference scenarios by similarity and shows the matched and missing
// traits and the real outcomes of the selected one.
type scenarios struct {
	c       *Common
	width   int
	height  int
	id      string
	list    []assessment.ScenarioMatch
	run     int
	loading bool
	err     string
	cursor  int
	scroll  int
}

// scenariosGradedMsg carries the ranked scenarios.
type scenariosGradedMsg struct {
	run  int
	id   string
	list []assessment.ScenarioMatch
	err  error
}

func newScenarios(c *Common) *scenarios { return &scenarios{c: c} }

func (p *scenarios) SetSize(w, h int) { p.width, p.height = w, h }
func (p *scenarios) Capturing() bool  { return false }

func (p *scenarios) Enter(id, _ string) tea.Cmd {
	if id != p.id {
		p.list, p.cursor, p.scroll = nil, 0, 0
	}
	p.id = id
	p.run++
	p.loading = true
	run, b, ctx := p.run, p.c.Backend, p.c.Ctx
	return func() tea.Msg {
		res, err := b.Grade(ctx, id)
		return scenariosGradedMsg{run: run, id: id, list: res.Scenarios, err: err}
	}
}

func (p *scenarios) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case scenariosGradedMsg:
		if msg.run != p.run || msg.id != p.id {
			return nil
		}
		p.loading, p.list, p.err = false, msg.list, errText(msg.err)
		p.cursor = max(0, min(p.cursor, len(p.list)-1))
	case tea.KeyMsg:
		return p.handleKey(msg)
	}
	return nil
}

func (p *scenarios) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.Keys
	switch {
	case key.Matches(msg, k.Back):
		return navigate(pageHome, "", "", "")
	case key.Matches(msg, k.Up):
		p.cursor, p.scroll = max(0, p.cursor-1), 0
	case key.Matches(msg, k.Down):
		p.cursor, p.scroll = max(0, min(len(p.list)-1, p.cursor+1)), 0
	case key.Matches(msg, k.PageDown):
		p.scroll = max(0, min(p.scroll+max(1, p.detailHeight()/2), len(p.detailLines())-p.detailHeight()))
	case key.Matches(msg, k.PageUp):
		p.scroll = max(0, p.scroll-max(1, p.detailHeight()/2))
	}
	return nil
}

func (p *scenarios) listHeight() int   { return min(len(p.list), max(3, p.height/3)) }
func (p *scenarios) detailHeight() int { return max(1, p.height-p.listHeight()-2) }

func (p *scenarios) View() string {
	s := p.c.Styles
	switch {
	case p.err != "":
		return s.Error.Render(wrap(p.err, p.width))
	case p.list == nil:
		return s.Muted.Render("Comparing with the reference scenarios…")
	}
	var lines []string
	h := p.listHeight()
	off := window(0, p.cursor, h, len(p.list))
	for i := off; i < min(len(p.list), off+h); i++ {
		sc := p.list[i]
		bar := similarityBar(sc.Similarity, 10)
		line := fmt.Sprintf("%3.0f%% %s ", sc.Similarity*100, bar)
		title := truncate(sc.Title, p.width-len([]rune(line))-2)
		mark := "  "
		if i == p.cursor {
			mark, title = s.Cursor.Render("▸ "), s.Selected.Render(title)
		}
		lines = append(lines, mark+s.Accent.Render(line)+title)
	}
	lines = append(lines, s.Muted.Render(strings.Repeat("─", p.width)))
	detail := p.detailLines()
	dh := p.detailHeight()
	off = max(0, min(p.scroll, len(detail)-dh))
	lines = append(lines, detail[off:min(len(detail), off+dh)]...)
	return strings.Join(lines, "\n")
}

func similarityBar(x float64, w int) string {
	n := int(x*float64(w) + 0.5)
	return strings.Repeat("█", n) + strings.Repeat("░", w-n)
}

func (p *scenarios) detailLines() []string {
	s, w := p.c.Styles, p.width
	if p.cursor >= len(p.list) {
		return nil
	}
	m := p.list[p.cursor]
	var out []string
	add := func(block string) { out = append(out, strings.Split(block, "\n")...) }
	sc := p.c.Backend.Set().Scenario(m.ID)
	add(s.Title.Render(wrap(m.Title, w)))
	if sc != nil && !sc.Summary.Empty() {
		add(s.Text.Render(wrap(sc.Summary.In(p.c.Lang), w)))
	}
	add("")
	add(s.Subtitle.Render(fmt.Sprintf("Matched traits (%d)", len(m.Matched))))
	for _, t := range m.Matched {
		add(s.OK.Render("  ✓ ") + s.Text.Render(truncate(t, w-4)))
	}
	add(s.Subtitle.Render(fmt.Sprintf("Missing traits (%d)", len(m.Missing))))
	for _, t := range m.Missing {
		add(s.Muted.Render("  ✗ " + truncate(t, w-4)))
	}
	if sc == nil {
		return out
	}
	if len(sc.Outcomes) > 0 {
		add("")
		add(s.Subtitle.Render("What happened in reality"))
	}
	for _, o := range sc.Outcomes {
		add(s.Accent.Render(o.Date.Value + "  " + o.Authority.In(p.c.Lang)))
		add(s.Text.Render(wrap("  "+o.Decision.In(p.c.Lang), w)))
		if !o.Sanction.Empty() {
			add(s.Warn.Render(wrap("  Sanction: "+o.Sanction.In(p.c.Lang), w)))
		}
		if o.Source.Value != "" {
			add(s.Muted.Render(wrap("  Source: "+o.Source.Value, w)))
		}
	}
	if !sc.LawfulDesign.Empty() {
		add("")
		add(s.Subtitle.Render("A lawful design"))
		add(s.Text.Render(wrap(sc.LawfulDesign.In(p.c.Lang), w)))
	}
	return out
}

func (p *scenarios) ShortHelp() []key.Binding {
	k := p.c.Keys
	return []key.Binding{k.Up, k.Down, k.PageDown, k.PageUp, k.Back}
}

func (p *scenarios) FullHelp() [][]key.Binding {
	k := p.c.Keys
	return [][]key.Binding{{k.Up, k.Down}, {k.PageUp, k.PageDown, k.Back}}
}
