package detect

// kwTrie finds, at a given position, the longest keyword that starts there. Running it at
// every position of the gate's packed buffer (gate.go) yields, for each start, the longest
// match: what an Aho-Corasick automaton with leftmost-longest semantics iterated one start
// at a time reports (TestTrieMatchesAhoCorasick checks that against one), without building
// a DFA at start-up (about 40 ms) or allocating per search.
type kwTrie struct {
	class  [256]uint8 // byte → column of next; 0: no keyword holds the byte
	width  int        // columns per node
	next   []uint16   // node*width + class → child node; 0: none (the root is no child)
	out    []int16    // index of the keyword that ends at a node, or -1
	firstC [256]bool  // a keyword begins with the byte
}

// newKWTrie builds the trie of words; a word listed twice keeps its first index.
func newKWTrie(words []string) *kwTrie {
	t := &kwTrie{}
	n := 1
	for _, w := range words {
		for i := 0; i < len(w); i++ {
			if t.class[w[i]] == 0 {
				t.class[w[i]] = uint8(n)
				n++
			}
		}
		if len(w) > 0 {
			t.firstC[w[0]] = true
		}
	}
	if n > 256 {
		panic("detect: keyword alphabet too large")
	}
	t.width = n
	t.next = make([]uint16, n)
	t.out = []int16{-1}
	for i, w := range words {
		node := 0
		for j := 0; j < len(w); j++ {
			k := node*t.width + int(t.class[w[j]])
			if t.next[k] == 0 {
				if len(t.out) >= 1<<16 {
					panic("detect: keyword trie too large")
				}
				t.next[k] = uint16(len(t.out))
				t.out = append(t.out, -1)
				t.next = append(t.next, make([]uint16, t.width)...)
			}
			node = int(t.next[k])
		}
		if len(w) > 0 && t.out[node] < 0 {
			t.out[node] = int16(i)
		}
	}
	return t
}

// longest returns the end and index of the longest keyword that starts at b[p], or pat -1.
func (t *kwTrie) longest(b []byte, p int) (end, pat int) {
	pat = -1
	node := 0
	for i := p; i < len(b); i++ {
		c := t.class[b[i]]
		if c == 0 {
			break
		}
		node = int(t.next[node*t.width+int(c)])
		if node == 0 {
			break
		}
		if o := t.out[node]; o >= 0 {
			end, pat = i+1, int(o)
		}
	}
	return end, pat
}
