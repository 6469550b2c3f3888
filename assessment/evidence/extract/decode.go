package extract

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// probeBytes is how much of a text file is read to decide its encoding.
const probeBytes = 64 << 10

// Encodings a text file may be decoded from.
const (
	encUTF8    = "utf-8"
	encUTF16LE = "utf-16le"
	encUTF16BE = "utf-16be"
	encCP1251  = "windows-1251"
)

// detectEncoding decides the encoding of text from its first bytes and returns the length of
// the byte order mark to skip. Text that is neither valid UTF-8 nor Windows-1251 Cyrillic is
// read as UTF-8 with invalid bytes replaced.
func detectEncoding(head []byte) (enc string, bom int) {
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		return encUTF8, 3
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		return encUTF16LE, 2
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return encUTF16BE, 2
	}
	if validUTF8Prefix(head) {
		return encUTF8, 0
	}
	if looksCP1251(head) {
		return encCP1251, 0
	}
	return encUTF8, 0
}

// validUTF8Prefix tells whether b is valid UTF-8, allowing a sequence cut at its end.
func validUTF8Prefix(b []byte) bool {
	for i := 0; i < utf8.UTFMax && len(b) > 0; i++ {
		if validUTF8(b) {
			return true
		}
		b = b[:len(b)-1]
	}
	return len(b) == 0
}

// looksCP1251 tells whether the bytes above 0x7F look like Windows-1251 Cyrillic: almost all
// of them letters (0xC0–0xFF, Ё ё, Ukrainian and Belarusian letters), and most of them next
// to another one, as letters of Cyrillic words are (the accented letters of Latin-1 text
// stand alone between ASCII letters).
func looksCP1251(b []byte) bool {
	high, cyr, paired := 0, 0, 0
	for i, c := range b {
		if c < 0x80 {
			continue
		}
		high++
		if c >= 0xC0 || strings.IndexByte(cp1251Letters, c) >= 0 {
			cyr++
		}
		if i > 0 && b[i-1] >= 0x80 || i+1 < len(b) && b[i+1] >= 0x80 {
			paired++
		}
	}
	return high > 0 && cyr*10 >= high*9 && paired*2 >= high
}

// cp1251Letters are the Cyrillic letters of Windows-1251 below 0xC0.
const cp1251Letters = "\xA8\xB8\xAA\xBA\xAF\xBF\xB2\xB3\xA1\xA2\xB4\xA5"

// openText returns a UTF-8 reader over the whole file, decoding UTF-16 and Windows-1251 and
// dropping a byte order mark; invalid UTF-8 passes through (the line reader replaces it).
func openText(f *file) (io.Reader, string, error) {
	head := make([]byte, min(f.size, probeBytes))
	n, err := f.r.ReadAt(head, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, "", err
	}
	enc, bom := detectEncoding(head[:n])
	r := io.NewSectionReader(f.r, int64(bom), f.size-int64(bom))
	switch enc {
	case encUTF16LE:
		return transform.NewReader(r, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder()), enc, nil
	case encUTF16BE:
		return transform.NewReader(r, unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewDecoder()), enc, nil
	case encCP1251:
		return transform.NewReader(r, charmap.Windows1251.NewDecoder()), enc, nil
	}
	return r, enc, nil
}

// lineReader reads lines of at most max bytes: a longer line comes out in pieces, each cut on
// a UTF-8 boundary, all with the same line number. Invalid UTF-8 is replaced with U+FFFD and
// the line ending (\n, \r\n) is dropped.
type lineReader struct {
	br    *bufio.Reader
	max   int
	line  int  // number of the line last returned
	cont  bool // the last piece did not end its line
	carry []byte
	buf   []byte
}

func newLineReader(r io.Reader, limit int) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, max(4096, min(limit, 64<<10))), max: limit}
}

// next returns the next line or piece of a long line and its 1-based line number; io.EOF
// at the end.
func (lr *lineReader) next() (string, int, error) {
	if !lr.cont {
		lr.line++
	}
	b := append(lr.buf[:0], lr.carry...)
	lr.carry = lr.carry[:0]
	complete := bytes.IndexByte(b, '\n') >= 0 // a carried rest holds its line's end
	var readErr error
	for !complete && len(b) <= lr.max && readErr == nil {
		chunk, err := lr.br.ReadSlice('\n')
		b = append(b, chunk...)
		switch {
		case err == nil:
			complete = true
		case !errors.Is(err, bufio.ErrBufferFull):
			readErr = err
		}
	}
	lr.buf = b
	if content := trimEOL(b); len(content) > lr.max {
		// Too long: return max bytes cut on a rune start, keep the rest for the next call.
		cut := lr.max
		for cut > 0 && cut > lr.max-utf8.UTFMax && !utf8.RuneStart(b[cut]) {
			cut--
		}
		if cut == 0 {
			cut = lr.max
		}
		lr.carry = append(lr.carry, b[cut:]...)
		lr.cont = true
		return clean(b[:cut]), lr.line, nil
	}
	lr.cont = false
	if readErr != nil && (len(b) == 0 || !errors.Is(readErr, io.EOF)) {
		return "", lr.line, readErr
	}
	return clean(trimEOL(b)), lr.line, nil
}

func trimEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

// clean returns b as a string with invalid UTF-8 replaced by U+FFFD.
func clean(b []byte) string {
	if validUTF8(b) {
		return string(b)
	}
	return string(bytes.ToValidUTF8(b, []byte("\uFFFD")))
}
