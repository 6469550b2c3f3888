package extract

import (
	"archive/zip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"unicode/utf8"

	"github.com/dpia-tool/dpia/assessment/evidence/model"
)

// ratioFloor is the size below which an entry's compression ratio is not checked: small
// files of repeated bytes compress far better than 100:1 and are harmless.
const ratioFloor = 1 << 20

// Budget is the number of uncompressed bytes left to one archive tree: the outer archive and
// every archive nested in it share one Budget. It is meant for one goroutine.
type Budget struct {
	left  int64
	limit int64
}

// NewBudget returns a full budget of lim.MaxArchiveTotal bytes.
func NewBudget(lim Limits) *Budget {
	lim = lim.withDefaults()
	return &Budget{left: lim.MaxArchiveTotal, limit: lim.MaxArchiveTotal}
}

// Remaining tells how many uncompressed bytes are left.
func (b *Budget) Remaining() int64 { return b.left }

// take spends n bytes; false when fewer are left.
func (b *Budget) take(n int64) bool {
	if n > b.left {
		return false
	}
	b.left -= n
	return true
}

// WalkArchive calls fn for every regular file in the zip archive r (size bytes long), in the
// order of its central directory, with the entry's path and content. Directories are left
// out; nested archives are passed to fn like any file (the caller recurses, sharing budget).
//
// An entry that breaks a limit, has an unsafe name (absolute, with "..", or with a NUL), is a
// symbolic link, is encrypted or is corrupt is passed with nil data and a non-nil entryErr
// giving the reason (wrapping model.ErrLimit for limits), so the caller can report it as
// skipped. Whole-archive problems end the walk: more than MaxArchiveEntries entries, or the
// tree's MaxArchiveTotal spent (errors wrapping model.ErrLimit), or an archive that is not a
// zip. An error from fn ends the walk and is returned; so is ctx.Err().
func WalkArchive(ctx context.Context, r io.ReaderAt, size int64, lim Limits, budget *Budget, fn func(path string, data []byte, entryErr error) error) error {
	lim = lim.withDefaults()
	if budget == nil {
		budget = NewBudget(lim)
	}
	if n, ok := zipEntryCount(r, size); ok && n > uint64(lim.MaxArchiveEntries) {
		return entriesErr(n, lim)
	}
	zr, err := openZip(r, size)
	if err != nil {
		return fmt.Errorf("malformed zip archive: %w", err)
	}
	if len(zr.File) > lim.MaxArchiveEntries {
		return entriesErr(uint64(len(zr.File)), lim)
	}
	for _, zf := range zr.File {
		if err := ctx.Err(); err != nil {
			return err
		}
		if zf.FileInfo().IsDir() || strings.HasSuffix(zf.Name, "/") {
			continue
		}
		data, entryErr := readEntry(zf, size, lim, budget)
		if errors.Is(entryErr, errBudget) {
			return fmt.Errorf("%w: archive holds more than %s uncompressed", model.ErrLimit, byteSize(budget.limit))
		}
		if err := fn(entryPath(zf.Name), data, entryErr); err != nil {
			return err
		}
	}
	return nil
}

// openZip opens a zip archive; unsafe entry names (which archive/zip may flag with
// ErrInsecurePath) are not an error here: each such entry is refused on its own.
func openZip(r io.ReaderAt, size int64) (*zip.Reader, error) {
	zr, err := zip.NewReader(r, size)
	if errors.Is(err, zip.ErrInsecurePath) && zr != nil {
		return zr, nil
	}
	return zr, err
}

func entriesErr(n uint64, lim Limits) error {
	return fmt.Errorf("%w: archive has %d entries, more than the %d allowed", model.ErrLimit, n, lim.MaxArchiveEntries)
}

// errBudget marks an entry that does not fit the tree's remaining budget.
var errBudget = errors.New("archive budget spent")

// readEntry checks one entry and reads it into memory.
func readEntry(zf *zip.File, archiveSize int64, lim Limits, budget *Budget) ([]byte, error) {
	if reason := unsafeName(zf.Name); reason != "" {
		return nil, fmt.Errorf("rejected entry name: %s", reason)
	}
	mode := zf.Mode()
	switch {
	case mode&fs.ModeSymlink != 0:
		return nil, errors.New("symbolic link not followed")
	case !mode.IsRegular():
		return nil, fmt.Errorf("not a regular file (%s)", mode.Type())
	case int64(zf.CompressedSize64) > archiveSize:
		return nil, errors.New("corrupt entry: compressed size exceeds the archive")
	}
	if err := checkEntry(zf, lim); err != nil {
		return nil, err
	}
	if !budget.take(int64(zf.UncompressedSize64)) {
		return nil, errBudget
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, fmt.Errorf("corrupt entry: %w", err)
	}
	defer rc.Close()
	data := make([]byte, zf.UncompressedSize64)
	if _, err := io.ReadFull(rc, data); err != nil {
		return nil, fmt.Errorf("corrupt entry: %w", err)
	}
	// Reading one byte more makes archive/zip verify the CRC and the declared size.
	if _, err := rc.Read(make([]byte, 1)); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("corrupt entry: %w", err)
	}
	return data, nil
}

// checkEntry applies the per-entry limits that need no reading: size, compression ratio and
// encryption.
func checkEntry(zf *zip.File, lim Limits) error {
	u, c := zf.UncompressedSize64, zf.CompressedSize64
	switch {
	case zf.Flags&0x1 != 0:
		return errors.New("encrypted entry")
	case u > uint64(lim.MaxFileBytes):
		return fmt.Errorf("%w: entry is larger than the %s limit", model.ErrLimit, byteSize(lim.MaxFileBytes))
	case u >= ratioFloor && (c == 0 || u/c > uint64(lim.MaxCompressionRatio)):
		return fmt.Errorf("%w: compression ratio %d:1 exceeds the %d:1 limit (possible zip bomb)",
			model.ErrLimit, u/max(c, 1), lim.MaxCompressionRatio)
	}
	return nil
}

// unsafeName tells why an entry name may not be used, or "" when it is safe.
func unsafeName(name string) string {
	switch {
	case strings.ContainsRune(name, 0):
		return "contains a NUL byte"
	case strings.HasPrefix(name, "/"), strings.HasPrefix(name, `\`),
		len(name) >= 2 && name[1] == ':' && isLetter(name[0]):
		return "absolute path"
	}
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return r == '/' || r == '\\' }) {
		if part == ".." {
			return `contains ".."`
		}
	}
	return ""
}

func isLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }

// entryPath is the name shown for an entry: valid UTF-8 with NUL bytes made visible.
func entryPath(name string) string {
	if !utf8.ValidString(name) {
		name = strings.ToValidUTF8(name, "\uFFFD")
	}
	return strings.ReplaceAll(name, "\x00", `\x00`)
}

// zipEntryCount reads the entry count from a zip's end of central directory record (and its
// zip64 form), so that an archive with millions of entries is refused before archive/zip
// allocates a header for each of them.
func zipEntryCount(r io.ReaderAt, size int64) (uint64, bool) {
	const eocdLen, maxComment = 22, 65535
	tail := min(size, eocdLen+maxComment)
	buf := make([]byte, tail)
	if _, err := r.ReadAt(buf, size-tail); err != nil && !errors.Is(err, io.EOF) {
		return 0, false
	}
	i := strings.LastIndex(string(buf), "PK\x05\x06")
	if i < 0 || len(buf)-i < eocdLen {
		return 0, false
	}
	n := uint64(binary.LittleEndian.Uint16(buf[i+10:]))
	if n != 0xFFFF || i < 20 || string(buf[i-20:i-16]) != "PK\x06\x07" {
		return n, true
	}
	off := int64(binary.LittleEndian.Uint64(buf[i-20+8:]))
	rec := make([]byte, 56)
	if off < 0 || off > size-56 {
		return 0, false
	}
	if _, err := r.ReadAt(rec, off); err != nil || string(rec[:4]) != "PK\x06\x06" {
		return 0, false
	}
	return binary.LittleEndian.Uint64(rec[32:]), true
}
