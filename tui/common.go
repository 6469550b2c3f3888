package tui

import (
	"context"
	"errors"
	"io"
	"log"
	"strings"
	"sync"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// Common is what every page shares: size, styles, keys, the backend and the language.
type Common struct {
	Width, Height int // the body area of a page
	Styles        *Styles
	Keys          *KeyMap
	Backend       Backend
	Lang          string
	Log           *log.Logger
	// Ctx is cancelled when the program quits: long work (indexing, exporting, searching)
	// runs under it and stops cleanly.
	Ctx context.Context
	// work tracks commands that write (saves, indexing, exports); Flush waits for them.
	work *tracker
}

// tracker counts running work. Once closed it refuses new work, so that nothing starts
// writing after the program has quit and the workspace is about to close.
type tracker struct {
	mu     sync.Mutex
	idle   *sync.Cond
	n      int
	closed bool
}

func newTracker() *tracker {
	t := &tracker{}
	t.idle = sync.NewCond(&t.mu)
	return t
}

// begin registers work; false once closed (the work must not start).
func (t *tracker) begin() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return false
	}
	t.n++
	return true
}

// end marks registered work finished.
func (t *tracker) end() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n--
	if t.n == 0 {
		t.idle.Broadcast()
	}
}

// closeAndWait refuses new work and waits for the running work to end.
func (t *tracker) closeAndWait() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.closed = true
	for t.n > 0 {
		t.idle.Wait()
	}
}

// pageID names a screen.
type pageID int

const (
	pageHome pageID = iota
	pageNew
	pageQuestions
	pageFindings
	pageScenarios
	pageEvidence
	pageHistory
	pageExport
	pageReview
)

// assessmentPages are the screens of an open assessment, in tab order (keys 1–7).
var assessmentPages = []pageID{pageQuestions, pageFindings, pageScenarios, pageEvidence, pageHistory, pageExport, pageReview}

var pageTitles = map[pageID]string{
	pageHome: "Assessments", pageNew: "New assessment", pageQuestions: "Questions",
	pageFindings: "Findings", pageScenarios: "Scenarios", pageEvidence: "Evidence",
	pageHistory: "History", pageExport: "Export", pageReview: "Review",
}

// page is one screen. Pages are pointers that keep their state while the user moves
// between screens.
type page interface {
	// Enter is called when the page becomes active for an assessment; arg is a page-specific
	// target (a question id to show). It returns the command that loads the page's data.
	Enter(id, arg string) tea.Cmd
	Update(msg tea.Msg) tea.Cmd
	View() string
	SetSize(width, height int)
	ShortHelp() []key.Binding
	FullHelp() [][]key.Binding
	// Capturing reports whether keys go to a text field: global single-letter keys are then
	// left to the page.
	Capturing() bool
}

// navigateMsg switches to a page.
type navigateMsg struct {
	to   pageID
	id   string // assessment id
	name string // assessment name, for the header
	arg  string // e.g. a question id to show
}

func navigate(to pageID, id, name, arg string) tea.Cmd {
	return func() tea.Msg { return navigateMsg{to: to, id: id, name: name, arg: arg} }
}

// statusMsg shows one sentence in the status line.
type statusMsg struct {
	text string
	err  bool
}

func statusCmd(text string, isErr bool) tea.Cmd {
	return func() tea.Msg { return statusMsg{text: text, err: isErr} }
}

// errText turns an error into one sentence for the status line.
func errText(err error) string {
	if err == nil {
		return ""
	}
	if errors.Is(err, context.Canceled) {
		return "cancelled"
	}
	s := err.Error()
	if s != "" {
		s = strings.ToUpper(s[:1]) + s[1:]
	}
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// truncate cuts a one-line string to width cells with an ellipsis.
func truncate(s string, width int) string {
	if width <= 0 {
		return ""
	}
	return ansi.Truncate(s, width, "…")
}

// wrap word-wraps text to width cells.
func wrap(s string, width int) string {
	if width <= 0 {
		return s
	}
	return lipgloss.NewStyle().Width(width).Render(s)
}

// window returns the offset of a scrolled list so that the cursor stays within height rows.
func window(offset, cursor, height, total int) int {
	if height <= 0 {
		return 0
	}
	if cursor < offset {
		offset = cursor
	}
	if cursor >= offset+height {
		offset = cursor - height + 1
	}
	return max(0, min(offset, max(0, total-height)))
}

// discardLogger logs nowhere.
func discardLogger() *log.Logger { return log.New(io.Discard, "", 0) }
