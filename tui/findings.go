package tui

import (
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/dpia-tool/dpia/assessment"
)

// findings is the dashboard: AI Act tier, DPIA verdict, heat map and the findings list, with
// a "why" view per finding.
type findings struct {
	c       *Common
	width   int
	height  int
	id      string
	res     *assessment.Result
	run     int
	loading bool
	err     string

	inherent              bool // heat map and list levels: inherent instead of residual
	law, level, outcome   string
	sortBy                int
	cursor, offset        int
	detail                bool
	because, detailScroll int
	detailFollow          bool
}

var sortNames = []string{"residual risk", "inherent risk", "law and article"}

// findingsGradedMsg carries the graded result.
type findingsGradedMsg struct {
	run int
	id  string
	res assessment.Result
	err error
}

func newFindings(c *Common) *findings { return &findings{c: c} }

func (f *findings) SetSize(w, h int) { f.width, f.height = w, h }
func (f *findings) Capturing() bool  { return false }

// Enter grades the assessment afresh (answers may have changed).
func (f *findings) Enter(id, _ string) tea.Cmd {
	if id != f.id {
		f.res, f.cursor, f.offset, f.detail = nil, 0, 0, false
		f.law, f.level, f.outcome = "", "", ""
	}
	f.id = id
	f.run++
	f.loading = true
	run, b, ctx := f.run, f.c.Backend, f.c.Ctx
	return func() tea.Msg {
		res, err := b.Grade(ctx, id)
		return findingsGradedMsg{run: run, id: id, res: res, err: err}
	}
}

func (f *findings) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case findingsGradedMsg:
		return f.handleGraded(msg)
	case tea.KeyMsg:
		if f.detail {
			return f.handleDetailKey(msg)
		}
		return f.handleKey(msg)
	}
	return nil
}

func (f *findings) handleGraded(msg findingsGradedMsg) tea.Cmd {
	if msg.run != f.run || msg.id != f.id {
		return nil
	}
	f.loading = false
	if msg.err != nil {
		f.err = errText(msg.err)
		return nil
	}
	f.err = ""
	f.res = &msg.res
	f.cursor = max(0, min(f.cursor, len(f.visible())-1))
	return nil
}

// visible returns the findings that pass the filters, in the chosen order.
func (f *findings) visible() []assessment.Finding {
	if f.res == nil {
		return nil
	}
	var out []assessment.Finding
	for _, x := range f.res.Findings {
		if (f.law == "" || x.Law == f.law) && (f.level == "" || f.levelOf(x) == f.level) && (f.outcome == "" || x.Outcome == f.outcome) {
			out = append(out, x)
		}
	}
	switch f.sortBy {
	case 1:
		slices.SortStableFunc(out, func(a, b assessment.Finding) int {
			return assessment.LevelRank(b.Inherent) - assessment.LevelRank(a.Inherent)
		})
	case 2:
		slices.SortStableFunc(out, func(a, b assessment.Finding) int {
			if c := strings.Compare(a.Law, b.Law); c != 0 {
				return c
			}
			return strings.Compare(a.Article, b.Article)
		})
	}
	return out
}

func (f *findings) levelOf(x assessment.Finding) string {
	if f.inherent {
		return x.Inherent
	}
	return x.Residual
}

func (f *findings) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := f.c.Keys
	list := f.visible()
	switch {
	case key.Matches(msg, k.Back):
		return navigate(pageHome, "", "", "")
	case key.Matches(msg, k.Up):
		f.cursor = max(0, f.cursor-1)
	case key.Matches(msg, k.Down):
		f.cursor = max(0, min(len(list)-1, f.cursor+1))
	case key.Matches(msg, k.PageDown):
		f.cursor = max(0, min(len(list)-1, f.cursor+f.listHeight()))
	case key.Matches(msg, k.PageUp):
		f.cursor = max(0, f.cursor-f.listHeight())
	case key.Matches(msg, k.InherentToggle):
		f.inherent = !f.inherent
		f.level = ""
	case key.Matches(msg, k.FilterLaw):
		f.law, f.cursor = f.cycle(f.law, func(x assessment.Finding) string { return x.Law }), 0
	case key.Matches(msg, k.FilterLevel):
		f.level, f.cursor = f.cycle(f.level, f.levelOf), 0
	case key.Matches(msg, k.FilterOutcome):
		f.outcome, f.cursor = f.cycle(f.outcome, func(x assessment.Finding) string { return x.Outcome }), 0
	case key.Matches(msg, k.Sort):
		f.sortBy = (f.sortBy + 1) % len(sortNames)
	case key.Matches(msg, k.Enter):
		if f.cursor < len(list) {
			f.detail, f.because, f.detailScroll, f.detailFollow = true, 0, 0, true
		}
	}
	return nil
}

// cycle moves a filter to the next value present among the findings ("" is all).
func (f *findings) cycle(cur string, of func(assessment.Finding) string) string {
	var vals []string
	if f.res != nil {
		for _, x := range f.res.Findings {
			if v := of(x); !slices.Contains(vals, v) {
				vals = append(vals, v)
			}
		}
	}
	slices.SortFunc(vals, func(a, b string) int {
		if ra, rb := assessment.LevelRank(a), assessment.LevelRank(b); ra != rb {
			return rb - ra
		}
		return strings.Compare(a, b)
	})
	i := slices.Index(vals, cur)
	if i+1 >= len(vals) {
		return ""
	}
	return vals[i+1]
}

// selected returns the finding under the cursor.
func (f *findings) selected() (assessment.Finding, bool) {
	list := f.visible()
	if f.cursor < 0 || f.cursor >= len(list) {
		return assessment.Finding{}, false
	}
	return list[f.cursor], true
}

func (f *findings) ShortHelp() []key.Binding {
	k := f.c.Keys
	if f.detail {
		return []key.Binding{k.Up, k.Down, k.PageDown, k.JumpQuestion, k.Back}
	}
	return []key.Binding{k.Enter, k.InherentToggle, k.FilterLaw, k.FilterLevel, k.FilterOutcome, k.Sort}
}

func (f *findings) FullHelp() [][]key.Binding {
	k := f.c.Keys
	if f.detail {
		return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown}, {k.JumpQuestion, k.Back}}
	}
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Enter}, {k.InherentToggle, k.FilterLaw, k.FilterLevel, k.FilterOutcome, k.Sort, k.Back}}
}
