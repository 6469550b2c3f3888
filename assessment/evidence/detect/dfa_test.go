package detect

import (
	"math/rand/v2"
	"regexp"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// TestDigitDFAMatchesRegexp compares the digit automaton with Go's regexp on random digit
// strings, for hand-written patterns and every national-number and leading-digits pattern
// of country code 7's metadata.
func TestDigitDFAMatchesRegexp(t *testing.T) {
	patterns := []string{
		`^(?:7\d{9})$`, `^(?:(?:33622|7\d\d\d)\d{5})$`, `^(?:1|2[0-4]|3(?:0|5\d?))`,
		`^(?:\d{2,4}|9[0-8]*)$`, `^(?:[0-3]?\d)$`, `^(?:)$`, `^(?:8(?:0[0-9]|1[1-5])\d{5,7})$`,
		`^(?:7)`, `^(?:(?:12)+3)$`,
	}
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range coll.GetMetadata() {
		if m.GetCountryCode() != 7 {
			continue
		}
		if ld := m.GetLeadingDigits(); ld != "" {
			patterns = append(patterns, "^(?:"+ld+")")
		}
		for _, d := range []*phonenumbers.PhoneNumberDesc{m.GetGeneralDesc(), m.GetFixedLine(), m.GetMobile(),
			m.GetTollFree(), m.GetPremiumRate(), m.GetVoip(), m.GetUan()} {
			if d != nil && d.GetNationalNumberPattern() != "" {
				patterns = append(patterns, "^(?:"+d.GetNationalNumberPattern()+")$")
			}
		}
	}
	r := rand.New(rand.NewPCG(7, 7))
	for _, p := range patterns {
		re := regexp.MustCompile(p)
		d, err := compileDigitDFA(p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for n := range 20000 {
			b := make([]byte, r.IntN(14))
			for i := range b {
				b[i] = byte('0' + r.IntN(10))
			}
			if n%3 == 0 && len(b) > 0 { // bias towards the pattern's own first digits
				b[0] = '7'
			}
			s := string(b)
			want := re.MatchString(s)
			got := d.match(s)
			if p[len(p)-1] != '$' {
				got = d.prefix(s)
			}
			if got != want {
				t.Fatalf("%s on %q: automaton %v, regexp %v", p, s, got, want)
			}
		}
		if d.match("12a") {
			t.Errorf("%s: matched a non-digit", p)
		}
	}
}

func TestDigitDFARejectsOtherAssertions(t *testing.T) {
	if _, err := compileDigitDFA(`^\b7\d$`); err == nil {
		t.Error(`\b compiled; want an error`)
	}
}

func BenchmarkPhoneRulesCompile(b *testing.B) {
	for b.Loop() {
		fastRulesCompile()
	}
}
