package extract

import (
	"context"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/dpia-tool/dpia/assessment/evidence/model"
)

// xlsxXMLInMemory is the largest worksheet or shared-string part excelize keeps in memory;
// larger parts are unpacked to a temporary file and streamed from there.
const xlsxXMLInMemory = 16 << 20

// extractXLSX writes every sheet of a workbook (hidden ones too) as a table with the sheet's
// name in Location.Sheet, streaming rows with excelize's Rows iterator. The first non-empty
// row is the header when it looks like one; Location.Row is the sheet row number counted from
// the header (or from the top when there is none), so gaps are kept. Blank rows are skipped.
// The author fields of the document properties follow as Text with Column "creator" and
// "lastModifiedBy".
func extractXLSX(ctx context.Context, f *file, g *guard, lim Limits) error {
	wb, err := excelize.OpenReader(f.reader(), excelize.Options{
		UnzipSizeLimit:    lim.MaxArchiveTotal,
		UnzipXMLSizeLimit: min(xlsxXMLInMemory, lim.MaxArchiveTotal),
	})
	if err != nil {
		return fmt.Errorf("malformed XLSX: %w", err)
	}
	defer wb.Close()
	for _, sheet := range wb.GetSheetList() {
		if err := xlsxSheet(wb, sheet, g); err != nil {
			return err
		}
	}
	props, err := wb.GetDocProps()
	if err != nil {
		return nil // the sheets were read; a broken docProps/core.xml loses only the authors
	}
	for _, p := range [][2]string{{"creator", props.Creator}, {"lastModifiedBy", props.LastModifiedBy}} {
		if s := strings.TrimSpace(p[1]); s != "" {
			if err := g.Text(model.Location{Column: p[0]}, s); err != nil {
				return err
			}
		}
	}
	return nil
}

// xlsxSheet writes one sheet as a table.
func xlsxSheet(wb *excelize.File, sheet string, g *guard) error {
	rows, err := wb.Rows(sheet)
	if err != nil {
		return fmt.Errorf("malformed XLSX: sheet %q: %w", sheet, err)
	}
	defer rows.Close()
	started, base := false, 0
	for n := 1; rows.Next(); n++ {
		if n%1000 == 0 {
			if err := g.tick(); err != nil {
				return err
			}
		}
		cells, err := rows.Columns()
		if err != nil {
			return fmt.Errorf("malformed XLSX: sheet %q row %d: %w", sheet, n, err)
		}
		if blank(cells) {
			continue
		}
		if !started {
			started = true
			if looksHeader(cells) {
				base = n
				if err := g.TableStart(model.Location{Sheet: sheet}, cells); err != nil {
					return err
				}
				continue
			}
			if err := g.TableStart(model.Location{Sheet: sheet}, nil); err != nil {
				return err
			}
		}
		if err := g.Row(model.Location{Sheet: sheet, Row: n - base}, cells); err != nil {
			return err
		}
	}
	if err := rows.Error(); err != nil {
		return fmt.Errorf("malformed XLSX: sheet %q: %w", sheet, err)
	}
	if !started {
		return nil
	}
	return g.TableEnd()
}

// blank tells whether every cell is empty or white space.
func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
