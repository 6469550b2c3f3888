// Package assessment holds the domain types of an assessment and the grading engine: a pure,
// deterministic function from a pack set, the answers and an evidence summary to a Result.
// It does no I/O.
package assessment

// Result is the graded assessment (contract C3). Every screen and report reads it.
type Result struct {
	System        System            `json:"system"`
	AIAct         AIAct             `json:"ai_act"`
	DPIA          DPIA              `json:"dpia"`
	Risk          Risk              `json:"risk"`
	Jurisdictions map[string]string `json:"jurisdictions"`
	Findings      []Finding         `json:"findings"`
	Scenarios     []ScenarioMatch   `json:"scenarios"`
	Completeness  float64           `json:"completeness"`

	// Laws says, for every law pack, whether it was applied and why.
	Laws []LawScope `json:"laws"`
	// Hidden lists answers kept but not counted because their question is hidden by show_if or
	// belongs to a pack that does not apply.
	Hidden []string `json:"hidden_answers"`
	// Unanswered lists visible required questions without an answer.
	Unanswered []string `json:"unanswered"`
}

// System names the assessed system.
type System struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// AIAct is the EU AI Act risk tier and why.
type AIAct struct {
	Tier    string   `json:"tier"`
	Reasons []string `json:"reasons"`
}

// AI Act tiers (contract C3).
const (
	TierProhibited  = "prohibited"
	TierHigh        = "high"
	TierLimited     = "limited"
	TierMinimal     = "minimal"
	TierOutOfScope  = "out_of_scope"
	lawAIAct        = "eu_ai_act"
	defaultLanguage = "en"
)

// DPIA is the verdict on whether a DPIA is required (GDPR Art. 35, WP248).
type DPIA struct {
	Required bool     `json:"required"`
	Criteria []string `json:"criteria"`
	// Cases are the GDPR Art. 35(3) cases met (each makes a DPIA mandatory on its own).
	Cases   []string `json:"cases"`
	Reasons []string `json:"reasons"`
	// Undecided: not required yet, but unanswered questions could make it required (two
	// criteria, or an Art. 35(3) case, could still be met; or the GDPR's scope is undecided).
	Undecided bool `json:"undecided,omitempty"`
}

// Risk is the overall inherent and residual risk level.
type Risk struct {
	Inherent string `json:"inherent"`
	Residual string `json:"residual"`
}

// Finding is one rule that fired.
type Finding struct {
	ID                 string              `json:"id"`
	Title              string              `json:"title"`
	Law                string              `json:"law"`
	Article            string              `json:"article"`
	Outcome            string              `json:"outcome"`
	Jurisdiction       string              `json:"jurisdiction"`
	Severity           int                 `json:"severity"`
	Likelihood         int                 `json:"likelihood"`
	Inherent           string              `json:"inherent"`
	ResidualSeverity   int                 `json:"residual_severity"`
	ResidualLikelihood int                 `json:"residual_likelihood"`
	Residual           string              `json:"residual"`
	Because            []string            `json:"because"`
	Mitigations        []AppliedMitigation `json:"mitigations"`
	Explanation        string              `json:"explanation,omitempty"`
	Recommendation     string              `json:"recommendation"`
	Penalty            string              `json:"penalty,omitempty"`
	Note               string              `json:"note,omitempty"`
	Evidence           []string            `json:"evidence"`
	EvidenceFound      map[string]int      `json:"evidence_found,omitempty"`
	Pack               string              `json:"pack"`
}

// AppliedMitigation is a mitigation whose condition held for a finding.
type AppliedMitigation struct {
	ID         string   `json:"id"`
	Text       string   `json:"text"`
	Severity   int      `json:"reduces_severity"`
	Likelihood int      `json:"reduces_likelihood"`
	Because    []string `json:"because"`
}

// ScenarioMatch is how closely the system resembles a reference scenario.
type ScenarioMatch struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Similarity float64  `json:"similarity"`
	Matched    []string `json:"matched"`
	Missing    []string `json:"missing"`
}

// LawScope says whether a law pack was applied.
type LawScope struct {
	Pack         string `json:"pack"`
	Law          string `json:"law,omitempty"`
	Jurisdiction string `json:"jurisdiction"`
	Version      string `json:"version,omitempty"`
	CurrentTo    string `json:"current_to,omitempty"`
	Applies      bool   `json:"applies"`
	Reason       string `json:"reason"`
	// Undecided: the law does not apply yet, but answers to unanswered questions that decide
	// its scope could make it apply.
	Undecided bool `json:"undecided,omitempty"`
}

// AIActUndecided reports whether the AI Act tier is out_of_scope only because the questions
// that decide the AI Act's scope are unanswered: "not decided yet" rather than a verdict.
func (r Result) AIActUndecided() bool {
	if r.AIAct.Tier != TierOutOfScope {
		return false
	}
	for _, l := range r.Laws {
		if l.Law == lawAIAct {
			return l.Undecided
		}
	}
	return false
}

// RiskUndecided reports whether no law applies yet while some law's scope waits for an
// answer, and nothing was found: the risk levels then grade nothing, and "low" is not a
// verdict.
func (r Result) RiskUndecided() bool {
	if len(r.Findings) > 0 {
		return false
	}
	undecided := false
	for _, l := range r.Laws {
		if l.Applies {
			return false
		}
		undecided = undecided || l.Undecided
	}
	return undecided
}

// TierLabel is the AI Act tier as displays show it: the tier, or "undecided" when
// AIActUndecided (the result JSON keeps the tier of contract C3).
func (r Result) TierLabel() string {
	if r.AIActUndecided() {
		return "undecided"
	}
	return r.AIAct.Tier
}

// DPIALabel is whether a DPIA is required as displays show it: "required", "not required",
// or "undecided" (DPIA.Undecided; the result JSON keeps required false, contract C3).
func (r Result) DPIALabel() string {
	switch {
	case r.DPIA.Required:
		return "required"
	case r.DPIA.Undecided:
		return "undecided"
	}
	return "not required"
}

// InherentLabel is the overall inherent risk as displays show it, like ResidualLabel.
func (r Result) InherentLabel() string {
	if r.RiskUndecided() {
		return "undecided"
	}
	return r.Risk.Inherent
}

// ResidualLabel is the overall residual risk as displays show it: the level, or "undecided"
// when RiskUndecided.
func (r Result) ResidualLabel() string {
	if r.RiskUndecided() {
		return "undecided"
	}
	return r.Risk.Residual
}
