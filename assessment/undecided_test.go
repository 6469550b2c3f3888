package assessment_test

import (
	"testing"

	"github.com/dpia-tool/dpia/assessment"
	q "github.com/dpia-tool/dpia/questionnaires"
)

// TestUndecidedScope: a law whose scope question is unanswered is "undecided", not "out of
// scope"; the result JSON keeps the contract's tier and levels, the labels say undecided.
func TestUndecidedScope(t *testing.T) {
	set, err := q.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name                       string
		answers                    map[string]q.Value
		tierUndecided, riskPending bool
		tierLabel, residualLabel   string
	}{
		{"nothing answered", nil, true, true, "undecided", "undecided"},
		{"outside every law", map[string]q.Value{"subjects.locations": {"other"}, "data.storage_locations": {"other"}, "data.personal": {"yes"}},
			false, false, "out_of_scope", "low"},
		{"Kazakhstan only: the AI Act is decided out of scope, KZ law applies",
			map[string]q.Value{"subjects.locations": {"kz"}, "data.personal": {"yes"}}, false, false, "out_of_scope", ""},
		{"the EU: the AI Act applies", map[string]q.Value{"subjects.locations": {"eu"}}, false, false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := assessment.Grade(set, assessment.Input{System: assessment.System{Name: "S"}, Answers: tt.answers})
			if err != nil {
				t.Fatal(err)
			}
			if got := res.AIActUndecided(); got != tt.tierUndecided {
				t.Errorf("AIActUndecided = %v, want %v (tier %s, %v)", got, tt.tierUndecided, res.AIAct.Tier, res.AIAct.Reasons)
			}
			if got := res.RiskUndecided(); got != tt.riskPending {
				t.Errorf("RiskUndecided = %v, want %v (%+v)", got, tt.riskPending, res.Laws)
			}
			if tt.tierLabel != "" && res.TierLabel() != tt.tierLabel {
				t.Errorf("TierLabel = %s, want %s", res.TierLabel(), tt.tierLabel)
			}
			if tt.residualLabel != "" && res.ResidualLabel() != tt.residualLabel {
				t.Errorf("ResidualLabel = %s, want %s", res.ResidualLabel(), tt.residualLabel)
			}
			if tt.tierUndecided {
				if res.AIAct.Tier != assessment.TierOutOfScope || res.Risk.Residual != "low" {
					t.Errorf("contract values changed: tier %s, residual %s", res.AIAct.Tier, res.Risk.Residual)
				}
				if want := "Whether the EU AI Act applies is not decided until answered: subjects.locations = (unanswered)."; res.AIAct.Reasons[0] != want {
					t.Errorf("reason %q, want %q", res.AIAct.Reasons[0], want)
				}
			}
		})
	}
}

// TestUndecidedLaw: a law is undecided only when some answer to the questions its scope reads
// could make it apply ("A and B" with A answered false is decided).
func TestUndecidedLaw(t *testing.T) {
	set, err := q.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		answers   map[string]q.Value
		law       string
		undecided bool
	}{
		{"GDPR: outside the EU, personal data unanswered", map[string]q.Value{"subjects.locations": {"other"}}, "gdpr", false},
		{"GDPR: no personal data, location unanswered", map[string]q.Value{"data.personal": {"no"}}, "gdpr", false},
		{"GDPR: personal data, location unanswered", map[string]q.Value{"data.personal": {"yes"}}, "gdpr", true},
		{"KZ PDL: stored in Kazakhstan unanswered", map[string]q.Value{"subjects.locations": {"eu"}, "data.personal": {"yes"}}, "kz_pdl", true},
		{"KZ PDL: neither subjects nor storage in Kazakhstan", map[string]q.Value{"subjects.locations": {"eu"}, "data.storage_locations": {"eu"}}, "kz_pdl", false},
		{"BIPA: nothing answered", nil, "us_il_bipa", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := assessment.Grade(set, assessment.Input{Answers: tt.answers})
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range res.Laws {
				if l.Law == tt.law {
					if l.Applies || l.Undecided != tt.undecided {
						t.Errorf("%s: applies %v, undecided %v (want %v): %s", l.Law, l.Applies, l.Undecided, tt.undecided, l.Reason)
					}
					return
				}
			}
			t.Fatalf("no law %s", tt.law)
		})
	}
}
