package tui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// searchDelay is the pause in typing after which the search runs.
var searchDelay = 250 * time.Millisecond

// indexJob is a running Add: its run id, cancel func and progress stream.
type indexJob struct {
	run        int
	cancel     context.CancelFunc
	progress   <-chan Progress
	done       <-chan error
	last       Progress
	paths      []string
	cancelling bool
	started    time.Time
}

// Messages of the evidence screen.
type (
	indexProgressMsg struct {
		run int
		p   Progress
	}
	indexDoneMsg struct {
		run int
		err error
	}
	suggestionsMsg struct {
		run  int
		list []string
	}
	detectionsMsg struct {
		run  int
		dets []Detection
		err  error
	}
	searchDebounceMsg struct{ seq int }
	searchResultMsg   struct {
		run  int
		hits []SearchHit
		err  error
	}
	verifyMsg struct {
		run   int
		files []EvidenceFile
		err   error
	}
	linksMsg struct {
		run   int
		links []EvidenceLink
		err   error
	}
)

func (p *evidence) attachKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.Keys
	switch {
	case key.Matches(msg, k.Cancel):
		p.mode = evList
		p.path.Blur()
		return nil
	case msg.Type == tea.KeyEnter:
		path := expandHome(strings.TrimSpace(p.path.Value()))
		if path == "" {
			return nil
		}
		if _, err := os.Stat(path); err != nil {
			p.err = "Cannot read " + path + ": check the path (tab completes it)."
			return nil
		}
		p.path.Blur()
		return p.startIndex([]string{path})
	}
	var cmd tea.Cmd
	p.path, cmd = p.path.Update(msg)
	p.err = ""
	return tea.Batch(cmd, p.complete())
}

func expandHome(path string) string {
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	return path
}

// complete lists the entries that complete the typed path, in a command (it reads a folder).
func (p *evidence) complete() tea.Cmd {
	p.compRun++
	run, typed := p.compRun, p.path.Value()
	return func() tea.Msg {
		dir, prefix := filepath.Split(expandHome(typed))
		shown, _ := filepath.Split(typed)
		if dir == "" {
			dir = "."
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			return suggestionsMsg{run: run}
		}
		var list []string
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), prefix) && (prefix != "" || !strings.HasPrefix(e.Name(), ".")) {
				s := shown + e.Name()
				if e.IsDir() {
					s += string(filepath.Separator)
				}
				list = append(list, s)
			}
		}
		sort.Strings(list)
		return suggestionsMsg{run: run, list: list}
	}
}

// startIndex runs Add in a goroutine. Progress goes through a one-slot channel that keeps
// only the newest event, so the indexer never blocks on the interface; the interface reads
// one event per command and re-arms (see waitIndex).
func (p *evidence) startIndex(paths []string) tea.Cmd {
	eb, work := p.backend(), p.c.work
	if !work.begin() {
		return nil // quitting
	}
	ctx, cancel := context.WithCancel(p.c.Ctx)
	prog := make(chan Progress, 1)
	done := make(chan error, 1)
	p.idx = indexJob{run: p.idx.run + 1, cancel: cancel, progress: prog, done: done, paths: paths, started: time.Now()}
	p.mode = evIndexing
	id := p.id
	go func() {
		defer work.end()
		err := eb.Add(ctx, id, paths, func(ev Progress) {
			for {
				select {
				case prog <- ev:
					return
				default:
				}
				select { // drop the stale event, then retry
				case <-prog:
				default:
				}
			}
		})
		cancel()
		done <- err
	}()
	return waitIndex(p.idx.run, prog, done)
}

// waitIndex reads exactly one event of an indexing job.
func waitIndex(run int, prog <-chan Progress, done <-chan error) tea.Cmd {
	return func() tea.Msg {
		select {
		case ev := <-prog:
			return indexProgressMsg{run: run, p: ev}
		case err := <-done:
			return indexDoneMsg{run: run, err: err}
		}
	}
}

func (p *evidence) handleIndexProgress(msg indexProgressMsg) tea.Cmd {
	if msg.run != p.idx.run {
		return nil
	}
	p.idx.last = msg.p
	return waitIndex(p.idx.run, p.idx.progress, p.idx.done)
}

func (p *evidence) handleIndexDone(msg indexDoneMsg) tea.Cmd {
	if msg.run != p.idx.run {
		return nil
	}
	p.mode = evList
	status := statusCmd("Indexed "+strings.Join(p.idx.paths, ", ")+".", false)
	switch {
	case p.idx.cancelling || errors.Is(msg.err, context.Canceled):
		status = statusCmd("Indexing cancelled; the files indexed before stopping are kept.", false)
	case msg.err != nil:
		status = statusCmd("Indexing failed: "+errText(msg.err), true)
	}
	p.idx.cancelling = false
	return tea.Batch(status, p.loadFiles())
}

func (p *evidence) indexingKey(msg tea.KeyMsg) tea.Cmd {
	if key.Matches(msg, p.c.Keys.Cancel) && p.idx.cancel != nil {
		p.idx.cancelling = true
		p.idx.cancel()
	}
	return nil
}

func (p *evidence) loadDetections() tea.Cmd {
	p.detRun++
	run, id, path, reveal, eb, ctx := p.detRun, p.id, p.detFile, p.detReveal, p.backend(), p.c.Ctx
	return func() tea.Msg {
		dets, err := eb.Detections(ctx, id, path, reveal)
		return detectionsMsg{run: run, dets: dets, err: err}
	}
}

func (p *evidence) handleDetections(msg detectionsMsg) tea.Cmd {
	if msg.run != p.detRun {
		return nil
	}
	p.dets, p.err = msg.dets, errText(msg.err)
	p.detCursor = max(0, min(p.detCursor, len(p.dets)-1))
	return nil
}

func (p *evidence) detailKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.Keys
	switch {
	case key.Matches(msg, k.Back):
		p.mode = evList
	case key.Matches(msg, k.Up):
		p.detCursor = max(0, p.detCursor-1)
	case key.Matches(msg, k.Down):
		p.detCursor = max(0, min(len(p.dets)-1, p.detCursor+1))
	case key.Matches(msg, k.Reveal), msg.String() == "r":
		p.detReveal = !p.detReveal
		return p.loadDetections()
	}
	return nil
}

func (p *evidence) openSearch() tea.Cmd {
	p.mode = evSearch
	return p.query.Focus()
}

func (p *evidence) searchKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.Keys
	switch {
	case key.Matches(msg, k.Back):
		p.mode = evList
		p.query.Blur()
		return nil
	case msg.Type == tea.KeyUp:
		p.hitCursor = max(0, p.hitCursor-1)
		return nil
	case msg.Type == tea.KeyDown:
		p.hitCursor = max(0, min(len(p.hits)-1, p.hitCursor+1))
		return nil
	case key.Matches(msg, k.TypeFilter):
		p.typeFilter = p.nextType()
		return p.startSearch()
	case key.Matches(msg, k.Reveal):
		p.reveal = !p.reveal
		return p.startSearch()
	}
	before := p.query.Value()
	var cmd tea.Cmd
	p.query, cmd = p.query.Update(msg)
	if p.query.Value() == before {
		return cmd
	}
	p.querySeq++
	seq := p.querySeq
	return tea.Batch(cmd, tea.Tick(searchDelay, func(time.Time) tea.Msg { return searchDebounceMsg{seq: seq} }))
}

// nextType cycles the type filter over the detection types the evidence holds.
func (p *evidence) nextType() string {
	seen := map[string]bool{}
	for _, f := range p.files {
		for t := range f.Counts {
			seen[t] = true
		}
	}
	types := sortedKeys(seen)
	for i, t := range types {
		if t == p.typeFilter && i+1 < len(types) {
			return types[i+1]
		}
	}
	if p.typeFilter == "" && len(types) > 0 {
		return types[0]
	}
	return ""
}

// startSearch cancels a running search and starts one for the current query.
func (p *evidence) startSearch() tea.Cmd {
	if p.searchCancel != nil {
		p.searchCancel()
	}
	p.searchRun++
	text := strings.TrimSpace(p.query.Value())
	if text == "" && p.typeFilter == "" {
		p.hits, p.searching, p.searchCancel = nil, false, nil
		return nil
	}
	ctx, cancel := context.WithCancel(p.c.Ctx)
	p.searchCancel, p.searching = cancel, true
	q := SearchQuery{Text: text, Reveal: p.reveal, Limit: 200}
	if p.typeFilter != "" {
		q.Types = []string{p.typeFilter}
	}
	run, id, eb := p.searchRun, p.id, p.backend()
	return func() tea.Msg {
		defer cancel()
		hits, err := eb.Search(ctx, id, q)
		return searchResultMsg{run: run, hits: hits, err: err}
	}
}

func (p *evidence) handleSearchResult(msg searchResultMsg) tea.Cmd {
	if msg.run != p.searchRun {
		return nil // a newer query superseded it
	}
	p.searching = false
	p.hits, p.err = msg.hits, errText(msg.err)
	p.hitCursor = max(0, min(p.hitCursor, len(p.hits)-1))
	return nil
}

func (p *evidence) startVerify() tea.Cmd {
	p.mode, p.verifying, p.verified = evVerify, true, nil
	p.verifyRun++
	run, id, eb, ctx := p.verifyRun, p.id, p.backend(), p.c.Ctx
	return func() tea.Msg {
		files, err := eb.Verify(ctx, id)
		return verifyMsg{run: run, files: files, err: err}
	}
}

func (p *evidence) handleVerify(msg verifyMsg) tea.Cmd {
	if msg.run != p.verifyRun {
		return nil
	}
	p.verifying, p.verified, p.err = false, msg.files, errText(msg.err)
	return nil
}

func (p *evidence) verifyKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.Keys
	switch {
	case key.Matches(msg, k.Back):
		p.mode = evList
	case key.Matches(msg, k.Up):
		p.cursor = max(0, p.cursor-1)
	case key.Matches(msg, k.Down):
		p.cursor = max(0, min(len(p.verified)-1, p.cursor+1))
	}
	return nil
}

func (p *evidence) startLinks() tea.Cmd {
	p.mode, p.linking, p.links, p.linksCursor = evLinks, true, nil, 0
	p.linksRun++
	run, id, eb, ctx := p.linksRun, p.id, p.backend(), p.c.Ctx
	return func() tea.Msg {
		links, err := eb.Links(ctx, id)
		return linksMsg{run: run, links: links, err: err}
	}
}

func (p *evidence) handleLinks(msg linksMsg) tea.Cmd {
	if msg.run != p.linksRun {
		return nil
	}
	p.linking, p.links, p.err = false, msg.links, errText(msg.err)
	return nil
}

func (p *evidence) linksKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.Keys
	switch {
	case key.Matches(msg, k.Back):
		p.mode = evList
	case key.Matches(msg, k.Up):
		p.linksCursor = max(0, p.linksCursor-1)
	case key.Matches(msg, k.Down):
		p.linksCursor = max(0, min(len(p.links)-1, p.linksCursor+1))
	}
	return nil
}
