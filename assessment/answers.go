package assessment

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	q "github.com/dpia-tool/dpia/questionnaires"
)

// ValidateAnswers checks that every answer names a known question and uses only values the
// question allows. The error names the question id and the value.
func ValidateAnswers(set *q.Set, answers map[string]q.Value) error {
	ids := make([]string, 0, len(answers))
	for id := range answers {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if err := ValidateAnswer(set, id, answers[id]); err != nil {
			return err
		}
	}
	return nil
}

// ValidateAnswer checks one answer against its question.
func ValidateAnswer(set *q.Set, id string, v q.Value) error {
	qu := set.Question(id)
	if qu == nil {
		return fmt.Errorf("unknown question id %q", id)
	}
	if len(v) > 1 && qu.Type.Value != q.TypeMulti {
		return fmt.Errorf("question %q takes one value, got %d (%s)", id, len(v), strings.Join(v, ", "))
	}
	seen := map[string]bool{}
	for _, x := range v {
		if !qu.Allows(x) {
			return fmt.Errorf("question %q: value %q is not one of its options (%s)", id, x, strings.Join(qu.AllowedValues(), ", "))
		}
		if seen[x] {
			return fmt.Errorf("question %q: value %q is given twice", id, x)
		}
		seen[x] = true
		if qu.Type.Value == q.TypeNumber {
			if _, err := strconv.ParseFloat(x, 64); err != nil {
				return fmt.Errorf("question %q: value %q is not a number", id, x)
			}
		}
	}
	return nil
}
