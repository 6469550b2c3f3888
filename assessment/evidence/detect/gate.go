package detect

import "unicode/utf8"

// Looking keywords up at every byte is too slow (an Aho-Corasick automaton runs at about
// 90 MB/s). Every keyword begins a word (patronymic suffixes end one), so a gate looks at the
// first letters of each word (and the last two of each word) and lets through only the
// windows where a keyword may start: the keyword trie (trie.go) then runs once over those
// windows, packed into one buffer and separated by NUL bytes (which no keyword contains).

// gate holds, per hash of a word's first letters, the length of the longest keyword that
// begins with them. A letter is one byte (ASCII) or two (Cyrillic); keywords of four letters
// or more are keyed by four, shorter ones by three, two-byte ones ("v.") by both bytes.
type gate struct {
	first2 [1 << 16]bool  // the first two bytes of some ASCII keyword (cheap pre-check)
	firstC [1 << 16]bool  // the first two letters of some Cyrillic keyword, by hash
	long   [1 << 16]uint8 // keywords of 4+ letters, by hash of their first 4
	start  [1 << 16]uint8 // keywords of 3 letters, by hash of their first 3
	short  [1 << 16]uint8 // two-byte keywords, by both bytes
	ends   []uint32       // last 4 bytes (two Cyrillic letters) of the suffix keywords
	sufLen int            // the longest suffix keyword
	// maybeC and suffixC answer maybe and suffix for two Cyrillic letters (lead bytes D0–D3)
	// in either case without lower-casing them: bit cyrPair of the raw bytes.
	maybeC  [1 << 16 / 64]uint64
	suffixC [1 << 16 / 64]uint64
}

// cyrPair indexes two two-byte letters with lead bytes D0–D3 by their raw bytes; ok is false
// for anything else.
func cyrPair(a, b, c, d byte) (uint32, bool) {
	if a < 0xD0 || a > 0xD3 || c < 0xD0 || c > 0xD3 || b&0xC0 != 0x80 || d&0xC0 != 0x80 {
		return 0, false
	}
	return uint32(a-0xD0)<<14 | uint32(b&0x3F)<<8 | uint32(c-0xD0)<<6 | uint32(d&0x3F), true
}

// fillPairTables precomputes maybe and suffix for every raw pair of Cyrillic letters.
func (g *gate) fillPairTables() {
	var s [4]byte
	for a := byte(0xD0); a <= 0xD3; a++ {
		for b := byte(0x80); b <= 0xBF; b++ {
			for c := byte(0xD0); c <= 0xD3; c++ {
				for d := byte(0x80); d <= 0xBF; d++ {
					s = [4]byte{a, b, c, d}
					k, _ := cyrPair(a, b, c, d)
					if g.maybeSlow(string(s[:]), 2) {
						g.maybeC[k/64] |= 1 << (k % 64)
					}
					if g.suffixSlow(string(s[:])) {
						g.suffixC[k/64] |= 1 << (k % 64)
					}
				}
			}
		}
	}
}

// letterSize is the byte size of a letter for the gate: 1 for ASCII, 2 otherwise.
func letterSize(first byte) int {
	if first < utf8.RuneSelf {
		return 1
	}
	return 2
}

// gateKey packs the (lower-case) bytes the gate hashes.
func gateKey(b []byte) uint64 {
	var k uint64
	for _, c := range b {
		k = k<<8 | uint64(c)
	}
	return k
}

func gateHash(k uint64) uint16 { return uint16((k * 0x9E3779B97F4A7C15) >> 48) }

func newGate(words []keyword) *gate {
	g := &gate{}
	for _, w := range words {
		b := []byte(w.word)
		n, u := len(b), letterSize(b[0])
		l := uint8(min(n, 255))
		switch {
		case w.role == roleSuffix:
		case u == 1:
			g.first2[uint16(b[0])<<8|uint16(b[1])] = true
		default:
			g.firstC[gateHash(gateKey(b[:min(n, 4)]))] = true
		}
		switch {
		case w.role == roleSuffix:
			g.ends = append(g.ends, uint32(b[n-4])<<24|uint32(b[n-3])<<16|uint32(b[n-2])<<8|uint32(b[n-1]))
			g.sufLen = max(g.sufLen, n)
		case n >= 4*u:
			h := gateHash(gateKey(b[:4*u]))
			g.long[h] = max(g.long[h], l)
		case n >= 3*u:
			h := gateHash(gateKey(b[:3*u]))
			g.start[h] = max(g.start[h], l)
		default:
			k := uint16(b[0])<<8 | uint16(b[1])
			g.short[k] = max(g.short[k], l)
		}
	}
	g.fillPairTables()
	return g
}

// region is a window of the lower-cased text that may hold a keyword, and where it sits in
// the packed buffer.
type region struct {
	start, end, compact int
}

// Byte kinds of the gate's word scan: non-ASCII letters count as word bytes, except the
// punctuation and symbols of the C2 (Latin-1: «, °, no-break space) and E2 (—, …, №, ₸) lead
// bytes.
const (
	gNone = iota // ASCII punctuation and space
	gWord        // ASCII letter or digit, or any other non-ASCII byte
	gSym2        // lead byte of a two-byte symbol
	gSym3        // lead byte of a three-byte symbol
)

var gateKind = func() (t [256]uint8) {
	for c := range t {
		switch {
		case c < utf8.RuneSelf:
			if isAlnumASCII(byte(c)) {
				t[c] = gWord
			}
		case c == 0xC2:
			t[c] = gSym2
		case c == 0xE2:
			t[c] = gSym3
		default:
			t[c] = gWord
		}
	}
	return t
}()

// regions finds the windows of text that may hold a keyword, in order, merging overlaps.
func (g *gate) regions(text string, out []region) []region {
	n := len(text)
	for i := 0; i < n; {
		switch gateKind[text[i]] {
		case gNone:
			i++
			continue
		case gSym2:
			i += 2
			continue
		case gSym3:
			i += 3
			continue
		}
		ws := i
		for i < n && gateKind[text[i]] == gWord {
			i++
		}
		if isDigit(text[ws]) {
			continue // no keyword starts with a digit; a number has no patronymic
		}
		if l := g.startLen(text, ws); l > 0 {
			out = addRegion(out, ws, min(ws+l, n))
		}
		if i-ws >= 4 && text[i-1] >= utf8.RuneSelf && g.suffix(text[i-4:i]) {
			out = addRegion(out, max(0, i-g.sufLen), i)
		}
	}
	return out
}

// addRegion appends [s, e), merged with the last region when they overlap.
func addRegion(out []region, s, e int) []region {
	if k := len(out) - 1; k >= 0 && s <= out[k].end {
		out[k].start = min(out[k].start, s)
		out[k].end = max(out[k].end, e)
		return out
	}
	return append(out, region{start: s, end: e})
}

// startLen returns the length of the longest keyword that may start at text[i].
func (g *gate) startLen(text string, i int) int {
	u := letterSize(text[i])
	m := min(len(text)-i, 4*u)
	if m >= 2*u && !g.maybe(text[i:i+2*u], u) {
		return 0
	}
	k3, k4, ok := fastKeys(text[i:i+m], u)
	if !ok { // mixed scripts or rare letters: lower-case rune by rune
		var buf [8]byte
		b, ok := lowerShort(&buf, text[i:i+m])
		if !ok {
			b = appendLower(buf[:0], text[i:i+m])
		}
		switch {
		case len(b) >= 3*u:
			k3 = gateKey(b[:3*u])
		case len(b) == 2:
			k3 = gateKey(b) << 8
		}
		k4 = gateKey(b)
	}
	l := 0
	if m >= 2 && u == 1 {
		l = int(g.short[uint16(k3>>8)]) // k3>>8 holds the first two bytes
	}
	if m >= 3*u {
		l = max(l, int(g.start[gateHash(k3)]))
	}
	if m == 4*u {
		l = max(l, int(g.long[gateHash(k4)]))
	}
	return l
}

// maybe reports whether a keyword may begin with the two letters s: two ASCII bytes, or two
// Cyrillic letters (other text always passes).
func (g *gate) maybe(s string, u int) bool {
	if u == 2 {
		if k, ok := cyrPair(s[0], s[1], s[2], s[3]); ok {
			return g.maybeC[k/64]&(1<<(k%64)) != 0
		}
	}
	return g.maybeSlow(s, u)
}

// maybeSlow is maybe without the precomputed table.
func (g *gate) maybeSlow(s string, u int) bool {
	if u == 1 {
		return s[1] >= utf8.RuneSelf || g.first2[uint16(asciiLowerByte(s[0]))<<8|uint16(asciiLowerByte(s[1]))]
	}
	if s[0] < 0xD0 || s[0] > 0xD3 || s[2] < 0xD0 || s[2] > 0xD3 {
		return true
	}
	a, b := lowerPair(s[0], s[1])
	c, d := lowerPair(s[2], s[3])
	return g.firstC[gateHash(uint64(a)<<24|uint64(b)<<16|uint64(c)<<8|uint64(d))]
}

// fastKeys packs the lower-cased first three and four letters of s when s is all ASCII
// (u = 1) or all two-byte Cyrillic letters (u = 2); otherwise ok is false.
func fastKeys(s string, u int) (k3, k4 uint64, ok bool) {
	var k uint64
	if u == 1 {
		for j := 0; j < len(s); j++ {
			if s[j] >= utf8.RuneSelf {
				return 0, 0, false
			}
			k = k<<8 | uint64(asciiLowerByte(s[j]))
			if j == 2 {
				k3 = k
			}
		}
		if len(s) == 2 {
			k3 = k << 8 // keeps the two bytes at k3>>8 for the short table
		}
		return k3, k, true
	}
	if len(s)%2 != 0 {
		return 0, 0, false
	}
	for j := 0; j < len(s); j += 2 {
		if s[j] < 0xD0 || s[j] > 0xD3 {
			return 0, 0, false
		}
		a, b := lowerPair(s[j], s[j+1])
		k = k<<16 | uint64(a)<<8 | uint64(b)
		if j == 4 {
			k3 = k
		}
	}
	return k3, k, true
}

// lowerShort is appendLower(buf[:0], s) for up to 8 bytes of ASCII and two-byte Cyrillic
// letters (a word and what follows it, "на 1"); ok is false for anything else.
func lowerShort(buf *[8]byte, s string) (_ []byte, ok bool) {
	if len(s) > len(buf) {
		return nil, false
	}
	for j := 0; j < len(s); {
		c := s[j]
		switch {
		case c < utf8.RuneSelf:
			buf[j] = asciiLower[c]
			j++
		case c >= 0xD0 && c <= 0xD3 && j+1 < len(s):
			buf[j], buf[j+1] = lowerPair(c, s[j+1])
			j += 2
		default:
			return nil, false
		}
	}
	return buf[:len(s)], true
}

func asciiLowerByte(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// suffix reports whether a word ends (its last four bytes are e) like a patronymic.
func (g *gate) suffix(e string) bool {
	if k, ok := cyrPair(e[0], e[1], e[2], e[3]); ok {
		return g.suffixC[k/64]&(1<<(k%64)) != 0
	}
	return g.suffixSlow(e)
}

// suffixSlow is suffix without the precomputed table.
func (g *gate) suffixSlow(e string) bool {
	a, b := lowerPair(e[0], e[1])
	c, d := lowerPair(e[2], e[3])
	x := uint32(a)<<24 | uint32(b)<<16 | uint32(c)<<8 | uint32(d)
	for _, y := range g.ends {
		if x == y {
			return true
		}
	}
	return false
}

// compactRegions packs the regions of text into buf, lower-cased and NUL-separated, and
// records where each one starts there.
func compactRegions(text string, regions []region, buf []byte) []byte {
	for i := range regions {
		r := &regions[i]
		if i > 0 {
			buf = append(buf, 0)
		}
		r.compact = len(buf)
		buf = appendLower(buf, text[r.start:r.end])
	}
	return buf
}
