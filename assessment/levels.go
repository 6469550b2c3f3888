package assessment

import (
	"fmt"
	"sort"
	"strings"

	q "github.com/dpia-tool/dpia/questionnaires"
)

// Matrix maps severity (rows, 1–4) × likelihood (columns, 1–4) to a risk level.
type Matrix [4][4]string

// DefaultMatrix is the 4×4 severity × likelihood matrix used unless a pack sets its own.
// Severity and likelihood use the CNIL scale (1 negligible, 2 limited, 3 significant,
// 4 maximum). Maximum severity is never below high: a grave harm that is unlikely still needs
// treatment.
//
//	             likelihood 1  2         3         4
//	severity 4:  high       high      critical  critical
//	severity 3:  medium     high      high      critical
//	severity 2:  low        medium    medium    high
//	severity 1:  low        low       low       medium
var DefaultMatrix = Matrix{
	{"low", "low", "low", "medium"},
	{"low", "medium", "medium", "high"},
	{"medium", "high", "high", "critical"},
	{"high", "high", "critical", "critical"},
}

// Level returns the level of a cell; values outside 1–4 are clamped.
func (m Matrix) Level(severity, likelihood int) string {
	c := func(x int) int { return min(max(x, 1), 4) - 1 }
	return m[c(severity)][c(likelihood)]
}

// MatrixFor returns a pack's own matrix, or the default.
func MatrixFor(p *q.Pack) Matrix {
	if p == nil || len(p.Matrix) != 4 {
		return DefaultMatrix
	}
	var m Matrix
	for i, row := range p.Matrix {
		for j, cell := range row {
			if j < 4 {
				m[i][j] = cell.Value
			}
		}
	}
	return m
}

// LevelRank orders risk levels: low 1, medium 2, high 3, critical 4, anything else 0.
func LevelRank(level string) int {
	for i, l := range q.Levels {
		if l == level {
			return i + 1
		}
	}
	return 0
}

func maxLevel(a, b string) string {
	if LevelRank(b) > LevelRank(a) {
		return b
	}
	return a
}

// riskLevels computes the overall inherent and residual risk and the residual level per
// jurisdiction of every law that applies ("low" where nothing was found).
func riskLevels(fs []Finding, laws []LawScope) (Risk, map[string]string) {
	r := Risk{Inherent: "low", Residual: "low"}
	jur := map[string]string{}
	for _, l := range laws {
		if l.Applies && l.Jurisdiction != "global" {
			jur[l.Jurisdiction] = "low"
		}
	}
	for _, f := range fs {
		r.Inherent = maxLevel(r.Inherent, f.Inherent)
		r.Residual = maxLevel(r.Residual, f.Residual)
		jur[f.Jurisdiction] = maxLevel(jur[f.Jurisdiction], f.Residual)
	}
	return r, jur
}

// aiActTier derives the EU AI Act tier from the AI Act findings: any prohibited practice makes
// the system prohibited, else any high-risk classification makes it high, else any
// transparency duty makes it limited; if the AI Act applies and none fired it is minimal.
func aiActTier(fs []Finding, laws []LawScope) AIAct {
	applies, undecided := false, false
	reason := "no EU AI Act pack was applied"
	for _, l := range laws {
		if l.Law == lawAIAct {
			applies, undecided, reason = l.Applies, l.Undecided, l.Reason
			break
		}
	}
	if !applies {
		if undecided {
			return AIAct{Tier: TierOutOfScope, Reasons: []string{"Whether the EU AI Act applies is " + reason + "."}}
		}
		return AIAct{Tier: TierOutOfScope, Reasons: []string{"The EU AI Act does not apply: " + reason + "."}}
	}
	order := []struct{ outcome, tier string }{
		{q.OutcomeProhibited, TierProhibited}, {q.OutcomeHighRisk, TierHigh}, {q.OutcomeLimited, TierLimited},
	}
	for _, o := range order {
		var reasons []string
		for _, f := range fs {
			if f.Law == lawAIAct && f.Outcome == o.outcome {
				reasons = append(reasons, fmt.Sprintf("Art. %s: %s (because %s)", f.Article, f.Title, strings.Join(f.Because, "; ")))
			}
		}
		if len(reasons) > 0 {
			sort.Strings(reasons)
			return AIAct{Tier: o.tier, Reasons: reasons}
		}
	}
	return AIAct{Tier: TierMinimal, Reasons: []string{"No prohibited practice, high-risk use or transparency duty of the EU AI Act was found."}}
}

// ArticleRef cites a provision as its law numbers it: "Art. 9(1)" for the EU and Kazakh laws,
// "Sec. 15(b)" for BIPA (740 ILCS 14 is divided into sections); "" when article is empty.
func ArticleRef(law, article string) string {
	if article == "" {
		return ""
	}
	if law == "us_il_bipa" {
		return "Sec. " + article
	}
	return "Art. " + article
}
