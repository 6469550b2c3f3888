package exports

import (
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

func (x *xlsx) summary() error {
	r, res := x.r, x.r.Result
	rows := [][]any{
		{"System", r.displayName()},
		{"Description", res.System.Description},
		{"Assessment", strings.TrimSpace(r.Meta.AssessmentID + " " + r.Meta.Name)},
		{"Assessor", r.Meta.Owner},
		{"Status", r.Meta.Status},
		{"Generated", r.generated()},
		{"Content hash (SHA-256)", r.ContentHash},
		{"EU AI Act tier", upper(res.TierLabel())},
		{"Why", strings.Join(res.AIAct.Reasons, "\n")},
		{"DPIA required", dpiaWord(res)},
		{"Why", strings.Join(res.DPIA.Reasons, "\n")},
		{"Inherent risk", upper(res.InherentLabel())},
		{"Residual risk", upper(res.ResidualLabel())},
	}
	for _, j := range jurisdictionOrder(res.Jurisdictions) {
		rows = append(rows, []any{"Residual risk: " + jurisdictionName(j), upper(res.Jurisdictions[j])})
	}
	rows = append(rows, []any{"Completeness", percent(res.Completeness)},
		[]any{"Findings", len(res.Findings)}, []any{"Evidence files", len(r.Evidence)})
	if err := x.table(SheetSummary, []string{"Item", "Value"}, []float64{28, 90}, rows); err != nil {
		return err
	}
	if err := x.levelFormat(SheetSummary, fmt.Sprintf("B2:B%d", len(rows)+1)); err != nil {
		return err
	}
	return x.levelChart(len(rows) + 3)
}

// levelChart writes the findings by level from row top and a column chart of them.
func (x *xlsx) levelChart(top int) error {
	f, sh := x.f, SheetSummary
	inh, resid := x.r.LevelCounts()
	head := fmt.Sprintf("A%d", top)
	if err := f.SetSheetRow(sh, head, &[]any{"Findings by level", "Inherent", "Residual"}); err != nil {
		return err
	}
	if err := f.SetCellStyle(sh, head, fmt.Sprintf("C%d", top), x.header); err != nil {
		return err
	}
	for i, l := range levels {
		if err := f.SetSheetRow(sh, fmt.Sprintf("A%d", top+1+i), &[]any{upper(l), inh[l], resid[l]}); err != nil {
			return err
		}
	}
	if err := x.levelFormat(sh, fmt.Sprintf("A%d:A%d", top+1, top+4)); err != nil {
		return err
	}
	series := func(col string) excelize.ChartSeries {
		return excelize.ChartSeries{
			Name:       fmt.Sprintf("%s!$%s$%d", sh, col, top),
			Categories: fmt.Sprintf("%s!$A$%d:$A$%d", sh, top+1, top+4),
			Values:     fmt.Sprintf("%s!$%s$%d:$%s$%d", sh, col, top+1, col, top+4),
		}
	}
	return f.AddChart(sh, fmt.Sprintf("E%d", top), &excelize.Chart{
		Type:   excelize.Col,
		Series: []excelize.ChartSeries{series("B"), series("C")},
		Title:  excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Findings by level"}}},
		Legend: excelize.ChartLegend{Position: "bottom"},
	})
}

// RegisterHeader is the header row of the risk register.
var RegisterHeader = []string{"ID", "Law", "Article", "Title", "Severity", "Likelihood", "Inherent",
	"Residual", "Recommendation", "Owner", "Due date", "Status"}

func (x *xlsx) register() error {
	sh := SheetRegister
	if err := x.newSheet(sh); err != nil {
		return err
	}
	rows := make([][]any, 0, len(x.r.Result.Findings))
	for _, f := range x.r.Result.Findings {
		rows = append(rows, []any{f.ID, shortLaw(f.Law), articleRef(f.Law, f.Article), f.Title, f.Severity,
			f.Likelihood, upper(f.Inherent), upper(f.Residual), f.Recommendation, "", "", ""})
	}
	widths := []float64{30, 12, 12, 50, 9, 10, 11, 11, 60, 18, 12, 13}
	if err := x.table(sh, RegisterHeader, widths, rows); err != nil {
		return err
	}
	last := max(len(rows)+1, 2)
	if err := x.f.AutoFilter(sh, fmt.Sprintf("A1:L%d", last), nil); err != nil {
		return err
	}
	if err := x.levelFormat(sh, fmt.Sprintf("G2:H%d", last)); err != nil {
		return err
	}
	return x.trackingColumns(sh, last)
}

// trackingColumns adds the date format and validation of Due date (K) and the drop-down of
// Status (L) on rows 2..last.
func (x *xlsx) trackingColumns(sh string, last int) error {
	date, err := x.f.NewStyle(&excelize.Style{CustomNumFmt: ptr("yyyy-mm-dd"),
		Alignment: &excelize.Alignment{Vertical: "top"}})
	if err != nil {
		return err
	}
	if err := x.f.SetCellStyle(sh, "K2", fmt.Sprintf("K%d", last), date); err != nil {
		return err
	}
	due := excelize.NewDataValidation(true)
	due.Sqref = fmt.Sprintf("K2:K%d", last)
	// Excel serial dates: 2000-01-01 is 36526, 2100-12-31 is 73415.
	if err := due.SetRange(36526, 73415, excelize.DataValidationTypeDate, excelize.DataValidationOperatorBetween); err != nil {
		return err
	}
	due.SetError(excelize.DataValidationErrorStyleStop, "Due date", "Enter a date between 2000-01-01 and 2100-12-31.")
	if err := x.f.AddDataValidation(sh, due); err != nil {
		return err
	}
	status := excelize.NewDataValidation(true)
	status.Sqref = fmt.Sprintf("L2:L%d", last)
	if err := status.SetDropList(StatusValues); err != nil {
		return err
	}
	status.SetError(excelize.DataValidationErrorStyleStop, "Status", "Choose "+strings.Join(StatusValues, ", ")+".")
	return x.f.AddDataValidation(sh, status)
}

func ptr[T any](v T) *T { return &v }

func (x *xlsx) actions() error {
	if err := x.newSheet(SheetActions); err != nil {
		return err
	}
	plan := x.r.ActionPlan()
	rows := make([][]any, 0, len(plan))
	for i, a := range plan {
		rows = append(rows, []any{i + 1, priority(a.Level), upper(a.Level), a.Recommendation,
			strings.Join(a.Findings, "\n"), strings.Join(a.Refs, "\n")})
	}
	header := []string{"#", "Priority", "Level", "Recommendation", "Findings", "Articles"}
	if err := x.table(SheetActions, header, []float64{5, 16, 11, 70, 40, 22}, rows); err != nil {
		return err
	}
	return x.levelFormat(SheetActions, fmt.Sprintf("C2:C%d", max(len(rows)+1, 2)))
}

func (x *xlsx) answers() error {
	if err := x.newSheet(SheetAnswers); err != nil {
		return err
	}
	rows := make([][]any, 0, len(x.r.Answers))
	for _, a := range x.r.Answers {
		counted := "yes"
		if !a.Counted {
			counted = "no"
		}
		rows = append(rows, []any{a.Section, a.ID, a.Question, a.Display, strings.Join(a.Values, ", "), a.Note, counted})
	}
	header := []string{"Section", "Question ID", "Question", "Answer", "Values", "Note", "Counted"}
	return x.table(SheetAnswers, header, []float64{20, 28, 50, 50, 30, 50, 9}, rows)
}

func (x *xlsx) evidence() error {
	if err := x.newSheet(SheetEvidence); err != nil {
		return err
	}
	rows := make([][]any, 0, len(x.r.Evidence))
	for _, f := range x.r.Evidence {
		total := 0
		for _, n := range f.Counts {
			total += n
		}
		var ex []string
		for _, e := range f.Examples {
			ex = append(ex, fmt.Sprintf("%s (%s): %s", e.Type, e.Where, e.Preview))
		}
		rows = append(rows, []any{f.Path, f.SHA256, f.Size, f.Mime, f.Status, f.Reason, total,
			countsText(f.Counts), strings.Join(ex, "\n")})
	}
	header := []string{"File", "SHA-256", "Size", "MIME type", "Status", "Reason", "Detections", "By type", "Masked examples"}
	return x.table(SheetEvidence, header, []float64{40, 66, 10, 16, 10, 24, 11, 40, 50}, rows)
}

// DetectionsHeader is the header row of the Detections sheet.
var DetectionsHeader = []string{"File", "Type", "Where", "Confidence", "Preview (masked)"}

// detections streams the detection rows, so that memory stays flat however many there are.
func (x *xlsx) detections() error {
	if err := x.newSheet(SheetDetections); err != nil {
		return err
	}
	sw, err := x.f.NewStreamWriter(SheetDetections)
	if err != nil {
		return err
	}
	for i, w := range []float64{40, 16, 30, 11, 30} {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	head := make([]any, len(DetectionsHeader))
	for i, h := range DetectionsHeader {
		head[i] = h
	}
	if err := sw.SetRow("A1", head, excelize.RowOpts{StyleID: x.header}); err != nil {
		return err
	}
	if err := x.streamDetections(sw); err != nil {
		return err
	}
	return sw.Flush()
}

func (x *xlsx) streamDetections(sw *excelize.StreamWriter) error {
	if x.r.Detections == nil {
		return nil
	}
	row, skipped := 2, 0
	err := x.r.Detections(func(d Detection) error {
		if row >= maxSheetRows {
			skipped++
			return nil
		}
		cell, _ := excelize.CoordinatesToCellName(1, row)
		row++
		return sw.SetRow(cell, []any{xlText(d.File), d.Type, xlText(d.Where), d.Confidence, xlText(d.Preview)})
	})
	if err != nil {
		return err
	}
	if skipped > 0 {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		return sw.SetRow(cell, []any{fmt.Sprintf("… %d more detections not shown: Excel's row limit was reached", skipped)})
	}
	return nil
}

func (x *xlsx) scenarios() error {
	if err := x.newSheet(SheetScenarios); err != nil {
		return err
	}
	rows := make([][]any, 0, len(x.r.Result.Scenarios))
	for _, s := range x.r.Result.Scenarios {
		rows = append(rows, []any{s.ID, s.Title, s.Similarity, strings.Join(s.Matched, "\n"), strings.Join(s.Missing, "\n")})
	}
	header := []string{"ID", "Scenario", "Similarity", "Matched traits", "Missing traits"}
	if err := x.table(SheetScenarios, header, []float64{18, 40, 11, 50, 50}, rows); err != nil {
		return err
	}
	pct, err := x.f.NewStyle(&excelize.Style{NumFmt: 9, Alignment: &excelize.Alignment{Vertical: "top"}})
	if err != nil {
		return err
	}
	return x.f.SetCellStyle(SheetScenarios, "C2", fmt.Sprintf("C%d", max(len(rows)+1, 2)), pct)
}
