package tui

import (
	"context"
	"fmt"
	"slices"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textarea"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/dpia-tool/dpia/assessment"
	"github.com/dpia-tool/dpia/assessment/store"
	q "github.com/dpia-tool/dpia/questionnaires"
)

// editMode says which text field of the questionnaire has the keyboard.
type editMode int

const (
	editNone editMode = iota
	editText
	editNumber
	editNote
)

// questionnaire shows one question at a time, with the sections in a sidebar and a live risk
// meter. Every answer is saved the moment it is given.
type questionnaire struct {
	c      *Common
	width  int
	height int

	id      string
	a       store.Assessment
	loaded  bool
	loadRun int
	target  string // question to show once loaded
	err     string

	answers map[string]q.Value
	notes   map[string]string
	visible map[string]bool
	order   []*q.Question // visible questions, in section order
	cur     string        // current question id
	opt     int           // option cursor
	scroll  int
	follow  bool // keep the option cursor in view

	saver

	result   *assessment.Result
	gradeRun int
	grading  bool

	edit    editMode
	area    textarea.Model
	input   textinput.Model
	editSeq int
	editErr string
}

// Messages of the questionnaire.
type (
	qLoadedMsg struct {
		run     int
		a       store.Assessment
		answers map[string]q.Value
		notes   map[string]string
		err     error
	}
	qGradedMsg struct {
		run int
		id  string
		res assessment.Result
		err error
	}
	// qIdleMsg fires a moment after the last keystroke in a text field (autosave).
	qIdleMsg struct{ seq int }
)

func newQuestionnaire(c *Common) *questionnaire {
	m := &questionnaire{c: c, saver: newSaver(c)}
	m.area = textarea.New()
	m.area.ShowLineNumbers = false
	m.area.CharLimit = 0
	m.input = textinput.New()
	m.input.Prompt = "> "
	m.area.Cursor.SetMode(cursor.CursorStatic)
	m.input.Cursor.SetMode(cursor.CursorStatic)
	return m
}

func (m *questionnaire) SetSize(w, h int) {
	m.width, m.height = w, h
	m.area.SetWidth(max(20, m.paneWidth()-4))
	m.area.SetHeight(5)
	m.input.Width = max(10, m.paneWidth()-6)
}

func (m *questionnaire) Capturing() bool { return m.edit != editNone }

// Enter opens an assessment (loading it when it is not the one shown) at question arg.
func (m *questionnaire) Enter(id, arg string) tea.Cmd {
	if id == m.id && m.loaded {
		if arg != "" {
			m.goTo(arg, true)
		}
		return m.grade()
	}
	saveOpen := m.closeEditor(true)
	m.id, m.loaded, m.target, m.err, m.result = id, false, arg, "", nil
	m.loadRun++
	run, b, ctx := m.loadRun, m.c.Backend, m.c.Ctx
	return tea.Batch(saveOpen, func() tea.Msg {
		msg := qLoadedMsg{run: run}
		if msg.a, msg.err = b.Assessment(ctx, id); msg.err != nil {
			return msg
		}
		if msg.answers, msg.err = b.Answers(ctx, id); msg.err != nil {
			return msg
		}
		msg.notes, msg.err = b.Notes(ctx, id)
		return msg
	})
}

func (m *questionnaire) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case qLoadedMsg:
		return m.handleLoaded(msg)
	case qGradedMsg:
		return m.handleGraded(msg)
	case savedMsg:
		return m.handleSaved(msg)
	case qIdleMsg:
		return m.handleIdle(msg)
	case tea.KeyMsg:
		if m.edit != editNone {
			return m.handleEditKey(msg)
		}
		return m.handleKey(msg)
	}
	if m.edit != editNone { // cursor blink and similar
		return m.updateEditor(msg)
	}
	return nil
}

func (m *questionnaire) handleLoaded(msg qLoadedMsg) tea.Cmd {
	if msg.run != m.loadRun {
		return nil
	}
	if msg.err != nil {
		m.err = errText(msg.err)
		return nil
	}
	m.a, m.answers, m.notes, m.loaded = msg.a, msg.answers, msg.notes, true
	m.refresh()
	m.cur = ""
	if m.target == "" || !m.goTo(m.target, false) {
		m.goTo(m.firstUnanswered(""), false)
	}
	if m.cur == "" && len(m.order) > 0 {
		m.setCurrent(m.order[0].ID.Value)
	}
	m.target = ""
	name := m.a.Name
	return tea.Batch(m.grade(), func() tea.Msg { return assessmentNameMsg{id: msg.a.ID, name: name} })
}

// refresh recomputes skip logic over the local answers and rebuilds the visible order.
// Hidden questions vanish; their answers are kept.
func (m *questionnaire) refresh() {
	vis, err := m.c.Backend.Visible(m.a.Packs, m.answers)
	if err != nil {
		m.err = errText(err)
		return
	}
	m.visible = vis
	m.order = m.order[:0]
	for _, sec := range m.c.Backend.Set().Sections {
		for _, qu := range sec.Questions {
			if vis[qu.ID.Value] {
				m.order = append(m.order, qu)
			}
		}
	}
	if m.cur != "" && !vis[m.cur] {
		m.setCurrent(m.nextVisibleAfter(m.cur))
	}
}

// nextVisibleAfter returns the first visible question after id in the pack order.
func (m *questionnaire) nextVisibleAfter(id string) string {
	qs := m.c.Backend.Set().Questions
	i := slices.IndexFunc(qs, func(x *q.Question) bool { return x.ID.Value == id })
	for j := i + 1; i >= 0 && j < len(qs); j++ {
		if m.visible[qs[j].ID.Value] {
			return qs[j].ID.Value
		}
	}
	if len(m.order) > 0 {
		return m.order[len(m.order)-1].ID.Value
	}
	return ""
}

func (m *questionnaire) grade() tea.Cmd {
	if m.id == "" {
		return nil
	}
	m.gradeRun++
	m.grading = true
	run, id, b, ctx := m.gradeRun, m.id, m.c.Backend, m.c.Ctx
	return func() tea.Msg {
		res, err := b.Grade(ctx, id)
		return qGradedMsg{run: run, id: id, res: res, err: err}
	}
}

func (m *questionnaire) handleGraded(msg qGradedMsg) tea.Cmd {
	if msg.run != m.gradeRun || msg.id != m.id {
		return nil
	}
	m.grading = false
	if msg.err != nil {
		return statusCmd("Grading failed: "+errText(msg.err), true)
	}
	m.result = &msg.res
	return nil
}

func (m *questionnaire) handleSaved(msg savedMsg) tea.Cmd {
	next := m.saver.done(msg)
	if msg.req.assessment != m.id {
		return next
	}
	if msg.err != nil {
		return tea.Batch(next, statusCmd("Not saved: "+errText(msg.err)+" Try again.", true))
	}
	if next == nil && msg.req.kind == saveAnswer {
		return m.grade()
	}
	return next
}

func (m *questionnaire) current() *q.Question {
	if m.cur == "" {
		return nil
	}
	return m.c.Backend.Set().Question(m.cur)
}

func (m *questionnaire) index() int {
	return slices.IndexFunc(m.order, func(x *q.Question) bool { return x.ID.Value == m.cur })
}

func (m *questionnaire) setCurrent(id string) {
	if id == m.cur {
		return
	}
	m.cur, m.opt, m.scroll, m.follow = id, 0, 0, true
	if qu := m.current(); qu != nil {
		m.opt = m.initialOption(qu)
	}
}

// initialOption puts the cursor on the first selected option.
func (m *questionnaire) initialOption(qu *q.Question) int {
	vals := qu.AllowedValues()
	for i, v := range vals {
		if slices.Contains(m.answers[qu.ID.Value], v) {
			return i
		}
	}
	return 0
}

// goTo shows a question; a hidden one is reported when report is set.
func (m *questionnaire) goTo(id string, report bool) bool {
	if id == "" {
		return false
	}
	if !m.visible[id] {
		if report {
			m.err = fmt.Sprintf("Question %s is hidden by the current answers.", id)
		}
		return false
	}
	m.err = ""
	m.setCurrent(id)
	return true
}

// firstUnanswered returns the first visible required question without an answer after
// the question "after" (wrapping around), or "".
func (m *questionnaire) firstUnanswered(after string) string {
	start := 0
	if after != "" {
		start = slices.IndexFunc(m.order, func(x *q.Question) bool { return x.ID.Value == after }) + 1
	}
	for i := range m.order {
		qu := m.order[(start+i)%len(m.order)]
		if qu.IsRequired() && len(m.answers[qu.ID.Value]) == 0 && qu.ID.Value != after {
			return qu.ID.Value
		}
	}
	return ""
}

// setAnswer records an answer locally, applies the skip logic at once and queues the save.
func (m *questionnaire) setAnswer(qid string, v q.Value) tea.Cmd {
	if len(v) == 0 {
		delete(m.answers, qid)
	} else {
		m.answers[qid] = slices.Clone(v)
	}
	m.refresh()
	return m.saver.enqueue(saveReq{kind: saveAnswer, assessment: m.id, question: qid, value: slices.Clone(v)})
}

func (m *questionnaire) setNote(qid, text string) tea.Cmd {
	if m.notes[qid] == text {
		return nil
	}
	if text == "" {
		delete(m.notes, qid)
	} else {
		m.notes[qid] = text
	}
	return m.saver.enqueue(saveReq{kind: saveNote, assessment: m.id, question: qid, text: text})
}

// flush saves an open editor and the queued saves synchronously (after the program ended).
func (m *questionnaire) flush(ctx context.Context) error {
	if m.edit != editNone && m.loaded {
		m.saver.hold = true // queue only: flush commits below
		m.commitEditor()
	}
	return m.saver.flush(ctx)
}

func (m *questionnaire) ShortHelp() []key.Binding {
	k := m.c.Keys
	if m.edit != editNone {
		return []key.Binding{k.Back, k.Save}
	}
	qu := m.current()
	var keys []key.Binding
	switch {
	case qu == nil:
	case qu.Type.Value == q.TypeYesNo:
		keys = []key.Binding{k.Yes, k.No, k.Unknown}
	case qu.Type.Value == q.TypeMulti:
		keys = []key.Binding{k.Toggle}
	case qu.Type.Value == q.TypeSingle:
		keys = []key.Binding{k.Toggle}
	default:
		keys = []key.Binding{k.Edit}
	}
	return append(keys, k.NextQ, k.NextUnanswered, k.Note)
}

func (m *questionnaire) FullHelp() [][]key.Binding {
	k := m.c.Keys
	return [][]key.Binding{
		{k.Up, k.Down, k.NextQ, k.PrevQ, k.NextSection, k.PrevSection, k.NextUnanswered, k.PageUp, k.PageDown},
		{k.Yes, k.No, k.Unknown, k.Toggle, key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose, next question")),
			k.Edit, k.Clear, k.Note},
		{k.Save, key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "save+close editor, else home"))},
	}
}
