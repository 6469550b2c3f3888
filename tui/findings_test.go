package tui

import (
	"context"
	"strings"
	"testing"

	"github.com/dpia-tool/dpia/assessment/store"
)

// demoDriver builds the demo assessment and opens the given screen of it.
func demoDriver(t *testing.T, b Backend, screen string) (*driver, string) {
	t.Helper()
	a, err := b.CreateDemo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, b, 100, 34)
	d.send(navigateMsg{to: pageQuestions, id: a.ID, name: a.Name})
	d.keys(screen)
	return d, a.ID
}

func TestFindingsShowProhibitedTierForDemo(t *testing.T) {
	e := newEnv(t)
	d, _ := demoDriver(t, e.b, "2")
	d.mustSee("AI Act tier PROHIBITED", "Art. 5(1)(e)", "DPIA REQUIRED", "Heat map (residual)", "CRITICAL")
	f := d.m.pages[pageFindings].(*findings)
	if f.res == nil || f.res.AIAct.Tier != "prohibited" {
		t.Fatalf("tier %v", f.res)
	}
	total := len(f.visible())
	d.keys("i")
	d.mustSee("Heat map (inherent)")
	d.keys("L") // first law with findings
	if f.law == "" || len(f.visible()) >= total {
		t.Fatalf("law filter %q shows %d of %d", f.law, len(f.visible()), total)
	}
	for _, x := range f.visible() {
		if x.Law != f.law {
			t.Fatalf("filter %s shows a %s finding", f.law, x.Law)
		}
	}
	d.mustSee("law (L)      " + f.law)
	seen := map[string]bool{}
	for i := 0; i < 10 && f.law != ""; i++ { // cycles through the laws back to all
		seen[f.law] = true
		d.keys("L")
	}
	if f.law != "" || len(seen) < 2 {
		t.Fatalf("law filter: %q after %v", f.law, seen)
	}
	d.keys("o")
	if f.outcome == "" {
		t.Fatal("outcome filter did not change")
	}
	d.keys("s")
	d.mustSee("inherent risk")
}

func TestWhyViewJumpsToTheQuestion(t *testing.T) {
	e := newEnv(t)
	d, id := demoDriver(t, e.b, "2")
	f := d.m.pages[pageFindings].(*findings)
	first, _ := f.selected()
	d.keys("enter")
	d.mustSee("1. Why: what the rule read", "2. The law", "3. Recommendation", first.Title[:20])
	want, _ := becauseID(first.Because[0])
	d.keys("g")
	if d.m.active != pageQuestions {
		t.Fatalf("g went to %s", d.m.Active())
	}
	if q := d.questionnaire(); q.cur != want || q.id != id {
		t.Fatalf("jumped to %s of %s, want %s", q.cur, q.id, want)
	}
	d.mustSee(want)
}

func TestScenariosRankedWithOutcomes(t *testing.T) {
	e := newEnv(t)
	d, _ := demoDriver(t, e.b, "3")
	p := d.m.pages[pageScenarios].(*scenarios)
	if len(p.list) == 0 || p.list[0].ID != "clearview" {
		t.Fatalf("first scenario %v", p.list)
	}
	for i := 1; i < len(p.list); i++ {
		if p.list[i].Similarity > p.list[i-1].Similarity {
			t.Fatal("scenarios not ranked by similarity")
		}
	}
	d.mustSee("Clearview", "Matched traits")
	// The outcomes come from the pack's scenario.
	v := strings.Join(p.detailLines(), "\n")
	for _, want := range []string{"What happened in reality", "Garante", "Sanction", "A lawful design"} {
		if !strings.Contains(v, want) {
			t.Errorf("scenario detail lacks %q", want)
		}
	}
	d.keys("pgdown")
	if p.scroll == 0 {
		t.Error("pgdown did not scroll the detail")
	}
	d.keys("down")
	if p.cursor != 1 {
		t.Errorf("cursor %d", p.cursor)
	}
}

func TestHistoryShowsEventsAndVerifies(t *testing.T) {
	e := newEnv(t)
	d, id := demoDriver(t, e.b, "5")
	d.mustSee("✓ VERIFIED", "answer", "data.sources")
	// Tamper with the log: the screen must say so.
	if _, err := e.st.DB().Exec(`DROP TRIGGER IF EXISTS events_no_update`); err != nil {
		t.Skip("cannot tamper:", err)
	}
	if _, err := e.st.DB().Exec(`UPDATE events SET actor = 'mallory' WHERE assessment_id = ? AND seq = (SELECT min(seq) FROM events WHERE assessment_id = ?)`, id, id); err != nil {
		t.Skip("cannot tamper:", err)
	}
	d.keys("V")
	d.mustSee("DOES NOT VERIFY")
}

// TestHomeShowsUndecided: a new assessment, whose scope questions are unanswered, is listed
// with its risk and AI Act tier undecided, not as low risk and out of scope.
func TestHomeShowsUndecided(t *testing.T) {
	e := newEnv(t)
	if _, err := e.b.CreateAssessment(context.Background(), store.NewAssessment{Name: "Fresh"}); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, e.b, 100, 30)
	v := d.view()
	var row string
	for _, l := range strings.Split(v, "\n") {
		if strings.Contains(l, "Fresh") {
			row = l
		}
	}
	if !strings.Contains(row, "UNDECIDED") || strings.Contains(row, "OUT OF SCOPE") || strings.Contains(row, "LOW") {
		t.Fatalf("home row %q:\n%s", row, v)
	}
}
