package exports

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/go-fonts/dejavu/dejavusansbold"
	"github.com/go-fonts/dejavu/dejavusansmono"
	"github.com/go-fonts/dejavu/dejavusansoblique"
	"github.com/jung-kurt/gofpdf"
	"golang.org/x/image/font/sfnt"
)

// PDFWriter writes the report for managers: cover, contents, executive summary, heat maps,
// findings, a page per serious finding, scenarios, evidence, answers, action plan and
// sign-off, with page numbers, a running header and bookmarks. DejaVu fonts are embedded
// (subset), so Russian and Kazakh text renders.
type PDFWriter struct{}

// Page geometry in millimetres (A4).
const (
	pageW    = 210.0
	pageH    = 297.0
	margin   = 15.0
	topM     = 20.0
	bottomM  = 18.0
	contentW = pageW - 2*margin
	lineH    = 5.0
)

const (
	fontSans = "dejavu"
	fontMono = "dejavumono"
)

// tocEntry is a line of the table of contents.
type tocEntry struct {
	title string
	level int
	page  int
	link  int
}

// pdfDoc is a report being written.
type pdfDoc struct {
	pdf      *gofpdf.Fpdf
	r        *Report
	toc      []tocEntry
	fontName string
	widths   map[runeKey]int
}

// Write renders the PDF. The creation and modification dates are the report's GeneratedAt,
// so the same report gives the same bytes.
func (PDFWriter) Write(w io.Writer, r *Report, opts Options) error {
	d := newPDF(r, opts)
	d.cover()
	d.pdf.AddPage() // page 2: the table of contents, written at the end
	for _, section := range []func(){
		d.summary, d.riskOverview, d.seriousFindings, d.scenarios, d.evidence, d.answers,
		d.actionPlan, d.laws, d.signOff,
	} {
		section()
		if err := d.pdf.Error(); err != nil {
			return fmt.Errorf("write pdf: %w", err)
		}
	}
	d.contents()
	if err := d.pdf.Output(w); err != nil {
		return fmt.Errorf("write pdf: %w", err)
	}
	return nil
}

func newPDF(r *Report, opts Options) *pdfDoc {
	pdf := gofpdf.New("P", "mm", "A4", "")
	d := &pdfDoc{pdf: pdf, r: r, widths: map[runeKey]int{}}
	pdf.SetCompression(!opts.Uncompressed)
	pdf.SetCatalogSort(true)
	if !r.Meta.GeneratedAt.IsZero() {
		pdf.SetCreationDate(r.Meta.GeneratedAt.UTC())
		pdf.SetModificationDate(r.Meta.GeneratedAt.UTC())
	}
	pdf.AddUTF8FontFromBytes(fontSans, "", dejavusans.TTF)
	pdf.AddUTF8FontFromBytes(fontSans, "B", dejavusansbold.TTF)
	pdf.AddUTF8FontFromBytes(fontSans, "I", dejavusansoblique.TTF)
	pdf.AddUTF8FontFromBytes(fontMono, "", dejavusansmono.TTF)
	pdf.SetTitle(pdfSafe("DPIA report: "+r.displayName()), true)
	pdf.SetAuthor(pdfSafe(r.Meta.Owner), true)
	pdf.SetCreator("dpia", true)
	pdf.SetSubject("Data-protection impact assessment", true)
	pdf.SetMargins(margin, topM, margin)
	pdf.SetAutoPageBreak(true, bottomM)
	pdf.AliasNbPages("{nb}")
	pdf.SetHeaderFunc(d.header)
	pdf.SetFooterFunc(d.footer)
	d.font("", 10)
	return d
}

func (d *pdfDoc) header() {
	p := d.pdf
	if p.PageNo() == 1 {
		return
	}
	p.SetFont(fontSans, "", 8)
	p.SetTextColor(110, 110, 110)
	p.SetXY(margin, 8)
	left := "DPIA report · " + d.r.displayName()
	if d.r.Meta.AssessmentID != "" {
		left += " · " + d.r.Meta.AssessmentID
	}
	p.CellFormat(contentW*0.7, 5, fitText(p, pdfSafe(left), contentW*0.7), "", 0, "L", false, 0, "")
	p.CellFormat(contentW*0.3, 5, "Generated "+d.r.generated(), "", 0, "R", false, 0, "")
	p.SetDrawColor(200, 200, 200)
	p.Line(margin, 14, pageW-margin, 14)
	p.SetXY(margin, topM)
	p.SetTextColor(0, 0, 0)
}

func (d *pdfDoc) footer() {
	p := d.pdf
	p.SetY(-12)
	p.SetFont(fontSans, "", 8)
	p.SetTextColor(110, 110, 110)
	p.CellFormat(contentW/2, 5, "Content hash "+shortHash(d.r.ContentHash), "", 0, "L", false, 0, "")
	p.CellFormat(contentW/2, 5, fmt.Sprintf("Page %d of {nb}", p.PageNo()), "", 0, "R", false, 0, "")
	p.SetTextColor(0, 0, 0)
}

func shortHash(h string) string {
	if len(h) > 16 {
		return h[:16] + "…"
	}
	return h
}

// fitText shortens a single-line label (header only) to the width with an ellipsis.
func fitText(p *gofpdf.Fpdf, s string, w float64) string {
	if p.GetStringWidth(s) <= w-2 {
		return s
	}
	rs := []rune(s)
	for len(rs) > 1 && p.GetStringWidth(string(rs)+"…") > w-2 {
		rs = rs[:len(rs)-1]
	}
	return string(rs) + "…"
}

// section starts a top-level section: a new page (unless newPage is false), a bookmark, a
// contents entry and the title.
func (d *pdfDoc) section(title string, newPage bool) {
	if newPage {
		d.pdf.AddPage()
	} else {
		d.space(4)
		d.ensure(30)
	}
	d.mark(title, 0)
	d.font("B", 16)
	d.pdf.SetTextColor(20, 40, 80)
	d.write(title, 8)
	d.pdf.SetTextColor(0, 0, 0)
	d.space(2)
}

// mark records a bookmark and a contents entry at the current position.
func (d *pdfDoc) mark(title string, level int) {
	p := d.pdf
	d.font("B", 10)
	p.Bookmark(pdfSafe(title), level, -1)
	link := p.AddLink()
	p.SetLink(link, p.GetY(), p.PageNo())
	d.toc = append(d.toc, tocEntry{title: title, level: level, page: p.PageNo(), link: link})
}

// heading writes a sub-heading.
func (d *pdfDoc) heading(title string) {
	d.space(2)
	d.ensure(18)
	d.font("B", 11.5)
	d.pdf.SetTextColor(20, 40, 80)
	d.write(title, 6)
	d.pdf.SetTextColor(0, 0, 0)
	d.space(1)
}

// para writes wrapped text in the regular font.
func (d *pdfDoc) para(text string) {
	d.font("", 10)
	d.write(text, lineH)
}

// small writes wrapped text in a smaller, grey font.
func (d *pdfDoc) small(text string) {
	d.font("", 8.5)
	d.pdf.SetTextColor(90, 90, 90)
	d.write(text, 4.2)
	d.pdf.SetTextColor(0, 0, 0)
}

// write writes text in the current font over the full content width, wrapping words and
// breaking words longer than the line; pages break as needed. Nothing is cut off.
func (d *pdfDoc) write(text string, h float64) {
	d.writeAt(margin, contentW, text, h)
}

// writeAt writes wrapped text in a column starting at x.
func (d *pdfDoc) writeAt(x, w float64, text string, h float64) {
	p := d.pdf
	for _, line := range d.lines(text, w) {
		p.SetX(x)
		p.CellFormat(w, h, line, "", 2, "L", false, 0, "")
	}
}

// lines splits text into the lines it takes at width w in the current font: at spaces where
// possible, inside a word where a word is longer than the line, and at every newline.
func (d *pdfDoc) lines(text string, w float64) []string {
	_, size := d.pdf.GetFontSize()
	avail := int((w - 2*d.pdf.GetCellMargin()) * 1000 / size)
	var out []string
	for _, para := range strings.Split(pdfSafe(text), "\n") {
		out = d.wrapLine([]rune(para), avail, out)
	}
	return out
}

// wrapLine appends the lines of one paragraph; avail is in glyph units (1/1000 em).
func (d *pdfDoc) wrapLine(rs []rune, avail int, out []string) []string {
	j, l, space := 0, 0, -1
	for i, c := range rs {
		cw := d.runeWidth(c)
		for l+cw > avail && i > j {
			if space > j {
				out = append(out, string(rs[j:space]))
				j, space = space+1, -1
				l = d.width(rs[j:i])
				continue
			}
			out = append(out, string(rs[j:i]))
			j, l, space = i, 0, -1
		}
		if c == ' ' {
			space = i
		}
		l += cw
	}
	return append(out, string(rs[j:]))
}

// fontKey names the current font for the width cache.
type runeKey struct {
	font string
	r    rune
}

// runeWidth is the advance of a rune in the current font, in glyph units.
func (d *pdfDoc) runeWidth(r rune) int {
	k := runeKey{d.fontName, r}
	if w, ok := d.widths[k]; ok {
		return w
	}
	w := d.pdf.GetStringSymbolWidth(string(r))
	d.widths[k] = w
	return w
}

func (d *pdfDoc) width(rs []rune) int {
	n := 0
	for _, r := range rs {
		n += d.runeWidth(r)
	}
	return n
}

// font selects the sans font in a style ("", "B" or "I") and size (points).
func (d *pdfDoc) font(style string, size float64) {
	d.pdf.SetFont(fontSans, style, size)
	d.fontName = fontSans + style
}

// mono selects the monospaced font.
func (d *pdfDoc) mono(size float64) {
	d.pdf.SetFont(fontMono, "", size)
	d.fontName = fontMono
}

// bullet writes an indented bullet item.
func (d *pdfDoc) bullet(text string, indent float64) {
	p := d.pdf
	d.font("", 10)
	d.ensure(lineH)
	p.SetX(margin + indent)
	p.CellFormat(5, lineH, "•", "", 0, "L", false, 0, "")
	y := p.GetY()
	p.SetXY(margin+indent+5, y)
	d.writeAt(margin+indent+5, contentW-indent-5, text, lineH)
}

// space adds vertical space.
func (d *pdfDoc) space(h float64) { d.pdf.SetY(d.pdf.GetY() + h) }

// ensure starts a new page unless h millimetres are left on this one.
func (d *pdfDoc) ensure(h float64) {
	if d.pdf.GetY()+h > pageH-bottomM {
		d.pdf.AddPage()
	}
}

var (
	coverage     []bool
	coverageOnce sync.Once
)

// covered reports whether every embedded text font has a glyph for r.
func covered(r rune) bool {
	coverageOnce.Do(func() {
		coverage = make([]bool, 0x10000)
		for i := range coverage {
			coverage[i] = true
		}
		var buf sfnt.Buffer
		for _, ttf := range [][]byte{dejavusans.TTF, dejavusansbold.TTF, dejavusansoblique.TTF} {
			f, err := sfnt.Parse(ttf)
			if err != nil {
				continue
			}
			for i := range coverage {
				if coverage[i] {
					g, err := f.GlyphIndex(&buf, rune(i))
					coverage[i] = err == nil && g != 0
				}
			}
		}
	})
	return r >= 0 && int(r) < len(coverage) && coverage[r]
}

// pdfSafe makes text printable with the embedded fonts: tabs become spaces, other control
// characters go, and characters the fonts lack (emoji, CJK) become "?", so that widths are
// known and lines wrap correctly.
func pdfSafe(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteRune(r)
		case r == '\t':
			b.WriteString("    ")
		case r == '\u2028' || r == '\u2029':
			b.WriteRune('\n')
		case r < 0x20 || (r >= 0x7f && r < 0xa0):
		case r == '\u00a0':
			b.WriteRune(' ')
		case !covered(r):
			b.WriteRune('?')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
