package assessment

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	q "github.com/dpia-tool/dpia/questionnaires"
)

// testPacks is a small pack set that exercises every engine feature independently of the
// legal packs.
const testCore = `
id: core
title: Core
jurisdiction: global
core: true
sections:
  - id: s
    title: S
    questions:
      - {id: where, type: multi, text: Where?, options: [{value: eu}, {value: us}]}
      - {id: bio, type: yes_no, text: Biometric?}
      - {id: bio.kind, type: single, text: Kind?, show_if: 'yes("bio")', options: [{value: face}, {value: finger}]}
      - {id: safe, type: yes_no, text: Safeguards?}
      - {id: scale, type: number, text: How many people?, required: false}
dpia:
  criteria:
    - {id: c_bio, title: Sensitive, when: 'yes("bio")'}
    - {id: c_face, title: Face, when: 'is("bio.kind", "face")'}
    - {id: c_big, title: Large, when: 'num("scale") > 100000'}
  mandatory:
    - {id: m_huge, title: Huge face database, article: "35(3)(b)", when: 'is("bio.kind", "face") && num("scale") > 1000000'}
scenarios:
  - id: clearview
    title: Clearview
    traits:
      - {id: face, label: Face, weight: 3, when: 'is("bio.kind", "face")'}
      - {id: big, label: Big, weight: 1, when: 'num("scale") > 1000000'}
  - id: timeclock
    title: Time clock
    traits:
      - {id: finger, label: Fingerprint, weight: 2, when: 'is("bio.kind", "finger")'}
      - {id: bio, label: Biometric, weight: 2, when: 'yes("bio")'}
`

const testLaw = `
id: law
title: Test law
jurisdiction: eu
law: {id: eu_ai_act, name: Test, version: "1", current_to: 2026-01-01}
applies_if: 'has("where", "eu")'
rules:
  - id: r.face
    title: Face identification
    law: eu_ai_act
    article: 5(1)(e)
    outcome: prohibited
    when: 'yes("bio") && is("bio.kind", "face")'
    severity: 4
    likelihood: 4
    recommendation: Stop.
    evidence: [face_image]
  - id: r.bio
    title: Biometric without safeguards
    law: gdpr
    article: 9(1)
    outcome: obligation
    when: 'yes("bio") || found("fingerprint_template") > 0'
    severity: 3
    likelihood: 4
    mitigations:
      - {id: m.safe, text: Safeguards, when: 'yes("safe")', reduces: {severity: 1, likelihood: 2}}
      - {id: m.never, text: Never, when: 'no("safe") && yes("safe")', reduces: {likelihood: 1}}
    recommendation: Add safeguards.
`

func testSet(t testing.TB) *q.Set {
	t.Helper()
	set, err := q.Build([]q.NamedFile{{Name: "core.yaml", Data: []byte(testCore)}, {Name: "law.yaml", Data: []byte(testLaw)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func TestMatrix(t *testing.T) {
	tests := []struct {
		sev, lik int
		want     string
	}{
		{1, 1, "low"}, {1, 4, "medium"}, {2, 2, "medium"}, {2, 4, "high"}, {3, 1, "medium"},
		{3, 3, "high"}, {3, 4, "critical"}, {4, 1, "high"}, {4, 3, "critical"}, {4, 4, "critical"},
		{0, 9, "medium"}, // clamped to 1×4
	}
	for _, tt := range tests {
		if got := DefaultMatrix.Level(tt.sev, tt.lik); got != tt.want {
			t.Errorf("Level(%d,%d) = %s, want %s", tt.sev, tt.lik, got, tt.want)
		}
	}
}

func TestGrade(t *testing.T) {
	set := testSet(t)
	tests := []struct {
		name     string
		answers  map[string]q.Value
		evidence map[string]int
		check    func(t *testing.T, r Result)
	}{
		{
			name:    "prohibited face identification",
			answers: map[string]q.Value{"where": {"eu"}, "bio": {"yes"}, "bio.kind": {"face"}},
			check: func(t *testing.T, r Result) {
				wantFindings(t, r, "r.face", "r.bio")
				if r.AIAct.Tier != TierProhibited {
					t.Errorf("tier %s", r.AIAct.Tier)
				}
				f := r.Findings[0]
				if f.Inherent != "critical" || f.Residual != "critical" {
					t.Errorf("r.face levels %s/%s", f.Inherent, f.Residual)
				}
				if !reflect.DeepEqual(f.Because, []string{"bio = yes", "bio.kind = face"}) {
					t.Errorf("because %v", f.Because)
				}
				if r.Jurisdictions["eu"] != "critical" {
					t.Errorf("eu %s", r.Jurisdictions["eu"])
				}
			},
		},
		{
			name:    "mitigation lowers residual only when it holds",
			answers: map[string]q.Value{"where": {"eu"}, "bio": {"yes"}, "bio.kind": {"finger"}, "safe": {"yes"}},
			check: func(t *testing.T, r Result) {
				wantFindings(t, r, "r.bio")
				f := r.Findings[0]
				if f.Inherent != "critical" || f.ResidualSeverity != 2 || f.ResidualLikelihood != 2 || f.Residual != "medium" {
					t.Errorf("levels %s → %d×%d %s", f.Inherent, f.ResidualSeverity, f.ResidualLikelihood, f.Residual)
				}
				if len(f.Mitigations) != 1 || f.Mitigations[0].ID != "m.safe" || f.Mitigations[0].Because[0] != "safe = yes" {
					t.Errorf("mitigations %+v", f.Mitigations)
				}
				if r.Risk.Inherent != "critical" || r.Risk.Residual != "medium" {
					t.Errorf("risk %+v", r.Risk)
				}
			},
		},
		{
			// A peer tool counted answers to hidden questions: bio.kind = face is kept but, with
			// bio = no, the question is hidden and must count toward nothing.
			name:    "hidden answers never count",
			answers: map[string]q.Value{"where": {"eu"}, "bio": {"no"}, "bio.kind": {"face"}, "scale": {"5000000"}},
			check: func(t *testing.T, r Result) {
				wantFindings(t, r)
				if !reflect.DeepEqual(r.Hidden, []string{"bio.kind"}) {
					t.Errorf("hidden %v", r.Hidden)
				}
				if r.AIAct.Tier != TierMinimal {
					t.Errorf("tier %s", r.AIAct.Tier)
				}
				if !reflect.DeepEqual(r.DPIA.Criteria, []string{"c_big"}) || r.DPIA.Required || len(r.DPIA.Cases) != 0 {
					t.Errorf("dpia %+v", r.DPIA)
				}
				if r.Scenarios[0].ID == "clearview" && r.Scenarios[0].Similarity > 0.25 {
					t.Errorf("hidden face answer counted in scenario: %+v", r.Scenarios[0])
				}
				if r.Completeness != 0.67 { // where, bio answered; safe not; bio.kind hidden
					t.Errorf("completeness %v", r.Completeness)
				}
			},
		},
		{
			name:     "evidence alone fires and is named",
			answers:  map[string]q.Value{"where": {"eu"}, "bio": {"no"}},
			evidence: map[string]int{"fingerprint_template": 7},
			check: func(t *testing.T, r Result) {
				wantFindings(t, r, "r.bio")
				if !reflect.DeepEqual(r.Findings[0].Because, []string{"bio = no", "evidence.fingerprint_template = 7"}) {
					t.Errorf("because %v", r.Findings[0].Because)
				}
			},
		},
		{
			name:    "law out of scope: no findings, tier out_of_scope",
			answers: map[string]q.Value{"where": {"us"}, "bio": {"yes"}, "bio.kind": {"face"}},
			check: func(t *testing.T, r Result) {
				wantFindings(t, r)
				if r.AIAct.Tier != TierOutOfScope || len(r.Jurisdictions) != 0 {
					t.Errorf("tier %s, jurisdictions %v", r.AIAct.Tier, r.Jurisdictions)
				}
				if !strings.Contains(r.Laws[0].Reason, "where = us") {
					t.Errorf("scope reason %q", r.Laws[0].Reason)
				}
			},
		},
		{
			name:    "criteria count: two criteria require a DPIA, a mandatory case alone does too",
			answers: map[string]q.Value{"where": {"eu"}, "bio": {"yes"}, "bio.kind": {"face"}, "scale": {"2000000"}},
			check: func(t *testing.T, r Result) {
				if !r.DPIA.Required || len(r.DPIA.Criteria) != 3 || !reflect.DeepEqual(r.DPIA.Cases, []string{"m_huge"}) {
					t.Errorf("dpia %+v", r.DPIA)
				}
			},
		},
		{
			name:    "one criterion does not require a DPIA",
			answers: map[string]q.Value{"where": {"eu"}, "bio": {"yes"}, "bio.kind": {"finger"}},
			check: func(t *testing.T, r Result) {
				if r.DPIA.Required || !reflect.DeepEqual(r.DPIA.Criteria, []string{"c_bio"}) {
					t.Errorf("dpia %+v", r.DPIA)
				}
			},
		},
		{
			name:    "scenario similarity is matched weight over total",
			answers: map[string]q.Value{"where": {"eu"}, "bio": {"yes"}, "bio.kind": {"finger"}},
			check: func(t *testing.T, r Result) {
				if r.Scenarios[0].ID != "timeclock" || r.Scenarios[0].Similarity != 1 {
					t.Errorf("scenarios %+v", r.Scenarios)
				}
				if r.Scenarios[1].ID != "clearview" || r.Scenarios[1].Similarity != 0 || len(r.Scenarios[1].Missing) != 2 {
					t.Errorf("scenarios %+v", r.Scenarios)
				}
			},
		},
		{
			name:    "completeness counts visible required questions",
			answers: map[string]q.Value{"where": {"eu"}, "bio": {"yes"}},
			check: func(t *testing.T, r Result) {
				// where, bio, bio.kind (visible now), safe are required; scale is optional.
				if r.Completeness != 0.5 || !reflect.DeepEqual(r.Unanswered, []string{"bio.kind", "safe"}) {
					t.Errorf("completeness %v, unanswered %v", r.Completeness, r.Unanswered)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Grade(set, Input{Answers: tt.answers, Evidence: tt.evidence})
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, r)
		})
	}
}

func wantFindings(t *testing.T, r Result, ids ...string) {
	t.Helper()
	var got []string
	for _, f := range r.Findings {
		got = append(got, f.ID)
	}
	if strings.Join(got, ",") != strings.Join(ids, ",") {
		t.Errorf("findings %v, want %v", got, ids)
	}
}

func TestGradeRejectsBadAnswers(t *testing.T) {
	set := testSet(t)
	tests := []struct {
		answers map[string]q.Value
		packs   []string
		want    string
	}{
		{map[string]q.Value{"nope": {"yes"}}, nil, `unknown question id "nope"`},
		{map[string]q.Value{"bio": {"maybe"}}, nil, `question "bio": value "maybe" is not one of its options (yes, no, unknown)`},
		{map[string]q.Value{"bio.kind": {"face", "finger"}}, nil, `question "bio.kind" takes one value`},
		{map[string]q.Value{"scale": {"many"}}, nil, `question "scale": value "many" is not a number`},
		{nil, []string{"gdpr2"}, `unknown pack "gdpr2"`},
	}
	for _, tt := range tests {
		_, err := Grade(set, Input{Answers: tt.answers, Packs: tt.packs})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("error %v, want %q", err, tt.want)
		}
	}
}

// TestDeterminism grades the same input many times (maps iterate in random order in Go) and
// requires byte-identical JSON.
func TestDeterminism(t *testing.T) {
	set, err := q.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	in := Input{System: System{Name: "FaceFind"}, Answers: map[string]q.Value{
		"subjects.locations": {"eu", "kz", "us_illinois"}, "data.sources": {"scraped_public_web", "third_party"},
		"biometric.used": {"yes"}, "biometric.modalities": {"face", "voice"}, "biometric.functions": {"identification", "categorisation"},
		"data.scale": {"over_1m"}, "consent.form": {"none"}, "data.disclosure": {"sold"},
	}, Evidence: map[string]int{"face_image": 40, "kz_iin": 3, "email": 9}}
	var first []byte
	for i := 0; i < 30; i++ {
		r, err := Grade(set, in)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(r)
		if first == nil {
			first = b
		} else if !bytes.Equal(first, b) {
			t.Fatalf("run %d differs from run 0", i)
		}
	}
}

// BenchmarkGrade grades a Clearview-like system with all built-in packs.
func BenchmarkGrade(b *testing.B) {
	set, err := q.LoadBuiltin()
	if err != nil {
		b.Fatal(err)
	}
	in := Input{Answers: map[string]q.Value{
		"subjects.locations": {"eu", "kz", "us_illinois"}, "data.sources": {"scraped_public_web"},
		"biometric.used": {"yes"}, "biometric.modalities": {"face"}, "biometric.functions": {"identification"},
		"data.scale": {"over_1m"}, "consent.form": {"none"},
	}, Evidence: map[string]int{"face_image": 40}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Grade(set, in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGradeUnanswered grades a new assessment: nothing answered, so every law's scope and
// the DPIA verdict are searched for answers that could decide them (couldApply).
func BenchmarkGradeUnanswered(b *testing.B) {
	set, err := q.LoadBuiltin()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Grade(set, Input{System: System{Name: "New"}}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestArticleRef(t *testing.T) {
	for _, tt := range []struct{ law, article, want string }{
		{"gdpr", "9(1)", "Art. 9(1)"},
		{"eu_ai_act", "5(1)(e)", "Art. 5(1)(e)"},
		{"kz_pdl", "12(2)", "Art. 12(2)"},
		{"us_il_bipa", "15(b)", "Sec. 15(b)"},
		{"gdpr", "", ""},
	} {
		if got := ArticleRef(tt.law, tt.article); got != tt.want {
			t.Errorf("ArticleRef(%q, %q) = %q, want %q", tt.law, tt.article, got, tt.want)
		}
	}
}
