package extract

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"

	"github.com/dpia-tool/dpia/assessment/evidence/model"
)

// parquetBatch is how many rows are read at a time.
const parquetBatch = 128

// extractParquet writes a Parquet file as one table: the header is the leaf column paths
// ("address.city"; the "list.element" levels of lists dropped), each row group streamed in
// batches. Values are rendered as text: null (and an empty list) as "", DATE as 2006-01-02,
// TIMESTAMP as RFC 3339 in UTC, and a repeated column as "[v1, v2, …]" so that an embedding
// column of floats is visible to the detectors.
func extractParquet(ctx context.Context, f *file, g *guard, lim Limits) error {
	if err := checkParquetFooter(f); err != nil {
		return err
	}
	pf, err := parquet.OpenFile(f.r, f.size, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return fmt.Errorf("malformed Parquet: %w", err)
	}
	cols := parquetColumns(pf.Schema())
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c.name
	}
	if err := g.TableStart(model.Location{}, header); err != nil {
		return err
	}
	n := 0
	for _, rg := range pf.RowGroups() {
		if err := parquetRowGroup(rg, cols, g, &n); err != nil {
			return err
		}
	}
	return g.TableEnd()
}

// checkParquetFooter checks the footer's length against the file's size before the parser
// reads it: parquet-go allocates the length the file claims (up to 4 GiB) before finding that
// the file is too short, so a hostile file of 20 bytes would cost gigabytes of memory.
func checkParquetFooter(f *file) error {
	const magic = 4
	if f.size < 3*magic {
		return fmt.Errorf("malformed Parquet: %d bytes is too short for a Parquet file", f.size)
	}
	var tail [2 * magic]byte
	if _, err := f.r.ReadAt(tail[:], f.size-int64(len(tail))); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	if m := string(tail[magic:]); m != "PAR1" && m != "PARE" {
		return fmt.Errorf("malformed Parquet: the file does not end with the Parquet magic (%q)", m)
	}
	if n := int64(binary.LittleEndian.Uint32(tail[:magic])); n > f.size-3*magic {
		return fmt.Errorf("malformed Parquet: its footer claims %d bytes, more than the file's %d", n, f.size)
	}
	return nil
}

// parquetRowGroup writes the rows of one row group; n counts rows across groups.
func parquetRowGroup(rg parquet.RowGroup, cols []parquetColumn, g *guard, n *int) error {
	rows := rg.Rows()
	defer rows.Close()
	buf := make([]parquet.Row, parquetBatch)
	for {
		if err := g.tick(); err != nil {
			return err
		}
		k, err := rows.ReadRows(buf)
		for _, row := range buf[:k] {
			*n++
			if err := g.Row(model.Location{Row: *n}, parquetCells(row, cols)); err != nil {
				return err
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("malformed Parquet: row %d: %w", *n+1, err)
		}
	}
}

// parquetColumn describes one leaf column.
type parquetColumn struct {
	name     string
	repeated bool
	render   func(parquet.Value) string
}

// parquetColumns lists the leaf columns of a schema in column order.
func parquetColumns(s *parquet.Schema) []parquetColumn {
	var cols []parquetColumn
	for _, path := range s.Columns() {
		leaf, _ := s.Lookup(path...)
		c := parquetColumn{
			name:     columnName(path),
			repeated: leaf.MaxRepetitionLevel > 0,
			render:   valueString,
		}
		if leaf.Node != nil {
			c.render = renderer(leaf.Node.Type().LogicalType())
		}
		cols = append(cols, c)
	}
	return cols
}

// columnName joins a column path, dropping the inner levels of LIST and MAP columns.
func columnName(path []string) string {
	var keep []string
	for i, p := range path {
		inner := i > 0 && (p == "list" || p == "element" || p == "item" || p == "array" || p == "key_value")
		if !inner {
			keep = append(keep, p)
		}
	}
	if len(keep) == 0 {
		keep = path
	}
	return strings.Join(keep, ".")
}

// parquetCells renders one row as one cell per leaf column.
func parquetCells(row parquet.Row, cols []parquetColumn) []string {
	cells := make([]string, len(cols))
	row.Range(func(i int, vals []parquet.Value) bool {
		if i >= len(cols) {
			return false
		}
		c := cols[i]
		if !c.repeated {
			if len(vals) > 0 && !vals[0].IsNull() {
				cells[i] = c.render(vals[0])
			}
			return true
		}
		var b strings.Builder
		b.WriteByte('[')
		k := 0
		for _, v := range vals {
			if v.IsNull() {
				continue
			}
			if k > 0 {
				b.WriteString(", ")
			}
			b.WriteString(c.render(v))
			k++
		}
		b.WriteByte(']')
		if k > 0 {
			cells[i] = b.String()
		}
		return true
	})
	return cells
}

// renderer picks how values of a logical type are written.
func renderer(lt *format.LogicalType) func(parquet.Value) string {
	if lt == nil {
		return valueString
	}
	switch t := lt.Value.(type) {
	case *format.DateType:
		return func(v parquet.Value) string {
			return time.Unix(int64(v.Int32())*86400, 0).UTC().Format(time.DateOnly)
		}
	case *format.TimestampType:
		conv := time.UnixMilli
		if t.Unit.Value != nil {
			switch t.Unit.Value.Duration() {
			case time.Microsecond:
				conv = time.UnixMicro
			case time.Nanosecond:
				conv = func(n int64) time.Time { return time.Unix(0, n) }
			}
		}
		return func(v parquet.Value) string {
			return conv(v.Int64()).UTC().Format(time.RFC3339Nano)
		}
	}
	return valueString
}

// valueString renders a value as text, with invalid UTF-8 (binary columns) replaced.
func valueString(v parquet.Value) string {
	return strings.ToValidUTF8(v.String(), "\uFFFD")
}
