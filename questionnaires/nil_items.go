package questionnaires

import "fmt"

// checkNilItems refuses a pack with an empty item in a list ("sections:\n  -" decodes to a
// nil section), which the set builder and the validator would otherwise dereference.
func checkNilItems(p *Pack) error {
	empty := func(list string, i int) error {
		return &Error{File: p.File, Msg: fmt.Sprintf("%s: item %d is empty", list, i+1)}
	}
	for i, s := range p.Sections {
		if s == nil {
			return empty("sections", i)
		}
		for j, q := range s.Questions {
			if q == nil {
				return empty(fmt.Sprintf("section %q: questions", s.ID.Value), j)
			}
		}
	}
	for i, r := range p.Rules {
		if r == nil {
			return empty("rules", i)
		}
	}
	for i, s := range p.Scenarios {
		if s == nil {
			return empty("scenarios", i)
		}
	}
	for i, c := range p.DPIA.Criteria {
		if c == nil {
			return empty("dpia: criteria", i)
		}
	}
	for i, c := range p.DPIA.Mandatory {
		if c == nil {
			return empty("dpia: mandatory", i)
		}
	}
	return nil
}
