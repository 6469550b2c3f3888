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
		if c >= 0xD0 && c <= 0xD3 && i+1 < len(s) {
			a, b := lowerPair(c, s[i+1])
			dst = append(dst, a, b)
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

// lowerPair lower-cases a two-byte Cyrillic letter (lead byte D0–D3), Kazakh letters
// included; any other pair is returned as it is.
func lowerPair(a, b byte) (byte, byte) {
	switch a {
	case 0xD0:
		switch {
		case b >= 0x80 && b <= 0x8F: // Ѐ..Џ (Ё, І …) → ѐ..џ
			return 0xD1, b + 0x10
		case b >= 0x90 && b <= 0x9F: // А..П → а..п
			return 0xD0, b + 0x20
		case b >= 0xA0 && b <= 0xAF: // Р..Я → р..я
			return 0xD1, b - 0x20
		}
	case 0xD1: // U+0460–U+047F: even upper, odd lower
		if b >= 0xA0 && b%2 == 0 {
			return a, b + 1
		}
	case 0xD2: // U+0480 and U+048A–U+04BF: even upper, odd lower (Ғ Қ Ң Ү Ұ Һ)
		if (b == 0x80 || b >= 0x8A) && b <= 0xBF && b%2 == 0 {
			return a, b + 1
		}
	case 0xD3:
		switch {
		case b == 0x80: // Ӏ → ӏ
			return a, 0x8F
		case b >= 0x81 && b <= 0x8D && b%2 == 1: // U+04C1–U+04CE: odd upper
			return a, b + 1
		case b >= 0x90 && b <= 0xBF && b%2 == 0: // U+04D0–U+04FF: even upper (Ә Ө)
			return a, b + 1
		}
	}
	return a, b
}

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
	cHigh           // a byte of a multi-byte character: nothing starts here
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
	for c := utf8.RuneSelf; c < 256; c++ {
		t[c] = cHigh
	}
	return t
}()

// isWordByte reports an ASCII letter, digit or '_'.
func isWordByte(c byte) bool { return wordByte[c] }

var wordByte = func() (t [256]bool) {
	for c := range t {
		t[c] = isAlnumASCII(byte(c)) || c == '_'
	}
	return t
}()

// skipWord returns the end of the ASCII word (letters, digits, '_') starting at i.
func skipWord(t string, i int) int {
	for i < len(t) && wordByte[t[i]] {
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
