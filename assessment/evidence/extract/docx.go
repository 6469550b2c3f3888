package extract

import (
	"archive/zip"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	"github.com/dpia-tool/dpia/assessment/evidence/model"
)

// wordML is the namespace of WordprocessingML elements.
const wordML = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

// extractDOCX writes a Word document: word/document.xml first, then headers, footers,
// footnotes, endnotes and comments, each parsed as an XML token stream. A paragraph outside a
// table is one Text with Line set to its paragraph number (counted across the parts, blank
// paragraphs included); a table is TableStart/Row/TableEnd (first row as header when it looks
// like one; a nested table's text joins its outer cell). Deleted text of tracked changes is
// included. The author fields of docProps/core.xml are Text with Column "creator" and
// "lastModifiedBy".
func extractDOCX(ctx context.Context, f *file, g *guard, lim Limits) error {
	zr, err := openZip(f.r, f.size)
	if err != nil {
		return fmt.Errorf("malformed DOCX: %w", err)
	}
	parts := docxParts(zr)
	if len(parts) == 0 || parts[0].Name != "word/document.xml" {
		return errors.New("malformed DOCX: no word/document.xml")
	}
	w := &docxWriter{g: g, max: lim.MaxCellBytes}
	for _, p := range parts {
		if err := docxPart(p, lim, w.token); err != nil {
			return err
		}
	}
	if core := zipFind(zr, "docProps/core.xml"); core != nil {
		return docxPart(core, lim, coreProps(g))
	}
	return nil
}

// docxParts lists the parts holding text, the main document first.
func docxParts(zr *zip.Reader) []*zip.File {
	var main, other []*zip.File
	for _, f := range zr.File {
		dir, name := path.Split(f.Name)
		switch {
		case dir != "word/":
		case name == "document.xml":
			main = append(main, f)
		case strings.HasPrefix(name, "header") || strings.HasPrefix(name, "footer") ||
			name == "footnotes.xml" || name == "endnotes.xml" || name == "comments.xml":
			other = append(other, f)
		}
	}
	sort.Slice(other, func(i, j int) bool { return other[i].Name < other[j].Name })
	return append(main, other...)
}

func zipFind(zr *zip.Reader, name string) *zip.File {
	for _, f := range zr.File {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// docxPart streams the XML tokens of one part to fn, after checking its size and ratio.
func docxPart(zf *zip.File, lim Limits, fn func(xml.Token) error) error {
	if err := checkEntry(zf, lim); err != nil {
		return fmt.Errorf("DOCX part %s: %w", zf.Name, err)
	}
	rc, err := zf.Open()
	if err != nil {
		return fmt.Errorf("malformed DOCX: %s: %w", zf.Name, err)
	}
	defer rc.Close()
	dec := xml.NewDecoder(io.LimitReader(rc, int64(zf.UncompressedSize64)))
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("malformed DOCX: %s: %w", zf.Name, err)
		}
		if err := fn(tok); err != nil {
			return err
		}
	}
}

// docxWriter turns WordprocessingML tokens into Text and table calls.
type docxWriter struct {
	g      *guard
	max    int
	para   strings.Builder // the open paragraph outside tables, or the open cell
	inText bool
	paraN  int
	tbl    int // table nesting depth
	row    []string
	rowN   int
	tables bool // a table was started
	tokens int
}

func (w *docxWriter) token(tok xml.Token) error {
	w.tokens++
	if w.tokens%1000 == 0 {
		if err := w.g.tick(); err != nil {
			return err
		}
	}
	switch t := tok.(type) {
	case xml.StartElement:
		if t.Name.Space == wordML {
			return w.start(t.Name.Local)
		}
	case xml.EndElement:
		if t.Name.Space == wordML {
			return w.end(t.Name.Local)
		}
	case xml.CharData:
		if w.inText {
			w.add(string(t))
		}
	}
	return nil
}

// add appends text to the open paragraph or cell, up to the cell limit.
func (w *docxWriter) add(s string) {
	if room := w.max - w.para.Len(); room > 0 {
		w.para.WriteString(truncate(s, room))
	}
}

func (w *docxWriter) start(name string) error {
	switch name {
	case "t", "delText":
		w.inText = true
	case "tab":
		w.add("\t")
	case "br", "cr":
		w.add(" ")
	case "p":
		if w.tbl > 0 && w.para.Len() > 0 {
			w.add(" ")
		}
	case "tbl":
		w.tbl++
		if w.tbl == 1 {
			w.rowN, w.tables = 0, false
		}
	case "tr":
		if w.tbl == 1 {
			w.row = nil
		}
	case "tc":
		if w.tbl == 1 {
			w.para.Reset()
		}
	}
	return nil
}

func (w *docxWriter) end(name string) error {
	switch name {
	case "t", "delText":
		w.inText = false
	case "p":
		if w.tbl > 0 {
			return nil
		}
		w.paraN++
		text := w.para.String()
		w.para.Reset()
		if strings.TrimSpace(text) == "" {
			return nil
		}
		return w.g.Text(model.Location{Line: w.paraN}, text)
	case "tc":
		if w.tbl == 1 {
			w.row = append(w.row, strings.TrimSpace(w.para.String()))
			w.para.Reset()
		}
	case "tr":
		if w.tbl == 1 {
			return w.endRow()
		}
	case "tbl":
		w.tbl--
		if w.tbl == 0 && w.tables {
			return w.g.TableEnd()
		}
	}
	return nil
}

// endRow writes a finished table row; the first one decides the header.
func (w *docxWriter) endRow() error {
	row := w.row
	w.row = nil
	if blank(row) {
		return nil
	}
	if !w.tables {
		w.tables = true
		if looksHeader(row) {
			return w.g.TableStart(model.Location{}, row)
		}
		if err := w.g.TableStart(model.Location{}, nil); err != nil {
			return err
		}
	}
	w.rowN++
	return w.g.Row(model.Location{Row: w.rowN}, row)
}

// coreProps returns a token handler writing the author fields of docProps/core.xml.
func coreProps(g *guard) func(xml.Token) error {
	var field string
	return func(tok xml.Token) error {
		switch t := tok.(type) {
		case xml.StartElement:
			field = ""
			if t.Name.Local == "creator" || t.Name.Local == "lastModifiedBy" {
				field = t.Name.Local
			}
		case xml.EndElement:
			field = ""
		case xml.CharData:
			if s := strings.TrimSpace(string(t)); field != "" && s != "" {
				return g.Text(model.Location{Column: field}, s)
			}
		}
		return nil
	}
}
