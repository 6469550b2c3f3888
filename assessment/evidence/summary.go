// Package evidence indexes and searches evidence files.
package evidence

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/dpia-tool/dpia/assessment/store"
)

// Summary is the evidence summary the grading engine reads: detection counts by type over
// every evidence file of the assessment. It needs no key, so it works on a read-only workspace.
func Summary(ctx context.Context, st *store.SQLite, id string) (map[string]int, error) {
	rows, err := st.DB().QueryContext(ctx, `SELECT counts FROM evidence_files WHERE assessment_id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("read evidence summary: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var text string
		if err := rows.Scan(&text); err != nil {
			return nil, err
		}
		var c map[string]int
		if err := json.Unmarshal([]byte(text), &c); err != nil {
			return nil, fmt.Errorf("read evidence summary: %w", err)
		}
		for t, n := range c {
			out[t] += n
		}
	}
	return out, rows.Err()
}
