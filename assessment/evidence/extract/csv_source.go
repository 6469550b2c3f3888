package extract

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// recordSource feeds encoding/csv whole records, one physical line or more, with their line
// endings. It follows the quoting rules of encoding/csv with LazyQuotes, so it knows when a
// quoted field runs on to the next line; when such a record grows past max bytes (or the file
// ends inside it) the quote was never meant to open a field: the quotes of its first line are
// replaced by apostrophes and the following lines are read again as records of their own. A
// physical line longer than max is cut at max bytes. Line numbers are preserved.
type recordSource struct {
	br         *bufio.Reader
	comma      byte
	max        int
	queue      [][]byte // lines read ahead, not yet handed out
	out        []byte   // bytes ready for the csv reader
	store      []byte   // the buffer out points into, reused
	fixed      int      // records whose quotes were neutralised
	firstFixed int      // line of the first of them
	line       int      // lines handed out so far
	eof        bool
}

// Read implements io.Reader.
func (s *recordSource) Read(p []byte) (int, error) {
	for len(s.out) == 0 {
		if err := s.fill(); err != nil {
			return 0, err
		}
	}
	n := copy(p, s.out)
	s.out = s.out[n:]
	return n, nil
}

// fill moves the next record to out; io.EOF when there is none.
func (s *recordSource) fill() error {
	if len(s.queue) == 0 {
		// The common case, a record of one line, is copied from the bufio buffer to out.
		if s.eof {
			return io.EOF
		}
		chunk, err := s.br.ReadSlice('\n')
		if err == nil && len(chunk) <= s.max &&
			(bytes.IndexByte(chunk, '"') < 0 || !scanQuotes(chunk, s.comma, false)) {
			s.store = append(s.store[:0], chunk...)
			s.out = s.store
			s.line++
			return nil
		}
		line, err := s.finishLine(chunk, err)
		if err != nil {
			return err
		}
		s.queue = append(s.queue, line)
	}
	inQuote, size := false, 0
	for i := 0; ; i++ {
		if i == len(s.queue) {
			line, err := s.readLine()
			if err != nil {
				if i == 0 {
					return err
				}
				break // the file ends inside a quoted field
			}
			s.queue = append(s.queue, line)
		}
		inQuote = scanQuotes(s.queue[i], s.comma, inQuote)
		size += len(s.queue[i])
		if !inQuote {
			s.store = s.store[:0]
			for _, l := range s.queue[:i+1] {
				s.store = append(s.store, l...)
			}
			s.out = s.store
			s.take(i + 1)
			return nil
		}
		if size > s.max {
			break
		}
	}
	if s.fixed == 0 {
		s.firstFixed = s.line + 1
	}
	s.fixed++
	s.store = append(s.store[:0], bytes.ReplaceAll(s.queue[0], []byte{'"'}, []byte{'\''})...)
	s.out = s.store
	s.take(1)
	return nil
}

// take drops the first n queued lines.
func (s *recordSource) take(n int) {
	s.line += n
	copy(s.queue, s.queue[n:])
	s.queue = s.queue[:len(s.queue)-n]
}

// readLine reads one physical line with its ending, cut to max bytes.
func (s *recordSource) readLine() ([]byte, error) {
	if s.eof {
		return nil, io.EOF
	}
	chunk, err := s.br.ReadSlice('\n')
	return s.finishLine(chunk, err)
}

// finishLine reads the rest of a line whose first chunk (and the error reading it) came from
// ReadSlice.
func (s *recordSource) finishLine(chunk []byte, err error) ([]byte, error) {
	var line []byte
	for ; ; chunk, err = s.br.ReadSlice('\n') {
		if len(line) < s.max {
			line = append(line, chunk[:min(len(chunk), s.max-len(line))]...)
		}
		switch {
		case err == nil:
			if line[len(line)-1] != '\n' {
				line = append(line, '\n') // cut: keep the line count
			}
			return line, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			s.eof = true
			if len(line) == 0 {
				return nil, io.EOF
			}
			return append(line, '\n'), nil
		default:
			return nil, err
		}
	}
}

// scanQuotes runs the quoting rules of encoding/csv (LazyQuotes) over one line, starting
// inside a quoted field or not, and tells whether the line ends inside one.
func scanQuotes(line []byte, comma byte, inQuote bool) bool {
	fieldStart := !inQuote
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case !inQuote && fieldStart && c == '"':
			inQuote, fieldStart = true, false
		case !inQuote:
			fieldStart = c == comma
		case c != '"':
		case i+1 < len(line) && line[i+1] == '"':
			i++ // an escaped quote
		case i+1 == len(line) || line[i+1] == comma || line[i+1] == '\n' || line[i+1] == '\r':
			inQuote, fieldStart = false, false // the closing quote; the comma starts a field
		}
	}
	return inQuote
}
