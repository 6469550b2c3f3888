package questionnaires

import (
	"fmt"
	"strings"
)

// validate checks the merged set: fields, ranges, and that every condition compiles and names
// only questions, option values and evidence types that exist.
func (s *Set) validate(c *collector) {
	for _, p := range s.Packs {
		s.validatePack(p, c)
	}
	for _, q := range s.Questions {
		s.validateQuestion(q, c)
	}
	for _, r := range s.Rules {
		s.validateRule(r, c)
	}
	for _, cr := range append(append([]*Criterion{}, s.Criteria...), s.Mandatory...) {
		if !idPattern.MatchString(cr.ID.Value) {
			c.add(cr.File, cr.ID.Pos, "criterion id %q must be lowercase letters, digits, dots, dashes or underscores", cr.ID.Value)
		}
		if cr.Title.Empty() {
			c.add(cr.File, cr.ID.Pos, "criterion %q has no title", cr.ID.Value)
		}
		if cr.When.Empty() {
			c.add(cr.File, cr.ID.Pos, "criterion %q has no when condition", cr.ID.Value)
		}
		s.compile(&cr.When, cr.File, "criterion "+cr.ID.Value, c)
	}
	for _, sc := range s.Scenarios {
		s.validateScenario(sc, c)
	}
	s.orderVisibility(c)
}

func (s *Set) validatePack(p *Pack, c *collector) {
	if !idPattern.MatchString(p.ID.Value) {
		c.add(p.File, p.ID.Pos, "pack id %q must be lowercase letters, digits, dots, dashes or underscores", p.ID.Value)
	}
	if p.Title.Empty() {
		c.add(p.File, p.ID.Pos, "pack %q has no title", p.ID.Value)
	}
	if !contains(Jurisdictions, p.Jurisdiction.Value) {
		c.add(p.File, p.Jurisdiction.Pos, "pack %q: jurisdiction %q is not one of %s", p.ID.Value, p.Jurisdiction.Value, joinQuoted(Jurisdictions))
	}
	if l := p.Law.ID.Value; l != "" {
		if _, ok := Laws[l]; !ok {
			c.add(p.File, p.Law.ID.Pos, "pack %q: law %q is not one of %s", p.ID.Value, l, joinQuoted(lawIDs()))
		}
		if p.Law.Version.Value == "" {
			c.add(p.File, p.Law.ID.Pos, "pack %q: law.version is required", p.ID.Value)
		}
	}
	if d := p.Law.CurrentTo.Value; d != "" && !datePattern.MatchString(d) {
		c.add(p.File, p.Law.CurrentTo.Pos, "pack %q: current_to %q must be a date YYYY-MM-DD", p.ID.Value, d)
	}
	s.compile(&p.AppliesIf, p.File, "pack "+p.ID.Value+" applies_if", c)
	if p.Core && !p.AppliesIf.Empty() {
		c.add(p.File, p.AppliesIf.Pos, "pack %q: a core pack always applies and takes no applies_if", p.ID.Value)
	}
	for _, r := range p.AppliesIf.refs {
		if q := s.questionByID[r.ID]; q != nil && !s.packByID[q.Pack].Core {
			c.add(p.File, p.AppliesIf.Pos, "pack %q: applies_if may read only questions of core packs (screening), not %q", p.ID.Value, r.ID)
		}
	}
	if len(p.Matrix) > 0 {
		if len(p.Matrix) != 4 {
			c.add(p.File, p.ID.Pos, "pack %q: matrix must have 4 rows (severity 1–4), has %d", p.ID.Value, len(p.Matrix))
		}
		for i, row := range p.Matrix {
			if len(row) != 4 {
				c.add(p.File, p.ID.Pos, "pack %q: matrix row %d must have 4 levels (likelihood 1–4), has %d", p.ID.Value, i+1, len(row))
			}
			for _, cell := range row {
				if !contains(Levels, cell.Value) {
					c.add(p.File, cell.Pos, "pack %q: matrix level %q is not one of %s", p.ID.Value, cell.Value, joinQuoted(Levels))
				}
			}
		}
	}
}

func (s *Set) validateQuestion(q *Question, c *collector) {
	if !idPattern.MatchString(q.ID.Value) {
		c.add(q.File, q.ID.Pos, "question id %q must be lowercase letters, digits, dots, dashes or underscores", q.ID.Value)
	}
	switch q.Type.Value {
	case TypeYesNo, TypeText, TypeNumber:
		if len(q.Options) > 0 && q.Type.Value != TypeYesNo {
			c.add(q.File, q.Type.Pos, "question %q of type %s takes no options", q.ID.Value, q.Type.Value)
		}
	case TypeSingle, TypeMulti:
		if len(q.Options) == 0 {
			c.add(q.File, q.Type.Pos, "question %q of type %s needs options", q.ID.Value, q.Type.Value)
		}
	default:
		c.add(q.File, q.Type.Pos, "question %q: type %q is not one of yes_no, single, multi, text, number", q.ID.Value, q.Type.Value)
	}
	seen := map[string]bool{}
	for _, o := range q.Options {
		v := o.Value.Value
		switch {
		case v == "":
			c.add(q.File, o.Value.Pos, "question %q has an option without a value", q.ID.Value)
		case seen[v]:
			c.add(q.File, o.Value.Pos, "question %q: duplicate option %q", q.ID.Value, v)
		case q.Type.Value == TypeYesNo && !contains([]string{"yes", "no", "unknown"}, v):
			c.add(q.File, o.Value.Pos, "question %q: a yes_no question only labels yes, no and unknown, not %q", q.ID.Value, v)
		}
		seen[v] = true
	}
	if q.Text.Empty() {
		c.add(q.File, q.ID.Pos, "question %q has no text", q.ID.Value)
	}
	for _, cit := range q.Legal {
		if _, ok := Laws[cit.Law.Value]; !ok {
			c.add(q.File, cit.Law.Pos, "question %q: citation law %q is not one of %s", q.ID.Value, cit.Law.Value, joinQuoted(lawIDs()))
		}
	}
	s.compile(&q.ShowIf, q.File, "question "+q.ID.Value+" show_if", c)
}

func (s *Set) validateRule(r *Rule, c *collector) {
	where := "rule " + r.ID.Value
	if !idPattern.MatchString(r.ID.Value) {
		c.add(r.File, r.ID.Pos, "rule id %q must be lowercase letters, digits, dots, dashes or underscores", r.ID.Value)
	}
	if _, ok := Laws[r.Law.Value]; !ok {
		c.add(r.File, r.Law.Pos, "rule %q: law %q is not one of %s", r.ID.Value, r.Law.Value, joinQuoted(lawIDs()))
	}
	if r.Article.Value == "" {
		c.add(r.File, r.ID.Pos, "rule %q has no article", r.ID.Value)
	}
	if !contains([]string{OutcomeProhibited, OutcomeHighRisk, OutcomeLimited, OutcomeObligation, OutcomeGap}, r.Outcome.Value) {
		c.add(r.File, r.Outcome.Pos, "rule %q: outcome %q is not one of prohibited, high_risk, limited, obligation, gap", r.ID.Value, r.Outcome.Value)
	}
	for _, f := range []struct {
		name string
		v    Int
	}{{"severity", r.Severity}, {"likelihood", r.Likelihood}} {
		if !f.v.Set {
			c.add(r.File, r.ID.Pos, "rule %q has no %s (1–4)", r.ID.Value, f.name)
		} else if f.v.Value < 1 || f.v.Value > 4 {
			c.add(r.File, f.v.Pos, "rule %q: %s %d is out of range 1–4", r.ID.Value, f.name, f.v.Value)
		}
	}
	if r.Title.Empty() {
		c.add(r.File, r.ID.Pos, "rule %q has no title", r.ID.Value)
	}
	if r.Recommendation.Empty() {
		c.add(r.File, r.ID.Pos, "rule %q has no recommendation", r.ID.Value)
	}
	if r.When.Empty() {
		c.add(r.File, r.ID.Pos, "rule %q has no when condition", r.ID.Value)
	}
	s.compile(&r.When, r.File, where, c)
	for _, e := range r.Evidence {
		if !contains(EvidenceTypes, e.Value) {
			c.add(r.File, e.Pos, "rule %q: evidence type %q is not a detection type", r.ID.Value, e.Value)
		}
	}
	for i := range r.Mitigations {
		m := &r.Mitigations[i]
		if m.When.Empty() {
			c.add(r.File, m.ID.Pos, "rule %q: mitigation %q has no when condition", r.ID.Value, m.ID.Value)
		}
		for _, f := range []struct {
			name string
			v    Int
		}{{"severity", m.Reduces.Severity}, {"likelihood", m.Reduces.Likelihood}} {
			if f.v.Set && (f.v.Value < 0 || f.v.Value > 3) {
				c.add(r.File, f.v.Pos, "rule %q: mitigation %q reduces %s by %d, outside 0–3", r.ID.Value, m.ID.Value, f.name, f.v.Value)
			}
		}
		if !m.Reduces.Severity.Set && !m.Reduces.Likelihood.Set {
			c.add(r.File, m.ID.Pos, "rule %q: mitigation %q reduces neither severity nor likelihood", r.ID.Value, m.ID.Value)
		}
		s.compile(&m.When, r.File, where+" mitigation "+m.ID.Value, c)
	}
}

func (s *Set) validateScenario(sc *Scenario, c *collector) {
	if !idPattern.MatchString(sc.ID.Value) {
		c.add(sc.File, sc.ID.Pos, "scenario id %q must be lowercase letters, digits, dots, dashes or underscores", sc.ID.Value)
	}
	if sc.Title.Empty() {
		c.add(sc.File, sc.ID.Pos, "scenario %q has no title", sc.ID.Value)
	}
	if len(sc.Traits) == 0 {
		c.add(sc.File, sc.ID.Pos, "scenario %q has no traits", sc.ID.Value)
	}
	seen := map[string]bool{}
	for i := range sc.Traits {
		t := &sc.Traits[i]
		if seen[t.ID.Value] {
			c.add(sc.File, t.ID.Pos, "scenario %q: duplicate trait id %q", sc.ID.Value, t.ID.Value)
		}
		seen[t.ID.Value] = true
		if !t.Weight.Set || t.Weight.Value < 1 || t.Weight.Value > 10 {
			c.add(sc.File, t.Weight.Pos, "scenario %q: trait %q weight must be 1–10", sc.ID.Value, t.ID.Value)
		}
		if t.When.Empty() {
			c.add(sc.File, t.ID.Pos, "scenario %q: trait %q has no when condition", sc.ID.Value, t.ID.Value)
		}
		s.compile(&t.When, sc.File, "scenario "+sc.ID.Value+" trait "+t.ID.Value, c)
	}
}

// compile compiles a condition and checks the names it uses.
func (s *Set) compile(cd *Cond, file, where string, c *collector) {
	if cd.Empty() {
		return
	}
	if err := cd.Compile(); err != nil {
		c.add(file, cd.Pos, "%s: condition %q does not compile: %v", where, cd.Src, err)
		return
	}
	for _, r := range cd.refs {
		if r.Func == "found" {
			if !contains(EvidenceTypes, r.ID) {
				c.add(file, cd.Pos, "%s: unknown evidence type %q", where, r.ID)
			}
			continue
		}
		q := s.questionByID[r.ID]
		if q == nil {
			c.add(file, cd.Pos, "%s: unknown question id %q", where, r.ID)
			continue
		}
		for _, v := range r.Values {
			if !q.Allows(v) {
				c.add(file, cd.Pos, "%s: question %q has no option %q (options: %s)", where, r.ID, v, strings.Join(q.AllowedValues(), ", "))
			}
		}
		if (r.Func == "yes" || r.Func == "no" || r.Func == "unknown") && q.Type.Value != TypeYesNo {
			c.add(file, cd.Pos, "%s: %s(%q) needs a yes_no question, but it is %s", where, r.Func, r.ID, q.Type.Value)
		}
	}
}

// orderVisibility sorts questions so that show_if dependencies come first, and reports cycles.
func (s *Set) orderVisibility(c *collector) {
	const (
		unvisited = iota
		visiting
		done
	)
	state := map[string]int{}
	var order []*Question
	var visit func(q *Question, path []string) bool
	visit = func(q *Question, path []string) bool {
		switch state[q.ID.Value] {
		case done:
			return true
		case visiting:
			c.add(q.File, q.ShowIf.Pos, "question %q: show_if conditions form a cycle: %s", q.ID.Value, strings.Join(append(path, q.ID.Value), " → "))
			return false
		}
		state[q.ID.Value] = visiting
		refs := q.ShowIf.refs
		if p := s.packByID[q.Pack]; p != nil && !p.Core {
			refs = append(append([]Ref{}, p.AppliesIf.refs...), refs...)
		}
		for _, r := range refs {
			if r.Func == "found" || r.ID == q.ID.Value {
				if r.ID == q.ID.Value {
					c.add(q.File, q.ShowIf.Pos, "question %q: show_if reads the question itself", q.ID.Value)
					return false
				}
				continue
			}
			if dep := s.questionByID[r.ID]; dep != nil && !visit(dep, append(path, q.ID.Value)) {
				return false
			}
		}
		state[q.ID.Value] = done
		order = append(order, q)
		return true
	}
	for _, q := range s.Questions {
		if state[q.ID.Value] == unvisited {
			visit(q, nil)
		}
	}
	s.showOrder = order
}

func lawIDs() []string {
	return []string{"eu_ai_act", "gdpr", "kz_pdl", "kz_ai", "us_il_bipa"}
}

// String describes a rule for messages.
func (r *Rule) String() string {
	return fmt.Sprintf("%s (%s %s)", r.ID.Value, r.Law.Value, r.Article.Value)
}
