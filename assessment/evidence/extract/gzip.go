package extract

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/dpia-tool/dpia/assessment/evidence/model"
)

// WalkGzip calls fn once with the content of the gzip file r (size bytes long), as
// WalkArchive does for a zip entry: rotated logs ("app.log.2.gz") are read like the file they
// hold. The entry is named by the gzip header's file name (its base name, when it is safe),
// else by name without its ".gz" or ".gzip" suffix. Concatenated members are read as one.
//
// The same limits as a zip entry apply, and a gzip file does not declare its uncompressed
// size: reading stops one byte past the smallest of MaxFileBytes, what the tree's budget has
// left, and (past the first MiB) MaxCompressionRatio times the compressed size; an entry that
// reaches it is passed with nil data and an error wrapping model.ErrLimit. A corrupt or
// truncated file is passed with an error too. An error from fn is returned; so is ctx.Err().
func WalkGzip(ctx context.Context, r io.ReaderAt, size int64, name string, lim Limits, budget *Budget, fn func(path string, data []byte, entryErr error) error) error {
	lim = lim.withDefaults()
	if budget == nil {
		budget = NewBudget(lim)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	zr, err := gzip.NewReader(io.NewSectionReader(r, 0, size))
	if err != nil {
		return fmt.Errorf("malformed gzip file: %w", err)
	}
	defer zr.Close()
	entry := gzipEntryName(zr.Name, name)
	var data []byte
	limit, why := lim.MaxFileBytes, fmt.Sprintf("larger than the %s limit", byteSize(lim.MaxFileBytes))
	if left := budget.Remaining(); left < limit {
		limit, why = left, fmt.Sprintf("more than the %s left to this archive", byteSize(left))
	}
	if bomb := max(ratioFloor, size*int64(lim.MaxCompressionRatio)); bomb < limit {
		limit, why = bomb, fmt.Sprintf("compression ratio over the %d:1 limit (possible zip bomb)", lim.MaxCompressionRatio)
	}
	// Count first, then read into a buffer of exactly that size: memory stays at one copy of
	// the content whatever the header's size field says (it can lie; it is not read).
	n, err := countLimited(ctx, zr, limit)
	if err == nil {
		data = make([]byte, n)
		err = readExactly(r, size, data)
	}
	switch {
	case errors.Is(err, errTooLarge):
		return fn(entry, nil, fmt.Errorf("%w: uncompressed content %s", model.ErrLimit, why))
	case err != nil && ctx.Err() != nil:
		return ctx.Err()
	case err != nil:
		return fn(entry, nil, fmt.Errorf("corrupt gzip file: %w", err))
	}
	if !budget.take(int64(len(data))) {
		return fn(entry, nil, fmt.Errorf("%w: archive holds more than %s uncompressed", model.ErrLimit, byteSize(budget.limit)))
	}
	return fn(entry, data, nil)
}

var errTooLarge = errors.New("too large")

// countLimited counts the bytes of r to its end, failing with errTooLarge past limit bytes
// and with ctx.Err() when cancelled.
func countLimited(ctx context.Context, r io.Reader, limit int64) (int64, error) {
	buf := make([]byte, 256<<10)
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		k, err := r.Read(buf)
		if n += int64(k); n > limit {
			return 0, errTooLarge
		}
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return 0, err
		}
	}
}

// readExactly decompresses the gzip file r again into data, which countLimited sized.
func readExactly(r io.ReaderAt, size int64, data []byte) error {
	zr, err := gzip.NewReader(io.NewSectionReader(r, 0, size))
	if err != nil {
		return err
	}
	defer zr.Close()
	_, err = io.ReadFull(zr, data)
	return err
}

// gzipEntryName is the name shown for the content of a gzip file: the header's base name when
// it is a safe name, else the file's own name without its suffix.
func gzipEntryName(header, file string) string {
	if h := path.Base(strings.ReplaceAll(header, `\`, "/")); header != "" && h != "." && h != "/" && h != ".." && unsafeName(h) == "" {
		return entryPath(h)
	}
	if i := strings.LastIndexByte(file, '!'); i >= 0 {
		file = file[i+1:] // an archive entry: its own name
	}
	base := path.Base(strings.ReplaceAll(file, `\`, "/"))
	for _, ext := range []string{".gz", ".GZ", ".gzip", ".tgz"} {
		if s, ok := strings.CutSuffix(base, ext); ok && s != "" {
			if ext == ".tgz" {
				return s + ".tar"
			}
			return entryPath(s)
		}
	}
	return entryPath(base) + ".content"
}
