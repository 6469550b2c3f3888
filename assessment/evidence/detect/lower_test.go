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
