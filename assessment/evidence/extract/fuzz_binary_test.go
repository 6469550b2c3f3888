package extract

import (
	"os"
	"path/filepath"
	"testing"
)

// seedFiles adds the sample evidence files whose name ends in one of exts to a fuzz corpus.
func seedFiles(f *testing.F, exts ...string) {
	for _, ext := range exts {
		names, _ := filepath.Glob(filepath.Join("..", "..", "..", "testdata", "evidence", "*"+ext))
		for _, n := range names {
			if b, err := os.ReadFile(n); err == nil && len(b) < 1<<20 {
				f.Add(b)
			}
		}
	}
	f.Add([]byte{})
	f.Add([]byte("PK\x03\x04"))
}

// The binary formats' parsers are libraries (excelize, parquet-go, image decoders) or our own
// header readers; Extract must turn whatever they do with hostile bytes into an error.
func FuzzExtractXLSX(f *testing.F) {
	seedFiles(f, ".xlsx")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzExtract(t, KindXLSX, data, true) })
}

func FuzzExtractDOCX(f *testing.F) {
	seedFiles(f, ".docx")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzExtract(t, KindDOCX, data, false) })
}

func FuzzExtractParquet(f *testing.F) {
	seedFiles(f, ".parquet")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzExtract(t, KindParquet, data, true) })
}

func FuzzExtractImage(f *testing.F) {
	seedFiles(f, ".jpg", ".png")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzExtract(t, KindImage, data, true) })
}

func FuzzExtractAudio(f *testing.F) {
	seedFiles(f, ".wav", ".mp3", ".flac", ".ogg")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzExtract(t, KindAudio, data, false) })
}

func FuzzExtractBiometric(f *testing.F) {
	seedFiles(f, ".fmr", ".fir", ".fac", ".wsq")
	f.Add([]byte("FMR\x00 20\x00\x00\x00\x00\x20"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzExtract(t, KindBiometric, data, false) })
}

func FuzzSniff(f *testing.F) {
	seedFiles(f, ".csv", ".pdf", ".zip", ".jpg", ".wav", ".fmr")
	f.Fuzz(func(t *testing.T, data []byte) {
		kind, _ := Sniff("fuzz.bin", data)
		if kind == "" {
			t.Fatal("Sniff returned no kind")
		}
	})
}
