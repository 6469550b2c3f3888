package detect

import "testing"

// FuzzValidators: the validators never panic on any input, an IIN is never also a BIN, and a
// string that validates as an IIN or BIN is exactly twelve ASCII digits.
func FuzzValidators(f *testing.F) {
	for _, s := range []string{"900101300017", "900101310506", "4111111111111111", "KZ86125KZT5004100100",
		"GB82WEST12345698765432", "", "0", "99999999999999999999", "KZ", "９００１０１３０００１７", "\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		iin, bin := ValidIIN(s), ValidBIN(s)
		_, _ = Luhn(s), ValidIBAN(s)
		if iin && bin {
			t.Fatalf("%q is both an IIN and a BIN", s)
		}
		if (iin || bin) && !twelveDigits(s) {
			t.Fatalf("%q validated but is not twelve digits", s)
		}
		_ = Mask("kz_iin", s)
		_ = Mask("email", s)
	})
}
