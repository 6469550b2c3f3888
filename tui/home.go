package tui

import (
	"context"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/dpia-tool/dpia/assessment/store"
)

// home lists the assessments of the workspace.
type home struct {
	c            *Common
	width        int
	height       int
	list         []Summary
	cursor       int
	offset       int
	showArchived bool
	loading      bool
	run          int
	selectID     string // select this assessment once the list is loaded
	err          string
}

// homeLoadedMsg carries the assessment list.
type homeLoadedMsg struct {
	run  int
	list []Summary
	err  error
}

// homeActionMsg reports a finished action (create demo, duplicate, archive, status).
type homeActionMsg struct {
	selectID string
	done     string
	err      error
}

func newHome(c *Common) *home { return &home{c: c} }

func (h *home) SetSize(w, hgt int) { h.width, h.height = w, hgt }
func (h *home) Capturing() bool    { return false }

func (h *home) Enter(_, _ string) tea.Cmd { return h.load() }

func (h *home) load() tea.Cmd {
	h.run++
	h.loading = true
	run, b, ctx, all := h.run, h.c.Backend, h.c.Ctx, h.showArchived
	return func() tea.Msg {
		list, err := b.ListAssessments(ctx, all)
		return homeLoadedMsg{run: run, list: list, err: err}
	}
}

func (h *home) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case homeLoadedMsg:
		return h.handleLoaded(msg)
	case homeActionMsg:
		return h.handleAction(msg)
	case tea.KeyMsg:
		return h.handleKey(msg)
	}
	return nil
}

func (h *home) handleLoaded(msg homeLoadedMsg) tea.Cmd {
	if msg.run != h.run {
		return nil
	}
	h.loading = false
	if msg.err != nil {
		h.err = errText(msg.err)
		return nil
	}
	h.err = ""
	h.list = msg.list
	if h.selectID != "" {
		for i, s := range h.list {
			if s.ID == h.selectID {
				h.cursor = i
			}
		}
		h.selectID = ""
	}
	h.cursor = max(0, min(h.cursor, len(h.list)-1))
	return nil
}

func (h *home) handleAction(msg homeActionMsg) tea.Cmd {
	if msg.err != nil {
		return statusCmd(errText(msg.err), true)
	}
	h.selectID = msg.selectID
	return tea.Batch(h.load(), statusCmd(msg.done, false))
}

func (h *home) selected() (Summary, bool) {
	if h.cursor < 0 || h.cursor >= len(h.list) {
		return Summary{}, false
	}
	return h.list[h.cursor], true
}

func (h *home) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := h.c.Keys
	cur, ok := h.selected()
	switch {
	case key.Matches(msg, k.Up):
		h.cursor = max(0, h.cursor-1)
	case key.Matches(msg, k.Down):
		h.cursor = min(len(h.list)-1, h.cursor+1)
	case key.Matches(msg, k.New):
		return navigate(pageNew, "", "", "")
	case key.Matches(msg, k.Demo):
		return h.createDemo()
	case key.Matches(msg, k.Enter):
		if !ok && h.loading {
			return nil
		}
		if !ok {
			return h.createDemo()
		}
		return navigate(pageQuestions, cur.ID, cur.Name, "")
	case key.Matches(msg, k.ShowArchived):
		h.showArchived = !h.showArchived
		return h.load()
	case key.Matches(msg, k.Refresh):
		return h.load()
	case !ok:
		return nil
	case key.Matches(msg, k.Duplicate):
		return h.action(func(ctx context.Context, b Backend) (string, string, error) {
			a, err := b.DuplicateAssessment(ctx, cur.ID)
			return a.ID, "Duplicated as “" + a.Name + "”.", err
		})
	case key.Matches(msg, k.Archive):
		return h.action(func(ctx context.Context, b Backend) (string, string, error) {
			if cur.Archived {
				return cur.ID, "Restored “" + cur.Name + "”.", b.ArchiveAssessment(ctx, cur.ID, false)
			}
			return "", "Archived “" + cur.Name + "” (A shows archived assessments).", b.ArchiveAssessment(ctx, cur.ID, true)
		})
	case key.Matches(msg, k.Status):
		next := nextStatus(cur.Status)
		return h.action(func(ctx context.Context, b Backend) (string, string, error) {
			done := "Status of “" + cur.Name + "” is now " + statusWord(next) + "."
			switch {
			case cur.Status == store.StatusSignedOff:
				done = "Reopened “" + cur.Name + "” as a new draft version; the signed version stays readable (dpia show " + cur.ID + " --version N)."
			case next == store.StatusInReview:
				done += " Open it and sign it off on the Review screen (7), or with dpia signoff " + cur.ID + "."
			}
			return cur.ID, done, b.SetStatus(ctx, cur.ID, next)
		})
	}
	return nil
}

func (h *home) createDemo() tea.Cmd {
	return h.action(func(ctx context.Context, b Backend) (string, string, error) {
		a, err := b.CreateDemo(ctx)
		return a.ID, "Created the demo assessment “" + a.Name + "”: press enter to open it.", err
	})
}

// action runs a backend call in a command and reports it with a homeActionMsg.
func (h *home) action(fn func(ctx context.Context, b Backend) (string, string, error)) tea.Cmd {
	b, ctx := h.c.Backend, context.WithoutCancel(h.c.Ctx)
	return func() tea.Msg {
		id, done, err := fn(ctx, b)
		return homeActionMsg{selectID: id, done: done, err: err}
	}
}

// nextStatus is where the status key moves an assessment: a draft goes to review, one in
// review back to draft, and a signed-off one is reopened as a new draft version. Signing off
// needs the signer's key and is done on the Review screen or with 'dpia signoff'.
func nextStatus(s string) string {
	if s == store.StatusDraft {
		return store.StatusInReview
	}
	return store.StatusDraft
}

// shownStatus is the status in the list: review due once a signed-off assessment's next
// review date has passed.
func shownStatus(a Summary) string {
	if a.ReviewDue {
		return store.StatusReviewDue
	}
	return a.Status
}

func statusWord(s string) string { return strings.ReplaceAll(s, "_", " ") }

// home columns: cursor, name (flexible), system, status, done, risk, AI Act.
const (
	colSystem, colStatus, colDone, colRisk, colTier = 16, 11, 5, 9, 12
)

func (h *home) View() string {
	s := h.c.Styles
	var b strings.Builder
	title := "Assessments"
	if h.showArchived {
		title += " (archived included)"
	}
	b.WriteString(s.Title.Render(title) + "\n\n")
	if h.err != "" {
		b.WriteString(s.Error.Render(wrap(h.err, h.width)) + "\n")
	}
	if len(h.list) == 0 {
		if h.loading {
			b.WriteString(s.Muted.Render("Loading…"))
			return b.String()
		}
		b.WriteString(h.emptyView())
		return b.String()
	}
	nameW := max(10, h.width-colSystem-colStatus-colDone-colRisk-colTier-7)
	head := "  " + cell("NAME", nameW) + " " + cell("SYSTEM", colSystem) + " " + cell("STATUS", colStatus) + " " +
		cell("DONE", colDone) + " " + cell("RISK", colRisk) + " " + cell("AI ACT", colTier)
	b.WriteString(s.Muted.Render(head) + "\n")
	rows := max(1, h.height-4)
	h.offset = window(h.offset, h.cursor, rows, len(h.list))
	for i := h.offset; i < min(len(h.list), h.offset+rows); i++ {
		b.WriteString(h.row(h.list[i], i == h.cursor, nameW) + "\n")
	}
	return b.String()
}

func (h *home) row(a Summary, sel bool, nameW int) string {
	s := h.c.Styles
	name := a.Name
	if a.Archived {
		name += " (archived)"
	}
	done, risk, tier := fmt.Sprintf("%3.0f%%", a.Completeness*100), s.Level(a.Residual), s.Level(a.Tier)
	if a.Err != "" {
		done, risk, tier = "", s.Error.Render("error"), ""
	}
	cursor := "  "
	if sel {
		cursor = s.Cursor.Render("▸ ")
		name = s.Selected.Render(truncate(name, nameW))
	}
	return cursor + cell(name, nameW) + " " + cell(a.SystemName, colSystem) + " " + cell(statusWord(shownStatus(a)), colStatus) + " " +
		cell(done, colDone) + " " + cell(risk, colRisk) + " " + cell(tier, colTier)
}

func (h *home) emptyView() string {
	s := h.c.Styles
	lines := []string{
		s.Text.Render("This workspace has no assessments yet."),
		"",
		s.Cursor.Render("▸ ") + s.Selected.Render("Open the demo") + s.Text.Render(": a Clearview-style face search engine, fully answered"),
		s.Muted.Render("  (press enter or D), or press n to start a new assessment."),
	}
	return wrap(strings.Join(lines, "\n"), h.width)
}

// cell truncates or pads s to exactly w cells.
func cell(s string, w int) string {
	s = truncate(s, w)
	if pad := w - lipgloss.Width(s); pad > 0 {
		s += strings.Repeat(" ", pad)
	}
	return s
}

func (h *home) ShortHelp() []key.Binding {
	k := h.c.Keys
	return []key.Binding{k.Enter, k.New, k.Duplicate, k.Archive, k.Status}
}

func (h *home) FullHelp() [][]key.Binding {
	k := h.c.Keys
	return [][]key.Binding{{k.Up, k.Down, k.Enter, k.Refresh}, {k.New, k.Duplicate, k.Archive, k.ShowArchived, k.Status, k.Demo}}
}
