package detect

import "time"

// ValidIIN reports whether s is a valid Kazakh individual identification number (ИИН/ЖСН):
// exactly 12 ASCII digits; d1–d6 a real birth date YYMMDD; d7 the century and sex (1/2 for
// the 1800s, 3/4 for the 1900s, 5/6 for the 2000s) with the resulting date not in the future;
// d12 the check digit of kzCheckDigit (REFERENCE.md §3 "IIN").
func ValidIIN(s string) bool {
	if !twelveDigits(s) {
		return false
	}
	century := 0
	switch s[6] {
	case '1', '2':
		century = 1800
	case '3', '4':
		century = 1900
	case '5', '6':
		century = 2000
	default:
		return false
	}
	year := century + num2(s[0:2])
	if !validDate(year, num2(s[2:4]), num2(s[4:6])) {
		return false
	}
	if year > thisYear {
		return false
	}
	return kzCheckDigit(s)
}

// thisYear bounds birth years: nobody is born in the future. Read once per process.
var thisYear = time.Now().Year()

// ValidBIN reports whether s is a valid Kazakh business identification number (БИН/БСН):
// exactly 12 ASCII digits; d1–d2 the registration year YY and d3–d4 the month 01–12; d5 the
// entity type 4 (resident legal entity), 5 (non-resident legal entity) or 6 (joint or
// individual business); d6 the division 0–3 (head office, branch, representative office,
// peasant farm); d7–d11 a serial; d12 the check digit of kzCheckDigit. Sources: the egov.kz
// BIN article as encoded in FakerPHP kk_KZ Company::businessIdentificationNumber (REFERENCE.md
// source K8) for the layout, REFERENCE.md §3 for the check digit, which BINs share with IINs.
//
// IIN and BIN are disjoint: an IIN has a day 01–31 in d5–d6, a BIN has 40–63 there.
func ValidBIN(s string) bool {
	if !twelveDigits(s) {
		return false
	}
	if m := num2(s[2:4]); m < 1 || m > 12 {
		return false
	}
	if s[4] < '4' || s[4] > '6' || s[5] > '3' {
		return false
	}
	return kzCheckDigit(s)
}

// kzCheckDigit checks d12 of a 12-digit IIN or BIN: the sum of d1..d11 weighted 1..11, mod
// 11; when that is 10, the sum weighted 3,4,…,11,1,2, mod 11; when that is 10 again the number
// is never issued (invalid); otherwise the result must equal d12.
func kzCheckDigit(s string) bool {
	sum := 0
	for i := 0; i < 11; i++ {
		sum += int(s[i]-'0') * (i + 1)
	}
	c := sum % 11
	if c == 10 {
		sum = 0
		for i := 0; i < 11; i++ {
			sum += int(s[i]-'0') * ((i+2)%11 + 1)
		}
		if c = sum % 11; c == 10 {
			return false
		}
	}
	return c == int(s[11]-'0')
}

// Luhn reports whether s, a string of 2 or more ASCII digits (nothing else), passes the Luhn
// (mod 10) check used by payment card numbers.
func Luhn(s string) bool {
	if len(s) < 2 {
		return false
	}
	sum := 0
	double := false
	for i := len(s) - 1; i >= 0; i-- {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if double {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// ValidIBAN reports whether s is a valid IBAN, in electronic form or printed in groups
// separated by single spaces, in either letter case: a two-letter country code, two check
// digits, a BBAN of letters and digits, the length the country's registry entry gives
// (ibanLengths; 15–34 for a country not in the table) and the ISO 7064 mod-97 remainder 1.
func ValidIBAN(s string) bool {
	var buf [34]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ':
			continue
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		case (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'):
		default:
			return false
		}
		if n == len(buf) {
			return false
		}
		buf[n] = c
		n++
	}
	return validIBANCompact(buf[:n])
}

// validIBANCompact checks an upper-case IBAN without spaces.
func validIBANCompact(b []byte) bool {
	if len(b) < 15 || len(b) > 34 || !isUpper(b[0]) || !isUpper(b[1]) ||
		!isDigit(b[2]) || !isDigit(b[3]) {
		return false
	}
	if want, ok := ibanLengths[string(b[:2])]; ok && want != len(b) {
		return false
	}
	rem := 0
	add := func(c byte) {
		if isDigit(c) {
			rem = (rem*10 + int(c-'0')) % 97
			return
		}
		rem = (rem*100 + int(c-'A') + 10) % 97
	}
	for _, c := range b[4:] {
		if !isDigit(c) && !isUpper(c) {
			return false
		}
		add(c)
	}
	for _, c := range b[:4] {
		add(c)
	}
	return rem == 1
}

// ibanLengths is the IBAN length per country from the SWIFT IBAN registry.
var ibanLengths = map[string]int{
	"AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
	"BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28,
	"EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
	"GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
	"IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
	"LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18,
	"NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
	"SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24,
	"TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}

// validCard reports whether d (digits only) looks like a payment card number: 13–19 digits,
// an issuer prefix of a major scheme with a length that scheme issues, not one repeated digit,
// and the Luhn check.
func validCard(d string) bool {
	n := len(d)
	if n < 13 || n > 19 || !cardPrefix(d) {
		return false
	}
	same := true
	for i := 1; i < n && same; i++ {
		same = d[i] == d[0]
	}
	return !same && Luhn(d)
}

// cardPrefix checks the issuer identification prefix against the card length: Visa 4
// (13, 16, 19), Mastercard 51–55 and 2221–2720 (16), Mir 2200–2204 (16–19), American Express
// 34/37 (15), Diners 30/36/38/39 (14–19), JCB 35 (16–19), Discover/UnionPay/Maestro 6
// (16–19), Maestro 50/56–58 (13–19).
func cardPrefix(d string) bool {
	n := len(d)
	p2 := num2(d[:2])
	p4 := p2*100 + num2(d[2:4])
	switch d[0] {
	case '4':
		return n == 13 || n == 16 || n == 19
	case '5':
		if p2 >= 51 && p2 <= 55 {
			return n == 16
		}
		return p2 == 50 || (p2 >= 56 && p2 <= 58)
	case '2':
		if p4 >= 2200 && p4 <= 2204 {
			return n >= 16
		}
		return p4 >= 2221 && p4 <= 2720 && n == 16
	case '3':
		switch p2 {
		case 34, 37:
			return n == 15
		case 30, 36, 38, 39:
			return n >= 14
		case 35:
			return n >= 16
		}
	case '6':
		return n >= 16
	}
	return false
}

// validDate reports whether y-m-d is a real calendar date.
func validDate(y, m, d int) bool {
	if m < 1 || m > 12 || d < 1 {
		return false
	}
	return d <= daysIn(y, m)
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func twelveDigits(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < 12; i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// num2 is the value of two ASCII digits.
func num2(s string) int { return int(s[0]-'0')*10 + int(s[1]-'0') }

func isDigit(c byte) bool       { return c >= '0' && c <= '9' }
func isUpper(c byte) bool       { return c >= 'A' && c <= 'Z' }
func isLowerASCII(c byte) bool  { return c >= 'a' && c <= 'z' }
func isLetterASCII(c byte) bool { return isUpper(c) || isLowerASCII(c) }
func isAlnumASCII(c byte) bool  { return isDigit(c) || isLetterASCII(c) }
