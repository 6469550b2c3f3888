package extract

import (
	"testing"
	"unicode/utf8"
)

// FuzzValidUTF8 checks the vector validator against the standard library's.
func FuzzValidUTF8(f *testing.F) {
	for _, s := range []string{"", "ascii", "Алматы", "\xd0", "\xed\xa0\x80", "\xc0\xaf", "\xf4\x90\x80\x80",
		"ФИО,ИИН,email\nИванов Иван,900101300017,a@b.kz\n", string(make([]byte, 100)) + "\xff"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := validUTF8(b), utf8.Valid(b); got != want {
			t.Fatalf("validUTF8(%q) = %v, want %v", b, got, want)
		}
		if got, want := validUTF8String(string(b)), utf8.Valid(b); got != want {
			t.Fatalf("validUTF8String(%q) = %v, want %v", b, got, want)
		}
	})
}
