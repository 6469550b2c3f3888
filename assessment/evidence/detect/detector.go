package detect

import (
	"encoding/hex"
	"hash/maphash"
	"strings"
	"sync"

	"github.com/dpia-tool/dpia/assessment/evidence/model"
)

// Confidence of a detection, by how it was made.
const (
	confValidated = 0.95 // an identifier that passed its validator (check digit, Luhn, mod-97, libphonenumber, netip)
	confColumn    = 0.98 // a validated identifier in a column whose header says what it is
	confHeader    = 0.9  // a cell of a column classified by its header
	confVote      = 0.8  // a cell of a column classified by a vote over sampled cells
	confPair      = 0.8  // a special-category label with its value ("национальность: казах")
	confGeo       = 0.85 // a latitude/longitude pair in text
	confContext   = 0.7  // a weak value enabled by a context word (date of birth, passport, address, name)
	confKeyword   = 0.6  // a special-category keyword alone
)

// Detector detects personal data. It holds the workspace's HMAC key; it is safe for
// concurrent use and meant to be shared by all indexing workers.
type Detector struct {
	keys *keyHash
	pool sync.Pool
}

// New returns a Detector; key is the workspace's secret HMAC key (32 bytes). The key is
// copied.
func New(key []byte) *Detector {
	d := &Detector{keys: newKeyHash(append([]byte(nil), key...))}
	d.pool.New = func() any { return d.newState() }
	keywordIndex() // build the automaton now rather than in the first worker
	return d
}

// DetectText finds detections in one piece of text (a line, a paragraph, a table cell or a
// search snippet) and calls emit for each, in the order they occur. loc is copied into every
// detection as given.
func (d *Detector) DetectText(loc model.Location, text string, emit func(model.Detection)) {
	st := d.pool.Get().(*state)
	st.detect(loc, text, emit)
	d.put(st)
}

// MaskText returns text with every detected value replaced by its masked form (Mask), for
// showing search snippets without revealing personal data. Special-category keywords are
// left as they are: they name a category, not a person's value. Overlapping detections are
// masked as one.
func (d *Detector) MaskText(text string) string {
	st := d.pool.Get().(*state)
	defer d.put(st)
	st.find(text)
	var b strings.Builder
	pos := 0
	spans := st.spans
	for i := 0; i < len(spans); i++ {
		s := spans[i]
		if !s.value || s.start < pos {
			continue
		}
		end, typ, j := s.end, s.typ, i
		for j+1 < len(spans) && spans[j+1].start < end { // merge overlapping values
			j++
			if spans[j].value && spans[j].end > end {
				end = spans[j].end
			}
		}
		if j > i {
			typ = longestType(spans[i : j+1])
		}
		if b.Len() == 0 {
			b.Grow(len(text))
		}
		b.WriteString(text[pos:s.start])
		b.WriteString(Mask(typ, text[s.start:end]))
		pos, i = end, j
	}
	if pos == 0 {
		return text
	}
	b.WriteString(text[pos:])
	return b.String()
}

// longestType is the type of the longest value span of a cluster of overlapping spans.
func longestType(spans []span) string {
	best := spans[0]
	for _, s := range spans[1:] {
		if s.value && s.end-s.start > best.end-best.start {
			best = s
		}
	}
	return best.typ
}

// span is one detection in a text, before it becomes a model.Detection.
type span struct {
	start, end int
	typ        string
	conf       float64
	norm       string // normalised value the Key is made of; "" gives no Key
	preview    string // fixed preview (keywords); "" means Mask(typ, raw)
	value      bool   // a personal value that MaskText replaces
}

// state is the scratch space of one detection call; pooled by the Detector, owned by a
// Scanner.
type state struct {
	d     *Detector
	idx   *kwIndex
	mac   *keyScratch
	sum   []byte
	keys  []cachedKey // recent Keys
	hits  []hit
	spans []span
	// keyword gate scratch (gate.go)
	regions []region
	compact []byte
	text    string
	last    int // end of the last value span found by the anchor scan
	lat     geoHalf
	lon     geoHalf
	// count is set for a counting Scanner (Detector.Counter): spans then carry no normalised
	// value and no preview, which only Detections need (keys and masks).
	count bool
}

func (d *Detector) newState() *state {
	return &state{d: d, idx: keywordIndex(), mac: newKeyScratch(d.keys)}
}

// put returns a state to the pool without the text it last saw.
func (d *Detector) put(st *state) {
	clear(st.spans)
	st.text = ""
	d.pool.Put(st)
}

// detect finds the detections of text and emits them.
func (st *state) detect(loc model.Location, text string, emit func(model.Detection)) {
	st.find(text)
	for _, s := range st.spans {
		emit(st.detection(loc, text, s))
	}
}

// find fills st.spans with the detections of text, ordered by start.
func (st *state) find(text string) {
	st.text, st.last = text, 0
	st.spans, st.hits = st.spans[:0], st.hits[:0]
	st.lat, st.lon = geoHalf{}, geoHalf{}
	if len(text) == 0 {
		return
	}
	st.keywordPass()
	kw := len(st.spans) // the keyword spans come first
	st.scan()
	st.dropKeywordsInValues(kw)
	st.contextSpans()
	sortSpans(st.spans)
}

// countText finds the detections of text and counts them by type.
func (st *state) countText(text string, count func(typ string)) {
	st.find(text)
	for _, s := range st.spans {
		count(s.typ)
	}
}

// detection turns a span into a Detection with a masked preview and a keyed hash.
func (st *state) detection(loc model.Location, text string, s span) model.Detection {
	det := model.Detection{Type: s.typ, Loc: loc, Confidence: s.conf, Preview: s.preview}
	if det.Preview == "" {
		det.Preview = Mask(s.typ, text[s.start:s.end])
	}
	if s.norm != "" {
		det.Key = st.key(s.typ, s.norm)
	}
	return det
}

// key is hex(HMAC-SHA256(key, typ + ":" + norm)), remembered for the values seen lately in
// a direct-mapped cache keyed by a 64-bit hash of type and value (logs repeat the same users).
func (st *state) key(typ, norm string) string {
	if st.keys == nil {
		st.keys = make([]cachedKey, 256)
	}
	var h maphash.Hash
	h.SetSeed(keySeed)
	h.WriteString(typ)
	h.WriteByte(0)
	h.WriteString(norm)
	sum := h.Sum64()
	slot := &st.keys[sum%uint64(len(st.keys))]
	if slot.sum == sum && slot.key != "" {
		return slot.key
	}
	k := st.hmac(typ, norm)
	*slot = cachedKey{sum: sum, key: k}
	return k
}

var keySeed = maphash.MakeSeed()

type cachedKey struct {
	sum uint64
	key string
}

func (st *state) hmac(typ, norm string) string {
	st.sum = append(append(append(st.sum[:0], typ...), ':'), norm...)
	return hex.EncodeToString(st.d.keys.sum(st.mac, st.sum))
}

// add records a span.
func (st *state) add(s span) { st.spans = append(st.spans, s) }

// addValue records a value span found by the anchor scan and moves st.last past it.
func (st *state) addValue(start, end int, typ string, conf float64, norm string) {
	st.spans = append(st.spans, span{start: start, end: end, typ: typ, conf: conf, norm: norm, value: true})
	if end > st.last {
		st.last = end
	}
}

// normBytes is string(b) as the normalised value of a span, or "" when counting.
func (st *state) normBytes(b []byte) string {
	if st.count {
		return ""
	}
	return string(b)
}

// sortSpans orders spans by start (insertion sort: they arrive nearly sorted), keeping the
// order of equal starts.
func sortSpans(s []span) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j].start < s[j-1].start; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// dropKeywordsInValues drops the special-category keywords (st.spans[:kw], found before
// the anchor scan) that lie inside a value it found: "christian" in
// christian.brauner@example.com is part of an address, not a statement of religion.
func (st *state) dropKeywordsInValues(kw int) {
	if kw == 0 || kw == len(st.spans) {
		return
	}
	values := st.spans[kw:]
	kept := st.spans[:0]
	for i, s := range st.spans {
		if i < kw && insideAny(s, values) {
			continue
		}
		kept = append(kept, s)
	}
	clear(st.spans[len(kept):])
	st.spans = kept
}

// insideAny reports whether s lies within one of the spans vs.
func insideAny(s span, vs []span) bool {
	for _, v := range vs {
		if v.start <= s.start && s.end <= v.end {
			return true
		}
	}
	return false
}

// overlaps reports whether [start, end) overlaps a value span already found.
func (st *state) overlaps(start, end int) bool {
	for _, s := range st.spans {
		if s.value && s.start < end && start < s.end {
			return true
		}
	}
	return false
}
