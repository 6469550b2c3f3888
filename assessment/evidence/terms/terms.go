// Package terms folds text into the words the full-text index of evidence holds: split where
// SQLite's unicode61 tokenizer splits (letters, numbers and private-use characters make
// words), lower-cased, with the diacritics of Latin letters removed (as remove_diacritics 2
// does: "Café" → "cafe"; Cyrillic "й" and "ё" stay), separated by single spaces.
//
// It departs from unicode61 on purpose where that serves search better, and on a few runes
// where Go's Unicode tables are newer than SQLite's (Unicode 6.1); TestRunesMatchUnicode61
// lists every assigned code point below U+2000 that is folded otherwise in
// testdata/unicode61-differences.txt (1,031: 750 where SQLite splits a word, 260 foldings, 22
// symbols assigned since 6.1 that SQLite takes for letters). A non-spacing
// mark that unicode61 does not count among its diacritics (Arabic harakat, Hebrew points,
// U+0317) splits a word there; here it is dropped and the word kept whole, so "كتب" finds
// "كَتَبَ". Letters assigned or recategorised since 6.1 (U+037F, Cherokee lower case, New Tai
// Lue vowels) follow Go's tables, as do "ı" and "ǡ" (folded to "i" and "a"). The index and
// the queries are folded by this package alike, so search is consistent either way.
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
// combining mark (a mark adds nothing to the folded word).
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
		return mark
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
