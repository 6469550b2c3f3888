package detect

import (
	"net/netip"
	"strconv"
	"strings"
	"unicode"
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
		var a [24]byte
		if d := appendDigits(a[:0], v); len(d) == 12 {
			copy(d[4:10], "******")
			return string(d)
		}
	case "payment_card":
		var a [24]byte
		if d := appendDigits(a[:0], v); len(d) >= 13 && len(d) <= 19 {
			var o [32]byte
			return string(appendGroupMask(o[:0], d, 4, 4))
		}
	case "iban":
		var a [40]byte
		if c := appendCompactUpper(a[:0], v); len(c) >= 15 && len(c) <= 34 {
			var o [48]byte
			return string(appendGroupMask(o[:0], c, 4, 4))
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

// appendGroupMask appends s with its head and tail characters kept, the rest starred, in
// groups of four.
func appendGroupMask(b, s []byte, head, tail int) []byte {
	for i, c := range s {
		if i > 0 && i%4 == 0 {
			b = append(b, ' ')
		}
		if i >= head && i < len(s)-tail {
			c = '*'
		}
		b = append(b, c)
	}
	return b
}

// appendCompactUpper appends s upper-cased without spaces.
func appendCompactUpper(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != ' ' {
			b = append(b, asciiUpperByte(c))
		}
	}
	return b
}

func asciiUpperByte(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}

// maskPhone formats "+7 701 *** ** 67": the country code, the first three digits of the
// national number and its last two.
func maskPhone(v string) (string, bool) {
	var a [24]byte
	d := appendDigits(a[:0], v)
	cc := ""
	switch {
	case strings.HasPrefix(v, "+") || (len(d) > 2 && d[0] == '0' && d[1] == '0'):
		if len(d) > 2 && d[0] == '0' && d[1] == '0' {
			d = d[2:]
		}
		for l := 1; l <= 3 && l < len(d); l++ {
			if c, _ := strconv.Atoi(string(d[:l])); c > 0 &&
				phonenumbers.GetRegionCodeForCountryCode(c) != phonenumbers.UNKNOWN_REGION {
				cc, d = string(d[:l]), d[l:]
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
	var o [48]byte
	b := append(append(append(o[:0], '+'), cc...), ' ')
	switch {
	case len(d) < 6:
		return string(append(appendStars(b, len(d)-2), d[len(d)-2:]...)), true
	case len(d) == 10:
		b = append(append(b, d[:3]...), " *** **"...)
	default:
		b = appendStars(append(append(b, d[:3]...), ' '), len(d)-5)
	}
	return string(append(append(b, ' '), d[len(d)-2:]...)), true
}

func appendStars(b []byte, n int) []byte {
	for ; n > 0; n-- {
		b = append(b, '*')
	}
	return b
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
	var o [48]byte
	if a.Is4() {
		x := a.As4()
		b := strconv.AppendUint(o[:0], uint64(x[0]), 10)
		b = strconv.AppendUint(append(b, '.'), uint64(x[1]), 10)
		return string(append(b, ".*.*"...)), true
	}
	x := a.As16()
	b := strconv.AppendUint(o[:0], uint64(x[0])<<8|uint64(x[1]), 16)
	b = strconv.AppendUint(append(b, ':'), uint64(x[2])<<8|uint64(x[3]), 16)
	return string(append(b, ":*:*:*:*:*:*"...)), true
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
	b := make([]byte, 0, len(v))
	in := false
	for _, r := range v {
		switch {
		case isSpace(r):
			in = false
		case !in:
			if len(b) > 0 {
				b = append(b, ' ')
			}
			b = utf8.AppendRune(b, r)
			b = append(b, "***"...)
			in = true
		}
	}
	return string(b)
}

// isSpace is unicode.IsSpace with a fast answer for the letters of the scripts we meet.
func isSpace(r rune) bool {
	if r < 0x1680 {
		return r == ' ' || (r >= '\t' && r <= '\r') || r == 0x85 || r == 0xA0
	}
	return unicode.IsSpace(r)
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

// appendDigits appends the ASCII digits of s to b.
func appendDigits(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			b = append(b, s[i])
		}
	}
	return b
}
