package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tidwall/gjson"
	"modernc.org/sqlite"

	"github.com/dpia-tool/dpia/assessment/evidence/terms"
)

// Detections are stored in blocks (schema migration 6): one row of evidence_detection_blocks
// holds up to DetectionsPerBlock detections of one file, in file order, as a JSON array of
// arrays [type, line, page, sheet, row, col, confidence, preview, key]. The view
// evidence_detections reads them back one row per detection, with seq giving file order.
//
// One row per detection made the single database writer spend most of its time on a dense
// sample in per-row work (binding ten values, a B-tree insert and an index insert for each of
// some 13,000 detections per MB); a block is encoded by the caller, off the writer, and
// written as one row.
const DetectionsPerBlock = 1024

// DetectionBlocks encodes detections into blocks. The zero value is ready to use.
type DetectionBlocks struct {
	blocks [][]byte
	n      int // detections in the last block
}

// Add appends one detection.
func (b *DetectionBlocks) Add(d Detection) {
	if len(b.blocks) == 0 || b.n == DetectionsPerBlock {
		b.blocks = append(b.blocks, append(make([]byte, 0, 64*1024), '['))
		b.n = 0
	}
	buf := b.blocks[len(b.blocks)-1]
	if b.n > 0 {
		buf = append(buf, ',')
	}
	buf = append(buf, '[')
	buf = AppendJSONString(buf, d.Type)
	buf = append(buf, ',')
	buf = strconv.AppendInt(buf, d.Line, 10)
	buf = append(buf, ',')
	buf = strconv.AppendInt(buf, d.Page, 10)
	buf = append(buf, ',')
	buf = AppendJSONString(buf, d.Sheet)
	buf = append(buf, ',')
	buf = strconv.AppendInt(buf, d.Row, 10)
	buf = append(buf, ',')
	buf = AppendJSONString(buf, d.Col)
	buf = append(buf, ',')
	confidence := d.Confidence
	if math.IsNaN(confidence) || math.IsInf(confidence, 0) {
		confidence = 0
	}
	buf = strconv.AppendFloat(buf, confidence, 'g', -1, 64)
	buf = append(buf, ',')
	buf = AppendJSONString(buf, d.Preview)
	buf = append(buf, ',')
	buf = AppendJSONString(buf, d.Key)
	buf = append(buf, ']')
	b.blocks[len(b.blocks)-1] = buf
	b.n++
}

// Blocks returns the encoded blocks (JSON arrays).
func (b *DetectionBlocks) Blocks() [][]byte {
	out := make([][]byte, len(b.blocks))
	for i, blk := range b.blocks {
		out[i] = append(blk[:len(blk):len(blk)], ']') // a copy: the last block may still grow
	}
	return out
}

// full reports whether more than one block is held, so all but the last are complete.
func (b *DetectionBlocks) full() bool { return len(b.blocks) > 1 }

// drop forgets the first n blocks (already stored).
func (b *DetectionBlocks) drop(n int) {
	if n >= len(b.blocks) {
		b.blocks, b.n = nil, 0
		return
	}
	b.blocks = append(b.blocks[:0], b.blocks[n:]...)
}

// InsertDetectionBlocks stores encoded blocks of one evidence file, in order.
func InsertDetectionBlocks(ctx context.Context, tx *sql.Tx, fileID int64, blocks [][]byte) error {
	for _, blk := range blocks {
		if _, err := tx.ExecContext(ctx, `INSERT INTO evidence_detection_blocks (file_id, data) VALUES (?, ?)`,
			fileID, string(blk)); err != nil {
			return err
		}
	}
	return nil
}

// AppendJSONString appends s quoted as encoding/json does without HTML escaping: short
// escapes for \b \f \n \r \t, \u00XX for other control bytes, U+FFFD for invalid UTF-8,
// and U+2028 and U+2029 escaped.
func AppendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// dpia_words(text) folds text into the words of the full-text index (package terms); schema
// migration 7 uses it to fill evidence_words from the text it already had.
func init() {
	err := sqlite.RegisterDeterministicScalarFunction("dpia_words", 1,
		func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			switch v := args[0].(type) {
			case string:
				return string(terms.Append(nil, v)), nil
			case []byte:
				return string(terms.Append(nil, string(v))), nil
			}
			return "", nil
		})
	if err != nil {
		panic(err) // only if registered twice: a programming error
	}
}

// Detection is one stored detection (masked: never the value itself).
type Detection struct {
	Type       string  `json:"type"`
	Line       int64   `json:"line"`
	Page       int64   `json:"page"`
	Sheet      string  `json:"sheet"`
	Row        int64   `json:"row"`
	Col        string  `json:"col"`
	Confidence float64 `json:"confidence"`
	Preview    string  `json:"preview"`
	Key        string  `json:"key"`
}

// FileDetections calls fn with each stored detection of one evidence file, in file order,
// until fn returns false. It reads the file's blocks in order and decodes them in Go:
// ordering the evidence_detections view by seq makes SQLite sort every detection first.
func FileDetections(ctx context.Context, q Querier, fileID int64, fn func(Detection) bool) error {
	rows, err := q.QueryContext(ctx, `SELECT id, data FROM evidence_detection_blocks WHERE file_id = ? ORDER BY id`, fileID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var data string
		if err := rows.Scan(&id, &data); err != nil {
			return err
		}
		more, err := decodeBlock(data, fn)
		if err != nil {
			return fmt.Errorf("detection block %d of evidence file %d: %w", id, fileID, err)
		}
		if !more {
			return nil
		}
	}
	return rows.Err()
}

// AssessmentDetections calls yield with every stored detection of an assessment's evidence
// files, by file path and in file order, until yield returns an error (which it returns).
// One file's blocks are decoded at a time.
func AssessmentDetections(ctx context.Context, q Querier, id string, yield func(path string, d Detection) error) error {
	type file struct {
		id   int64
		path string
	}
	var files []file
	rows, err := q.QueryContext(ctx, `SELECT id, path FROM evidence_files WHERE assessment_id = ? ORDER BY path`, id)
	if err != nil {
		return err
	}
	for rows.Next() {
		var f file
		if err := rows.Scan(&f.id, &f.path); err != nil {
			rows.Close()
			return err
		}
		files = append(files, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, f := range files {
		var yerr error
		err := FileDetections(ctx, q, f.id, func(d Detection) bool {
			yerr = yield(f.path, d)
			return yerr == nil
		})
		if yerr != nil {
			return yerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// decodeBlock calls fn with each detection of a block; false when fn asked to stop.
func decodeBlock(data string, fn func(Detection) bool) (bool, error) {
	if !gjson.Valid(data) {
		return false, errors.New("not valid JSON")
	}
	block := gjson.Parse(data)
	if !block.IsArray() {
		return false, errors.New("not a JSON array")
	}
	more := true
	block.ForEach(func(_, v gjson.Result) bool {
		var d Detection
		i := 0
		v.ForEach(func(_, f gjson.Result) bool {
			switch i {
			case 0:
				d.Type = f.String()
			case 1:
				d.Line = f.Int()
			case 2:
				d.Page = f.Int()
			case 3:
				d.Sheet = f.String()
			case 4:
				d.Row = f.Int()
			case 5:
				d.Col = f.String()
			case 6:
				d.Confidence = f.Float()
			case 7:
				d.Preview = f.String()
			case 8:
				d.Key = f.String()
			}
			i++
			return true
		})
		// gjson's strings point into data; a kept detection must not keep its whole block.
		d.Type, d.Sheet, d.Col = strings.Clone(d.Type), strings.Clone(d.Sheet), strings.Clone(d.Col)
		d.Preview, d.Key = strings.Clone(d.Preview), strings.Clone(d.Key)
		more = fn(d)
		return more
	})
	return more, nil
}
