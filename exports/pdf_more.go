package exports

import (
	"fmt"
	"strings"
)

// scenarios compares the system with the reference scenarios.
func (d *pdfDoc) scenarios() {
	d.section("Scenario comparison", true)
	ss := d.r.Result.Scenarios
	if len(ss) == 0 {
		d.para("No reference scenario was compared.")
		return
	}
	d.para("Similarity is the weight of the scenario's traits this system shares, out of the total weight of its traits.")
	d.space(2)
	cols := []column{{"Scenario", 46}, {"Similarity", 20}, {"Matched traits", 57}, {"Missing traits", 57}}
	rows := make([][]cell, 0, len(ss))
	for _, s := range ss {
		rows = append(rows, []cell{txt(s.Title + " (" + s.ID + ")"), txt(percent(s.Similarity)),
			txt(bulletList(s.Matched)), txt(bulletList(s.Missing))})
	}
	d.table(cols, rows)
}

func bulletList(items []string) string {
	if len(items) == 0 {
		return "—"
	}
	return "• " + strings.Join(items, "\n• ")
}

// evidence lists the evidence files with hashes, counts and masked examples.
func (d *pdfDoc) evidence() {
	d.section("Evidence inventory", true)
	ev := d.r.Evidence
	if len(ev) == 0 {
		d.para("No evidence is attached to this assessment.")
		return
	}
	d.para(fmt.Sprintf("%d files. Detections in all files: %s. Examples are masked; raw values are never stored or shown.",
		len(ev), countsText(d.r.totalDetections())))
	d.space(2)
	cols := []column{{"File", 48}, {"SHA-256", 36}, {"Size", 16}, {"Status", 24}, {"Detections", 56}}
	rows := make([][]cell, 0, len(ev))
	for _, f := range ev {
		status := f.Status
		if f.Reason != "" {
			status += ": " + f.Reason
		}
		rows = append(rows, []cell{txt(f.Path + "\n" + f.Mime), {text: f.SHA256, mono: true}, txt(fmt.Sprint(f.Size)),
			txt(status), txt(countsText(f.Counts))})
	}
	d.table(cols, rows)
	d.heading("Masked examples")
	any := false
	for _, f := range ev {
		for _, e := range f.Examples {
			any = true
			d.bullet(fmt.Sprintf("%s — %s (%s): %s", f.Path, e.Type, e.Where, e.Preview), 0)
		}
	}
	if !any {
		d.para("No examples.")
	}
}

// answers writes every answer with its question and note, by section. Long answers wrap
// over as many lines and pages as they need.
func (d *pdfDoc) answers() {
	d.section("Answers", true)
	if len(d.r.Answers) == 0 {
		d.para("No question is answered.")
		return
	}
	section := "\x00"
	for _, a := range d.r.Answers {
		if a.Section != section {
			section = a.Section
			d.heading(orDash(section))
		}
		d.ensure(16)
		d.font("B", 9.5)
		d.write(a.Question, 5)
		d.font("", 7.5)
		d.pdf.SetTextColor(110, 110, 110)
		id := a.ID
		if !a.Counted && len(a.Values) > 0 {
			id += " — kept but not counted (the question is hidden or no longer in the packs)"
		}
		d.write(id, 4)
		d.pdf.SetTextColor(0, 0, 0)
		if len(a.Values) > 0 {
			d.para(a.Display)
		} else {
			d.para("(no answer)")
		}
		if a.Note != "" {
			d.font("I", 9.5)
			d.pdf.SetTextColor(60, 60, 60)
			d.write("Note: "+a.Note, 5)
			d.pdf.SetTextColor(0, 0, 0)
		}
		d.space(2.5)
	}
}

// actionPlan lists the recommendations, most serious first.
func (d *pdfDoc) actionPlan() {
	d.section("Action plan", true)
	plan := d.r.ActionPlan()
	if len(plan) == 0 {
		d.para("No finding calls for action.")
		return
	}
	d.para("Recommendations ordered by the residual level of the findings they treat; each appears once.")
	d.space(2)
	cols := []column{{"#", 8}, {"Priority", 24}, {"Level", 21}, {"Recommendation", 87}, {"Findings", 40}}
	rows := make([][]cell, 0, len(plan))
	for i, a := range plan {
		rows = append(rows, []cell{txt(fmt.Sprint(i + 1)), txt(priority(a.Level)), levelCell(a.Level),
			txt(a.Recommendation), {text: strings.Join(a.Refs, "\n"), small: true}})
	}
	d.table(cols, rows)
}

// laws lists the law packs with their versions and whether they applied.
func (d *pdfDoc) laws() {
	d.section("Laws and pack versions", true)
	if len(d.r.Packs) == 0 {
		d.para("No law pack was loaded.")
		return
	}
	cols := []column{{"Pack", 26}, {"Law", 44}, {"Version", 30}, {"Applies", 16}, {"Why", 64}}
	rows := make([][]cell, 0, len(d.r.Packs))
	for _, p := range d.r.Packs {
		version := p.Version
		if p.CurrentTo != "" {
			version += "\ncurrent to " + p.CurrentTo
		}
		rows = append(rows, []cell{txt(p.Pack), txt(p.LawName), txt(version), txt(yesNo(p.Applies)), txt(p.Reason)})
	}
	d.table(cols, rows)
}

// signOff is the sign-off block: names, dates and empty lines for signatures.
func (d *pdfDoc) signOff() {
	d.section("Sign-off", true)
	d.para(fmt.Sprintf("By signing, each person confirms they have reviewed this assessment as recorded in the report with content hash %s.", d.r.ContentHash))
	d.space(6)
	roles := []struct{ role, name string }{
		{"Assessor", d.r.Meta.Owner},
		{"Data protection officer", ""},
		{"System owner", ""},
		{"Management approval", ""},
	}
	p := d.pdf
	for _, r := range roles {
		d.ensure(30)
		d.font("B", 10)
		d.write(r.role, 6)
		y := p.GetY() + 10
		d.font("", 8)
		for i, label := range []string{"Name", "Date", "Signature"} {
			x := margin + float64(i)*62
			p.Line(x, y, x+56, y)
			p.SetXY(x, y+0.5)
			p.CellFormat(56, 4, label, "", 0, "L", false, 0, "")
		}
		if r.name != "" {
			d.font("", 10)
			p.SetXY(margin, y-6)
			p.CellFormat(56, 5, fitText(p, pdfSafe(r.name), 56), "", 0, "L", false, 0, "")
		}
		p.SetXY(margin, y+10)
	}
}

// contents writes the table of contents on page 2 from the sections recorded while
// writing, with links, then returns to the last page.
func (d *pdfDoc) contents() {
	p := d.pdf
	last := p.PageCount()
	p.SetPage(2)
	p.SetAutoPageBreak(false, bottomM)
	defer p.SetAutoPageBreak(true, bottomM)
	p.SetXY(margin, topM)
	d.font("B", 16)
	p.SetTextColor(20, 40, 80)
	p.CellFormat(contentW, 10, "Contents", "", 2, "L", false, 0, "")
	p.SetTextColor(0, 0, 0)
	const rowH = 5.6
	capacity := int((pageH-bottomM-p.GetY())/rowH) - 1
	for _, e := range tocFit(d.toc, capacity) {
		indent, style, size := 0.0, "B", 10.5
		if e.level > 0 {
			indent, style, size = 6, "", 9
		}
		d.font(style, size)
		y := p.GetY()
		p.SetX(margin + indent)
		p.CellFormat(contentW-indent-14, rowH, fitText(p, pdfSafe(e.title), contentW-indent-14), "", 0, "L", false, 0, "")
		page := ""
		if e.page > 0 {
			page = fmt.Sprint(e.page)
		}
		p.CellFormat(14, rowH, page, "", 1, "R", false, 0, "")
		if e.link > 0 {
			p.Link(margin, y, contentW, rowH, e.link)
		}
	}
	p.SetPage(last)
}

// tocFit keeps every section and as many finding entries as fit in capacity lines, with a
// line saying how many were left out.
func tocFit(toc []tocEntry, capacity int) []tocEntry {
	top := 0
	for _, e := range toc {
		if e.level == 0 {
			top++
		}
	}
	room := capacity - top - 1
	var out []tocEntry
	shown, skipped := 0, 0
	for i, e := range toc {
		if e.level > 0 {
			if shown < room {
				out = append(out, e)
				shown++
			} else {
				skipped++
			}
		} else {
			out = append(out, e)
		}
		endOfGroup := i+1 == len(toc) || toc[i+1].level == 0
		if skipped > 0 && endOfGroup {
			out = append(out, tocEntry{title: fmt.Sprintf("… and %d more findings (see the bookmarks)", skipped), level: 1})
			skipped = 0
		}
	}
	return out
}
