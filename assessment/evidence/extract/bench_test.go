package extract

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dpia-tool/dpia/assessment/evidence/corpus"
	"github.com/dpia-tool/dpia/assessment/evidence/model"
)

// nullSink discards everything.
type nullSink struct{}

func (nullSink) Text(model.Location, string) error         { return nil }
func (nullSink) TableStart(model.Location, []string) error { return nil }
func (nullSink) Row(model.Location, []string) error        { return nil }
func (nullSink) TableEnd() error                           { return nil }
func (nullSink) Found(model.Detection) error               { return nil }

// peopleCSV renders n rows of synthetic personal data (about 90 bytes a row).
func peopleCSV(n int) []byte {
	var b strings.Builder
	b.WriteString("id,full_name,email,phone,iin,city,note\n")
	for i := range n {
		fmt.Fprintf(&b, "%d,Ivanov Ivan %d,ivan.%d@example.kz,+7701%07d,87041230%04d,Almaty,\"said \"\"hi\"\", left\"\n",
			i, i, i, i, i%10000)
	}
	return []byte(b.String())
}

func benchExtract(b *testing.B, name, kind string, data []byte) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		err := Extract(context.Background(), name, kind, bytes.NewReader(data), int64(len(data)), nullSink{}, DefaultLimits())
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExtractCSV measures CSV extraction throughput (MB/s) on an 8 MB file.
func BenchmarkExtractCSV(b *testing.B) {
	benchExtract(b, "people.csv", KindCSV, peopleCSV(90_000))
}

// BenchmarkExtractText measures line extraction throughput on the same bytes read as a log.
func BenchmarkExtractText(b *testing.B) {
	benchExtract(b, "people.log", KindText, peopleCSV(90_000))
}

// BenchmarkExtractJSONL measures JSON Lines throughput.
func BenchmarkExtractJSONL(b *testing.B) {
	var s strings.Builder
	for i := range 40_000 {
		fmt.Fprintf(&s, `{"id":%d,"name":"Ivan %d","contact":{"email":"i%d@x.kz"},"emb":[0.1,0.2,0.3]}`+"\n", i, i, i)
	}
	benchExtract(b, "events.jsonl", KindJSONL, []byte(s.String()))
}

// BenchmarkDetectFaces measures pigo on a 640×480 photo (pigo's sample portrait on a
// canvas, or a synthetic image when the sample is not at hand): no downscaling happens.
func BenchmarkDetectFaces(b *testing.B) {
	canvas := image.NewRGBA(image.Rect(0, 0, 640, 480))
	draw.Draw(canvas, canvas.Bounds(), testImage(640, 480), image.Point{}, draw.Src)
	if sample, err := loadPigoSample(); err == nil {
		if img, err := jpeg.Decode(bytes.NewReader(sample)); err == nil {
			draw.Draw(canvas, img.Bounds().Add(image.Pt(160, 40)), img, image.Point{}, draw.Src)
		}
	}
	b.ReportAllocs()
	faces := 0
	for b.Loop() {
		faces = len(DetectFaces(canvas))
	}
	b.ReportMetric(float64(faces), "faces")
}

// BenchmarkExtractImage measures a whole 1920×1080 JPEG: decode, downscale and detect.
func BenchmarkExtractImage(b *testing.B) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, testImage(1920, 1080), nil); err != nil {
		b.Fatal(err)
	}
	benchExtract(b, "photo.jpg", KindImage, buf.Bytes())
}

// BenchmarkExtractCorpus measures extraction alone (no detection, no hashing), on one core,
// over the generated corpus that 'dpia scan' is compared with ripgrep on: 8 MiB of each kind
// (DPIA_BENCH_CORPUS_MB to change). It is the floor under the detection pass: what reading
// lines, parsing CSV and flattening JSON cost before any value is looked at.
func BenchmarkExtractCorpus(b *testing.B) {
	mb := int64(8)
	if v, err := strconv.Atoi(os.Getenv("DPIA_BENCH_CORPUS_MB")); err == nil && v > 0 {
		mb = int64(v)
	}
	for _, kind := range []struct{ gen, extract string }{{"csv", KindCSV}, {"jsonl", KindJSONL}, {"txt", KindText}} {
		b.Run(kind.gen, func(b *testing.B) {
			dir := b.TempDir()
			m, err := corpus.Generate(dir, corpus.Options{Seed: 1, Bytes: mb << 20, Kinds: []string{kind.gen}})
			if err != nil {
				b.Fatal(err)
			}
			files := make([][]byte, len(m.Files))
			for i, f := range m.Files {
				if files[i], err = os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Path))); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(m.Bytes)
			b.ReportAllocs()
			for b.Loop() {
				for i, data := range files {
					err := Extract(context.Background(), m.Files[i].Path, kind.extract, bytes.NewReader(data), int64(len(data)), nullSink{}, DefaultLimits())
					if err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
