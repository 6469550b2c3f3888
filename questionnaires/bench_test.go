package questionnaires

import "testing"

// BenchmarkLoadBuiltin measures parsing, merging, validating and compiling the built-in packs.
func BenchmarkLoadBuiltin(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LoadBuiltin(); err != nil {
			b.Fatal(err)
		}
	}
}
