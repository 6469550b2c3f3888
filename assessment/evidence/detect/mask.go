package detect

import (
	"net/netip"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
)

// Mask masks one value of a detection type, keeping a few leading and trailing characters:
//
//	kz_iin, kz_bin   "900101300017"          → "9001******17"
//	payment_card     "4111111111111111"      → "4111 **** **** 1111"
//	iban             "KZ86125KZT5004100100"  → "KZ86 **** **** **** 0100"
//	email            "ivanov@example.com"    → "i***@example.com"
//	phone            "+7 701 123 45 67"      → "+7 701 *** ** 67"
//	ip_address       "192.168.10.24"         → "192.168.*.*"
//	geo_location     "43.238949, 76.889709"  → "43.2*****, 76.8*****"
//	date_of_birth    "1990-01-15"            → "1990-**-**"
//	passport_number  "N12345678"             → "N12****78"
//	person_name      "Иванов Иван"           → "И*** И***"
//	face_embedding   "[0.1, …]" (128)        → "[128-d vector]"
//
// Any other type, or a value that does not parse as its type, keeps its first one or two
// characters (and its last two when long): "Астма" → "А***".
func Mask(typ, value string) string {
	v := strings.TrimSpace(value)
	if v == "" {
		return ""
	}
	switch typ {
	case "kz_iin", "kz_bin":
		if d := digitsOf(v); len(d) == 12 {
			return d[:4] + "******" + d[10:]
		}
	case "payment_card":
		if d := digitsOf(v); len(d) >= 13 && len(d) <= 19 {
			return groupMask(d, 4, 4)
		}
	case "iban":
		if c := strings.ToUpper(strings.ReplaceAll(v, " ", "")); len(c) >= 15 && len(c) <= 34 {
			return groupMask(c, 4, 4)
		}
	case "email":
		if at := strings.LastIndexByte(v, '@'); at > 0 {
			_, n := utf8.DecodeRuneInString(v)
			return v[:n] + "***" + v[at:]
		}
	case "phone":
		if m, ok := maskPhone(v); ok {
			return m
		}
	case "ip_address":
		if m, ok := maskIP(v); ok {
			return m
		}
	case "geo_location":
		return maskGeo(v)
	case "date_of_birth":
		if end, y, _, _, ok := dateAt(v, 0); ok && end == len(v) {
			return strconv.Itoa(y) + "-**-**"
		}
	case "passport_number":
		if len(v) >= 6 && len(v) <= 16 && ibanChars(strings.ToUpper(v)) {
			return v[:3] + strings.Repeat("*", len(v)-5) + v[len(v)-2:]
		}
	case "face_embedding":
		if vec, ok := parseVector(strings.Trim(v, "[]")); ok {
			return "[" + strconv.Itoa(vec.n) + "-d vector]"
		}
		return "[vector]"
	case "person_name":
		return maskWords(v)
	case "address":
		return keepRunes(v, 3) + "***"
	}
	return maskGeneric(v)
}

// groupMask keeps head and tail characters of s, stars the rest, and groups by four.
func groupMask(s string, head, tail int) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		if i < head || i >= len(s)-tail {
			b.WriteByte(s[i])
		} else {
			b.WriteByte('*')
		}
	}
	return b.String()
}

// maskPhone formats "+7 701 *** ** 67": the country code, the first three digits of the
// national number and its last two.
func maskPhone(v string) (string, bool) {
	d := digitsOf(v)
	cc := ""
	switch {
	case strings.HasPrefix(v, "+") || strings.HasPrefix(d, "00"):
		d = strings.TrimPrefix(d, "00")
		for l := 1; l <= 3 && l < len(d); l++ {
			if c, _ := strconv.Atoi(d[:l]); c > 0 &&
				phonenumbers.GetRegionCodeForCountryCode(c) != phonenumbers.UNKNOWN_REGION {
				cc, d = d[:l], d[l:]
				break
			}
		}
	case len(d) == 11 && (d[0] == '8' || d[0] == '7'):
		cc, d = "7", d[1:]
	case len(d) == 10:
		cc = "7"
	}
	if cc == "" || len(d) < 4 {
		return "", false
	}
	if len(d) < 6 {
		return "+" + cc + " " + strings.Repeat("*", len(d)-2) + d[len(d)-2:], true
	}
	mid := strings.Repeat("*", len(d)-5)
	if len(d) == 10 {
		mid = "*** **"
	}
	return "+" + cc + " " + d[:3] + " " + mid + " " + d[len(d)-2:], true
}

// maskIP keeps the first half of an address: "192.168.*.*", "2001:db8:*:*:*:*:*:*".
func maskIP(v string) (string, bool) {
	a, err := netip.ParseAddr(v)
	if err != nil {
		ap, err := netip.ParseAddrPort(v)
		if err != nil {
			return "", false
		}
		a = ap.Addr()
	}
	if a.Is4() {
		b := a.As4()
		return strconv.Itoa(int(b[0])) + "." + strconv.Itoa(int(b[1])) + ".*.*", true
	}
	g := strings.Split(a.StringExpanded(), ":")
	return hextet(g[0]) + ":" + hextet(g[1]) + ":*:*:*:*:*:*", true
}

// hextet drops the leading zeros of an expanded IPv6 group.
func hextet(g string) string {
	if g = strings.TrimLeft(g, "0"); g == "" {
		return "0"
	}
	return g
}

// maskGeo keeps the integer part and the first decimal of every number.
func maskGeo(v string) string {
	b := []byte(v)
	frac := -1
	for i, c := range b {
		switch {
		case isDigit(c) && frac >= 0:
			if frac > 0 {
				b[i] = '*'
			}
			frac++
		case c == '.' && i > 0 && isDigit(b[i-1]):
			frac = 0
		case !isDigit(c):
			frac = -1
		}
	}
	return string(b)
}

// maskWords keeps the first letter of every word: "И*** И*** И***".
func maskWords(v string) string {
	f := strings.Fields(v)
	for i, w := range f {
		f[i] = keepRunes(w, 1) + "***"
	}
	return strings.Join(f, " ")
}

// maskGeneric keeps the first rune of a short value, the first two and last two of a long
// one.
func maskGeneric(v string) string {
	n := utf8.RuneCountInString(v)
	switch {
	case n <= 3:
		return "***"
	case n <= 8:
		return keepRunes(v, 1) + "***"
	}
	r := []rune(v)
	return string(r[:2]) + "***" + string(r[n-2:])
}

// keepRunes returns the first n runes of s.
func keepRunes(s string, n int) string {
	i := 0
	for k := 0; k < n && i < len(s); k++ {
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
	}
	return s[:i]
}

// digitsOf returns the ASCII digits of s.
func digitsOf(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			b = append(b, s[i])
		}
	}
	return string(b)
}
