package extract

import (
	"encoding/binary"
	"testing"
)

// tiffChain builds a little-endian TIFF whose IFDs (one ASCII tag each, 18 bytes) follow one
// another from offset 8; next[i] is the next-IFD offset written in directory i.
func tiffChain(next ...uint32) []byte {
	b := []byte("II*\x00\x08\x00\x00\x00")
	for _, n := range next {
		b = binary.LittleEndian.AppendUint16(b, 1)
		b = append(b, asciiTagBytes(0x010E, "abc")...)
		b = binary.LittleEndian.AppendUint32(b, n)
	}
	return b
}

// asciiTagBytes is a 12-byte IFD entry of an ASCII value of at most three letters.
func asciiTagBytes(tag uint16, s string) []byte {
	e := binary.LittleEndian.AppendUint16(nil, tag)
	e = binary.LittleEndian.AppendUint16(e, 2)
	e = binary.LittleEndian.AppendUint32(e, uint32(len(s)+1))
	return append(e, append([]byte(s), make([]byte, 4-len(s))...)...)
}

// tiffOneTag is a TIFF with one directory holding one entry.
func tiffOneTag(tag, typ uint16, count, value uint32) []byte {
	b := []byte("II*\x00\x08\x00\x00\x00")
	b = binary.LittleEndian.AppendUint16(b, 1)
	b = binary.LittleEndian.AppendUint16(b, tag)
	b = binary.LittleEndian.AppendUint16(b, typ)
	b = binary.LittleEndian.AppendUint32(b, count)
	b = binary.LittleEndian.AppendUint32(b, value)
	return binary.LittleEndian.AppendUint32(b, 0)
}

func TestTIFFBounded(t *testing.T) {
	many := make([]uint32, 20)
	for i := range many[:19] {
		many[i] = uint32(8 + 18*(i+1))
	}
	tests := []struct {
		name  string
		block []byte
		want  bool
	}{
		{"a photo's EXIF (IFD0, Exif and GPS sub-IFDs)", makeEXIF("Ivan Petrov", "Aigul B.", 43.2, 76.9), true},
		{"with the Exif header", append([]byte("Exif\x00\x00"), makeEXIF("A", "B", 1, 2)...), true},
		{"two directories", tiffChain(26, 0), true},
		{"a loop of two directories", tiffChain(26, 8), false},
		{"a directory that is its own next", tiffChain(8), false},
		{"more directories than a photo has", tiffChain(many...), false},
		{"the next directory outside the block", tiffChain(4000), false},
		{"a count that overflows 32 bits (LONG × 0x40000001)", tiffOneTag(0x0100, 4, 0x40000001, 1), false},
		{"a value larger than the block", tiffOneTag(0x010E, 2, 1000, 8), false},
		{"a sub-IFD outside the block is skipped, as goexif skips it", tiffOneTag(tagExifIFD, 4, 1, 5000), true},
		{"a sub-IFD pointing back at IFD0 is read once more, not followed", tiffOneTag(tagGPSIFD, 4, 1, 8), true},
		{"a truncated header", []byte("II*\x00\x08"), false},
		{"not a TIFF", []byte("GIF89a.............."), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tiffBounded(tt.block); got != tt.want {
				t.Errorf("tiffBounded = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestExtractImageHostileEXIF: a photo whose EXIF would make goexif loop for ever or allocate
// gigabytes is read without its EXIF, in bounded memory, and its pixels are still read.
func TestExtractImageHostileEXIF(t *testing.T) {
	img := testImage(64, 48)
	for name, block := range map[string][]byte{
		"IFD loop":       tiffChain(26, 8),
		"count overflow": tiffOneTag(0x0100, 4, 0x40000001, 1),
	} {
		t.Run(name, func(t *testing.T) {
			before := heapAllocated()
			rec, kind, err := extractBytes(t, "photo.jpg", jpegWithEXIF(t, img, block), DefaultLimits())
			if n := heapAllocated() - before; n > 64<<20 {
				t.Errorf("allocated %d MiB", n>>20)
			}
			if err != nil || kind != KindImage || len(rec.calls) != 0 {
				t.Errorf("kind %s, err %v, calls %q; want an image read without metadata", kind, err, rec.calls)
			}
		})
	}
}
