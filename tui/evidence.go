package tui

import (
	"context"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/progress"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

// evMode is what the evidence screen shows.
type evMode int

const (
	evList evMode = iota
	evAttach
	evIndexing
	evDetail
	evSearch
	evVerify
	evLinks
)

// evidence attaches, indexes, lists, verifies and searches evidence files, through the
// backend's optional EvidenceBackend.
type evidence struct {
	c      *Common
	width  int
	height int
	id     string
	mode   evMode
	err    string

	files   []EvidenceFile
	cursor  int
	loadRun int
	loading bool

	path    textinput.Model
	compRun int

	idx indexJob
	bar progress.Model

	dets      []Detection
	detFile   string
	detReveal bool
	detRun    int
	detCursor int

	query        textinput.Model
	querySeq     int
	searchRun    int
	searchCancel context.CancelFunc
	searching    bool
	hits         []SearchHit
	hitCursor    int
	typeFilter   string
	reveal       bool

	verified  []EvidenceFile
	verifying bool
	verifyRun int

	links       []EvidenceLink
	linking     bool
	linksRun    int
	linksCursor int
}

func newEvidence(c *Common) *evidence {
	p := &evidence{c: c}
	p.path = textinput.New()
	p.path.Prompt = "Path: "
	p.path.Placeholder = "a file or folder, e.g. ./samples (tab completes)"
	p.path.ShowSuggestions = true
	p.query = textinput.New()
	p.query.Prompt = "Search: "
	p.query.Placeholder = "words, an e-mail, a name…"
	p.bar = progress.New(progress.WithDefaultGradient())
	p.path.Cursor.SetMode(cursor.CursorStatic)
	p.query.Cursor.SetMode(cursor.CursorStatic)
	return p
}

// backend returns the evidence backend, or nil when this build has none.
func (p *evidence) backend() EvidenceBackend {
	eb, _ := p.c.Backend.(EvidenceBackend)
	return eb
}

func (p *evidence) SetSize(w, h int) {
	p.width, p.height = w, h
	p.path.Width = max(10, w-10)
	p.query.Width = max(10, w-12)
	p.bar.Width = max(10, w-4)
}

func (p *evidence) Capturing() bool { return p.mode == evAttach || p.mode == evSearch }

// Enter loads the file list; arg, a detection type (from a finding's why view), opens the
// search filtered to that type.
func (p *evidence) Enter(id, arg string) tea.Cmd {
	if id != p.id {
		p.files, p.cursor, p.hits, p.verified, p.mode, p.typeFilter = nil, 0, nil, nil, evList, ""
		p.query.SetValue("")
	}
	p.id, p.err = id, ""
	if p.backend() == nil {
		return nil
	}
	if p.mode == evIndexing {
		return nil
	}
	cmds := []tea.Cmd{p.loadFiles()}
	if arg != "" {
		p.typeFilter = arg
		cmds = append(cmds, p.openSearch(), p.startSearch())
	}
	return tea.Batch(cmds...)
}

// evFilesMsg carries the evidence list.
type evFilesMsg struct {
	run   int
	id    string
	files []EvidenceFile
	err   error
}

func (p *evidence) loadFiles() tea.Cmd {
	p.loadRun++
	p.loading = true
	run, id, eb, ctx := p.loadRun, p.id, p.backend(), p.c.Ctx
	return func() tea.Msg {
		files, err := eb.Files(ctx, id)
		return evFilesMsg{run: run, id: id, files: files, err: err}
	}
}

func (p *evidence) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case evFilesMsg:
		if msg.run == p.loadRun && msg.id == p.id {
			p.loading, p.files, p.err = false, msg.files, errText(msg.err)
			p.cursor = max(0, min(p.cursor, len(p.files)-1))
		}
		return nil
	case indexProgressMsg:
		return p.handleIndexProgress(msg)
	case indexDoneMsg:
		return p.handleIndexDone(msg)
	case suggestionsMsg:
		if msg.run == p.compRun {
			p.path.SetSuggestions(msg.list)
		}
		return nil
	case detectionsMsg:
		return p.handleDetections(msg)
	case searchDebounceMsg:
		if msg.seq == p.querySeq && p.mode == evSearch {
			return p.startSearch()
		}
		return nil
	case searchResultMsg:
		return p.handleSearchResult(msg)
	case verifyMsg:
		return p.handleVerify(msg)
	case linksMsg:
		return p.handleLinks(msg)
	case tea.KeyMsg:
		return p.handleKey(msg)
	}
	return p.updateInputs(msg)
}

// updateInputs passes other messages (cursor blink) to a focused text field.
func (p *evidence) updateInputs(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch p.mode {
	case evAttach:
		p.path, cmd = p.path.Update(msg)
	case evSearch:
		p.query, cmd = p.query.Update(msg)
	}
	return cmd
}

func (p *evidence) handleKey(msg tea.KeyMsg) tea.Cmd {
	if p.backend() == nil {
		if key.Matches(msg, p.c.Keys.Back) {
			return navigate(pageHome, "", "", "")
		}
		return nil
	}
	switch p.mode {
	case evAttach:
		return p.attachKey(msg)
	case evIndexing:
		return p.indexingKey(msg)
	case evDetail:
		return p.detailKey(msg)
	case evSearch:
		return p.searchKey(msg)
	case evVerify:
		return p.verifyKey(msg)
	case evLinks:
		return p.linksKey(msg)
	}
	return p.listKey(msg)
}

func (p *evidence) listKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.Keys
	switch {
	case key.Matches(msg, k.Back):
		return navigate(pageHome, "", "", "")
	case key.Matches(msg, k.Up):
		p.cursor = max(0, p.cursor-1)
	case key.Matches(msg, k.Down):
		p.cursor = max(0, min(len(p.files)-1, p.cursor+1))
	case key.Matches(msg, k.Attach):
		p.mode = evAttach
		p.path.SetValue("")
		return tea.Batch(p.path.Focus(), p.complete())
	case key.Matches(msg, k.Search):
		return p.openSearch()
	case key.Matches(msg, k.Verify):
		return p.startVerify()
	case key.Matches(msg, k.Links):
		return p.startLinks()
	case key.Matches(msg, k.Refresh):
		return p.loadFiles()
	case key.Matches(msg, k.Enter):
		if p.cursor < len(p.files) {
			p.detFile, p.detCursor, p.detReveal, p.dets = p.files[p.cursor].Path, 0, false, nil
			p.mode = evDetail
			return p.loadDetections()
		}
	}
	return nil
}

func (p *evidence) ShortHelp() []key.Binding {
	k := p.c.Keys
	switch p.mode {
	case evAttach:
		return []key.Binding{key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "complete")), key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "index")), k.Cancel}
	case evIndexing:
		return []key.Binding{k.Cancel}
	case evDetail:
		return []key.Binding{k.Up, k.Down, k.Reveal, k.Back}
	case evSearch:
		return []key.Binding{k.Up, k.Down, k.TypeFilter, k.Reveal, k.Back}
	case evVerify, evLinks:
		return []key.Binding{k.Up, k.Down, k.Back}
	}
	return []key.Binding{k.Attach, k.Search, k.Verify, k.Links, k.Enter, k.Back}
}

func (p *evidence) FullHelp() [][]key.Binding {
	k := p.c.Keys
	return [][]key.Binding{{k.Up, k.Down, k.Enter, k.Refresh}, {k.Attach, k.Search, k.Verify, k.Links, k.Back},
		{k.TypeFilter, k.Reveal, k.Cancel}}
}
