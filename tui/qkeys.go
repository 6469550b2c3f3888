package tui

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	q "github.com/dpia-tool/dpia/questionnaires"
)

// autosaveDelay is how long after the last keystroke an open text field is saved.
var autosaveDelay = 800 * time.Millisecond

func (m *questionnaire) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := m.c.Keys
	if !m.loaded {
		if key.Matches(msg, k.Back) {
			return navigate(pageHome, "", "", "")
		}
		return nil
	}
	qu := m.current()
	switch {
	case key.Matches(msg, k.Back):
		return navigate(pageHome, "", "", "")
	case key.Matches(msg, k.NextQ):
		m.move(1)
	case key.Matches(msg, k.PrevQ):
		m.move(-1)
	case key.Matches(msg, k.NextSection):
		m.moveSection(1)
	case key.Matches(msg, k.PrevSection):
		m.moveSection(-1)
	case key.Matches(msg, k.NextUnanswered):
		return m.jumpUnanswered()
	case key.Matches(msg, k.PageDown):
		m.scroll, m.follow = m.scroll+max(1, m.paneHeight()/2), false
	case key.Matches(msg, k.PageUp):
		m.scroll, m.follow = max(0, m.scroll-max(1, m.paneHeight()/2)), false
	case qu == nil:
	case key.Matches(msg, k.Note):
		return m.openEditor(editNote, m.notes[qu.ID.Value])
	case key.Matches(msg, k.Clear):
		if len(m.answers[qu.ID.Value]) > 0 {
			return m.setAnswer(qu.ID.Value, nil)
		}
	default:
		return m.answerKey(qu, msg)
	}
	return nil
}

// answerKey handles the keys that answer the current question, by its type.
func (m *questionnaire) answerKey(qu *q.Question, msg tea.KeyMsg) tea.Cmd {
	k := m.c.Keys
	id, typ := qu.ID.Value, qu.Type.Value
	vals := qu.AllowedValues()
	switch {
	case typ == q.TypeText || typ == q.TypeNumber:
		if key.Matches(msg, k.Edit) {
			mode := editText
			if typ == q.TypeNumber {
				mode = editNumber
			}
			return m.openEditor(mode, strings.Join(m.answers[id], ""))
		}
	case typ == q.TypeYesNo && key.Matches(msg, k.Yes, k.No, k.Unknown):
		v := map[string]string{"y": "yes", "n": "no", "u": "unknown"}[msg.String()]
		m.opt = slices.Index(vals, v)
		return m.setAnswer(id, q.Value{v})
	case key.Matches(msg, k.Up):
		m.opt, m.follow = max(0, m.opt-1), true
	case key.Matches(msg, k.Down):
		m.opt, m.follow = min(len(vals)-1, m.opt+1), true
	case key.Matches(msg, k.Toggle, k.Enter) && m.opt < len(vals):
		cmd := m.choose(qu, vals[m.opt], key.Matches(msg, k.Toggle))
		if key.Matches(msg, k.Enter) {
			m.move(1)
		}
		return cmd
	}
	return nil
}

// choose selects an option: a multi question toggles it (only with space: enter only moves
// on), other questions take it as the answer.
func (m *questionnaire) choose(qu *q.Question, v string, toggle bool) tea.Cmd {
	id := qu.ID.Value
	cur := m.answers[id]
	if qu.Type.Value != q.TypeMulti {
		if len(cur) == 1 && cur[0] == v {
			return nil
		}
		return m.setAnswer(id, q.Value{v})
	}
	if !toggle {
		return nil
	}
	next := slices.Clone(cur)
	if i := slices.Index(next, v); i >= 0 {
		next = slices.Delete(next, i, i+1)
	} else {
		next = append(next, v)
		// keep the pack's option order, so that answers read the same everywhere
		order := qu.AllowedValues()
		slices.SortFunc(next, func(a, b string) int { return slices.Index(order, a) - slices.Index(order, b) })
	}
	return m.setAnswer(id, next)
}

// move goes to the next or previous visible question.
func (m *questionnaire) move(d int) {
	i := m.index()
	if i < 0 {
		return
	}
	j := max(0, min(len(m.order)-1, i+d))
	m.setCurrent(m.order[j].ID.Value)
}

// moveSection goes to the first visible question of the next or previous section.
func (m *questionnaire) moveSection(d int) {
	secs := m.sectionRows()
	cur := -1
	for i, s := range secs {
		if s.current {
			cur = i
		}
	}
	j := cur + d
	if j < 0 || j >= len(secs) {
		return
	}
	m.setCurrent(secs[j].first)
}

func (m *questionnaire) jumpUnanswered() tea.Cmd {
	id := m.firstUnanswered(m.cur)
	if id == "" {
		return statusCmd("Every required question that is shown has an answer.", false)
	}
	m.setCurrent(id)
	return nil
}

// openEditor gives the keyboard to a text field holding value.
func (m *questionnaire) openEditor(mode editMode, value string) tea.Cmd {
	m.edit, m.editErr = mode, ""
	m.editSeq++
	if mode == editNumber {
		m.input.SetValue(value)
		m.input.CursorEnd()
		return m.input.Focus()
	}
	m.area.SetValue(value)
	m.area.CursorEnd()
	return m.area.Focus()
}

func (m *questionnaire) handleEditKey(msg tea.KeyMsg) tea.Cmd {
	k := m.c.Keys
	switch {
	case key.Matches(msg, k.Back):
		if cmd, ok := m.commitEditor(); ok {
			m.closeEditor(false)
			return cmd
		}
		return nil
	case key.Matches(msg, k.Save), m.edit == editNumber && key.Matches(msg, k.Enter):
		cmd, ok := m.commitEditor()
		if ok && m.edit == editNumber {
			m.closeEditor(false)
		}
		return cmd
	}
	cmd := m.updateEditor(msg)
	m.editSeq++
	seq := m.editSeq
	return tea.Batch(cmd, tea.Tick(autosaveDelay, func(time.Time) tea.Msg { return qIdleMsg{seq: seq} }))
}

func (m *questionnaire) updateEditor(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	if m.edit == editNumber {
		m.input, cmd = m.input.Update(msg)
	} else {
		m.area, cmd = m.area.Update(msg)
	}
	return cmd
}

// handleIdle autosaves an open text field once typing has paused.
func (m *questionnaire) handleIdle(msg qIdleMsg) tea.Cmd {
	if msg.seq != m.editSeq || m.edit == editNone || m.edit == editNumber {
		return nil
	}
	cmd, _ := m.commitEditor()
	return cmd
}

// commitEditor saves the editor's content; false when it is not a valid answer.
func (m *questionnaire) commitEditor() (tea.Cmd, bool) {
	qu := m.current()
	if qu == nil {
		return nil, true
	}
	id := qu.ID.Value
	switch m.edit {
	case editNote:
		return m.setNote(id, strings.TrimRight(m.area.Value(), " \n")), true
	case editText:
		v := strings.TrimRight(m.area.Value(), " \n")
		if v == strings.Join(m.answers[id], "") {
			return nil, true
		}
		if strings.TrimSpace(v) == "" {
			return m.setAnswer(id, nil), true
		}
		return m.setAnswer(id, q.Value{v}), true
	case editNumber:
		v := strings.TrimSpace(m.input.Value())
		if v == "" {
			return m.setAnswer(id, nil), true
		}
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			m.editErr = "“" + v + "” is not a number: type digits such as 1500 or 2.5, or clear the field."
			return nil, false
		}
		if len(m.answers[id]) == 1 && m.answers[id][0] == v {
			return nil, true
		}
		return m.setAnswer(id, q.Value{v}), true
	}
	return nil, true
}

// closeEditor returns the keyboard to the questionnaire; save commits the content first.
func (m *questionnaire) closeEditor(save bool) tea.Cmd {
	var cmd tea.Cmd
	if save && m.edit != editNone {
		cmd, _ = m.commitEditor()
	}
	m.edit, m.editErr = editNone, ""
	m.area.Blur()
	m.input.Blur()
	return cmd
}
