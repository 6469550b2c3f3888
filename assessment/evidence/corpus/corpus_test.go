package corpus

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/dpia-tool/dpia/assessment/evidence/detect"
)

// TestValues checks the generator's values against the detector's validators: planted
// values pass, decoys fail.
func TestValues(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 5000; i++ {
		if v := iin(r); !detect.ValidIIN(v) || detect.ValidBIN(v) {
			t.Fatalf("iin %s", v)
		}
		if v := bin(r); !detect.ValidBIN(v) || detect.ValidIIN(v) {
			t.Fatalf("bin %s", v)
		}
		if v := badCheck(r, iin(r)); detect.ValidIIN(v) || detect.ValidBIN(v) {
			t.Fatalf("iin decoy %s", v)
		}
		if v := badCheck(r, bin(r)); detect.ValidIIN(v) || detect.ValidBIN(v) {
			t.Fatalf("bin decoy %s", v)
		}
		if v := card(r); !detect.Luhn(v) || len(v) != 16 {
			t.Fatalf("card %s", v)
		}
		if v := badLuhn(r); detect.Luhn(v) {
			t.Fatalf("card decoy %s", v)
		}
		if v := iban(r); !detect.ValidIBAN(v) || !detect.ValidIBAN(groups4(v, " ")) || len(v) != 20 {
			t.Fatalf("iban %s", v)
		}
		if v := badIBAN(r); detect.ValidIBAN(v) {
			t.Fatalf("iban decoy %s", v)
		}
	}
}

func TestGenerateDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	opts := Options{Seed: 3, Bytes: 300 << 10, FileBytes: 64 << 10}
	ma, err := Generate(a, opts)
	if err != nil {
		t.Fatal(err)
	}
	mb, err := Generate(b, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(ma.Files) != len(mb.Files) || ma.Bytes != mb.Bytes {
		t.Fatalf("manifests differ: %d/%d files, %d/%d bytes", len(ma.Files), len(mb.Files), ma.Bytes, mb.Bytes)
	}
	if ma.Bytes < opts.Bytes || ma.Bytes > opts.Bytes+4096 {
		t.Errorf("wrote %d bytes, asked %d", ma.Bytes, opts.Bytes)
	}
	for _, f := range ma.Files {
		x, _ := os.ReadFile(filepath.Join(a, f.Path))
		y, _ := os.ReadFile(filepath.Join(b, f.Path))
		if !bytes.Equal(x, y) || int64(len(x)) != f.Bytes {
			t.Fatalf("%s differs between runs or from the manifest", f.Path)
		}
	}
	for _, typ := range PlantedTypes {
		if ma.Planted[typ] == 0 {
			t.Errorf("nothing planted of %s", typ)
		}
	}
}
