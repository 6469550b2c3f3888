package detect

import "unicode/utf8"

// The keyword automaton of github.com/petar-dambovaliev/aho-corasick runs at about 90 MB/s,
// too slow to run over every byte. Every keyword begins a word (patronymic suffixes end one),
// so a gate looks at the first letters of each word (and the last two of each word) and lets
// through only the windows where a keyword may start: the automaton then runs once over those
// windows, packed into one buffer and separated by NUL bytes (which no keyword contains).

// gate holds, per hash of a word's first letters, the length of the longest keyword that
// begins with them.
type gate struct {
	start  [1 << 16]uint8 // by hash of the first 3 bytes (ASCII) or 3 letters (Cyrillic, 6 bytes)
	short  [1 << 16]uint8 // by the first 2 bytes, for keywords shorter than the key ("v.")
	ends   []uint32       // last 4 bytes (two Cyrillic letters) of the suffix keywords
	sufLen int            // the longest suffix keyword
}

// keyLen is how many bytes of a word the gate hashes: three ASCII letters or three
// two-byte letters.
func keyLen(first byte) int {
	if first < utf8.RuneSelf {
		return 3
	}
	return 6
}

func gateHash(b []byte) uint16 {
	var k uint64
	for _, c := range b {
		k = k<<8 | uint64(c)
	}
	return uint16((k * 0x9E3779B97F4A7C15) >> 48)
}

func newGate(words []keyword) *gate {
	g := &gate{}
	for _, w := range words {
		b := []byte(w.word)
		l := uint8(min(len(b), 255))
		switch {
		case w.role == roleSuffix:
			n := len(b)
			g.ends = append(g.ends, uint32(b[n-4])<<24|uint32(b[n-3])<<16|uint32(b[n-2])<<8|uint32(b[n-1]))
			g.sufLen = max(g.sufLen, n)
		case len(b) < keyLen(b[0]):
			k := uint16(b[0])<<8 | uint16(b[1])
			g.short[k] = max(g.short[k], l)
		default:
			h := gateHash(b[:keyLen(b[0])])
			g.start[h] = max(g.start[h], l)
		}
	}
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
	var key [8]byte
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
		if l := g.startLen(appendLower(key[:0], text[ws:min(ws+6, n)])); l > 0 {
			out = addRegion(out, ws, min(ws+l, n))
		}
		if i-ws >= 4 && text[i-1] >= utf8.RuneSelf && g.suffix(appendLower(key[:0], text[i-4:i])) {
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

// startLen returns the length of the longest keyword that may start at the beginning of b.
func (g *gate) startLen(b []byte) int {
	l := 0
	if len(b) >= 2 {
		l = int(g.short[uint16(b[0])<<8|uint16(b[1])])
	}
	if k := keyLen(b[0]); len(b) >= k {
		l = max(l, int(g.start[gateHash(b[:k])]))
	}
	return l
}

// suffix reports whether the word ending at len(b) ends like a patronymic.
func (g *gate) suffix(b []byte) bool {
	n := len(b)
	e := uint32(b[n-4])<<24 | uint32(b[n-3])<<16 | uint32(b[n-2])<<8 | uint32(b[n-1])
	for _, x := range g.ends {
		if x == e {
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
