package answersfile

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/dpia-tool/dpia/assessment"
	q "github.com/dpia-tool/dpia/questionnaires"
)

func builtin(t testing.TB) *q.Set {
	t.Helper()
	set, err := q.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func TestParse(t *testing.T) {
	set := builtin(t)
	b, err := os.ReadFile("../../testdata/answers/facefind.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse("facefind.yaml", b, set)
	if err != nil {
		t.Fatal(err)
	}
	if f.System.Name != "FaceFind" || !reflect.DeepEqual(f.Packs, []string{"eu-ai-act", "gdpr", "kz-pdl", "us-il-bipa"}) {
		t.Errorf("system/packs: %+v %v", f.System, f.Packs)
	}
	want := map[string]q.Value{"data.sources": {"scraped_public_web"}, "biometric.used": {"yes"}, "data.scale": {"over_1m"}}
	if !reflect.DeepEqual(f.Answers, want) {
		t.Errorf("answers %v", f.Answers)
	}
	if f.Notes["data.sources"] != "Crawled from social networks since 2017." {
		t.Errorf("notes %v", f.Notes)
	}
}

func TestParseJSON(t *testing.T) {
	set := builtin(t)
	f, err := Parse("a.json", []byte(`{"system": {"name": "Кассир"}, "answers": {"biometric.used": true, "data.sources": ["scraped_public_web"], "data.personal": false}}`), set)
	if err != nil {
		t.Fatal(err)
	}
	if f.System.Name != "Кассир" || f.Answers["biometric.used"][0] != "yes" || f.Answers["data.personal"][0] != "no" {
		t.Errorf("%+v", f)
	}
}

func TestParseErrors(t *testing.T) {
	set := builtin(t)
	tests := []struct {
		name, src, want string
	}{
		{"unknown id", "answers:\n  biometric.usedd: yes\n", `x.yaml:2:3: unknown question id "biometric.usedd"`},
		{"value outside options", "answers:\n  data.scale: huge\n", `x.yaml:2:15: question "data.scale": value "huge" is not one of its options`},
		{"value outside options in a list", "answers:\n  data.sources: [scraped_public_web, scraped_web]\n", `question "data.sources": value "scraped_web" is not one of its options`},
		{"two values for a single question", "answers:\n  data.scale: [under_1k, over_1m]\n", `question "data.scale" takes one value`},
		{"yes_no value", "answers:\n  biometric.used: maybe\n", `value "maybe" is not one of its options (yes, no, unknown)`},
		{"syntax", "answers: [\n", "x.yaml:1:"},
		{"not a mapping", "- a\n- b\n", "expected a mapping"},
		{"unknown field", "answer:\n  data.scale: over_1m\n", `x.yaml:1:1: unknown field "answer"`},
		{"unknown pack", "packs: [gdpr, ccpa]\n", `x.yaml:1:15: unknown pack "ccpa"`},
		{"nested value", "answers:\n  data.sources: {a: 1}\n", "x.yaml:2:17: expected a plain value"},
		{"answered twice", "answers:\n  data.scale: over_1m\n  data.scale: under_1k\n", "x.yaml:3:"},
		{"note for unknown question", "notes:\n  nope: text\n", `note for unknown question id "nope"`},
		{"empty", "  \n", "file is empty"},
		{"two documents", "answers: {}\n---\nanswers: {}\n", "expected one YAML document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("x.yaml", []byte(tt.src), set)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestHiddenAnswerIsNotAnError(t *testing.T) {
	set := builtin(t)
	f, err := Parse("x.yaml", []byte("answers:\n  biometric.used: no\n  biometric.modalities: [face]\n"), set)
	if err != nil {
		t.Fatalf("an answer to a hidden question must be kept, not rejected: %v", err)
	}
	if !reflect.DeepEqual(f.Answers["biometric.modalities"], q.Value{"face"}) {
		t.Errorf("hidden answer not kept: %v", f.Answers)
	}
}

// TestRoundTrip: Marshal then Parse gives the same file, and Marshal is stable.
func TestRoundTrip(t *testing.T) {
	set := builtin(t)
	files, _ := filepath.Glob("../../testdata/answers/*.yaml")
	for _, name := range files {
		t.Run(filepath.Base(name), func(t *testing.T) {
			b, _ := os.ReadFile(name)
			f, err := Parse(name, b, set)
			if err != nil {
				t.Fatal(err)
			}
			out, err := Marshal(f, set)
			if err != nil {
				t.Fatal(err)
			}
			g, err := Parse("out.yaml", out, set)
			if err != nil {
				t.Fatalf("re-parse: %v\n%s", err, out)
			}
			if !reflect.DeepEqual(f, g) {
				t.Errorf("round trip differs:\n%+v\n%+v", f, g)
			}
			out2, _ := Marshal(g, set)
			if !bytes.Equal(out, out2) {
				t.Errorf("marshal not stable:\n%s\n---\n%s", out, out2)
			}
		})
	}
}

func TestMarshalKeepsMultilineAndUnicode(t *testing.T) {
	set := builtin(t)
	f := &File{System: systemOf("Қазақ жүйесі"), Answers: map[string]q.Value{
		"system.purpose": {"Line one: with colon\nLine two # not a comment"},
		"data.sources":   {"scraped_public_web", "third_party"},
		"biometric.used": {"no"},
	}, Notes: map[string]string{"biometric.used": "«Ескерту» — yes: really"}}
	out, err := Marshal(f, set)
	if err != nil {
		t.Fatal(err)
	}
	g, err := Parse("x.yaml", out, set)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !reflect.DeepEqual(f.Answers, g.Answers) || !reflect.DeepEqual(f.Notes, g.Notes) || g.System.Name != "Қазақ жүйесі" {
		t.Errorf("differs:\n%s\n%+v", out, g)
	}
}

// FuzzParse: arbitrary bytes never panic the answers-file parser, and whatever parses
// survives a Marshal/Parse round trip.
func FuzzParse(f *testing.F) {
	set := builtin(f)
	files, _ := filepath.Glob("../../testdata/answers/*.yaml")
	for _, name := range files {
		b, _ := os.ReadFile(name)
		f.Add(b)
	}
	f.Add([]byte(`{"answers": {"biometric.used": true}}`))
	f.Add([]byte("answers:\n  data.sources: [a, b]\n  system.purpose: |\n    x\n"))
	f.Add([]byte("answers: &a\n  data.scale: *a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("fuzz.yaml", data, set)
		if err != nil {
			return
		}
		out, err := Marshal(file, set)
		if err != nil {
			t.Fatalf("marshal of parsed file failed: %v", err)
		}
		if _, err := Parse("again.yaml", out, set); err != nil {
			t.Fatalf("re-parse failed: %v\n%s", err, out)
		}
	})
}

func systemOf(name string) assessment.System { return assessment.System{Name: name} }
