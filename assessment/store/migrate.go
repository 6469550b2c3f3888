package store

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations are the schema steps in order; migration i takes the schema
// from version i to version i+1 (PRAGMA user_version). Append new steps at
// the end and never edit a released one.
var migrations = []string{
	// 1: assessments, answers, notes and the append-only event log.
	`
CREATE TABLE assessments (
	id          TEXT PRIMARY KEY,
	name        TEXT NOT NULL,
	system_name TEXT NOT NULL DEFAULT '',
	description TEXT NOT NULL DEFAULT '',
	owner       TEXT NOT NULL DEFAULT '',
	packs       TEXT NOT NULL DEFAULT '[]',
	status      TEXT NOT NULL DEFAULT 'draft',
	archived    INTEGER NOT NULL DEFAULT 0,
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL,
	log_head    TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE answers (
	assessment_id TEXT NOT NULL REFERENCES assessments(id),
	question_id   TEXT NOT NULL,
	value         TEXT NOT NULL,
	updated_at    TEXT NOT NULL,
	PRIMARY KEY (assessment_id, question_id)
) STRICT;

CREATE TABLE notes (
	assessment_id TEXT NOT NULL REFERENCES assessments(id),
	question_id   TEXT NOT NULL,
	text          TEXT NOT NULL,
	updated_at    TEXT NOT NULL,
	PRIMARY KEY (assessment_id, question_id)
) STRICT;

CREATE TABLE events (
	seq           INTEGER PRIMARY KEY AUTOINCREMENT,
	assessment_id TEXT NOT NULL REFERENCES assessments(id),
	at            TEXT NOT NULL,
	actor         TEXT NOT NULL,
	kind          TEXT NOT NULL,
	subject       TEXT NOT NULL,
	old           TEXT NOT NULL,
	new           TEXT NOT NULL,
	prev_hash     TEXT NOT NULL,
	hash          TEXT NOT NULL
) STRICT;

CREATE INDEX events_by_assessment ON events (assessment_id, seq);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
	SELECT RAISE(ABORT, 'events are append-only');
END;

CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
	SELECT RAISE(ABORT, 'events are append-only');
END;
`,
	// 2: evidence files, their detections (masked previews and keyed hashes, never raw
	// values), the full-text index of their text, and workspace settings (the HMAC key).
	`
CREATE TABLE settings (
	name  TEXT PRIMARY KEY,
	value BLOB NOT NULL
) STRICT;

CREATE TABLE evidence_files (
	id            INTEGER PRIMARY KEY,
	assessment_id TEXT NOT NULL REFERENCES assessments(id),
	path          TEXT NOT NULL,
	source        TEXT NOT NULL,
	source_sha256 TEXT NOT NULL DEFAULT '',
	sha256        TEXT NOT NULL DEFAULT '',
	size          INTEGER NOT NULL DEFAULT 0,
	mtime         TEXT NOT NULL DEFAULT '',
	mime          TEXT NOT NULL DEFAULT '',
	kind          TEXT NOT NULL DEFAULT '',
	status        TEXT NOT NULL,
	reason        TEXT NOT NULL DEFAULT '',
	entry         INTEGER NOT NULL DEFAULT 0,
	counts        TEXT NOT NULL DEFAULT '{}',
	indexed_at    TEXT NOT NULL,
	UNIQUE (assessment_id, path)
) STRICT;

CREATE TABLE evidence_detections (
	file_id    INTEGER NOT NULL REFERENCES evidence_files(id) ON DELETE CASCADE,
	type       TEXT NOT NULL,
	line       INTEGER NOT NULL DEFAULT 0,
	page       INTEGER NOT NULL DEFAULT 0,
	sheet      TEXT NOT NULL DEFAULT '',
	row        INTEGER NOT NULL DEFAULT 0,
	col        TEXT NOT NULL DEFAULT '',
	confidence REAL NOT NULL,
	preview    TEXT NOT NULL,
	key        TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX evidence_detections_by_file ON evidence_detections (file_id, type);
CREATE INDEX evidence_detections_by_key ON evidence_detections (key) WHERE key != '';

CREATE VIRTUAL TABLE evidence_text USING fts5(
	text, file_id UNINDEXED, loc UNINDEXED,
	tokenize = 'unicode61 remove_diacritics 2'
);
`,
	// 3: sign-offs: per signed-off version, the signed manifest (the exact bytes signed) and
	// its Ed25519 signature, who signed with which key, the log head and length signed, and
	// the answers, notes and graded result frozen at sign-off (see signoff.go).
	`
CREATE TABLE signoffs (
	assessment_id TEXT NOT NULL REFERENCES assessments(id),
	version       INTEGER NOT NULL,
	signed_at     TEXT NOT NULL,
	signer        TEXT NOT NULL,
	public_key    TEXT NOT NULL,
	log_head      TEXT NOT NULL,
	events        INTEGER NOT NULL,
	manifest      BLOB NOT NULL,
	signature     BLOB NOT NULL,
	answers       TEXT NOT NULL,
	notes         TEXT NOT NULL,
	result        TEXT NOT NULL,
	reports_dir   TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (assessment_id, version)
) STRICT;
`,
	// 4: faster evidence indexing. The index on detection keys goes: no query used it, and as
	// keys are keyed hashes every insert landed on a random page of it. The key column stays
	// (it links one value across files); a query linking by key scans the detections.
	`
DROP INDEX evidence_detections_by_key;
`,
	// 5: faster evidence indexing and search. The full-text index buffers up to 16 MiB of
	// terms in memory before writing a segment (hashsize; the default 1 MiB wrote many small
	// segments that were merged again). Each evidence file records the rowids of its text (a
	// file's chunks are inserted one after the other), so its text is deleted by rowid
	// instead of by scanning all text for its file_id (an UNINDEXED column), and search finds
	// the file of a matching chunk through evidence_files_by_text instead of reading file_id
	// after the chunk's text in the full-text content table. NULL means not known (rows
	// inserted otherwise; deletion then scans), an empty range (1, 0) no text.
	`
INSERT INTO evidence_text (evidence_text, rank) VALUES ('hashsize', 16777216);
ALTER TABLE evidence_files ADD COLUMN text_first INTEGER;
ALTER TABLE evidence_files ADD COLUMN text_last INTEGER;
UPDATE evidence_files SET text_first = r.lo, text_last = r.hi
	FROM (SELECT file_id, min(rowid) AS lo, max(rowid) AS hi FROM evidence_text GROUP BY file_id) AS r
	WHERE r.file_id = evidence_files.id;
UPDATE evidence_files SET text_first = 1, text_last = 0 WHERE text_first IS NULL;
CREATE INDEX evidence_files_by_text ON evidence_files (text_first) WHERE text_first <= text_last;
`,
	// 6: detections stored in blocks (see detections.go): up to 1,024 detections of one file,
	// in file order, per row, as a JSON array of [type, line, page, sheet, row, col,
	// confidence, preview, key]. evidence_detections becomes a view with the same columns
	// plus seq (file order; it replaces the table's rowid), and an INSERT into the view still
	// stores one detection (a block of one). Existing rows move into blocks in their order.
	`
CREATE TABLE evidence_detection_blocks (
	id      INTEGER PRIMARY KEY,
	file_id INTEGER NOT NULL REFERENCES evidence_files(id) ON DELETE CASCADE,
	data    TEXT NOT NULL
) STRICT;
CREATE INDEX evidence_detection_blocks_by_file ON evidence_detection_blocks (file_id);

INSERT INTO evidence_detection_blocks (file_id, data)
	SELECT file_id, json_group_array(json_array(type, line, page, sheet, row, col, confidence, preview, key) ORDER BY r)
	FROM (SELECT *, rowid AS r, (row_number() OVER (PARTITION BY file_id ORDER BY rowid) - 1) / 1024 AS blk
		FROM evidence_detections)
	GROUP BY file_id, blk ORDER BY file_id, blk;
DROP TABLE evidence_detections;

CREATE VIEW evidence_detections (file_id, seq, type, line, page, sheet, row, col, confidence, preview, key) AS
	SELECT b.file_id, b.id * 4096 + d.key, d.value ->> 0, d.value ->> 1, d.value ->> 2, d.value ->> 3,
		d.value ->> 4, d.value ->> 5, d.value ->> 6, d.value ->> 7, d.value ->> 8
	FROM evidence_detection_blocks b, json_each(b.data) d;

CREATE TRIGGER evidence_detections_insert INSTEAD OF INSERT ON evidence_detections BEGIN
	SELECT RAISE(ABORT, 'NOT NULL constraint failed: a detection needs file_id, type, confidence and preview')
		WHERE NEW.file_id IS NULL OR NEW.type IS NULL OR NEW.confidence IS NULL OR NEW.preview IS NULL;
	INSERT INTO evidence_detection_blocks (file_id, data) VALUES (NEW.file_id, json_array(json_array(
		NEW.type, coalesce(NEW.line, 0), coalesce(NEW.page, 0), coalesce(NEW.sheet, ''), coalesce(NEW.row, 0),
		coalesce(NEW.col, ''), NEW.confidence, NEW.preview, coalesce(NEW.key, ''))));
END;
`,
	// 7: the full-text index holds words folded in Go (package evidence/terms), not text.
	// evidence_chunks keeps each chunk's text and location (its id is the chunk's rowid in
	// the index); evidence_words is a contentless FTS5 table of the folded words with the
	// ascii tokenizer, which only splits them on spaces. Folding (what unicode61 with
	// remove_diacritics 2 did in SQLite, on the single writer) now runs on the workers.
	// dpia_words is that folding, registered as an SQL function for this step.
	`
CREATE TABLE evidence_chunks (
	id      INTEGER PRIMARY KEY,
	file_id INTEGER NOT NULL,
	loc     TEXT NOT NULL,
	text    TEXT NOT NULL
) STRICT;
CREATE VIRTUAL TABLE evidence_words USING fts5(words, content = '', contentless_delete = 1, tokenize = 'ascii');
INSERT INTO evidence_words (evidence_words, rank) VALUES ('hashsize', 16777216);
INSERT INTO evidence_chunks (id, file_id, loc, text) SELECT rowid, file_id, loc, text FROM evidence_text ORDER BY rowid;
INSERT INTO evidence_words (rowid, words) SELECT id, dpia_words(text) FROM evidence_chunks ORDER BY id;
DROP TABLE evidence_text;
`,
	// 8: whether a file's text was indexed with its detected values masked (evidence add
	// --redact), so that adding it again with --redact reads a file first indexed without it
	// even though it has not changed.
	`
ALTER TABLE evidence_files ADD COLUMN redacted INTEGER NOT NULL DEFAULT 0;
`,
	// 9: whether an indexed file's text is absent from this workspace: its row was restored
	// from an archive, which carries no text. Search cannot see it, and adding the file again
	// reads it even though it has not changed.
	`
ALTER TABLE evidence_files ADD COLUMN text_absent INTEGER NOT NULL DEFAULT 0;
`,
}

// SchemaVersion returns the schema version (PRAGMA user_version) this
// build creates and understands.
func SchemaVersion() int { return len(migrations) }

// migrate applies pending migrations, each in its own transaction. It reads
// the version again inside each transaction, so two processes opening a new
// workspace at once apply every step exactly once.
func (s *SQLite) migrate(ctx context.Context) error {
	v, err := userVersion(ctx, s.db)
	if err != nil {
		return s.openErr(err)
	}
	if v == 0 {
		// A new workspace database is empty; one with tables but no schema version belongs
		// to another program, and migrating it would mix dpia's tables into it.
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master`).Scan(&n); err != nil {
			return s.openErr(err)
		}
		if n > 0 {
			return fmt.Errorf("open workspace: %s is a SQLite database of another program (it has %d schema objects and no dpia schema version); use another workspace folder", s.path, n)
		}
	}
	if v > 0 && v < len(migrations) && s.upgrading != nil {
		s.upgrading(v, len(migrations))
	}
	for v < len(migrations) {
		if v, err = s.migrateOne(ctx); err != nil {
			return err
		}
	}
	if v > len(migrations) {
		return fmt.Errorf("open workspace %s: schema version %d is newer than this dpia understands (%d); upgrade dpia",
			s.dir, v, len(migrations))
	}
	return nil
}

// migrateOne applies the next pending migration and returns the version
// reached.
func (s *SQLite) migrateOne(ctx context.Context) (int, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, s.fail("migrate workspace", err)
	}
	defer tx.Rollback()
	v, err := userVersion(ctx, tx)
	if err != nil {
		return 0, s.fail("migrate workspace", err)
	}
	if v >= len(migrations) {
		return v, nil
	}
	if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
		return 0, s.fail(fmt.Sprintf("migrate workspace to version %d", v+1), err)
	}
	// PRAGMA takes no bound parameters; v+1 is an int we computed.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v+1)); err != nil {
		return 0, s.fail("migrate workspace", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, s.fail("migrate workspace", err)
	}
	return v + 1, nil
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func userVersion(ctx context.Context, q queryer) (int, error) {
	var v int
	err := q.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}
