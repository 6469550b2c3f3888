package detect

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// cellValue validates a whole table cell as a value of typ and returns the detection type
// (an IIN/BIN column yields kz_iin or kz_bin per cell) and, when norm is set, the normalised
// value (a vote or a count needs only the verdict).
func cellValue(typ, cell string, norm bool) (string, string, bool) {
	switch typ {
	case "email":
		if emailCell(cell) {
			return typ, normIf(norm, strings.ToLower, cell), true
		}
	case "phone":
		if e, ok := phoneCellNorm(cell, norm); ok {
			return typ, e, true
		}
	case "kz_iin", "kz_bin":
		d := strings.ReplaceAll(cell, " ", "")
		if ValidIIN(d) {
			return "kz_iin", d, true
		}
		if ValidBIN(d) {
			return "kz_bin", d, true
		}
	case "iban":
		if ValidIBAN(cell) {
			return typ, normIf(norm, compactUpper, cell), true
		}
	case "payment_card":
		if d, ok := cardCell(cell, norm); ok {
			return typ, d, true
		}
	case "ip_address":
		if a, ok := ipCell(cell, norm); ok {
			return typ, a, true
		}
	case "date_of_birth":
		if end, y, m, d, ok := dateAt(cell, 0); ok && (end == len(cell) || cell[end] == ' ' || cell[end] == 'T') &&
			y <= thisYear {
			if !norm {
				return typ, "", true
			}
			return typ, isoDate(y, m, d), true
		}
	case "geo_location":
		if lat, lon, ok := geoCell(cell); ok {
			if !norm {
				return typ, "", true
			}
			return typ, geoNorm(lat, lon), true
		}
	case "passport_number":
		if passportCell(cell) {
			return typ, normIf(norm, strings.ToUpper, cell), true
		}
	case "face_embedding":
		if v, ok := parseVector(strings.Trim(cell, "[]()")); ok && (v.n == 128 || v.n == 512) {
			return typ, v.norm, true
		}
	default: // names, addresses, special categories: any real value
		if hasLetter(cell) && !placeholder(cell) {
			return typ, normIf(norm, normText, cell), true
		}
	}
	return "", "", false
}

// normIf returns f(s) when norm is set, else "".
func normIf(norm bool, f func(string) string, s string) string {
	if !norm {
		return ""
	}
	return f(s)
}

// compactUpper is an IBAN without spaces, in upper case.
func compactUpper(s string) string { return strings.ToUpper(strings.ReplaceAll(s, " ", "")) }

// emailCell reports whether the whole cell is one e-mail address.
func emailCell(s string) bool {
	at := strings.IndexByte(s, '@')
	if at <= 0 || at > 64 || s[0] == '.' || s[at-1] == '.' || strings.IndexByte(s[at+1:], '@') >= 0 {
		return false
	}
	for i := 0; i < at; i++ {
		if !isLocalByte(s[i]) {
			return false
		}
	}
	d := s[at+1:]
	for i := 0; i < len(d); i++ {
		if !isAlnumASCII(d[i]) && d[i] != '-' && d[i] != '.' {
			return false
		}
	}
	return validDomain(d)
}

// cardCell accepts digits with spaces or dashes that make a valid card number; the digits
// are returned when norm is set.
func cardCell(s string, norm bool) (string, bool) {
	var buf [19]byte
	d := buf[:0]
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isDigit(c):
			if len(d) == len(buf) {
				return "", false // more digits than any card has
			}
			d = append(d, c)
		case c != ' ' && c != '-':
			return "", false
		}
	}
	if !validCard(string(d)) {
		return "", false
	}
	if !norm {
		return "", true
	}
	return string(d), true
}

// ipCell accepts an IPv4 or IPv6 address, with or without a port; its canonical form is
// returned when norm is set.
func ipCell(s string, norm bool) (string, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		ap, err := netip.ParseAddrPort(s)
		if err != nil {
			return "", false
		}
		a = ap.Addr()
	}
	if a.IsUnspecified() || a.IsLoopback() || a.IsMulticast() {
		return "", false
	}
	if !norm {
		return "", true
	}
	return a.String(), true
}

// geoCell accepts "43.2389, 76.8897", "43.2389 76.8897", "[43.2389,76.8897]" or "(…)".
func geoCell(s string) (lat, lon float64, ok bool) {
	f := strings.FieldsFunc(strings.Trim(s, "[]() "), func(r rune) bool { return r == ',' || r == ';' || r == ' ' })
	if len(f) != 2 || !strings.Contains(f[0], ".") || !strings.Contains(f[1], ".") {
		return 0, 0, false
	}
	lat, e1 := strconv.ParseFloat(f[0], 64)
	lon, e2 := strconv.ParseFloat(f[1], 64)
	return lat, lon, e1 == nil && e2 == nil && validLatLon(lat, lon)
}

// coordCell parses one latitude or longitude of a lat/lon column.
func coordCell(s string, limit float64) (float64, bool) {
	if !strings.Contains(s, ".") {
		return 0, false
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return v, err == nil && v >= -limit && v <= limit
}

func validLatLon(lat, lon float64) bool {
	return lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180 && (lat != 0 || lon != 0)
}

// passportCell accepts 6–12 letters and digits with at least five digits ("N12345678").
func passportCell(s string) bool {
	if len(s) < 6 || len(s) > 12 {
		return false
	}
	digits := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isDigit(c):
			digits++
		case isLetterASCII(c):
		default:
			return false
		}
	}
	return digits >= 5
}

// vector is a parsed list of numbers.
type vector struct {
	n    int
	norm string // the numbers joined by ','
}

func vectorByte(c byte) bool {
	return isDigit(c) || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E' || isVecSep(c)
}

func isVecSep(c byte) bool {
	return c == ',' || c == ';' || c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

// parseVector parses numbers separated by ',', ';' or white space; at least half of them must
// have a fraction (an embedding is not a list of counts).
func parseVector(s string) (vector, bool) {
	var b strings.Builder
	n, frac := 0, 0
	for i := 0; i < len(s); {
		for i < len(s) && isVecSep(s[i]) {
			i++
		}
		if i >= len(s) {
			break
		}
		j := i
		for j < len(s) && !isVecSep(s[j]) {
			if !vectorByte(s[j]) {
				return vector{}, false
			}
			j++
		}
		tok := s[i:j]
		if _, err := strconv.ParseFloat(tok, 64); err != nil {
			return vector{}, false
		}
		if strings.ContainsAny(tok, ".eE") {
			frac++
		}
		if n > 0 {
			b.WriteByte(',')
		}
		b.WriteString(tok)
		n++
		i = j
	}
	return vector{n: n, norm: b.String()}, n > 0 && frac*2 >= n
}

// isFloatCell reports a number with a fraction ("0.1234", "-1.2e-3").
func isFloatCell(s string) bool {
	if strings.IndexByte(s, '.') < 0 {
		return false
	}
	_, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return err == nil
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// placeholder reports cell values that mean "nothing".
func placeholder(s string) bool {
	s = strings.TrimSpace(s)
	if len(s) > 20 {
		return false
	}
	if s != "" {
		// Only a value that begins like a placeholder (in either case) can be one.
		r, _ := utf8.DecodeRuneInString(s)
		if !slices.Contains(placeholderFirst, r) {
			return false
		}
	}
	for _, p := range placeholders {
		if strings.EqualFold(s, p) {
			return true
		}
	}
	return false
}

var placeholders = []string{
	"", "-", "—", "n/a", "na", "null", "none", "nil", "нет", "жоқ", "no", "unknown", "не указано",
	"не указан", "нет данных", "n.a.", "?", "false", "0",
}

// placeholderFirst are the first runes of the placeholders with every rune that
// strings.EqualFold takes for one of them.
var placeholderFirst = func() []rune {
	var out []rune
	for _, p := range placeholders {
		if p == "" {
			continue
		}
		r, _ := utf8.DecodeRuneInString(p)
		for f := r; ; {
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
			if f = unicode.SimpleFold(f); f == r {
				break
			}
		}
	}
	return out
}()

// nameShaped reports two or three capitalised words of letters: "Иванов Иван Иванович",
// "John Smith".
func nameShaped(s string) bool {
	end, words := nameAt(s, 0)
	return words >= 2 && end == len(s)
}

// nameEvidence reports a name-shaped cell that also looks like a person's name: a word with
// a Russian or Kazakh surname or patronymic ending, or a common first name.
func nameEvidence(s string) bool {
	for _, w := range strings.Fields(strings.ToLower(s)) {
		if firstNames[w] {
			return true
		}
		for _, suf := range nameSuffixes {
			if strings.HasSuffix(w, suf) && len(w) > len(suf)+2 {
				return true
			}
		}
	}
	return false
}

// nameSuffixes are Russian and Kazakh surname and patronymic endings, in Cyrillic and Latin.
var nameSuffixes = []string{
	"ов", "ев", "ёв", "ова", "ева", "ин", "ина", "ский", "ская", "цкий", "цкая", "енко", "ович",
	"евич", "овна", "евна", "ична", "ұлы", "қызы", "улы", "кызы", "баев", "беков",
	"ov", "ev", "ova", "eva", "enko", "ovich", "evich", "ovna", "evna", "uly", "kyzy",
}

// firstNames are common first names (Kazakh, Russian, English), lower case.
var firstNames = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range strings.Fields(`
		айгерим айдар айжан айнур алия алмас арман асель асхат ахмет бауыржан болат дамир
		данияр дина ерлан ержан жанар жандос камила куаныш марат мадина нурлан нурсултан
		серик сауле тимур улан ерболат гульнара динара азамат арай аружан алихан
		александр алексей андрей анна анастасия дмитрий елена екатерина иван ирина мария
		михаил наталья николай ольга павел сергей светлана татьяна юлия владимир виктор
		john james robert michael william david richard joseph thomas charles mary patricia
		jennifer linda elizabeth barbara susan jessica sarah karen anna emma olivia peter
		paul mark george daniel laura maria alexander aigerim nursultan arman dmitry ivan`) {
		m[n] = true
	}
	return m
}()
