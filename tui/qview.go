package tui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"github.com/dpia-tool/dpia/assessment"
	q "github.com/dpia-tool/dpia/questionnaires"
)

const sidebarWidth = 28

func (m *questionnaire) paneWidth() int  { return max(20, m.width-sidebarWidth-3) }
func (m *questionnaire) paneHeight() int { return max(1, m.height-2) }

// sectionRow is one line of the sidebar.
type sectionRow struct {
	pack, title, first string
	answered, total    int // visible required questions answered, and in all
	current            bool
}

// sectionRows lists the sections that have visible questions, with their progress.
func (m *questionnaire) sectionRows() []sectionRow {
	var rows []sectionRow
	for _, sec := range m.c.Backend.Set().Sections {
		r := sectionRow{pack: sec.Pack, title: sec.Title.In(m.c.Lang)}
		for _, qu := range sec.Questions {
			id := qu.ID.Value
			if !m.visible[id] {
				continue
			}
			if r.first == "" {
				r.first = id
			}
			if id == m.cur {
				r.current = true
			}
			if qu.IsRequired() {
				r.total++
				if len(m.answers[id]) > 0 {
					r.answered++
				}
			}
		}
		if r.first != "" {
			rows = append(rows, r)
		}
	}
	return rows
}

func (m *questionnaire) View() string {
	s := m.c.Styles
	if m.err != "" && !m.loaded {
		return s.Error.Render(wrap(m.err, m.width))
	}
	if !m.loaded {
		return s.Muted.Render("Loading the assessment…")
	}
	side := lipgloss.NewStyle().Width(sidebarWidth).Render(m.sidebar())
	sep := s.Muted.Render(strings.TrimSuffix(strings.Repeat("│\n", m.paneHeight()), "\n"))
	body := lipgloss.JoinHorizontal(lipgloss.Top, side, " ", sep, " ", m.pane())
	return m.riskMeter() + "\n" + s.Muted.Render(strings.Repeat("─", m.width)) + "\n" + body
}

// riskMeter is the live headline: AI Act tier, residual risk, DPIA verdict, completeness.
func (m *questionnaire) riskMeter() string {
	s := m.c.Styles
	if m.result == nil {
		return s.Muted.Render("Risk: grading…")
	}
	r := m.result
	dpia := r.DPIALabel()
	parts := []string{
		s.Muted.Render("AI Act ") + s.Level(r.TierLabel()),
		s.Muted.Render("Residual risk ") + s.Level(r.ResidualLabel()),
		s.Muted.Render("DPIA ") + s.Level(dpia),
		s.Text.Render(fmt.Sprintf("%.0f%% complete", r.Completeness*100)),
	}
	line := strings.Join(parts, s.Muted.Render("  │  "))
	if m.grading || m.saver.pending() {
		line += s.Muted.Render("  (updating…)")
	}
	return truncate(line, m.width)
}

func (m *questionnaire) sidebar() string {
	s := m.c.Styles
	rows := m.sectionRows()
	var lines []string
	cur := 0
	lastPack := ""
	for _, r := range rows {
		if r.pack != lastPack {
			lastPack = r.pack
			title := r.pack
			if p := m.c.Backend.Set().Pack(r.pack); p != nil {
				title = p.Title.In(m.c.Lang)
			}
			lines = append(lines, s.Subtitle.Render(truncate(title, sidebarWidth)))
		}
		mark, count := "  ", fmt.Sprintf("%d/%d", r.answered, r.total)
		if r.total > 0 && r.answered == r.total {
			count = "✓ " + count
		}
		line := cell(r.title, sidebarWidth-10) + " " + fmt.Sprintf("%7s", count)
		if r.current {
			cur = len(lines)
			mark, line = s.Cursor.Render("▸ "), s.Selected.Render(line)
		} else if r.total > 0 && r.answered == r.total {
			line = s.Muted.Render(line)
		}
		lines = append(lines, mark+line)
	}
	h := m.paneHeight()
	off := window(max(0, cur-h/2), cur, h, len(lines))
	return strings.Join(lines[off:min(len(lines), off+h)], "\n")
}

// pane renders the current question, scrolled so that the option cursor stays in view.
func (m *questionnaire) pane() string {
	qu := m.current()
	w := m.paneWidth()
	if qu == nil {
		return m.c.Styles.Muted.Render(wrap("No question is shown: the screening answers exclude every pack.", w))
	}
	lines, cursorLine := m.questionLines(qu, w)
	h := m.paneHeight()
	off := m.scroll
	if m.follow {
		off = window(0, cursorLine, h, len(lines))
	}
	off = max(0, min(off, len(lines)-h))
	if off > 0 {
		lines[off] = m.c.Styles.Muted.Render("↑ more (pgup)")
	}
	end := min(len(lines), off+h)
	if end < len(lines) {
		lines[end-1] = m.c.Styles.Muted.Render("↓ more (pgdn)")
	}
	return strings.Join(lines[off:end], "\n")
}

// questionLines builds the pane's lines and returns the line of the option cursor.
func (m *questionnaire) questionLines(qu *q.Question, w int) ([]string, int) {
	s := m.c.Styles
	id := qu.ID.Value
	var out []string
	add := func(block string) { out = append(out, strings.Split(block, "\n")...) }
	sec := ""
	if p := m.c.Backend.Set().Pack(qu.Pack); p != nil {
		sec = p.Title.In(m.c.Lang)
	}
	for _, sv := range m.c.Backend.Set().Sections {
		if sv.Pack == qu.Pack && sv.ID == qu.Section {
			sec += " › " + sv.Title.In(m.c.Lang)
		}
	}
	req := "optional"
	if qu.IsRequired() {
		req = "required"
	}
	add(s.Muted.Render(truncate(sec, w)))
	add(s.Muted.Render(truncate(fmt.Sprintf("%s · question %d of %d · %s · %s", id, m.index()+1, len(m.order), typeWord(qu.Type.Value), req), w)))
	add("")
	add(s.Title.Render(wrap(qu.Text.In(m.c.Lang), w)))
	add("")
	cursorLine := len(out)
	cursorLine += m.answerLines(qu, w, add)
	add("")
	add(m.saveMark(saveAnswer, id, len(m.answers[id]) > 0))
	add(m.noteLines(id, w))
	if !qu.Help.Empty() {
		add("")
		add(s.Subtitle.Render("Why we ask"))
		add(s.Text.Render(wrap(qu.Help.In(m.c.Lang), w)))
	}
	if len(qu.Legal) > 0 {
		add("")
		add(s.Subtitle.Render("Legal context"))
		for _, c := range qu.Legal {
			add(wrap(s.Accent.Render(lawName(c.Law.Value)+" "+assessment.ArticleRef(c.Law.Value, c.Article.Value))+s.Text.Render(": "+c.Text.In(m.c.Lang)), w))
		}
	}
	return out, cursorLine
}

// answerLines adds the answer widget and returns the cursor's offset in it.
func (m *questionnaire) answerLines(qu *q.Question, w int, add func(string)) int {
	s := m.c.Styles
	id := qu.ID.Value
	switch qu.Type.Value {
	case q.TypeText, q.TypeNumber:
		return m.textAnswer(qu, w, add)
	}
	cur := m.answers[id]
	for i, v := range qu.AllowedValues() {
		on := slices.Contains(cur, v)
		box := map[bool]string{true: "(•)", false: "( )"}[on]
		if qu.Type.Value == q.TypeMulti {
			box = map[bool]string{true: "[x]", false: "[ ]"}[on]
		}
		label := qu.OptionLabel(v, m.c.Lang)
		if qu.Type.Value == q.TypeYesNo {
			label = map[string]string{"yes": "Yes (y)", "no": "No (n)", "unknown": "Unknown (u)"}[v]
		}
		line := truncate(box+" "+label, w-2)
		mark := "  "
		switch {
		case i == m.opt:
			mark, line = s.Cursor.Render("▸ "), s.Selected.Render(line)
		case on:
			line = s.Title.Render(line)
		default:
			line = s.Text.Render(line)
		}
		add(mark + line)
	}
	return m.opt
}

func (m *questionnaire) textAnswer(qu *q.Question, w int, add func(string)) int {
	s := m.c.Styles
	switch {
	case m.edit == editText:
		add(m.area.View())
		add(s.Muted.Render("esc saves and closes · ctrl+s saves · typing pauses are saved too"))
	case m.edit == editNumber:
		add(m.input.View())
		add(s.Muted.Render("enter saves · esc saves and closes"))
		if m.editErr != "" {
			add(s.Error.Render(wrap(m.editErr, w)))
		}
	default:
		v := strings.Join(m.answers[qu.ID.Value], "")
		if v == "" {
			add(s.Muted.Render("(no answer yet: press enter to type it)"))
		} else {
			add(s.Text.Render(wrap(v, w)))
			add(s.Muted.Render("(enter edits)"))
		}
	}
	return 0
}

// saveMark says whether the answer is committed: "saved" appears only after the backend
// returned from the commit.
func (m *questionnaire) saveMark(kind saveKind, id string, answered bool) string {
	s := m.c.Styles
	st, ok := m.saver.state(kind, m.id, id)
	switch {
	case ok && st.state == statePending:
		return s.Warn.Render("… saving")
	case ok && st.state == stateFailed:
		return s.Error.Render("✗ NOT SAVED: " + st.err)
	case ok && !answered:
		return s.Muted.Render("not answered") + s.OK.Render("  ✓ cleared") + s.Muted.Render(" at "+st.at.Format("15:04:05"))
	case ok:
		return s.OK.Render("✓ saved") + s.Muted.Render(" at "+st.at.Format("15:04:05"))
	case answered:
		return s.OK.Render("✓ saved")
	}
	return s.Muted.Render("not answered")
}

func (m *questionnaire) noteLines(id string, w int) string {
	s := m.c.Styles
	if m.edit == editNote {
		return s.Subtitle.Render("Note") + "\n" + m.area.View() + "\n" + s.Muted.Render("esc saves and closes · ctrl+s saves")
	}
	note := m.notes[id]
	if note == "" {
		return s.Muted.Render("No note (m adds one).")
	}
	mark := ""
	if _, ok := m.saver.state(saveNote, m.id, id); ok {
		mark = "  " + m.saveMark(saveNote, id, true)
	}
	return s.Subtitle.Render("Note") + mark + "\n" + s.Text.Render(wrap(note, w))
}

func typeWord(t string) string {
	switch t {
	case q.TypeYesNo:
		return "yes/no"
	case q.TypeSingle:
		return "one choice"
	case q.TypeMulti:
		return "several choices"
	}
	return t
}

// lawName is the short name of a law id.
// lawShort is the law's name in a narrow column: "AI Act", "GDPR", "KZ PDL", "KZ AI",
// "BIPA".
func lawShort(id string) string {
	switch id {
	case "eu_ai_act":
		return "AI Act"
	case "kz_pdl":
		return "KZ PDL"
	case "kz_ai":
		return "KZ AI"
	}
	return lawName(id)
}

func lawName(id string) string {
	switch id {
	case "eu_ai_act":
		return "EU AI Act"
	case "gdpr":
		return "GDPR"
	case "kz_pdl":
		return "KZ Personal Data Law"
	case "kz_ai":
		return "KZ AI Law"
	case "us_il_bipa":
		return "BIPA"
	}
	return id
}
