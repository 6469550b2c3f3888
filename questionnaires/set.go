package questionnaires

import (
	"regexp"
	"sort"
	"strings"
)

// Set is a merged, validated collection of packs: what the engine grades with.
type Set struct {
	Packs     []*Pack
	Sections  []*SectionView
	Questions []*Question
	Rules     []*Rule
	Criteria  []*Criterion
	Mandatory []*Criterion
	Scenarios []*Scenario

	packByID     map[string]*Pack
	questionByID map[string]*Question
	ruleByID     map[string]*Rule
	critByID     map[string]*Criterion
	scenarioByID map[string]*Scenario
	sectionByKey map[string]*SectionView
	// showOrder is the order in which visibility can be computed (dependencies first).
	showOrder []*Question
}

// SectionView is a section of the merged questionnaire, as shown to the user.
type SectionView struct {
	Pack      string
	ID        string
	Title     Text
	Questions []*Question
}

func newSet() *Set {
	return &Set{
		packByID: map[string]*Pack{}, questionByID: map[string]*Question{}, ruleByID: map[string]*Rule{},
		critByID: map[string]*Criterion{}, scenarioByID: map[string]*Scenario{}, sectionByKey: map[string]*SectionView{},
	}
}

// Pack returns the pack with the id, or nil.
func (s *Set) Pack(id string) *Pack { return s.packByID[id] }

// Question returns the question with the id, or nil.
func (s *Set) Question(id string) *Question { return s.questionByID[id] }

// Rule returns the rule with the id, or nil.
func (s *Set) Rule(id string) *Rule { return s.ruleByID[id] }

// Scenario returns the scenario with the id, or nil.
func (s *Set) Scenario(id string) *Scenario { return s.scenarioByID[id] }

// VisibilityOrder lists questions so that each comes after every question its show_if reads.
func (s *Set) VisibilityOrder() []*Question { return s.showOrder }

// add merges one pack into the set. In an overlay, items whose id exists replace the earlier
// item in place; elsewhere a repeated id is an error.
func (s *Set) add(p *Pack, overlay bool, c *collector) {
	file := p.File
	local := map[string]Pos{}
	dup := func(kind, id string, pos Pos) bool {
		key := kind + ":" + id
		if first, ok := local[key]; ok {
			c.add(file, pos, "duplicate %s id %q (first defined at line %d)", kind, id, first.Line)
			return true
		}
		local[key] = pos
		return false
	}
	existing := s.packByID[p.ID.Value]
	switch {
	case existing != nil && !overlay:
		c.add(file, p.ID.Pos, "duplicate pack id %q (also in %s)", p.ID.Value, existing.File)
		return
	case existing != nil:
		mergePackMeta(existing, p)
	default:
		s.packByID[p.ID.Value] = p
		s.Packs = append(s.Packs, p)
	}
	owner := p.ID.Value
	for _, sec := range p.Sections {
		key := owner + "/" + sec.ID.Value
		view := s.sectionByKey[key]
		if view == nil {
			view = &SectionView{Pack: owner, ID: sec.ID.Value, Title: sec.Title}
			s.sectionByKey[key] = view
			s.Sections = append(s.Sections, view)
		} else if !sec.Title.Empty() {
			view.Title = sec.Title
		}
		for _, q := range sec.Questions {
			q.Pack, q.Section, q.File = owner, sec.ID.Value, file
			if dup("question", q.ID.Value, q.ID.Pos) {
				continue
			}
			if old := s.questionByID[q.ID.Value]; old != nil {
				if !overlay {
					c.add(file, q.ID.Pos, "duplicate question id %q (also in %s)", q.ID.Value, old.File)
					continue
				}
				q.Pack, q.Section = old.Pack, old.Section
				s.replaceQuestion(old, q)
				continue
			}
			s.questionByID[q.ID.Value] = q
			view.Questions = append(view.Questions, q)
		}
	}
	for _, r := range p.Rules {
		r.Pack, r.File = owner, file
		if dup("rule", r.ID.Value, r.ID.Pos) {
			continue
		}
		if old := s.ruleByID[r.ID.Value]; old != nil {
			if !overlay {
				c.add(file, r.ID.Pos, "duplicate rule id %q (also in %s)", r.ID.Value, old.File)
				continue
			}
			r.Pack = old.Pack
			replaceIn(s.Rules, old, r)
		} else {
			s.Rules = append(s.Rules, r)
		}
		s.ruleByID[r.ID.Value] = r
	}
	addCrit := func(list *[]*Criterion, items []*Criterion, kind string) {
		for _, cr := range items {
			cr.Pack, cr.File = owner, file
			if dup(kind, cr.ID.Value, cr.ID.Pos) {
				continue
			}
			if old := s.critByID[cr.ID.Value]; old != nil {
				if !overlay {
					c.add(file, cr.ID.Pos, "duplicate %s id %q (also in %s)", kind, cr.ID.Value, old.File)
					continue
				}
				if !replaceIn(s.Criteria, old, cr) {
					replaceIn(s.Mandatory, old, cr)
				}
			} else {
				*list = append(*list, cr)
			}
			s.critByID[cr.ID.Value] = cr
		}
	}
	addCrit(&s.Criteria, p.DPIA.Criteria, "criterion")
	addCrit(&s.Mandatory, p.DPIA.Mandatory, "criterion")
	for _, sc := range p.Scenarios {
		sc.Pack, sc.File = owner, file
		if dup("scenario", sc.ID.Value, sc.ID.Pos) {
			continue
		}
		if old := s.scenarioByID[sc.ID.Value]; old != nil {
			if !overlay {
				c.add(file, sc.ID.Pos, "duplicate scenario id %q (also in %s)", sc.ID.Value, old.File)
				continue
			}
			replaceIn(s.Scenarios, old, sc)
		} else {
			s.Scenarios = append(s.Scenarios, sc)
		}
		s.scenarioByID[sc.ID.Value] = sc
	}
}

func replaceIn[T comparable](list []T, old, nu T) bool {
	for i, x := range list {
		if x == old {
			list[i] = nu
			return true
		}
	}
	return false
}

func (s *Set) replaceQuestion(old, q *Question) {
	s.questionByID[q.ID.Value] = q
	for _, v := range s.Sections {
		if replaceIn(v.Questions, old, q) {
			return
		}
	}
}

// mergePackMeta lets an overlay pack with an existing id change the pack's descriptive fields.
func mergePackMeta(dst, src *Pack) {
	if !src.Title.Empty() {
		dst.Title = src.Title
	}
	if src.Jurisdiction.Value != "" {
		dst.Jurisdiction = src.Jurisdiction
	}
	if src.Law.ID.Value != "" {
		dst.Law = src.Law
	}
	if !src.AppliesIf.Empty() {
		dst.AppliesIf = src.AppliesIf
		dst.File = src.File
	}
	if len(src.Matrix) > 0 {
		dst.Matrix = src.Matrix
	}
	if !src.Scope.Empty() {
		dst.Scope = src.Scope
	}
}

// finish orders packs and flattens the questions.
func (s *Set) finish() {
	sort.SliceStable(s.Packs, func(i, j int) bool {
		if s.Packs[i].Order != s.Packs[j].Order {
			return s.Packs[i].Order < s.Packs[j].Order
		}
		return s.Packs[i].ID.Value < s.Packs[j].ID.Value
	})
	rank := map[string]int{}
	for i, p := range s.Packs {
		rank[p.ID.Value] = i
	}
	sort.SliceStable(s.Sections, func(i, j int) bool { return rank[s.Sections[i].Pack] < rank[s.Sections[j].Pack] })
	sort.SliceStable(s.Rules, func(i, j int) bool { return rank[s.Rules[i].Pack] < rank[s.Rules[j].Pack] })
	s.Questions = s.Questions[:0]
	for _, v := range s.Sections {
		s.Questions = append(s.Questions, v.Questions...)
	}
}

var (
	idPattern   = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]*$`)
	datePattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	// Levels are the risk levels of contract C3, lowest first.
	Levels = []string{"low", "medium", "high", "critical"}
)

// Jurisdictions a pack may declare.
var Jurisdictions = []string{"eu", "kz", "us_il", "global"}

func contains(list []string, x string) bool {
	for _, y := range list {
		if y == x {
			return true
		}
	}
	return false
}

func joinQuoted(list []string) string {
	if len(list) == 0 {
		return "(none)"
	}
	return strings.Join(list, ", ")
}
