package exports

import (
	"fmt"
	"sort"
	"strings"

	"github.com/dpia-tool/dpia/assessment"
)

// levels are the risk levels from the most to the least serious.
var levels = []string{"critical", "high", "medium", "low"}

// rgb is a colour.
type rgb struct{ r, g, b int }

func (c rgb) hex() string { return fmt.Sprintf("%02X%02X%02X", c.r, c.g, c.b) }

var (
	colCritical = rgb{183, 28, 28}
	colHigh     = rgb{230, 81, 0}
	colMedium   = rgb{249, 168, 37}
	colLow      = rgb{46, 125, 50}
	colNeutral  = rgb{96, 125, 139}
)

// levelColour is the colour of a risk level; a level is always shown as a word as well.
func levelColour(level string) rgb {
	switch level {
	case "critical":
		return colCritical
	case "high":
		return colHigh
	case "medium":
		return colMedium
	case "low":
		return colLow
	}
	return colNeutral
}

// tierColour is the colour of an AI Act tier.
func tierColour(tier string) rgb {
	switch tier {
	case assessment.TierProhibited:
		return colCritical
	case assessment.TierHigh:
		return colHigh
	case assessment.TierLimited:
		return colMedium
	case assessment.TierMinimal:
		return colLow
	}
	return colNeutral
}

// dpiaWord answers "DPIA required?": YES, NO, or UNDECIDED while unanswered questions could
// still make it required.
func dpiaWord(res assessment.Result) string {
	if !res.DPIA.Required && res.DPIA.Undecided {
		return "UNDECIDED"
	}
	return yesNo(res.DPIA.Required)
}

// riskWhy explains the overall risk level of the summary.
func riskWhy(res assessment.Result) string {
	if res.RiskUndecided() {
		return "Undecided: no law applies until the questions that decide their scope are answered."
	}
	return fmt.Sprintf("Residual (after mitigations); inherent %s. %d findings.", upper(res.Risk.Inherent), len(res.Findings))
}

// upper writes a level or tier as a word: "OUT OF SCOPE".
func upper(s string) string {
	if s == "" {
		return "—"
	}
	return strings.ToUpper(strings.ReplaceAll(s, "_", " "))
}

func yesNo(b bool) string {
	if b {
		return "YES"
	}
	return "NO"
}

var lawNames = map[string]string{
	"eu_ai_act":  "EU AI Act",
	"gdpr":       "GDPR",
	"kz_pdl":     "Kazakhstan Law on Personal Data (No. 94-V)",
	"kz_ai":      "Kazakhstan Law on Artificial Intelligence",
	"us_il_bipa": "Illinois BIPA",
}

// lawName is the short name of a law id, or the id.
func lawName(law string) string {
	if n, ok := lawNames[law]; ok {
		return n
	}
	return law
}

// shortLaw is the shortest readable name of a law, for tables.
func shortLaw(law string) string {
	switch law {
	case "kz_pdl":
		return "KZ PDL"
	case "kz_ai":
		return "KZ AI"
	}
	return lawName(law)
}

// articleRef cites an article as its law numbers it: "Art. 9(1)", "Sec. 15(b)".
func articleRef(law, article string) string { return assessment.ArticleRef(law, article) }

// cite is "GDPR Art. 9(1)".
func cite(law, article string) string {
	return strings.TrimSpace(shortLaw(law) + " " + articleRef(law, article))
}

var jurisdictionNames = map[string]string{
	"eu":     "European Union",
	"kz":     "Kazakhstan",
	"us_il":  "Illinois (US)",
	"global": "Global",
}

func jurisdictionName(j string) string {
	if n, ok := jurisdictionNames[j]; ok {
		return n
	}
	return j
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// jurisdictionOrder lists the result's jurisdictions: eu, kz, us_il first, then any other.
func jurisdictionOrder(m map[string]string) []string {
	var out []string
	for _, j := range []string{"eu", "kz", "us_il"} {
		if _, ok := m[j]; ok {
			out = append(out, j)
		}
	}
	for _, j := range sortedKeys(m) {
		if j != "eu" && j != "kz" && j != "us_il" {
			out = append(out, j)
		}
	}
	return out
}

// Action is one step of the action plan: a recommendation and the findings it treats.
type Action struct {
	Level          string // the highest residual level among its findings
	Recommendation string
	Findings       []string // finding ids
	Refs           []string // "GDPR Art. 9(1)" per finding
}

// ActionPlan lists the recommendations ordered by residual level (most serious first), each
// once, with the findings it treats. Findings come sorted by residual level from the engine.
func (r *Report) ActionPlan() []Action {
	var out []Action
	byText := map[string]int{}
	fs := append([]assessment.Finding(nil), r.Result.Findings...)
	sort.SliceStable(fs, func(i, j int) bool {
		return assessment.LevelRank(fs[i].Residual) > assessment.LevelRank(fs[j].Residual)
	})
	for _, f := range fs {
		text := strings.TrimSpace(f.Recommendation)
		if text == "" {
			text = "Review: " + f.Title
		}
		i, ok := byText[text]
		if !ok {
			i = len(out)
			byText[text] = i
			out = append(out, Action{Level: f.Residual, Recommendation: text})
		}
		out[i].Findings = append(out[i].Findings, f.ID)
		out[i].Refs = append(out[i].Refs, cite(f.Law, f.Article))
	}
	return out
}

// priority says when to act on a level.
func priority(level string) string {
	switch level {
	case "critical":
		return "1 — immediately"
	case "high":
		return "2 — next"
	case "medium":
		return "3 — planned"
	}
	return "4 — monitor"
}

// HeatMap counts findings per severity (row, 4 first) × likelihood (column, 1 first), with
// the inherent or the residual scores.
func (r *Report) HeatMap(residual bool) [4][4]int {
	var m [4][4]int
	for _, f := range r.Result.Findings {
		s, l := f.Severity, f.Likelihood
		if residual {
			s, l = f.ResidualSeverity, f.ResidualLikelihood
		}
		s, l = min(max(s, 1), 4), min(max(l, 1), 4)
		m[4-s][l-1]++
	}
	return m
}

// LevelCounts counts findings by inherent and by residual level.
func (r *Report) LevelCounts() (inherent, residual map[string]int) {
	inherent, residual = map[string]int{}, map[string]int{}
	for _, f := range r.Result.Findings {
		inherent[f.Inherent]++
		residual[f.Residual]++
	}
	return inherent, residual
}

// Serious reports whether a finding gets a page of its own: a high or critical level,
// inherent or residual.
func serious(f assessment.Finding) bool {
	return assessment.LevelRank(f.Residual) >= 3 || assessment.LevelRank(f.Inherent) >= 3
}

var severityNames = []string{"", "negligible", "limited", "significant", "maximum"}

// scaleName names a 1–4 CNIL scale value.
func scaleName(v int) string {
	if v < 1 || v > 4 {
		return fmt.Sprint(v)
	}
	return fmt.Sprintf("%d %s", v, severityNames[v])
}

func percent(x float64) string { return fmt.Sprintf("%.0f%%", x*100) }

// displayName is the system name, or a placeholder.
func (r *Report) displayName() string {
	if s := strings.TrimSpace(r.Result.System.Name); s != "" {
		return s
	}
	if s := strings.TrimSpace(r.Meta.Name); s != "" {
		return s
	}
	return "(unnamed system)"
}

// totalDetections sums the detection counts of the evidence inventory.
func (r *Report) totalDetections() map[string]int {
	out := map[string]int{}
	for _, f := range r.Evidence {
		for t, n := range f.Counts {
			out[t] += n
		}
	}
	return out
}

// countsText writes counts as "email 12, kz_iin 3" in type order.
func countsText(m map[string]int) string {
	var parts []string
	for _, k := range sortedKeys(m) {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// generated is the generation time as text.
func (r *Report) generated() string {
	if r.Meta.GeneratedAt.IsZero() {
		return "—"
	}
	return r.Meta.GeneratedAt.UTC().Format("2006-01-02 15:04 UTC")
}

// view returns the explanation of finding i, or an empty one for a Report built by hand
// without Findings.
func (r *Report) view(i int) FindingView {
	if i < len(r.Findings) {
		return r.Findings[i]
	}
	return FindingView{Citations: []Citation{}}
}

// articleLine cites an article with its law's full name, version and source when known:
// "GDPR Art. 9(1), Regulation (EU) 2016/679 (…) (OJ L 119, current to 2026-09-30) — EUR-Lex …".
func articleLine(law, article string, p PackInfo) string {
	s := cite(law, article)
	if p.LawName != "" && p.LawName != lawName(law) {
		s += ", " + p.LawName
	}
	return s + lawVersion(p)
}
