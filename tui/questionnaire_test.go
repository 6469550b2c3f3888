package tui

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/dpia-tool/dpia/assessment/store"
	q "github.com/dpia-tool/dpia/questionnaires"
)

// openAt opens an assessment's questionnaire at a question.
func openAt(t *testing.T, d *driver, id, question string) *questionnaire {
	t.Helper()
	d.send(navigateMsg{to: pageQuestions, id: id, arg: question})
	qn := d.questionnaire()
	if qn.cur != question {
		t.Fatalf("current question %q, want %q", qn.cur, question)
	}
	return qn
}

func TestYesNoAnswerIsSavedAndPersists(t *testing.T) {
	e := newEnv(t)
	id := e.create(t, "Persist")
	d := newDriver(t, e.b, 100, 30)
	qn := openAt(t, d, id, "data.personal")

	// The answer is shown at once, but "saved" only once the backend has returned.
	_, cmd := d.m.Update(keyMsg("y"))
	if got := qn.answers["data.personal"]; !slices.Equal(got, q.Value{"yes"}) {
		t.Fatalf("local answer %v", got)
	}
	d.mustSee("… saving")
	d.mustNotSee("✓ saved")
	d.run(cmd)
	d.mustSee("✓ saved at", "(•) Yes (y)")

	if got := e.reopenAnswers(t, id)["data.personal"]; !slices.Equal(got, []string{"yes"}) {
		t.Fatalf("stored after reopening: %v", got)
	}
	// Changing it, then clearing it.
	d.keys("n")
	if got := e.reopenAnswers(t, id)["data.personal"]; !slices.Equal(got, []string{"no"}) {
		t.Fatalf("after n: %v", got)
	}
	d.keys("x")
	if _, ok := e.reopenAnswers(t, id)["data.personal"]; ok {
		t.Fatal("x did not clear the answer")
	}
	d.mustSee("not answered")
}

func TestSkipLogicHidesAndShowsLive(t *testing.T) {
	e := newEnv(t)
	id := e.create(t, "Skip")
	d := newDriver(t, e.b, 100, 30)
	qn := openAt(t, d, id, "data.categories")
	d.keys("space") // first option
	if len(qn.answers["data.categories"]) != 1 {
		t.Fatalf("multi toggle: %v", qn.answers["data.categories"])
	}
	visible := func(qid string) bool {
		return slices.ContainsFunc(qn.order, func(x *q.Question) bool { return x.ID.Value == qid })
	}
	if !visible("data.categories") {
		t.Fatal("data.categories hidden before data.personal is answered")
	}
	d.send(navigateMsg{to: pageQuestions, id: id, arg: "data.personal"})
	d.keys("n")
	if visible("data.categories") {
		t.Fatal("data.categories still shown after data.personal = no")
	}
	// The hidden answer is kept in the store (never counted).
	if got := e.reopenAnswers(t, id)["data.categories"]; len(got) != 1 {
		t.Fatalf("hidden answer not kept: %v", got)
	}
	d.keys("y")
	if !visible("data.categories") {
		t.Fatal("data.categories not shown again after data.personal = yes")
	}
	d.keys("right")
	if qn.cur != "data.categories" {
		t.Fatalf("next question after data.personal: %s", qn.cur)
	}
	d.mustSee("[x]")
}

func TestMultiToggleAndSingleChoice(t *testing.T) {
	e := newEnv(t)
	id := e.create(t, "Choices")
	d := newDriver(t, e.b, 100, 30)
	openAt(t, d, id, "subjects.locations")
	d.keys("space", "down", "down", "space", "down", "space", "up", "space")
	// options: eu, kz, us_illinois, us_other, other → toggled eu, us_illinois, us_other, off us_illinois
	if got := e.reopenAnswers(t, id)["subjects.locations"]; !slices.Equal(got, []string{"eu", "us_other"}) {
		t.Fatalf("multi answer %v", got)
	}
	openAt(t, d, id, "system.role")
	d.keys("down", "enter") // deployer, then next question
	if got := e.reopenAnswers(t, id)["system.role"]; !slices.Equal(got, []string{"deployer"}) {
		t.Fatalf("single answer %v", got)
	}
	if d.questionnaire().cur == "system.role" {
		t.Fatal("enter did not move to the next question")
	}
}

func TestTextAnswerAndNote(t *testing.T) {
	e := newEnv(t)
	id := e.create(t, "Text")
	d := newDriver(t, e.b, 100, 30)
	qn := openAt(t, d, id, "system.purpose")
	d.keys("enter")
	if !qn.Capturing() {
		t.Fatal("enter did not open the text editor")
	}
	d.keys("q") // typed, not quit
	if d.quit {
		t.Fatal("q quit while typing")
	}
	d.typeText("Face search")
	d.keys("esc")
	if qn.Capturing() {
		t.Fatal("esc did not close the editor")
	}
	if got := e.reopenAnswers(t, id)["system.purpose"]; !slices.Equal(got, []string{"qFace search"}) {
		t.Fatalf("text answer %v", got)
	}
	d.keys("m")
	d.typeText("Checked with the DPO.")
	d.keys("ctrl+s", "esc")
	notes, err := e.st.Notes(context.Background(), id)
	if err != nil || notes["system.purpose"] != "Checked with the DPO." {
		t.Fatalf("note %q, %v", notes["system.purpose"], err)
	}
	d.mustSee("Note", "Checked with the DPO.")
}

// TestTextIsAutosavedWhileTyping: a pause in typing saves without leaving the editor.
func TestTextIsAutosavedWhileTyping(t *testing.T) {
	e := newEnv(t)
	id := e.create(t, "Autosave")
	d := newDriver(t, e.b, 100, 30)
	openAt(t, d, id, "system.purpose")
	d.keys("enter")
	for _, r := range "Draft" { // keystrokes whose idle timers are superseded
		d.m.Update(keyMsg(string(r)))
	}
	d.keys("!") // the last keystroke's timer fires and saves
	if got := e.reopenAnswers(t, id)["system.purpose"]; !slices.Equal(got, []string{"Draft!"}) {
		t.Fatalf("autosaved %v", got)
	}
	if !d.questionnaire().Capturing() {
		t.Fatal("autosave closed the editor")
	}
}

// TestFlushSavesOpenEditor: quitting with text typed but not yet saved loses nothing.
func TestFlushSavesOpenEditor(t *testing.T) {
	e := newEnv(t)
	id := e.create(t, "Flush")
	d := newDriver(t, e.b, 100, 30)
	openAt(t, d, id, "system.purpose")
	d.keys("enter")
	for _, r := range "Unsaved words" {
		d.m.Update(keyMsg(string(r))) // timers never run
	}
	d.keys("ctrl+c")
	if !d.quit {
		t.Fatal("ctrl+c did not quit")
	}
	if err := d.m.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := e.reopenAnswers(t, id)["system.purpose"]; !slices.Equal(got, []string{"Unsaved words"}) {
		t.Fatalf("after flush %v", got)
	}
}

func TestSavesKeepOrder(t *testing.T) {
	e := newEnv(t)
	id := e.create(t, "Order")
	d := newDriver(t, e.b, 100, 30)
	openAt(t, d, id, "data.personal")
	// Three answers given before any save returns: the last one wins in the store.
	var cmds []func()
	for _, k := range []string{"y", "n", "u"} {
		_, cmd := d.m.Update(keyMsg(k))
		cmds = append(cmds, func() { d.run(cmd) })
	}
	for _, c := range cmds {
		c()
	}
	if got := e.reopenAnswers(t, id)["data.personal"]; !slices.Equal(got, []string{"unknown"}) {
		t.Fatalf("stored %v, want the last answer", got)
	}
	d.mustSee("✓ saved at")
}

func TestNumberQuestion(t *testing.T) {
	files, err := q.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	set, err := q.Build(files, []q.NamedFile{{Name: "extra.yaml", Data: []byte(`id: extra
title: Extra
jurisdiction: global
core: true
order: 95
sections:
  - id: numbers
    title: Numbers
    questions:
      - {id: extra.count, type: number, text: How many people?}
`)}})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	e.b = NewWorkspaceBackend(e.st, set, "tester")
	id := e.create(t, "Number")
	d := newDriver(t, e.b, 100, 30)
	openAt(t, d, id, "extra.count")
	d.keys("enter")
	d.typeText("12a")
	d.keys("enter")
	d.mustSee("is not a number")
	if _, ok := e.reopenAnswers(t, id)["extra.count"]; ok {
		t.Fatal("an invalid number was saved")
	}
	d.keys("backspace", "enter")
	if got := e.reopenAnswers(t, id)["extra.count"]; !slices.Equal(got, []string{"12"}) {
		t.Fatalf("number %v", got)
	}
	if d.questionnaire().Capturing() {
		t.Fatal("enter did not close the number field")
	}
}

func TestNextUnansweredAndRiskMeter(t *testing.T) {
	e := newEnv(t)
	id := e.create(t, "Jump")
	d := newDriver(t, e.b, 100, 30)
	d.send(navigateMsg{to: pageQuestions, id: id})
	qn := d.questionnaire()
	first := qn.cur
	d.keys("g")
	if qn.cur == first || qn.cur == "" {
		t.Fatalf("g stayed on %s", qn.cur)
	}
	d.mustSee("AI Act", "Residual risk", "DPIA", "% complete")
	// Answering the scraping question makes the live tier prohibited.
	for qid, v := range map[string][]string{"data.personal": {"yes"}, "subjects.locations": {"eu"}, "biometric.used": {"yes"}, "biometric.modalities": {"face"}} {
		if err := e.b.SetAnswer(context.Background(), id, qid, v); err != nil {
			t.Fatal(err)
		}
	}
	d.send(navigateMsg{to: pageHome})
	d.send(navigateMsg{to: pageQuestions, id: "other"}) // leave, so that the answers are read again
	openAt(t, d, id, "biometric.untargeted_collection")
	d.keys("y")
	if !strings.Contains(qn.riskMeter(), "PROHIBITED") {
		t.Fatalf("risk meter after the answer: %s", qn.riskMeter())
	}
}

func TestQuestionnaireStaysOnStoreStatus(t *testing.T) {
	e := newEnv(t)
	id := e.create(t, "Store")
	if err := e.b.SetStatus(context.Background(), id, store.StatusInReview); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, e.b, 80, 24)
	d.send(navigateMsg{to: pageQuestions, id: id})
	d.mustSee("question 1 of", "Screening")
}
