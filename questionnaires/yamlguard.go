package questionnaires

import (
	"fmt"
	"unicode/utf8"
)

// MaxYAMLDepth bounds how deeply a pack or answers file may nest. Real files nest fewer than
// ten levels; the YAML parser's own limit (10,000) is reached only after work that grows
// faster than the depth, so a small hostile file could stall every command.
const MaxYAMLDepth = 1000

// CheckYAMLInput refuses, before any parsing, input that is not UTF-8 or that nests deeper
// than MaxYAMLDepth, naming the line and column (1-based). It reads the bytes once.
//
// The depth of a line is bounded from above by its indentation, plus the block sequence
// entries that open on it ("- - - x"), plus the open flow collections ("[", "{") outside
// quotes and comments; a bound over the limit is refused. A bracket inside a plain scalar
// ("see [1]") opens nothing: only one that starts a value (at the start of a line, after
// ": ", "- ", "? " or inside another flow collection) does.
func CheckYAMLInput(data []byte) (line, col int, msg string) {
	if !utf8.Valid(data) {
		off := 0
		for off < len(data) {
			r, n := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		l, c := position(data, off)
		return l, c, fmt.Sprintf("invalid UTF-8 (byte 0x%02x)", data[off])
	}
	flow := 0
	var quote byte // a quoted scalar may span lines
	lineNo := 1
	for start := 0; start < len(data); {
		end := start
		for end < len(data) && data[end] != '\n' {
			end++
		}
		if l, c, m := checkLineDepth(data[start:end], lineNo, &flow, &quote); m != "" {
			return l, c, m
		}
		start = end + 1
		lineNo++
	}
	return 0, 0, ""
}

// checkLineDepth scans one line, updating the open flow collections and the open quote.
func checkLineDepth(ln []byte, lineNo int, flow *int, quote *byte) (int, int, string) {
	i := 0
	for i < len(ln) && (ln[i] == ' ' || ln[i] == '\t') {
		i++
	}
	depth := i
	valueStart := true // at a place where a value may begin
	for ; i < len(ln); i++ {
		c := ln[i]
		if *quote != 0 {
			switch {
			case *quote == '"' && c == '\\':
				i++ // an escaped character
			case c == *quote:
				*quote = 0
				valueStart = false
			}
			continue
		}
		switch {
		case c == '#' && (i == 0 || ln[i-1] == ' ' || ln[i-1] == '\t'):
			return 0, 0, ""
		case (c == '"' || c == '\'') && valueStart:
			*quote = c
			continue
		case c == ' ' || c == '\t':
			continue
		}
		opened := false
		switch {
		case c == '-' && valueStart && *flow == 0 && (i+1 == len(ln) || ln[i+1] == ' '):
			depth++
			opened = true
		case (c == '[' || c == '{') && (valueStart || *flow > 0):
			*flow++
			opened = true
		case (c == ']' || c == '}') && *flow > 0:
			*flow--
		}
		if depth+*flow > MaxYAMLDepth {
			return lineNo, utf8.RuneCount(ln[:i]) + 1, fmt.Sprintf("nested deeper than %d levels", MaxYAMLDepth)
		}
		// A value may begin after an entry or collection that opened here, after ': ' or
		// '? ', and inside a flow collection after ','.
		valueStart = opened || c == ',' && *flow > 0 || (c == ':' || c == '?') && (i+1 == len(ln) || ln[i+1] == ' ')
	}
	if depth+*flow > MaxYAMLDepth {
		return lineNo, 1, fmt.Sprintf("nested deeper than %d levels", MaxYAMLDepth)
	}
	return 0, 0, ""
}

// position turns a byte offset into a 1-based line and column (in runes).
func position(data []byte, off int) (int, int) {
	line, lineStart := 1, 0
	for i := 0; i < off; i++ {
		if data[i] == '\n' {
			line++
			lineStart = i + 1
		}
	}
	return line, utf8.RuneCount(data[lineStart:off]) + 1
}
