package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/dpia-tool/dpia/assessment"
)

// Heights of the dashboard's fixed parts: summary lines, heat map, rules and list header.
const (
	summaryLines = 3
	heatLines    = 7
)

func (f *findings) listHeight() int { return max(1, f.height-summaryLines-heatLines-3) }

func (f *findings) View() string {
	s := f.c.Styles
	switch {
	case f.err != "":
		return s.Error.Render(wrap(f.err, f.width))
	case f.res == nil:
		return s.Muted.Render("Grading…")
	case f.detail:
		return f.detailView()
	}
	rule := s.Muted.Render(strings.Repeat("─", f.width))
	heat := lipgloss.JoinHorizontal(lipgloss.Top, f.heatMap(), "   ", f.filtersView())
	return strings.Join([]string{f.summary(), rule, heat, rule, f.listView()}, "\n")
}

// summary is the AI Act tier with its first reason, the DPIA verdict with the criteria met,
// and the overall and per-jurisdiction risk.
func (f *findings) summary() string {
	s, r := f.c.Styles, f.res
	tier := s.Muted.Render("AI Act tier ") + s.Level(r.TierLabel())
	if len(r.AIAct.Reasons) > 0 {
		more := ""
		if n := len(r.AIAct.Reasons) - 1; n > 0 {
			more = fmt.Sprintf(" (+%d more)", n)
		}
		tier += s.Text.Render("  " + r.AIAct.Reasons[0] + more)
	}
	verdict := r.DPIALabel()
	crit := append(append([]string{}, r.DPIA.Criteria...), r.DPIA.Cases...)
	dpia := s.Muted.Render("DPIA ") + s.Level(verdict)
	if len(crit) > 0 {
		dpia += s.Text.Render(fmt.Sprintf("  %s, %s: %s", criteria(len(r.DPIA.Criteria)),
			plural(len(r.DPIA.Cases), "Art. 35(3) case"), strings.Join(crit, ", ")))
	}
	risk := s.Muted.Render("Risk inherent ") + s.Level(r.InherentLabel()) + s.Muted.Render(" · residual ") + s.Level(r.ResidualLabel())
	for _, j := range sortedKeys(r.Jurisdictions) {
		risk += s.Muted.Render(" · "+jurisdictionName(j)+" ") + s.Level(r.Jurisdictions[j])
	}
	return strings.Join([]string{truncate(tier, f.width), truncate(dpia, f.width), truncate(risk, f.width)}, "\n")
}

// criteria counts WP248 criteria ("1 WP248 criterion", "2 WP248 criteria").
func criteria(n int) string {
	if n == 1 {
		return "1 WP248 criterion"
	}
	return fmt.Sprintf("%d WP248 criteria", n)
}

func jurisdictionName(j string) string {
	switch j {
	case "eu":
		return "EU"
	case "kz":
		return "KZ"
	case "us_il":
		return "Illinois"
	}
	return j
}

// heatMap is the 4×4 severity × likelihood grid with finding counts; each cell names its
// level by initial (L, M, H, C), so it reads without colour.
func (f *findings) heatMap() string {
	s := f.c.Styles
	var counts [5][5]int
	for _, x := range f.visible() {
		sev, lik := x.ResidualSeverity, x.ResidualLikelihood
		if f.inherent {
			sev, lik = x.Severity, x.Likelihood
		}
		counts[min(max(sev, 1), 4)][min(max(lik, 1), 4)]++
	}
	mode := "residual"
	if f.inherent {
		mode = "inherent"
	}
	lines := []string{s.Subtitle.Render("Heat map ("+mode+")") + s.Muted.Render("  i toggles"),
		s.Muted.Render("severity   likelihood 1  2  3  4")}
	names := []string{"", "negligible", "limited", "significant", "maximum"}
	for sev := 4; sev >= 1; sev-- {
		row := s.Muted.Render(fmt.Sprintf("%d %-11s ", sev, names[sev]))
		for lik := 1; lik <= 4; lik++ {
			lvl := assessment.DefaultMatrix.Level(sev, lik)
			n := "·"
			if c := counts[sev][lik]; c > 0 {
				n = fmt.Sprint(c)
			}
			row += levelCell(s, lvl, n)
		}
		lines = append(lines, row)
	}
	lines = append(lines, s.Muted.Render("L low · M medium · H high · C critical"))
	return strings.Join(lines, "\n")
}

func levelCell(s *Styles, lvl, n string) string {
	st, ok := s.levels[lvl]
	if !ok {
		st = s.Text
	}
	return st.Render(fmt.Sprintf("%3s", n) + strings.ToUpper(lvl[:1]))
}

func (f *findings) filtersView() string {
	s := f.c.Styles
	all := func(v string) string {
		if v == "" {
			return "all"
		}
		return v
	}
	total := 0
	if f.res != nil {
		total = len(f.res.Findings)
	}
	lines := []string{
		s.Subtitle.Render("Findings") + s.Text.Render(fmt.Sprintf("  %d shown of %d", len(f.visible()), total)),
		s.Muted.Render("law (L)      ") + s.Text.Render(all(f.law)),
		s.Muted.Render("level (v)    ") + s.Text.Render(all(f.level)),
		s.Muted.Render("outcome (o)  ") + s.Text.Render(all(f.outcome)),
		s.Muted.Render("sort (s)     ") + s.Text.Render(sortNames[f.sortBy]),
		s.Muted.Render("enter opens the why view"),
	}
	return strings.Join(lines, "\n")
}

func (f *findings) listView() string {
	s := f.c.Styles
	list := f.visible()
	if len(list) == 0 {
		return s.Muted.Render("No finding matches (the filters, or no rule fired).")
	}
	titleW := max(10, f.width-2-9-1-16-1-11-1)
	head := "  " + cell("LEVEL", 9) + " " + cell("LAW / ARTICLE", 16) + " " + cell("OUTCOME", 11) + " " + "TITLE"
	lines := []string{s.Muted.Render(head)}
	h := f.listHeight()
	f.offset = window(f.offset, f.cursor, h, len(list))
	for i := f.offset; i < min(len(list), f.offset+h); i++ {
		x := list[i]
		mark, title := "  ", cell(x.Title, titleW)
		if i == f.cursor {
			mark, title = s.Cursor.Render("▸ "), s.Selected.Render(title)
		}
		lines = append(lines, mark+cell(s.Level(f.levelOf(x)), 9)+" "+cell(lawShort(x.Law)+" "+x.Article, 16)+" "+
			cell(strings.ReplaceAll(x.Outcome, "_", " "), 11)+" "+title)
	}
	return strings.Join(lines, "\n")
}

// becauseID splits a finding's "because" item ("id = value" or "evidence.type = n").
func becauseID(item string) (id string, evidence bool) {
	id, _, _ = strings.Cut(item, " = ")
	if t, ok := strings.CutPrefix(id, "evidence."); ok {
		return t, true
	}
	return id, false
}

// detailView is the "why" view: rule → the answers and evidence it read → article →
// recommendation.
func (f *findings) detailView() string {
	x, ok := f.selected()
	if !ok {
		return ""
	}
	lines, cursorLine := f.detailLines(x)
	h := f.height
	off := f.detailScroll
	if f.detailFollow {
		off = window(0, cursorLine, h, len(lines))
	}
	off = max(0, min(off, len(lines)-h))
	f.detailScroll = off
	shown := append([]string(nil), lines[off:min(len(lines), off+h)]...)
	// Say where the text goes on, so that nothing is cut off unseen.
	if off > 0 && len(shown) > 1 {
		shown[0] = f.c.Styles.Muted.Render("↑ more above (pgup)")
	}
	if off+h < len(lines) && len(shown) > 1 {
		shown[len(shown)-1] = f.c.Styles.Muted.Render(fmt.Sprintf("↓ %d more lines (pgdn)", len(lines)-off-h+1))
	}
	return strings.Join(shown, "\n")
}

func (f *findings) detailLines(x assessment.Finding) ([]string, int) {
	s, w := f.c.Styles, f.width
	var out []string
	add := func(block string) { out = append(out, strings.Split(block, "\n")...) }
	section := func(title, text string) {
		if text != "" {
			add("")
			add(s.Subtitle.Render(title))
			add(s.Text.Render(wrap(text, w)))
		}
	}
	add(s.Title.Render(wrap(x.Title, w)))
	add(s.Muted.Render("Residual ") + s.Level(x.Residual) + s.Muted.Render(fmt.Sprintf(" (severity %d × likelihood %d)", x.ResidualSeverity, x.ResidualLikelihood)) +
		s.Muted.Render("  Inherent ") + s.Level(x.Inherent) + s.Muted.Render(fmt.Sprintf(" (%d × %d)", x.Severity, x.Likelihood)))
	add(s.Muted.Render("Rule ") + s.Text.Render(x.ID) + s.Muted.Render("  outcome ") + s.Text.Render(strings.ReplaceAll(x.Outcome, "_", " ")))
	add("")
	add(s.Subtitle.Render("1. Why: what the rule read") + s.Muted.Render("  (g or enter goes to the question)"))
	cursorLine := len(out)
	for i, b := range x.Because {
		mark, line := "  ", b
		if id, ev := becauseID(b); !ev {
			if qu := f.c.Backend.Set().Question(id); qu != nil {
				line += s.Muted.Render("  — " + qu.Text.In(f.c.Lang))
			}
		}
		if i == f.because {
			cursorLine = len(out)
			mark, line = s.Cursor.Render("▸ "), s.Selected.Render(b)+strings.TrimPrefix(line, b)
		}
		add(truncate(mark+line, w))
	}
	add(s.Muted.Render("  Evidence this rule looks for: ") + s.Text.Render(evidenceList(x)))
	for _, mt := range x.Mitigations {
		add(s.OK.Render("  mitigated: ") + s.Text.Render(truncate(mt.Text, w-14)))
	}
	add("")
	add(s.Subtitle.Render("2. The law"))
	add(s.Accent.Render(lawName(x.Law)+" "+assessment.ArticleRef(x.Law, x.Article)) + s.Muted.Render("  ("+x.Pack+" pack)"))
	section("Explanation", x.Explanation)
	section("3. Recommendation", x.Recommendation)
	section("Penalty", x.Penalty)
	section("Note", x.Note)
	return out, cursorLine
}

func evidenceList(x assessment.Finding) string {
	if len(x.Evidence) == 0 {
		return "none"
	}
	parts := make([]string, len(x.Evidence))
	for i, e := range x.Evidence {
		parts[i] = fmt.Sprintf("%s (%d found)", e, x.EvidenceFound[e])
	}
	return strings.Join(parts, ", ")
}

func (f *findings) handleDetailKey(msg tea.KeyMsg) tea.Cmd {
	k := f.c.Keys
	x, ok := f.selected()
	if !ok {
		f.detail = false
		return nil
	}
	switch {
	case key.Matches(msg, k.Back):
		f.detail = false
	case key.Matches(msg, k.Up):
		f.because, f.detailFollow = max(0, f.because-1), true
	case key.Matches(msg, k.Down):
		f.because, f.detailFollow = max(0, min(len(x.Because)-1, f.because+1)), true
	case key.Matches(msg, k.PageDown):
		f.detailScroll, f.detailFollow = f.detailScroll+f.height/2, false
	case key.Matches(msg, k.PageUp):
		f.detailScroll, f.detailFollow = max(0, f.detailScroll-f.height/2), false
	case key.Matches(msg, k.JumpQuestion, k.Enter):
		return f.jump(x)
	}
	return nil
}

// jump goes to the question (or the evidence) behind the selected "because" line.
func (f *findings) jump(x assessment.Finding) tea.Cmd {
	if f.because >= len(x.Because) {
		return statusCmd("This finding read no answer.", false)
	}
	id, ev := becauseID(x.Because[f.because])
	if ev {
		return navigate(pageEvidence, f.id, "", id)
	}
	return navigate(pageQuestions, f.id, "", id)
}
