package questionnaires

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"
	yast "github.com/goccy/go-yaml/ast"
)

// Cond is a condition written in a pack: an expr-lang expression over the answers and the
// evidence summary. An empty condition is always true.
type Cond struct {
	Src string
	Pos Pos

	prog *vm.Program
	refs []Ref
}

// Ref is a question id, option value or evidence type named in a condition.
type Ref struct {
	Func   string   // the function called: answer, is, has, yes, found, …
	ID     string   // question id or evidence type
	Values []string // option values compared with, if any
}

// UnmarshalYAML keeps the source and its position.
func (c *Cond) UnmarshalYAML(n yast.Node) error {
	c.Pos = posOf(n)
	if n.Type() == yast.NullType {
		return nil
	}
	var s Str
	if err := s.UnmarshalYAML(n); err != nil {
		return err
	}
	c.Src = strings.TrimSpace(s.Value)
	return nil
}

// MarshalYAML writes the source text.
func (c Cond) MarshalYAML() (any, error) { return c.Src, nil }

// Empty reports whether no condition was written.
func (c *Cond) Empty() bool { return c.Src == "" }

// Refs lists the question ids and evidence types the condition names.
func (c *Cond) Refs() []Ref { return c.refs }

// answerFuncs take a question id as first argument; the boolean says whether further string
// arguments are option values of that question.
var answerFuncs = map[string]bool{
	"answer": false, "answered": false, "num": false, "selected": false,
	"is": true, "has": true, "has_all": true, "yes": false, "no": false, "unknown": false,
}

// evidenceFuncs take a detection type.
var evidenceFuncs = map[string]bool{"found": true}

// refVisitor rewrites answers["id"] and evidence["type"] into function calls, and records every
// question id and evidence type named, so the loader can check them and the engine can explain.
type refVisitor struct {
	refs []Ref
	errs []string
}

func (v *refVisitor) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.MemberNode:
		id, ok := n.Node.(*ast.IdentifierNode)
		if !ok || (id.Value != "answers" && id.Value != "evidence") {
			return
		}
		prop, ok := n.Property.(*ast.StringNode)
		if !ok {
			v.errs = append(v.errs, fmt.Sprintf("%s[…] needs a literal string key", id.Value))
			return
		}
		fn := "answer"
		if id.Value == "evidence" {
			fn = "found"
		}
		call := &ast.CallNode{Callee: &ast.IdentifierNode{Value: fn}, Arguments: []ast.Node{&ast.StringNode{Value: prop.Value}}}
		ast.Patch(node, call)
		v.record(call)
	case *ast.CallNode:
		v.record(n)
	case *ast.BinaryNode:
		v.recordComparison(n)
	}
}

// recordComparison notes option values compared with answer("id") by ==, != or in, so the
// loader can check them too.
func (v *refVisitor) recordComparison(n *ast.BinaryNode) {
	switch n.Operator {
	case "==", "!=", "in", "not in":
	default:
		return
	}
	for _, pair := range [][2]ast.Node{{n.Left, n.Right}, {n.Right, n.Left}} {
		call, ok := pair[0].(*ast.CallNode)
		if !ok || len(call.Arguments) != 1 {
			continue
		}
		callee, ok := call.Callee.(*ast.IdentifierNode)
		if !ok || callee.Value != "answer" {
			continue
		}
		id, ok := call.Arguments[0].(*ast.StringNode)
		if !ok {
			continue
		}
		var vals []string
		switch o := pair[1].(type) {
		case *ast.StringNode:
			vals = []string{o.Value}
		case *ast.ArrayNode:
			for _, e := range o.Nodes {
				if s, ok := e.(*ast.StringNode); ok {
					vals = append(vals, s.Value)
				}
			}
		}
		if len(vals) > 0 {
			v.refs = append(v.refs, Ref{Func: "answer", ID: id.Value, Values: vals})
		}
	}
}

func (v *refVisitor) record(n *ast.CallNode) {
	callee, ok := n.Callee.(*ast.IdentifierNode)
	if !ok {
		return
	}
	withValues, isAnswer := answerFuncs[callee.Value]
	_, isEvidence := evidenceFuncs[callee.Value]
	if !isAnswer && !isEvidence {
		return
	}
	if len(n.Arguments) == 0 {
		v.errs = append(v.errs, fmt.Sprintf("%s() needs a question id or evidence type", callee.Value))
		return
	}
	var r Ref
	r.Func = callee.Value
	for i, a := range n.Arguments {
		s, ok := a.(*ast.StringNode)
		if !ok {
			v.errs = append(v.errs, fmt.Sprintf("%s(): argument %d must be a literal string", callee.Value, i+1))
			return
		}
		if i == 0 {
			r.ID = s.Value
		} else if withValues {
			r.Values = append(r.Values, s.Value)
		}
	}
	v.refs = append(v.refs, r)
}

// Compile compiles the condition once; it is called by the loader.
func (c *Cond) Compile() error {
	if c.Empty() {
		return nil
	}
	v := &refVisitor{}
	prog, err := expr.Compile(c.Src, expr.Env(protoEnv), expr.AsBool(), expr.Patch(v))
	if len(v.errs) > 0 {
		return errors.New(v.errs[0])
	}
	if err != nil {
		var fe *file.Error
		if errors.As(err, &fe) {
			return fmt.Errorf("%s (at character %d of the expression)", fe.Message, fe.Column+1)
		}
		return err
	}
	c.prog, c.refs = prog, v.refs
	return nil
}

// protoEnv gives the types of the condition language for the compiler.
var protoEnv = newState(nil, nil).env

// Value is an answer: one string for yes_no, single, text and number questions, a list for multi.
type Value []string

// State is what conditions are evaluated against: the answers that count (visible questions
// only) and the evidence counts. It records what each evaluation reads, for explanations.
// A State is not safe for concurrent use.
type State struct {
	Answers  map[string]Value
	Evidence map[string]int
	env      map[string]any

	readIDs []string
	readEv  []string
	seen    map[string]bool
}

// NewState returns a State for evaluating conditions.
func NewState(answers map[string]Value, evidence map[string]int) *State {
	return newState(answers, evidence)
}

func newState(answers map[string]Value, evidence map[string]int) *State {
	s := &State{Answers: answers, Evidence: evidence, seen: map[string]bool{}}
	get := func(id string) Value {
		s.readAnswer(id)
		return s.Answers[id]
	}
	contains := func(v Value, x string) bool {
		for _, y := range v {
			if y == x {
				return true
			}
		}
		return false
	}
	s.env = map[string]any{
		"answer": func(id string) any {
			v := get(id)
			switch len(v) {
			case 0:
				return nil
			case 1:
				return v[0]
			}
			return []string(v)
		},
		"answered": func(id string) bool { return len(get(id)) > 0 },
		"num": func(id string) float64 {
			v := get(id)
			if len(v) == 0 {
				return 0
			}
			f, _ := strconv.ParseFloat(v[0], 64)
			return f
		},
		"selected": func(id string) int { return len(get(id)) },
		"is":       func(id, val string) bool { return contains(get(id), val) },
		"has": func(id string, vals ...string) bool {
			v := get(id)
			for _, x := range vals {
				if contains(v, x) {
					return true
				}
			}
			return false
		},
		"has_all": func(id string, vals ...string) bool {
			v := get(id)
			for _, x := range vals {
				if !contains(v, x) {
					return false
				}
			}
			return true
		},
		"yes":     func(id string) bool { return contains(get(id), "yes") },
		"no":      func(id string) bool { return contains(get(id), "no") },
		"unknown": func(id string) bool { return contains(get(id), "unknown") },
		"found": func(typ string) int {
			s.readEvidence(typ)
			return s.Evidence[typ]
		},
	}
	return s
}

func (s *State) readAnswer(id string) {
	if !s.seen["a:"+id] {
		s.seen["a:"+id] = true
		s.readIDs = append(s.readIDs, id)
	}
}

func (s *State) readEvidence(t string) {
	if !s.seen["e:"+t] {
		s.seen["e:"+t] = true
		s.readEv = append(s.readEv, t)
	}
}

// Reads are what one evaluation looked at: question ids and evidence types, in reading order.
type Reads struct {
	Answers  []string
	Evidence []string
}

// Eval evaluates a compiled condition and returns its value and what it read. An empty
// condition is true and reads nothing.
func (s *State) Eval(c *Cond) (bool, Reads, error) {
	if c.Empty() {
		return true, Reads{}, nil
	}
	if c.prog == nil {
		return false, Reads{}, fmt.Errorf("%s: condition was not compiled", c.Pos)
	}
	s.readIDs, s.readEv = nil, nil
	clear(s.seen)
	out, err := expr.Run(c.prog, s.env)
	r := Reads{Answers: s.readIDs, Evidence: s.readEv}
	if err != nil {
		return false, r, fmt.Errorf("%s: evaluating %q: %w", c.Pos, c.Src, err)
	}
	b, _ := out.(bool)
	return b, r, nil
}
