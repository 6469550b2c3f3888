package detect

import (
	"strconv"
	"sync/atomic"

	"github.com/nyaruka/phonenumbers"
)

// groups are runs of digits joined by phone or card separators: "8 (701) 123-45-67",
// "4111 1111 1111 1111".
type groups struct {
	n       int
	end     [8]int // byte end of each group
	ndig    [8]int // digits up to and including each group
	size    [8]int
	dig     [16]byte
	sep     byte // the one separator between all groups (' ' or '-'), 0 when mixed
	paren   bool // parentheses were used
	overrun bool // more than 16 digits
}

// collectGroups reads groups from p (a digit or '('). Between groups it allows ')', one
// ' ' or '-', and '('.
func collectGroups(t string, p int, g *groups) {
	*g = groups{}
	first := true
	for g.n < len(g.end) {
		q := p
		if q < len(t) && t[q] == '(' {
			q++
			g.paren = true
		}
		s := q
		nd := 0
		if g.n > 0 {
			nd = g.ndig[g.n-1]
		}
		for q < len(t) && isDigit(t[q]) {
			if nd == len(g.dig) {
				g.overrun = true
				return
			}
			g.dig[nd] = t[q]
			nd++
			q++
		}
		if q == s {
			return
		}
		g.end[g.n], g.ndig[g.n], g.size[g.n] = q, nd, q-s
		g.n++
		if q < len(t) && t[q] == ')' {
			q++
			g.paren = true
		}
		if q < len(t) && (t[q] == ' ' || t[q] == '-') {
			// A separator only counts when another group follows it: "4111-1111-1111-1111 "
			// is a dashed card even though a space ends it.
			if q+1 >= len(t) || (!isDigit(t[q+1]) && t[q+1] != '(') {
				return
			}
			if first {
				g.sep = t[q]
			} else if g.sep != t[q] {
				g.sep = 0
			}
			first = false
			q++
		} else if q > g.end[g.n-1] {
			g.sep = 0
		}
		if q >= len(t) || (!isDigit(t[q]) && t[q] != '(') {
			return
		}
		p = q
	}
}

var cardLayouts = [][]int{{4, 4, 4, 4}, {4, 4, 4, 4, 3}, {4, 6, 5}, {4, 6, 4}}

// grouped checks grouped digits at i for a payment card, then a national phone number.
func (st *state) grouped(i int) (int, bool) {
	var g groups
	collectGroups(st.text, i, &g)
	if g.n < 2 || g.overrun {
		return 0, false
	}
	if !g.paren && g.sep != 0 {
		for _, l := range cardLayouts {
			if k, ok := layout(&g, l); ok {
				if d := g.dig[:g.ndig[k]]; validCard(string(d)) {
					st.addValue(i, g.end[k], "payment_card", confValidated, st.normBytes(d))
					return g.end[k], true
				}
			}
		}
	}
	c := st.text[i]
	return st.nationalPhone(i, &g, c == '8' || c == '7', g.paren || st.ctxBefore(ctxPhone, i, 16))
}

// layout reports whether the first groups have the sizes l; k is the last of them.
func layout(g *groups, l []int) (k int, ok bool) {
	if g.n < len(l) {
		return 0, false
	}
	for k, s := range l {
		if g.size[k] != s {
			return 0, false
		}
	}
	return len(l) - 1, true
}

// nationalPhone finds a Kazakh number without '+' in the groups: 11 digits after a trunk
// '8' or a country '7', or (after '(' or a phone context word) 10 digits.
func (st *state) nationalPhone(i int, g *groups, trunk, ten bool) (int, bool) {
	for k := g.n - 1; k >= 0; k-- {
		d := g.dig[:g.ndig[k]]
		var nsn []byte
		switch {
		case trunk && len(d) == 11:
			nsn = d[1:]
		case ten && len(d) == 10:
			nsn = d
		default:
			continue
		}
		if e164, ok := phoneNorm(7, string(nsn), !st.count); ok {
			st.addValue(i, g.end[k], "phone", confValidated, e164)
			return g.end[k], true
		}
	}
	return 0, false
}

// plus handles '+' followed by a phone number in international format.
func (st *state) plus(i int) int {
	t := st.text
	if i+1 >= len(t) || !isDigit(t[i+1]) || (i > 0 && isWordByte(t[i-1])) {
		return i + 1
	}
	var g groups
	collectGroups(t, i+1, &g)
	for k := g.n - 1; k >= 0; k-- {
		nd := g.ndig[k]
		if nd < 7 {
			break
		}
		if nd > 15 {
			continue
		}
		if e164, ok := intlPhone(string(g.dig[:nd]), !st.count); ok {
			st.addValue(i, g.end[k], "phone", confValidated, e164)
			return g.end[k]
		}
	}
	return i + 1
}

// paren handles "(701) 123-45-67".
func (st *state) paren(i int) int {
	t := st.text
	if i+1 >= len(t) || !isDigit(t[i+1]) {
		return i + 1
	}
	var g groups
	collectGroups(t, i, &g)
	if end, ok := st.nationalPhone(i, &g, false, true); ok {
		return end
	}
	return i + 1
}

// intlPhone splits the digits after '+' into a country calling code and a national number
// and validates them; it returns the number in E.164 when norm is set.
func intlPhone(d string, norm bool) (string, bool) {
	for l := 1; l <= 3 && l < len(d); l++ {
		cc, _ := strconv.Atoi(d[:l])
		if cc == 0 || phonenumbers.GetRegionCodeForCountryCode(cc) == phonenumbers.UNKNOWN_REGION {
			continue
		}
		return phoneNorm(cc, d[l:], norm)
	}
	return "", false
}

// phoneCell validates a whole table cell as a phone number: international with '+' or
// "00", or Kazakh national (11 digits after 8 or 7, or 10 digits).
func phoneCell(s string) (string, bool) { return phoneCellNorm(s, true) }

// phoneCellNorm is phoneCell, returning the E.164 form only when norm is set.
func phoneCellNorm(s string, norm bool) (string, bool) {
	var buf [16]byte
	d := buf[:0]
	plus := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isDigit(c):
			if len(d) == 16 {
				return "", false
			}
			d = append(d, c)
		case c == '+' && len(d) == 0:
			plus = true
		case c == ' ' || c == '-' || c == '(' || c == ')' || c == '.':
		default:
			return "", false
		}
	}
	switch {
	case plus:
		return intlPhone(string(d), norm)
	case len(d) > 4 && d[0] == '0' && d[1] == '0':
		return intlPhone(string(d[2:]), norm)
	case len(d) == 11 && (d[0] == '8' || d[0] == '7'):
		return phoneNorm(7, string(d[1:]), norm)
	case len(d) == 10:
		return phoneNorm(7, string(d), norm)
	}
	return "", false
}

// phoneMemo remembers libphonenumber's verdicts (about 5 µs each): logs repeat the same
// subscribers. It is a lock-free two-way set-associative table of 64-bit hashes of the
// number with the verdict in the low bit; the oldest entry of a set gives way.
var phoneMemo [1 << 16]atomic.Uint64

// phoneNorm validates +cc nsn with libphonenumber and, when norm is set, returns it in E.164
// (counting needs only the verdict).
func phoneNorm(cc int, nsn string, norm bool) (string, bool) {
	ok := phoneValid(cc, nsn)
	if !ok || !norm {
		return "", ok
	}
	var b [24]byte // built by hand: a concatenation may return nsn itself, so nsn would escape
	return string(append(strconv.AppendInt(append(b[:0], '+'), int64(cc), 10), nsn...)), true
}

// phoneValid validates +cc nsn with libphonenumber, remembering the verdict in phoneMemo.
func phoneValid(cc int, nsn string) bool {
	if len(nsn) < 2 || len(nsn) > 17 {
		return false
	}
	v, ok := parseDigits(nsn)
	if !ok {
		return false
	}
	h := mix64(v ^ uint64(cc)<<57 ^ uint64(len(nsn))<<52)
	tag := h | 1 // the number; the low bit of a stored entry is the verdict
	set := h % uint64(len(phoneMemo)) &^ 1
	for w := uint64(0); w < 2; w++ { // two-way set
		if e := phoneMemo[set|w].Load(); e != 0 && e|1 == tag {
			return e&1 == 1
		}
	}
	ok = libValid(cc, nsn)
	e := tag &^ 1
	if ok {
		e = tag
	}
	slot := &phoneMemo[set]
	if slot.Load() != 0 {
		phoneMemo[set|1].Store(slot.Load()) // the older entry moves to the second way
	}
	slot.Store(e)
	return ok
}

// parseDigits is strconv.ParseUint(s, 10, 64) for up to 19 ASCII digits, without its error
// value.
func parseDigits(s string) (uint64, bool) {
	if len(s) == 0 || len(s) > 19 {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	return v, true
}

// mix64 is the SplitMix64 finaliser.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// libValid builds the PhoneNumber that phonenumbers.Parse would build (without its costly
// string handling) and asks IsValidNumber.
func libValid(cc int, nsn string) bool {
	if len(nsn) < 2 || len(nsn) > 17 {
		return false
	}
	v, err := strconv.ParseUint(nsn, 10, 64)
	if err != nil || v == 0 {
		return false
	}
	if cc == 7 {
		// GetNationalSignificantNumber of the number below is nsn itself: its leading zeros
		// and then v.
		if valid, ok := fastValid7(nsn); ok {
			return valid
		}
	}
	cc32 := int32(cc)
	num := &phonenumbers.PhoneNumber{CountryCode: &cc32, NationalNumber: &v}
	if nsn[0] == '0' {
		z := 0
		for z < len(nsn) && nsn[z] == '0' {
			z++
		}
		lead, nz := true, int32(z)
		num.ItalianLeadingZero = &lead
		num.NumberOfLeadingZeros = &nz
	}
	return phonenumbers.IsValidNumber(num)
}
