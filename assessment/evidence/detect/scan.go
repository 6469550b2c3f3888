package detect

import (
	"net/netip"
	"strconv"
	"unicode/utf8"
)

// scan walks the text once and runs a small parser at each anchor; everything else is
// skipped a byte (or an ASCII word) at a time.
func (st *state) scan() {
	t := st.text
	for i := 0; i < len(t); {
		switch class[t[i]] {
		case cNone:
			i++
		case cHigh:
			for i++; i < len(t) && t[i] >= utf8.RuneSelf; i++ {
			}
		case cDigit:
			i = st.digits(i)
		case cUpper:
			i = st.upper(i)
		case cWord:
			i = skipWord(t, i+1)
		case cAt:
			i = st.email(i)
		case cPlus:
			i = st.plus(i)
		case cParen:
			i = st.paren(i)
		case cColon:
			i = st.colon(i)
		case cBracket:
			i = st.bracket(i)
		}
	}
}

// digits handles a run of digits that starts a token (the main loop skips digits inside
// ASCII words): dotted numbers (IPv4, dates, decimals and coordinates), clock times, dates,
// grouped numbers (cards, phones) and bare runs (IIN/BIN, cards, phones).
func (st *state) digits(i int) int {
	t := st.text
	j := i + 1
	for j < len(t) && isDigit(t[j]) {
		j++
	}
	if i > 1 && t[i-1] == '.' && isDigit(t[i-2]) {
		return j // the fraction of a number
	}
	var next byte
	if j < len(t) {
		next = t[j]
	}
	if next == '@' {
		return j // the local part of an e-mail address
	}
	if isWordByte(next) {
		return skipWord(t, j) // "10kg", "4111abc"
	}
	n := j - i
	switch next {
	case '.':
		if j+1 < len(t) && isDigit(t[j+1]) {
			return st.dotted(i, j)
		}
	case ':':
		if n <= 2 && j+2 < len(t) && isDigit(t[j+1]) && isDigit(t[j+2]) {
			return clockEnd(t, j)
		}
	case '-', '/':
		if end, y, m, d, ok := dateAt(t, i); ok {
			st.dob(i, end, y, m, d)
			return end
		}
	case ',':
		if n <= 3 && thousands(t, j) {
			return numberEnd(t, j)
		}
	}
	if n <= 4 && (next == ' ' || next == '-' || next == '(' || next == ')') {
		if end, ok := st.grouped(i); ok {
			return end
		}
	}
	st.bare(i, j)
	return j
}

// bare checks a run of digits standing alone.
func (st *state) bare(i, j int) {
	t := st.text
	s := t[i:j]
	switch n := j - i; {
	case n == 12:
		if uuidPart(t, i, j) {
			return
		}
		if ValidIIN(s) {
			st.addValue(i, j, "kz_iin", confValidated, s)
		} else if ValidBIN(s) {
			st.addValue(i, j, "kz_bin", confValidated, s)
		}
	case n >= 13 && n <= 19:
		if validCard(s) {
			st.addValue(i, j, "payment_card", confValidated, s)
		}
	case n == 11 && (s[0] == '8' || s[0] == '7'):
		if e164, ok := phoneNorm(7, s[1:], !st.count); ok {
			st.addValue(i, j, "phone", confValidated, e164)
		}
	case n == 10 && st.ctxBefore(ctxPhone, i, 16):
		if e164, ok := phoneNorm(7, s, !st.count); ok {
			st.addValue(i, j, "phone", confValidated, e164)
		}
	}
}

// uuidPart reports a digit run that is a group of a UUID or of a longer hex string joined by
// '-' ("123e4567-e89b-12d3-a456-426614174000").
func uuidPart(t string, i, j int) bool {
	return (i > 1 && t[i-1] == '-' && isHex(t[i-2])) || (j+1 < len(t) && t[j] == '-' && isHex(t[j+1]))
}

func isHex(c byte) bool { return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') }

// dotted handles digits joined by dots: four parts are an IPv4 address, three a date, two a
// decimal (maybe a coordinate); anything else (versions, OIDs) is skipped.
func (st *state) dotted(i, j int) int {
	t := st.text
	var parts [4][2]int
	parts[0] = [2]int{i, j}
	k, e := 1, j
	for e+1 < len(t) && t[e] == '.' && isDigit(t[e+1]) {
		s := e + 1
		for e = s; e < len(t) && isDigit(t[e]); e++ {
		}
		if k < len(parts) {
			parts[k] = [2]int{s, e}
		}
		k++
	}
	switch k {
	case 4:
		return st.ipv4(i, e)
	case 3:
		if end, y, m, d, ok := dateAt(t, i); ok && end == e {
			st.dob(i, end, y, m, d)
		}
	case 2:
		return st.decimal(i, parts[1][0], e)
	}
	if e < len(t) && isWordByte(t[e]) {
		return skipWord(t, e)
	}
	return e
}

// ipv4 checks a dotted quad [i, e). Not an address: a version ("1.2.3.4-beta", "version
// 1.2.3.4"), a netmask (255.x), 0.x, loopback, multicast, broadcast.
func (st *state) ipv4(i, e int) int {
	t := st.text
	if e < len(t) {
		if c := t[e]; isWordByte(c) {
			return skipWord(t, e)
		} else if c == '-' && e+1 < len(t) && isLetterASCII(t[e+1]) {
			return skipWord(t, e+1)
		}
	}
	end := e
	if end+1 < len(t) && t[end] == ':' && isDigit(t[end+1]) { // a port
		for end++; end < len(t) && isDigit(t[end]); end++ {
		}
	}
	if st.ctxBefore(ctxVersion, i, 3) {
		return end
	}
	a, err := netip.ParseAddr(t[i:e])
	if err != nil || !a.Is4() {
		return end
	}
	b := a.As4()
	if b[0] == 0 || b[0] == 255 || a.IsLoopback() || a.IsMulticast() {
		return end
	}
	norm := ""
	if !st.count {
		norm = a.String()
	}
	st.addValue(i, e, "ip_address", confValidated, norm)
	return end
}

// dob records a date [i, end) as a date of birth when a context word announces one.
func (st *state) dob(i, end, y, m, d int) {
	if !st.ctxBefore(ctxDOB, i, 40) {
		return
	}
	norm := ""
	if !st.count {
		norm = isoDate(y, m, d)
	}
	st.addValue(i, end, "date_of_birth", confContext, norm)
}

func isoDate(y, m, d int) string {
	b := make([]byte, 0, 10)
	b = strconv.AppendInt(b, int64(y), 10)
	b = append(b, '-', byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d/10), byte('0'+d%10))
	return string(b)
}

// dateAt parses a date at i: YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, DD.MM.YYYY, DD/MM/YYYY or
// DD-MM-YYYY (one separator throughout; months and days of one or two digits), years
// 1900–2099. end is where it stops.
func dateAt(t string, i int) (end, y, m, d int, ok bool) {
	a, e1 := digitRun(t, i, 4)
	if e1 >= len(t) || (t[e1] != '-' && t[e1] != '/' && t[e1] != '.') {
		return 0, 0, 0, 0, false
	}
	sep := t[e1]
	b, e2 := digitRun(t, e1+1, 4)
	if e2 >= len(t) || t[e2] != sep {
		return 0, 0, 0, 0, false
	}
	c, e3 := digitRun(t, e2+1, 4)
	if e3 < len(t) && (isDigit(t[e3]) || (t[e3] == sep && e3+1 < len(t) && isDigit(t[e3+1]))) {
		return 0, 0, 0, 0, false
	}
	l1, l2, l3 := e1-i, e2-e1-1, e3-e2-1
	switch {
	case l1 == 4 && l2 >= 1 && l2 <= 2 && l3 >= 1 && l3 <= 2:
		y, m, d = a, b, c
	case l3 == 4 && l1 >= 1 && l1 <= 2 && l2 >= 1 && l2 <= 2:
		y, m, d = c, b, a
	default:
		return 0, 0, 0, 0, false
	}
	if y < 1900 || y > 2099 || !validDate(y, m, d) {
		return 0, 0, 0, 0, false
	}
	return e3, y, m, d, true
}

// digitRun reads at most max digits at i (more digits make it fail with end = i).
func digitRun(t string, i, max int) (v, end int) {
	end = i
	for end < len(t) && isDigit(t[end]) {
		if end-i == max {
			return 0, i
		}
		v = v*10 + int(t[end]-'0')
		end++
	}
	return v, end
}

// clockEnd skips a time of day "12:00", "12:00:00", "12:00:00.123" whose first ':' is at j.
func clockEnd(t string, j int) int {
	e := j
	for k := 0; k < 2 && e+2 < len(t) && t[e] == ':' && isDigit(t[e+1]) && isDigit(t[e+2]); k++ {
		e += 3
	}
	if e+1 < len(t) && (t[e] == '.' || t[e] == ',') && isDigit(t[e+1]) {
		for e++; e < len(t) && isDigit(t[e]); e++ {
		}
	}
	return e
}

// thousands reports "1,234" style grouping at the ',' at j.
func thousands(t string, j int) bool {
	return j+3 < len(t) && isDigit(t[j+1]) && isDigit(t[j+2]) && isDigit(t[j+3]) &&
		(j+4 >= len(t) || !isDigit(t[j+4]))
}

// numberEnd skips the rest of a number with ',' and '.' separators.
func numberEnd(t string, j int) int {
	for j < len(t) && (isDigit(t[j]) || ((t[j] == ',' || t[j] == '.') && j+1 < len(t) && isDigit(t[j+1]))) {
		j++
	}
	return j
}
