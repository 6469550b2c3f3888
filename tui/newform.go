package tui

import (
	"errors"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/dpia-tool/dpia/assessment/store"
)

// newForm is the "new assessment" form (huh): system name, description, owner and packs.
type newForm struct {
	c      *Common
	width  int
	height int
	form   *huh.Form
	values struct {
		system, description, owner string
		packs                      []string
	}
	saving bool
	err    string
}

// newFormSubmitMsg and newFormCancelMsg are sent by the form when it completes or is
// aborted.
type (
	newFormSubmitMsg struct{}
	newFormCancelMsg struct{}
	// createdMsg reports the new assessment.
	createdMsg struct {
		a   store.Assessment
		err error
	}
)

// formHeader is the number of lines above the form.
const formHeader = 3

func newNewForm(c *Common) *newForm { return &newForm{c: c} }

func (f *newForm) SetSize(w, h int) {
	f.width, f.height = w, h
	if f.form != nil {
		f.form.WithWidth(min(w, 76)).WithHeight(max(h-formHeader, 8))
	}
}

func (f *newForm) Capturing() bool { return true }

// Enter builds a fresh form.
func (f *newForm) Enter(_, _ string) tea.Cmd {
	f.values.system, f.values.description, f.values.owner = "", "", f.c.Backend.Actor()
	f.values.packs = nil
	f.saving, f.err = false, ""
	var opts []huh.Option[string]
	for _, p := range f.c.Backend.Set().Packs {
		if p.Core {
			continue
		}
		opts = append(opts, huh.NewOption(p.Title.In(f.c.Lang)+" ("+p.ID.Value+")", p.ID.Value).Selected(true))
	}
	keys := huh.NewDefaultKeyMap()
	keys.Quit = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
	f.form = huh.NewForm(huh.NewGroup(
		huh.NewInput().Key("system").Title("System name").
			Description("The AI system you assess, e.g. FaceFind.").
			Value(&f.values.system).Validate(func(s string) error {
			if strings.TrimSpace(s) == "" {
				return errors.New("the system needs a name")
			}
			return nil
		}),
		huh.NewText().Key("description").Title("Description").
			Description("What it does and for whom (you can refine it later).").
			Lines(3).Value(&f.values.description),
		huh.NewInput().Key("owner").Title("Owner").Value(&f.values.owner),
		huh.NewMultiSelect[string]().Key("packs").Title("Laws to apply").
			Description("Space toggles. Screening and scenarios always apply; a law applies only where its scope holds.").
			Options(opts...).Value(&f.values.packs),
	)).WithKeyMap(keys).WithShowHelp(true).WithWidth(min(max(f.width, 40), 76)).WithHeight(max(f.height-formHeader, 8))
	f.form.SubmitCmd = func() tea.Msg { return newFormSubmitMsg{} }
	f.form.CancelCmd = func() tea.Msg { return newFormCancelMsg{} }
	return f.form.Init()
}

func (f *newForm) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case newFormSubmitMsg:
		return f.submit()
	case newFormCancelMsg:
		return navigate(pageHome, "", "", "")
	case createdMsg:
		return f.handleCreated(msg)
	}
	if f.form == nil {
		return nil
	}
	if _, isKey := msg.(tea.KeyMsg); isKey && f.saving {
		return nil
	}
	m, cmd := f.form.Update(msg)
	if form, ok := m.(*huh.Form); ok {
		f.form = form
	}
	return cmd
}

func (f *newForm) submit() tea.Cmd {
	f.saving = true
	v := f.values
	in := store.NewAssessment{Name: strings.TrimSpace(v.system), SystemName: strings.TrimSpace(v.system),
		Description: strings.TrimSpace(v.description), Owner: strings.TrimSpace(v.owner), Packs: append([]string(nil), v.packs...)}
	b, ctx := f.c.Backend, f.c.Ctx
	return func() tea.Msg {
		a, err := b.CreateAssessment(ctx, in)
		return createdMsg{a: a, err: err}
	}
}

func (f *newForm) handleCreated(msg createdMsg) tea.Cmd {
	f.saving = false
	if msg.err != nil {
		f.err = errText(msg.err)
		return statusCmd(f.err, true)
	}
	return tea.Batch(navigate(pageQuestions, msg.a.ID, msg.a.Name, ""),
		statusCmd("Created “"+msg.a.Name+"”: screening questions first.", false))
}

func (f *newForm) View() string {
	s := f.c.Styles
	head := s.Title.Render("New assessment") + "\n" +
		s.Muted.Render("enter moves to the next field and submits at the end; esc cancels.") + "\n\n"
	if f.saving {
		return head + s.Muted.Render("Creating…")
	}
	if f.form == nil {
		return head
	}
	return head + f.form.View()
}

func (f *newForm) ShortHelp() []key.Binding {
	return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "next/submit")),
		key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous field")),
		key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))}
}

func (f *newForm) FullHelp() [][]key.Binding {
	h := f.ShortHelp()
	return [][]key.Binding{h, {key.NewBinding(key.WithKeys(" "), key.WithHelp("space/x", "toggle a law"))}}
}
