package extract

import (
	"bytes"
	"encoding/csv"
	"strings"
)

// csvRecords reads the records of a recordSource as encoding/csv (LazyQuotes, any number of
// fields) reading the same bytes would, but splits a record without any '"' itself: such a
// record is one physical line whose fields are the text between delimiters. encoding/csv
// reads the other records, from a pipe that hands it the source's records one by one as it
// asks for bytes; a record is split here only when encoding/csv has consumed everything
// handed to it, so both see the stream in order and break it where encoding/csv alone would.
type csvRecords struct {
	src   *recordSource
	pipe  csvPipe
	cr    *csv.Reader
	comma byte
	fast  int // lines split here, which encoding/csv's line numbers leave out
	rec   []string
}

// csvPipe hands encoding/csv the source's records.
type csvPipe struct {
	src *recordSource
	buf []byte
	fed int64 // bytes handed out
}

func (p *csvPipe) Read(b []byte) (int, error) {
	if len(p.buf) == 0 {
		if err := p.src.fill(); err != nil {
			return 0, err
		}
		p.buf, p.src.out = p.src.out, nil
	}
	n := copy(b, p.buf)
	p.buf = p.buf[n:]
	p.fed += int64(n)
	return n, nil
}

func newCSVRecords(src *recordSource, comma rune) *csvRecords {
	r := &csvRecords{src: src, comma: byte(comma)}
	r.pipe.src = src
	r.cr = csv.NewReader(&r.pipe)
	r.cr.Comma = comma
	r.cr.LazyQuotes = true
	r.cr.FieldsPerRecord = -1
	r.cr.ReuseRecord = true // the Sink copies what it keeps; the header is copied by the caller
	return r
}

// next returns the next record and the line it starts on; the slice is reused by the next
// call. valid reports cells known to be valid UTF-8 (a record split here from a valid line).
// Errors are those of csv.Reader.Read (io.EOF at the end).
func (r *csvRecords) next() (line int, rec []string, valid bool, err error) {
	for r.cr.InputOffset() == r.pipe.fed && len(r.pipe.buf) == 0 {
		// encoding/csv holds nothing unread: the next record starts here.
		if err := r.src.fill(); err != nil {
			return 0, nil, false, err
		}
		b := r.src.out
		r.src.out = nil
		if bytes.IndexByte(b, '"') >= 0 {
			r.pipe.buf = b // a quoted field, maybe on several lines: encoding/csv reads it
			break
		}
		r.fast++
		b = b[:len(b)-1] // the source ends every line with '\n'
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
		if len(b) == 0 {
			continue // encoding/csv skips empty lines
		}
		s := string(b)
		valid := validUTF8String(s) // the whole line, before it is split
		rec = r.rec[:0]
		for {
			i := strings.IndexByte(s, r.comma)
			if i < 0 {
				rec = append(rec, s)
				break
			}
			rec = append(rec, s[:i])
			s = s[i+1:]
		}
		r.rec = rec
		return r.src.line, rec, valid, nil
	}
	rec, err = r.cr.Read()
	if err != nil {
		return 0, nil, false, err
	}
	line, _ = r.cr.FieldPos(0)
	return line + r.fast, rec, false, nil
}
