package extract

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dpia-tool/dpia/assessment/evidence/model"
)

// ifdEntry is one tag of a TIFF image file directory.
type ifdEntry struct {
	tag, typ uint16
	count    uint32
	val      []byte
}

func asciiTag(tag uint16, s string) ifdEntry {
	return ifdEntry{tag, 2, uint32(len(s) + 1), append([]byte(s), 0)}
}

func longTag(tag uint16, v uint32) ifdEntry {
	return ifdEntry{tag, 4, 1, binary.LittleEndian.AppendUint32(nil, v)}
}

func degreesTag(tag uint16, deg float64) ifdEntry {
	d := math.Floor(deg)
	m := math.Floor((deg - d) * 60)
	s := ((deg-d)*60 - m) * 60
	var b []byte
	for _, r := range [][2]uint32{{uint32(d), 1}, {uint32(m), 1}, {uint32(s * 100), 100}} {
		b = binary.LittleEndian.AppendUint32(b, r[0])
		b = binary.LittleEndian.AppendUint32(b, r[1])
	}
	return ifdEntry{tag, 5, 3, b}
}

func ifdSize(es []ifdEntry) int {
	n := 2 + 12*len(es) + 4
	for _, e := range es {
		if len(e.val) > 4 {
			n += len(e.val) + len(e.val)%2
		}
	}
	return n
}

// appendIFD writes a directory at len(b) with its out-of-line values after it.
func appendIFD(b []byte, es []ifdEntry) []byte {
	data := len(b) + 2 + 12*len(es) + 4
	b = binary.LittleEndian.AppendUint16(b, uint16(len(es)))
	var tail []byte
	for _, e := range es {
		b = binary.LittleEndian.AppendUint16(b, e.tag)
		b = binary.LittleEndian.AppendUint16(b, e.typ)
		b = binary.LittleEndian.AppendUint32(b, e.count)
		if len(e.val) <= 4 {
			b = append(b, append(e.val, make([]byte, 4-len(e.val))...)...)
			continue
		}
		b = binary.LittleEndian.AppendUint32(b, uint32(data+len(tail)))
		tail = append(tail, e.val...)
		if len(e.val)%2 == 1 {
			tail = append(tail, 0)
		}
	}
	b = binary.LittleEndian.AppendUint32(b, 0)
	return append(b, tail...)
}

// makeEXIF builds a little-endian TIFF block with an artist, a camera owner, a user comment
// and GPS coordinates (southern and western when lat or long are negative).
func makeEXIF(artist, owner string, lat, long float64) []byte {
	gps := []ifdEntry{
		asciiTag(1, map[bool]string{true: "N", false: "S"}[lat >= 0]), degreesTag(2, math.Abs(lat)),
		asciiTag(3, map[bool]string{true: "E", false: "W"}[long >= 0]), degreesTag(4, math.Abs(long)),
	}
	sub := []ifdEntry{
		{0x9286, 7, 16, []byte("ASCII\x00\x00\x00Hi Ivan")},
		asciiTag(0xA430, owner),
	}
	ifd0 := []ifdEntry{asciiTag(0x013B, artist), longTag(0x8769, 0), longTag(0x8825, 0)}
	offSub := 8 + ifdSize(ifd0)
	offGPS := offSub + ifdSize(sub)
	ifd0[1], ifd0[2] = longTag(0x8769, uint32(offSub)), longTag(0x8825, uint32(offGPS))
	b := []byte("II*\x00\x08\x00\x00\x00")
	b = appendIFD(b, ifd0)
	b = appendIFD(b, sub)
	return appendIFD(b, gps)
}

func testImage(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), uint8((x ^ y) & 0xFF), 255})
		}
	}
	return img
}

// jpegWithEXIF encodes an image and inserts an APP1 Exif segment after SOI.
func jpegWithEXIF(t testing.TB, img image.Image, tiff []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	seg := append([]byte("Exif\x00\x00"), tiff...)
	app1 := append([]byte{0xFF, 0xE1}, binary.BigEndian.AppendUint16(nil, uint16(len(seg)+2))...)
	out := append([]byte{}, buf.Bytes()[:2]...)
	out = append(out, app1...)
	out = append(out, seg...)
	return append(out, buf.Bytes()[2:]...)
}

// pngChunk renders one PNG chunk with its CRC.
func pngChunk(typ string, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

// pngWith inserts chunks after the IHDR chunk of an encoded PNG.
func pngWith(t testing.TB, img image.Image, chunks ...[]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	out := append([]byte{}, buf.Bytes()[:33]...)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return append(out, buf.Bytes()[33:]...)
}

func TestExtractImageMetadata(t *testing.T) {
	img := testImage(64, 48)
	tests := []struct {
		name string
		file string
		data []byte
		want []string
	}{
		{"jpeg exif", "photo.jpg", jpegWithEXIF(t, img, makeEXIF("Ivan Petrov", "Aigul B.", 43.2389, 76.8897)), []string{
			`found geo_location col=EXIF GPS 0.99 "43.2°N, 76.9°E"`,
			`text col=EXIF Artist "Ivan Petrov"`,
			`text col=EXIF UserComment "Hi Ivan"`,
			`text col=EXIF CameraOwnerName "Aigul B."`,
		}},
		{"png exif and text", "scan.png", pngWith(t, img,
			pngChunk("tEXt", []byte("Author\x00J\xf6rg M\xfcller")),
			pngChunk("eXIf", makeEXIF("Anna", "", -33.8688, -151.2093))), []string{
			`text col=PNG Author "Jörg Müller"`,
			`found geo_location col=EXIF GPS 0.99 "33.9°S, 151.2°W"`,
			`text col=EXIF Artist "Anna"`,
			`text col=EXIF UserComment "Hi Ivan"`,
		}},
		{"no metadata", "plain.png", pngWith(t, img), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, kind, err := extractBytes(t, tt.file, tt.data, DefaultLimits())
			if err != nil || kind != KindImage {
				t.Fatalf("kind %s: %v", kind, err)
			}
			assertCalls(t, rec.calls, tt.want)
		})
	}
}

func TestExtractImagePixelGuard(t *testing.T) {
	ihdr := binary.BigEndian.AppendUint32(nil, 100000)
	ihdr = binary.BigEndian.AppendUint32(ihdr, 100000)
	ihdr = append(ihdr, 8, 2, 0, 0, 0)
	data := append([]byte("\x89PNG\r\n\x1a\n"), pngChunk("IHDR", ihdr)...)
	data = append(data, pngChunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})...)
	data = append(data, pngChunk("IEND", nil)...)
	start := time.Now()
	rec, kind, err := extractBytes(t, "huge.png", data, DefaultLimits())
	if kind != KindImage || !errors.Is(err, model.ErrLimit) {
		t.Fatalf("kind %s, err %v; want image, ErrLimit", kind, err)
	}
	if want := "limit exceeded: image is 100000×100000 pixels, more than the 50 Mpx limit"; err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
	if len(rec.calls) != 0 || time.Since(start) > time.Second {
		t.Errorf("calls %q in %s: the image was not refused from its header", rec.calls, time.Since(start))
	}
}

func TestExtractImageBroken(t *testing.T) {
	data := pngWith(t, testImage(32, 32))
	_, _, err := extractBytes(t, "cut.png", data[:len(data)-30], DefaultLimits())
	if err == nil || !strings.HasPrefix(err.Error(), "malformed") {
		t.Fatalf("err = %v, want malformed image", err)
	}
}

// pigoSample returns the portrait shipped in pigo's module (its own test image), which the
// module cache holds once pigo is a dependency; the test is skipped when it cannot be found.
func pigoSample(t testing.TB) []byte {
	t.Helper()
	b, err := loadPigoSample()
	if err != nil {
		t.Skipf("pigo's sample portrait is not at hand: %v", err)
	}
	return b
}

func loadPigoSample() ([]byte, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/esimov/pigo").Output()
	if err != nil {
		return nil, err
	}
	return os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "testdata", "sample.jpg"))
}

func TestExtractImageFace(t *testing.T) {
	rec, kind, err := extractBytes(t, "portrait.jpg", pigoSample(t), DefaultLimits())
	if err != nil || kind != KindImage {
		t.Fatalf("kind %s: %v", kind, err)
	}
	assertCalls(t, rec.calls, []string{`found face_image - 0.97 "face 230 px at x=155 y=198"`})
}

func TestDetectFacesNone(t *testing.T) {
	for _, img := range []image.Image{testImage(640, 480), image.NewGray(image.Rect(0, 0, 1200, 900)), testImage(8, 8)} {
		if faces := DetectFaces(img); len(faces) != 0 {
			t.Errorf("%v: found %v in an image without faces", img.Bounds(), faces)
		}
	}
}

func TestDetectFacesDownscaled(t *testing.T) {
	img, err := jpeg.Decode(bytes.NewReader(pigoSample(t)))
	if err != nil {
		t.Fatal(err)
	}
	// The portrait (face centred near x=155 y=198, 230 px) pasted at 3× into a 1920×1440
	// canvas: detected on the ≤640 px plane, reported in the canvas's pixels.
	big := image.NewRGBA(image.Rect(0, 0, 1920, 1440))
	b := img.Bounds()
	for y := range b.Dy() * 3 {
		for x := range b.Dx() * 3 {
			big.Set(600+x, 100+y, img.At(x/3, y/3))
		}
	}
	faces := DetectFaces(big)
	if len(faces) != 1 {
		t.Fatalf("faces = %v, want one", faces)
	}
	f := faces[0]
	if f.X < 600+3*120 || f.X > 600+3*190 || f.Y < 100+3*160 || f.Y > 100+3*240 || f.Size < 3*150 {
		t.Errorf("face %+v is not where the portrait's face is", f)
	}
}
