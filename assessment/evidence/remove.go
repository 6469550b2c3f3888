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
		ids, paths, err := matchingFiles(ctx, tx, id, path)
		if err != nil {
			return err
		}
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
