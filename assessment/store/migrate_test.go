package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
)

// TestEvidenceMigrationsKeepRows builds a workspace at schema version 3 (as released builds
// left it), and ones at versions 4 and 5, holding evidence files, detections and indexed text,
// opens each with this build, and checks that migrations 4 to 7 kept every row (detections in
// their order, now in blocks; text with its words in the new full-text index), dropped only
// the key index, recorded each file's text rowids and set the full-text options.
func TestEvidenceMigrationsKeepRows(t *testing.T) {
	for _, from := range []int{3, 4, 5} {
		t.Run(fmt.Sprintf("from%d", from), func(t *testing.T) { testEvidenceMigrations(t, from) })
	}
}

func testEvidenceMigrations(t *testing.T, from int) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, DBFile)
	db, err := sql.Open("sqlite", dsn(path, 0, 4096))
	if err != nil {
		t.Fatal(err)
	}
	for v, m := range migrations[:from] {
		mustExec(t, db, m)
		mustExec(t, db, fmt.Sprintf("PRAGMA user_version = %d", v+1))
	}
	mustExec(t, db, `INSERT INTO assessments (id, name, created_at, updated_at) VALUES ('a-1', 'old', 't', 't')`)
	for f := 1; f <= 3; f++ {
		mustExec(t, db, `INSERT INTO evidence_files (id, assessment_id, path, source, status, indexed_at)
			VALUES (?, 'a-1', ?, 'src', 'indexed', 't')`, f, fmt.Sprintf("f%d.txt", f))
		for d := range 50 {
			mustExec(t, db, `INSERT INTO evidence_detections (file_id, type, line, confidence, preview, key)
				VALUES (?, 'email', ?, 0.9, 'a***@e***.kz', ?)`, f, d+1, fmt.Sprintf("key%d", d%7))
		}
		mustExec(t, db, `INSERT INTO evidence_text (text, file_id, loc) VALUES (?, ?, '{}')`,
			fmt.Sprintf("договор номер %d поставка", f), f)
	}
	mustExec(t, db, `INSERT INTO evidence_files (id, assessment_id, path, source, status, indexed_at)
		VALUES (4, 'a-1', 'empty.txt', 'src', 'skipped', 't')`)
	if from >= 5 { // migration 5 ran: files record their text rowids, as the indexer writes them
		mustExec(t, db, `UPDATE evidence_files SET text_first = id, text_last = id WHERE id <= 3`)
		mustExec(t, db, `UPDATE evidence_files SET text_first = 1, text_last = 0 WHERE id = 4`)
	}
	db.Close()

	var upgraded [][2]int
	s, err := Open(ctx, dir, Options{Upgrading: func(from, to int) { upgraded = append(upgraded, [2]int{from, to}) }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if len(upgraded) != 1 || upgraded[0] != [2]int{from, SchemaVersion()} {
		t.Errorf("Upgrading called with %v, want once with [%d %d]", upgraded, from, SchemaVersion())
	}
	if v, err := userVersion(ctx, s.DB()); err != nil || v != SchemaVersion() || v < 5 {
		t.Fatalf("user_version = %d, %v; want %d", v, err, SchemaVersion())
	}
	for _, c := range []struct {
		q    string
		want int
	}{
		{`SELECT count(*) FROM evidence_files`, 4},
		// Each file's text rowids are recorded; a file without text gets the empty range.
		{`SELECT count(*) FROM evidence_files f WHERE text_first = text_last
			AND (SELECT file_id FROM evidence_chunks WHERE id = f.text_first) = f.id`, 3},
		{`SELECT count(*) FROM evidence_files WHERE id = 4 AND text_first = 1 AND text_last = 0`, 1},
		{`SELECT count(*) FROM evidence_detections`, 150},
		{`SELECT count(*) FROM evidence_detections WHERE key = 'key3'`, 21},
		// Migration 7: the text moved to evidence_chunks, its folded words to evidence_words.
		{`SELECT count(*) FROM evidence_chunks`, 3},
		{`SELECT count(*) FROM evidence_chunks WHERE text LIKE 'договор номер _ поставка' AND loc = '{}'`, 3},
		{`SELECT count(*) FROM evidence_words WHERE evidence_words MATCH '"поставка"'`, 3},
		{`SELECT count(*) FROM evidence_words WHERE evidence_words MATCH '"договор номер 2"'`, 1},
		{`SELECT count(*) FROM evidence_words w JOIN evidence_chunks c ON c.id = w.rowid
			WHERE evidence_words MATCH '"номер 3"' AND c.file_id = 3`, 1},
		{`SELECT count(*) FROM sqlite_master WHERE name = 'evidence_text'`, 0},
		{`SELECT count(*) FROM sqlite_master WHERE name = 'evidence_detections_by_key'`, 0},
		{`SELECT count(*) FROM sqlite_master WHERE name = 'evidence_detections_by_file'`, 0},
		{`SELECT count(*) FROM evidence_detection_blocks`, 3},
		// File order survives: line d+1 was inserted d-th.
		{`SELECT count(*) FROM (SELECT line, seq, lag(line) OVER (PARTITION BY file_id ORDER BY seq) AS prev
			FROM evidence_detections) WHERE prev IS NOT NULL AND line != prev + 1`, 0},
		{`SELECT sum(line) FROM evidence_detections WHERE file_id = 2 AND preview = 'a***@e***.kz' AND confidence = 0.9`, 50 * 51 / 2},
		{`SELECT count(*) FROM sqlite_master WHERE name = 'evidence_files_by_text'`, 1},
	} {
		var n int
		if err := s.DB().QueryRow(c.q).Scan(&n); err != nil {
			t.Fatalf("%s: %v", c.q, err)
		} else if n != c.want {
			t.Errorf("%s = %d, want %d", c.q, n, c.want)
		}
	}
	var hash int
	if err := s.DB().QueryRow(`SELECT v FROM evidence_words_config WHERE k = 'hashsize'`).Scan(&hash); err != nil || hash != 16<<20 {
		t.Errorf("hashsize = %d, %v; want %d", hash, err, 16<<20)
	}
	if err := s.DB().QueryRow(`PRAGMA integrity_check`).Scan(new(string)); err != nil {
		t.Fatal(err)
	}
	mustExec(t, s.DB(), `INSERT INTO evidence_words(evidence_words) VALUES ('integrity-check')`)
}
