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
				err = (&jsonWalker{dec: dec, g: g}).walk(tok)
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

// jsonArray reads a top-level array whose '[' was read: a table when its first element is an
// object, values with key paths otherwise.
func jsonArray(dec *json.Decoder, g *guard) error {
	var sample []json.RawMessage
	for dec.More() && len(sample) < headerSample {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		if len(sample) == 0 && !isObject(raw) {
			if err := walkRaw(raw, "[0]", g); err != nil {
				return err
			}
			w := &jsonWalker{dec: dec, g: g, stack: []jsonFrame{{array: true, index: 1}}}
			return w.walkFrom()
		}
		sample = append(sample, raw)
	}
	t, err := newJSONTable(sample, g)
	if err != nil {
		return err
	}
	for i, raw := range sample {
		if err := t.row(i+1, raw, 0); err != nil {
			return err
		}
	}
	for i := len(sample) + 1; dec.More(); i++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		if err := t.row(i, raw, 0); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // the closing ']'
		return err
	}
	return g.TableEnd()
}

// jsonTable writes objects as rows under a header of flattened keys.
type jsonTable struct {
	g      *guard
	header []string
	index  map[string]int
}

// newJSONTable builds the header from the sample objects and starts the table.
func newJSONTable(sample []json.RawMessage, g *guard) (*jsonTable, error) {
	t := &jsonTable{g: g, index: map[string]int{}}
	for _, raw := range sample {
		if !isObject(raw) {
			continue
		}
		kvs, err := flatten(raw)
		if err != nil {
			return nil, err
		}
		for _, kv := range kvs {
			if _, ok := t.index[kv.key]; !ok {
				t.index[kv.key] = len(t.header)
				t.header = append(t.header, kv.key)
			}
		}
	}
	return t, g.TableStart(model.Location{}, append([]string(nil), t.header...))
}

// row writes one object as row n (line is its line in a JSONL file); keys outside the header
// are appended as "key: value" cells. An element that is no object is written as values.
func (t *jsonTable) row(n int, raw json.RawMessage, line int) error {
	if n%1000 == 0 {
		if err := t.g.tick(); err != nil {
			return err
		}
	}
	if !isObject(raw) {
		return walkRaw(raw, "["+strconv.Itoa(n-1)+"]", t.g)
	}
	kvs, err := flatten(raw)
	if err != nil {
		return err
	}
	cells := make([]string, len(t.header))
	for _, kv := range kvs {
		if i, ok := t.index[kv.key]; ok {
			cells[i] = kv.val
		} else {
			cells = append(cells, kv.key+": "+kv.val)
		}
	}
	return t.g.Row(model.Location{Line: line, Row: n}, cells)
}

// keyValue is one flattened member of an object.
type keyValue struct{ key, val string }

// flatten lists the members of a JSON object in order: nested objects become "a.b" keys,
// arrays their text, null an empty string.
func flatten(raw json.RawMessage) ([]keyValue, error) {
	var out []keyValue
	err := flattenInto("", raw, &out, 0)
	return out, err
}

func flattenInto(prefix string, raw json.RawMessage, out *[]keyValue, depth int) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil
	}
	switch {
	case raw[0] == '{' && depth < 32:
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if _, err := dec.Token(); err != nil {
			return err
		}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return err
			}
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				return err
			}
			key, _ := tok.(string)
			if err := flattenInto(joinKey(prefix, key), v, out, depth+1); err != nil {
				return err
			}
		}
		return nil
	case raw[0] == '{' || raw[0] == '[':
		*out = append(*out, keyValue{prefix, renderArray(raw)})
	case raw[0] == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return err
		}
		*out = append(*out, keyValue{prefix, s})
	case string(raw) == "null":
		*out = append(*out, keyValue{prefix, ""})
	default:
		*out = append(*out, keyValue{prefix, string(raw)})
	}
	return nil
}

// renderArray renders a JSON array of numbers as "[1, 2.5, -3]", so that embeddings read the
// same as in Parquet files, and anything else as compact JSON.
func renderArray(raw json.RawMessage) string {
	var nums []json.Number
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if raw[0] == '[' && dec.Decode(&nums) == nil && len(nums) > 0 {
		var b bytes.Buffer
		b.WriteByte('[')
		for i, n := range nums {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(n.String())
		}
		b.WriteByte(']')
		return b.String()
	}
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return string(raw)
	}
	return b.String()
}

func isObject(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && raw[0] == '{'
}

func joinKey(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// walkRaw writes the values of one JSON value with paths below path.
func walkRaw(raw json.RawMessage, path string, g *guard) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	return (&jsonWalker{dec: dec, g: g, root: path}).walk(tok)
}
