package detect

import (
	"slices"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// libphonenumber's IsValidNumber builds each pattern string ("^(?:" + pattern + ")$") and
// looks its compiled regexp up by that string, twice per number type, for every number:
// about 5 µs and a dozen allocations for a Kazakh number. regionRules replays the same
// decision (region by leading digits or by number type, then "the number matches some type
// of its region") on the same metadata, its patterns compiled once into digit automata
// (dfa.go). It serves country code 7 (Kazakhstan and Russia), where the numbers of the
// evidence are; TestFastValidMatchesLibphonenumber checks it against IsValidNumber.

// numDesc is one PhoneNumberDesc: its possible lengths and full-match pattern.
type numDesc struct {
	lengths []int32
	re      *digitDFA
}

// matches is isNumberMatchingDesc of libphonenumber.
func (d *numDesc) matches(nsn string) bool {
	if len(d.lengths) > 0 && !slices.Contains(d.lengths, int32(len(nsn))) {
		return false
	}
	return d.re.match(nsn)
}

// regionRules are the validity rules of one region.
type regionRules struct {
	leading  *digitDFA // "^(?:" + leading digits + ")", or nil
	general  numDesc
	types    []numDesc // premium rate, toll free, shared cost, VoIP, personal, pager, UAN, voicemail
	fixed    numDesc
	mobile   numDesc
	sameMobi bool // same mobile and fixed-line pattern
}

// knownType reports getNumberTypeHelper(nsn) != UNKNOWN.
func (r *regionRules) knownType(nsn string) bool {
	if !r.general.matches(nsn) {
		return false
	}
	for i := range r.types {
		if r.types[i].matches(nsn) {
			return true
		}
	}
	if r.fixed.matches(nsn) {
		return true
	}
	return !r.sameMobi && r.mobile.matches(nsn)
}

// fastRules holds the rules of the regions of country code 7, in libphonenumber's order; nil
// when the metadata cannot be read (the library is then asked).
var fastRules = sync.OnceValue(fastRulesCompile)

func fastRulesCompile() []*regionRules {
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		return nil
	}
	byID := map[string]*phonenumbers.PhoneMetadata{}
	for _, m := range coll.GetMetadata() {
		byID[m.GetId()] = m // the last entry of a region wins, as in the library
	}
	desc := func(d *phonenumbers.PhoneNumberDesc) (numDesc, bool) {
		if d == nil {
			return numDesc{}, false
		}
		re, err := compileDigitDFA("^(?:" + d.GetNationalNumberPattern() + ")$")
		if err != nil {
			return numDesc{}, false
		}
		return numDesc{lengths: slices.Clone(d.PossibleLength), re: re}, true
	}
	var out []*regionRules
	for _, region := range phonenumbers.GetRegionCodesForCountryCode(7) {
		m := byID[region]
		if m == nil || m.GetCountryCode() != 7 {
			return nil
		}
		r := &regionRules{sameMobi: m.GetSameMobileAndFixedLinePattern()}
		if ld := m.GetLeadingDigits(); ld != "" {
			re, err := compileDigitDFA("^(?:" + ld + ")")
			if err != nil {
				return nil
			}
			r.leading = re
		}
		ok := true
		var d numDesc
		set := func(dst *numDesc, src *phonenumbers.PhoneNumberDesc) {
			if d, ok2 := desc(src); ok2 {
				*dst = d
			} else {
				ok = false
			}
		}
		set(&r.general, m.GetGeneralDesc())
		for _, t := range []*phonenumbers.PhoneNumberDesc{m.GetPremiumRate(), m.GetTollFree(),
			m.GetSharedCost(), m.GetVoip(), m.GetPersonalNumber(), m.GetPager(), m.GetUan(),
			m.GetVoicemail()} {
			set(&d, t)
			r.types = append(r.types, d)
		}
		set(&r.fixed, m.GetFixedLine())
		set(&r.mobile, m.GetMobile())
		if !ok {
			return nil
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// fastValid7 is IsValidNumber for +7 nsn (nsn as GetNationalSignificantNumber gives it);
// ok is false when the rules are not available.
func fastValid7(nsn string) (valid, ok bool) {
	rules := fastRules()
	if rules == nil {
		return false, false
	}
	for _, r := range rules {
		var here bool
		if r.leading != nil {
			here = r.leading.prefix(nsn)
		} else {
			here = r.knownType(nsn)
		}
		if here {
			return r.knownType(nsn), true
		}
	}
	return false, true // no region: IsValidNumberForRegion of "" is false
}
