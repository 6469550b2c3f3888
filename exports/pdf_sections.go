package exports

import (
	"fmt"
	"strings"

	"github.com/dpia-tool/dpia/assessment"
)

// cover writes page 1: the system, who and when, the verdicts as words and colours, and the
// content hash.
func (d *pdfDoc) cover() {
	p, r := d.pdf, d.r
	p.AddPage()
	p.SetY(34)
	d.font("", 12)
	p.SetTextColor(20, 40, 80)
	d.write("Data-protection impact assessment", 7)
	p.SetTextColor(0, 0, 0)
	d.space(3)
	d.font("B", 22)
	d.write(r.displayName(), 10)
	if desc := r.Result.System.Description; desc != "" {
		d.space(2)
		d.font("", 10.5)
		d.write(desc, 5.5)
	}
	d.space(8)
	d.coverFacts()
	d.space(8)
	d.coverVerdicts()
	d.space(8)
	d.font("B", 9)
	d.write("Content hash (SHA-256 of the result, answers and notes)", 5)
	d.mono(8.5)
	d.write(r.ContentHash, 5)
	d.space(4)
	d.small("Personal data found in evidence is shown masked throughout this report. Verdicts are computed by dpia from the answers and evidence; every finding names the rule, the answers and evidence it read, and the article it rests on.")
}

func (d *pdfDoc) coverFacts() {
	r := d.r
	facts := [][2]string{}
	if r.Meta.AssessmentID != "" {
		facts = append(facts, [2]string{"Assessment", r.Meta.AssessmentID + " — " + r.Meta.Name})
	}
	if r.Meta.Source != "" {
		facts = append(facts, [2]string{"Source", r.Meta.Source})
	}
	facts = append(facts, [2]string{"Assessor", orDash(r.Meta.Owner)})
	if r.Meta.Status != "" {
		facts = append(facts, [2]string{"Status", strings.ReplaceAll(r.Meta.Status, "_", " ")})
	}
	facts = append(facts, [2]string{"Date", r.generated()},
		[2]string{"Completeness", percent(r.Result.Completeness) + " of required questions answered"})
	for _, f := range facts {
		d.kv(f[0], f[1], 38)
	}
}

// kv writes a key in bold and its wrapped value beside it.
func (d *pdfDoc) kv(key, value string, keyW float64) {
	p := d.pdf
	d.font("", 10)
	n := len(d.lines(value, contentW-keyW))
	d.ensure(min(float64(n)*5.5, 60))
	y := p.GetY()
	d.font("B", 10)
	p.SetXY(margin, y)
	p.CellFormat(keyW, 5.5, key, "", 0, "L", false, 0, "")
	d.font("", 10)
	p.SetXY(margin+keyW, y)
	d.writeAt(margin+keyW, contentW-keyW, value, 5.5)
}

func (d *pdfDoc) coverVerdicts() {
	res := d.r.Result
	boxes := []struct {
		label, word string
		c           rgb
	}{
		{"EU AI Act tier", upper(res.TierLabel()), tierColour(res.TierLabel())},
		{"DPIA required", dpiaWord(res), dpiaColour(res)},
		{"Inherent risk", upper(res.InherentLabel()), levelColour(res.InherentLabel())},
		{"Residual risk", upper(res.ResidualLabel()), levelColour(res.ResidualLabel())},
	}
	p := d.pdf
	const w, gap = 42.0, 4.0
	y := p.GetY()
	for i, b := range boxes {
		x := margin + float64(i)*(w+gap)
		p.SetFillColor(b.c.r, b.c.g, b.c.b)
		p.Rect(x, y, w, 20, "F")
		p.SetTextColor(textOn(b.c))
		d.font("", 8.5)
		p.SetXY(x, y+3)
		p.CellFormat(w, 5, b.label, "", 0, "C", false, 0, "")
		d.font("B", 13)
		p.SetXY(x, y+9)
		p.CellFormat(w, 8, b.word, "", 0, "C", false, 0, "")
	}
	p.SetTextColor(0, 0, 0)
	p.SetXY(margin, y+24)
	d.jurisdictionBadges()
}

func dpiaColour(res assessment.Result) rgb {
	switch {
	case res.DPIA.Required:
		return colHigh
	case res.DPIA.Undecided:
		return colNeutral
	}
	return colLow
}

// jurisdictionBadges writes the residual risk per jurisdiction as coloured words.
func (d *pdfDoc) jurisdictionBadges() {
	p := d.pdf
	js := jurisdictionOrder(d.r.Result.Jurisdictions)
	if len(js) == 0 {
		return
	}
	d.font("B", 9)
	p.SetX(margin)
	p.CellFormat(contentW, 6, "Residual risk by jurisdiction", "", 2, "L", false, 0, "")
	p.SetX(margin)
	for _, j := range js {
		level := d.r.Result.Jurisdictions[j]
		d.font("", 9)
		p.CellFormat(p.GetStringWidth(jurisdictionName(j))+3, 7, jurisdictionName(j), "", 0, "L", false, 0, "")
		d.badge(upper(level), levelColour(level), 22, 7)
		p.SetX(p.GetX() + 6)
	}
	p.Ln(9)
}

// summary is the executive summary: the verdicts and why, the worst findings, what to do.
func (d *pdfDoc) summary() {
	res := d.r.Result
	d.section("Executive summary", true)
	tierWhy := strings.Join(res.AIAct.Reasons, " ")
	d.verdictLine("EU AI Act tier", upper(res.TierLabel()), tierColour(res.TierLabel()), tierWhy)
	dpiaWhy := fmt.Sprintf("%d of the 9 WP248 criteria are met", len(res.DPIA.Criteria))
	if len(res.DPIA.Cases) > 0 {
		dpiaWhy += "; a DPIA is mandatory under GDPR Art. 35(3) (" + strings.Join(res.DPIA.Cases, ", ") + ")"
	}
	d.verdictLine("DPIA required", dpiaWord(res), dpiaColour(res), dpiaWhy+".")
	for _, reason := range res.DPIA.Reasons {
		d.font("", 8.5)
		d.writeAt(margin+52, contentW-52, "– "+reason, 4.2)
	}
	d.space(2)
	d.verdictLine("Overall risk", upper(res.ResidualLabel()), levelColour(res.ResidualLabel()), riskWhy(res))
	for _, j := range jurisdictionOrder(res.Jurisdictions) {
		level := res.Jurisdictions[j]
		d.verdictLine("  "+jurisdictionName(j), upper(level), levelColour(level), "Highest residual level of the findings under its laws.")
	}
	d.heading("The most serious findings")
	if len(res.Findings) == 0 {
		d.para("No rule fired: no finding.")
	}
	for i, f := range res.Findings[:min(3, len(res.Findings))] {
		d.verdictLine(fmt.Sprintf("%d. %s", i+1, cite(f.Law, f.Article)), upper(f.Residual), levelColour(f.Residual), f.Title)
	}
	d.heading("What to do first")
	plan := d.r.ActionPlan()
	for _, a := range plan[:min(3, len(plan))] {
		d.bullet(fmt.Sprintf("[%s] %s", upper(a.Level), a.Recommendation), 0)
	}
	if len(plan) == 0 {
		d.para("Nothing: no finding calls for action.")
	}
	if n := len(res.Unanswered); n > 0 {
		d.space(2)
		d.small(fmt.Sprintf("%s unanswered (completeness %s); the verdicts may change once answered.",
			plural(n, "required question is", "required questions are"), percent(res.Completeness)))
	}
}

// riskOverview draws the inherent and residual heat maps and the table of findings.
func (d *pdfDoc) riskOverview() {
	d.section("Risk heat map", true)
	d.para("Each finding sits in the cell of its severity and likelihood (CNIL scale 1–4). Cells carry the level of the default risk matrix as a colour and a word; numbers count findings. The residual map applies the mitigations in place.")
	d.space(3)
	y := d.pdf.GetY()
	d.heatMap(margin, y, "Inherent risk", d.r.HeatMap(false))
	d.heatMap(margin+92, y, "Residual risk", d.r.HeatMap(true))
	d.pdf.SetXY(margin, y+7+4*13+14)
	d.section("Findings by severity", false)
	if len(d.r.Result.Findings) == 0 {
		d.para("No rule fired: no finding.")
		return
	}
	cols := []column{{"#", 8}, {"Residual", 21}, {"Inherent", 21}, {"S × L", 14}, {"Law and article", 34}, {"Finding", 82}}
	rows := make([][]cell, 0, len(d.r.Result.Findings))
	for i, f := range d.r.Result.Findings {
		rows = append(rows, []cell{txt(fmt.Sprint(i + 1)), levelCell(f.Residual), levelCell(f.Inherent),
			txt(fmt.Sprintf("%d × %d", f.ResidualSeverity, f.ResidualLikelihood)), txt(cite(f.Law, f.Article)), txt(f.Title)})
	}
	d.table(cols, rows)
}

// seriousFindings writes a page for each high or critical finding: the why view, citations,
// penalty exposure, recommendation and mitigations.
func (d *pdfDoc) seriousFindings() {
	first := true
	for i, f := range d.r.Result.Findings {
		if !serious(f) {
			continue
		}
		if first {
			d.section("Serious findings", true)
			d.small("One page for each finding whose inherent or residual level is high or critical.")
			d.space(3)
			first = false
		} else {
			d.pdf.AddPage()
		}
		d.findingPage(i, f)
	}
}

func (d *pdfDoc) findingPage(i int, f assessment.Finding) {
	v := d.r.view(i)
	d.mark(fmt.Sprintf("%d. %s", i+1, f.Title), 1)
	d.font("B", 13)
	d.write(fmt.Sprintf("Finding %d: %s", i+1, f.Title), 6.5)
	d.space(1)
	d.verdictLine("Residual risk", upper(f.Residual), levelColour(f.Residual),
		fmt.Sprintf("severity %s, likelihood %s", scaleName(f.ResidualSeverity), scaleName(f.ResidualLikelihood)))
	d.verdictLine("Inherent risk", upper(f.Inherent), levelColour(f.Inherent),
		fmt.Sprintf("severity %s, likelihood %s", scaleName(f.Severity), scaleName(f.Likelihood)))
	d.heading("Why")
	d.kv("Rule", f.ID+" ("+f.Pack+" pack, outcome "+strings.ReplaceAll(f.Outcome, "_", " ")+")", 36)
	d.font("B", 10)
	d.write("It read", 5.5)
	for _, rd := range v.Reads {
		d.bullet(rd.Question+" — "+rd.Value, 6)
	}
	d.kv("Article", articleLine(f.Law, f.Article, v.Law), 36)
	d.kv("Recommendation", orDash(f.Recommendation), 36)
	if f.Explanation != "" {
		d.heading("Explanation")
		d.para(f.Explanation)
	}
	d.findingDetails(f, v)
}

func lawVersion(p PackInfo) string {
	s := ""
	if p.Version != "" {
		s += " (" + p.Version
		if p.CurrentTo != "" {
			s += ", current to " + p.CurrentTo
		}
		s += ")"
	}
	if p.Source != "" {
		s += " — " + p.Source
	}
	return s
}

func (d *pdfDoc) findingDetails(f assessment.Finding, v FindingView) {
	d.heading("Citations")
	for _, c := range v.Citations {
		d.bullet(cite(c.Law, c.Article)+": "+c.Text, 0)
	}
	d.heading("Penalty exposure")
	d.para(orDash(f.Penalty))
	d.heading("Mitigations applied")
	if len(f.Mitigations) == 0 {
		d.para("None: the residual risk equals the inherent risk.")
	}
	for j, m := range f.Mitigations {
		d.bullet(fmt.Sprintf("%s (severity −%d, likelihood −%d)", m.Text, m.Severity, m.Likelihood), 0)
		if j < len(v.Mitigations) {
			for _, rd := range v.Mitigations[j] {
				d.bullet("because "+rd.Question+" — "+rd.Value, 8)
			}
		}
	}
	if len(f.Evidence) > 0 {
		d.heading("Evidence this rule looks for")
		d.para(mdEvidenceFound(f.Evidence, f.EvidenceFound))
	}
	if f.Note != "" {
		d.space(2)
		d.small("Note: " + f.Note)
	}
}

// plural writes "1 thing is" or "3 things are".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
