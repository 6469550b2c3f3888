package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	_ "modernc.org/sqlite"

	"github.com/dpia-tool/dpia/assessment/store"
)

// laughs is a billion-laughs document: anchor a holds ten strings, each later anchor ten
// aliases of the one before, nine levels deep (10^9 strings once expanded).
func laughs(indent string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%sa: &a [%s]\n", indent, strings.TrimSuffix(strings.Repeat(`"lol",`, 10), ","))
	for c := 'b'; c <= 'j'; c++ {
		fmt.Fprintf(&b, "%s%c: &%c [%s]\n", indent, c, c, strings.TrimSuffix(strings.Repeat("*"+string(c-1)+",", 10), ","))
	}
	return b.String()
}

// deep is the nesting depth of the deeply nested files: past the YAML decoder's limit of
// 10,000 levels. (The parser's time grows faster than the depth: 20,000 levels take about
// 0.7 s, 50,000 about 10 s; see docs/security.md.)
const deep = 12_000

func packs() error {
	files := map[string]string{
		"invalid.yaml":        "id: bad\ntitle: [unclosed\nrules:\n  - {id: x\n",
		"nil-items.yaml":      "id: nil\nsections:\n  -\nrules:\n  -\n",
		"billion-laughs.yaml": "id: lol\ntitle: Laughs\njurisdiction: global\nx:\n" + laughs("  ") + "rules: *j\n",
		"deep-nesting.yaml":   "id: deep\ntitle: " + strings.Repeat("[", deep) + strings.Repeat("]", deep) + "\n",
		"deep-maps.yaml":      "id: deep\nrules: " + strings.Repeat("{k: ", deep) + strings.Repeat("}", deep) + "\n",
		"wrong-types.yaml":    "id: [1, 2]\ntitle: {a: b}\nrules: 7\n",
		"nul.yaml":            "id: n\x00ul\ntitle: \"\x00\"\n",
		"invalid-utf8.yaml":   "id: bad\ntitle: \xff\xfe\xfd\njurisdiction: global\n",
	}
	for name, s := range files {
		if err := write("packs", name, []byte(s)); err != nil {
			return err
		}
	}
	return nil
}

func answers() error {
	files := map[string]string{
		"anchors.yaml": "x:\n" + laughs("  ") + "answers:\n  data.sources: *j\n  system.purpose: *j\n",
		"wrong-types.yaml": "system: just a string\npacks: {gdpr: yes}\nanswers:\n  biometric.used: {a: 1}\n" +
			"  data.sources: 5\n  data.scale: [over_1m, under_1k]\nnotes: [1, 2]\n",
		"nul.yaml":          "answers:\n  system.purpose: \"a\x00b\"\n  biometric.used: y\x00es\n",
		"invalid-utf8.yaml": "system:\n  name: \xff\xfe\nanswers:\n  system.purpose: \xc3\x28\n",
		"deep.json":         `{"answers": {"system.purpose": ` + strings.Repeat("[", deep) + strings.Repeat("]", deep) + "}}",
		"not-a-map.yaml":    "- just\n- a\n- list\n",
		"two-docs.yaml":     "answers: {}\n---\nanswers: {}\n",
	}
	for name, s := range files {
		if err := write("answers", name, []byte(s)); err != nil {
			return err
		}
	}
	return nil
}

// workspaces writes workspace folders whose database is not what dpia expects.
func workspaces() error {
	tmp, err := os.MkdirTemp("", "hostile-ws")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	ctx := context.Background()
	st, err := store.Open(ctx, tmp, store.Options{})
	if err != nil {
		return err
	}
	st.Close()
	db, err := sql.Open("sqlite", filepath.Join(tmp, store.DBFile))
	if err != nil {
		return err
	}
	_, err = db.Exec(`INSERT INTO assessments (id, name, created_at, updated_at) VALUES ('a-1', ?, '2000-01-01T00:00:00.000000000Z', '2000-01-01T00:00:00.000000000Z')`,
		strings.Repeat("filler ", 1000))
	if err == nil {
		_, err = db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	}
	db.Close()
	if err != nil {
		return err
	}
	real, err := os.ReadFile(filepath.Join(tmp, store.DBFile))
	if err != nil {
		return err
	}
	// Small databases that are not dpia workspaces (user_version 0, one table of another
	// program), so that these files do not depend on dpia's schema. The second one's table
	// has the name of one of dpia's own.
	tiny, err := sqliteWith(filepath.Join(tmp, "tiny.db"), "other_table")
	if err != nil {
		return err
	}
	foreign, err := sqliteWith(filepath.Join(tmp, "foreign.db"), "notes")
	if err != nil {
		return err
	}
	newer := append([]byte(nil), tiny...)
	newer[60], newer[61], newer[62], newer[63] = 0, 0, 0, 99 // user_version, big-endian, at offset 60
	files := map[string][]byte{
		"not-sqlite/workspace.db":      []byte("this is a text file, not a SQLite database\n"),
		"truncated/workspace.db":       real[:3*4096],
		"header-only/workspace.db":     real[:100],
		"newer/workspace.db":           newer,
		"garbage-wal/workspace.db":     real,
		"foreign-db/workspace.db":      foreign,
		"garbage-wal/workspace.db-wal": noise(16384, 5),
		"db-is-folder/workspace.db/x":  []byte("a folder where the database should be\n"),
	}
	for name, b := range files {
		p := filepath.Join(out, "workspaces", name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// sqliteWith makes a SQLite database holding one table and returns its bytes.
func sqliteWith(path, table string) ([]byte, error) {
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return nil, err
	}
	_, err = db.Exec(`CREATE TABLE ` + table + ` (text TEXT); INSERT INTO ` + table + ` VALUES ('not a dpia table')`)
	db.Close()
	if err != nil {
		return nil, err
	}
	return os.ReadFile(path)
}
