package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/dpia-tool/dpia/assessment/store"
	"github.com/dpia-tool/dpia/exports"
	q "github.com/dpia-tool/dpia/questionnaires"
)

// exportArchive writes an assessment's archive (see exports.WriteArchive) to path, atomically.
func (s *session) exportArchive(ctx context.Context, as store.Assessment, path string) error {
	// The detections are streamed from the snapshot's read transaction, never all in memory.
	return s.st.SnapshotWith(ctx, as.ID, func(snap store.Snapshot, each store.DetectionIter) error {
		arch := &exports.Archive{Snapshot: snap, Packs: packVersions(s.set), Detections: each}
		return exports.WriteFileAtomic(path, 0o600, func(w io.Writer) error { return exports.WriteArchive(w, arch) })
	})
}

// isArchive reports whether a file is a zip archive: by its .zip name or its first bytes.
func isArchive(path string) bool {
	if strings.EqualFold(filepath.Ext(path), ".zip") {
		return true
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var magic [4]byte
	n, _ := io.ReadFull(f, magic[:])
	return n == 4 && bytes.Equal(magic[:], []byte("PK\x03\x04"))
}

// importArchive restores an archived assessment into the workspace under its own id, then
// prints the id. It warns on standard error when a pack's law version differs from the one
// the archive was made with.
func (a *app) importArchive(ctx context.Context, s *session, path string) error {
	arch, done, err := readArchiveFile(path)
	if err != nil {
		return err
	}
	defer done()
	id := arch.Snapshot.Assessment.ID
	if err := s.st.RestoreWith(ctx, arch.Snapshot, arch.EachDetection); err != nil {
		if errors.Is(err, store.ErrExists) {
			return fmt.Errorf("assessment %s from %s already exists in this workspace; an archive keeps its assessment id "+
				"(the event log's hashes cover it), so import it into another workspace, or copy the answers with "+
				"'dpia export %s | dpia import -'", id, path, id)
		}
		return fmt.Errorf("restore %s: %w", path, err)
	}
	for _, w := range packDrift(arch.Packs, packVersions(s.set)) {
		fmt.Fprintln(a.stderr, "dpia: note: "+w)
	}
	fmt.Fprintln(a.stdout, id)
	return nil
}

// packVersions lists the loaded packs with their law versions, by pack id.
func packVersions(set *q.Set) []exports.PackVersion {
	out := make([]exports.PackVersion, 0, len(set.Packs))
	for _, p := range set.Packs {
		out = append(out, exports.PackVersion{Pack: p.ID.Value, Law: p.Law.ID.Value,
			Version: p.Law.Version.Value, CurrentTo: p.Law.CurrentTo.Value})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Pack < out[j].Pack })
	return out
}

// packDrift describes the packs whose law version or date differs between an archive and
// this workspace: grading here may then differ from grading where the archive was made.
func packDrift(archived, here []exports.PackVersion) []string {
	now := map[string]exports.PackVersion{}
	for _, p := range here {
		now[p.Pack] = p
	}
	var out []string
	for _, p := range archived {
		h, ok := now[p.Pack]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("pack %s was used when the archive was made but is not loaded here", p.Pack))
		case h.Version != p.Version || h.CurrentTo != p.CurrentTo:
			out = append(out, fmt.Sprintf("pack %s is %q (current to %s) here but was %q (current to %s) in the archive; grades may differ",
				p.Pack, h.Version, h.CurrentTo, p.Version, p.CurrentTo))
		}
	}
	return out
}

// readArchiveFile opens and reads an archive (see exports.ReadArchive). A file that cannot be
// opened is an error naming it; an archive ReadArchive refuses is an error wrapping its
// *exports.ArchiveError, which names the member at fault. The file stays open for the
// archive's detections, which are streamed from it: call done when finished with it.
func readArchiveFile(path string) (arch *exports.Archive, done func(), err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("open archive %s: %w", path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("open archive %s: %w", path, err)
	}
	arch, err = exports.ReadArchive(f, st.Size())
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("archive %s refused: %w", path, err)
	}
	return arch, func() { f.Close() }, nil
}
