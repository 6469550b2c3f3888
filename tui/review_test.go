package tui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/dpia-tool/dpia/assessment/signoff"
	"github.com/dpia-tool/dpia/assessment/store"
)

// fakeReview is the real workspace backend plus an in-memory ReviewBackend: the review state
// of one assessment, a signing key (or none), and sign-offs that write nothing.
type fakeReview struct {
	*WorkspaceBackend
	ws   string // the workspace folder (sign-off folders are under it)
	name string // the assessment's name (Review reads no store: the unit tests' driver
	// gives every command 50 ms)

	mu        sync.Mutex
	status    string
	version   int
	decisions store.Decisions
	signoffs  []SignedVersion
	key       SignerKey
	signErr   error // SignOff fails with it
	due       bool  // a signed-off assessment's next review date has passed
	signCalls int
}

var _ ReviewBackend = (*fakeReview)(nil)

// fakeSignedAt is when the fake signs off.
var fakeSignedAt = time.Date(2026, 3, 1, 10, 4, 5, 0, time.UTC)

const fakeManifestSHA = "5f2c0a8e9d1b7c3f4e6a8b0c2d4e6f8091a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1"

func newFakeReview(e *env) *fakeReview {
	return &fakeReview{WorkspaceBackend: e.b, ws: e.dir, name: "Kiosk", status: store.StatusDraft, version: 1,
		key: SignerKey{Name: "Aigerim Sadykova", Fingerprint: "ed25519:0123456789abcdef", Path: filepath.Join(e.dir, "keys", "signing.key")}}
}

// allDecisions are decisions a sign-off accepts; prior consultation "no" with the demo's
// high residual risk earns the Art. 36 note.
var allDecisions = store.Decisions{MeasuresApprovedBy: "Management board", MeasuresApprovedOn: "2026-02-27",
	RiskAcceptedBy: "A. Sadykova, CEO", RiskAcceptedOn: "2026-02-27", DPOAdvice: "Replace fingerprints with badges",
	DPOFollowed: "no", DPOReason: "Badges get shared", PriorConsultation: "no", NextReview: "2099-03-01"}

func (f *fakeReview) dir(id string, v int) string {
	return filepath.Join(f.ws, "signoffs", fmt.Sprintf("%s-v%d", id, v))
}

func (f *fakeReview) Review(_ context.Context, id string) (ReviewState, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	st := ReviewState{Name: f.name, Status: f.status, Shown: f.status, Version: f.version, Decisions: f.decisions,
		SignOffs: append([]SignedVersion(nil), f.signoffs...), Signer: f.key, SignOffDir: f.dir(id, f.version)}
	if f.status != store.StatusSignedOff {
		st.Missing = signoff.Decisions(f.decisions).Missing(time.Now())
	} else if f.due {
		st.Shown = store.StatusReviewDue
	}
	return st, nil
}

func (f *fakeReview) SubmitForReview(_ context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.status == store.StatusSignedOff {
		return fmt.Errorf("assessment %s is signed off", id)
	}
	f.status = store.StatusInReview
	return nil
}

func (f *fakeReview) RecordDecisions(_ context.Context, _ string, d store.Decisions) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.status == store.StatusSignedOff {
		f.status, f.version, f.decisions = store.StatusDraft, f.version+1, store.Decisions{}
	}
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	c := &f.decisions
	set(&c.MeasuresApprovedBy, d.MeasuresApprovedBy)
	set(&c.MeasuresApprovedOn, d.MeasuresApprovedOn)
	set(&c.RiskAcceptedBy, d.RiskAcceptedBy)
	set(&c.RiskAcceptedOn, d.RiskAcceptedOn)
	set(&c.DPOAdvice, d.DPOAdvice)
	set(&c.DPOFollowed, d.DPOFollowed)
	set(&c.DPOReason, d.DPOReason)
	set(&c.PriorConsultation, d.PriorConsultation)
	set(&c.NextReview, d.NextReview)
	return nil
}

func (f *fakeReview) SignOff(_ context.Context, id string) (SignOffResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.signCalls++
	if f.signErr != nil {
		return SignOffResult{}, f.signErr
	}
	if f.status != store.StatusInReview {
		return SignOffResult{}, fmt.Errorf("assessment %s is not in review", id)
	}
	dir := f.dir(id, f.version)
	f.signoffs = append(f.signoffs, SignedVersion{Version: f.version, Signer: f.key.Name, Fingerprint: f.key.Fingerprint,
		SignedAt: fakeSignedAt, Dir: dir})
	f.status = store.StatusSignedOff
	res := SignOffResult{Version: f.version, Signer: f.key.Name, Fingerprint: f.key.Fingerprint, SignedAt: fakeSignedAt,
		ManifestSHA256: fakeManifestSHA, Dir: dir}
	for _, x := range []string{"pdf", "xlsx", "json", "md"} {
		res.Files = append(res.Files, fmt.Sprintf("%s-v%d.%s", id, f.version, x))
	}
	res.Files = append(res.Files, "manifest.json", "manifest.sig")
	if f.decisions.PriorConsultation == "no" {
		res.Warning = "the residual risk is high but prior consultation was decided 'no'; GDPR Art. 36 requires consulting the supervisory authority when high risk remains"
	}
	return res, nil
}

func (f *fakeReview) set(fn func(f *fakeReview)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

// openReview opens the review screen of a new assessment on a driver.
func openReview(t *testing.T, w, h int, setup func(f *fakeReview)) (*driver, *fakeReview, string) {
	t.Helper()
	e := newEnv(t)
	f := newFakeReview(e)
	if setup != nil {
		setup(f)
	}
	id := e.create(t, "Kiosk")
	d := newDriver(t, f, w, h)
	d.patience = 50 * time.Millisecond
	d.send(navigateMsg{to: pageReview, id: id, name: "Kiosk"})
	return d, f, id
}

// paste sends s as one key message, as a terminal delivers pasted text.
func (d *driver) paste(s string) {
	d.t.Helper()
	d.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)})
}

func (d *driver) review() *review { return d.m.pages[pageReview].(*review) }

// requireFits checks that the frame is exactly w×h.
func requireFits(t *testing.T, v string, w, h int) {
	t.Helper()
	lines := strings.Split(v, "\n")
	if len(lines) != h {
		t.Errorf("%d lines, want %d:\n%s", len(lines), h, v)
	}
	for i, l := range lines {
		if lw := lipgloss.Width(l); lw > w {
			t.Errorf("line %d is %d wide: %q", i, lw, l)
		}
	}
}

func TestReviewNotAvailableWithoutHook(t *testing.T) {
	e := newEnv(t)
	id := e.create(t, "Plain")
	d := newDriver(t, e.b, 80, 24)
	d.send(navigateMsg{to: pageQuestions, id: id})
	d.keys("7")
	d.mustSee("[7 Review]", "Review and sign-off are not available in this build")
	requireFits(t, d.view(), 80, 24)
}

// TestReviewShowsStateAndMissing: status, version, the decisions made and the missing ones
// marked in words, the signed-off versions and the signing key.
func TestReviewShowsStateAndMissing(t *testing.T) {
	d, _, _ := openReview(t, 80, 24, func(f *fakeReview) {
		f.decisions = store.Decisions{MeasuresApprovedBy: "Board", MeasuresApprovedOn: "2026-02-27", DPOFollowed: "no",
			NextReview: "2001-01-01"}
	})
	d.mustSee("Review of version 1", "status DRAFT", "[draft] → in review → signed off",
		"✓ Measures approved by    Board on 2026-02-27",
		"✗ Residual risk accepted  MISSING",
		"✗ Reason not followed     MISSING (the DPO's advice was not followed)",
		"✗ Next review             2001-01-01 · MISSING (a date after today)",
		"5 of 7 still missing for sign-off",
		"Next: submit it for review (s)")
	requireFits(t, d.view(), 80, 24)
	d.keys("down", "down", "down", "down", "down", "down", "down", "down", "down", "down", "down", "down")
	d.mustSee("Signed-off versions", "none yet", "signs as Aigerim Sadykova · ed25519:0123456789abcdef")
	requireFits(t, d.view(), 80, 24)
}

func TestReviewShowsMissingKeyAndCommand(t *testing.T) {
	d, _, _ := openReview(t, 100, 40, func(f *fakeReview) {
		f.status, f.decisions = store.StatusInReview, allDecisions
		f.key = SignerKey{Path: "/home/x/.config/dpia/signing.key", Missing: true, Create: `dpia keys init --name "Tester"`}
	})
	d.mustSee("✗ no signing key at /home/x/.config/dpia/signing.key", `Create one in a shell: dpia keys init --name "Tester"`)
	d.keys("S")
	if got, want := d.review().err, `There is no signing key at /home/x/.config/dpia/signing.key: create one in a shell with dpia keys init --name "Tester", then press r.`; got != want {
		t.Fatalf("error %q, want %q", got, want)
	}
	d.mustSee("! There is no signing key at")
	d.mustNotSee("Sign off version 1 of")
}

func TestReviewSubmitForReview(t *testing.T) {
	d, f, _ := openReview(t, 100, 30, nil)
	d.keys("s")
	if f.status != store.StatusInReview {
		t.Fatalf("status %q after s", f.status)
	}
	d.mustSee("status IN REVIEW", "draft → [in review] → signed off", "Version 1 is in review")
	d.keys("s")
	d.mustSee("already in review")
}

// TestReviewFormRecordsDecisions fills the decisions form with keys and checks what the
// backend recorded.
func TestReviewFormRecordsDecisions(t *testing.T) {
	d, f, _ := openReview(t, 80, 24, func(f *fakeReview) { f.status = store.StatusInReview })
	d.keys("e")
	if !d.review().Capturing() {
		t.Fatal("the form does not capture keys")
	}
	d.mustSee("Decisions of version 1", "Measures approved by", "1/3 Approvals")
	requireFits(t, d.view(), 80, 24)
	d.paste("Board")
	d.keys("enter")
	// A date that is not one is refused where it is typed.
	for range 10 {
		d.keys("backspace")
	}
	d.paste("27.02.2026")
	d.keys("enter")
	d.mustSee("not a date: write it YYYY-MM-DD")
	for range 10 {
		d.keys("backspace")
	}
	d.paste("2026-02-27")
	d.keys("enter")
	d.paste("CEO")
	d.keys("enter", "enter") // accepted on: today
	d.mustSee("2/3 The DPO")
	d.paste("Use badges")
	d.keys("enter")
	d.keys("down", "down", "enter") // followed: no
	d.paste("Badges get shared")
	d.keys("enter")
	d.mustSee("3/3 Consultation and next review")
	d.keys("down", "enter") // prior consultation: yes
	d.paste("2099-06-01")
	d.keys("enter")
	if d.review().mode != reviewList {
		t.Fatalf("form still open:\n%s", d.view())
	}
	got := f.decisions
	want := store.Decisions{MeasuresApprovedBy: "Board", MeasuresApprovedOn: "2026-02-27", RiskAcceptedBy: "CEO",
		RiskAcceptedOn: time.Now().Format("2006-01-02"), DPOAdvice: "Use badges", DPOFollowed: "no",
		DPOReason: "Badges get shared", PriorConsultation: "yes", NextReview: "2099-06-01"}
	if got != want {
		t.Fatalf("recorded %+v\nwant     %+v", got, want)
	}
	d.mustSee("Recorded the decisions of version 1; it is ready to sign off (S).", "✓ all made")
}

func TestReviewFormEscRecordsNothing(t *testing.T) {
	d, f, _ := openReview(t, 80, 24, nil)
	d.keys("e")
	d.paste("Board")
	d.keys("esc")
	if f.decisions != (store.Decisions{}) {
		t.Fatalf("esc recorded %+v", f.decisions)
	}
	d.mustSee("Review of version 1", "Nothing recorded.")
}

// TestReviewSignOffAsksConfirmation: S shows what will be written where; esc signs nothing;
// y signs off and shows the manifest hash, the folder and the Art. 36 note.
func TestReviewSignOffAsksConfirmation(t *testing.T) {
	d, f, id := openReview(t, 80, 24, func(f *fakeReview) { f.status, f.decisions = store.StatusInReview, allDecisions })
	d.mustSee("✓ all made", "Next: sign off (S)")
	d.keys("S")
	d.mustSee("Sign off version 1 of “Kiosk”?", "pdf, xlsx, json and md reports", filepath.Join(f.ws, "signoffs", id+"-v1"),
		"manifest.json", "manifest.sig", "Aigerim Sadykova", "(ed25519:0123456789abcdef)", "reopens it as version 2", "enter/y signs off")
	requireFits(t, d.view(), 80, 24)
	d.keys("esc")
	if f.signCalls != 0 {
		t.Fatal("esc signed off")
	}
	d.mustSee("Not signed off.")
	d.keys("S", "y")
	if f.signCalls != 1 || f.status != store.StatusSignedOff {
		t.Fatalf("after y: %d calls, status %q", f.signCalls, f.status)
	}
	d.mustSee("✓ Signed off version 1 as Aigerim Sadykova", fakeManifestSHA, "folder "+f.ws,
		"! Note: the residual risk is high", "status SIGNED OFF", "[signed off]")
	requireFits(t, d.view(), 80, 24)
	// Signed off: S refuses and says why.
	d.keys("S")
	d.mustSee("Version 1 is already signed off")
	if f.signCalls != 1 {
		t.Fatal("S signed a signed-off version again")
	}
	// The signed-off version is listed.
	d.send(navigateMsg{to: pageReview, id: id})
	for range 10 {
		d.keys("down")
	}
	d.mustSee("v1   Aigerim Sadykova", "2026-03-01 10:04 UTC")
}

// TestReviewErrorsAreOneSentence: every refusal is one sentence that says what to do.
func TestReviewErrorsAreOneSentence(t *testing.T) {
	oneSentence := func(t *testing.T, d *driver, want string) {
		t.Helper()
		got := d.review().err
		if got != want {
			t.Fatalf("error %q\nwant  %q", got, want)
		}
		if strings.Contains(strings.TrimSuffix(got, "."), ". ") || !strings.HasSuffix(got, ".") || strings.Contains(got, "\n") {
			t.Fatalf("not one sentence: %q", got)
		}
	}
	d, f, _ := openReview(t, 100, 30, nil)
	d.keys("S")
	oneSentence(t, d, "Version 1 is a draft: submit it for review with s before signing off.")
	d.mustSee("! Version 1 is a draft")

	f.set(func(f *fakeReview) {
		f.status, f.decisions = store.StatusInReview, allDecisions
		f.decisions.RiskAcceptedBy, f.decisions.NextReview = "", ""
	})
	d.keys("r", "S")
	oneSentence(t, d, "Sign-off needs who accepted the residual risk and a next review date after today: press e to record them.")
	if f.signCalls != 0 {
		t.Fatal("signed off with decisions missing")
	}

	f.set(func(f *fakeReview) {
		f.decisions = allDecisions
		f.signErr = errors.New("assessment a-00000000 changed while it was being signed off; sign off again")
	})
	d.keys("r", "S", "enter")
	oneSentence(t, d, "Assessment a-00000000 changed while it was being signed off; sign off again.")
	d.mustSee("! Assessment a-00000000 changed while it was being signed off")
	if d.review().busy != "" {
		t.Fatal("still busy after the error")
	}
}

// TestReviewDecisionOnSignedOffReopens: the form warns that a decision reopens a signed-off
// assessment, and the status says it did.
func TestReviewDecisionOnSignedOffReopens(t *testing.T) {
	d, f, _ := openReview(t, 80, 24, func(f *fakeReview) {
		f.status, f.decisions = store.StatusSignedOff, allDecisions
		f.signoffs = []SignedVersion{{Version: 1, Signer: "Aigerim Sadykova", Fingerprint: "ed25519:0123456789abcdef", SignedAt: fakeSignedAt}}
	})
	d.mustSee("status SIGNED OFF", "Decisions of version 1 · as signed")
	d.keys("e")
	d.mustSee("Signed off: recording a decision reopens it as version 2 (draft).")
	d.keys("enter", "enter", "enter", "enter", "enter", "enter", "enter", "enter")
	for range 10 {
		d.keys("backspace")
	}
	d.paste("2099-12-31")
	d.keys("enter")
	if f.version != 2 || f.status != store.StatusDraft {
		t.Fatalf("version %d status %q", f.version, f.status)
	}
	d.mustSee("Reopened the signed-off assessment as version 2 (draft)", "Review of version 2")
}

func TestFlowReviewAndSignOff(t *testing.T) {
	e := newEnv(t)
	f := newFakeReview(e)
	id := e.create(t, "Kiosk")
	f.set(func(f *fakeReview) {
		f.decisions = store.Decisions{MeasuresApprovedBy: "Management board", MeasuresApprovedOn: "2026-02-27", DPOFollowed: "no"}
	})
	tm := startFlow(t, f, 80, 24, Options{Open: id})
	waitFor(t, tm, "system.purpose")
	press(tm, "7")
	// Draft: the tabs fit 80 columns, the missing decisions are marked in words.
	requireGoldenScreen(t, "1_draft", waitScreen(t, tm, "[7 Review]", "Review of version 1", "still missing for sign-off"))
	press(tm, "s")
	waitScreen(t, tm, "status IN REVIEW")
	press(tm, "e")
	// The first page of the decisions form.
	// The first page of the decisions form. The acceptance date defaults to today.
	form := waitScreen(t, tm, "1/3 Approvals", "Residual risk accepted by")
	form = strings.ReplaceAll(form, time.Now().Format("2006-01-02"), "<today>   ")
	requireGoldenScreen(t, "2_form", form)
	press(tm, "esc")
	waitScreen(t, tm, "Nothing recorded.")
	f.set(func(f *fakeReview) { f.decisions = allDecisions })
	press(tm, "r")
	waitScreen(t, tm, "✓ all made")
	press(tm, "S")
	// The confirmation: what is written, where, and with which key.
	requireGoldenScreen(t, "3_confirm", waitScreen(t, tm, "Sign off version 1 of", "enter/y signs off"))
	press(tm, "y")
	// Signed off: the manifest hash, the folder and the Art. 36 note.
	requireGoldenScreen(t, "4_signed", waitScreen(t, tm, "✓ Signed off version 1", "! Note:", "status SIGNED OFF",
		"Signed off version 1: the manifest's hash"))
	v := finalView(t, tm)
	if !strings.Contains(v, fakeManifestSHA) {
		t.Fatalf("final screen:\n%s", v)
	}
}

// TestReviewShowsReviewDue: a signed-off assessment past its next review date says so in
// words, and the help lists the screen's keys.
func TestReviewShowsReviewDue(t *testing.T) {
	d, _, _ := openReview(t, 80, 24, func(f *fakeReview) {
		f.status, f.due, f.decisions = store.StatusSignedOff, true, allDecisions
		f.decisions.NextReview = "2001-01-01"
		f.signoffs = []SignedVersion{{Version: 1, Signer: "Aigerim Sadykova", Fingerprint: "ed25519:0123456789abcdef", SignedAt: fakeSignedAt}}
	})
	d.mustSee("status REVIEW DUE", "draft → in review → [signed off, review due]", "The next review date (2001-01-01) has passed")
	d.mustNotSee("MISSING")
	requireFits(t, d.view(), 80, 24)
	d.keys("?")
	d.mustSee("Keys on the Review screen", "submit", "decisions", "sign off", "1–7")
	requireFits(t, d.view(), 80, 24)
}
