package detect

import (
	"fmt"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
)

// digitDFA is a regular expression over ASCII digits turned into a deterministic automaton
// once (subset construction over the program of regexp/syntax), so that matching a number is
// one table step per digit instead of a run of Go's regexp engine (about 1 µs per
// libphonenumber pattern). It answers only for strings of digits: anything else is no match.
type digitDFA struct {
	next [][10]int32 // state × digit → state; -1 is the dead state
	// accept[s]: the input read so far matches (the pattern may end here); hit[s]: some
	// prefix of the input read so far matched (for prefix patterns).
	accept, hit []bool
}

// maxDFAStates bounds the subset construction; the phone patterns need a few hundred states.
const maxDFAStates = 1 << 14

// compileDigitDFA compiles pattern (Perl syntax, as regexp.Compile takes it). Only ^ and $
// (begin and end of text) may appear as assertions.
func compileDigitDFA(pattern string) (*digitDFA, error) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil, err
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return nil, err
	}
	c := dfaBuilder{prog: prog, ids: map[string]int32{}}
	start, err := c.closure([]uint32{uint32(prog.Start)}, true, false)
	if err != nil {
		return nil, err
	}
	d := &digitDFA{}
	c.intern(d, start)
	for s := 0; s < len(c.sets); s++ {
		var row [10]int32
		for digit := range row {
			var moved []uint32
			for _, pc := range c.sets[s] {
				in := &prog.Inst[pc]
				switch in.Op {
				case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
					if in.MatchRune(rune('0' + digit)) {
						moved = append(moved, in.Out)
					}
				}
			}
			if len(moved) == 0 {
				row[digit] = -1
				continue
			}
			set, err := c.closure(moved, false, false)
			if err != nil {
				return nil, err
			}
			row[digit] = c.intern(d, set)
			if len(c.sets) > maxDFAStates {
				return nil, fmt.Errorf("pattern %q needs more than %d states", pattern, maxDFAStates)
			}
		}
		d.next = append(d.next, row)
	}
	return d, nil
}

type dfaBuilder struct {
	prog *syntax.Prog
	ids  map[string]int32
	sets [][]uint32 // each state's instructions (after the closure, sorted)
}

// closure follows the empty transitions from pcs. Begin-of-text assertions hold only at the
// start; end-of-text ones are kept in the set (acceptance resolves them) unless atEnd says
// the input has ended, when they are followed too.
func (c *dfaBuilder) closure(pcs []uint32, atStart, atEnd bool) ([]uint32, error) {
	seen := map[uint32]bool{}
	var out []uint32
	stack := slices.Clone(pcs)
	for len(stack) > 0 {
		pc := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[pc] {
			continue
		}
		seen[pc] = true
		in := &c.prog.Inst[pc]
		switch in.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			stack = append(stack, in.Out, in.Arg)
		case syntax.InstCapture, syntax.InstNop:
			stack = append(stack, in.Out)
		case syntax.InstEmptyWidth:
			switch syntax.EmptyOp(in.Arg) {
			case syntax.EmptyBeginText, syntax.EmptyBeginLine:
				if atStart {
					stack = append(stack, in.Out)
				}
			case syntax.EmptyEndText, syntax.EmptyEndLine:
				if atEnd {
					stack = append(stack, in.Out)
				} else {
					out = append(out, pc)
				}
			default:
				return nil, fmt.Errorf("assertion %v is not supported", syntax.EmptyOp(in.Arg))
			}
		case syntax.InstFail:
		default: // runes and InstMatch
			out = append(out, pc)
		}
	}
	slices.Sort(out)
	return out, nil
}

// intern returns the state of set, adding it (with its acceptance) when new.
func (c *dfaBuilder) intern(d *digitDFA, set []uint32) int32 {
	var key strings.Builder
	for _, pc := range set {
		key.WriteString(strconv.FormatUint(uint64(pc), 36))
		key.WriteByte(',')
	}
	if id, ok := c.ids[key.String()]; ok {
		return id
	}
	id := int32(len(c.sets))
	c.ids[key.String()] = id
	c.sets = append(c.sets, set)
	// The set was closed without the end: if the input ends here, follow its end assertions
	// too (they were checked when the set was made, so no error can come).
	atEnd, _ := c.closure(set, false, true)
	d.accept = append(d.accept, c.hasMatch(atEnd))
	d.hit = append(d.hit, c.hasMatch(set))
	return id
}

// hasMatch reports whether set holds the match instruction.
func (c *dfaBuilder) hasMatch(set []uint32) bool {
	return slices.ContainsFunc(set, func(pc uint32) bool { return c.prog.Inst[pc].Op == syntax.InstMatch })
}

// match reports whether all of s (digits) matches the pattern.
func (d *digitDFA) match(s string) bool {
	st := int32(0)
	for i := 0; i < len(s); i++ {
		c := s[i] - '0'
		if c > 9 {
			return false
		}
		if st = d.next[st][c]; st < 0 {
			return false
		}
	}
	return d.accept[st]
}

// prefix reports whether some prefix of s (digits, the empty one included) matches the
// pattern, as an unanchored-at-the-end regexp.MatchString would.
func (d *digitDFA) prefix(s string) bool {
	st := int32(0)
	if d.hit[st] || d.accept[st] {
		return true
	}
	for i := 0; i < len(s); i++ {
		c := s[i] - '0'
		if c > 9 {
			return false
		}
		if st = d.next[st][c]; st < 0 {
			return false
		}
		if d.hit[st] {
			return true
		}
	}
	return d.accept[st]
}
