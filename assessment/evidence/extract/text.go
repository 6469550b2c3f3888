package extract

import (
	"context"
	"errors"
	"io"
	"strings"

	"github.com/dpia-tool/dpia/assessment/evidence/model"
)

// extractText writes a text or log file line by line: Text(Location{Line}, line) for every
// line that is not blank. A line longer than MaxCellBytes comes out in several pieces with the
// same line number.
func extractText(ctx context.Context, f *file, g *guard, lim Limits) error {
	r, _, err := openText(f)
	if err != nil {
		return err
	}
	return emitLines(newLineReader(r, lim.MaxCellBytes), g)
}

// emitLines writes every non-blank line of lr as Text.
func emitLines(lr *lineReader, g *guard) error {
	for {
		line, n, err := lr.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if n%1000 == 0 {
			if err := g.tick(); err != nil {
				return err
			}
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		if err := g.validText(model.Location{Line: n}, line); err != nil { // lineReader made it valid
			return err
		}
	}
}
