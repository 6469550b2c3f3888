package exports

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// MarkdownWriter writes a readable report for code review and git: verdicts, tables of
// findings, the why view as nested lists, scenarios, evidence, answers with notes and the
// action plan.
type MarkdownWriter struct{}

// mdw collects the output and the first write error.
type mdw struct {
	w   *bufio.Writer
	err error
}

func (m *mdw) f(format string, args ...any) {
	if m.err == nil {
		_, m.err = fmt.Fprintf(m.w, format, args...)
	}
}

// Write writes the Markdown report.
func (MarkdownWriter) Write(w io.Writer, r *Report, _ Options) error {
	m := &mdw{w: bufio.NewWriter(w)}
	for _, section := range []func(*mdw, *Report){
		mdCover, mdVerdicts, mdFindings, mdWhy, mdScenarios, mdEvidence, mdAnswers, mdActions, mdPacks,
	} {
		section(m, r)
	}
	if m.err != nil {
		return m.err
	}
	return m.w.Flush()
}

// mdText makes user text safe in Markdown prose: no raw HTML, lines kept.
func mdText(s string) string {
	s = strings.ReplaceAll(s, "\r", "")
	s = strings.ReplaceAll(s, "<", "&lt;")
	return s
}

// mdIndent indents the continuation lines of a list item.
func mdIndent(s, indent string) string {
	return strings.ReplaceAll(mdText(s), "\n", "\n"+indent)
}

// mdCell makes text safe in a table cell.
func mdCell(s string) string {
	s = mdText(strings.TrimSpace(s))
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", "<br>")
}

func mdRow(m *mdw, cells ...string) {
	for i := range cells {
		cells[i] = mdCell(cells[i])
	}
	m.f("| %s |\n", strings.Join(cells, " | "))
}

func mdHeader(m *mdw, cells ...string) {
	mdRow(m, cells...)
	m.f("|%s\n", strings.Repeat(" --- |", len(cells)))
}

func mdCover(m *mdw, r *Report) {
	m.f("# DPIA report: %s\n\n", mdText(r.displayName()))
	if d := r.Result.System.Description; d != "" {
		m.f("%s\n\n", mdText(d))
	}
	mdHeader(m, "", "")
	if r.Meta.AssessmentID != "" {
		mdRow(m, "Assessment", r.Meta.AssessmentID+" — "+r.Meta.Name)
	}
	if r.Meta.Source != "" {
		mdRow(m, "Source", r.Meta.Source)
	}
	mdRow(m, "Assessor", orDash(r.Meta.Owner))
	if r.Meta.Status != "" {
		mdRow(m, "Status", r.Meta.Status)
	}
	mdRow(m, "Generated", r.generated())
	mdRow(m, "Content hash (SHA-256)", "`"+r.ContentHash+"`")
	m.f("\n")
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

func mdVerdicts(m *mdw, r *Report) {
	res := r.Result
	m.f("## Verdicts\n\n")
	m.f("- **EU AI Act tier: %s**\n", upper(res.TierLabel()))
	for _, x := range res.AIAct.Reasons {
		m.f("  - %s\n", mdIndent(x, "    "))
	}
	m.f("- **DPIA required: %s** (%d of 9 WP248 criteria met", dpiaWord(res), len(res.DPIA.Criteria))
	if len(res.DPIA.Cases) > 0 {
		m.f("; mandatory under %s", strings.Join(res.DPIA.Cases, ", "))
	}
	m.f(")\n")
	for _, x := range res.DPIA.Reasons {
		m.f("  - %s\n", mdIndent(x, "    "))
	}
	if res.RiskUndecided() {
		m.f("- **Overall risk:** %s\n", riskWhy(res))
	} else {
		m.f("- **Overall risk:** inherent %s, residual %s\n", upper(res.Risk.Inherent), upper(res.Risk.Residual))
	}
	m.f("- **Completeness:** %s (%s unanswered)\n\n", percent(res.Completeness),
		plural(len(res.Unanswered), "required question", "required questions"))
	if len(res.Jurisdictions) > 0 {
		mdHeader(m, "Jurisdiction", "Residual risk")
		for _, j := range jurisdictionOrder(res.Jurisdictions) {
			mdRow(m, jurisdictionName(j), upper(res.Jurisdictions[j]))
		}
		m.f("\n")
	}
}

func mdFindings(m *mdw, r *Report) {
	m.f("## Findings (%d)\n\n", len(r.Result.Findings))
	if len(r.Result.Findings) == 0 {
		m.f("No rule fired.\n\n")
		return
	}
	mdHeader(m, "#", "Residual", "Inherent", "Severity × likelihood", "Law", "Article", "Title")
	for i, f := range r.Result.Findings {
		mdRow(m, fmt.Sprint(i+1), upper(f.Residual), upper(f.Inherent),
			fmt.Sprintf("%d×%d → %d×%d", f.Severity, f.Likelihood, f.ResidualSeverity, f.ResidualLikelihood),
			shortLaw(f.Law), articleRef(f.Law, f.Article), f.Title)
	}
	m.f("\n")
}

func mdWhy(m *mdw, r *Report) {
	if len(r.Result.Findings) == 0 {
		return
	}
	m.f("## Why: each finding explained\n\n")
	for i, f := range r.Result.Findings {
		v := r.view(i)
		m.f("### %d. %s — %s\n\n", i+1, mdText(f.Title), upper(f.Residual))
		m.f("- **Rule** `%s` (%s, pack %s)\n", f.ID, cite(f.Law, f.Article), f.Pack)
		m.f("  - **It read**\n")
		for _, rd := range v.Reads {
			m.f("    - %s (`%s`): %s\n", mdIndent(rd.Question, "      "), rd.ID, mdIndent(rd.Value, "      "))
		}
		m.f("  - **Article:** %s\n", mdText(articleLine(f.Law, f.Article, v.Law)))
		for j, c := range v.Citations {
			if j > 0 {
				m.f("    - also %s: %s\n", cite(c.Law, c.Article), mdIndent(c.Text, "      "))
			}
		}
		if f.Explanation != "" {
			m.f("  - **Explanation:** %s\n", mdIndent(f.Explanation, "    "))
		}
		m.f("  - **Risk:** inherent %s (severity %s, likelihood %s); residual %s (severity %s, likelihood %s)\n",
			upper(f.Inherent), scaleName(f.Severity), scaleName(f.Likelihood),
			upper(f.Residual), scaleName(f.ResidualSeverity), scaleName(f.ResidualLikelihood))
		mdMitigations(m, f.Mitigations, v.Mitigations)
		if f.Penalty != "" {
			m.f("  - **Penalty exposure:** %s\n", mdIndent(f.Penalty, "    "))
		}
		m.f("  - **Recommendation:** %s\n", mdIndent(orDash(f.Recommendation), "    "))
		if len(f.Evidence) > 0 {
			m.f("  - **Evidence it looks for:** %s\n", mdEvidenceFound(f.Evidence, f.EvidenceFound))
		}
		m.f("\n")
	}
}

func mdEvidenceFound(types []string, found map[string]int) string {
	parts := make([]string, len(types))
	for i, t := range types {
		parts[i] = fmt.Sprintf("%s (%d found)", t, found[t])
	}
	return strings.Join(parts, ", ")
}
