package evidence

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
)

// Remove takes evidence out of an assessment: the file with that path, or every file under it
// when the path is a folder or an archive (its entries). Its detections and indexed text go
// with it, and the removal is recorded in the event log. It returns how many files were
// removed; removing nothing is an error naming the path.
func (ix *Index) Remove(ctx context.Context, id, path, actor string) (int, error) {
	path = strings.TrimSuffix(path, "/")
	var n int
	err := ix.st.Write(ctx, "remove evidence", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, path FROM evidence_files
			WHERE assessment_id = ? AND (path = ? OR substr(path, 1, ?) = ? OR substr(path, 1, ?) = ?)`,
			id, path, len(path)+1, path+"/", len(path)+1, path+"!")
		if err != nil {
			return err
		}
		var ids []int64
		var paths []string
		for rows.Next() {
			var fid int64
			var p string
			if err := rows.Scan(&fid, &p); err != nil {
				rows.Close()
				return err
			}
			ids, paths = append(ids, fid), append(paths, p)
		}
		rows.Close()
		if len(ids) == 0 {
			return fmt.Errorf("no evidence file or folder %q in assessment %s (see 'dpia evidence list')", path, id)
		}
		if err := deleteFiles(ctx, tx, ids); err != nil {
			return err
		}
		n = len(ids)
		removed, _ := json.Marshal(paths)
		return ix.st.AppendEvent(ctx, tx, id, actor, "evidence_remove", path, string(removed), "")
	})
	return n, err
}
