package demo

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	q "github.com/dpia-tool/dpia/questionnaires"
)

func TestAnswersParse(t *testing.T) {
	set, err := q.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	f, err := Answers(set)
	if err != nil {
		t.Fatal(err)
	}
	if f.System.Name != "FaceFind" || len(f.Answers) < 20 || len(f.Notes) == 0 {
		t.Fatalf("demo answers: %+v", f.System)
	}
}

func TestIINCheckDigit(t *testing.T) {
	tests := []struct {
		iin  string
		want bool
	}{
		{"950101300038", false}, // check digit does not match
		{IIN(rand.New(rand.NewPCG(1, 2))), true},
		{IIN(rand.New(rand.NewPCG(3, 4))), true},
	}
	for _, tt := range tests {
		c, ok := iinCheck(tt.iin)
		got := ok && int(tt.iin[11]-'0') == c
		if got != tt.want {
			t.Errorf("IIN %s valid = %v, want %v", tt.iin, got, tt.want)
		}
	}
}

func TestWriteSamplesIsDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	pa, err := WriteSamples(a)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := WriteSamples(b); err != nil {
		t.Fatal(err)
	}
	for _, p := range pa {
		x, _ := os.ReadFile(p)
		y, _ := os.ReadFile(filepath.Join(b, filepath.Base(p)))
		if len(x) == 0 || !bytes.Equal(x, y) {
			t.Errorf("%s differs between runs or is empty", filepath.Base(p))
		}
	}
}
