package assessment

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	q "github.com/dpia-tool/dpia/questionnaires"
)

// Input is what the engine grades: the system, the packs chosen, the answers and the evidence
// summary (detection counts by type).
type Input struct {
	System   System
	Packs    []string
	Answers  map[string]q.Value
	Evidence map[string]int
}

// Grade grades the input against the pack set. It is pure and deterministic: the same input
// gives the same Result. Answers must be valid for the set (see ValidateAnswers).
func Grade(set *q.Set, in Input) (Result, error) {
	if err := ValidateAnswers(set, in.Answers); err != nil {
		return Result{}, err
	}
	if err := checkPacks(set, in.Packs); err != nil {
		return Result{}, err
	}
	g := &grader{set: set, in: in}
	if err := g.visibility(); err != nil {
		return Result{}, err
	}
	res := Result{System: in.System, Jurisdictions: map[string]string{}, Findings: []Finding{}}
	res.Laws = g.laws()
	var err error
	if res.Findings, err = g.findings(); err != nil {
		return Result{}, err
	}
	if res.DPIA, err = g.dpia(); err != nil {
		return Result{}, err
	}
	if res.Scenarios, err = g.scenarios(); err != nil {
		return Result{}, err
	}
	res.AIAct = aiActTier(res.Findings, res.Laws)
	res.Risk, res.Jurisdictions = riskLevels(res.Findings, res.Laws)
	res.Completeness, res.Unanswered = g.completeness()
	res.Hidden = g.hidden()
	return res, nil
}

type grader struct {
	set     *q.Set
	in      Input
	visible map[string]bool
	applies map[string]bool // pack id → applies
	why     map[string]string
	// undecided: the pack does not apply, but answers to the unanswered questions its
	// applies_if reads could make it apply (couldApply).
	undecided map[string]bool
	state     *q.State // evaluates against the answers that count
	// base is couldApply's visibility over the answers given; packApplies clears it when it
	// decides that a pack does not apply.
	base     shown
	selected map[string]bool
}

// checkPacks rejects pack ids that do not exist.
func checkPacks(set *q.Set, packs []string) error {
	for _, id := range packs {
		if set.Pack(id) == nil {
			ids := make([]string, 0, len(set.Packs))
			for _, p := range set.Packs {
				ids = append(ids, p.ID.Value)
			}
			return fmt.Errorf("unknown pack %q (packs: %s)", id, strings.Join(ids, ", "))
		}
	}
	return nil
}

// visibility decides which questions are shown: those whose pack applies and whose show_if
// holds over the answers of the questions already decided visible. Hidden answers never count.
func (g *grader) visibility() error {
	g.visible = map[string]bool{}
	g.applies = map[string]bool{}
	g.why = map[string]string{}
	g.undecided = map[string]bool{}
	g.selected = map[string]bool{}
	for _, id := range g.in.Packs {
		g.selected[id] = true
	}
	counted := map[string]q.Value{}
	g.state = q.NewState(counted, g.in.Evidence)
	for _, qu := range g.set.VisibilityOrder() {
		ok, err := g.packApplies(qu.Pack)
		if err != nil {
			return err
		}
		if ok {
			ok, _, err = g.state.Eval(&qu.ShowIf)
			if err != nil {
				return fmt.Errorf("question %s show_if: %w", qu.ID.Value, err)
			}
		}
		g.visible[qu.ID.Value] = ok
		if v, has := g.in.Answers[qu.ID.Value]; ok && has && len(v) > 0 {
			counted[qu.ID.Value] = v
		}
	}
	for _, p := range g.set.Packs {
		if _, err := g.packApplies(p.ID.Value); err != nil {
			return err
		}
	}
	return nil
}

// packApplies evaluates (once) whether a pack applies: core packs always; others when chosen
// (or when no choice was made) and their applies_if holds.
func (g *grader) packApplies(id string) (bool, error) {
	if v, ok := g.applies[id]; ok {
		return v, nil
	}
	p := g.set.Pack(id)
	switch {
	case p.Core:
		g.applies[id], g.why[id] = true, "always applies"
	case len(g.selected) > 0 && !g.selected[id]:
		g.applies[id], g.why[id] = false, "not chosen for this assessment"
		g.base = shown{}
	default:
		ok, reads, err := g.state.Eval(&p.AppliesIf)
		if err != nil {
			return false, fmt.Errorf("pack %s applies_if: %w", id, err)
		}
		g.applies[id] = ok
		switch {
		case p.AppliesIf.Empty():
			g.why[id] = "applies to every assessment"
		case ok:
			g.why[id] = "in scope: " + strings.Join(g.because(reads), "; ")
		case g.couldApply(&p.AppliesIf):
			g.undecided[id] = true
			g.why[id] = "not decided until answered: " + strings.Join(g.because(reads), "; ")
		default:
			g.why[id] = "out of scope: " + strings.Join(g.because(reads), "; ")
			g.base = shown{}
		}
	}
	return g.applies[id], nil
}

func (g *grader) laws() []LawScope {
	var out []LawScope
	for _, p := range g.set.Packs {
		if p.Core {
			continue
		}
		out = append(out, LawScope{
			Pack: p.ID.Value, Law: p.Law.ID.Value, Jurisdiction: p.Jurisdiction.Value,
			Version: p.Law.Version.Value, CurrentTo: p.Law.CurrentTo.Value,
			Applies: g.applies[p.ID.Value], Reason: g.why[p.ID.Value], Undecided: g.undecided[p.ID.Value],
		})
	}
	return out
}

// couldApply reports whether a condition that is false now could become true once
// unanswered questions are answered: it tries their values (each option of a single choice or
// yes/no question; each option, and all of them, of a multiple choice) depth first, following
// the questions each try reads in turn. As in grading, an answer counts only while its
// question is shown: a question hidden by its show_if is tried only once answers to the
// questions that show_if reads could show it, so an answer that could never count decides
// nothing. A text or number question, or more tries than maxScopeTries, counts as "could".
func (g *grader) couldApply(c *q.Cond) bool {
	raw := make(map[string]q.Value, len(g.in.Answers)+4)
	for id, v := range g.in.Answers {
		if len(v) > 0 {
			raw[id] = v
		}
	}
	if g.base.counted == nil {
		g.base = g.shownUnder(raw, nil, shown{})
	}
	base := g.base
	var assigned []string
	// eval grades c as it would be graded with the answers tried so far: ids are the
	// questions it read, then those the show_if of each hidden one among them reads.
	eval := func() (ok bool, ids []string, now shown) {
		now = g.shownUnder(raw, assigned, base)
		ok, r, err := q.NewState(now.counted, g.in.Evidence).Eval(c)
		if err != nil {
			return false, nil, now
		}
		ids = append(ids, r.Answers...)
		for _, id := range r.Answers {
			ids = append(ids, now.hidden[id]...)
		}
		return ok, ids, now
	}
	tries := 0
	var try func(ids []string, now shown) bool
	try = func(ids []string, now shown) bool {
		var next *q.Question
		for _, id := range ids {
			_, hidden := now.hidden[id]
			if len(raw[id]) == 0 && !hidden {
				if next = g.set.Question(id); next != nil {
					break
				}
			}
		}
		if next == nil {
			return false // every question it read is answered or cannot be shown, and it is false
		}
		cands := scopeCandidates(next)
		if cands == nil {
			return true
		}
		id := next.ID.Value
		assigned = append(assigned, id)
		defer func() { delete(raw, id); assigned = assigned[:len(assigned)-1] }()
		for _, v := range cands {
			if tries++; tries > maxScopeTries {
				return true
			}
			raw[id] = v
			ok, ids2, now2 := eval()
			if ok || try(ids2, now2) {
				return true
			}
		}
		return false
	}
	ok, ids, now := eval()
	return ok || try(ids, now)
}

// shown is visibility over a set of answers: the answers that count (those of shown
// questions), and the hidden questions with what their show_if read.
type shown struct {
	counted map[string]q.Value
	hidden  map[string][]string
}

// shownUnder computes visibility over raw. With base (visibility over raw without the
// assigned answers) it only re-decides the questions whose show_if names an assigned question
// or one whose visibility or answer changed. A question of a law pack counts as shown while
// the pack applies, could apply or is not decided yet, so that couldApply errs towards
// "undecided".
func (g *grader) shownUnder(raw map[string]q.Value, assigned []string, base shown) shown {
	if base.counted != nil && len(assigned) == 0 {
		return base
	}
	out := shown{counted: make(map[string]q.Value, len(raw)), hidden: make(map[string][]string, len(base.hidden))}
	if base.counted != nil {
		maps.Copy(out.counted, base.counted)
		maps.Copy(out.hidden, base.hidden)
	}
	changed := make(map[string]bool, len(assigned))
	for _, id := range assigned {
		changed[id] = true
		if _, hidden := out.hidden[id]; !hidden {
			out.counted[id] = raw[id]
		}
	}
	st := q.NewState(out.counted, g.in.Evidence)
	for _, qu := range g.set.VisibilityOrder() {
		id := qu.ID.Value
		if base.counted != nil && !namesAny(&qu.ShowIf, changed) {
			continue
		}
		before, wasCounted := out.counted[id]
		_, wasHidden := out.hidden[id]
		delete(out.counted, id)
		delete(out.hidden, id)
		if applies, known := g.applies[qu.Pack]; known && !applies && !g.undecided[qu.Pack] {
			out.hidden[id] = nil
		} else if ok, reads, err := st.Eval(&qu.ShowIf); err != nil || !ok {
			out.hidden[id] = reads.Answers
		} else if v := raw[id]; len(v) > 0 {
			out.counted[id] = v
		}
		_, isHidden := out.hidden[id]
		after, isCounted := out.counted[id]
		if wasHidden != isHidden || wasCounted != isCounted || !slices.Equal(before, after) {
			changed[id] = true
		}
	}
	return out
}

// namesAny reports whether the condition names one of the question ids.
func namesAny(c *q.Cond, ids map[string]bool) bool {
	for _, r := range c.Refs() {
		if ids[r.ID] {
			return true
		}
	}
	return false
}

// maxScopeTries bounds couldApply; the built-in packs need a few dozen tries at most.
const maxScopeTries = 4096

// scopeCandidates are the answers couldApply tries for a question; nil when they cannot be
// listed (text, number).
func scopeCandidates(qu *q.Question) []q.Value {
	if qu == nil {
		return nil
	}
	vals := qu.AllowedValues()
	if vals == nil {
		return nil
	}
	out := make([]q.Value, 0, len(vals)+1)
	for _, v := range vals {
		out = append(out, q.Value{v})
	}
	if qu.Type.Value == q.TypeMulti && len(vals) > 1 {
		out = append(out, q.Value(vals))
	}
	return out
}

// because renders what a condition read: "id = value" for answers, "evidence.type = n" for
// evidence counts.
func (g *grader) because(r q.Reads) []string {
	out := make([]string, 0, len(r.Answers)+len(r.Evidence))
	for _, id := range r.Answers {
		out = append(out, id+" = "+formatValue(g.state.Answers[id]))
	}
	for _, t := range r.Evidence {
		out = append(out, "evidence."+t+" = "+strconv.Itoa(g.in.Evidence[t]))
	}
	return out
}

func formatValue(v q.Value) string {
	if len(v) == 0 {
		return "(unanswered)"
	}
	return strings.Join(v, ", ")
}

func (g *grader) findings() ([]Finding, error) {
	out := []Finding{}
	for _, r := range g.set.Rules {
		if r.Disabled || !g.applies[r.Pack] {
			continue
		}
		ok, reads, err := g.state.Eval(&r.When)
		if err != nil {
			return nil, fmt.Errorf("rule %s: %w", r.ID.Value, err)
		}
		if !ok {
			continue
		}
		f, err := g.finding(r, reads)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	sortFindings(out)
	return out, nil
}

func (g *grader) finding(r *q.Rule, reads q.Reads) (Finding, error) {
	matrix := MatrixFor(g.set.Pack(r.Pack))
	f := Finding{
		ID: r.ID.Value, Title: r.Title.En, Law: r.Law.Value, Article: r.Article.Value,
		Outcome: r.Outcome.Value, Jurisdiction: q.Laws[r.Law.Value],
		Severity: r.Severity.Value, Likelihood: r.Likelihood.Value,
		Because: g.because(reads), Mitigations: []AppliedMitigation{},
		Explanation: r.Explanation.En, Recommendation: r.Recommendation.En,
		Penalty: r.Penalty.En, Note: r.Note.En, Evidence: []string{}, Pack: r.Pack,
	}
	f.Inherent = matrix.Level(f.Severity, f.Likelihood)
	sev, lik := f.Severity, f.Likelihood
	for i := range r.Mitigations {
		m := &r.Mitigations[i]
		ok, mr, err := g.state.Eval(&m.When)
		if err != nil {
			return Finding{}, fmt.Errorf("rule %s mitigation %s: %w", r.ID.Value, m.ID.Value, err)
		}
		if !ok {
			continue
		}
		sev -= m.Reduces.Severity.Value
		lik -= m.Reduces.Likelihood.Value
		f.Mitigations = append(f.Mitigations, AppliedMitigation{
			ID: m.ID.Value, Text: m.Text.En, Severity: m.Reduces.Severity.Value,
			Likelihood: m.Reduces.Likelihood.Value, Because: g.because(mr),
		})
	}
	f.ResidualSeverity, f.ResidualLikelihood = max(sev, 1), max(lik, 1)
	f.Residual = matrix.Level(f.ResidualSeverity, f.ResidualLikelihood)
	for _, e := range r.Evidence {
		f.Evidence = append(f.Evidence, e.Value)
		if n := g.in.Evidence[e.Value]; n > 0 {
			if f.EvidenceFound == nil {
				f.EvidenceFound = map[string]int{}
			}
			f.EvidenceFound[e.Value] = n
		}
	}
	return f, nil
}

// sortFindings orders findings by residual level, then inherent level, severity, law,
// article and id, so the most serious come first and the order is stable.
func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if x, y := LevelRank(a.Residual), LevelRank(b.Residual); x != y {
			return x > y
		}
		if x, y := LevelRank(a.Inherent), LevelRank(b.Inherent); x != y {
			return x > y
		}
		if a.Severity*a.Likelihood != b.Severity*b.Likelihood {
			return a.Severity*a.Likelihood > b.Severity*b.Likelihood
		}
		if a.Law != b.Law {
			return a.Law < b.Law
		}
		if a.Article != b.Article {
			return a.Article < b.Article
		}
		return a.ID < b.ID
	})
}

func (g *grader) dpia() (DPIA, error) {
	d := DPIA{Criteria: []string{}, Cases: []string{}, Reasons: []string{}}
	for _, c := range g.set.Criteria {
		if !g.applies[c.Pack] {
			continue
		}
		ok, reads, err := g.state.Eval(&c.When)
		if err != nil {
			return d, fmt.Errorf("criterion %s: %w", c.ID.Value, err)
		}
		if ok {
			d.Criteria = append(d.Criteria, c.ID.Value)
			d.Reasons = append(d.Reasons, fmt.Sprintf("%s (%s): %s", c.Title.En, c.Article.Value, strings.Join(g.because(reads), "; ")))
		}
	}
	for _, c := range g.set.Mandatory {
		if !g.applies[c.Pack] {
			continue
		}
		ok, reads, err := g.state.Eval(&c.When)
		if err != nil {
			return d, fmt.Errorf("criterion %s: %w", c.ID.Value, err)
		}
		if ok {
			d.Cases = append(d.Cases, c.ID.Value)
			d.Reasons = append(d.Reasons, fmt.Sprintf("GDPR Art. %s: %s: %s", c.Article.Value, c.Title.En, strings.Join(g.because(reads), "; ")))
		}
	}
	d.Required = len(d.Criteria) >= 2 || len(d.Cases) > 0
	if !d.Required {
		var err error
		if d.Undecided, err = g.dpiaUndecided(d); err != nil {
			return d, err
		}
	}
	return d, nil
}

// dpiaUndecided reports whether a DPIA not required now could become required once unanswered
// questions are answered: an Art. 35(3) case could be met, or two criteria could (a criterion
// of a law whose scope is undecided counts as one that could).
func (g *grader) dpiaUndecided(d DPIA) (bool, error) {
	met := map[string]bool{}
	for _, id := range d.Criteria {
		met[id] = true
	}
	could := func(c *q.Cond, pack string) (bool, error) {
		if !g.applies[pack] {
			return g.undecided[pack], nil
		}
		ok, _, err := g.state.Eval(c)
		return !ok && g.couldApply(c), err
	}
	for _, c := range g.set.Mandatory {
		if ok, err := could(&c.When, c.Pack); ok || err != nil {
			return ok, err
		}
	}
	possible := len(d.Criteria)
	for _, c := range g.set.Criteria {
		if met[c.ID.Value] {
			continue
		}
		ok, err := could(&c.When, c.Pack)
		if err != nil {
			return false, err
		}
		if ok {
			possible++
		}
	}
	return possible >= 2, nil
}

func (g *grader) scenarios() ([]ScenarioMatch, error) {
	out := []ScenarioMatch{}
	for _, sc := range g.set.Scenarios {
		m := ScenarioMatch{ID: sc.ID.Value, Title: sc.Title.En, Matched: []string{}, Missing: []string{}}
		total, got := 0, 0
		for i := range sc.Traits {
			t := &sc.Traits[i]
			ok, _, err := g.state.Eval(&t.When)
			if err != nil {
				return nil, fmt.Errorf("scenario %s trait %s: %w", sc.ID.Value, t.ID.Value, err)
			}
			total += t.Weight.Value
			label := t.Label.En
			if label == "" {
				label = t.ID.Value
			}
			if ok {
				got += t.Weight.Value
				m.Matched = append(m.Matched, label)
			} else {
				m.Missing = append(m.Missing, label)
			}
		}
		if total > 0 {
			m.Similarity = round2(float64(got) / float64(total))
		}
		out = append(out, m)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Similarity != out[j].Similarity {
			return out[i].Similarity > out[j].Similarity
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// completeness is the share of visible required questions that are answered.
func (g *grader) completeness() (float64, []string) {
	total, done := 0, 0
	missing := []string{}
	for _, qu := range g.set.Questions {
		if !g.visible[qu.ID.Value] || !qu.IsRequired() {
			continue
		}
		total++
		if len(g.state.Answers[qu.ID.Value]) > 0 {
			done++
		} else {
			missing = append(missing, qu.ID.Value)
		}
	}
	if total == 0 {
		return 1, missing
	}
	return round2(float64(done) / float64(total)), missing
}

func (g *grader) hidden() []string {
	out := []string{}
	for id, v := range g.in.Answers {
		if len(v) > 0 && !g.visible[id] {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// Visible returns, for a pack set and answers, which questions are shown. The TUI uses it for
// live skip logic.
func Visible(set *q.Set, packs []string, answers map[string]q.Value) (map[string]bool, error) {
	g := &grader{set: set, in: Input{Packs: packs, Answers: answers}}
	if err := g.visibility(); err != nil {
		return nil, err
	}
	return g.visible, nil
}
