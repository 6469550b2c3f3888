package detect

import (
	"net/netip"
	"strconv"
	"strings"
)

// email handles '@': a local part of [A-Za-z0-9._%+-] before it, a domain of at least two
// labels after it whose top-level label is 2–24 letters and no file extension ("logo@2x.png").
func (st *state) email(at int) int {
	t := st.text
	ls := at
	for ls > st.last && ls > 0 && isLocalByte(t[ls-1]) && at-ls < 64 {
		ls--
	}
	for ls < at && t[ls] == '.' {
		ls++
	}
	if ls == at || t[at-1] == '.' {
		return at + 1
	}
	de := at + 1
	for de < len(t) && (isAlnumASCII(t[de]) || t[de] == '-' || t[de] == '.') && de-at <= 253 {
		de++
	}
	for de > at+1 && (t[de-1] == '.' || t[de-1] == '-') {
		de--
	}
	if !validDomain(t[at+1 : de]) {
		return at + 1
	}
	norm := ""
	if !st.count {
		norm = strings.ToLower(t[ls:de])
	}
	st.addValue(ls, de, "email", confValidated, norm)
	return de
}

func isLocalByte(c byte) bool {
	return isAlnumASCII(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
}

// validDomain checks host labels and a sane top-level domain.
func validDomain(d string) bool {
	labels := 0
	tld := ""
	for len(d) > 0 {
		l := d
		if k := strings.IndexByte(d, '.'); k >= 0 {
			l, d = d[:k], d[k+1:]
		} else {
			d = ""
		}
		if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		labels++
		tld = l
	}
	if labels < 2 || len(tld) < 2 || len(tld) > 24 {
		return false
	}
	if strings.HasPrefix(tld, "xn--") {
		return true
	}
	for i := 0; i < len(tld); i++ {
		if !isLetterASCII(tld[i]) {
			return false
		}
	}
	return !fileExt[strings.ToLower(tld)]
}

// fileExt are endings that follow '@' in file names ("icon@2x.png"), not top-level domains.
var fileExt = map[string]bool{
	"png": true, "jpg": true, "jpeg": true, "gif": true, "svg": true, "webp": true, "ico": true,
	"css": true, "js": true, "ts": true, "map": true, "json": true, "xml": true, "html": true,
	"htm": true, "php": true, "txt": true, "log": true, "csv": true, "zip": true, "gz": true,
	"md": true, "yaml": true, "yml": true, "py": true, "go": true,
}

// upper handles an upper-case letter at the start of a word: an IBAN ("KZ86125KZT…",
// "KZ86 125K ZT50 …") or, near a passport context word, a Kazakh passport number "N12345678".
func (st *state) upper(i int) int {
	t := st.text
	end := skipWord(t, i)
	if i+3 < len(t) && isUpper(t[i+1]) && isDigit(t[i+2]) && isDigit(t[i+3]) {
		if e := st.iban(i, end); e > 0 {
			return e
		}
	}
	if t[i] == 'N' && end-i == 9 && allDigits(t[i+1:end]) && st.ctxNear(ctxPassport, i, end, 64) {
		st.addValue(i, end, "passport_number", confContext, t[i:end])
	}
	return end
}

// iban reads an IBAN at i, in electronic form (the word [i, word)) or printed in groups of
// four, and records it when its length and mod-97 check pass. It returns its end or 0.
func (st *state) iban(i, word int) int {
	t := st.text
	n := word - i
	if n > 34 || !ibanChars(t[i:word]) {
		return 0
	}
	var buf [40]byte
	var ends, lens [10]int
	copy(buf[:], t[i:word])
	k, l, e := 1, n, word
	ends[0], lens[0] = word, n
	for n == 4 && k < len(ends) && e+1 < len(t) && t[e] == ' ' && l < 34 {
		g := skipWord(t, e+1)
		size := g - e - 1
		if size == 0 || size > 4 || !ibanChars(t[e+1:g]) {
			break
		}
		copy(buf[l:], t[e+1:g])
		l += size
		e = g
		ends[k], lens[k] = e, l
		k++
		if size < 4 {
			break
		}
	}
	want := ibanLengths[t[i:i+2]]
	for j := k - 1; j >= 0; j-- {
		if (want != 0 && lens[j] != want) || lens[j] < 15 || lens[j] > 34 {
			continue
		}
		if validIBANCompact(buf[:lens[j]]) {
			st.addValue(i, ends[j], "iban", confValidated, st.normBytes(buf[:lens[j]]))
			return ends[j]
		}
	}
	return 0
}

func ibanChars(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isUpper(s[i]) && !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return len(s) > 0
}

// colon handles ':' inside an IPv6 address ("2001:db8::1", "fe80::1ff:fe23:4567:890a"): the
// token of hex digits, ':' and '.' around it must have "::" or seven colons, stand alone
// (not "std::string") and parse with net/netip; loopback and unspecified are left out.
func (st *state) colon(i int) int {
	t := st.text
	s := i
	for s > st.last && s > 0 && (isHex(t[s-1]) || t[s-1] == ':') && i-s < 40 {
		s--
	}
	if s > 0 && (isWordByte(t[s-1]) || t[s-1] == '.') {
		return i + 1
	}
	e := i
	for e < len(t) && (isHex(t[e]) || t[e] == ':' || t[e] == '.') && e-s < 46 {
		e++
	}
	for e > i+1 && (t[e-1] == '.' || (t[e-1] == ':' && t[e-2] != ':')) {
		e--
	}
	if e < len(t) && isWordByte(t[e]) {
		return i + 1
	}
	tok := t[s:e]
	colons := strings.Count(tok, ":")
	if colons < 2 || (colons < 7 && !strings.Contains(tok, "::")) {
		return i + 1
	}
	a, err := netip.ParseAddr(tok)
	if err != nil || !a.Is6() || a.IsLoopback() || a.IsUnspecified() || !ipv6Groups(tok) {
		return i + 1
	}
	norm := ""
	if !st.count {
		norm = a.String()
	}
	st.addValue(s, e, "ip_address", confValidated, norm)
	return e
}

// ipv6Groups requires two non-empty groups, one of at least three hex digits ("fe80::1"
// yes, "a::b" no).
func ipv6Groups(tok string) bool {
	n, long := 0, false
	for _, g := range strings.Split(tok, ":") {
		if g != "" {
			n++
			long = long || len(g) >= 3
		}
	}
	return n >= 2 && long
}

// bracket handles '[' opening a vector of exactly 128 or 512 numbers: the size of the face
// embeddings of the common face-recognition models (dlib/FaceNet 128, ArcFace/FaceNet-512).
func (st *state) bracket(i int) int {
	t := st.text
	p := i + 1
	for p < len(t) && t[p] == ' ' {
		p++
	}
	if p >= len(t) || !(isDigit(t[p]) || t[p] == '-' || t[p] == '.') {
		return i + 1
	}
	e := p
	for e < len(t) && vectorByte(t[e]) {
		e++
	}
	if e >= len(t) || t[e] != ']' {
		return i + 1
	}
	v, ok := parseVector(t[p:e])
	if !ok || (v.n != 128 && v.n != 512) {
		return i + 1
	}
	st.addValue(i, e+1, "face_embedding", confContext, v.norm)
	return e + 1
}

// geoHalf is a latitude or longitude announced by a context word ("lat": 43.2389).
type geoHalf struct {
	set        bool
	start, end int
	v          float64
}

// decimal handles a decimal number [i, e) whose fraction starts at f: a "lat, lon" pair with
// at least four decimals each, or half of a pair announced by context words.
func (st *state) decimal(i, f, e int) int {
	t := st.text
	if e < len(t) && isWordByte(t[e]) {
		return skipWord(t, e)
	}
	if e-f < 4 || f-1-i > 3 {
		return e
	}
	start := i
	if i > 0 && t[i-1] == '-' && (i < 2 || !isWordByte(t[i-2])) {
		start = i - 1
	}
	if inList(t, start) {
		return e
	}
	lat, _ := strconv.ParseFloat(t[start:e], 64)
	if lonS, lonE, ok := coordAfter(t, e); ok && !listAfter(t, lonE) {
		lon, _ := strconv.ParseFloat(t[lonS:lonE], 64)
		if validLatLon(lat, lon) && (lat <= -1 || lat >= 1 || lon <= -1 || lon >= 1) {
			st.addValue(start, lonE, "geo_location", confGeo, geoNorm(lat, lon))
			return lonE
		}
	}
	h := geoHalf{set: true, start: start, end: e, v: lat}
	switch {
	case st.ctxBefore(ctxLat, start, 6):
		st.lat = h
	case st.ctxBefore(ctxLon, start, 6):
		st.lon = h
	default:
		return e
	}
	if st.lat.set && st.lon.set && abs(st.lat.start-st.lon.start) <= 80 &&
		st.lat.v >= -90 && st.lat.v <= 90 && st.lon.v >= -180 && st.lon.v <= 180 {
		s, x := min(st.lat.start, st.lon.start), max(st.lat.end, st.lon.end)
		st.addValue(s, x, "geo_location", confGeo, geoNorm(st.lat.v, st.lon.v))
		st.spans[len(st.spans)-1].preview = maskGeo(t[st.lat.start:st.lat.end] + ", " + t[st.lon.start:st.lon.end])
		st.lat, st.lon = geoHalf{}, geoHalf{}
	}
	return e
}

// coordAfter finds a second coordinate after a first one ending at e: ", ", ",", "; " or one
// or two spaces, an optional '-', 1–3 digits, '.', at least 4 digits.
func coordAfter(t string, e int) (s, end int, ok bool) {
	p := e
	if p < len(t) && (t[p] == ',' || t[p] == ';') {
		p++
	}
	for k := 0; k < 2 && p < len(t) && t[p] == ' '; k++ {
		p++
	}
	if p == e {
		return 0, 0, false
	}
	s = p
	if p < len(t) && t[p] == '-' {
		p++
	}
	q := p
	for q < len(t) && isDigit(t[q]) {
		q++
	}
	if q == p || q-p > 3 || q+1 >= len(t) || t[q] != '.' {
		return 0, 0, false
	}
	r := q + 1
	for r < len(t) && isDigit(t[r]) {
		r++
	}
	if r-q-1 < 4 || (r < len(t) && (isWordByte(t[r]) || t[r] == '.')) {
		return 0, 0, false
	}
	return s, r, true
}

// inList reports a number preceded by another decimal and a list separator ("0.12, 0.34"):
// an embedding or a series, not a coordinate ("1,43.2389,76.8897" is a CSV row, not a list).
func inList(t string, i int) bool {
	for i > 0 && t[i-1] == ' ' {
		i--
	}
	if i == 0 || (t[i-1] != ',' && t[i-1] != ';') {
		return false
	}
	for i--; i > 0 && t[i-1] == ' '; i-- {
	}
	d := i
	for d > 0 && isDigit(t[d-1]) {
		d--
	}
	return d < i && d > 1 && t[d-1] == '.' && isDigit(t[d-2])
}

// listAfter reports a list separator and another decimal after e.
func listAfter(t string, e int) bool {
	for e < len(t) && t[e] == ' ' {
		e++
	}
	if e >= len(t) || (t[e] != ',' && t[e] != ';') {
		return false
	}
	for e++; e < len(t) && t[e] == ' '; e++ {
	}
	if e < len(t) && t[e] == '-' {
		e++
	}
	d := e
	for d < len(t) && isDigit(t[d]) {
		d++
	}
	return d > e && d+1 < len(t) && t[d] == '.' && isDigit(t[d+1])
}

func geoNorm(lat, lon float64) string {
	return strconv.FormatFloat(lat, 'f', 4, 64) + "," + strconv.FormatFloat(lon, 'f', 4, 64)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
