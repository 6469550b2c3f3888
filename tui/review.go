package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/dpia-tool/dpia/assessment/store"
)

// review takes the open assessment through review and sign-off with the backend's optional
// ReviewBackend: it shows the status and version, the decisions of the version (marking the
// ones a sign-off still needs), the signed-off versions and the key that would sign; s submits
// a draft for review, e edits the decisions in a form, S signs off after a confirmation.
type review struct {
	c      *Common
	width  int
	height int
	id     string

	state   *ReviewState
	loadErr string // the state could not be read: one sentence
	loadRun int
	loading bool

	mode   reviewMode
	form   *huh.Form
	values reviewValues

	actRun int
	busy   string         // what is running (submitting, recording, signing off), or ""
	err    string         // the last action failed: one sentence with what to do
	done   *SignOffResult // the sign-off just made, shown until the page is left
	offset int            // scrolled lines
}

type reviewMode int

const (
	reviewList reviewMode = iota
	reviewForm
	reviewConfirm
)

// reviewValues are the form's fields, as text.
type reviewValues struct {
	measuresBy, measuresOn, riskBy, riskOn string
	advice, followed, reason               string
	prior, next                            string
}

type (
	// reviewLoadedMsg carries the review state.
	reviewLoadedMsg struct {
		run   int
		id    string
		state ReviewState
		err   error
	}
	// reviewDoneMsg reports a finished action (submit, record, sign off) and the state after it.
	reviewDoneMsg struct {
		run    int
		id     string
		done   string // the status line
		state  *ReviewState
		signed *SignOffResult
		err    error
	}
	reviewFormSubmitMsg struct{}
	reviewFormCancelMsg struct{}
)

func newReview(c *Common) *review { return &review{c: c} }

func (p *review) backend() ReviewBackend {
	rb, _ := p.c.Backend.(ReviewBackend)
	return rb
}

func (p *review) SetSize(w, h int) {
	p.width, p.height = w, h
	if p.form != nil {
		p.form.WithWidth(min(w, 76)).WithHeight(max(h-reviewFormHeader, 8))
	}
}

// Capturing: the form takes every letter (and the digits of dates).
func (p *review) Capturing() bool { return p.mode == reviewForm }

func (p *review) Enter(id, _ string) tea.Cmd {
	if id != p.id {
		p.state, p.loadErr = nil, ""
	}
	if p.busy == "" {
		p.done, p.err = nil, ""
	}
	p.id, p.mode, p.form, p.offset = id, reviewList, nil, 0
	if p.backend() == nil {
		return nil
	}
	return p.load()
}

func (p *review) load() tea.Cmd {
	p.loadRun++
	p.loading = true
	run, id, rb, ctx := p.loadRun, p.id, p.backend(), p.c.Ctx
	return func() tea.Msg {
		st, err := rb.Review(ctx, id)
		return reviewLoadedMsg{run: run, id: id, state: st, err: err}
	}
}

func (p *review) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case reviewLoadedMsg:
		if msg.run != p.loadRun || msg.id != p.id {
			return nil
		}
		p.loading, p.loadErr = false, errText(msg.err)
		if msg.err == nil {
			p.state = &msg.state
		}
		return nil
	case reviewDoneMsg:
		return p.handleDone(msg)
	case reviewFormSubmitMsg:
		if p.mode == reviewForm {
			return p.record()
		}
		return nil
	case reviewFormCancelMsg:
		if p.mode == reviewForm {
			p.mode, p.form = reviewList, nil
			return statusCmd("Nothing recorded.", false)
		}
		return nil
	case tea.KeyMsg:
		return p.handleKey(msg)
	}
	if p.mode == reviewForm && p.form != nil { // the form's own messages (next field, …)
		return p.updateForm(msg)
	}
	return nil
}

func (p *review) updateForm(msg tea.Msg) tea.Cmd {
	m, cmd := p.form.Update(msg)
	if f, ok := m.(*huh.Form); ok {
		p.form = f
	}
	return cmd
}

func (p *review) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := p.c.Keys
	rb := p.backend()
	if rb == nil {
		if key.Matches(msg, k.Back) {
			return navigate(pageHome, "", "", "")
		}
		return nil
	}
	switch p.mode {
	case reviewForm:
		return p.updateForm(msg)
	case reviewConfirm:
		switch {
		case key.Matches(msg, k.Confirm):
			p.mode = reviewList
			return p.signOff()
		case key.Matches(msg, k.Decline):
			p.mode = reviewList
			return statusCmd("Not signed off.", false)
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Back):
		return navigate(pageHome, "", "", "")
	case key.Matches(msg, k.Up):
		p.offset = max(0, p.offset-1)
		return nil
	case key.Matches(msg, k.Down):
		p.offset++ // View clamps it
		return nil
	case key.Matches(msg, k.PageUp):
		p.offset = max(0, p.offset-p.height)
		return nil
	case key.Matches(msg, k.PageDown):
		p.offset += p.height
		return nil
	case key.Matches(msg, k.Refresh):
		p.err = ""
		return p.load()
	}
	if !key.Matches(msg, k.Submit, k.Decide, k.SignOff) {
		return nil
	}
	if p.busy != "" {
		return statusCmd("Wait: "+strings.ToLower(p.busy[:1])+p.busy[1:], false)
	}
	if p.state == nil {
		return statusCmd("The review state is still loading; try again in a moment.", false)
	}
	p.err = ""
	switch {
	case key.Matches(msg, k.Submit):
		return p.submit()
	case key.Matches(msg, k.Decide):
		return p.openForm()
	default:
		return p.askSignOff()
	}
}

// act runs a backend action in a command, then reads the state again.
func (p *review) act(busy string, fn func(ctx context.Context, rb ReviewBackend) (string, *SignOffResult, error)) tea.Cmd {
	p.actRun++
	p.busy = busy
	run, id, rb, ctx, work := p.actRun, p.id, p.backend(), p.c.Ctx, p.c.work
	return func() tea.Msg {
		if !work.begin() {
			return nil // quitting
		}
		defer work.end()
		msg := reviewDoneMsg{run: run, id: id}
		if msg.done, msg.signed, msg.err = fn(ctx, rb); msg.err != nil {
			return msg
		}
		if st, err := rb.Review(ctx, id); err == nil {
			msg.state = &st
		}
		return msg
	}
}

func (p *review) handleDone(msg reviewDoneMsg) tea.Cmd {
	if msg.run != p.actRun || msg.id != p.id {
		return nil
	}
	p.busy = ""
	if msg.err != nil {
		p.err = errText(msg.err)
		p.c.Log.Printf("Review: %s", p.err)
		return nil
	}
	if msg.signed != nil {
		p.done, p.offset = msg.signed, 0
	}
	if msg.state != nil {
		p.state = msg.state
		p.loadRun++ // a load started before the action is older than this state
		p.loading = false
	}
	return statusCmd(msg.done, false)
}

func (p *review) submit() tea.Cmd {
	st := *p.state
	switch st.Status {
	case store.StatusInReview:
		return statusCmd(fmt.Sprintf("Version %d is already in review: record the decisions (e), then sign off (S).", st.Version), false)
	case store.StatusSignedOff:
		p.err = fmt.Sprintf("Version %d is signed off; a change (a new decision, e) reopens it as version %d, which can then be submitted.", st.Version, st.Version+1)
		return nil
	}
	id := p.id
	return p.act("Submitting for review…", func(ctx context.Context, rb ReviewBackend) (string, *SignOffResult, error) {
		if err := rb.SubmitForReview(ctx, id); err != nil {
			return "", nil, err
		}
		return fmt.Sprintf("Version %d is in review: record the decisions (e), then sign off (S).", st.Version), nil, nil
	})
}

// reviewFormHeader is the number of lines above the decisions form, plus the blank line huh
// draws above its help and does not count.
const reviewFormHeader = 3 + 1

// openForm builds the decisions form over the current decisions.
func (p *review) openForm() tea.Cmd {
	d := p.state.Decisions
	today := time.Now().Format(dateLayout)
	p.values = reviewValues{measuresBy: d.MeasuresApprovedBy, measuresOn: or(d.MeasuresApprovedOn, today),
		riskBy: d.RiskAcceptedBy, riskOn: or(d.RiskAcceptedOn, today), advice: d.DPOAdvice, followed: d.DPOFollowed,
		reason: d.DPOReason, prior: d.PriorConsultation, next: d.NextReview}
	v := &p.values
	yesNo := func(undecided string) []huh.Option[string] {
		return []huh.Option[string]{huh.NewOption(undecided, ""), huh.NewOption("yes", "yes"), huh.NewOption("no", "no")}
	}
	keys := huh.NewDefaultKeyMap()
	keys.Quit = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
	p.form = huh.NewForm(
		huh.NewGroup(
			huh.NewInput().Key("measures_by").Title("Measures approved by").
				Description("Who approved the measures (a person or a body).").Value(&v.measuresBy),
			huh.NewInput().Key("measures_on").Title("Approved on (YYYY-MM-DD)").
				Value(&v.measuresOn).Validate(checkDate),
			huh.NewInput().Key("risk_by").Title("Residual risk accepted by").
				Description("Who accepted the residual risk.").Value(&v.riskBy),
			huh.NewInput().Key("risk_on").Title("Accepted on (YYYY-MM-DD)").
				Value(&v.riskOn).Validate(checkDate),
		).Title("1/3 Approvals"),
		huh.NewGroup(
			huh.NewText().Key("advice").Title("DPO advice").Description("What the data protection officer advised.").
				Lines(2).Value(&v.advice),
			huh.NewSelect[string]().Key("followed").Title("DPO advice followed").Options(yesNo("not decided yet")...).
				Value(&v.followed),
			huh.NewInput().Key("reason").Title("Reason not followed").
				Description("Needed when the advice was not followed.").Value(&v.reason),
		).Title("2/3 The DPO"),
		huh.NewGroup(
			huh.NewSelect[string]().Key("prior").Title("Prior consultation needed (GDPR Art. 36)").
				Options(yesNo("not decided yet")...).Value(&v.prior),
			huh.NewInput().Key("next").Title("Next review (YYYY-MM-DD, after today)").
				Value(&v.next).Validate(checkNextReview),
		).Title("3/3 Consultation and next review"),
	).WithKeyMap(keys).WithShowHelp(true).WithWidth(min(max(p.width, 40), 76)).WithHeight(max(p.height-reviewFormHeader, 8))
	p.form.SubmitCmd = func() tea.Msg { return reviewFormSubmitMsg{} }
	p.form.CancelCmd = func() tea.Msg { return reviewFormCancelMsg{} }
	p.mode = reviewForm
	return p.form.Init()
}

const dateLayout = "2006-01-02"

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// checkDate accepts "" or a date YYYY-MM-DD.
func checkDate(s string) error {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	if _, err := time.Parse(dateLayout, s); err != nil {
		return fmt.Errorf("%q is not a date: write it YYYY-MM-DD", s)
	}
	return nil
}

// checkNextReview accepts "" or a date YYYY-MM-DD after today.
func checkNextReview(s string) error {
	if err := checkDate(s); err != nil || strings.TrimSpace(s) == "" {
		return err
	}
	if strings.TrimSpace(s) <= time.Now().Format(dateLayout) {
		return errors.New("the next review must be a date after today")
	}
	return nil
}

// record sends the form's values to the backend. An approval date goes only with a name
// (as 'dpia decide --date' does).
func (p *review) record() tea.Cmd {
	p.mode, p.form = reviewList, nil
	v, before := p.values, *p.state
	t := strings.TrimSpace
	d := store.Decisions{MeasuresApprovedBy: t(v.measuresBy), RiskAcceptedBy: t(v.riskBy), DPOAdvice: t(v.advice),
		DPOFollowed: v.followed, DPOReason: t(v.reason), PriorConsultation: v.prior, NextReview: t(v.next)}
	if d.MeasuresApprovedBy != "" {
		d.MeasuresApprovedOn = t(v.measuresOn)
	}
	if d.RiskAcceptedBy != "" {
		d.RiskAcceptedOn = t(v.riskOn)
	}
	id := p.id
	return p.act("Recording the decisions…", func(ctx context.Context, rb ReviewBackend) (string, *SignOffResult, error) {
		if err := rb.RecordDecisions(ctx, id, d); err != nil {
			return "", nil, err
		}
		after, err := rb.Review(ctx, id)
		if err != nil {
			return "Recorded the decisions.", nil, nil
		}
		return recordedText(before, after), nil, nil
	})
}

// recordedText says what recording the decisions did and what comes next.
func recordedText(before, after ReviewState) string {
	s := fmt.Sprintf("Recorded the decisions of version %d", after.Version)
	if after.Version > before.Version {
		s = fmt.Sprintf("Reopened the signed-off assessment as version %d (draft) and recorded its decisions", after.Version)
	}
	switch {
	case len(after.Missing) > 0:
		return s + "; sign-off still needs " + missingText(after.Missing) + "."
	case after.Status == store.StatusDraft:
		return s + "; submit it for review (s) to sign it off."
	case after.Status == store.StatusInReview:
		return s + "; it is ready to sign off (S)."
	}
	return s + "."
}

// askSignOff checks what the screen knows, then asks for confirmation.
func (p *review) askSignOff() tea.Cmd {
	st := p.state
	switch {
	case st.Status == store.StatusDraft:
		p.err = fmt.Sprintf("Version %d is a draft: submit it for review with s before signing off.", st.Version)
	case st.Status == store.StatusSignedOff:
		p.err = fmt.Sprintf("Version %d is already signed off; a change (a new decision, e) reopens it as version %d.", st.Version, st.Version+1)
	case len(st.Missing) > 0:
		p.err = "Sign-off needs " + missingText(st.Missing) + ": press e to record " + them(st.Missing) + "."
	case st.Signer.Missing:
		p.err = "There is no signing key at " + st.Signer.Path + ": create one in a shell with " + st.Signer.Create + ", then press r."
	case st.Signer.Err != "":
		p.err = st.Signer.Err
	default:
		p.mode = reviewConfirm
		return nil
	}
	return nil
}

func them(missing []string) string {
	if len(missing) == 1 {
		return "it"
	}
	return "them"
}

func (p *review) signOff() tea.Cmd {
	id := p.id
	return p.act("Signing off: writing the four reports and the signed manifest…", func(ctx context.Context, rb ReviewBackend) (string, *SignOffResult, error) {
		res, err := rb.SignOff(ctx, id)
		if err != nil {
			return "", nil, err
		}
		return fmt.Sprintf("Signed off version %d: the manifest's hash and the folder are shown above.", res.Version), &res, nil
	})
}

// missingLabels say, in words, what each missing decision (by its flag name) is.
var missingLabels = map[string]string{
	"measures-approved-by": "who approved the measures",
	"risk-accepted-by":     "who accepted the residual risk",
	"dpo-advice":           "the DPO's advice",
	"dpo-followed":         "whether the DPO's advice was followed",
	"dpo-reason":           "why the DPO's advice was not followed",
	"prior-consultation":   "whether prior consultation is needed",
	"next-review":          "a next review date after today",
}

// missingField is the flag name of a Missing entry ("next-review (a date after today)").
func missingField(m string) string {
	name, _, _ := strings.Cut(m, " ")
	return name
}

// missingText lists the missing decisions in words: "a, b and c".
func missingText(missing []string) string {
	var words []string
	seen := map[string]bool{}
	for _, m := range missing {
		f := missingField(m)
		if seen[f] {
			continue
		}
		seen[f] = true
		w, ok := missingLabels[f]
		if !ok {
			w = f
		}
		words = append(words, w)
	}
	return andList(words)
}

// View draws the form, the confirmation, or the review state.
func (p *review) View() string {
	s := p.c.Styles
	if p.backend() == nil {
		return s.Title.Render("Review") + "\n\n" + s.Muted.Render(wrap("Review and sign-off are not available in this build. "+
			"From a shell: dpia review ID, dpia decide ID …, dpia signoff ID.", p.width))
	}
	switch {
	case p.mode == reviewForm && p.form != nil:
		return p.formView()
	case p.mode == reviewConfirm && p.state != nil:
		return p.confirmView()
	}
	if p.state == nil {
		if p.loadErr != "" {
			return s.Error.Render(wrap(p.loadErr, p.width))
		}
		return s.Muted.Render("Loading the review state…")
	}
	lines := strings.Split(p.stateView(), "\n")
	p.offset = max(0, min(p.offset, len(lines)-p.height))
	if p.offset > 0 || len(lines) > p.height {
		lines = lines[p.offset:]
		if len(lines) > p.height && p.height > 1 {
			lines = append(lines[:p.height-1], s.Muted.Render(fmt.Sprintf("↓ %d more lines (↓/pgdn scrolls)", len(lines)-p.height+1)))
		}
	}
	return strings.Join(lines, "\n")
}

func (p *review) formView() string {
	s := p.c.Styles
	st := p.state
	head := s.Title.Render(fmt.Sprintf("Decisions of version %d", st.Version)) + s.Muted.Render("  · enter on the last field records them") + "\n"
	if st.Status == store.StatusSignedOff {
		head += s.Warn.Render(truncate(fmt.Sprintf("! Signed off: recording a decision reopens it as version %d (draft).", st.Version+1), p.width)) + "\n"
	} else {
		head += s.Muted.Render(truncate("Each changed field is one event in the log; an empty field is left as it is.", p.width)) + "\n"
	}
	return head + "\n" + p.form.View()
}

func (p *review) confirmView() string {
	s := p.c.Styles
	st := p.state
	w := max(20, p.width-2)
	name := st.Name
	if name == "" {
		name = p.id
	}
	key := st.Signer.Name + " (" + st.Signer.Fingerprint + ")"
	// item is a numbered step with a hanging indent.
	item := func(n int, text string) string {
		return fmt.Sprintf("%d. ", n) + strings.ReplaceAll(wrap(text, w-3), "\n", "\n   ")
	}
	lines := []string{
		s.Title.Render(fmt.Sprintf("Sign off version %d of “%s”?", st.Version, name)),
		"",
		s.Text.Render("This will:"),
		item(1, "write the pdf, xlsx, json and md reports, marked signed off, into"),
		"   " + s.Accent.Render(st.SignOffDir),
		item(2, "sign a manifest of the answers, the event log, the packs, the evidence, the reports and the decisions with the key of "+key+";"),
		item(3, "store the signed manifest in the workspace and write manifest.json and manifest.sig next to the reports."),
		"",
		s.Warn.Render(wrap(fmt.Sprintf("Version %d is then frozen: any later change reopens it as version %d.", st.Version, st.Version+1), w)),
		"",
		s.Key.Render("enter/y") + s.Muted.Render(" signs off · ") + s.Key.Render("esc/n") + s.Muted.Render(" cancels"),
	}
	return strings.Join(lines, "\n")
}

// stateView renders the whole review state; View scrolls it.
func (p *review) stateView() string {
	s := p.c.Styles
	st := p.state
	w := max(20, p.width)
	var b []string
	add := func(l ...string) { b = append(b, l...) }

	add(s.Title.Render(fmt.Sprintf("Review of version %d", st.Version)) + s.Muted.Render("  status ") + s.Accent.Render(strings.ToUpper(statusWord(st.Shown))))
	add(truncate(s.Muted.Render(workflow(st.Status, st.Shown)), w))
	if p.busy != "" {
		add(s.Warn.Render(truncate(p.busy, w)))
	} else if p.done == nil {
		add(s.Text.Render(wrap(p.nextStep(), w)))
	}
	if p.err != "" {
		add(s.Error.Render(wrap("! "+p.err, w)))
	}
	if d := p.done; d != nil {
		add("", s.OK.Render(truncate(fmt.Sprintf("✓ Signed off version %d as %s (%s)", d.Version, d.Signer, d.Fingerprint), w)),
			s.Text.Render("  manifest.json SHA-256"), "  "+s.Accent.Render(d.ManifestSHA256),
			s.Text.Render("  folder ")+s.Accent.Render(wrap(d.Dir, max(10, w-9))))
		if len(d.Files) > 0 {
			add(s.Muted.Render(wrap("  holds "+filesText(d.Files), w)))
		}
		if d.Warning != "" {
			add(s.Warn.Render(wrap("! Note: "+d.Warning+".", w)))
		}
	}

	add("")
	add(p.decisionLines(w)...)

	add("", s.Subtitle.Render("Signed-off versions"))
	if len(st.SignOffs) == 0 {
		add(s.Muted.Render("  none yet"))
	} else {
		add(s.Muted.Render("  " + cell("VER", 4) + " " + cell("SIGNER", 20) + " " + cell("KEY", 24) + " SIGNED"))
		for i := len(st.SignOffs) - 1; i >= 0; i-- { // newest first
			v := st.SignOffs[i]
			add(truncate("  "+cell(fmt.Sprintf("v%d", v.Version), 4)+" "+cell(v.Signer, 20)+" "+cell(v.Fingerprint, 24)+" "+
				v.SignedAt.UTC().Format("2006-01-02 15:04")+" UTC", w))
			add(s.Muted.Render(truncate("       "+v.Dir, w)))
		}
	}

	add("", s.Subtitle.Render("Signing key"))
	switch k := st.Signer; {
	case k.Missing:
		add(s.Error.Render("  ✗ no signing key")+s.Text.Render(truncate(" at "+k.Path, w-19)),
			s.Text.Render("  Create one in a shell: ")+s.Accent.Render(k.Create),
			s.Muted.Render("  then press r here."))
	case k.Err != "":
		add(s.Error.Render(wrap("  ✗ "+k.Err, w)))
	default:
		add(s.OK.Render("  ✓ ")+s.Text.Render(truncate("signs as "+k.Name+" · "+k.Fingerprint, w-4)), s.Muted.Render(truncate("    "+k.Path, w)))
	}
	return strings.Join(b, "\n")
}

// filesText names the files of a sign-off folder briefly: "the pdf and md reports,
// manifest.json and manifest.sig".
func filesText(files []string) string {
	var formats, other []string
	for _, f := range files {
		if strings.HasPrefix(f, "manifest.") {
			other = append(other, f)
		} else if i := strings.LastIndexByte(f, '.'); i >= 0 {
			formats = append(formats, f[i+1:])
		}
	}
	var parts []string
	if len(formats) > 0 {
		parts = append(parts, "the "+andList(formats)+" reports")
	}
	return andList(append(parts, other...))
}

// andList joins words as "a, b and c".
func andList(words []string) string {
	if len(words) <= 1 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// workflow draws the review workflow with the current step bracketed (not by colour alone).
func workflow(status, shown string) string {
	steps := []string{store.StatusDraft, store.StatusInReview, store.StatusSignedOff}
	var parts []string
	for _, x := range steps {
		word := statusWord(x)
		if x == status {
			word = "[" + word + "]"
			if shown == store.StatusReviewDue {
				word = "[signed off, review due]"
			}
		}
		parts = append(parts, word)
	}
	return strings.Join(parts, " → ")
}

// nextStep says what to do next, given the state.
func (p *review) nextStep() string {
	st := p.state
	switch {
	case st.Shown == store.StatusReviewDue:
		return fmt.Sprintf("The next review date (%s) has passed: review it; a change reopens it as version %d.", st.Decisions.NextReview, st.Version+1)
	case st.Status == store.StatusSignedOff:
		return fmt.Sprintf("Signed off. A change (an answer, a note, a decision) reopens it as version %d.", st.Version+1)
	case st.Status == store.StatusDraft:
		return "Next: submit it for review (s), record the decisions (e), then sign off (S)."
	case len(st.Missing) > 0:
		return "Next: record the missing decisions (e), then sign off (S)."
	}
	return "Next: sign off (S); you will be asked to confirm."
}

// decisionRow is one decision as shown: its label, the flag name that marks it missing, and
// its value.
type decisionRow struct{ label, flag, value string }

func (p *review) decisionLines(w int) []string {
	s := p.c.Styles
	st := p.state
	d := st.Decisions
	on := func(by, date string) string {
		if by == "" {
			return ""
		}
		if date == "" {
			return by
		}
		return by + " on " + date
	}
	rows := []decisionRow{
		{"Measures approved by", "measures-approved-by", on(d.MeasuresApprovedBy, d.MeasuresApprovedOn)},
		{"Residual risk accepted", "risk-accepted-by", on(d.RiskAcceptedBy, d.RiskAcceptedOn)},
		{"DPO advice", "dpo-advice", d.DPOAdvice},
		{"DPO advice followed", "dpo-followed", d.DPOFollowed},
	}
	missing := map[string]string{} // flag → the backend's words ("next-review (a date after today)")
	for _, m := range st.Missing {
		missing[missingField(m)] = m
	}
	if d.DPOFollowed == "no" || d.DPOReason != "" || missing["dpo-reason"] != "" {
		rows = append(rows, decisionRow{"Reason not followed", "dpo-reason", d.DPOReason})
	}
	rows = append(rows, decisionRow{"Prior consultation", "prior-consultation", d.PriorConsultation},
		decisionRow{"Next review", "next-review", d.NextReview})

	signed := st.Status == store.StatusSignedOff
	head := s.Subtitle.Render(fmt.Sprintf("Decisions of version %d", st.Version))
	switch n := len(missing); {
	case signed:
		head += s.Muted.Render(" · as signed")
	case n == 0:
		head += s.OK.Render(" · ✓ all made")
	default:
		head += s.Error.Render(fmt.Sprintf(" · %d of %d still missing for sign-off", n, len(rows)))
	}
	out := []string{truncate(head, w)}
	const labelW = 24
	for _, r := range rows {
		m, isMissing := missing[r.flag]
		value := r.value
		if value == "" {
			value = "—"
		}
		if isMissing && !signed {
			why := ""
			if _, rest, ok := strings.Cut(m, " "); ok {
				why = " " + rest
			}
			text := "MISSING"
			if r.value != "" {
				text = r.value + " · MISSING"
			}
			out = append(out, truncate(s.Error.Render("✗ ")+s.Text.Render(cell(r.label, labelW))+s.Error.Render(text)+s.Muted.Render(why), w))
			continue
		}
		out = append(out, truncate(s.OK.Render("✓ ")+s.Text.Render(cell(r.label, labelW))+s.Text.Render(oneLine(value)), w))
	}
	return out
}

// oneLine folds a multi-line value onto one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func (p *review) ShortHelp() []key.Binding {
	k := p.c.Keys
	switch p.mode {
	case reviewForm: // the form shows its own keys (enter, the arrows of a choice) above
		return []key.Binding{key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous field")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))}
	case reviewConfirm:
		return []key.Binding{k.Confirm, k.Decline}
	}
	return []key.Binding{k.Submit, k.Decide, k.SignOff, k.Refresh, k.Back}
}

func (p *review) FullHelp() [][]key.Binding {
	k := p.c.Keys
	if p.mode != reviewList {
		return [][]key.Binding{p.ShortHelp()}
	}
	return [][]key.Binding{{k.Submit, k.Decide, k.SignOff}, {k.Up, k.Down, k.PageUp, k.PageDown, k.Refresh, k.Back}}
}
