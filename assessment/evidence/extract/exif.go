package extract

import (
	"bytes"
	"encoding/binary"
	"strings"

	"github.com/rwcarlsen/goexif/exif"
	"github.com/rwcarlsen/goexif/tiff"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/dpia-tool/dpia/assessment/evidence/model"
)

// maxMetaBytes bounds the metadata block read from an image.
const maxMetaBytes = 1 << 20

// exifText lists the EXIF fields written as Text: they often name or describe a person.
var exifText = []exif.FieldName{
	exif.Artist, exif.Copyright, exif.ImageDescription, exif.UserComment,
	exif.XPAuthor, exif.XPTitle, exif.XPComment, exif.XPSubject, exif.XPKeywords,
	"CameraOwnerName", "BodySerialNumber",
}

// exifExtra maps the EXIF 2.3 tags goexif does not know to names.
var exifExtra = map[uint16]exif.FieldName{0xA430: "CameraOwnerName", 0xA431: "BodySerialNumber"}

// imageMetadata writes the EXIF block (JPEG APP1, PNG eXIf, WebP EXIF, TIFF) and PNG text
// chunks of an image. Metadata that cannot be parsed is ignored: the pixels may still be fine.
func imageMetadata(f *file, g *guard) error {
	head := sectionBytes(f.r, 0, min(f.size, maxMetaBytes))
	var block []byte
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8}):
		block = jpegEXIF(head)
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		var err error
		if block, err = pngChunks(head, g); err != nil {
			return err
		}
	case bytes.HasPrefix(head, []byte("RIFF")) && len(head) >= 12 && string(head[8:12]) == "WEBP":
		block = riffChunk(head[12:], "EXIF")
	case bytes.HasPrefix(head, []byte("II*\x00")), bytes.HasPrefix(head, []byte("MM\x00*")):
		block = head
	}
	if len(block) == 0 {
		return nil
	}
	x := decodeEXIF(block)
	if x == nil {
		return nil
	}
	return writeEXIF(x, g)
}

// decodeEXIF parses a raw EXIF block ("Exif\0\0" + TIFF, or TIFF); nil when it cannot.
func decodeEXIF(block []byte) (x *exif.Exif) {
	if !tiffBounded(block) {
		return nil
	}
	defer func() {
		if recover() != nil {
			x = nil
		}
	}()
	x, err := exif.Decode(bytes.NewReader(block))
	if x == nil || err != nil && exif.IsCriticalError(err) {
		return nil
	}
	loadExtraTags(x)
	return x
}

// loadExtraTags loads the tags of exifExtra from the Exif sub-IFD.
func loadExtraTags(x *exif.Exif) {
	ptr, err := x.Get(exif.ExifIFDPointer)
	if err != nil {
		return
	}
	off, err := ptr.Int64(0)
	if err != nil || off <= 0 || off >= int64(len(x.Raw)) {
		return
	}
	r := bytes.NewReader(x.Raw)
	if _, err := r.Seek(off, 0); err != nil {
		return
	}
	if d, _, err := tiff.DecodeDir(r, x.Tiff.Order); err == nil {
		x.LoadTags(d, exifExtra, false)
	}
}

// writeEXIF writes the GPS position and the personal text fields.
func writeEXIF(x *exif.Exif, g *guard) error {
	if lat, long, err := x.LatLong(); err == nil && !(lat == 0 && long == 0) &&
		lat >= -90 && lat <= 90 && long >= -180 && long <= 180 {
		if err := g.Found(geoDetection(lat, long)); err != nil {
			return err
		}
	}
	for _, name := range exifText {
		tag, err := x.Get(name)
		if err != nil {
			continue
		}
		if s := tagText(name, tag, x.Tiff.Order); s != "" {
			if err := g.Text(model.Location{Column: "EXIF " + string(name)}, s); err != nil {
				return err
			}
		}
	}
	return nil
}

// tagText decodes a text tag: ASCII, the UTF-16LE of the Windows XP tags, or the charset
// prefixed UserComment.
func tagText(name exif.FieldName, tag *tiff.Tag, order binary.ByteOrder) string {
	var s string
	switch {
	case strings.HasPrefix(string(name), "XP"):
		s = utf16Text(tag.Val, binary.LittleEndian)
	case name == exif.UserComment && len(tag.Val) >= 8:
		switch string(tag.Val[:8]) {
		case "UNICODE\x00":
			s = utf16Text(tag.Val[8:], order)
		default:
			s = string(tag.Val[8:])
		}
	default:
		s = string(tag.Val)
		if v, err := tag.StringVal(); err == nil {
			s = v
		}
	}
	s = strings.ToValidUTF8(strings.Trim(s, "\x00 \t\r\n"), "\uFFFD")
	return strings.TrimSpace(s)
}

func utf16Text(b []byte, order binary.ByteOrder) string {
	e := unicode.LittleEndian
	if order == binary.BigEndian {
		e = unicode.BigEndian
	}
	out, err := unicode.UTF16(e, unicode.IgnoreBOM).NewDecoder().Bytes(b)
	if err != nil {
		return ""
	}
	return string(out)
}

// jpegEXIF finds the APP1 "Exif" segment among the JPEG markers before the image data.
func jpegEXIF(b []byte) []byte {
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			return nil
		}
		marker := b[i+1]
		if marker == 0xFF {
			i++
			continue
		}
		if marker == 0xDA || marker == 0xD9 { // start of scan, end of image
			return nil
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		end := i + 2 + n
		if n < 2 || end > len(b) {
			return nil
		}
		if seg := b[i+4 : end]; marker == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return seg
		}
		i = end
	}
	return nil
}

// pngChunks writes the tEXt chunks of a PNG (keyword as Column) and returns its eXIf chunk.
func pngChunks(b []byte, g *guard) ([]byte, error) {
	var exifBlock []byte
	for i := 8; i+8 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[i:]))
		typ := string(b[i+4 : i+8])
		if n < 0 || i+12+n > len(b) || typ == "IEND" {
			break
		}
		data := b[i+8 : i+8+n]
		switch typ {
		case "eXIf":
			exifBlock = data
		case "tEXt":
			if k, v, ok := bytes.Cut(data, []byte{0}); ok && len(bytes.TrimSpace(v)) > 0 {
				text, _ := charmap.ISO8859_1.NewDecoder().Bytes(v)
				if err := g.Text(model.Location{Column: "PNG " + strings.ToValidUTF8(string(k), "?")}, string(text)); err != nil {
					return nil, err
				}
			}
		}
		i += 12 + n
	}
	return exifBlock, nil
}

// riffChunk returns the data of the first chunk with the given id in a RIFF chunk list.
func riffChunk(b []byte, id string) []byte {
	for i := 0; i+8 <= len(b); {
		n := int(binary.LittleEndian.Uint32(b[i+4:]))
		if n < 0 || i+8+n > len(b) {
			return nil
		}
		if string(b[i:i+4]) == id {
			return b[i+8 : i+8+n]
		}
		i += 8 + n + n%2
	}
	return nil
}
