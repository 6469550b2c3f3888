package detect

import (
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// kwIndex is the keyword trie and its gate, built once per process.
type kwIndex struct {
	trie  *kwTrie
	words []keyword
	gate  *gate
}

var keywordIndex = sync.OnceValue(func() *kwIndex {
	words := keywordTable()
	return &kwIndex{trie: newKWTrie(keywordPatterns(words)), words: words, gate: newGate(words)}
})

// keywordPatterns are the words of the keywords, in order.
func keywordPatterns(words []keyword) []string {
	pats := make([]string, len(words))
	for i, w := range words {
		pats[i] = w.word
	}
	return pats
}

// hit is one keyword match in the lower-cased text.
type hit struct {
	start, end int
	kw         *keyword
	used       bool // a label took it as its value
}

// keywordPass looks up the keywords at every position of the lower-cased parts of the text
// that the gate lets through (gate.go), keeps the longest match of each position that sits
// on word boundaries and does not overlap the previous one kept, and records the
// special-category spans.
func (st *state) keywordPass() {
	idx := st.idx
	text := st.text
	st.regions = idx.gate.regions(text, st.regions[:0])
	if len(st.regions) == 0 {
		return
	}
	st.compact = compactRegions(text, st.regions, st.compact[:0])
	buf, tr := st.compact, idx.trie
	last, r := 0, 0
	for p := 0; p < len(buf); p++ {
		if !tr.firstC[buf[p]] {
			continue
		}
		mEnd, pat := tr.longest(buf, p)
		if pat < 0 {
			continue
		}
		for st.regions[r].compact+st.regions[r].end-st.regions[r].start < mEnd {
			r++
		}
		off := st.regions[r].start - st.regions[r].compact
		s, e := p+off, mEnd+off
		if s < last {
			continue
		}
		k := &idx.words[pat]
		if !boundaryOK(text, s, e, k) {
			continue
		}
		if k.stem {
			e = wordEnd(text, e)
		}
		if k.role == roleKeyword && properNameCase(k, text, s) && properName(text, s, e) {
			// "Казах Агро Сервис" names a company, not a person's ethnicity; "Christian
			// Henning" and "David Gay" name people, not their religion or orientation.
			continue
		}
		st.hits = append(st.hits, hit{start: s, end: e, kw: k})
		last = e
	}
	st.specialSpans()
}

// properNameCase says for which keywords a capitalised match next to another capitalised word
// is taken for part of a proper name: ethnicity words in any script, and the Latin-script
// religion and orientation words that are also first names and surnames (Christian, Gay).
func properNameCase(k *keyword, text string, s int) bool {
	switch k.typ {
	case "ethnicity":
		return true
	case "religion", "sexual_orientation":
		return text[s] < utf8.RuneSelf
	}
	return false
}

// properName reports whether the word at text[s:e] is capitalised as a name ("Казах", not
// "казах" or "КАЗАХ") and the next word, or the word before it, separated by spaces only, is
// capitalised too: the word is then part of a proper name (a company, a street, a person)
// rather than a statement of someone's ethnicity, religion or orientation.
func properName(text string, s, e int) bool {
	first := runeAt(text, s)
	second := runeAt(text, s+utf8.RuneLen(first))
	if !unicode.IsUpper(first) || !unicode.IsLower(second) {
		return false
	}
	for e < len(text) && text[e] == ' ' {
		e++
	}
	if e < len(text) && unicode.IsUpper(runeAt(text, e)) {
		return true
	}
	// The word before: spaces, then a capitalised word ("David Gay").
	b := s
	for b > 0 && text[b-1] == ' ' {
		b--
	}
	if b == s || b == 0 {
		return false
	}
	ws := b
	for ws > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:ws])
		if !unicode.IsLetter(r) {
			break
		}
		ws -= size
	}
	if ws == b {
		// A middle initial ("David M. Gay") continues a name; other punctuation or a digit
		// ends a sentence or a list item.
		return b >= 2 && text[b-1] == '.' && text[b-2] >= 'A' && text[b-2] <= 'Z' && (b == 2 || text[b-3] == ' ')
	}
	r0, size := utf8.DecodeRuneInString(text[ws:])
	r1 := runeAt(text, ws+size)
	return unicode.IsUpper(r0) && (ws+size == b || unicode.IsLower(r1))
}

// boundaryOK checks word boundaries: a match begins a word (a suffix sits inside one) and,
// unless it is a stem, ends one.
func boundaryOK(text string, s, e int, k *keyword) bool {
	before := isLetterOrDigit(runeBefore(text, s))
	if k.role == roleSuffix {
		if !before || !unicode.IsLetter(runeBefore(text, s)) {
			return false
		}
	} else if before {
		return false
	}
	return k.stem || !isLetterOrDigit(runeAt(text, e))
}

// wordEnd returns the end of the word that continues at i.
func wordEnd(text string, i int) int {
	for i < len(text) {
		r := runeAt(text, i)
		if !isLetterOrDigit(r) && r != '-' {
			break
		}
		i += utf8.RuneLen(r)
	}
	return i
}

// labelGap is how far after a label its value may begin ("национальность (по паспорту): ").
const labelGap = 32

// specialSpans turns special-category hits into spans: a label with a value of its category
// right after it is one detection; a label or keyword alone is one; a value alone is none.
func (st *state) specialSpans() {
	hits := st.hits
	for i := range hits {
		h := &hits[i]
		if h.kw.typ == "" || h.used {
			continue
		}
		switch h.kw.role {
		case roleLabel:
			if j := st.valueAfter(i); j >= 0 {
				v := &hits[j]
				v.used = true
				st.add(span{start: h.start, end: v.end, typ: h.kw.typ, conf: confPair,
					preview: st.lowerPreview(v.start, v.end)})
				continue
			}
			fallthrough
		case roleKeyword:
			st.add(span{start: h.start, end: h.end, typ: h.kw.typ, conf: confKeyword,
				preview: st.lowerPreview(h.start, h.end)})
		}
	}
}

// lowerPreview is the lower-cased text [s, e) as the preview of a keyword span, or "" when
// counting.
func (st *state) lowerPreview(s, e int) string {
	if st.count {
		return ""
	}
	return lowerString(st.text[s:e])
}

// normSpan is normText of the text [s, e) as the normalised value of a span, or "" when
// counting.
func (st *state) normSpan(s, e int) string {
	if st.count {
		return ""
	}
	return normText(st.text[s:e])
}

// valueAfter returns the index of a keyword or value of label i's category starting within
// labelGap bytes after it, or -1.
func (st *state) valueAfter(i int) int {
	l := st.hits[i]
	for j := i + 1; j < len(st.hits); j++ {
		h := st.hits[j]
		if h.start-l.end > labelGap {
			break
		}
		if h.kw.typ == l.kw.typ && (h.kw.role == roleKeyword || h.kw.role == roleValue) {
			return j
		}
	}
	return -1
}

// ctxBefore reports a context word of kind k that ends at most gap bytes before pos.
func (st *state) ctxBefore(k ctxKind, pos, gap int) bool {
	hits := st.hits
	j := sort.Search(len(hits), func(i int) bool { return hits[i].end > pos })
	for j--; j >= 0; j-- {
		h := hits[j]
		if pos-h.end > gap {
			return false
		}
		if h.kw.ctx == k && h.kw.role == roleContext {
			return true
		}
	}
	return false
}

// ctxNear reports a context word of kind k within gap bytes before start or after end.
func (st *state) ctxNear(k ctxKind, start, end, gap int) bool {
	if st.ctxBefore(k, start, gap) {
		return true
	}
	for _, h := range st.hits {
		if h.start >= end && h.start-end <= gap && h.kw.ctx == k && h.kw.role == roleContext {
			return true
		}
	}
	return false
}

// contextSpans finds the values that context words announce: names after "ФИО:" or around a
// patronymic, addresses after "адрес:".
func (st *state) contextSpans() {
	for i, h := range st.hits {
		switch {
		case h.kw.role == roleContext && h.kw.ctx == ctxName:
			if p, ok := fieldValue(st.text, h.end); ok {
				if end, words := nameAt(st.text, p); words >= 2 && !st.overlaps(p, end) {
					st.add(span{start: p, end: end, typ: "person_name", conf: confContext,
						norm: st.normSpan(p, end), value: true})
				}
			}
		case h.kw.role == roleContext && h.kw.ctx == ctxAddress:
			st.addressAfter(i)
		case h.kw.role == roleSuffix:
			st.patronymic(h)
		}
	}
}

// fieldValue returns where the value of a "label: value" or "label = value" field begins
// (quotes of JSON keys and values skipped).
func fieldValue(t string, i int) (int, bool) {
	sep := false
	for n := 0; i < len(t) && n < 6; n++ {
		switch t[i] {
		case ':', '=':
			if sep {
				return i, true
			}
			sep = true
		case ' ', '"', '\'', '\t':
		default:
			return i, sep
		}
		i++
	}
	return i, sep && i < len(t)
}

// nameAt parses up to three capitalised words (letters and inner hyphens, Cyrillic or Latin)
// separated by single spaces at p; it returns the end of the last one and how many it read.
func nameAt(t string, p int) (end, words int) {
	end = p
	for words < 3 {
		e := capWord(t, p)
		if e < 0 {
			break
		}
		end, words = e, words+1
		if e+1 >= len(t) || t[e] != ' ' {
			break
		}
		p = e + 1
	}
	return end, words
}

// capWord returns the end of a capitalised word at p ("Иванов", "Жан-Поль", "O'Neil" not),
// or -1.
func capWord(t string, p int) int {
	r, n := utf8.DecodeRuneInString(t[p:])
	if !unicode.IsUpper(r) {
		return -1
	}
	i, lower := p+n, 0
	for i < len(t) {
		r, n = utf8.DecodeRuneInString(t[i:])
		switch {
		case unicode.IsLower(r):
			lower++
		case r == '-' && lower > 0 && i+n < len(t):
			if r2, _ := utf8.DecodeRuneInString(t[i+n:]); !unicode.IsUpper(r2) {
				return -1
			}
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			return -1 // "IBM", "McDonald3"
		default:
			if lower == 0 {
				return -1
			}
			return i
		}
		i += n
	}
	if lower == 0 {
		return -1
	}
	return i
}

// patronymic records a person name around a word that ends in a patronymic suffix: up to two
// capitalised words before it and one after ("Иванов Иван Иванович", "Серік Болатұлы").
func (st *state) patronymic(h hit) {
	t := st.text
	ws := h.start
	for ws > 0 {
		r, n := utf8.DecodeLastRuneInString(t[:ws])
		if !unicode.IsLetter(r) {
			break
		}
		ws -= n
	}
	if capWord(t, ws) != h.end {
		return
	}
	start, end, words := ws, h.end, 1
	for k := 0; k < 2 && start >= 2 && t[start-1] == ' '; k++ {
		p := start - 1
		for p > 0 {
			r, n := utf8.DecodeLastRuneInString(t[:p])
			if !unicode.IsLetter(r) && r != '-' {
				break
			}
			p -= n
		}
		if p == start-1 || capWord(t, p) != start-1 {
			break
		}
		start, words = p, words+1
	}
	if end+1 < len(t) && t[end] == ' ' {
		if e := capWord(t, end+1); e > 0 {
			end, words = e, words+1
		}
	}
	if words >= 2 && !st.overlaps(start, end) {
		st.add(span{start: start, end: end, typ: "person_name", conf: confContext,
			norm: st.normSpan(start, end), value: true})
	}
}

// addressAfter records the value of an "адрес: …" field: up to the end of the field (a
// closing quote, ';', '|', a tab, a line end, or the next context word), at most 160 bytes.
func (st *state) addressAfter(i int) {
	t := st.text
	p, ok := fieldValue(t, st.hits[i].end)
	if !ok || p >= len(t) {
		return
	}
	quoted := p > 0 && t[p-1] == '"'
	limit := len(t)
	if i+1 < len(st.hits) {
		limit = st.hits[i+1].start
	}
	if limit > p+160 {
		limit = p + 160
	}
	for _, s := range st.spans {
		if s.value && s.start >= p && s.start < limit {
			limit = s.start // "адрес: ул. Абая 10, ИИН 900101300017": stop before the IIN
		}
	}
	end := p
	for end < limit {
		c := t[end]
		if c == '\n' || c == '\r' || c == '\t' || c == ';' || c == '|' || (quoted && c == '"') ||
			c == '{' || c == '}' || c == '[' || c == ']' {
			break
		}
		end++
	}
	for end > p && strings.IndexByte(" ,.-:\"'", t[end-1]) >= 0 {
		end--
	}
	v := t[p:end]
	if !plausibleAddress(v) || st.overlaps(p, end) {
		return
	}
	st.add(span{start: p, end: end, typ: "address", conf: confContext, norm: st.normSpan(p, end), value: true})
}

// plausibleAddress: letters and at least two words, no e-mail or URL, and not an English
// sentence ("Address: URL of a static IP address reservation" in a manual; "address: fd2c1a"
// is one word of hex).
func plausibleAddress(v string) bool {
	if len(v) < 4 || strings.ContainsAny(v, "@") || strings.Contains(v, "://") {
		return false
	}
	letter := false
	for _, r := range v {
		letter = letter || unicode.IsLetter(r)
	}
	words := strings.Fields(strings.ToLower(v))
	if !letter || len(words) < 2 {
		return false
	}
	for _, w := range words {
		if englishFunctionWords[strings.Trim(w, ",.;:()")] {
			return false
		}
	}
	return true
}

// englishFunctionWords are words of running English text that no postal address holds.
var englishFunctionWords = map[string]bool{
	"a": true, "an": true, "the": true, "of": true, "to": true, "for": true, "is": true,
	"are": true, "be": true, "that": true, "this": true, "which": true, "with": true,
	"from": true, "by": true, "or": true, "and": true, "if": true, "it": true, "as": true,
}

// normText normalises free text for a Key: lower case, single spaces.
func normText(s string) string {
	b := appendLower(make([]byte, 0, len(s)), strings.TrimSpace(s))
	n, space := 0, false
	for _, c := range b {
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			space = true
			continue
		}
		if space {
			b[n] = ' '
			n++
			space = false
		}
		b[n] = c
		n++
	}
	return string(b[:n])
}
