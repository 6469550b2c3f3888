package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/dpia-tool/dpia/assessment/evidence"
	"github.com/dpia-tool/dpia/assessment/signoff"
	"github.com/dpia-tool/dpia/assessment/store"
	q "github.com/dpia-tool/dpia/questionnaires"
	"github.com/dpia-tool/dpia/tui"
	"github.com/dpia-tool/dpia/tui/demo"
)

// fullBackend is the TUI's backend over a workspace: the core (answers, grading, log) from
// tui.WorkspaceBackend, plus evidence indexing and search, report export, and review and
// sign-off.
type fullBackend struct {
	*tui.WorkspaceBackend
	s *session
	// packFiles reads the pack files a sign-off grades with and hashes ((*app).packFiles);
	// nil: sign-off is refused.
	packFiles func() (base, user []q.NamedFile, err error)
}

var (
	_ tui.Backend         = (*fullBackend)(nil)
	_ tui.EvidenceBackend = (*fullBackend)(nil)
	_ tui.ExportBackend   = (*fullBackend)(nil)
	_ tui.ReviewBackend   = (*fullBackend)(nil)
)

// tuiBackend is the interface's backend over an open workspace, with the app's pack files for
// signing off.
func (a *app) tuiBackend(s *session) *fullBackend {
	b := s.backend()
	b.packFiles = a.packFiles
	return b
}

// backend builds the interface's backend over an open workspace.
func (s *session) backend() *fullBackend {
	b := tui.NewWorkspaceBackend(s.st, s.set, actor())
	b.EvidenceSummary = func(ctx context.Context, id string) (map[string]int, error) {
		return evidence.Summary(ctx, s.st, id)
	}
	b.DemoHook = s.buildDemoEvidence
	return &fullBackend{WorkspaceBackend: b, s: s}
}

// index opens the workspace's evidence index (once per session).
func (s *session) index(ctx context.Context) (*evidence.Index, error) {
	if s.ix != nil {
		return s.ix, nil
	}
	ix, err := evidence.OpenIndex(ctx, s.st)
	if err != nil {
		return nil, err
	}
	s.ix = ix
	return ix, nil
}

// buildDemoEvidence writes the synthetic demo samples into the workspace's samples folder and
// indexes them as the demo assessment's evidence.
func (s *session) buildDemoEvidence(ctx context.Context, id string) error {
	dir := filepath.Join(s.st.Dir(), "samples")
	if _, err := demo.WriteSamples(dir); err != nil {
		return err
	}
	ix, err := s.index(ctx)
	if err != nil {
		return err
	}
	_, err = ix.Add(ctx, id, []string{dir}, actor(), evidence.AddOptions{})
	return err
}

// Add indexes paths as evidence, reporting progress without blocking.
// A signed-off assessment is reopened as a new version first: its signed manifest names the
// evidence.
func (b *fullBackend) Add(ctx context.Context, id string, paths []string, progress func(tui.Progress)) error {
	ix, err := b.s.index(ctx)
	if err != nil {
		return err
	}
	if _, err := b.s.st.Reopen(ctx, id, actor()); err != nil {
		return err
	}
	_, err = ix.Add(ctx, id, paths, actor(), evidence.AddOptions{Progress: func(p evidence.Progress) {
		if progress != nil {
			progress(tui.Progress{FilesDone: p.FilesDone, FilesTotal: p.FilesTotal, Bytes: p.Bytes, MBps: p.MBps,
				Current: p.Current, Detections: p.Detections, Done: p.Done})
		}
	}})
	return err
}

// Files lists the assessment's evidence files.
func (b *fullBackend) Files(ctx context.Context, id string) ([]tui.EvidenceFile, error) {
	ix, err := b.s.index(ctx)
	if err != nil {
		return nil, err
	}
	files, err := ix.Files(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]tui.EvidenceFile, 0, len(files))
	for _, f := range files {
		out = append(out, tui.EvidenceFile{Path: f.Path, SHA256: f.SHA256, Size: f.Size, MIME: f.Mime,
			Status: f.Status, Reason: f.Reason, Counts: f.Detections, TextAbsent: f.TextAbsent})
	}
	return out, nil
}

// Detections lists one file's detections. Raw values are never stored, so even when reveal is
// asked for, the value shown is the masked preview; search with reveal shows the text itself.
func (b *fullBackend) Detections(ctx context.Context, id, path string, reveal bool) ([]tui.Detection, error) {
	ix, err := b.s.index(ctx)
	if err != nil {
		return nil, err
	}
	ds, err := ix.Detections(ctx, id, path, 1000)
	if err != nil {
		return nil, err
	}
	out := make([]tui.Detection, 0, len(ds))
	for _, d := range ds {
		l := d.Loc
		out = append(out, tui.Detection{Type: d.Type, Location: locText(l.Line, l.Page, l.Sheet, l.Row, l.Column), Value: d.Preview})
	}
	return out, nil
}

// Search runs a full-text search over the assessment's evidence.
func (b *fullBackend) Search(ctx context.Context, id string, q tui.SearchQuery) ([]tui.SearchHit, error) {
	ix, err := b.s.index(ctx)
	if err != nil {
		return nil, err
	}
	hits, err := ix.Search(ctx, id, evidence.Query{Text: q.Text, Types: q.Types, Reveal: q.Reveal, Limit: q.Limit})
	if err != nil {
		return nil, err
	}
	out := make([]tui.SearchHit, 0, len(hits))
	for _, h := range hits {
		segs := make([]tui.Segment, len(h.Segments))
		for i, sg := range h.Segments {
			segs[i] = tui.Segment{Text: sg.Text, Match: sg.Match}
		}
		l := h.Loc
		out = append(out, tui.SearchHit{Path: h.Path, Where: locText(l.Line, l.Page, l.Sheet, l.Row, l.Column), Types: h.Types, Segments: segs})
	}
	return out, nil
}

// Verify re-hashes the evidence files.
func (b *fullBackend) Verify(ctx context.Context, id string) ([]tui.EvidenceFile, error) {
	ix, err := b.s.index(ctx)
	if err != nil {
		return nil, err
	}
	items, err := ix.Verify(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]tui.EvidenceFile, 0, len(items))
	for _, it := range items {
		out = append(out, tui.EvidenceFile{Path: it.Path, Status: it.Status, Reason: it.Detail})
	}
	return out, nil
}

// Links lists the values detected in more than one evidence file (at most 200).
func (b *fullBackend) Links(ctx context.Context, id string) ([]tui.EvidenceLink, error) {
	ix, err := b.s.index(ctx)
	if err != nil {
		return nil, err
	}
	links, err := ix.Links(ctx, id, evidence.LinkQuery{Limit: 200})
	if err != nil {
		return nil, err
	}
	out := make([]tui.EvidenceLink, 0, len(links))
	for _, l := range links {
		out = append(out, tui.EvidenceLink{Type: l.Type, Value: l.Preview, Occurrences: l.Occurrences, Files: l.Files})
	}
	return out, nil
}

// Export writes a report of the assessment, atomically.
func (b *fullBackend) Export(ctx context.Context, id, format, path string) error {
	return b.s.writeReportFile(ctx, id, format, path)
}

// Review returns the review state of an assessment's current version: status, decisions (and
// those a sign-off still needs), sign-offs, and the key a sign-off would use.
func (b *fullBackend) Review(ctx context.Context, id string) (tui.ReviewState, error) {
	st := b.s.st
	as, err := b.s.assessment(ctx, id)
	if err != nil {
		return tui.ReviewState{}, err
	}
	out := tui.ReviewState{Name: as.Name, Status: as.Status}
	if out.Shown, err = st.ShownStatus(ctx, as); err != nil {
		return out, err
	}
	if out.Version, err = st.Version(ctx, id); err != nil {
		return out, err
	}
	if out.Decisions, err = st.Decisions(ctx, id); err != nil {
		return out, err
	}
	if as.Status != store.StatusSignedOff {
		out.Missing = signoff.Decisions(out.Decisions).Missing(time.Now())
	}
	recs, err := st.SignOffs(ctx, id)
	if err != nil {
		return out, err
	}
	for _, r := range recs {
		v := tui.SignedVersion{Version: r.Version, Signer: r.Signer, SignedAt: r.SignedAt, Dir: resolveDir(st.Dir(), r.ReportsDir)}
		if pub, err := signoff.ParsePublicKey(r.PublicKey); err == nil {
			v.Fingerprint = signoff.Fingerprint(pub)
		}
		out.SignOffs = append(out.SignOffs, v)
	}
	out.SignOffDir = signOffDir(st.Dir(), id, out.Version)
	out.Signer = signerKey()
	return out, nil
}

// signOffDir is the default folder of a version's sign-off (as (*session).signOff chooses it).
func signOffDir(ws, id string, version int) string {
	return filepath.Join(ws, "signoffs", fmt.Sprintf("%s-v%d", id, version))
}

// signerKey describes the default signing key: its name and fingerprint, or that there is
// none (and the command that creates one), or why it cannot be used.
func signerKey() tui.SignerKey {
	k, path, err := loadKey("")
	out := tui.SignerKey{Path: path}
	if err != nil {
		if _, statErr := os.Stat(path); path != "" && errors.Is(statErr, fs.ErrNotExist) {
			name := osUserName()
			if name == "" || signoff.CheckName(name) != nil {
				name = "Your Name"
			}
			out.Missing, out.Create = true, fmt.Sprintf("dpia keys init --name %q", name)
			return out
		}
		out.Err = sentence(err)
		return out
	}
	out.Name, out.Fingerprint = k.Name, signoff.Fingerprint(k.Public())
	return out
}

// sentence makes an error one sentence: capitalised, ending with a full stop.
func sentence(err error) string {
	s := err.Error()
	if s == "" {
		return s
	}
	if s[0] >= 'a' && s[0] <= 'z' {
		s = string(s[0]-'a'+'A') + s[1:]
	}
	if s[len(s)-1] != '.' {
		s += "."
	}
	return s
}

// SubmitForReview moves a draft to in_review.
func (b *fullBackend) SubmitForReview(ctx context.Context, id string) error {
	_, err := b.s.st.SubmitForReview(ctx, id, b.Actor())
	switch {
	case errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("no assessment %q in this workspace", id)
	case errors.Is(err, store.ErrSignedOff):
		return fmt.Errorf("assessment %s is signed off; a change (a new decision) reopens it as a new version, which can then be submitted", id)
	}
	return err
}

// RecordDecisions records the decisions that changed (reopening a signed-off assessment).
func (b *fullBackend) RecordDecisions(ctx context.Context, id string, d store.Decisions) error {
	_, _, err := b.s.st.RecordDecisions(ctx, id, d, b.Actor())
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no assessment %q in this workspace", id)
	}
	return err
}

// SignOff signs off an assessment in review with the default signing key, as 'dpia signoff ID'
// does: it grades with a pack set built from exactly the pack files it hashes, and writes the
// reports and the signed manifest into the default sign-off folder.
func (b *fullBackend) SignOff(ctx context.Context, id string) (tui.SignOffResult, error) {
	if b.packFiles == nil {
		return tui.SignOffResult{}, errors.New("this build cannot read the pack files a sign-off hashes; sign off from a shell with 'dpia signoff " + id + "'")
	}
	key, _, err := loadKey("")
	if err != nil {
		return tui.SignOffResult{}, err
	}
	base, user, err := b.packFiles()
	if err != nil {
		return tui.SignOffResult{}, err
	}
	set, err := q.Build(base, user)
	if err != nil {
		return tui.SignOffResult{}, err
	}
	done, err := (&session{st: b.s.st, set: set}).signOff(ctx, id, key, append(base, user...), "")
	if err != nil {
		return tui.SignOffResult{}, err
	}
	m := done.Manifest
	res := tui.SignOffResult{Version: m.Assessment.Version, Signer: m.Signer.Name, Fingerprint: signoff.Fingerprint(key.Public()),
		ManifestSHA256: done.ManifestSHA256, Dir: done.Dir, Warning: priorConsultationWarning(m.Decisions, done.Result)}
	res.SignedAt, _ = time.Parse(time.RFC3339, m.SignedAt)
	for _, r := range m.Reports {
		res.Files = append(res.Files, r.File)
	}
	res.Files = append(res.Files, signoff.ManifestFile, signoff.SignatureFile)
	return res, nil
}
