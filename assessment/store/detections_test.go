package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

type detRow = Detection

// TestDetectionBlocksRoundTrip writes detections through DetectionBlocks and reads them back
// through the evidence_detections view: every field, in order, across block boundaries, with
// strings JSON must escape.
func TestDetectionBlocksRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	fileID := testEvidenceFile(t, s)
	odd := []struct{ name, in, want string }{
		{"plain", "u***@e***.kz", "u***@e***.kz"},
		{"quote and backslash", `a"b\c`, `a"b\c`},
		{"controls", "tab\there\nnew\x00nul\x1f", "tab\there\nnew\x00nul\x1f"},
		{"cyrillic", "Иванов И.", "Иванов И."},
		{"invalid utf-8", "a\xffb", "a\ufffdb"},
		{"line separator", "x\u2028y", "x\u2028y"},
		{"empty", "", ""},
	}
	var in []detRow
	for i := range 2500 {
		o := odd[i%len(odd)]
		in = append(in, detRow{Type: "email", Line: int64(i + 1), Page: int64(i % 3), Sheet: o.in,
			Row: int64(i * 2), Col: o.in, Confidence: 0.25 + float64(i%4)/8, Preview: o.in, Key: fmt.Sprintf("k%04d", i)})
	}
	var b DetectionBlocks
	for _, d := range in {
		b.Add(d)
	}
	blocks := b.Blocks()
	if len(blocks) != 3 {
		t.Fatalf("%d blocks for 2,500 detections, want 3", len(blocks))
	}
	for i, blk := range blocks {
		if !json.Valid(blk) {
			t.Fatalf("block %d is not valid JSON", i)
		}
	}
	err := s.Write(ctx, "test", func(tx *sql.Tx) error { return InsertDetectionBlocks(ctx, tx, fileID, blocks) })
	if err != nil {
		t.Fatal(err)
	}
	got := readDetections(t, s.DB(), fileID)
	if len(got) != len(in) {
		t.Fatalf("read %d detections, want %d", len(got), len(in))
	}
	var decoded []detRow // the same blocks decoded in Go
	if err := FileDetections(ctx, s.DB(), fileID, func(d Detection) bool { decoded = append(decoded, d); return true }); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(decoded, got) {
		t.Fatal("FileDetections decodes the blocks differently from SQLite")
	}
	for i, g := range got {
		want := in[i]
		o := odd[i%len(odd)]
		want.Sheet, want.Col, want.Preview = o.want, o.want, o.want
		if g != want {
			t.Fatalf("detection %d (%s) = %+v, want %+v", i, o.name, g, want)
		}
	}
}

// TestDetectionViewInsert: an INSERT into the view stores one detection with defaults, and
// one missing a required value fails as the table's NOT NULL did.
func TestDetectionViewInsert(t *testing.T) {
	s := openTest(t, t.TempDir())
	fileID := testEvidenceFile(t, s)
	mustExec(t, s.DB(), `INSERT INTO evidence_detections (file_id, type, line, confidence, preview) VALUES (?, 'kz_iin', 3, 1, '9001******23')`, fileID)
	got := readDetections(t, s.DB(), fileID)
	want := []detRow{{Type: "kz_iin", Line: 3, Confidence: 1, Preview: "9001******23"}}
	if len(got) != 1 || got[0] != want[0] {
		t.Fatalf("read %+v, want %+v", got, want)
	}
	_, err := s.DB().Exec(`INSERT INTO evidence_detections (file_id, type, confidence) VALUES (?, 'email', 1)`, fileID)
	if err == nil || !strings.Contains(err.Error(), "NOT NULL") {
		t.Fatalf("insert without preview: err = %v, want NOT NULL failure", err)
	}
	// Deleting the file deletes its blocks (foreign key cascade).
	mustExec(t, s.DB(), `DELETE FROM evidence_files WHERE id = ?`, fileID)
	var n int
	if err := s.DB().QueryRow(`SELECT count(*) FROM evidence_detection_blocks`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("blocks left after deleting the file: %d, %v", n, err)
	}
}

func testEvidenceFile(t *testing.T, s *SQLite) int64 {
	t.Helper()
	mustExec(t, s.DB(), `INSERT INTO assessments (id, name, created_at, updated_at) VALUES ('a-1', 'x', 't', 't')`)
	res, err := s.DB().Exec(`INSERT INTO evidence_files (assessment_id, path, source, status, indexed_at)
		VALUES ('a-1', 'f.csv', 'src', 'indexed', 't')`)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := res.LastInsertId()
	return id
}

func readDetections(t *testing.T, db *sql.DB, fileID int64) []detRow {
	t.Helper()
	rows, err := db.Query(`SELECT type, line, page, sheet, row, col, confidence, preview, key
		FROM evidence_detections WHERE file_id = ? ORDER BY seq`, fileID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []detRow
	for rows.Next() {
		var d detRow
		if err := rows.Scan(&d.Type, &d.Line, &d.Page, &d.Sheet, &d.Row, &d.Col, &d.Confidence, &d.Preview, &d.Key); err != nil {
			t.Fatal(err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestFileDetections reads blocks in Go as the view reads them, stops when asked, and names a
// block that is not JSON.
func TestFileDetections(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, t.TempDir())
	fileID := testEvidenceFile(t, s)
	var b DetectionBlocks
	for i := range 3000 {
		b.Add(Detection{Type: "kz_iin", Line: int64(i + 1), Confidence: 1, Preview: fmt.Sprintf("9001******%02d", i%100), Key: fmt.Sprintf("k%d", i)})
	}
	if err := s.Write(ctx, "test", func(tx *sql.Tx) error { return InsertDetectionBlocks(ctx, tx, fileID, b.Blocks()) }); err != nil {
		t.Fatal(err)
	}
	view := readDetections(t, s.DB(), fileID)
	var got []detRow
	err := FileDetections(ctx, s.DB(), fileID, func(d Detection) bool {
		got = append(got, d)
		return true
	})
	if err != nil || !slices.Equal(got, view) {
		t.Fatalf("FileDetections read %d detections (%v), the view %d, or they differ", len(got), err, len(view))
	}
	n := 0
	if err := FileDetections(ctx, s.DB(), fileID, func(Detection) bool { n++; return n < 5 }); err != nil || n != 5 {
		t.Fatalf("stopping after 5: read %d, %v", n, err)
	}
	mustExec(t, s.DB(), `UPDATE evidence_detection_blocks SET data = '[["kz_iin", 1' WHERE id = (SELECT max(id) FROM evidence_detection_blocks)`)
	err = FileDetections(ctx, s.DB(), fileID, func(Detection) bool { return true })
	if err == nil || !strings.Contains(err.Error(), "not valid JSON") || !strings.Contains(err.Error(), "detection block") {
		t.Fatalf("corrupt block: err = %v", err)
	}
}

// FuzzDetectionBlock: any strings survive encoding and decoding (invalid UTF-8 as U+FFFD),
// and decoding arbitrary bytes as a block never panics.
func FuzzDetectionBlock(f *testing.F) {
	f.Add("email", "u***@e***.kz", "Sheet 1", "col \"x\"", "k1", int64(3), 0.95)
	f.Add("kz_iin", "9001\x00**\xff", "", "\u2028", "", int64(-1), 1.0)
	f.Fuzz(func(t *testing.T, typ, preview, sheet, col, key string, line int64, conf float64) {
		var b DetectionBlocks
		b.Add(Detection{Type: typ, Line: line, Page: line / 2, Sheet: sheet, Row: line * 3, Col: col, Confidence: conf, Preview: preview, Key: key})
		blocks := b.Blocks()
		var got []Detection
		for _, blk := range blocks {
			if _, err := decodeBlock(string(blk), func(d Detection) bool { got = append(got, d); return true }); err != nil {
				t.Fatalf("decode %q: %v", blk, err)
			}
		}
		if math.IsNaN(conf) || math.IsInf(conf, 0) { // stored as 0
			conf = 0
		}
		valid := func(s string) string { return string([]rune(s)) } // each invalid byte as U+FFFD
		want := Detection{Type: valid(typ), Line: line, Page: line / 2, Sheet: valid(sheet), Row: line * 3,
			Col: valid(col), Confidence: conf, Preview: valid(preview), Key: valid(key)}
		if len(got) != 1 || got[0] != want {
			t.Fatalf("round trip: got %+v, want %+v", got, want)
		}
		// Arbitrary text as a block: an error or detections, never a panic.
		_, _ = decodeBlock(preview, func(Detection) bool { return true })
	})
}
