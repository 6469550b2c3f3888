package terms

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/unicode61-differences.txt")

// differencesFile lists every assigned rune below tableSize that this package folds otherwise than
// SQLite's unicode61 (remove_diacritics 2): the rune, then the words of "a<r>b <r>" by SQLite
// and here.
const differencesFile = "testdata/unicode61-differences.txt"

// TestRunesMatchUnicode61 folds every assigned code point of U+0080–U+1FFF inside a word and alone,
// with SQLite and here, and compares the differences with the golden list (go test -update
// rewrites it): a change of Go's or SQLite's Unicode tables, or of this package, shows there.
func TestRunesMatchUnicode61(t *testing.T) {
	db := openUnicode61(t)
	var b bytes.Buffer
	b.WriteString("# rune\tunicode61\tdpia — the words of \"a<rune>b <rune>\" (see the package comment)\n")
	for r := rune(0x80); r < tableSize; r++ {
		if !assigned(r) {
			continue // no text holds it (SQLite takes unassigned code points for letters)
		}
		text := "a" + string(r) + "b " + string(r)
		got, want := Words(text), unicode61(t, db, text)
		if !slices.Equal(got, want) {
			fmt.Fprintf(&b, "U+%04X\t%s\t%s\n", r, strings.Join(want, " "), strings.Join(got, " "))
		}
	}
	if *update {
		if err := os.WriteFile(differencesFile, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	old, err := os.ReadFile(differencesFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(old, b.Bytes()) {
		t.Errorf("the differences from unicode61 changed (go test -update to accept):\n%s", b.String())
	}
}

// knownDifferences are the runes of differencesFile: FuzzWords does not compare text that
// holds one.
func knownDifferences(t testing.TB) map[rune]bool {
	t.Helper()
	f, err := os.Open(differencesFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[rune]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		hex, ok := strings.CutPrefix(sc.Text(), "U+")
		if !ok {
			continue
		}
		n, err := strconv.ParseUint(hex[:strings.IndexByte(hex, '\t')], 16, 32)
		if err != nil {
			t.Fatal(err)
		}
		out[rune(n)] = true
	}
	return out
}
