package evidence

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/dpia-tool/dpia/assessment/store"
)

// KindPurge is the event kind recorded when evidence is purged; Subject is the path given,
// Old the JSON list of the paths purged.
const KindPurge = "evidence_purge"

// ErrCompact reports that purged rows are gone from the tables but the database could not be
// compacted, so their bytes may still be in the database files.
var ErrCompact = errors.New("the database could not be compacted")

// PurgeReport sums up a purge.
type PurgeReport struct {
	Files       int   // evidence files removed (0 when only compacting again)
	BytesBefore int64 // size of the database and its write-ahead log before compacting
	BytesAfter  int64 // and after
}

// Purge removes evidence from an assessment so that its bytes are gone from the workspace:
// the file with that path, or every file under it when the path is a folder or an archive,
// with their detections and indexed text, in one transaction that also records a KindPurge
// event. It then compacts the database: it merges the full-text index (so no segment keeps
// the deleted terms), checkpoints and truncates the write-ahead log, and rebuilds the
// database file with VACUUM (temporary data in memory, not in a temporary file).
//
// Purging a path that an earlier purge of the assessment already removed only compacts
// again, so a purge whose compaction failed (another process holding the workspace open) can
// be finished later. An unknown path is an error naming it. When compaction fails, the rows
// are already gone and the error wraps ErrCompact.
func (ix *Index) Purge(ctx context.Context, id, path, actor string) (PurgeReport, error) {
	path = strings.TrimSuffix(path, "/")
	var rep PurgeReport
	err := ix.st.Write(ctx, "purge evidence", func(tx *sql.Tx) error {
		ids, paths, err := matchingFiles(ctx, tx, id, path)
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			var n int
			err := tx.QueryRowContext(ctx, `SELECT count(*) FROM events WHERE assessment_id = ? AND kind = ? AND subject = ?`,
				id, KindPurge, path).Scan(&n)
			if err != nil {
				return err
			}
			if n == 0 {
				return fmt.Errorf("no evidence file or folder %q in assessment %s (see 'dpia evidence list')", path, id)
			}
			return nil // purged before: compact again
		}
		if err := deleteFiles(ctx, tx, ids); err != nil {
			return err
		}
		rep.Files = len(ids)
		purged, _ := json.Marshal(paths)
		return ix.st.AppendEvent(ctx, tx, id, actor, KindPurge, path, string(purged), "")
	})
	if err != nil {
		return rep, err
	}
	rep.BytesBefore = ix.dbBytes()
	if err := ix.Compact(ctx); err != nil {
		return rep, err
	}
	rep.BytesAfter = ix.dbBytes()
	return rep, nil
}

// matchingFiles returns the ids and paths of the files at path, under it (a folder) or inside
// it (an archive's entries).
func matchingFiles(ctx context.Context, tx *sql.Tx, id, path string) ([]int64, []string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, path FROM evidence_files
		WHERE assessment_id = ? AND (path = ? OR substr(path, 1, ?) = ? OR substr(path, 1, ?) = ?)
		ORDER BY path`, id, path, len(path)+1, path+"/", len(path)+1, path+"!")
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var ids []int64
	var paths []string
	for rows.Next() {
		var fid int64
		var p string
		if err := rows.Scan(&fid, &p); err != nil {
			return nil, nil, err
		}
		ids, paths = append(ids, fid), append(paths, p)
	}
	return ids, paths, rows.Err()
}

// Compact rewrites the workspace database so that deleted evidence leaves no bytes behind:
// FTS5 'optimize' (one merged segment, deleted entries dropped), a TRUNCATE checkpoint,
// VACUUM with temporary data in memory, and a second TRUNCATE checkpoint so the write-ahead
// log is empty. It fails, wrapping ErrCompact, when another connection keeps the log in use.
func (ix *Index) Compact(ctx context.Context) error {
	conn, err := ix.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrCompact, err)
	}
	defer conn.Close()
	steps := []string{
		`INSERT INTO evidence_words(evidence_words) VALUES('optimize')`,
		`PRAGMA wal_checkpoint(TRUNCATE)`,
		`PRAGMA temp_store = MEMORY`,
		`VACUUM`,
		`PRAGMA wal_checkpoint(TRUNCATE)`,
	}
	for _, q := range steps {
		if strings.HasPrefix(q, "PRAGMA wal_checkpoint") {
			if err := checkpoint(ctx, conn, q); err != nil {
				return err
			}
			continue
		}
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%w (%s): %v", ErrCompact, strings.Fields(q)[0], err)
		}
	}
	return nil
}

// checkpoint runs a TRUNCATE checkpoint; SQLite reports busy = 1 when a reader or writer in
// another connection kept it from finishing.
func checkpoint(ctx context.Context, conn *sql.Conn, q string) error {
	var busy, logFrames, done int
	if err := conn.QueryRowContext(ctx, q).Scan(&busy, &logFrames, &done); err != nil {
		return fmt.Errorf("%w (checkpoint): %v", ErrCompact, err)
	}
	if busy != 0 {
		return fmt.Errorf("%w: another dpia process has the workspace open; close it and purge again", ErrCompact)
	}
	return nil
}

// dbBytes is the size of the database file and its write-ahead log.
func (ix *Index) dbBytes() int64 {
	var n int64
	for _, suffix := range []string{"", "-wal"} {
		if st, err := os.Stat(ix.dbPath() + suffix); err == nil {
			n += st.Size()
		}
	}
	return n
}

func (ix *Index) dbPath() string { return filepath.Join(ix.st.Dir(), store.DBFile) }
