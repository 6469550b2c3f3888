// Package questionnaires holds the questionnaire packs (questions, rules, DPIA screening criteria
// and reference scenarios) as YAML data, and loads, merges, validates and compiles them.
package questionnaires

// Question types, as in CORE-QUESTIONS.md.
const (
	TypeYesNo  = "yes_no"
	TypeSingle = "single"
	TypeMulti  = "multi"
	TypeText   = "text"
	TypeNumber = "number"
)

// Outcome kinds of a rule.
const (
	OutcomeProhibited = "prohibited"
	OutcomeHighRisk   = "high_risk"
	OutcomeLimited    = "limited"
	OutcomeObligation = "obligation"
	OutcomeGap        = "gap"
)

// Laws are the law ids a rule may cite (contract C3), with the jurisdiction each belongs to.
var Laws = map[string]string{
	"eu_ai_act":  "eu",
	"gdpr":       "eu",
	"kz_pdl":     "kz",
	"kz_ai":      "kz",
	"us_il_bipa": "us_il",
}

// EvidenceTypes are the detection types of contract C4 that conditions may count.
var EvidenceTypes = []string{
	"email", "phone", "kz_iin", "kz_bin", "iban", "payment_card", "ip_address",
	"person_name", "date_of_birth", "address", "geo_location", "passport_number", "face_image",
	"face_embedding", "voice_sample", "fingerprint_template", "health", "religion", "ethnicity",
	"political_opinion", "sexual_orientation",
}

// Pack is one questionnaire pack file.
type Pack struct {
	ID           Str         `yaml:"id"`
	Title        Text        `yaml:"title"`
	Jurisdiction Str         `yaml:"jurisdiction"`
	Law          LawInfo     `yaml:"law"`
	Core         bool        `yaml:"core"`
	Order        int         `yaml:"order"`
	AppliesIf    Cond        `yaml:"applies_if"`
	Scope        Text        `yaml:"scope"`
	Matrix       [][]Str     `yaml:"matrix"`
	Sections     []*Section  `yaml:"sections"`
	Rules        []*Rule     `yaml:"rules"`
	DPIA         DPIABlock   `yaml:"dpia"`
	Scenarios    []*Scenario `yaml:"scenarios"`

	File string `yaml:"-"`
	// Builtin is true for packs embedded in the binary.
	Builtin bool `yaml:"-"`
}

// LawInfo records the law a pack encodes.
type LawInfo struct {
	ID        Str  `yaml:"id"`
	Name      Text `yaml:"name"`
	Version   Str  `yaml:"version"`
	CurrentTo Str  `yaml:"current_to"`
	Source    Str  `yaml:"source"`
}

// Section groups questions in the questionnaire.
type Section struct {
	ID        Str         `yaml:"id"`
	Title     Text        `yaml:"title"`
	Questions []*Question `yaml:"questions"`
}

// Citation points to an article of a law.
type Citation struct {
	Law     Str  `yaml:"law"`
	Article Str  `yaml:"article"`
	Text    Text `yaml:"text"`
}

// Option is one allowed value of a single or multi question.
type Option struct {
	Value Str  `yaml:"value"`
	Label Text `yaml:"label"`
	Help  Text `yaml:"help"`
}

// Question is one question of the questionnaire.
type Question struct {
	ID       Str        `yaml:"id"`
	Type     Str        `yaml:"type"`
	Text     Text       `yaml:"text"`
	Help     Text       `yaml:"help"`
	Legal    []Citation `yaml:"legal"`
	Options  []Option   `yaml:"options"`
	ShowIf   Cond       `yaml:"show_if"`
	Required *bool      `yaml:"required"`

	Pack    string `yaml:"-"`
	Section string `yaml:"-"`
	File    string `yaml:"-"`
}

// IsRequired reports whether the question counts toward completeness (default true).
func (q *Question) IsRequired() bool { return q.Required == nil || *q.Required }

// AllowedValues lists the values a question accepts (nil for text and number).
func (q *Question) AllowedValues() []string {
	switch q.Type.Value {
	case TypeYesNo:
		return []string{"yes", "no", "unknown"}
	case TypeSingle, TypeMulti:
		out := make([]string, len(q.Options))
		for i, o := range q.Options {
			out[i] = o.Value.Value
		}
		return out
	}
	return nil
}

// Allows reports whether v is one of the question's values (always true for text and number).
func (q *Question) Allows(v string) bool {
	vals := q.AllowedValues()
	if vals == nil {
		return true
	}
	for _, x := range vals {
		if x == v {
			return true
		}
	}
	return false
}

// OptionLabel returns the label of an option value, or the value itself.
func (q *Question) OptionLabel(v, lang string) string {
	for _, o := range q.Options {
		if o.Value.Value == v && !o.Label.Empty() {
			return o.Label.In(lang)
		}
	}
	return v
}

// Rule is one legal rule: when its condition holds, it yields a finding.
type Rule struct {
	ID             Str          `yaml:"id"`
	Title          Text         `yaml:"title"`
	Law            Str          `yaml:"law"`
	Article        Str          `yaml:"article"`
	Outcome        Str          `yaml:"outcome"`
	When           Cond         `yaml:"when"`
	Severity       Int          `yaml:"severity"`
	Likelihood     Int          `yaml:"likelihood"`
	Mitigations    []Mitigation `yaml:"mitigations"`
	Explanation    Text         `yaml:"explanation"`
	Recommendation Text         `yaml:"recommendation"`
	Penalty        Text         `yaml:"penalty"`
	Note           Text         `yaml:"note"`
	Evidence       []Str        `yaml:"evidence"`
	Disabled       bool         `yaml:"disabled"`

	Pack string `yaml:"-"`
	File string `yaml:"-"`
}

// Mitigation lowers a rule's severity and/or likelihood when its condition holds.
type Mitigation struct {
	ID      Str     `yaml:"id"`
	Text    Text    `yaml:"text"`
	When    Cond    `yaml:"when"`
	Reduces Reduces `yaml:"reduces"`
}

// Reduces says by how many steps a mitigation lowers severity and likelihood.
type Reduces struct {
	Severity   Int `yaml:"severity"`
	Likelihood Int `yaml:"likelihood"`
}

// DPIABlock holds the DPIA screening criteria (WP248) and the cases where a DPIA is always
// required (GDPR Art. 35(3)).
type DPIABlock struct {
	Criteria  []*Criterion `yaml:"criteria"`
	Mandatory []*Criterion `yaml:"mandatory"`
}

// Criterion is one DPIA screening criterion or mandatory case.
type Criterion struct {
	ID      Str  `yaml:"id"`
	Title   Text `yaml:"title"`
	Article Str  `yaml:"article"`
	Help    Text `yaml:"help"`
	When    Cond `yaml:"when"`

	Pack string `yaml:"-"`
	File string `yaml:"-"`
}

// Scenario is a reference case (e.g. Clearview) the system is compared with.
type Scenario struct {
	ID           Str       `yaml:"id"`
	Title        Text      `yaml:"title"`
	Summary      Text      `yaml:"summary"`
	Traits       []Trait   `yaml:"traits"`
	Outcomes     []Outcome `yaml:"outcomes"`
	LawfulDesign Text      `yaml:"lawful_design"`

	Pack string `yaml:"-"`
	File string `yaml:"-"`
}

// Trait is a weighted characteristic of a scenario.
type Trait struct {
	ID     Str  `yaml:"id"`
	Label  Text `yaml:"label"`
	Weight Int  `yaml:"weight"`
	When   Cond `yaml:"when"`
}

// Outcome is a real decision or sanction that followed a scenario's case.
type Outcome struct {
	Date      Str  `yaml:"date"`
	Authority Text `yaml:"authority"`
	Decision  Text `yaml:"decision"`
	Sanction  Text `yaml:"sanction"`
	Source    Str  `yaml:"source"`
}
