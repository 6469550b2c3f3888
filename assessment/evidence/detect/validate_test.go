package detect

import (
	"strconv"
	"testing"
)

func TestValidIIN(t *testing.T) {
	tests := []struct {
		in   string
		want bool
		why  string
	}{
		{"900101300017", true, "REFERENCE.md example, first pass 51 mod 11 = 7"},
		{"900101310506", true, "REFERENCE.md example, second pass 83 mod 11 = 6"},
		{"851205401236", true, "1985-12-05, female, first pass"},
		{"900101300018", false, "check digit altered"},
		{"900101310505", false, "check digit altered (second-pass example)"},
		{"900101300117", false, "serial altered"},
		{"900101300800", false, "both passes give 10: never issued"},
		{"900101300801", false, "both passes give 10: never issued"},
		{"901301300017", false, "month 13"},
		{"900231300017", false, "31 February"},
		{"900101700017", false, "d7 = 7"},
		{"900101000017", false, "d7 = 0"},
		{"99010150001x", false, "not digits"},
		{"90010130001", false, "11 digits"},
		{"9001013000170", false, "13 digits"},
		{"", false, "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := ValidIIN(tt.in); got != tt.want {
				t.Errorf("ValidIIN(%q) = %v, want %v (%s)", tt.in, got, tt.want, tt.why)
			}
		})
	}
}

// withCheck appends the check digit of kzCheckDigit to 11 digits, or returns "" when both
// passes give 10.
func withCheck(p string) string {
	for d := byte('0'); d <= '9'; d++ {
		if kzCheckDigit(p + string(d)) {
			return p + string(d)
		}
	}
	return ""
}

func TestValidBIN(t *testing.T) {
	tests := []struct {
		in   string
		want bool
		why  string
	}{
		{"150440000013", true, "2015-04, resident legal entity, head office"},
		{"150440000023", true, "serial 2"},
		{"191250123452", true, "2019-12, non-resident legal entity, branch"},
		{"210660007774", true, "2021-06, type 6"},
		{withCheck("10034100999"), true, "constructed with the algorithm"},
		{"150440000014", false, "check digit altered"},
		{"151340000013", false, "month 13"},
		{"150470000013", false, "d5 = 7"},
		{"150430000013", false, "d5 = 3"},
		{"150444000013", false, "d6 = 4"},
		{"900101300017", false, "an IIN is not a BIN"},
		{"150440000440", false, "both passes give 10"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := ValidBIN(tt.in); got != tt.want {
				t.Errorf("ValidBIN(%q) = %v, want %v (%s)", tt.in, got, tt.want, tt.why)
			}
		})
	}
}

// TestIINBINDisjoint checks on many generated numbers that no number is both.
func TestIINBINDisjoint(t *testing.T) {
	for i := 0; i < 200000; i++ {
		p := strconv.Itoa(10000000000 + i*49999)
		s := withCheck(p[len(p)-11:])
		if s != "" && ValidIIN(s) && ValidBIN(s) {
			t.Fatalf("%s is both a valid IIN and a valid BIN", s)
		}
	}
}

func TestLuhn(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"4111111111111111", true},
		{"4111111111111112", false},
		{"5500005555555559", true},
		{"378282246310005", true},
		{"79927398713", true},
		{"79927398710", false},
		{"4111 1111 1111 1111", false}, // digits only
		{"0", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := Luhn(tt.in); got != tt.want {
			t.Errorf("Luhn(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestValidCard(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"4111111111111111", true},
		{"5500005555555559", true},
		{"378282246310005", true},
		{"2200000000000004", true}, // Mir
		{"4111111111111112", false},
		{"1704067200000000000", false}, // epoch nanoseconds: no issuer prefix
		{"0000000000000000", false},
		{"5500005555555", false}, // Mastercard must have 16 digits
	}
	for _, tt := range tests {
		if got := validCard(tt.in); got != tt.want {
			t.Errorf("validCard(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestValidIBAN(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"KZ86125KZT5004100100", true},
		{"KZ86 125K ZT50 0410 0100", true},
		{"kz86125kzt5004100100", true},
		{"GB82WEST12345698765432", true},
		{"GB82 WEST 1234 5698 7654 32", true},
		{"DE89370400440532013000", true},
		{"FR1420041010050500013M02606", true},
		{"NL91ABNA0417164300", true},
		{"IT60X0542811101000000123456", true},
		{"ES9121000418450200051332", true},
		{"KZ86125KZT5004100101", false},   // altered
		{"GB82WEST12345698765433", false}, // altered
		{"GB28WEST12345698765432", false}, // check digits swapped
		{"KZ86125KZT500410010", false},    // one short for KZ
		{"DE8937040044053201300", false},  // one short for DE
		{"ZZ00", false},
		{"KZ86-125K-ZT50", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := ValidIBAN(tt.in); got != tt.want {
			t.Errorf("ValidIBAN(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestPhoneCell(t *testing.T) {
	tests := []struct {
		in   string
		want string // E.164, "" when invalid
	}{
		{"+7 701 123 45 67", "+77011234567"},
		{"8 (701) 123-45-67", "+77011234567"},
		{"87011234567", "+77011234567"},
		{"77011234567", "+77011234567"},
		{"7011234567", "+77011234567"},
		{"+7 (727) 250-30-40", "+77272503040"},
		{"+49 30 1234567", "+49301234567"},
		{"+44 20 7946 0958", "+442079460958"},
		{"0049 30 1234567", "+49301234567"},
		{"+7 701 123", ""},
		{"8701123", ""},
		{"12345", ""},
		{"+7 701 123 45 67 ext", ""},
	}
	for _, tt := range tests {
		got, ok := phoneCell(tt.in)
		if !ok {
			got = ""
		}
		if got != tt.want {
			t.Errorf("phoneCell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
