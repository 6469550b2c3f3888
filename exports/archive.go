package exports

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/dpia-tool/dpia/assessment/store"
)

// ArchiveFormat and ArchiveVersion identify a dpia assessment archive in its manifest.
const (
	ArchiveFormat  = "dpia-assessment-archive"
	ArchiveVersion = 1
)

// Limits on archives read, so that a hostile zip cannot exhaust memory. Variables so that
// tests can lower them.
var (
	maxArchiveEntries       = 32
	maxMemberBytes    int64 = 1 << 30 // 1 GiB unpacked per member
	maxArchiveBytes   int64 = 2 << 30 // 2 GiB unpacked in all
)

// Archive members. Every member but the manifest is listed in the manifest with its SHA-256.
const (
	memberManifest   = "manifest.json"
	memberAssessment = "assessment.json"
	memberAnswers    = "answers.json"
	memberNotes      = "notes.json"
	memberEvents     = "events.json"
	memberEvidence   = "evidence.json"
	memberDetections = "detections.json"
	memberPacks      = "packs.json"
	// memberSignOffs holds the sign-off records (signed manifests and signatures); it is
	// written only when there are any, so archives of unsigned assessments are as before.
	memberSignOffs = "signoffs.json"
)

// archiveTime is the fixed modification time of every member, so that the same assessment
// always gives the same archive.
var archiveTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Archive is an assessment with everything needed to restore it in another workspace: the
// store snapshot (answers, notes, the event log with its hashes, evidence metadata and masked
// detections) and the versions of the packs it was graded with.
type Archive struct {
	Snapshot store.Snapshot
	Packs    []PackVersion
}

// PackVersion records a pack and the version of its law, as loaded when the archive was made.
type PackVersion struct {
	Pack      string `json:"pack"`
	Law       string `json:"law,omitempty"`
	Version   string `json:"version,omitempty"`
	CurrentTo string `json:"current_to,omitempty"`
}

// Manifest is manifest.json: what the archive is and the SHA-256 of each other member.
type Manifest struct {
	Format       string         `json:"format"`
	Version      int            `json:"version"`
	AssessmentID string         `json:"assessment_id"`
	Files        []ManifestFile `json:"files"`
}

// ManifestFile is one member listed in the manifest.
type ManifestFile struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// ArchiveError is a refused archive; the message is one sentence naming the problem.
type ArchiveError struct{ Msg string }

// Error returns the sentence.
func (e *ArchiveError) Error() string { return e.Msg }

func refuse(format string, args ...any) error {
	return &ArchiveError{Msg: fmt.Sprintf(format, args...)}
}

// members returns the archive's JSON members in order.
func (a *Archive) members() ([]ManifestFile, [][]byte, error) {
	s := a.Snapshot
	parts := []struct {
		name string
		v    any
	}{
		{memberAssessment, s.Assessment}, {memberAnswers, nonNil(s.Answers)}, {memberNotes, nonNil(s.Notes)},
		{memberEvents, nonNil(s.Events)}, {memberEvidence, nonNil(s.Evidence)},
		{memberDetections, nonNil(s.Detections)}, {memberPacks, nonNil(a.Packs)},
	}
	if len(s.SignOffs) > 0 {
		parts = append(parts, struct {
			name string
			v    any
		}{memberSignOffs, s.SignOffs})
	}
	files := make([]ManifestFile, len(parts))
	data := make([][]byte, len(parts))
	for i, p := range parts {
		b, err := archiveJSON(p.v)
		if err != nil {
			return nil, nil, fmt.Errorf("encode %s: %w", p.name, err)
		}
		sum := sha256.Sum256(b)
		files[i] = ManifestFile{Name: p.name, Size: int64(len(b)), SHA256: hex.EncodeToString(sum[:])}
		data[i] = b
	}
	return files, data, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// archiveJSON is indented JSON without HTML escaping; lists of objects put each object on
// its own lines, so the members diff well.
func archiveJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// WriteArchive writes the archive as a zip: manifest.json first, then the members. Member
// times are fixed and the JSON is canonical, so the same assessment gives the same bytes.
func WriteArchive(w io.Writer, a *Archive) error {
	files, data, err := a.members()
	if err != nil {
		return fmt.Errorf("write archive: %w", err)
	}
	manifest, err := archiveJSON(Manifest{Format: ArchiveFormat, Version: ArchiveVersion,
		AssessmentID: a.Snapshot.Assessment.ID, Files: files})
	if err != nil {
		return fmt.Errorf("write archive: %w", err)
	}
	zw := zip.NewWriter(w)
	put := func(name string, b []byte) error {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: archiveTime})
		if err != nil {
			return err
		}
		_, err = fw.Write(b)
		return err
	}
	if err := put(memberManifest, manifest); err != nil {
		return fmt.Errorf("write archive: %w", err)
	}
	for i, f := range files {
		if err := put(f.Name, data[i]); err != nil {
			return fmt.Errorf("write archive: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("write archive: %w", err)
	}
	return nil
}

// ReadArchive reads and checks an archive: only the known members, each at most once, safe
// names, bounded sizes, every member's SHA-256 equal to the manifest's. A refusal is an
// *ArchiveError naming the member at fault.
func ReadArchive(r io.ReaderAt, size int64) (*Archive, error) {
	zr, err := zip.NewReader(r, size)
	if errors.Is(err, zip.ErrInsecurePath) {
		err = nil // named below, member by member
	}
	if err != nil {
		return nil, refuse("the file is not a zip archive (%v)", err)
	}
	if len(zr.File) > maxArchiveEntries {
		return nil, refuse("the archive has %d members, more than the %d a dpia archive can have; refusing it", len(zr.File), maxArchiveEntries)
	}
	contents, err := readMembers(zr)
	if err != nil {
		return nil, err
	}
	m, err := checkManifest(contents)
	if err != nil {
		return nil, err
	}
	return decodeArchive(contents, m)
}

// readMembers reads every member after checking its name and size.
func readMembers(zr *zip.Reader) (map[string][]byte, error) {
	contents := map[string][]byte{}
	var total int64
	for _, f := range zr.File {
		if err := checkMemberName(f.Name); err != nil {
			return nil, err
		}
		if _, dup := contents[f.Name]; dup {
			return nil, refuse("archive member %s appears twice; refusing it", f.Name)
		}
		if f.UncompressedSize64 > uint64(maxMemberBytes) {
			return nil, refuse("archive member %s unpacks to %d bytes, more than the %d allowed; refusing it", f.Name, f.UncompressedSize64, maxMemberBytes)
		}
		b, err := readMember(f)
		if err != nil {
			return nil, err
		}
		if total += int64(len(b)); total > maxArchiveBytes {
			return nil, refuse("the archive unpacks to more than %d bytes; refusing it", maxArchiveBytes)
		}
		contents[f.Name] = b
	}
	return contents, nil
}

// checkMemberName refuses names that could point outside a folder (zip slip) and names that
// are not members of a dpia archive.
func checkMemberName(name string) error {
	if name == "" || strings.ContainsAny(name, `\:`) || strings.HasPrefix(name, "/") ||
		path.Clean(name) != name || strings.Contains(name, "..") || strings.Contains(name, "/") {
		return refuse("archive member %q has an unsafe name (a path outside the archive); refusing the archive", name)
	}
	known := []string{memberManifest, memberAssessment, memberAnswers, memberNotes, memberEvents,
		memberEvidence, memberDetections, memberPacks, memberSignOffs}
	if !slices.Contains(known, name) {
		return refuse("archive member %q is not part of a dpia archive; refusing the archive", name)
	}
	return nil
}

func readMember(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, refuse("archive member %s cannot be read: %v", f.Name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxMemberBytes+1))
	if err != nil {
		return nil, refuse("archive member %s is damaged: %v", f.Name, err)
	}
	if int64(len(b)) > maxMemberBytes {
		return nil, refuse("archive member %s unpacks to more than %d bytes; refusing it", f.Name, maxMemberBytes)
	}
	return b, nil
}

// checkManifest parses the manifest and checks every member against it.
func checkManifest(contents map[string][]byte) (*Manifest, error) {
	raw, ok := contents[memberManifest]
	if !ok {
		return nil, refuse("the archive has no %s: it is not a dpia archive", memberManifest)
	}
	var m Manifest
	if err := strictJSON(raw, &m); err != nil {
		return nil, refuse("%s is malformed: %v", memberManifest, err)
	}
	if m.Format != ArchiveFormat {
		return nil, refuse("%s names format %q, not %q: it is not a dpia archive", memberManifest, m.Format, ArchiveFormat)
	}
	if m.Version != ArchiveVersion {
		return nil, refuse("the archive has version %d; this dpia reads version %d", m.Version, ArchiveVersion)
	}
	listed := map[string]bool{}
	for _, f := range m.Files {
		b, ok := contents[f.Name]
		if !ok {
			return nil, refuse("archive member %s is listed in %s but missing", f.Name, memberManifest)
		}
		sum := sha256.Sum256(b)
		if hex.EncodeToString(sum[:]) != f.SHA256 || int64(len(b)) != f.Size {
			return nil, refuse("archive member %s does not match its SHA-256 in %s: the archive was altered or damaged", f.Name, memberManifest)
		}
		listed[f.Name] = true
	}
	for name := range contents {
		if name != memberManifest && !listed[name] {
			return nil, refuse("archive member %s is not listed in %s; refusing the archive", name, memberManifest)
		}
	}
	return &m, nil
}

func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

// decodeArchive decodes the members into an Archive.
func decodeArchive(contents map[string][]byte, m *Manifest) (*Archive, error) {
	a := &Archive{}
	s := &a.Snapshot
	parts := []struct {
		name string
		v    any
	}{
		{memberAssessment, &s.Assessment}, {memberAnswers, &s.Answers}, {memberNotes, &s.Notes},
		{memberEvents, &s.Events}, {memberEvidence, &s.Evidence}, {memberDetections, &s.Detections},
		{memberPacks, &a.Packs},
	}
	for _, p := range parts {
		b, ok := contents[p.name]
		if !ok {
			return nil, refuse("the archive has no %s", p.name)
		}
		if err := strictJSON(b, p.v); err != nil {
			return nil, refuse("archive member %s is malformed: %v", p.name, err)
		}
	}
	if b, ok := contents[memberSignOffs]; ok {
		if err := strictJSON(b, &s.SignOffs); err != nil {
			return nil, refuse("archive member %s is malformed: %v", memberSignOffs, err)
		}
	}
	if s.Assessment.ID != m.AssessmentID {
		return nil, refuse("%s names assessment %q but %s holds %q", memberManifest, m.AssessmentID, memberAssessment, s.Assessment.ID)
	}
	return a, nil
}
