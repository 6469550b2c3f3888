// Command gen writes the hostile input suite into testdata/hostile: archives, PDFs,
// spreadsheets, images, packs, answers files and workspace folders built to break a parser
// (bombs, path escapes, huge declared sizes, truncation, deep nesting, bad encodings). The
// output is deterministic: run it from the repository root with
//
//	go run ./testdata/hostile/gen
//
// and commit the result. cmd/dpia/hostile_test.go runs the binary on every file.
package main

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"
)

// out is the suite's folder, relative to the repository root.
const out = "testdata/hostile"

// modTime is the fixed time of every zip member, so the bytes do not depend on the clock.
var modTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

func main() {
	steps := []struct {
		name string
		fn   func() error
	}{
		{"archives", archives}, {"pdf", pdfs}, {"spreadsheets", spreadsheets}, {"images", images},
		{"packs", packs}, {"answers", answers}, {"workspaces", workspaces},
	}
	for _, s := range steps {
		if err := os.MkdirAll(filepath.Join(out, s.name), 0o755); err != nil {
			log.Fatal(err)
		}
		if err := s.fn(); err != nil {
			log.Fatalf("%s: %v", s.name, err)
		}
	}
}

func write(dir, name string, b []byte) error {
	return os.WriteFile(filepath.Join(out, dir, name), b, 0o644)
}

// member is one zip entry: data stored deflated unless store is set.
type member struct {
	name  string
	data  []byte
	mode  os.FileMode
	store bool
}

func zipOf(ms ...member) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestCompression)
	})
	for _, m := range ms {
		h := &zip.FileHeader{Name: m.name, Method: zip.Deflate, Modified: modTime}
		if m.store {
			h.Method = zip.Store
		}
		if m.mode != 0 {
			h.SetMode(m.mode)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			log.Fatal(err)
		}
		w.Write(m.data)
	}
	if err := zw.Close(); err != nil {
		log.Fatal(err)
	}
	return b.Bytes()
}

func usersCSV() []byte {
	return []byte("full_name,iin,email\nIvan Petrov,900101300017,ivan@example.kz\nAigerim Bekova,900101310506,aigerim@example.com\n")
}

func archives() error {
	nested := zipOf(member{name: "users.csv", data: usersCSV()})
	for range 4 {
		nested = zipOf(member{name: "level.zip", data: nested})
	}
	good := zipOf(member{name: "a.csv", data: usersCSV()}, member{name: "b.txt", data: []byte("hello\n")})
	files := map[string][]byte{
		"bomb.zip": zipOf(member{name: "zeros.csv", data: make([]byte, 64<<20)}),
		"slip.zip": zipOf(member{name: "../../evil.csv", data: usersCSV()}, member{name: "/tmp/evil.csv", data: usersCSV()},
			member{name: `C:\evil.csv`, data: usersCSV()}, member{name: "a/../../evil.csv", data: usersCSV()},
			member{name: "nul\x00.csv", data: usersCSV()}, member{name: "ok.csv", data: usersCSV()}),
		"nested-5.zip":     nested,
		"symlink.zip":      zipOf(member{name: "passwd.csv", data: []byte("/etc/passwd"), mode: os.ModeSymlink | 0o777}, member{name: "ok.csv", data: usersCSV()}),
		"truncated.zip":    good[:len(good)/2],
		"not-a-zip.zip":    noise(4096, 1),
		"overlap-bomb.zip": overlapBomb(1000, 8<<20),
		"entries-10k.zip":  manyEntries(10_001),
		"bomb.gz":          gzipOf("zeros.csv", make([]byte, 64<<20)),
		"truncated.gz":     halve(gzipOf("users.csv", append(usersCSV(), noise(2048, 3)...))),
	}
	for name, b := range files {
		if err := write("archives", name, b); err != nil {
			return err
		}
	}
	return nil
}

// gzipOf compresses data as one gzip member whose header names name.
func gzipOf(name string, data []byte) []byte {
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	w.Name = name
	w.ModTime = modTime
	w.Write(data)
	w.Close()
	return b.Bytes()
}

// overlapBomb is a non-recursive zip bomb: one deflated kernel of size zero bytes and n
// central-directory entries that all point at it.
func overlapBomb(n, size int) []byte {
	var kernel bytes.Buffer
	fw, _ := flate.NewWriter(&kernel, flate.BestCompression)
	fw.Write(make([]byte, size))
	fw.Close()
	crc := crc32.ChecksumIEEE(make([]byte, size))
	var b bytes.Buffer
	name := "k.csv"
	le := func(v any) { binary.Write(&b, binary.LittleEndian, v) }
	le(uint32(0x04034b50))
	le([]uint16{20, 0, 8, 0, 0x21})
	le([]uint32{crc, uint32(kernel.Len()), uint32(size)})
	le([]uint16{uint16(len(name)), 0})
	b.WriteString(name)
	b.Write(kernel.Bytes())
	cdStart := b.Len()
	for i := range n {
		nm := fmt.Sprintf("k%04d.csv", i)
		le(uint32(0x02014b50))
		le([]uint16{20, 20, 0, 8, 0, 0x21})
		le([]uint32{crc, uint32(kernel.Len()), uint32(size)})
		le([]uint16{uint16(len(nm)), 0, 0, 0, 0})
		le([]uint32{0, 0})
		b.WriteString(nm)
	}
	cdLen := b.Len() - cdStart
	le(uint32(0x06054b50))
	le([]uint16{0, 0, uint16(n), uint16(n)})
	le([]uint32{uint32(cdLen), uint32(cdStart)})
	le(uint16(0))
	return b.Bytes()
}

// manyEntries is a zip with n central-directory entries (one stored byte each, all sharing
// one local header to keep the file small).
func manyEntries(n int) []byte {
	var b bytes.Buffer
	le := func(v any) { binary.Write(&b, binary.LittleEndian, v) }
	crc := crc32.ChecksumIEEE([]byte("x"))
	le(uint32(0x04034b50))
	le([]uint16{10, 0, 0, 0, 0x21})
	le([]uint32{crc, 1, 1})
	le([]uint16{1, 0})
	b.WriteString("x")
	b.WriteString("x")
	cdStart := b.Len()
	for range n {
		le(uint32(0x02014b50))
		le([]uint16{10, 10, 0, 0, 0, 0x21})
		le([]uint32{crc, 1, 1})
		le([]uint16{1, 0, 0, 0, 0})
		le([]uint32{0, 0})
		b.WriteString("x")
	}
	cdLen := b.Len() - cdStart
	le(uint32(0x06054b50))
	le([]uint16{0, 0, uint16(n), uint16(n)})
	le([]uint32{uint32(cdLen), uint32(cdStart)})
	le(uint16(0))
	return b.Bytes()
}

// noise is deterministic random bytes.
func noise(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	return b
}

// halve returns the first half of b: a file cut in the middle.
func halve(b []byte) []byte { return b[:len(b)/2] }
