package tui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

// export writes reports through the backend's optional ExportBackend: choose formats and a
// folder, watch progress, see where the files went.
type export struct {
	c       *Common
	width   int
	height  int
	id      string
	chosen  map[string]bool
	cursor  int // formats, then the folder field
	folder  textinput.Model
	run     int
	job     context.Context // the running export; cancel stops it
	cancel  context.CancelFunc
	queue   []string // formats still to write
	current string
	results []exportResult
	running bool
}

type exportResult struct {
	format, path string
	err          error
}

// exportStepMsg reports one written report.
type exportStepMsg struct {
	run int
	res exportResult
}

func newExport(c *Common) *export {
	p := &export{c: c, chosen: map[string]bool{"pdf": true, "xlsx": true}}
	p.folder = textinput.New()
	p.folder.Prompt = "Folder: "
	p.folder.SetValue(".")
	p.folder.Cursor.SetMode(cursor.CursorStatic)
	return p
}

func (p *export) backend() ExportBackend {
	eb, _ := p.c.Backend.(ExportBackend)
	return eb
}

func (p *export) SetSize(w, h int) { p.width, p.height = w, h; p.folder.Width = max(10, w-12) }
func (p *export) Capturing() bool  { return p.cursor == len(ExportFormats) && !p.running }

func (p *export) Enter(id, _ string) tea.Cmd {
	if id != p.id && !p.running {
		p.results = nil
	}
	p.id = id
	return nil
}

func (p *export) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case exportStepMsg:
		return p.handleStep(msg)
	case tea.KeyMsg:
		return p.handleKey(msg)
	}
	if p.Capturing() {
		var cmd tea.Cmd
		p.folder, cmd = p.folder.Update(msg)
		return cmd
	}
	return nil
}

func (p *export) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.Keys
	if p.backend() == nil {
		if key.Matches(msg, k.Back) {
			return navigate(pageHome, "", "", "")
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Back):
		if p.running {
			p.cancel()
			return nil
		}
		return navigate(pageHome, "", "", "")
	case p.running:
		return nil
	case msg.Type == tea.KeyUp || (!p.Capturing() && key.Matches(msg, k.Up)):
		p.cursor = max(0, p.cursor-1)
		p.focus()
	case msg.Type == tea.KeyDown || msg.Type == tea.KeyTab || (!p.Capturing() && key.Matches(msg, k.Down)):
		p.cursor = min(len(ExportFormats), p.cursor+1)
		return p.focus()
	case key.Matches(msg, k.Start):
		return p.start()
	case !p.Capturing() && key.Matches(msg, k.Toggle):
		f := ExportFormats[p.cursor]
		p.chosen[f] = !p.chosen[f]
	case p.Capturing():
		var cmd tea.Cmd
		p.folder, cmd = p.folder.Update(msg)
		return cmd
	}
	return nil
}

func (p *export) focus() tea.Cmd {
	if p.Capturing() {
		return p.folder.Focus()
	}
	p.folder.Blur()
	return nil
}

func (p *export) start() tea.Cmd {
	p.queue = nil
	for _, f := range ExportFormats {
		if p.chosen[f] {
			p.queue = append(p.queue, f)
		}
	}
	if len(p.queue) == 0 {
		return statusCmd("Choose at least one format (space toggles).", true)
	}
	ctx, cancel := context.WithCancel(p.c.Ctx)
	p.run++
	p.job, p.cancel, p.running, p.results = ctx, cancel, true, nil
	p.folder.Blur()
	return p.next()
}

// next writes the next queued format in a command.
func (p *export) next() tea.Cmd {
	if len(p.queue) == 0 {
		p.running, p.current = false, ""
		p.cancel()
		return statusCmd("Wrote "+plural(len(p.results), "report")+".", false)
	}
	p.current, p.queue = p.queue[0], p.queue[1:]
	format, run, id, eb, work, ctx := p.current, p.run, p.id, p.backend(), p.c.work, p.job
	path := filepath.Join(expandHome(strings.TrimSpace(p.folder.Value())), "dpia-"+id+"."+format)
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return func() tea.Msg {
		if !work.begin() {
			return nil // quitting
		}
		defer work.end()
		err := eb.Export(ctx, id, format, path)
		return exportStepMsg{run: run, res: exportResult{format: format, path: path, err: err}}
	}
}

func (p *export) handleStep(msg exportStepMsg) tea.Cmd {
	if msg.run != p.run {
		return nil
	}
	p.results = append(p.results, msg.res)
	if errors.Is(msg.res.err, context.Canceled) {
		p.running, p.current, p.queue = false, "", nil
		return statusCmd("Export cancelled; no file was half-written.", false)
	}
	return p.next()
}

func (p *export) View() string {
	s := p.c.Styles
	if p.backend() == nil {
		return s.Title.Render("Export") + "\n\n" + s.Muted.Render(wrap("Report export is not available in this build. "+
			"The answers file can still be written with 'dpia export ID'.", p.width))
	}
	lines := []string{s.Title.Render("Export reports"), s.Muted.Render("space toggles a format · ↓ to the folder · enter exports · esc cancels"), ""}
	for i, f := range ExportFormats {
		box := "[ ]"
		if p.chosen[f] {
			box = "[x]"
		}
		line := box + " " + cell(f, 5) + formatLabel(f)
		mark := "  "
		if i == p.cursor {
			mark, line = s.Cursor.Render("▸ "), s.Selected.Render(line)
		}
		lines = append(lines, mark+line)
	}
	mark := "  "
	if p.cursor == len(ExportFormats) {
		mark = s.Cursor.Render("▸ ")
	}
	lines = append(lines, "", mark+p.folder.View(), "")
	if p.running {
		lines = append(lines, s.Warn.Render(fmt.Sprintf("Writing %s… (%d of %d)", p.current, len(p.results)+1, len(p.results)+len(p.queue)+1)))
	}
	for _, r := range p.results {
		if r.err != nil {
			lines = append(lines, s.Error.Render("✗ "+r.format+": ")+s.Text.Render(truncate(errText(r.err), p.width-8)))
			continue
		}
		lines = append(lines, s.OK.Render("✓ "+r.format+" → ")+s.Text.Render(truncate(r.path, p.width-10)))
	}
	return strings.Join(lines, "\n")
}

func formatLabel(f string) string {
	switch f {
	case "pdf":
		return "report to read (PDF)"
	case "xlsx":
		return "risk register (Excel)"
	case "json":
		return "result (JSON, contract C3)"
	case "md":
		return "report (Markdown)"
	}
	return ""
}

func (p *export) ShortHelp() []key.Binding {
	k := p.c.Keys
	return []key.Binding{k.Up, k.Down, k.Toggle, k.Start, k.Back}
}

func (p *export) FullHelp() [][]key.Binding {
	k := p.c.Keys
	return [][]key.Binding{{k.Up, k.Down, k.Toggle}, {k.Start, k.Back}}
}
