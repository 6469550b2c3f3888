// Package answersfile reads and writes answers files (contract C2): YAML, or JSON, naming the
// system, the packs and the answers by question id, with notes.
package answersfile

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/dpia-tool/dpia/assessment"
	q "github.com/dpia-tool/dpia/questionnaires"
)

// MaxBytes bounds the size of an answers file.
const MaxBytes = 8 << 20

// File is the content of an answers file.
type File struct {
	System  assessment.System
	Packs   []string
	Answers map[string]q.Value
	Notes   map[string]string
}

// Error is a problem in an answers file, with its place.
type Error struct {
	File         string
	Line, Column int
	Msg          string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
}

type reader struct {
	name string
	set  *q.Set
}

func (r *reader) errAt(n ast.Node, format string, args ...any) *Error {
	e := &Error{File: r.name, Msg: fmt.Sprintf(format, args...)}
	if n != nil && n.GetToken() != nil {
		e.Line, e.Column = n.GetToken().Position.Line, n.GetToken().Position.Column
	}
	return e
}

// Parse reads an answers file and checks it against the pack set: an unknown question id or a
// value outside a question's options is an error that names both, with the line and column.
func Parse(name string, data []byte, set *q.Set) (*File, error) {
	if len(data) > MaxBytes {
		return nil, &Error{File: name, Msg: fmt.Sprintf("file is %d bytes, more than the %d allowed", len(data), MaxBytes)}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &Error{File: name, Msg: "file is empty"}
	}
	if line, col, msg := q.CheckYAMLInput(data); msg != "" {
		return nil, &Error{File: name, Line: line, Column: col, Msg: msg}
	}
	doc, err := parser.ParseBytes(data, 0)
	if err != nil {
		e := &Error{File: name, Msg: firstLine(err.Error())}
		if tk := tokenPos(err); tk != nil {
			e.Line, e.Column = tk[0], tk[1]
			e.Msg = firstLine(messageOf(err))
		}
		return nil, e
	}
	if len(doc.Docs) != 1 {
		return nil, &Error{File: name, Msg: fmt.Sprintf("expected one YAML document, found %d", len(doc.Docs))}
	}
	r := &reader{name: name, set: set}
	f := &File{Answers: map[string]q.Value{}, Notes: map[string]string{}}
	root, ok := unwrap(doc.Docs[0].Body).(*ast.MappingNode)
	if !ok {
		return nil, r.errAt(doc.Docs[0].Body, "expected a mapping with system, packs, answers and notes")
	}
	for _, kv := range root.Values {
		key := keyString(kv.Key)
		var err error
		switch key {
		case "system":
			err = r.system(kv.Value, &f.System)
		case "packs":
			f.Packs, err = r.packs(kv.Value)
		case "answers":
			err = r.answers(kv.Value, f.Answers)
		case "notes":
			err = r.notes(kv.Value, f.Notes)
		default:
			err = r.errAt(kv.Key, "unknown field %q (expected system, packs, answers or notes)", key)
		}
		if err != nil {
			return nil, err
		}
	}
	return f, nil
}

func unwrap(n ast.Node) ast.Node {
	switch x := n.(type) {
	case *ast.TagNode:
		return unwrap(x.Value)
	case *ast.AnchorNode:
		return unwrap(x.Value)
	case *ast.MappingValueNode:
		return &ast.MappingNode{BaseNode: x.BaseNode, Start: x.GetToken(), Values: []*ast.MappingValueNode{x}}
	}
	return n
}

func keyString(n ast.Node) string {
	if n == nil || n.GetToken() == nil {
		return ""
	}
	if s, ok := n.(*ast.StringNode); ok {
		return s.Value
	}
	return n.GetToken().Value
}

func (r *reader) system(n ast.Node, s *assessment.System) error {
	m, ok := unwrap(n).(*ast.MappingNode)
	if !ok {
		return r.errAt(n, "system must be a mapping with name and description")
	}
	for _, kv := range m.Values {
		v, err := r.scalar(kv.Value)
		if err != nil {
			return err
		}
		switch keyString(kv.Key) {
		case "name":
			s.Name = v
		case "description":
			s.Description = v
		default:
			return r.errAt(kv.Key, "unknown field system.%s (expected name or description)", keyString(kv.Key))
		}
	}
	return nil
}

func (r *reader) packs(n ast.Node) ([]string, error) {
	vals, err := r.list(n)
	if err != nil {
		return nil, err
	}
	for i, v := range vals {
		if r.set.Pack(v) == nil {
			at := n
			if seq, ok := unwrap(n).(*ast.SequenceNode); ok && i < len(seq.Values) {
				at = seq.Values[i]
			}
			return nil, r.errAt(at, "unknown pack %q", v)
		}
	}
	return vals, nil
}

func (r *reader) answers(n ast.Node, out map[string]q.Value) error {
	if _, null := n.(*ast.NullNode); null {
		return nil
	}
	m, ok := unwrap(n).(*ast.MappingNode)
	if !ok {
		return r.errAt(n, "answers must be a mapping of question id to value")
	}
	for _, kv := range m.Values {
		id := keyString(kv.Key)
		qu := r.set.Question(id)
		if qu == nil {
			return r.errAt(kv.Key, "unknown question id %q", id)
		}
		if _, dup := out[id]; dup {
			return r.errAt(kv.Key, "question %q is answered twice", id)
		}
		if _, null := kv.Value.(*ast.NullNode); null {
			continue
		}
		vals, err := r.list(kv.Value)
		if err != nil {
			return err
		}
		if qu.Type.Value == q.TypeYesNo {
			for i, v := range vals {
				switch v {
				case "true":
					vals[i] = "yes"
				case "false":
					vals[i] = "no"
				}
			}
		}
		if err := assessment.ValidateAnswer(r.set, id, vals); err != nil {
			return r.errAt(kv.Value, "%v", err)
		}
		out[id] = vals
	}
	return nil
}

func (r *reader) notes(n ast.Node, out map[string]string) error {
	if _, null := n.(*ast.NullNode); null {
		return nil
	}
	m, ok := unwrap(n).(*ast.MappingNode)
	if !ok {
		return r.errAt(n, "notes must be a mapping of question id to text")
	}
	for _, kv := range m.Values {
		id := keyString(kv.Key)
		if r.set.Question(id) == nil {
			return r.errAt(kv.Key, "note for unknown question id %q", id)
		}
		v, err := r.scalar(kv.Value)
		if err != nil {
			return err
		}
		out[id] = v
	}
	return nil
}

// list reads a scalar (one value) or a sequence of scalars.
func (r *reader) list(n ast.Node) ([]string, error) {
	if seq, ok := unwrap(n).(*ast.SequenceNode); ok {
		out := make([]string, 0, len(seq.Values))
		for _, v := range seq.Values {
			s, err := r.scalar(v)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, nil
	}
	s, err := r.scalar(n)
	if err != nil {
		return nil, err
	}
	return []string{s}, nil
}

func (r *reader) scalar(n ast.Node) (string, error) {
	switch x := unwrap(n).(type) {
	case *ast.StringNode:
		return x.Value, nil
	case *ast.LiteralNode:
		return strings.TrimSuffix(x.Value.Value, "\n"), nil
	case *ast.BoolNode:
		return strconv.FormatBool(x.Value), nil
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return x.GetToken().Value, nil
	case *ast.NullNode:
		return "", nil
	}
	return "", r.errAt(n, "expected a plain value here")
}

// Marshal writes the file in a stable form: answers and notes in questionnaire order, then any
// others by id. Parse(Marshal(f)) gives f back.
func Marshal(f *File, set *q.Set) ([]byte, error) {
	order := map[string]int{}
	for i, qu := range set.Questions {
		order[qu.ID.Value] = i
	}
	sorted := func(keys []string) []string {
		sort.SliceStable(keys, func(i, j int) bool {
			oi, iok := order[keys[i]]
			oj, jok := order[keys[j]]
			if iok && jok {
				return oi < oj
			}
			if iok != jok {
				return iok
			}
			return keys[i] < keys[j]
		})
		return keys
	}
	sys := yaml.MapSlice{{Key: "name", Value: f.System.Name}}
	if f.System.Description != "" {
		sys = append(sys, yaml.MapItem{Key: "description", Value: f.System.Description})
	}
	doc := yaml.MapSlice{{Key: "system", Value: sys}}
	if len(f.Packs) > 0 {
		doc = append(doc, yaml.MapItem{Key: "packs", Value: f.Packs})
	}
	var ans yaml.MapSlice
	for _, id := range sorted(keys(f.Answers)) {
		v := f.Answers[id]
		if len(v) == 0 {
			continue
		}
		qu := set.Question(id)
		if qu != nil && qu.Type.Value == q.TypeMulti {
			ans = append(ans, yaml.MapItem{Key: id, Value: []string(v)})
		} else {
			ans = append(ans, yaml.MapItem{Key: id, Value: v[0]})
		}
	}
	doc = append(doc, yaml.MapItem{Key: "answers", Value: ans})
	if len(f.Notes) > 0 {
		var notes yaml.MapSlice
		for _, id := range sorted(keys(f.Notes)) {
			notes = append(notes, yaml.MapItem{Key: id, Value: f.Notes[id]})
		}
		doc = append(doc, yaml.MapItem{Key: "notes", Value: notes})
	}
	return yaml.MarshalWithOptions(doc, yaml.Flow(false), yaml.UseLiteralStyleIfMultiline(true))
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func firstLine(s string) string { return strings.TrimSpace(strings.SplitN(s, "\n", 2)[0]) }
