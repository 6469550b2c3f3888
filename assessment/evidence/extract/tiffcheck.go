package extract

import (
	"bytes"
	"encoding/binary"
)

// goexif trusts the structure of the TIFF inside an EXIF block: a tag whose count times its
// type's size overflows 32 bits makes it allocate the count (a 600-byte JPEG asked for 8 GiB),
// and a chain of IFDs that loops back further than the previous one is followed for ever, each
// turn appending a directory (a 60-byte JPEG grew past 5 GB in half a minute). tiffBounded
// walks the same structure first, without allocating, and refuses such a block; an image
// whose EXIF is refused is still read for faces.

// maxTIFFDirs bounds the IFDs walked: IFD0, the thumbnail's, and the Exif, GPS and
// Interoperability sub-IFDs are all a photo has.
const maxTIFFDirs = 16

// tiffTypeSize is the byte size of each TIFF field type (TIFF 6.0 §2, as goexif reads them);
// other types have no size and goexif refuses them.
var tiffTypeSize = [13]uint64{1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8}

// Tags whose value is the offset of a sub-IFD that goexif decodes.
const (
	tagExifIFD    = 0x8769
	tagGPSIFD     = 0x8825
	tagInteropIFD = 0xA005
)

// tiffBounded reports whether the TIFF structure of an EXIF block ("Exif\0\0" and a TIFF
// header, or a TIFF header) can be decoded within the block: the chain of IFDs visits none
// twice and lies inside the block, at most maxTIFFDirs directories are read in all, and no
// tag's value is larger than the block. Sub-IFDs (Exif, GPS, Interoperability) are read as
// goexif reads them: one directory each, their next-IFD offset ignored; one outside the block
// is skipped, as goexif skips it.
func tiffBounded(block []byte) bool {
	t := bytes.TrimPrefix(block, []byte("Exif\x00\x00"))
	if len(t) < 8 {
		return false
	}
	var order binary.ByteOrder
	switch string(t[:4]) {
	case "II*\x00":
		order = binary.LittleEndian
	case "MM\x00*":
		order = binary.BigEndian
	default:
		return false
	}
	type dir struct {
		off   uint64
		chain bool // in the IFD chain: its next offset is followed
	}
	chained, sub := map[uint64]bool{}, map[uint64]bool{}
	queue := []dir{{uint64(order.Uint32(t[4:8])), true}}
	for walked := 0; len(queue) > 0; walked++ {
		d := queue[0]
		queue = queue[1:]
		switch {
		case d.chain && chained[d.off], !d.chain && sub[d.off]:
			if d.chain {
				return false // a loop in the IFD chain
			}
			continue
		case walked == maxTIFFDirs:
			return false
		}
		chained[d.off] = chained[d.off] || d.chain
		sub[d.off] = sub[d.off] || !d.chain
		var end uint64
		if d.off+2 <= uint64(len(t)) {
			end = d.off + 2 + 12*uint64(order.Uint16(t[d.off:]))
		}
		if end == 0 || end+4 > uint64(len(t)) {
			if d.chain {
				return false // goexif fails on it as a whole
			}
			continue // goexif skips a sub-IFD it cannot read
		}
		for e := d.off + 2; e < end; e += 12 {
			entry := t[e : e+12]
			tag, typ, count := order.Uint16(entry), order.Uint16(entry[2:]), order.Uint32(entry[4:])
			size := uint64(0)
			if int(typ) < len(tiffTypeSize) {
				size = tiffTypeSize[typ]
			}
			if size*uint64(count) > uint64(len(t)) {
				return false
			}
			if tag == tagExifIFD || tag == tagGPSIFD || tag == tagInteropIFD {
				if off, ok := tiffFirstInt(t, order, entry, typ, size, count); ok {
					queue = append(queue, dir{off, false})
				}
			}
		}
		if next := uint64(order.Uint32(t[end:])); d.chain && next != 0 {
			queue = append(queue, dir{next, true})
		}
	}
	return true
}

// tiffFirstInt is the first value of an integer tag, read as goexif reads it (inline when the
// value fits in four bytes, else at the offset the entry gives); ok is false when there is
// none or it lies outside t.
func tiffFirstInt(t []byte, order binary.ByteOrder, entry []byte, typ uint16, size uint64, count uint32) (uint64, bool) {
	if count == 0 || size == 0 || typ == 2 || typ == 5 || typ == 7 || typ >= 10 {
		return 0, false // not an integer type
	}
	v := entry[8:12]
	if size*uint64(count) > 4 {
		off := uint64(order.Uint32(v))
		if off+size > uint64(len(t)) {
			return 0, false
		}
		v = t[off : off+size]
	}
	switch size {
	case 1:
		return uint64(v[0]), true
	case 2:
		return uint64(order.Uint16(v)), true
	}
	return uint64(order.Uint32(v)), true
}
