package assessment

import (
	"testing"

	q "github.com/dpia-tool/dpia/questionnaires"
)

// TestDPIAUndecided: a DPIA not required yet is undecided while unanswered questions could
// still meet two criteria or an Art. 35(3) case (test packs: criteria c_bio, c_face, c_big;
// case m_huge = face and more than a million people).
func TestDPIAUndecided(t *testing.T) {
	set := testSet(t)
	tests := []struct {
		name                string
		answers             map[string]q.Value
		required, undecided bool
		label               string
	}{
		{"nothing answered", nil, false, true, "undecided"},
		{"no biometrics, small scale: at most one criterion", map[string]q.Value{"bio": {"no"}, "scale": {"10"}}, false, false, "not required"},
		{"no biometrics, scale unanswered: the kind of biometrics is hidden, so only one criterion could be met",
			map[string]q.Value{"bio": {"no"}}, false, false, "not required"},
		{"no biometrics, a hidden answer of faces does not count", map[string]q.Value{"bio": {"no"}, "bio.kind": {"face"}}, false, false, "not required"},
		{"biometrics unanswered, a hidden answer of faces would count once shown", map[string]q.Value{"bio.kind": {"face"}, "scale": {"10"}}, false, true, "undecided"},
		{"fingerprints, scale unanswered: a second criterion could be met", map[string]q.Value{"bio": {"yes"}, "bio.kind": {"finger"}}, false, true, "undecided"},
		{"fingerprints, small scale: decided", map[string]q.Value{"bio": {"yes"}, "bio.kind": {"finger"}, "scale": {"10"}}, false, false, "not required"},
		{"faces: two criteria met", map[string]q.Value{"bio": {"yes"}, "bio.kind": {"face"}}, true, false, "required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Grade(set, Input{Answers: tt.answers})
			if err != nil {
				t.Fatal(err)
			}
			if res.DPIA.Required != tt.required || res.DPIA.Undecided != tt.undecided || res.DPIALabel() != tt.label {
				t.Errorf("required %v undecided %v label %q; want %v %v %q (criteria %v)", res.DPIA.Required, res.DPIA.Undecided,
					res.DPIALabel(), tt.required, tt.undecided, tt.label, res.DPIA.Criteria)
			}
		})
	}
}
