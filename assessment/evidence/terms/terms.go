// Package terms folds text into the words the full-text index of evidence holds: split where
// SQLite's unicode61 tokenizer splits (letters, numbers and private-use characters make
// words), lower-cased, with the diacritics of Latin letters removed (as remove_diacritics 2
// does: "Café" → "cafe"; Cyrillic "й" and "ё" stay), separated by single spaces.
//
// The index stores only these folded words (a contentless FTS5 table with the ascii
// tokenizer, which splits them back on the spaces), and queries are folded the same way.
// Folding runs on the extract-and-detect workers, in parallel, so the single database writer
// no longer tokenises Unicode text: in the Go-compiled SQLite that was most of its work.
package terms

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

const (
	sep  = -1 // not part of a word
	mark = -2 // a combining mark: part of the word, dropped
)

// tableSize covers Latin, Greek, Cyrillic (with Kazakh), Armenian, Hebrew, Arabic and Latin
// Extended Additional; other runes are folded as they come.
const tableSize = 0x2000

var (
	ascii [128]byte // folded ASCII byte, or 0 for a separator
	table [tableSize]int32
)

func init() {
	for c := range 128 {
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			ascii[c] = byte(c)
		case 'A' <= c && c <= 'Z':
			ascii[c] = byte(c + 'a' - 'A')
		}
	}
	for r := range rune(tableSize) {
		table[r] = fold(r)
	}
}

// IsWordRune reports whether r is part of a word: a letter, number, private-use character or
// one of the combining diacritics unicode61 keeps inside a word (a mark adds nothing to the
// folded word).
func IsWordRune(r rune) bool {
	if r < 0 {
		return false
	}
	if r < utf8.RuneSelf {
		return ascii[r] != 0
	}
	if r < tableSize {
		return table[r] != sep
	}
	return fold(r) != sep
}

// fold returns the folded form of r, sep or mark.
func fold(r rune) int32 {
	switch {
	case unicode.Is(unicode.Mn, r):
		if isDiacritic(r) {
			return mark
		}
		return sep
	case !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.Is(unicode.Co, r):
		return sep
	}
	if r >= 0x10000 { // unicode61 folds the Basic Multilingual Plane only
		return r
	}
	l := unicode.ToLower(unicode.ToUpper(r)) // case folding: µ → μ, ſ → s, ς → σ
	if l >= 0x80 {
		// A Latin letter with diacritics decomposes into an ASCII letter and marks.
		var buf [utf8.UTFMax]byte
		d := norm.NFD.Bytes(buf[:utf8.EncodeRune(buf[:], l)])
		if len(d) > 1 && d[0] < 0x80 && ascii[d[0]] != 0 {
			return int32(ascii[d[0]])
		}
	}
	return l
}

// isDiacritic reports the combining marks that unicode61 takes as part of a word (and drops):
// the 32 marks of U+0300–U+0331 that SQLite's sqlite3Fts5UnicodeIsdiacritic lists (grave,
// acute, circumflex, tilde, macron, breve, dot, diaeresis, ring, double acute, caron, cedilla,
// ogonek and a few more). Any other non-spacing mark separates words there, as here
// ("0\u03170" is two words; found by FuzzWords).
func isDiacritic(r rune) bool {
	const lo, hi = 0x300, 0x331
	const mask0, mask1 = 0x08029FDF, 0x000361F8 // the marks of U+0300–U+031F and U+0320–U+0331
	switch {
	case r < lo || r > hi:
		return false
	case r < lo+32:
		return mask0&(1<<(r-lo)) != 0
	}
	return mask1&(1<<(r-lo-32)) != 0
}

// Append appends the folded words of text to dst, separated by single spaces (with one
// space before the first if dst does not end in one and is not empty).
func Append(dst []byte, text string) []byte {
	in := false
	for i := 0; i < len(text); {
		c := text[i]
		var f int32
		if c < utf8.RuneSelf {
			i++
			if f = int32(ascii[c]); f == 0 {
				f = sep
			}
		} else {
			var r rune
			r, i = decode(text, i)
			if r < tableSize {
				f = table[r]
			} else {
				f = fold(r)
			}
		}
		switch {
		case f == sep:
			in = false
			continue
		case f == mark:
			continue
		}
		if !in && len(dst) > 0 && dst[len(dst)-1] != ' ' {
			dst = append(dst, ' ')
		}
		in = true
		if f < utf8.RuneSelf {
			dst = append(dst, byte(f))
		} else {
			dst = utf8.AppendRune(dst, f)
		}
	}
	return dst
}

// decode reads the rune at text[i] (not ASCII) as SQLite reads UTF-8, so that invalid
// bytes make the words they made in the index before: a stray continuation byte is the
// Latin-1 character of that value, a lead byte takes every continuation byte after it, and
// overlong forms and surrogates read as U+FFFD; a value past U+10FFFF is no character (SQLite
// makes a word of it; such bytes are not text).
func decode(text string, i int) (rune, int) {
	c := uint32(text[i])
	i++
	if c < 0xc0 {
		return rune(c), i
	}
	switch {
	case c < 0xe0:
		c &= 0x1f
	case c < 0xf0:
		c &= 0x0f
	case c < 0xf8:
		c &= 0x07
	case c < 0xfc:
		c &= 0x03
	case c < 0xfe:
		c &= 0x01
	default:
		c = 0
	}
	for i < len(text) && text[i]&0xc0 == 0x80 {
		c = c<<6 | uint32(text[i]&0x3f)
		i++
	}
	switch {
	case c > unicode.MaxRune: // no character: not part of a word
		return unicode.MaxRune + 1, i
	case c < 0x80 || c&^0x7ff == 0xd800 || c&^1 == 0xfffe:
		return 0xfffd, i
	}
	return rune(c), i
}

// Words returns the folded words of s, as the index holds them.
func Words(s string) []string {
	var out []string
	b := Append(nil, s)
	for len(b) > 0 {
		j := 0
		for j < len(b) && b[j] != ' ' {
			j++
		}
		out = append(out, string(b[:j]))
		if j < len(b) {
			j++
		}
		b = b[j:]
	}
	return out
}
