package questionnaires

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
)

// Pos is a place in a pack file: the file name, line and column (1-based).
type Pos struct {
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
}

// String formats the position as file:line:column.
func (p Pos) String() string {
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
}

func posOf(n ast.Node) Pos {
	if n == nil || n.GetToken() == nil {
		return Pos{}
	}
	t := n.GetToken().Position
	return Pos{Line: t.Line, Column: t.Column}
}

// Str is a string that remembers where in the pack file it was written.
type Str struct {
	Value string
	Pos   Pos
}

// UnmarshalYAML keeps the node position beside the value.
func (s *Str) UnmarshalYAML(n ast.Node) error {
	s.Pos = posOf(n)
	if n.Type() == ast.NullType {
		return nil
	}
	var v any
	if err := yaml.NodeToValue(n, &v); err != nil {
		return err
	}
	switch x := v.(type) {
	case string:
		s.Value = x
	case bool, int, int64, uint64, float64:
		s.Value = fmt.Sprint(x)
	default:
		return fmt.Errorf("%d:%d: expected a plain value, got %T", s.Pos.Line, s.Pos.Column, v)
	}
	return nil
}

// MarshalYAML writes the bare string.
func (s Str) MarshalYAML() (any, error) { return s.Value, nil }

// Int is a number that remembers where in the pack file it was written.
type Int struct {
	Value int
	Set   bool
	Pos   Pos
}

// UnmarshalYAML keeps the node position beside the value.
func (i *Int) UnmarshalYAML(n ast.Node) error {
	i.Pos = posOf(n)
	var s string
	var v any
	if err := yaml.NodeToValue(n, &v); err != nil {
		return err
	}
	s = fmt.Sprint(v)
	x, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("%d:%d: %q is not a whole number", i.Pos.Line, i.Pos.Column, s)
	}
	i.Value, i.Set = x, true
	return nil
}

// Text is a localisable text: English is required, Russian and Kazakh are optional.
// In YAML it is either a plain string (English) or a map {en: …, ru: …, kk: …}.
type Text struct {
	En  string
	Loc map[string]string // other languages, by code
	Pos Pos
}

// Languages lists the language codes a Text may carry.
var Languages = []string{"en", "ru", "kk"}

// UnmarshalYAML accepts a string or a map of language codes.
func (t *Text) UnmarshalYAML(n ast.Node) error {
	t.Pos = posOf(n)
	var v any
	if err := yaml.NodeToValue(n, &v); err != nil {
		return err
	}
	switch x := v.(type) {
	case nil:
	case string:
		t.En = x
	case map[string]any:
		for k, val := range x {
			s, ok := val.(string)
			if !ok {
				return fmt.Errorf("%d:%d: text in %q must be a string", t.Pos.Line, t.Pos.Column, k)
			}
			switch k {
			case "en":
				t.En = s
			case "ru", "kk":
				if t.Loc == nil {
					t.Loc = map[string]string{}
				}
				t.Loc[k] = s
			default:
				return fmt.Errorf("%d:%d: unknown language %q (use en, ru or kk)", t.Pos.Line, t.Pos.Column, k)
			}
		}
		if t.En == "" {
			return fmt.Errorf("%d:%d: the English text (en) is required", t.Pos.Line, t.Pos.Column)
		}
	default:
		return fmt.Errorf("%d:%d: expected a text or a map of languages", t.Pos.Line, t.Pos.Column)
	}
	return nil
}

// MarshalYAML writes a plain string when only English is present.
func (t Text) MarshalYAML() (any, error) {
	if len(t.Loc) == 0 {
		return t.En, nil
	}
	m := yaml.MapSlice{{Key: "en", Value: t.En}}
	keys := make([]string, 0, len(t.Loc))
	for k := range t.Loc {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		m = append(m, yaml.MapItem{Key: k, Value: t.Loc[k]})
	}
	return m, nil
}

// In returns the text in the given language, falling back to English.
func (t Text) In(lang string) string {
	if s, ok := t.Loc[lang]; ok && s != "" {
		return s
	}
	return t.En
}

// String returns the English text.
func (t Text) String() string { return t.En }

// Empty reports whether no text was given.
func (t Text) Empty() bool { return t.En == "" }
