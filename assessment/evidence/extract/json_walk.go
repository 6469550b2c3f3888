package extract

import (
	"context"
	"encoding/json"
	"errors"
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

// jsonWalker writes every string and number of a JSON value as Text with its key path as the
// Column, reading one token at a time (no depth limit, bounded memory).
type jsonWalker struct {
	dec   *json.Decoder
	g     *guard
	root  string
	stack []jsonFrame
	n     int
}

// walk handles the first token of a value, then the rest of the value.
func (w *jsonWalker) walk(first json.Token) error {
	if err := w.token(first, w.root); err != nil {
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
	j := &jsonlTable{g: g}
	for {
		line, n, err := lr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if err := j.line(n, line); err != nil {
			return err
		}
	}
	return j.end()
}

// jsonlTable buffers the first objects of a JSONL file to build the header.
type jsonlTable struct {
	g      *guard
	t      *jsonTable
	sample []json.RawMessage
	lines  []int
	rows   int
}

func (j *jsonlTable) line(n int, line string) error {
	if n%1000 == 0 {
		if err := j.g.tick(); err != nil {
			return err
		}
	}
	s := strings.TrimSpace(line)
	if s == "" {
		return nil
	}
	if !strings.HasPrefix(s, "{") || !json.Valid([]byte(s)) {
		return j.g.Text(model.Location{Line: n}, line)
	}
	if j.t == nil {
		j.sample = append(j.sample, json.RawMessage(s))
		j.lines = append(j.lines, n)
		if len(j.sample) < headerSample {
			return nil
		}
		return j.flush()
	}
	j.rows++
	return j.t.row(j.rows, json.RawMessage(s), n)
}

// flush starts the table and writes the buffered objects.
func (j *jsonlTable) flush() error {
	t, err := newJSONTable(j.sample, j.g)
	if err != nil {
		return err
	}
	j.t = t
	for i, raw := range j.sample {
		j.rows++
		if err := t.row(j.rows, raw, j.lines[i]); err != nil {
			return err
		}
	}
	j.sample, j.lines = nil, nil
	return nil
}

func (j *jsonlTable) end() error {
	if j.t == nil && len(j.sample) > 0 {
		if err := j.flush(); err != nil {
			return err
		}
	}
	if j.t == nil {
		return nil
	}
	return j.g.TableEnd()
}
