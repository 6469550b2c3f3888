package exports

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"
	"path"
	"slices"
	"strconv"
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
	// The detections member is streamed, never held in memory: it may be larger (a
	// gigabyte of dense evidence gives about 3 GB of it) but not absurdly so, and it must not
	// unpack to more than maxDetectionsRatio times its packed size (a zip bomb does).
	maxDetectionsBytes int64 = 256 << 30
	maxDetectionsRatio int64 = 200
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
	// Detections, when set, streams the detections instead of Snapshot.Detections (as
	// store.SnapshotWith gives them, and as ReadArchive reads them: from the zip member, on
	// each call, so the reader given to ReadArchive must stay open while it is used).
	Detections store.DetectionIter
}

// EachDetection calls yield with each detection of the archive, in order.
func (a *Archive) EachDetection(yield func(store.SnapshotDetection) error) error {
	if a.Detections != nil {
		return a.Detections(yield)
	}
	for _, d := range a.Snapshot.Detections {
		if err := yield(d); err != nil {
			return err
		}
	}
	return nil
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
		{memberDetections, nil}, {memberPacks, nonNil(a.Packs)},
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
		if p.name == memberDetections { // streamed: hashed here, written by WriteArchive
			h := &hashCounter{h: sha256.New()}
			if err := a.writeDetections(h); err != nil {
				return nil, nil, fmt.Errorf("encode %s: %w", p.name, err)
			}
			files[i] = ManifestFile{Name: p.name, Size: h.n, SHA256: hex.EncodeToString(h.h.Sum(nil))}
			continue
		}
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

// hashCounter hashes and counts what is written to it.
type hashCounter struct {
	h hash.Hash
	n int64
}

func (c *hashCounter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return c.h.Write(p)
}

// writeDetections writes the detections member: the bytes archiveJSON gives for the list
// (indented by one space, no HTML escaping), one detection at a time.
func (a *Archive) writeDetections(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var buf []byte
	n := 0
	err := a.EachDetection(func(d store.SnapshotDetection) error {
		sep := ",\n "
		if n == 0 {
			sep = "[\n "
		}
		n++
		var err error
		if buf, err = appendDetectionJSON(append(buf[:0], sep...), d); err != nil {
			return err
		}
		_, err = bw.Write(buf)
		return err
	})
	if err != nil {
		return err
	}
	if n == 0 {
		bw.WriteString("[]\n")
	} else {
		bw.WriteString("\n]\n")
	}
	return bw.Flush()
}

// appendDetectionJSON appends d as encoding/json writes it as an element of the archive's
// indented list (checked against encoding/json by TestDetectionJSON and FuzzDetectionJSON):
// reflection and re-indenting were most of the time of exporting millions of detections.
func appendDetectionJSON(b []byte, d store.SnapshotDetection) ([]byte, error) {
	b = append(b, "{\n  \"file\": "...)
	b = store.AppendJSONString(b, d.File)
	b = append(b, ",\n  \"type\": "...)
	b = store.AppendJSONString(b, d.Type)
	b = append(b, ",\n  \"line\": "...)
	b = strconv.AppendInt(b, d.Line, 10)
	b = append(b, ",\n  \"page\": "...)
	b = strconv.AppendInt(b, d.Page, 10)
	b = append(b, ",\n  \"sheet\": "...)
	b = store.AppendJSONString(b, d.Sheet)
	b = append(b, ",\n  \"row\": "...)
	b = strconv.AppendInt(b, d.Row, 10)
	b = append(b, ",\n  \"col\": "...)
	b = store.AppendJSONString(b, d.Col)
	b = append(b, ",\n  \"confidence\": "...)
	f := d.Confidence
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("detection confidence %v cannot be written as JSON", f)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if n := len(b); format == 'e' && n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
		b[n-2] = b[n-1] // e-07 → e-7, as encoding/json writes it
		b = b[:n-1]
	}
	b = append(b, ",\n  \"preview\": "...)
	b = store.AppendJSONString(b, d.Preview)
	b = append(b, ",\n  \"key\": "...)
	b = store.AppendJSONString(b, d.Key)
	return append(b, "\n }"...), nil
}

// putDetections streams the detections member into the zip, checking that it is the member
// the manifest lists (the source is read twice, in one read transaction).
func (a *Archive) putDetections(zw *zip.Writer, f ManifestFile) error {
	fw, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: archiveTime})
	if err != nil {
		return err
	}
	h := &hashCounter{h: sha256.New()}
	if err := a.writeDetections(io.MultiWriter(fw, h)); err != nil {
		return err
	}
	if h.n != f.Size || hex.EncodeToString(h.h.Sum(nil)) != f.SHA256 {
		return fmt.Errorf("the detections changed while the archive was written")
	}
	return nil
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
		if f.Name == memberDetections {
			if err := a.putDetections(zw, f); err != nil {
				return fmt.Errorf("write archive: %w", err)
			}
			continue
		}
		if err := put(f.Name, data[i]); err != nil {
			return fmt.Errorf("write archive: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("write archive: %w", err)
	}
	return nil
}

// ReadArchive reads and checks an archive (the detections are checked here and streamed from
// r when used: keep r open while the archive is used): only the known members, each at most once, safe
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
	contents, dets, err := readMembers(zr)
	if err != nil {
		return nil, err
	}
	m, err := checkManifest(contents, dets)
	if err != nil {
		return nil, err
	}
	if dets == nil {
		return nil, refuse("the archive has no %s", memberDetections)
	}
	a, err := decodeArchive(contents, m)
	if err != nil {
		return nil, err
	}
	{
		want := manifestEntry(m, memberDetections)
		a.Detections = func(yield func(store.SnapshotDetection) error) error { return streamDetections(dets, want, yield) }
	}
	return a, nil
}

func manifestEntry(m *Manifest, name string) ManifestFile {
	for _, f := range m.Files {
		if f.Name == name {
			return f
		}
	}
	return ManifestFile{}
}

// hashMember hashes a member as it unpacks, refusing one that unpacks to more than limit.
func hashMember(f *zip.File, limit int64) (ManifestFile, error) {
	rc, err := f.Open()
	if err != nil {
		return ManifestFile{}, refuse("archive member %s cannot be read: %v", f.Name, err)
	}
	defer rc.Close()
	h := &hashCounter{h: sha256.New()}
	if _, err := io.Copy(h, io.LimitReader(rc, limit+1)); err != nil {
		return ManifestFile{}, refuse("archive member %s is damaged: %v", f.Name, err)
	}
	if h.n > limit {
		return ManifestFile{}, refuse("archive member %s unpacks to more than %d bytes; refusing it", f.Name, limit)
	}
	return ManifestFile{Name: f.Name, Size: h.n, SHA256: hex.EncodeToString(h.h.Sum(nil))}, nil
}

// streamDetections decodes the detections member one detection at a time (unknown fields
// refused, as everywhere in an archive), hashing it again on the way: a member that no
// longer matches the manifest is refused, and the caller's transaction rolls back.
func streamDetections(f *zip.File, want ManifestFile, yield func(store.SnapshotDetection) error) error {
	rc, err := f.Open()
	if err != nil {
		return refuse("archive member %s cannot be read: %v", f.Name, err)
	}
	defer rc.Close()
	h := &hashCounter{h: sha256.New()}
	tee := io.TeeReader(io.LimitReader(rc, want.Size+1), h) // hashes what the decoder reads
	dec := json.NewDecoder(tee)
	dec.DisallowUnknownFields()
	malformed := func(err error) error { return refuse("archive member %s is malformed: %v", f.Name, err) }
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return malformed(fmt.Errorf("not a JSON list (%v)", err))
	}
	for n := 1; dec.More(); n++ {
		var d store.SnapshotDetection
		if err := dec.Decode(&d); err != nil {
			return malformed(fmt.Errorf("detection %d: %w", n, err))
		}
		if err := yield(d); err != nil {
			return err
		}
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim(']') {
		return malformed(fmt.Errorf("the list does not end (%v)", err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return malformed(errors.New("unexpected data after the JSON value"))
	}
	if _, err := io.Copy(io.Discard, tee); err != nil { // what the decoder has not read yet
		return refuse("archive member %s is damaged: %v", f.Name, err)
	}
	if h.n != want.Size || hex.EncodeToString(h.h.Sum(nil)) != want.SHA256 {
		return refuse("archive member %s does not match its SHA-256 in %s: the archive was altered or damaged", f.Name, memberManifest)
	}
	return nil
}

// readMembers reads every member after checking its name and size, except the detections,
// which are only checked here and streamed later.
func readMembers(zr *zip.Reader) (map[string][]byte, *zip.File, error) {
	contents := map[string][]byte{}
	var dets *zip.File
	var total int64
	for _, f := range zr.File {
		if err := checkMemberName(f.Name); err != nil {
			return nil, nil, err
		}
		if _, dup := contents[f.Name]; dup || f.Name == memberDetections && dets != nil {
			return nil, nil, refuse("archive member %s appears twice; refusing it", f.Name)
		}
		if f.Name == memberDetections {
			if f.UncompressedSize64 > uint64(maxDetectionsBytes) {
				return nil, nil, refuse("archive member %s unpacks to %d bytes, more than the %d allowed; refusing it", f.Name, f.UncompressedSize64, maxDetectionsBytes)
			}
			if f.UncompressedSize64 > uint64(maxMemberBytes) && f.UncompressedSize64/max(f.CompressedSize64, 1) > uint64(maxDetectionsRatio) {
				return nil, nil, refuse("archive member %s unpacks to %d times its packed size (a zip bomb?); refusing it", f.Name, f.UncompressedSize64/max(f.CompressedSize64, 1))
			}
			dets = f
			continue
		}
		if f.UncompressedSize64 > uint64(maxMemberBytes) {
			return nil, nil, refuse("archive member %s unpacks to %d bytes, more than the %d allowed; refusing it", f.Name, f.UncompressedSize64, maxMemberBytes)
		}
		b, err := readMember(f)
		if err != nil {
			return nil, nil, err
		}
		if total += int64(len(b)); total > maxArchiveBytes {
			return nil, nil, refuse("the archive unpacks to more than %d bytes; refusing it", maxArchiveBytes)
		}
		contents[f.Name] = b
	}
	return contents, dets, nil
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

// checkManifest parses the manifest and checks every member against it (the detections by
// hashing them as they unpack).
func checkManifest(contents map[string][]byte, dets *zip.File) (*Manifest, error) {
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
		if f.Name == memberDetections && dets != nil {
			got, err := hashMember(dets, maxDetectionsBytes)
			if err != nil {
				return nil, err
			}
			if got.SHA256 != f.SHA256 || got.Size != f.Size {
				return nil, refuse("archive member %s does not match its SHA-256 in %s: the archive was altered or damaged", f.Name, memberManifest)
			}
			listed[f.Name] = true
			continue
		}
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
	if dets != nil && !listed[memberDetections] {
		return nil, refuse("archive member %s is not listed in %s; refusing the archive", memberDetections, memberManifest)
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
		{memberEvents, &s.Events}, {memberEvidence, &s.Evidence}, {memberPacks, &a.Packs},
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
