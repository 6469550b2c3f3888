package detect

import (
	"math/rand/v2"
	"strings"
	"testing"

	ahocorasick "github.com/petar-dambovaliev/aho-corasick"
)

// TestTrieMatchesAhoCorasick checks that the keyword trie, run at every position, reports
// the matches of the leftmost-longest Aho-Corasick automaton it replaced (iterated one start
// at a time), on text made of keywords, their pieces and filler.
func TestTrieMatchesAhoCorasick(t *testing.T) {
	pats := keywordPatterns(keywordTable())
	b := ahocorasick.NewAhoCorasickBuilder(ahocorasick.Opts{
		MatchKind: ahocorasick.LeftMostLongestMatch,
		DFA:       true,
	})
	ac := b.Build(pats)
	tr := newKWTrie(pats)
	r := rand.New(rand.NewPCG(1, 2))
	fill := []string{" ", "\x00", "а", "ов", "x", "-", ".", "1", "и ", "ия", "s", "ед"}
	for n := 0; n < 3000; n++ {
		var b strings.Builder
		for k := r.IntN(12); k >= 0; k-- {
			switch w := pats[r.IntN(len(pats))]; r.IntN(4) {
			case 0:
				b.WriteString(w[:r.IntN(len(w)+1)])
			case 1:
				b.WriteString(w[r.IntN(len(w)):])
			default:
				b.WriteString(w)
			}
			b.WriteString(fill[r.IntN(len(fill))])
		}
		buf := []byte(b.String())
		type m struct{ s, e, p int }
		var want, got []m
		it := ac.IterByte(buf)
		for x := it.Next(); x != nil; x = it.Next() {
			want = append(want, m{x.Start(), x.End(), x.Pattern()})
		}
		for p := range buf {
			if e, pat := tr.longest(buf, p); pat >= 0 {
				got = append(got, m{p, e, pat})
			}
		}
		if len(got) != len(want) {
			t.Fatalf("%q: trie %v, automaton %v", buf, got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%q: trie %v, automaton %v", buf, got, want)
			}
		}
	}
}
