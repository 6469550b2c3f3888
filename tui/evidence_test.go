package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// hookBackend is the real workspace backend plus test implementations of the optional
// evidence and export hooks (their real implementations live outside this package).
type hookBackend struct {
	*WorkspaceBackend
	mu       sync.Mutex
	files    []EvidenceFile
	searches []SearchQuery
	block    bool // Add waits for cancellation after the first file
}

var (
	_ EvidenceBackend = (*hookBackend)(nil)
	_ ExportBackend   = (*hookBackend)(nil)
)

func (h *hookBackend) Add(ctx context.Context, id string, paths []string, progress func(Progress)) error {
	var found []string
	for _, p := range paths {
		filepath.WalkDir(p, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				found = append(found, path)
			}
			return nil
		})
	}
	for i, path := range found {
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f := EvidenceFile{Path: filepath.Base(path), Size: int64(len(data)), MIME: "text/plain", Status: "indexed",
			Counts: map[string]int{}}
		if n := strings.Count(string(data), "@"); n > 0 {
			f.Counts["email"] = n
		}
		h.mu.Lock()
		h.files = append(h.files, f)
		h.mu.Unlock()
		progress(Progress{FilesDone: i + 1, FilesTotal: len(found), Bytes: int64(len(data)), Current: path, Detections: len(f.Counts)})
		if h.block {
			<-ctx.Done()
			return ctx.Err()
		}
	}
	progress(Progress{FilesDone: len(found), FilesTotal: len(found), Done: true})
	return nil
}

func (h *hookBackend) Files(ctx context.Context, id string) ([]EvidenceFile, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]EvidenceFile(nil), h.files...), nil
}

func (h *hookBackend) Detections(ctx context.Context, id, path string, reveal bool) ([]Detection, error) {
	v := "a•••@example.com"
	if reveal {
		v = "alice@example.com"
	}
	return []Detection{{Type: "email", Location: "line 2", Value: v}}, nil
}

func (h *hookBackend) Search(ctx context.Context, id string, q SearchQuery) ([]SearchHit, error) {
	h.mu.Lock()
	h.searches = append(h.searches, q)
	h.mu.Unlock()
	v := "a•••@example.com"
	if q.Reveal {
		v = "alice@example.com"
	}
	if !strings.Contains("alice@example.com", q.Text) {
		return nil, nil
	}
	return []SearchHit{{Path: "users.csv", Where: "line 2", Types: []string{"email"},
		Segments: []Segment{{Text: "name,"}, {Text: v, Match: true}, {Text: ",Almaty"}}}}, nil
}

func (h *hookBackend) Verify(ctx context.Context, id string) ([]EvidenceFile, error) {
	files, _ := h.Files(ctx, id)
	for i := range files {
		files[i].Status = "ok"
	}
	if len(files) > 0 {
		files[0].Status, files[0].Reason = "changed", "content differs from the indexed hash"
	}
	if len(files) > 1 {
		files[len(files)-1].Status, files[len(files)-1].Reason = "unhashed", "not read when added: symlink leads outside the evidence root"
	}
	return files, nil
}

func (h *hookBackend) Links(ctx context.Context, id string) ([]EvidenceLink, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.files) < 2 {
		return nil, nil
	}
	return []EvidenceLink{{Type: "email", Value: "a•••@example.com", Occurrences: 3, Files: []string{h.files[0].Path, h.files[1].Path}}}, nil
}

func (h *hookBackend) Export(ctx context.Context, id, format, path string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(format+" report of "+id), 0o600)
}

func samplesDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "samples")
	os.MkdirAll(dir, 0o700)
	for name, body := range map[string]string{"users.csv": "name,email\nAlice,alice@example.com\nBob,bob@example.com\n", "notes.txt": "nothing here\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestEvidenceNotAvailableWithoutHooks(t *testing.T) {
	e := newEnv(t)
	d, _ := demoDriver(t, e.b, "4")
	d.mustSee("not available in this build")
	d.keys("6")
	d.mustSee("not available in this build")
}

func TestAttachIndexesAndLists(t *testing.T) {
	e := newEnv(t)
	h := &hookBackend{WorkspaceBackend: e.b}
	d, _ := demoDriver(t, h, "4")
	d.mustSee("No evidence yet")
	dir := samplesDir(t)
	d.keys("a")
	p := d.m.pages[pageEvidence].(*evidence)
	if !p.Capturing() {
		t.Fatal("the path field does not have the keyboard")
	}
	d.typeText(dir + "/us")
	if sug := p.path.AvailableSuggestions(); len(sug) != 1 || !strings.HasSuffix(sug[0], "users.csv") {
		t.Fatalf("completion %v", sug)
	}
	d.keys("backspace", "backspace", "backspace")
	d.keys("enter")
	if p.mode != evList {
		t.Fatalf("mode %v after indexing", p.mode)
	}
	d.mustSee("Evidence · 2 files", "users.csv", "[email 2]", "Indexed")
	d.keys("down")
	d.keys("up", "enter")
	d.mustSee("a•••@example.com", "values masked")
	d.keys("r")
	d.mustSee("alice@example.com", "VALUES REVEALED")
	d.keys("esc", "V")
	// One changed of the one file hashed; the other was never read when added (the backend
	// says so), shown apart and not counted as changed.
	d.mustSee("✗ 1 OF 1 FILES CHANGED OR MISSING", "CHANGED", "UNHASHED", "1 not read when added, not hashed")
	// Values found in more than one file, masked, with the files.
	d.keys("esc", "L")
	d.mustSee("Links · 1 value found in more than one file", "a•••@example.com", "3 occurrences in: ")
	d.keys("esc")
	d.mustSee("Evidence · 2 files")
}

func TestIndexingShowsProgressAndCancels(t *testing.T) {
	e := newEnv(t)
	h := &hookBackend{WorkspaceBackend: e.b, block: true}
	d, _ := demoDriver(t, h, "4")
	d.keys("a")
	d.typeText(samplesDir(t))
	_, cmd := d.m.Update(keyMsg("enter"))
	p := d.m.pages[pageEvidence].(*evidence)
	if p.mode != evIndexing {
		t.Fatalf("mode %v", p.mode)
	}
	msg := cmd() // the first progress event
	if _, ok := msg.(indexProgressMsg); !ok {
		t.Fatalf("first message %T", msg)
	}
	_, next := d.m.Update(msg)
	d.mustSee("Indexing", "1 of 2 files", "reading", "esc cancels")
	d.keys("esc")
	d.run(next)
	if p.mode != evList {
		t.Fatalf("mode %v after cancel", p.mode)
	}
	d.mustSee("Indexing cancelled", "Evidence · 1 file ·")
}

func TestQuitDuringIndexingStopsIt(t *testing.T) {
	e := newEnv(t)
	h := &hookBackend{WorkspaceBackend: e.b, block: true}
	d, _ := demoDriver(t, h, "4")
	d.keys("a")
	d.typeText(samplesDir(t))
	d.m.Update(keyMsg("enter"))
	d.keys("q")
	if !d.quit {
		t.Fatal("q did not quit during indexing")
	}
	if err := d.m.Flush(context.Background()); err != nil { // waits for the indexer to stop
		t.Fatal(err)
	}
	if !d.m.c.work.closed {
		t.Fatal("flush did not close the tracker")
	}
}

func TestSearchIsDebouncedAndHighlights(t *testing.T) {
	e := newEnv(t)
	h := &hookBackend{WorkspaceBackend: e.b}
	d, _ := demoDriver(t, h, "4")
	d.keys("/")
	// Typing fast: only the last pause runs a search.
	var cmds []tea.Cmd
	for _, r := range "alice" {
		_, cmd := d.m.Update(keyMsg(string(r)))
		cmds = append(cmds, cmd)
	}
	for _, c := range cmds {
		d.run(c)
	}
	if len(h.searches) != 1 || h.searches[0].Text != "alice" {
		t.Fatalf("searches %+v", h.searches)
	}
	d.mustSee("· 1 result", "users.csv · line 2", "[a•••@example.com]")
	d.keys("ctrl+r")
	d.mustSee("[alice@example.com]", "REVEALED")
	d.keys("ctrl+t")
	if last := h.searches[len(h.searches)-1]; len(last.Types) != 0 {
		t.Fatalf("type filter without evidence types: %v", last.Types)
	}
	d.keys("esc")
	if d.m.pages[pageEvidence].(*evidence).mode != evList {
		t.Fatal("esc did not leave the search")
	}
}

func TestExportWritesChosenFormats(t *testing.T) {
	e := newEnv(t)
	h := &hookBackend{WorkspaceBackend: e.b}
	d, id := demoDriver(t, h, "6")
	out := t.TempDir()
	d.keys("down", "down", "space") // pdf, xlsx are on; add json
	d.keys("down", "down")          // to the folder field
	p := d.m.pages[pageExport].(*export)
	if !p.Capturing() {
		t.Fatal("the folder field does not have the keyboard")
	}
	for range len(".") {
		d.keys("backspace")
	}
	d.typeText(out)
	d.keys("enter")
	for _, f := range []string{"pdf", "xlsx", "json"} {
		path := filepath.Join(out, "dpia-"+id+"."+f)
		if _, err := os.Stat(path); err != nil {
			t.Errorf("%s not written: %v", f, err)
		}
		d.mustSee("✓ " + f + " →")
	}
	if _, err := os.Stat(filepath.Join(out, "dpia-"+id+".md")); err == nil {
		t.Error("md written though not chosen")
	}
	d.mustSee("Wrote 3 reports")
}

func TestDetColumns(t *testing.T) {
	demo := []Detection{
		{Type: "person_name", Location: "line 2, row 1, column name", Value: "Z*** B***"},
		{Type: "email", Location: "line 2, row 1, column email", Value: "z***@example.com"},
	}
	long := []Detection{{Type: "fingerprint_template", Location: "archive.zip!inner/deep/scan-0001.wsq, whole file", Value: strings.Repeat("x", 60)}}
	tests := []struct {
		name              string
		dets              []Detection
		width             int
		typeW, whereWidth int
	}{
		{"the demo at 80 columns: nothing cut", demo, 80, 11, 27},
		{"wider than needed: WHERE as wide as its longest", demo, 200, 11, 27},
		{"long values: VALUE capped, TYPE at most 20", long, 80, 20, 28},
		{"tiny: WHERE keeps 10", long, 40, 20, 10},
		{"no detections: the headers", nil, 80, 4, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			typeW, whereW := detColumns(tt.dets, tt.width)
			if typeW != tt.typeW || whereW != tt.whereWidth {
				t.Errorf("detColumns = %d, %d; want %d, %d", typeW, whereW, tt.typeW, tt.whereWidth)
			}
		})
	}
}

// TestRestoredEvidenceMarked: files restored from an archive carry no text; the list marks
// them and the search says they are not searched.
func TestRestoredEvidenceMarked(t *testing.T) {
	e := newEnv(t)
	h := &hookBackend{WorkspaceBackend: e.b, files: []EvidenceFile{
		{Path: "users.csv", Status: "indexed", Counts: map[string]int{"email": 2}, TextAbsent: true},
		{Path: "notes.txt", Status: "indexed", Counts: map[string]int{}},
	}}
	d, _ := demoDriver(t, h, "4")
	d.mustSee("users.csv", "restored", "notes.txt")
	d.keys("/")
	d.mustSee("1 file restored from an archive without text, not searched")
}
