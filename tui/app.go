// Package tui is the terminal workbench of dpia: a bubbletea application whose root model
// routes keys and messages to one page per screen (home, new assessment, questionnaire,
// findings, scenarios, evidence, history, export, review). It reaches the workspace and the
// engine only through a Backend.
package tui

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// MinWidth and MinHeight are the smallest terminal the interface draws in.
const (
	MinWidth  = 80
	MinHeight = 24
	// chromeLines are the header, tab, status and footer lines around a page.
	chromeLines = 4
)

// Options configure New.
type Options struct {
	Lang string      // en, ru or kk; texts fall back to English
	Log  *log.Logger // where the interface logs; nil logs nowhere
	// Open is an assessment id to open first (its questionnaire); empty opens the home screen.
	Open string
	// Ctx is the parent of every long-running command; nil is context.Background().
	Ctx context.Context
}

// Model is the root model: a router that handles global keys, then the active page.
type Model struct {
	c        *Common
	cancel   context.CancelFunc
	pages    map[pageID]page
	active   pageID
	id, name string // the open assessment
	open     string
	width    int
	height   int
	showHelp bool
	help     help.Model
	status   statusMsg
	quitting bool
}

var _ tea.Model = (*Model)(nil)

// New returns the root model over a backend.
func New(b Backend, opts Options) *Model {
	parent := opts.Ctx
	if parent == nil {
		parent = context.Background()
	}
	ctx, cancel := context.WithCancel(parent)
	if opts.Log == nil {
		opts.Log = discardLogger()
	}
	if opts.Lang == "" {
		opts.Lang = "en"
	}
	c := &Common{Styles: DefaultStyles(), Keys: DefaultKeyMap(), Backend: b, Lang: opts.Lang,
		Log: opts.Log, Ctx: ctx, work: newTracker()}
	m := &Model{c: c, cancel: cancel, active: pageHome, open: opts.Open, help: help.New()}
	m.pages = map[pageID]page{
		pageHome: newHome(c), pageNew: newNewForm(c), pageQuestions: newQuestionnaire(c),
		pageFindings: newFindings(c), pageScenarios: newScenarios(c), pageEvidence: newEvidence(c),
		pageHistory: newHistory(c), pageExport: newExport(c), pageReview: newReview(c),
	}
	return m
}

// Init loads the home screen, or opens the assessment given in Options.Open.
func (m *Model) Init() tea.Cmd {
	if m.open != "" {
		return navigate(pageQuestions, m.open, "", "")
	}
	return m.pages[pageHome].Enter("", "")
}

// Update routes a message: global keys first, then the active page; other messages go to
// every page, each of which ignores what is not its own (stale results carry run ids).
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		return m, m.handleResize(msg)
	case tea.KeyMsg:
		return m, m.handleKey(msg)
	case navigateMsg:
		return m, m.handleNavigate(msg)
	case statusMsg:
		m.status = msg
		if msg.err {
			m.c.Log.Printf("%s: %s", pageTitles[m.active], msg.text)
		}
		return m, nil
	}
	return m, m.broadcast(msg)
}

func (m *Model) handleResize(msg tea.WindowSizeMsg) tea.Cmd {
	m.width, m.height = msg.Width, msg.Height
	m.c.Width, m.c.Height = msg.Width, max(0, msg.Height-chromeLines)
	m.help.Width = msg.Width
	for _, p := range m.pages {
		p.SetSize(m.c.Width, m.c.Height)
	}
	return nil
}

func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := m.c.Keys
	p := m.pages[m.active]
	if key.Matches(msg, k.ForceQuit) {
		return m.quit()
	}
	if m.showHelp {
		if key.Matches(msg, k.Help, k.Back, k.Quit) {
			m.showHelp = false
		}
		return nil
	}
	if !p.Capturing() {
		switch {
		case key.Matches(msg, k.Quit):
			return m.quit()
		case key.Matches(msg, k.Help):
			m.showHelp = true
			return nil
		}
		if m.id != "" && m.active != pageNew {
			for i, b := range k.Screens {
				if key.Matches(msg, b) {
					return navigate(assessmentPages[i], m.id, m.name, "")
				}
			}
		}
	}
	m.status = statusMsg{}
	return p.Update(msg)
}

func (m *Model) quit() tea.Cmd {
	m.quitting = true
	m.cancel()
	return tea.Quit
}

func (m *Model) handleNavigate(msg navigateMsg) tea.Cmd {
	m.showHelp = false
	m.active = msg.to
	if msg.to == pageHome || msg.to == pageNew {
		m.id, m.name = "", ""
	} else {
		if msg.id != m.id || msg.name != "" {
			m.name = msg.name
		}
		m.id = msg.id
	}
	p := m.pages[msg.to]
	p.SetSize(m.c.Width, m.c.Height)
	return p.Enter(msg.id, msg.arg)
}

// assessmentNameMsg tells the router the open assessment's name (pages learn it on load).
type assessmentNameMsg struct{ id, name string }

func (m *Model) broadcast(msg tea.Msg) tea.Cmd {
	if n, ok := msg.(assessmentNameMsg); ok && n.id == m.id {
		m.name = n.name
	}
	cmds := make([]tea.Cmd, 0, len(m.pages))
	for _, id := range []pageID{pageHome, pageNew, pageQuestions, pageFindings, pageScenarios, pageEvidence, pageHistory, pageExport, pageReview} {
		cmds = append(cmds, m.pages[id].Update(msg))
	}
	return tea.Batch(cmds...)
}

// View draws the header, the tabs, the active page (or the help), the status line and the
// key help; a terminal smaller than 80×24 gets a message instead.
func (m *Model) View() string {
	if m.quitting {
		return ""
	}
	if m.width == 0 || m.height == 0 {
		return "loading…"
	}
	if m.width < MinWidth || m.height < MinHeight {
		return m.tooSmall()
	}
	p := m.pages[m.active]
	body := p.View()
	if m.showHelp {
		body = m.fullHelp(p)
	}
	body = fit(body, m.c.Width, m.c.Height)
	return strings.Join([]string{m.header(), m.tabs(), body, m.statusLine(), m.footer(p)}, "\n")
}

// fit cuts every line of s to width cells and pads or cuts it to exactly height lines, so that
// no page can break the frame.
func fit(s string, width, height int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > height {
		lines = lines[:height]
	}
	for i, l := range lines {
		lines[i] = truncate(l, width)
	}
	for len(lines) < height {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

func (m *Model) tooSmall() string {
	msg := fmt.Sprintf("Please enlarge the window: dpia needs %d×%d, this terminal is %d×%d.", MinWidth, MinHeight, m.width, m.height)
	msg = wrap(msg, max(10, m.width-2)) + "\n" + wrap("Press q to quit.", max(10, m.width-2))
	return lipgloss.Place(m.width, m.height, lipgloss.Center, lipgloss.Center, msg)
}

func (m *Model) header() string {
	s := m.c.Styles
	left := s.Header.Render("dpia") + s.HeaderDim.Render(" › "+pageTitles[m.active])
	if m.name != "" {
		left += s.HeaderDim.Render(" › ") + s.Title.Render(m.name)
	}
	right := s.HeaderDim.Render(m.c.Backend.Actor())
	gap := m.width - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 1 {
		return truncate(left, m.width)
	}
	return left + strings.Repeat(" ", gap) + right
}

func (m *Model) tabs() string {
	s := m.c.Styles
	if m.id == "" {
		return s.Muted.Render(strings.Repeat("─", m.width))
	}
	// Every tab is padded to the same width as the bracketed active one, so that the line
	// does not shift when the active tab changes; a terminal too narrow for that (80 columns)
	// gets the tabs unpadded, so that all seven still show.
	line := func(pad, sep string) string {
		var parts []string
		for i, id := range assessmentPages {
			label := fmt.Sprintf("%d %s", i+1, pageTitles[id])
			if id == m.active {
				parts = append(parts, s.TabActive.Render("["+label+"]"))
			} else {
				parts = append(parts, s.Tab.Render(pad+label+pad))
			}
		}
		return strings.Join(parts, sep)
	}
	if l := line(" ", " "); lipgloss.Width(l) <= m.width {
		return l
	}
	return truncate(line("", " "), m.width)
}

func (m *Model) statusLine() string {
	s := m.c.Styles
	if m.status.text == "" {
		return ""
	}
	if m.status.err {
		return truncate(s.Error.Render("! "+m.status.text), m.width)
	}
	return truncate(s.Status.Render(m.status.text), m.width)
}

func (m *Model) globalKeys() []key.Binding {
	k := m.c.Keys
	return []key.Binding{k.Help, k.Quit}
}

func (m *Model) footer(p page) string {
	if m.showHelp {
		return m.help.ShortHelpView([]key.Binding{m.c.Keys.Back})
	}
	global := m.globalKeys()
	if p.Capturing() { // letters go to the text field: only ctrl+c quits
		global = []key.Binding{m.c.Keys.ForceQuit}
	}
	return m.fitKeys(p.ShortHelp(), global)
}

// fitKeys renders the footer's keys in one line of the terminal's width: the screen's keys
// in order as far as they fit, whole (never cut mid-word), then the global keys, which always
// show. When some screen keys are left out, "? help" says "? more keys".
func (m *Model) fitKeys(keys, global []key.Binding) string {
	h := m.help
	h.Width = 0 // the fitting is done here; bubbles would cut the line with "…"
	line := h.ShortHelpView(append(keys[:len(keys):len(keys)], global...))
	if m.width <= 0 || lipgloss.Width(line) <= m.width {
		return line
	}
	more := make([]key.Binding, len(global))
	copy(more, global)
	for i, b := range more {
		if b.Help().Key == m.c.Keys.Help.Help().Key {
			more[i] = key.NewBinding(key.WithKeys(b.Keys()...), key.WithHelp(b.Help().Key, "more keys"))
		}
	}
	for n := len(keys) - 1; n >= 0; n-- {
		line = h.ShortHelpView(append(keys[:n:n], more...))
		if lipgloss.Width(line) <= m.width {
			return line
		}
	}
	return truncate(line, m.width)
}

func (m *Model) fullHelp(p page) string {
	groups := p.FullHelp()
	global := append(m.globalKeys(), m.c.Keys.ForceQuit)
	if m.id != "" && m.active != pageNew {
		global = append(global, key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7"),
			key.WithHelp("1–7", "questions, findings, scenarios, evidence, history, export, review")))
	}
	groups = append(groups, global)
	title := m.c.Styles.Title.Render("Keys on the " + pageTitles[m.active] + " screen")
	return title + "\n\n" + m.helpColumns(groups)
}

// helpColumns lays the key groups out as columns, starting a new row of columns when the
// next one would not fit the width (bubbles' help would cut them off instead).
func (m *Model) helpColumns(groups [][]key.Binding) string {
	s := m.c.Styles
	var rows, row []string
	used := 0
	for _, g := range groups {
		var lines []string
		keyW := 0
		for _, b := range g {
			if b.Enabled() {
				keyW = max(keyW, lipgloss.Width(b.Help().Key))
			}
		}
		for _, b := range g {
			if b.Enabled() {
				lines = append(lines, s.Key.Render(cell(b.Help().Key, keyW))+" "+s.Muted.Render(b.Help().Desc))
			}
		}
		col := strings.Join(lines, "\n")
		w := lipgloss.Width(col) + 4
		if used > 0 && used+w > m.width {
			rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, row...))
			row, used = nil, 0
		}
		row = append(row, lipgloss.NewStyle().PaddingRight(4).Render(col))
		used += w
	}
	rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, row...))
	return strings.Join(rows, "\n\n")
}

// Flush saves what the questionnaire has not committed yet (an open text editor, queued
// answers) and waits for saves in flight. Call it after the program has returned, before
// closing the store.
func (m *Model) Flush(ctx context.Context) error {
	m.cancel()
	m.c.work.closeAndWait()
	if q, ok := m.pages[pageQuestions].(*questionnaire); ok {
		return q.flush(ctx)
	}
	return nil
}

// Active returns the title of the active screen (for tests and logs).
func (m *Model) Active() string { return pageTitles[m.active] }
