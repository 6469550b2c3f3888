package corpus

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// The generators below build values from scratch with their own copies of the check-digit
// algorithms (REFERENCE.md §3 for IIN/BIN, Luhn, ISO 7064 mod-97), so that the corpus tests
// the detector's validators instead of borrowing them.

// kzCheck returns the check digit of the first 11 digits of an IIN or BIN (REFERENCE.md §3):
// weights 1..11 mod 11; if 10, weights 3..11,1,2 mod 11; if 10 again, no valid number
// exists (ok false).
func kzCheck(d []byte) (byte, bool) {
	sum := 0
	for i := 0; i < 11; i++ {
		sum += int(d[i]-'0') * (i + 1)
	}
	c := sum % 11
	if c == 10 {
		sum = 0
		for i := 0; i < 11; i++ {
			sum += int(d[i]-'0') * ((i+2)%11 + 1)
		}
		if c = sum % 11; c == 10 {
			return 0, false
		}
	}
	return byte('0' + c), true
}

func digits(r *rand.Rand, b []byte) {
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
}

func put2(b []byte, v int) { b[0], b[1] = byte('0'+v/10), byte('0'+v%10) }

var monthDays = [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// iin returns a valid IIN: a birth date 1940–2009, century/sex digit, serial, check digit.
func iin(r *rand.Rand) string {
	for {
		b := make([]byte, 12)
		year := 1940 + r.IntN(70)
		m := 1 + r.IntN(12)
		d := 1 + r.IntN(monthDays[m]) // 28 days in February: always a real date
		put2(b[0:], year%100)
		put2(b[2:], m)
		put2(b[4:], d)
		sex := r.IntN(2)
		if year >= 2000 {
			b[6] = byte('5' + sex)
		} else {
			b[6] = byte('3' + sex)
		}
		digits(r, b[7:11])
		if c, ok := kzCheck(b); ok {
			b[11] = c
			return string(b)
		}
	}
}

// bin returns a valid BIN: registration YYMM, entity type 4–6, division 0–3, serial, check.
func bin(r *rand.Rand) string {
	for {
		b := make([]byte, 12)
		put2(b[0:], r.IntN(25))
		put2(b[2:], 1+r.IntN(12))
		b[4] = byte('4' + r.IntN(3))
		b[5] = byte('0' + r.IntN(4))
		digits(r, b[6:11])
		if c, ok := kzCheck(b); ok {
			b[11] = c
			return string(b)
		}
	}
}

// badCheck replaces the last digit of a valid 12-digit IIN or BIN with a wrong one.
func badCheck(r *rand.Rand, valid string) string {
	b := []byte(valid)
	b[11] = byte('0' + (int(b[11]-'0')+1+r.IntN(9))%10)
	return string(b)
}

func luhnDigit(d []byte) byte {
	sum := 0
	double := true // the check digit will be appended, so the last digit here is doubled
	for i := len(d) - 1; i >= 0; i-- {
		v := int(d[i] - '0')
		if double {
			if v *= 2; v > 9 {
				v -= 9
			}
		}
		sum += v
		double = !double
	}
	return byte('0' + (10-sum%10)%10)
}

// cardPrefixes are issuer prefixes of 16-digit cards: Visa, Mastercard, Mir.
var cardPrefixes = []string{"4", "4400", "4405", "51", "52", "53", "54", "55", "2200", "2202", "2204"}

// card returns a 16-digit card number passing Luhn.
func card(r *rand.Rand) string {
	p := cardPrefixes[r.IntN(len(cardPrefixes))]
	b := make([]byte, 16)
	copy(b, p)
	digits(r, b[len(p):15])
	b[15] = luhnDigit(b[:15])
	return string(b)
}

// badLuhn returns a 16-digit number with a card prefix that fails Luhn.
func badLuhn(r *rand.Rand) string {
	b := []byte(card(r))
	b[15] = byte('0' + (int(b[15]-'0')+1+r.IntN(9))%10)
	return string(b)
}

// ibanRemainder is the ISO 7064 mod-97 remainder of an IBAN (upper case, no spaces).
func ibanRemainder(s string) int {
	s = s[4:] + s[:4]
	rem := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' {
			rem = (rem*10 + int(c-'0')) % 97
		} else {
			rem = (rem*100 + int(c-'A') + 10) % 97
		}
	}
	return rem
}

// kzBBAN is a Kazakh BBAN: a 3-digit bank code and 13 account characters.
func kzBBAN(r *rand.Rand) string {
	b := make([]byte, 16)
	digits(r, b[:3])
	if r.IntN(2) == 0 {
		copy(b[3:], "KZT")
		digits(r, b[6:])
	} else {
		digits(r, b[3:])
	}
	return string(b)
}

// iban returns a valid 20-character KZ IBAN.
func iban(r *rand.Rand) string {
	bban := kzBBAN(r)
	rem := ibanRemainder("KZ00" + bban)
	return fmt.Sprintf("KZ%02d%s", 98-rem, bban)
}

// badIBAN returns a KZ IBAN-shaped string whose mod-97 check fails.
func badIBAN(r *rand.Rand) string {
	bban := kzBBAN(r)
	for {
		s := fmt.Sprintf("KZ%02d%s", r.IntN(100), bban)
		if ibanRemainder(s) != 1 {
			return s
		}
	}
}

// groups4 prints s in groups of four separated by sep.
func groups4(s, sep string) string {
	var parts []string
	for len(s) > 4 {
		parts = append(parts, s[:4])
		s = s[4:]
	}
	return strings.Join(append(parts, s), sep)
}

// kzMobile are Kazakh mobile operator codes (Beeline, Kcell, Activ, Tele2, Altel).
var kzMobile = []string{"700", "701", "702", "705", "707", "708", "747", "771", "775", "776", "777", "778"}

// phone returns a Kazakh mobile number in one of the usual printed forms.
func phone(r *rand.Rand) string {
	op := kzMobile[r.IntN(len(kzMobile))]
	a, b, c := 100+r.IntN(900), r.IntN(100), r.IntN(100)
	switch r.IntN(6) {
	case 0:
		return fmt.Sprintf("+7 %s %03d %02d %02d", op, a, b, c)
	case 1:
		return fmt.Sprintf("+7 (%s) %03d-%02d-%02d", op, a, b, c)
	case 2:
		return fmt.Sprintf("8 %s %03d %02d %02d", op, a, b, c)
	case 3:
		return fmt.Sprintf("8 (%s) %03d-%02d-%02d", op, a, b, c)
	case 4:
		return fmt.Sprintf("8%s%03d%02d%02d", op, a, b, c)
	default:
		return fmt.Sprintf("+7%s%03d%02d%02d", op, a, b, c)
	}
}

var (
	latinFirst = []string{"aidar", "aigerim", "askar", "dana", "erlan", "gulnara", "ivan", "maria", "nurlan", "olga", "ruslan", "saule", "timur", "zhanna", "john", "anna"}
	latinLast  = []string{"abenov", "petrov", "seitkali", "ivanova", "nurlanov", "kim", "smith", "tulegenova", "sarsenbayev", "omarova"}
	domains    = []string{"mail.kz", "gmail.com", "yandex.kz", "inbox.ru", "kaspi.kz", "example.org", "corp.kz", "bk.ru"}
)

// email returns an e-mail address.
func email(r *rand.Rand) string {
	f, l := latinFirst[r.IntN(len(latinFirst))], latinLast[r.IntN(len(latinLast))]
	d := domains[r.IntN(len(domains))]
	switch r.IntN(3) {
	case 0:
		return f + "." + l + "@" + d
	case 1:
		return f + "_" + l + strconv.Itoa(r.IntN(100)) + "@" + d
	default:
		return string(f[0]) + l + strconv.Itoa(1960+r.IntN(50)) + "@" + d
	}
}

// ipFirst are first octets of ordinary unicast addresses (private and public ranges).
var ipFirst = []int{5, 10, 31, 37, 46, 77, 85, 89, 91, 92, 95, 172, 178, 185, 192, 195, 212, 217}

// ipv4 returns a unicast IPv4 address (never 0.x, 127.x, multicast or 255.x).
func ipv4(r *rand.Rand) string {
	return fmt.Sprintf("%d.%d.%d.%d", ipFirst[r.IntN(len(ipFirst))], r.IntN(256), r.IntN(256), 1+r.IntN(254))
}

// version returns a dotted-quad version string, marked as a version the way the detector
// documents ("1.2.3.4-beta" or after the word "version").
func version(r *rand.Rand) string {
	v := fmt.Sprintf("%d.%d.%d.%d", 1+r.IntN(9), r.IntN(20), r.IntN(10), r.IntN(300))
	suffix := []string{"-beta", "-rc1", "-alpha", "-dev"}
	return v + suffix[r.IntN(len(suffix))]
}

// timestamp returns an ISO 8601 or Russian-style timestamp in 2023–2024.
func timestamp(r *rand.Rand) string {
	y, m := 2023+r.IntN(2), 1+r.IntN(12)
	d := 1 + r.IntN(28)
	h, mi, s := r.IntN(24), r.IntN(60), r.IntN(60)
	switch r.IntN(3) {
	case 0:
		return fmt.Sprintf("%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, h, mi, s)
	case 1:
		return fmt.Sprintf("%04d-%02d-%02d %02d:%02d:%02d", y, m, d, h, mi, s)
	default:
		return fmt.Sprintf("%02d.%02d.%04d %02d:%02d", d, m, y, h, mi)
	}
}

// orderNumber returns an order reference: "ORD-" and 8 digits, or 9 digits.
func orderNumber(r *rand.Rand) string {
	if r.IntN(2) == 0 {
		return fmt.Sprintf("ORD-%08d", r.IntN(100000000))
	}
	return strconv.Itoa(100000000 + r.IntN(900000000))
}
