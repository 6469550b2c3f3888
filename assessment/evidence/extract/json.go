package extract

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/dpia-tool/dpia/assessment/evidence/model"
)

// headerSample is how many objects (array elements or JSONL lines) make up a table's header.
const headerSample = 100

// maxPath bounds the length of a JSON key path used as a Column.
const maxPath = 256

// extractJSON writes a JSON file. A top-level array of objects becomes a table: the header is
// the union of the keys of its first 100 objects in first-seen order, nested objects are
// flattened to "a.b" columns and arrays rendered as text ("[1, 2]" for numbers). Any other
// JSON becomes one Text per string or number with Column set to its key path, e.g.
// "users[2].email". The file is read as a token stream, one array element at a time. A file
// that is not JSON from its first byte is read as plain text instead.
func extractJSON(ctx context.Context, f *file, g *guard, lim Limits) error {
	r, _, err := openText(f)
	if err != nil {
		return err
	}
	br := bufio.NewReaderSize(r, 64<<10)
	if head, _ := br.Peek(64 << 10); !jsonHeadOK(head) {
		return emitLines(newLineReader(br, lim.MaxCellBytes), g)
	}
	dec := json.NewDecoder(br)
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err == nil {
			if d, ok := tok.(json.Delim); ok && d == '[' {
				err = jsonArray(dec, g)
			} else {
				err = (&jsonWalker{dec: dec, g: g}).walk(tok, "")
			}
			if errors.Is(err, io.EOF) { // the file ended inside the value
				err = io.ErrUnexpectedEOF
			}
		}
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case err == nil:
			continue
		case !g.wrote() && (errors.As(err, &se) || errors.As(err, &te)):
			return extractText(ctx, f, g, lim)
		case errors.As(err, &se), errors.As(err, &te), errors.Is(err, io.ErrUnexpectedEOF):
			return fmt.Errorf("malformed JSON near byte %d: %w", dec.InputOffset(), err)
		}
		return err
	}
}

// jsonHeadOK tells whether the first bytes of a file are JSON tokens up to where they end
// or are cut.
func jsonHeadOK(head []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(head))
	for {
		_, err := dec.Token()
		if err != nil {
			return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
		}
	}
}

// jsonArray reads a top-level array whose '[' was read, one element at a time: a table when
// its first element is an object, values with key paths otherwise. Elements of a table that
// are no objects are written as values ("[7]" paths); those among the first 100 come before
// the table, since the table starts once its header is known.
func jsonArray(dec *json.Decoder, g *guard) error {
	t := &jsonTable{g: g}
	for i := 0; dec.More(); i++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		kvs, ok := flattenJSON(string(raw), nil)
		switch {
		case ok:
			if err := t.add(i+1, 0, kvs); err != nil {
				return err
			}
		case i == 0:
			if err := walkRaw(raw, "[0]", g); err != nil {
				return err
			}
			w := &jsonWalker{dec: dec, g: g, stack: []jsonFrame{{array: true, index: 1}}}
			return w.walkFrom()
		default:
			if err := walkRaw(raw, "["+strconv.Itoa(i)+"]", g); err != nil {
				return err
			}
		}
	}
	if _, err := dec.Token(); err != nil { // the closing ']'
		return err
	}
	return t.end()
}

// walkRaw writes the values of one decoded JSON value with key paths below path.
func walkRaw(raw json.RawMessage, path string, g *guard) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	return (&jsonWalker{dec: dec, g: g}).walk(tok, path)
}

// jsonTable writes objects as rows of one table. The first 100 objects wait in the sample
// until the header, the union of their keys in first-seen order, is known.
type jsonTable struct {
	g       *guard
	sample  [][]keyValue
	rows    []int // row numbers of the sample
	lines   []int // line numbers of the sample (JSON Lines)
	header  []string
	index   map[string]int // nil until the table has started
	started bool
	cells   []string   // the last row, reused
	kvs     []keyValue // the last object's members once started, reused
	valid   bool       // the values are valid UTF-8 (JSON Lines lines are)
}

// buffer returns a slice to flatten the next object into: the sample keeps its objects,
// later ones are written at once and their slice reused.
func (t *jsonTable) buffer() []keyValue {
	if t.started {
		return t.kvs[:0]
	}
	return nil
}

// add writes object n (on line, for JSON Lines) or keeps it for the header.
func (t *jsonTable) add(n, line int, kvs []keyValue) error {
	if t.started {
		return t.row(n, line, kvs)
	}
	t.sample = append(t.sample, kvs)
	t.rows = append(t.rows, n)
	t.lines = append(t.lines, line)
	if len(t.sample) < headerSample {
		return nil
	}
	return t.start()
}

// start builds the header from the sample, starts the table and writes the sample.
func (t *jsonTable) start() error {
	t.started, t.index = true, map[string]int{}
	for _, kvs := range t.sample {
		for _, kv := range kvs {
			if _, ok := t.index[kv.key]; !ok {
				t.index[kv.key] = len(t.header)
				t.header = append(t.header, kv.key)
			}
		}
	}
	if err := t.g.TableStart(model.Location{}, append([]string(nil), t.header...)); err != nil {
		return err
	}
	for i, kvs := range t.sample {
		if err := t.row(t.rows[i], t.lines[i], kvs); err != nil {
			return err
		}
	}
	t.sample, t.rows, t.lines = nil, nil, nil
	return nil
}

// end starts the table if fewer objects than the sample holds were seen, and ends it.
func (t *jsonTable) end() error {
	if !t.started && len(t.sample) > 0 {
		if err := t.start(); err != nil {
			return err
		}
	}
	if !t.started {
		return nil
	}
	return t.g.TableEnd()
}

// row writes one object as row n; keys outside the header are appended as "key: value".
func (t *jsonTable) row(n, line int, kvs []keyValue) error {
	if n%1000 == 0 {
		if err := t.g.tick(); err != nil {
			return err
		}
	}
	// The Sink copies what it keeps of a row, so the cells are reused from row to row.
	cells := append(t.cells[:0], make([]string, len(t.header))...)
	for _, kv := range kvs {
		if i, ok := t.index[kv.key]; ok {
			cells[i] = kv.val
		} else {
			cells = append(cells, kv.key+": "+kv.val)
		}
	}
	t.cells = cells
	if t.valid {
		return t.g.validRow(model.Location{Line: line, Row: n}, cells)
	}
	return t.g.Row(model.Location{Line: line, Row: n}, cells)
}

// keyValue is one flattened member of an object.
type keyValue struct{ key, val string }

// Flattening bounds: objects deeper than maxFlatDepth are kept as JSON text, and a value
// nested deeper than maxNesting is not flattened at all (gjson recurses).
const (
	maxFlatDepth = 32
	maxNesting   = 512
)

// flattenJSON lists the members of a JSON object in order, appended to kvs[:0]: nested
// objects become "a.b" keys, arrays their text ("[1, 2]"), null an empty string. ok is false
// when b is not one valid JSON object. The values share b's memory where they can.
func flattenJSON(b string, kvs []keyValue) (_ []keyValue, ok bool) {
	b = strings.TrimSpace(b)
	// Nesting deeper than maxNesting needs more than maxNesting bytes.
	if len(b) == 0 || b[0] != '{' || (len(b) > maxNesting && nesting(b) > maxNesting) || !gjson.Valid(b) {
		return nil, false
	}
	kvs = kvs[:0]
	flattenInto("", gjson.Parse(b), 0, &kvs)
	return kvs, true
}

func flattenInto(prefix string, obj gjson.Result, depth int, out *[]keyValue) {
	obj.ForEach(func(k, v gjson.Result) bool {
		key := joinKey(prefix, k.String())
		switch {
		case v.IsObject() && depth < maxFlatDepth:
			flattenInto(key, v, depth+1, out)
		case v.IsArray():
			*out = append(*out, keyValue{key, renderArray(v)})
		case v.IsObject():
			*out = append(*out, keyValue{key, compact(v.Raw)})
		case v.Type == gjson.String:
			*out = append(*out, keyValue{key, v.Str})
		case v.Type == gjson.Null:
			*out = append(*out, keyValue{key, ""})
		default: // numbers keep their literal form, booleans read true/false
			*out = append(*out, keyValue{key, v.Raw})
		}
		return true
	})
}

// renderArray renders an array with ", " between elements, so that a vector of numbers reads
// "[0.25, -1, 3e-2]" as in Parquet files; nested values are compact JSON.
func renderArray(arr gjson.Result) string {
	var b strings.Builder
	b.WriteByte('[')
	n := 0
	arr.ForEach(func(_, v gjson.Result) bool {
		if n > 0 {
			b.WriteString(", ")
		}
		n++
		b.WriteString(compact(v.Raw))
		return b.Len() < maxRendered
	})
	b.WriteByte(']')
	return b.String()
}

// maxRendered bounds the text kept of one array.
const maxRendered = 1 << 20

// compact removes the insignificant white space of valid JSON text.
func compact(raw string) string {
	if !strings.ContainsAny(raw, " \t\r\n") {
		return raw
	}
	var b bytes.Buffer
	if json.Compact(&b, []byte(raw)) != nil {
		return raw
	}
	return b.String()
}

// nesting returns the deepest bracket nesting of JSON text, ignoring brackets in strings.
func nesting(b string) int {
	depth, deepest, inString := 0, 0, false
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case inString && c == '\\':
			i++
		case c == '"':
			inString = !inString
		case inString:
		case c == '{' || c == '[':
			depth++
			deepest = max(deepest, depth)
		case c == '}' || c == ']':
			depth--
		}
	}
	return deepest
}

func joinKey(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}
