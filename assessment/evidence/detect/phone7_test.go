package detect

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// TestFastValidMatchesLibphonenumber checks the precompiled rules of country code 7 against
// phonenumbers.IsValidNumber on numbers of every length, with Kazakh and Russian prefixes,
// leading zeros and random digits.
func TestFastValidMatchesLibphonenumber(t *testing.T) {
	if fastRules() == nil {
		t.Fatal("no precompiled rules for country code 7")
	}
	r := rand.New(rand.NewPCG(3, 4))
	prefixes := []string{"", "7", "70", "701", "707", "747", "771", "775", "778", "700", "727",
		"717", "7172", "7212", "33", "336", "9", "91", "916", "495", "812", "800", "809", "0", "00", "6", "8"}
	n := 0
	for range 60000 {
		p := prefixes[r.IntN(len(prefixes))]
		l := 2 + r.IntN(16)
		if r.IntN(3) > 0 {
			l = 10
		}
		if len(p) > l {
			p = p[:l]
		}
		b := []byte(p)
		for len(b) < l {
			b = append(b, byte('0'+r.IntN(10)))
		}
		nsn := string(b)
		v, err := strconv.ParseUint(nsn, 10, 64)
		if err != nil || v == 0 {
			continue
		}
		cc := int32(7)
		num := &phonenumbers.PhoneNumber{CountryCode: &cc, NationalNumber: &v}
		if nsn[0] == '0' {
			z := int32(0)
			for int(z) < len(nsn) && nsn[z] == '0' {
				z++
			}
			lead := true
			num.ItalianLeadingZero, num.NumberOfLeadingZeros = &lead, &z
		}
		want := phonenumbers.IsValidNumber(num)
		got, ok := fastValid7(nsn)
		if !ok || got != want {
			t.Fatalf("+7 %s: fast %v (ok %v), libphonenumber %v", nsn, got, ok, want)
		}
		if want {
			n++
		}
	}
	if n < 1000 {
		t.Errorf("only %d valid numbers checked", n)
	}
}
