package assessment_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/dpia-tool/dpia/assessment"
	q "github.com/dpia-tool/dpia/questionnaires"
)

// caseFile is a file of grading cases under testdata/cases: each case is a set of answers and
// evidence counts, with the rules that must fire and must not, and optionally the verdicts.
type caseFile struct {
	Cases []gradeCase `yaml:"cases"`
}

type gradeCase struct {
	Name         string              `yaml:"name"`
	Source       string              `yaml:"source"`
	Packs        []string            `yaml:"packs"`
	Answers      map[string]any      `yaml:"answers"`
	Evidence     map[string]int      `yaml:"evidence"`
	Fires        []string            `yaml:"fires"`
	Quiet        []string            `yaml:"quiet"`
	Tier         string              `yaml:"tier"`
	DPIARequired *bool               `yaml:"dpia_required"`
	Criteria     []string            `yaml:"criteria"`
	Scenario     string              `yaml:"scenario"`
	Residual     map[string]string   `yaml:"residual"`
	Risk         string              `yaml:"risk"`
	Because      map[string][]string `yaml:"because"`
}

func toValue(v any) q.Value {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		out := make(q.Value, 0, len(x))
		for _, e := range x {
			out = append(out, toValue(e)...)
		}
		return out
	case bool:
		if x {
			return q.Value{"yes"}
		}
		return q.Value{"no"}
	case string:
		return q.Value{x}
	default:
		return q.Value{strings.TrimSpace(yamlScalar(x))}
	}
}

func yamlScalar(v any) string {
	b, _ := yaml.Marshal(v)
	return string(b)
}

// TestCases grades every case in testdata/cases/*.yaml with the built-in packs and checks
// the rules that fire, the rules that stay quiet, and any verdicts the case states.
func TestCases(t *testing.T) {
	set, err := q.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "cases", "*.yaml"))
	if len(files) == 0 {
		t.Fatal("no case files in testdata/cases")
	}
	fired := map[string]bool{}
	quiet := map[string]bool{}
	bestFor := map[string]bool{}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var cf caseFile
		if err := yaml.UnmarshalWithOptions(b, &cf, yaml.DisallowUnknownField()); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, c := range cf.Cases {
			t.Run(filepath.Base(file)+"/"+c.Name, func(t *testing.T) {
				res := gradeCaseInput(t, set, c)
				got := map[string]assessment.Finding{}
				for _, f := range res.Findings {
					got[f.ID] = f
				}
				for _, id := range c.Fires {
					if set.Rule(id) == nil {
						t.Errorf("case names unknown rule %q", id)
					}
					if _, ok := got[id]; !ok {
						t.Errorf("rule %s did not fire; fired: %s", id, ids(res.Findings))
					}
					fired[id] = true
				}
				for _, id := range c.Quiet {
					if set.Rule(id) == nil {
						t.Errorf("case names unknown rule %q", id)
					}
					if _, ok := got[id]; ok {
						t.Errorf("rule %s fired but should not (because %v)", id, got[id].Because)
					}
					quiet[id] = true
				}
				checkVerdicts(t, c, res, got)
				if c.Scenario != "" {
					bestFor[c.Scenario] = true
				}
			})
		}
	}
	for _, r := range set.Rules {
		if !fired[r.ID.Value] {
			t.Errorf("rule %s has no case in which it fires", r.ID.Value)
		}
		if !quiet[r.ID.Value] {
			t.Errorf("rule %s has no case in which it stays quiet", r.ID.Value)
		}
	}
	for _, s := range set.Scenarios {
		if !bestFor[s.ID.Value] {
			t.Errorf("scenario %s has no case it matches best", s.ID.Value)
		}
	}
}

func gradeCaseInput(t *testing.T, set *q.Set, c gradeCase) assessment.Result {
	t.Helper()
	answers := map[string]q.Value{}
	for id, v := range c.Answers {
		answers[id] = toValue(v)
	}
	res, err := assessment.Grade(set, assessment.Input{System: assessment.System{Name: c.Name}, Packs: c.Packs, Answers: answers, Evidence: c.Evidence})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func checkVerdicts(t *testing.T, c gradeCase, res assessment.Result, got map[string]assessment.Finding) {
	t.Helper()
	if c.Tier != "" && res.AIAct.Tier != c.Tier {
		t.Errorf("AI Act tier = %s, want %s (reasons %v)", res.AIAct.Tier, c.Tier, res.AIAct.Reasons)
	}
	if c.DPIARequired != nil && res.DPIA.Required != *c.DPIARequired {
		t.Errorf("dpia.required = %v, want %v (criteria %v, cases %v)", res.DPIA.Required, *c.DPIARequired, res.DPIA.Criteria, res.DPIA.Cases)
	}
	if c.Criteria != nil {
		want := append([]string{}, c.Criteria...)
		have := append([]string{}, res.DPIA.Criteria...)
		sort.Strings(want)
		sort.Strings(have)
		if strings.Join(want, ",") != strings.Join(have, ",") {
			t.Errorf("dpia criteria = %v, want %v", have, want)
		}
	}
	if c.Scenario != "" {
		if len(res.Scenarios) == 0 || res.Scenarios[0].ID != c.Scenario {
			t.Errorf("best scenario = %v, want %s", scenarioRank(res), c.Scenario)
		}
	}
	for j, lvl := range c.Residual {
		if res.Jurisdictions[j] != lvl {
			t.Errorf("jurisdiction %s residual = %q, want %q", j, res.Jurisdictions[j], lvl)
		}
	}
	if c.Risk != "" && res.Risk.Residual != c.Risk {
		t.Errorf("overall residual = %s, want %s", res.Risk.Residual, c.Risk)
	}
	for id, want := range c.Because {
		f, ok := got[id]
		if !ok {
			t.Errorf("finding %s missing, cannot check because", id)
			continue
		}
		for _, w := range want {
			found := false
			for _, b := range f.Because {
				if b == w {
					found = true
				}
			}
			if !found {
				t.Errorf("finding %s because %v lacks %q", id, f.Because, w)
			}
		}
	}
}

func ids(fs []assessment.Finding) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.ID)
	}
	return strings.Join(out, ", ")
}

func scenarioRank(r assessment.Result) []string {
	var out []string
	for _, s := range r.Scenarios {
		out = append(out, s.ID+"="+strings.TrimRight(strings.TrimRight(yamlScalar(s.Similarity), "\n"), "0"))
	}
	return out
}
