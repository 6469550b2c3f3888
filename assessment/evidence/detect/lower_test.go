package detect

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestAppendLower(t *testing.T) {
	var b strings.Builder
	for r := rune(0x20); r < 0x530; r++ {
		if utf8.RuneLen(unicode.ToLower(r)) == utf8.RuneLen(r) {
			b.WriteRune(r)
		}
	}
	in := b.String() + "ӘҒҚҢӨҰҮҺІ ИИН Иванов DOB ÀÉ"
	if got, want := string(appendLower(nil, in)), strings.ToLower(in); got != want {
		t.Errorf("appendLower differs from strings.ToLower:\n%q\n%q", got, want)
	}
	if got := string(appendLower(nil, "ẞ\xd0")); len(got) != len("ẞ\xd0") {
		t.Errorf("appendLower changed the length: %q", got)
	}
}

// TestEveryKeyword checks that every special-category keyword and label is found through the
// gate and the automaton, in lower, title and upper case.
func TestEveryKeyword(t *testing.T) {
	d := New(testKey)
	for _, k := range keywordTable() {
		if k.role != roleKeyword && k.role != roleLabel {
			continue
		}
		r, n := utf8.DecodeRuneInString(k.word)
		for _, w := range []string{k.word, string(unicode.ToUpper(r)) + k.word[n:], strings.ToUpper(k.word)} {
			text := "— " + w + ". ok"
			if got := textCounts(d, text); got[k.typ] != 1 {
				t.Errorf("DetectText(%q) = %v, want one %s", text, got, k.typ)
			}
		}
	}
}

// TestGateLetsEveryKeywordThrough checks every pattern of the automaton (context words and
// patronymic endings too) against the gate, in lower and upper case.
func TestGateLetsEveryKeywordThrough(t *testing.T) {
	st := New(testKey).newState()
	for _, k := range keywordTable() {
		for _, w := range []string{k.word, strings.ToUpper(k.word)} {
			text := "x " + w + " y"
			if k.role == roleSuffix {
				text = "Иван Петр" + w + " y"
			}
			st.find(text)
			found := false
			for _, h := range st.hits {
				found = found || h.kw.word == k.word
			}
			if !found {
				t.Errorf("%q: keyword %q not found", text, k.word)
			}
		}
	}
}

// TestShortcutsMatchSlowPaths checks the gate's lowerShort and Cyrillic pair tables, and the
// first-rune filter of placeholder, against the code they shortcut, on every short string
// of a mixed alphabet.
func TestShortcutsMatchSlowPaths(t *testing.T) {
	g := keywordIndex().gate
	alpha := []string{"a", "Z", " ", "1", "н", "Н", "ё", "Ё", "қ", "Қ", "ә", "é", "—", "\xd0", "\xff", "Ж", "ж", "N", "?", "-"}
	var rec func(s string, depth int)
	rec = func(s string, depth int) {
		var buf [8]byte
		if b, ok := lowerShort(&buf, s); ok && string(b) != string(appendLower(nil, s)) {
			t.Errorf("lowerShort(%q) = %q, appendLower %q", s, b, appendLower(nil, s))
		}
		if len(s) >= 4 {
			if g.maybe(s[:4], 2) != g.maybeSlow(s[:4], 2) {
				t.Errorf("maybe(%q) differs from maybeSlow", s[:4])
			}
			if g.suffix(s[:4]) != g.suffixSlow(s[:4]) {
				t.Errorf("suffix(%q) differs from suffixSlow", s[:4])
			}
		}
		want := false
		for _, p := range placeholders {
			want = want || strings.EqualFold(strings.TrimSpace(s), p)
		}
		if got := placeholder(s); got != want {
			t.Errorf("placeholder(%q) = %v, want %v", s, got, want)
		}
		if depth == 0 {
			return
		}
		for _, a := range alpha {
			rec(s+a, depth-1)
		}
	}
	rec("", 3)
	for _, p := range placeholders {
		for _, s := range []string{p, strings.ToUpper(p), " " + strings.ToTitle(p) + " "} {
			if !placeholder(s) {
				t.Errorf("placeholder(%q) = false", s)
			}
		}
	}
}
