package extract

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/dpia-tool/dpia/assessment/evidence/model"
)

// jsonFrame is an open object or array of the token walk.
type jsonFrame struct {
	path    string
	array   bool
	index   int    // next element index of an array
	key     string // current key of an object
	wantKey bool   // an object expects a key (or '}') next
}

// maxWalkDepth is the deepest nesting the token walk follows, as encoding/json's Decode.
const maxWalkDepth = 10000

// jsonWalker writes every string and number of a JSON value as Text with its key path as the
// Column, reading one token at a time with bounded memory.
type jsonWalker struct {
	dec   *json.Decoder
	g     *guard
	stack []jsonFrame
	n     int
}

// walk handles the first token of a value found at path, then reads the rest of the value
// (and of any values still open on the stack).
func (w *jsonWalker) walk(first json.Token, path string) error {
	if err := w.token(first, path); err != nil {
		return err
	}
	return w.walkFrom()
}

// walkFrom reads tokens until the stack of open values is empty.
func (w *jsonWalker) walkFrom() error {
	for len(w.stack) > 0 {
		tok, err := w.dec.Token()
		if errors.Is(err, io.EOF) {
			return io.ErrUnexpectedEOF
		}
		if err != nil {
			return err
		}
		top := &w.stack[len(w.stack)-1]
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			w.stack = w.stack[:len(w.stack)-1]
			continue
		}
		var path string
		switch {
		case top.array:
			path = top.path + "[" + strconv.Itoa(top.index) + "]"
			top.index++
		case top.wantKey:
			top.key, _ = tok.(string)
			top.wantKey = false
			continue
		default:
			path = joinKey(top.path, top.key)
			top.wantKey = true
		}
		if err := w.token(tok, path); err != nil {
			return err
		}
	}
	return nil
}

// token handles one value token found at path.
func (w *jsonWalker) token(tok json.Token, path string) error {
	w.n++
	if w.n%1000 == 0 {
		if err := w.g.tick(); err != nil {
			return err
		}
	}
	if len(path) > maxPath {
		path = truncate(path, maxPath)
	}
	switch v := tok.(type) {
	case json.Delim:
		if len(w.stack) >= maxWalkDepth {
			return fmt.Errorf("malformed JSON: nested deeper than %d levels", maxWalkDepth)
		}
		w.stack = append(w.stack, jsonFrame{path: path, array: v == '[', wantKey: v == '{'})
	case string:
		if strings.TrimSpace(v) != "" {
			return w.g.Text(model.Location{Column: path}, v)
		}
	case json.Number:
		return w.g.Text(model.Location{Column: path}, v.String())
	}
	return nil
}

// extractJSONL writes a JSON Lines file: lines holding an object become rows of one table
// (header from the first 100 of them, as for a JSON array) with their line number; any other
// non-blank line is written as Text.
func extractJSONL(ctx context.Context, f *file, g *guard, lim Limits) error {
	r, _, err := openText(f)
	if err != nil {
		return err
	}
	lr := newLineReader(r, max(lim.MaxCellBytes*16, 1<<20))
	t := &jsonTable{g: g, valid: true}
	rows := 0
	for {
		line, n, err := lr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if n%1000 == 0 {
			if err := g.tick(); err != nil {
				return err
			}
		}
		kvs, ok := objectLine(line, t.buffer())
		switch {
		case ok:
			rows++
			if t.started {
				t.kvs = kvs
			}
			err = t.add(rows, n, kvs)
		case strings.TrimSpace(line) != "":
			err = g.validText(model.Location{Line: n}, line)
		}
		if err != nil {
			return err
		}
	}
	return t.end()
}

// objectLine flattens a line that holds exactly one JSON object into kvs[:0].
func objectLine(line string, kvs []keyValue) ([]keyValue, bool) {
	s := strings.TrimSpace(line)
	if !strings.HasPrefix(s, "{") || !strings.HasSuffix(s, "}") {
		return nil, false
	}
	return flattenJSON(s, kvs)
}
