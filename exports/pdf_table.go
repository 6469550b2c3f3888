package exports

import (
	"fmt"
	"strings"

	"github.com/dpia-tool/dpia/assessment"
)

// column is a table column.
type column struct {
	title string
	width float64
}

// cell is a table cell: text, and optionally a fill colour (then the text is white and
// bold), a monospaced font or a smaller size.
type cell struct {
	text  string
	fill  *rgb
	mono  bool
	small bool
}

func txt(s string) cell { return cell{text: s} }

// levelCell shows a risk level as a word on its colour.
func levelCell(level string) cell {
	c := levelColour(level)
	return cell{text: upper(level), fill: &c}
}

const (
	cellPad  = 1.2 // vertical padding
	rowLineH = 4.4
)

// table draws a table whose rows grow to fit their wrapped text; the header row repeats on
// each page. A row taller than a page is written as a block of "column: text" paragraphs.
func (d *pdfDoc) table(cols []column, rows [][]cell) {
	d.tableHeader(cols)
	for _, row := range rows {
		lines := d.rowLines(cols, row)
		h := 0
		for _, ls := range lines {
			h = max(h, len(ls))
		}
		height := float64(h)*rowLineH + 2*cellPad
		if height > pageH-topM-bottomM-10 {
			d.blockRow(cols, row)
			continue
		}
		if d.pdf.GetY()+height > pageH-bottomM {
			d.pdf.AddPage()
			d.tableHeader(cols)
		}
		d.drawRow(cols, row, lines, height)
	}
	d.space(3)
}

func (d *pdfDoc) tableHeader(cols []column) {
	p := d.pdf
	d.ensure(16)
	d.font("B", 8.5)
	p.SetFillColor(230, 234, 242)
	p.SetDrawColor(190, 190, 190)
	x, y := margin, p.GetY()
	h := 0
	for _, c := range cols {
		h = max(h, len(d.lines(c.title, c.width)))
	}
	height := float64(h)*rowLineH + 2*cellPad
	for _, c := range cols {
		p.Rect(x, y, c.width, height, "FD")
		for i, l := range d.lines(c.title, c.width) {
			p.SetXY(x, y+cellPad+float64(i)*rowLineH)
			p.CellFormat(c.width, rowLineH, l, "", 0, "L", false, 0, "")
		}
		x += c.width
	}
	p.SetXY(margin, y+height)
}

// cellFont selects the font of a cell.
func (d *pdfDoc) cellFont(c cell) {
	switch {
	case c.mono:
		d.mono(7)
	case c.fill != nil:
		d.font("B", 8)
	case c.small:
		d.font("", 7.5)
	default:
		d.font("", 8.5)
	}
}

func (d *pdfDoc) rowLines(cols []column, row []cell) [][]string {
	out := make([][]string, len(cols))
	for i, c := range cols {
		if i < len(row) {
			d.cellFont(row[i])
			out[i] = d.lines(row[i].text, c.width)
		}
	}
	return out
}

func (d *pdfDoc) drawRow(cols []column, row []cell, lines [][]string, height float64) {
	p := d.pdf
	p.SetAutoPageBreak(false, bottomM)
	defer p.SetAutoPageBreak(true, bottomM)
	x, y := margin, p.GetY()
	p.SetDrawColor(190, 190, 190)
	for i, c := range cols {
		style := "D"
		if i < len(row) && row[i].fill != nil {
			f := row[i].fill
			p.SetFillColor(f.r, f.g, f.b)
			style = "FD"
			p.SetTextColor(textOn(*f))
		}
		p.Rect(x, y, c.width, height, style)
		if i < len(row) {
			d.cellFont(row[i])
			for j, l := range lines[i] {
				p.SetXY(x, y+cellPad+float64(j)*rowLineH)
				p.CellFormat(c.width, rowLineH, l, "", 0, "L", false, 0, "")
			}
		}
		p.SetTextColor(0, 0, 0)
		x += c.width
	}
	p.SetXY(margin, y+height)
}

// textOn is black or white, whichever reads better on the colour.
func textOn(c rgb) (int, int, int) {
	if c.r*299+c.g*587+c.b*114 > 150000 {
		return 0, 0, 0
	}
	return 255, 255, 255
}

// blockRow writes a row too tall for a page as paragraphs, so that nothing is cut off.
func (d *pdfDoc) blockRow(cols []column, row []cell) {
	p := d.pdf
	p.SetDrawColor(190, 190, 190)
	p.Line(margin, p.GetY(), pageW-margin, p.GetY())
	d.space(1)
	for i, c := range cols {
		if i >= len(row) {
			break
		}
		d.font("B", 8.5)
		d.write(c.title, rowLineH)
		d.cellFont(cell{text: row[i].text, mono: row[i].mono})
		d.write(row[i].text, rowLineH)
	}
	d.space(1)
	p.Line(margin, p.GetY(), pageW-margin, p.GetY())
}

// badge draws a word on a colour at the current position, then moves right.
func (d *pdfDoc) badge(word string, c rgb, w, h float64) {
	p := d.pdf
	p.SetFillColor(c.r, c.g, c.b)
	p.SetTextColor(textOn(c))
	d.font("B", 9)
	p.CellFormat(w, h, word, "", 0, "C", true, 0, "")
	p.SetTextColor(0, 0, 0)
}

// verdictLine writes "label  [WORD]  detail" with the word on its colour.
func (d *pdfDoc) verdictLine(label, word string, c rgb, detail string) {
	p := d.pdf
	d.ensure(8)
	d.font("B", 10)
	p.SetX(margin)
	p.CellFormat(52, 7, label, "", 0, "L", false, 0, "")
	d.badge(word, c, 34, 7)
	p.SetX(p.GetX() + 3)
	d.font("", 9)
	x := p.GetX()
	y := p.GetY()
	p.SetXY(x, y+1)
	d.writeAt(x, pageW-margin-x, detail, 5)
	p.SetY(max(p.GetY(), y+8))
}

// heatMap draws a 4×4 severity × likelihood grid at (x, y) with the count of findings in
// each cell; cells carry the level of the default matrix as a colour and a word.
func (d *pdfDoc) heatMap(x, y float64, title string, counts [4][4]int) {
	p := d.pdf
	const labelW, cellW, cellH = 22.0, 15.5, 13.0
	d.font("B", 10)
	p.SetXY(x, y)
	p.CellFormat(labelW+4*cellW, 6, title, "", 0, "C", false, 0, "")
	y += 7
	for row := range 4 {
		sev := 4 - row
		d.font("", 7.5)
		p.SetXY(x, y+float64(row)*cellH+3)
		p.CellFormat(labelW, 4, "severity "+fmt.Sprint(sev), "", 2, "R", false, 0, "")
		p.SetX(x)
		p.CellFormat(labelW, 4, severityNames[sev], "", 0, "R", false, 0, "")
		for col := range 4 {
			level := assessment.DefaultMatrix.Level(sev, col+1)
			d.heatCell(x+labelW+float64(col)*cellW, y+float64(row)*cellH, cellW, cellH, level, counts[row][col])
		}
	}
	for col := range 4 {
		d.font("", 7.5)
		p.SetXY(x+labelW+float64(col)*cellW, y+4*cellH+0.5)
		p.CellFormat(cellW, 3.5, fmt.Sprint(col+1), "", 2, "C", false, 0, "")
		d.font("", 6)
		p.SetX(x + labelW + float64(col)*cellW)
		p.CellFormat(cellW, 3, severityNames[col+1], "", 0, "C", false, 0, "")
	}
	d.font("", 7.5)
	p.SetXY(x+labelW, y+4*cellH+7.5)
	p.CellFormat(4*cellW, 4, "likelihood →", "", 0, "C", false, 0, "")
}

func (d *pdfDoc) heatCell(x, y, w, h float64, level string, n int) {
	p := d.pdf
	c := tint(levelColour(level), 0.45)
	if n > 0 {
		c = levelColour(level)
	}
	p.SetFillColor(c.r, c.g, c.b)
	p.SetDrawColor(255, 255, 255)
	p.Rect(x, y, w, h, "FD")
	p.SetTextColor(textOn(c))
	d.font("B", 12)
	label := "·"
	if n > 0 {
		label = fmt.Sprint(n)
	}
	p.SetXY(x, y+1.5)
	p.CellFormat(w, 6, label, "", 0, "C", false, 0, "")
	d.font("", 6)
	p.SetXY(x, y+h-5)
	p.CellFormat(w, 4, strings.ToLower(level), "", 0, "C", false, 0, "")
	p.SetTextColor(0, 0, 0)
}

// tint mixes a colour with white: share is how much of the colour is kept.
func tint(c rgb, share float64) rgb {
	mix := func(v int) int { return int(float64(v)*share + 255*(1-share)) }
	return rgb{mix(c.r), mix(c.g), mix(c.b)}
}
