package detect

import (
	"unicode"
	"unicode/utf8"
)

// appendLower appends s lower-cased to dst so that every byte offset of the result is the
// offset of the same character in s: ASCII and Cyrillic (Russian and Kazakh letters) are
// mapped directly; any other rune is lower-cased only when that keeps its UTF-8 length.
func appendLower(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			dst = append(dst, asciiLower[c])
			i++
			continue
		}
		if c == 0xD0 && i+1 < len(s) {
			c2 := s[i+1]
			switch {
			case c2 >= 0x80 && c2 <= 0x8F: // Ѐ..Џ (Ё, І …) → ѐ..џ
				dst = append(dst, 0xD1, c2+0x10)
			case c2 >= 0x90 && c2 <= 0x9F: // А..П → а..п
				dst = append(dst, 0xD0, c2+0x20)
			case c2 >= 0xA0 && c2 <= 0xAF: // Р..Я → р..я
				dst = append(dst, 0xD1, c2-0x20)
			default:
				dst = append(dst, c, c2)
			}
			i += 2
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if l := unicode.ToLower(r); l != r && utf8.RuneLen(l) == n {
			dst = utf8.AppendRune(dst, l)
		} else {
			dst = append(dst, s[i:i+n]...)
		}
		i += n
	}
	return dst
}

// lowerString lower-cases s like appendLower.
func lowerString(s string) string { return string(appendLower(make([]byte, 0, len(s)), s)) }

var asciiLower = func() (t [utf8.RuneSelf]byte) {
	for i := range t {
		t[i] = byte(i)
		if i >= 'A' && i <= 'Z' {
			t[i] = byte(i + 'a' - 'A')
		}
	}
	return t
}()

// Byte classes of the anchor scan (scan.go).
const (
	cNone    = iota // nothing starts here
	cDigit          // 0-9
	cUpper          // A-Z: an IBAN or a passport number may start here
	cWord           // a-z or '_': skip the rest of the word
	cAt             // '@'
	cPlus           // '+'
	cParen          // '('
	cColon          // ':'
	cBracket        // '['
)

var class = func() (t [256]uint8) {
	for c := '0'; c <= '9'; c++ {
		t[c] = cDigit
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = cUpper
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = cWord
	}
	t['_'] = cWord
	t['@'] = cAt
	t['+'] = cPlus
	t['('] = cParen
	t[':'] = cColon
	t['['] = cBracket
	return t
}()

// isWordByte reports an ASCII letter, digit or '_'.
func isWordByte(c byte) bool { return isAlnumASCII(c) || c == '_' }

// skipWord returns the end of the ASCII word (letters, digits, '_') starting at i.
func skipWord(t string, i int) int {
	for i < len(t) && isWordByte(t[i]) {
		i++
	}
	return i
}

// runeBefore returns the rune ending at byte i of s (utf8.RuneError at the start).
func runeBefore(s string, i int) rune {
	if i <= 0 {
		return utf8.RuneError
	}
	if s[i-1] < utf8.RuneSelf {
		return rune(s[i-1])
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return r
}

// runeAt returns the rune starting at byte i of s (utf8.RuneError at the end).
func runeAt(s string, i int) rune {
	if i >= len(s) {
		return utf8.RuneError
	}
	if s[i] < utf8.RuneSelf {
		return rune(s[i])
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return r
}

func isLetterOrDigit(r rune) bool {
	if r < utf8.RuneSelf {
		return isAlnumASCII(byte(r))
	}
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r))
}
