package exports

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// XLSXWriter writes the Excel workbook managers track remediation in: Summary (with a chart
// of findings by level), Risk register (empty Owner, Due date and Status columns with data
// validation), Action plan, Answers, Evidence, Detections (streamed) and Scenarios.
type XLSXWriter struct{}

// Sheet names, in workbook order.
const (
	SheetSummary    = "Summary"
	SheetRegister   = "Risk register"
	SheetActions    = "Action plan"
	SheetAnswers    = "Answers"
	SheetEvidence   = "Evidence"
	SheetDetections = "Detections"
	SheetScenarios  = "Scenarios"
)

// StatusValues are the choices of the risk register's Status column.
var StatusValues = []string{"Open", "In progress", "Done", "Accepted"}

// Excel limits.
const (
	maxCellChars = 32767
	maxSheetRows = 1048576
)

// xlsx is a workbook being written.
type xlsx struct {
	f      *excelize.File
	r      *Report
	header int // style of header rows
	wrap   int // style of wrapped text cells
	level  map[string]int
}

// Write writes the workbook.
func (XLSXWriter) Write(w io.Writer, r *Report, _ Options) error {
	f := excelize.NewFile()
	defer f.Close()
	x := &xlsx{f: f, r: r}
	if err := x.styles(); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	if err := f.SetSheetName("Sheet1", SheetSummary); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	for _, sheet := range []func() error{
		x.summary, x.register, x.actions, x.answers, x.evidence, x.detections, x.scenarios,
	} {
		if err := sheet(); err != nil {
			return fmt.Errorf("write xlsx: %w", err)
		}
	}
	if err := x.props(); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	f.SetActiveSheet(0)
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}

func (x *xlsx) props() error {
	created := ""
	if !x.r.Meta.GeneratedAt.IsZero() {
		created = x.r.Meta.GeneratedAt.UTC().Format(time.RFC3339)
	}
	return x.f.SetDocProps(&excelize.DocProperties{
		Title: xlText("DPIA report: " + x.r.displayName()), Creator: "dpia", LastModifiedBy: "dpia",
		Created: created, Modified: created, Subject: "Data-protection impact assessment",
		Identifier: x.r.ContentHash,
	})
}

func (x *xlsx) styles() error {
	var err error
	if x.header, err = x.f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E6EAF2"}},
		Alignment: &excelize.Alignment{Vertical: "top", WrapText: true},
	}); err != nil {
		return err
	}
	if x.wrap, err = x.f.NewStyle(&excelize.Style{
		Alignment: &excelize.Alignment{Vertical: "top", WrapText: true},
	}); err != nil {
		return err
	}
	x.level = map[string]int{}
	for _, l := range levels {
		c := levelColour(l)
		font := "FFFFFF"
		if r, _, _ := textOn(c); r == 0 {
			font = "000000"
		}
		id, err := x.f.NewConditionalStyle(&excelize.Style{
			Font: &excelize.Font{Bold: true, Color: font},
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{c.hex()}},
		})
		if err != nil {
			return err
		}
		x.level[l] = id
	}
	return nil
}

// xlText makes text valid in a cell: no control characters other than tab and newline (XML
// forbids them), at most 32,767 characters (Excel's limit; the cut is marked).
func xlText(s string) string {
	clean := strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' {
			return r
		}
		if r < 0x20 || r == 0xFFFE || r == 0xFFFF {
			return -1
		}
		return r
	}, s)
	if len(clean) <= maxCellChars {
		return clean
	}
	rs := []rune(clean)
	const mark = " … [cut at Excel's 32,767-character cell limit]"
	if len(rs) <= maxCellChars {
		return clean
	}
	return string(rs[:maxCellChars-len([]rune(mark))]) + mark
}

// table writes a header and rows from A1, with the header style, wrapped cells, widths and
// a frozen header row.
func (x *xlsx) table(sheet string, header []string, widths []float64, rows [][]any) error {
	f := x.f
	if err := f.SetSheetRow(sheet, "A1", &header); err != nil {
		return err
	}
	for i, row := range rows {
		for j, v := range row {
			if s, ok := v.(string); ok {
				row[j] = xlText(s)
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			return err
		}
	}
	last, _ := excelize.CoordinatesToCellName(len(header), max(len(rows)+1, 2))
	lastHeader, _ := excelize.CoordinatesToCellName(len(header), 1)
	if err := f.SetCellStyle(sheet, "A2", last, x.wrap); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "A1", lastHeader, x.header); err != nil {
		return err
	}
	for i, w := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, col, col, w); err != nil {
			return err
		}
	}
	return freezeHeader(f, sheet)
}

func freezeHeader(f *excelize.File, sheet string) error {
	return f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}})
}

// levelFormat colours the cells of a range whose value is a risk level word.
func (x *xlsx) levelFormat(sheet, rng string) error {
	var opts []excelize.ConditionalFormatOptions
	for _, l := range levels {
		id := x.level[l]
		opts = append(opts, excelize.ConditionalFormatOptions{Type: "cell", Criteria: "==",
			Value: `"` + upper(l) + `"`, Format: &id})
	}
	return x.f.SetConditionalFormat(sheet, rng, opts)
}

func (x *xlsx) newSheet(name string) error {
	_, err := x.f.NewSheet(name)
	return err
}
