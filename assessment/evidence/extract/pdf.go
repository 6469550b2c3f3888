package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ledongthuc/pdf"

	"github.com/dpia-tool/dpia/assessment/evidence/model"
)

// PDF budgets: pages read per file and time spent on one file.
const (
	pdfMaxPages   = 10_000
	pdfTimeBudget = 60 * time.Second
)

// extractPDF writes the text of a PDF page by page: one Text per non-blank line with
// Location.Page. It stops with ErrLimit after pdfMaxPages pages or pdfTimeBudget. A file the
// library cannot open (encrypted with a user password, broken cross-reference table, garbage)
// gives an error "malformed PDF: …"; a panic inside the library is recovered the same way.
// A PDF 2.0 header and bytes after the last %%EOF are tolerated.
func extractPDF(ctx context.Context, f *file, g *guard, lim Limits) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("malformed PDF: %v", p)
		}
	}()
	ra, size := pdfInput(f)
	doc, err := pdf.NewReader(ra, size)
	if err != nil {
		if errors.Is(err, pdf.ErrInvalidPassword) {
			return errors.New("malformed PDF: encrypted with a password")
		}
		return fmt.Errorf("malformed PDF: %s", strings.TrimPrefix(err.Error(), "malformed PDF: "))
	}
	nodes := 0
	if err := checkPageTree(doc.Trailer().Key("Root").Key("Pages"), 0, &nodes); err != nil {
		return err
	}
	pages := doc.NumPage()
	deadline := time.Now().Add(pdfTimeBudget)
	for n := 1; n <= pages; n++ {
		if err := g.tick(); err != nil {
			return err
		}
		if n > pdfMaxPages {
			return fmt.Errorf("%w: PDF has more than %d pages", model.ErrLimit, pdfMaxPages)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%w: PDF text took longer than %s (stopped at page %d of %d)", model.ErrLimit, pdfTimeBudget, n, pages)
		}
		if err := pdfPage(doc, n, g); err != nil {
			return err
		}
	}
	return nil
}

// pdfPage writes the lines of one page.
func pdfPage(doc *pdf.Reader, n int, g *guard) error {
	p := doc.Page(n)
	if p.V.IsNull() {
		return nil
	}
	text, err := p.GetPlainText(nil)
	if err != nil {
		return fmt.Errorf("malformed PDF: page %d: %v", n, err)
	}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(strings.ToValidUTF8(line, "\uFFFD"))
		if line == "" {
			continue
		}
		if err := g.Text(model.Location{Page: n}, line); err != nil {
			return err
		}
	}
	return nil
}

// pdfInput adapts a file to what the library accepts: the size ends at the last %%EOF (data
// appended after it is ignored) and a "%PDF-2.x" header reads as "%PDF-1.7".
func pdfInput(f *file) (io.ReaderAt, int64) {
	size := f.size
	tail := make([]byte, min(size, 4096))
	n, _ := f.r.ReadAt(tail, size-int64(len(tail)))
	if i := bytes.LastIndex(tail[:n], []byte("%%EOF")); i >= 0 {
		size = size - int64(len(tail)) + int64(i) + 5
	}
	head := make([]byte, 10)
	m, _ := f.r.ReadAt(head, 0)
	if m >= 8 && bytes.HasPrefix(head, []byte("%PDF-2.")) {
		return &patchedHeader{r: f.r, head: []byte("%PDF-1.7")}, size
	}
	return f.r, size
}

// patchedHeader serves r with its first bytes replaced by head.
type patchedHeader struct {
	r    io.ReaderAt
	head []byte
}

func (p *patchedHeader) ReadAt(b []byte, off int64) (int, error) {
	n, err := p.r.ReadAt(b, off)
	for i := 0; i < n; i++ {
		if pos := off + int64(i); pos < int64(len(p.head)) {
			b[i] = p.head[pos]
		}
	}
	return n, err
}

// checkPageTree refuses a page tree deeper than 64 levels (a tree whose Kids lead back to an
// ancestor is endless: the library would loop forever looking for a page), and stops with
// ErrLimit past four times the page limit in nodes (a tree whose Kids repeat one subtree).
func checkPageTree(v pdf.Value, depth int, nodes *int) error {
	if depth > 64 {
		return errors.New("malformed PDF: the page tree is deeper than 64 levels (it loops)")
	}
	if *nodes++; *nodes > 4*pdfMaxPages {
		return fmt.Errorf("%w: the PDF's page tree has more than %d nodes", model.ErrLimit, 4*pdfMaxPages)
	}
	if v.Key("Type").Name() != "Pages" {
		return nil
	}
	kids := v.Key("Kids")
	for i := 0; i < kids.Len(); i++ {
		if err := checkPageTree(kids.Index(i), depth+1, nodes); err != nil {
			return err
		}
	}
	return nil
}
