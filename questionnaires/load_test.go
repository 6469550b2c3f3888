package questionnaires

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func builtinFiles(t testing.TB) []NamedFile {
	t.Helper()
	files, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestBuiltinPacksLoad(t *testing.T) {
	set, err := LoadBuiltin()
	if err != nil {
		t.Fatalf("built-in packs do not load: %v", err)
	}
	for _, id := range []string{"screening", "eu-ai-act", "gdpr", "kz-pdl", "kz-ai", "us-il-bipa", "scenarios"} {
		if set.Pack(id) == nil {
			t.Errorf("built-in pack %q missing", id)
		}
	}
	if set.Scenario("clearview") == nil {
		t.Error("the clearview scenario must always exist (contract C3)")
	}
	for _, p := range set.Packs {
		if p.Law.ID.Value != "" && (p.Law.Version.Value == "" || p.Law.CurrentTo.Value == "") {
			t.Errorf("pack %s must record its law version and current-to date", p.ID.Value)
		}
	}
}

// TestCoreQuestions checks the question ids, types and options of CORE-QUESTIONS.md.
func TestCoreQuestions(t *testing.T) {
	set, err := LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	core := []struct {
		id, typ string
		options []string
	}{
		{"system.purpose", TypeText, nil},
		{"system.role", TypeSingle, []string{"provider", "deployer", "both"}},
		{"system.sectors", TypeMulti, []string{"law_enforcement", "education", "employment", "retail", "finance", "healthcare", "public_services", "marketing", "security", "other"}},
		{"subjects.locations", TypeMulti, []string{"eu", "kz", "us_illinois", "us_other", "other"}},
		{"data.personal", TypeYesNo, nil},
		{"data.categories", TypeMulti, []string{"contact", "identifiers", "national_id", "financial", "location", "biometric", "health", "ethnicity", "political", "religion", "sexual_orientation", "criminal", "behavioural"}},
		{"data.sources", TypeMulti, []string{"data_subjects", "scraped_public_web", "third_party", "public_records", "cameras_sensors", "user_content"}},
		{"data.subjects", TypeMulti, []string{"customers", "employees", "students", "children", "patients", "general_public", "suspects"}},
		{"data.scale", TypeSingle, []string{"under_1k", "1k_100k", "100k_1m", "over_1m"}},
		{"data.storage_locations", TypeMulti, []string{"kz", "eu", "us", "other"}},
		{"data.cross_border_transfer", TypeYesNo, nil},
		{"data.retention_policy", TypeYesNo, nil},
		{"data.retention_period", TypeSingle, []string{"transient", "under_1y", "1_3y", "over_3y", "indefinite"}},
		{"data.disclosure", TypeMulti, []string{"none", "sold", "licensed_access", "law_enforcement", "partners", "public"}},
		{"biometric.used", TypeYesNo, nil},
		{"biometric.modalities", TypeMulti, []string{"face", "fingerprint", "voice", "iris", "gait", "other"}},
		{"biometric.functions", TypeMulti, []string{"verification", "identification", "categorisation", "emotion_recognition"}},
		{"biometric.realtime", TypeYesNo, nil},
		{"biometric.public_spaces", TypeYesNo, nil},
		{"biometric.for_law_enforcement", TypeYesNo, nil},
		{"biometric.infers", TypeMulti, []string{"race", "political", "trade_union", "religion", "sex_life", "sexual_orientation", "none"}},
		{"biometric.untargeted_collection", TypeYesNo, nil},
		{"emotion.contexts", TypeMulti, []string{"workplace", "education", "medical", "safety", "other"}},
		{"legal.gdpr_basis", TypeSingle, []string{"consent", "contract", "legal_obligation", "vital_interests", "public_task", "legitimate_interests", "none"}},
		{"consent.form", TypeSingle, []string{"none", "implied", "opt_out", "explicit", "explicit_written"}},
		{"consent.withdrawable", TypeYesNo, nil},
		{"consent.power_imbalance", TypeYesNo, nil},
		{"notice.provided", TypeYesNo, nil},
		{"ai.profiling", TypeYesNo, nil},
		{"ai.automated_decisions", TypeYesNo, nil},
		{"ai.human_oversight", TypeYesNo, nil},
		{"ai.social_scoring", TypeYesNo, nil},
		{"ai.crime_risk_profiling", TypeYesNo, nil},
		{"ai.manipulation", TypeYesNo, nil},
		{"ai.interacts_with_people", TypeYesNo, nil},
		{"ai.synthetic_content", TypeYesNo, nil},
		{"ai.annex_iii_areas", TypeMulti, []string{"biometrics", "critical_infrastructure", "education", "employment", "essential_services", "law_enforcement", "migration", "justice", "none"}},
		{"security.encryption", TypeYesNo, nil},
		{"security.access_control", TypeYesNo, nil},
		{"security.breach_procedure", TypeYesNo, nil},
		{"governance.responsible_person", TypeYesNo, nil},
		{"governance.prior_dpia", TypeYesNo, nil},
		{"governance.subject_rights_process", TypeYesNo, nil},
		{"governance.processor_contracts", TypeYesNo, nil},
	}
	for _, c := range core {
		qu := set.Question(c.id)
		if qu == nil {
			t.Errorf("core question %s is missing", c.id)
			continue
		}
		if qu.Type.Value != c.typ {
			t.Errorf("core question %s has type %s, want %s", c.id, qu.Type.Value, c.typ)
		}
		for _, o := range c.options {
			if !qu.Allows(o) {
				t.Errorf("core question %s lacks option %q", c.id, o)
			}
		}
		if p := set.Pack(qu.Pack); p == nil || !p.Core {
			t.Errorf("core question %s must be in a core pack (it is in %s)", c.id, qu.Pack)
		}
	}
	for _, id := range []string{"evaluation_scoring", "automated_decision", "systematic_monitoring", "sensitive_data", "large_scale", "matching_datasets", "vulnerable_subjects", "innovative_technology", "prevents_rights"} {
		if set.critByID[id] == nil {
			t.Errorf("WP248 criterion %s is missing", id)
		}
	}
	if len(set.Criteria) != 9 {
		t.Errorf("want the nine WP248 criteria, have %d", len(set.Criteria))
	}
}

// TestInvalidPacks loads each file of testdata/invalid on top of the built-in packs; the first
// line of each says the error it must produce ("# want: …", a prefix or part of one error).
func TestInvalidPacks(t *testing.T) {
	files, err := filepath.Glob("testdata/invalid/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatal("no invalid packs in testdata/invalid")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			first, _, _ := strings.Cut(string(data), "\n")
			want, ok := strings.CutPrefix(first, "# want: ")
			if !ok {
				t.Fatalf("%s: first line must be '# want: <error>'", f)
			}
			_, err = Build(builtinFiles(t), []NamedFile{{Name: filepath.Base(f), Data: data}})
			if err == nil {
				t.Fatalf("loaded without error, want %q", want)
			}
			es, ok := AsErrors(err)
			if !ok {
				t.Fatalf("error %v is not a pack error", err)
			}
			for _, e := range es {
				if strings.HasPrefix(e.Error(), want) || strings.Contains(e.Error(), want) {
					return
				}
			}
			t.Errorf("errors:\n%v\nwant one containing %q", err, want)
		})
	}
}

func TestOverrideByID(t *testing.T) {
	overlay := []byte(`
id: acme
title: ACME house rules
jurisdiction: global
core: true
sections:
  - id: house
    title: ACME
    questions:
      - id: system.purpose
        type: text
        text: Describe the system as in the ACME register of processing.
      - id: acme.register_entry
        type: yes_no
        text: Is the system in the ACME register?
rules:
  - id: gdpr.35_1.no_prior_dpia
    title: No DPIA on file in the ACME register
    law: gdpr
    article: 35(1)
    outcome: gap
    when: '!yes("governance.prior_dpia")'
    severity: 2
    likelihood: 3
    recommendation: File the DPIA in the ACME register.
scenarios:
  - id: clearview
    title: Clearview (ACME wording)
    traits:
      - {id: scraping, label: Scraping, weight: 1, when: 'has("data.sources", "scraped_public_web")'}
`)
	set, err := Build(builtinFiles(t), []NamedFile{{Name: "acme.yaml", Data: overlay}})
	if err != nil {
		t.Fatal(err)
	}
	qu := set.Question("system.purpose")
	if qu.Text.En != "Describe the system as in the ACME register of processing." {
		t.Errorf("question not overridden: %q", qu.Text.En)
	}
	if qu.Pack != "screening" || qu.Section != "system" {
		t.Errorf("overridden question moved to %s/%s, want it in place (screening/system)", qu.Pack, qu.Section)
	}
	if set.Question("acme.register_entry") == nil {
		t.Error("new question not added")
	}
	r := set.Rule("gdpr.35_1.no_prior_dpia")
	if r.Title.En != "No DPIA on file in the ACME register" || r.Pack != "gdpr" {
		t.Errorf("rule not overridden in place: %q in %s", r.Title.En, r.Pack)
	}
	if n := countRules(set, "gdpr.35_1.no_prior_dpia"); n != 1 {
		t.Errorf("rule appears %d times after override", n)
	}
	if s := set.Scenario("clearview"); s.Title.En != "Clearview (ACME wording)" || len(set.Scenarios) == 0 {
		t.Errorf("scenario not overridden: %q", s.Title.En)
	}
}

func countRules(set *Set, id string) int {
	n := 0
	for _, r := range set.Rules {
		if r.ID.Value == id {
			n++
		}
	}
	return n
}

func TestLocalisedText(t *testing.T) {
	p, err := ParsePack("x.yaml", []byte("id: x\ntitle:\n  en: Biometrics\n  kk: Биометрия\njurisdiction: global\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ lang, want string }{{"en", "Biometrics"}, {"kk", "Биометрия"}, {"ru", "Biometrics"}}
	for _, tt := range tests {
		if got := p.Title.In(tt.lang); got != tt.want {
			t.Errorf("In(%s) = %q, want %q", tt.lang, got, tt.want)
		}
	}
	_, err = ParsePack("x.yaml", []byte("id: x\ntitle:\n  ru: Только по-русски\n"))
	if err == nil || !strings.Contains(err.Error(), "English text (en) is required") {
		t.Errorf("missing English accepted: %v", err)
	}
	_, err = ParsePack("x.yaml", []byte("id: x\ntitle:\n  en: A\n  de: B\n"))
	if err == nil || !strings.Contains(err.Error(), `unknown language "de"`) {
		t.Errorf("unknown language accepted: %v", err)
	}
}

func TestConditionReads(t *testing.T) {
	c := &Cond{Src: `yes("a") && has("b", "x") || found("face_image") > 0`}
	if err := c.Compile(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		answers map[string]Value
		ev      map[string]int
		want    bool
		reads   string
	}{
		{"short-circuit on a=no", map[string]Value{"a": {"no"}}, nil, false, "a|face_image"},
		{"both answers read", map[string]Value{"a": {"yes"}, "b": {"y", "x"}}, nil, true, "a,b|"},
		{"evidence decides", map[string]Value{"a": {"yes"}, "b": {"y"}}, map[string]int{"face_image": 2}, true, "a,b|face_image"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewState(tt.answers, tt.ev)
			got, r, err := s.Eval(c)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("= %v, want %v", got, tt.want)
			}
			if reads := strings.Join(r.Answers, ",") + "|" + strings.Join(r.Evidence, ","); reads != tt.reads {
				t.Errorf("reads %q, want %q", reads, tt.reads)
			}
		})
	}
}

// FuzzParsePack feeds arbitrary bytes to the pack parser and builder: they must never panic.
func FuzzParsePack(f *testing.F) {
	files, _ := filepath.Glob("testdata/invalid/*.yaml")
	for _, name := range files {
		b, _ := os.ReadFile(name)
		f.Add(b)
	}
	// A small base keeps each run fast; the built-in packs are checked by TestBuiltinPacksLoad.
	base := []NamedFile{{Name: "base.yaml", Data: []byte(`
id: base
title: Base
jurisdiction: global
core: true
sections:
  - id: s
    title: S
    questions:
      - {id: data.personal, type: yes_no, text: Personal?}
      - {id: data.sources, type: multi, text: Sources?, options: [{value: scraped_public_web}, {value: data_subjects}]}
`)}}
	f.Add([]byte("id: x\ntitle: X\njurisdiction: global\nrules: [{id: r, when: 'yes(\"data.personal\")'}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = ParsePack("fuzz.yaml", data)
		_, _ = Build(base, []NamedFile{{Name: "fuzz.yaml", Data: data}})
	})
}
