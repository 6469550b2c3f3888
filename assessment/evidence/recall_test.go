package evidence

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/dpia-tool/dpia/assessment/evidence/corpus"
	"github.com/dpia-tool/dpia/assessment/evidence/detect"
)

// TestRecallPrecision scans a generated corpus with planted values and decoys and demands the
// exact planted count for every planted type: a missed value makes a count too low, a
// reported decoy (a 12-digit number with a wrong check digit, a 16-digit number failing Luhn,
// a KZ IBAN failing mod-97, a version string or netmask read as an IP) makes it too high.
// The generator plants e-mails, phones and IPs only in unambiguous contexts, so their counts
// are exact as well.
func TestRecallPrecision(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "corpus")
	m, err := corpus.Generate(dir, corpus.Options{Seed: 7, Bytes: 3 << 20, FileBytes: 256 << 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range corpus.PlantedTypes {
		if m.Planted[typ] < 50 {
			t.Fatalf("corpus plants only %d %s values; the test needs more", m.Planted[typ], typ)
		}
	}
	for _, k := range []string{corpus.DecoyIIN, corpus.DecoyBIN, corpus.DecoyCard, corpus.DecoyIBAN, corpus.DecoyVersion, corpus.DecoyNetmask} {
		if m.Decoys[k] == 0 {
			t.Fatalf("corpus has no %s decoys", k)
		}
	}
	files := map[string]corpus.File{}
	for _, f := range m.Files {
		files[f.Path] = f
	}
	got := map[string]int{}
	opts := Options{Detector: detect.New(make([]byte, 32)), KeepDetections: -1}
	_, err = Scan(context.Background(), []string{dir}, opts, func(r FileResult) error {
		if r.Status != StatusIndexed {
			t.Errorf("%s: %s (%s)", r.Path, r.Status, r.Reason)
		}
		rel, _ := filepath.Rel("corpus", filepath.FromSlash(r.Path))
		want, ok := files[filepath.ToSlash(rel)]
		if !ok {
			t.Errorf("unexpected file %s", r.Path)
			return nil
		}
		for _, typ := range corpus.PlantedTypes {
			got[typ] += r.Counts[typ]
			if r.Counts[typ] != want.Planted[typ] {
				t.Errorf("%s: %s found %d, planted %d", r.Path, typ, r.Counts[typ], want.Planted[typ])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range corpus.PlantedTypes {
		if got[typ] != m.Planted[typ] {
			t.Errorf("%s: found %d, planted %d (decoys: %v)", typ, got[typ], m.Planted[typ], m.Decoys)
		}
	}
	if len(got) == 0 {
		t.Fatal("nothing found")
	}
}
