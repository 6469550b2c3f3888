package evidence

import (
	"context"
	"errors"
	"io/fs"
	"os"
)

// Verification states of an evidence file.
const (
	VerifyOK      = "ok"
	VerifyChanged = "changed"
	VerifyMissing = "missing"
	// VerifyUnhashed is a file that was not read when it was added (a symlink leading outside
	// the evidence root, a file unreadable then): there is no hash to compare, and it is not
	// read now either.
	VerifyUnhashed = "unhashed"
)

// VerifyItem is the state of one evidence file compared with what was indexed.
type VerifyItem struct {
	Path   string `json:"path"`
	Status string `json:"status"`
	Detail string `json:"detail,omitempty"`
}

// Verify re-hashes every evidence file (for archive entries, the archive) and reports which
// are unchanged, changed or missing (or were never hashed).
func (ix *Index) Verify(ctx context.Context, id string) ([]VerifyItem, error) {
	files, err := ix.Files(ctx, id)
	if err != nil {
		return nil, err
	}
	hashes := map[string]string{}
	errs := map[string]error{}
	var out []VerifyItem
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		if f.SourceHash == "" {
			out = append(out, VerifyItem{Path: f.Path, Status: VerifyUnhashed, Detail: "not read when added: " + f.Reason})
			continue
		}
		if _, done := hashes[f.Source]; !done && errs[f.Source] == nil {
			hashes[f.Source], errs[f.Source] = hashPath(ctx, f.Source)
		}
		item := VerifyItem{Path: f.Path, Status: VerifyOK}
		switch err := errs[f.Source]; {
		case errors.Is(err, fs.ErrNotExist):
			item.Status, item.Detail = VerifyMissing, "no longer at "+f.Source
		case err != nil:
			item.Status, item.Detail = VerifyMissing, "unreadable: "+errText(err)
		case f.SourceHash != "" && hashes[f.Source] != f.SourceHash:
			item.Status, item.Detail = VerifyChanged, "SHA-256 was "+short(f.SourceHash)+", now "+short(hashes[f.Source])
		}
		out = append(out, item)
	}
	return out, nil
}

func hashPath(ctx context.Context, path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	return hashFile(ctx, f)
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12] + "…"
	}
	return h
}
