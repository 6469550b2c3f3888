package main

import (
	"context"
	"path/filepath"

	"github.com/dpia-tool/dpia/assessment/evidence"
	"github.com/dpia-tool/dpia/tui"
	"github.com/dpia-tool/dpia/tui/demo"
)

// fullBackend is the TUI's backend over a workspace: the core (answers, grading, log) from
// tui.WorkspaceBackend, plus evidence indexing and search and report export.
type fullBackend struct {
	*tui.WorkspaceBackend
	s *session
}

var (
	_ tui.Backend         = (*fullBackend)(nil)
	_ tui.EvidenceBackend = (*fullBackend)(nil)
	_ tui.ExportBackend   = (*fullBackend)(nil)
)

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
			Status: f.Status, Reason: f.Reason, Counts: f.Detections})
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

// Export writes a report of the assessment, atomically.
func (b *fullBackend) Export(ctx context.Context, id, format, path string) error {
	return b.s.writeReportFile(ctx, id, format, path)
}
