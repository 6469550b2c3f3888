package questionnaires

import (
	"strings"
	"testing"
)

func TestCheckYAMLInput(t *testing.T) {
	deepFlow := strings.Repeat("[", MaxYAMLDepth+1) + strings.Repeat("]", MaxYAMLDepth+1)
	deepSeq := strings.Repeat("- ", MaxYAMLDepth+1) + "x\n"
	var deepMaps strings.Builder
	for i := range MaxYAMLDepth + 2 {
		deepMaps.WriteString(strings.Repeat(" ", i) + "k:\n")
	}
	okFlow := strings.Repeat("[", MaxYAMLDepth-1) + strings.Repeat("]", MaxYAMLDepth-1)
	tests := []struct {
		name      string
		in        string
		line, col int
		msg       string
	}{
		{"plain pack", "id: p\nsections:\n  - id: s\n    questions: [a, {b: c}]\n", 0, 0, ""},
		{"brackets in plain text", strings.Repeat("text: see [1 and {2\n", 2*MaxYAMLDepth), 0, 0, ""},
		{"brackets in quotes", strings.Repeat("text: \"[[[[\" '{{{{'\n", MaxYAMLDepth), 0, 0, ""},
		{"quoted over lines", "text: \"a\n  [[[[\n  b\"\nnext: 1\n" + strings.Repeat("x: '[[[['\n", MaxYAMLDepth), 0, 0, ""},
		{"brackets in comments", strings.Repeat("a: 1 # [[[[\n", MaxYAMLDepth), 0, 0, ""},
		{"just under the limit", okFlow, 0, 0, ""},
		{"deep flow", deepFlow, 1, MaxYAMLDepth + 1, "nested deeper than 1000 levels"},
		{"deep sequences", deepSeq, 1, 2*MaxYAMLDepth + 1, "nested deeper than 1000 levels"},
		{"deep maps", deepMaps.String(), MaxYAMLDepth + 2, MaxYAMLDepth + 2, "nested deeper than 1000 levels"},
		{"invalid UTF-8", "id: p\ntitle: ок\xff\n", 2, 10, "invalid UTF-8 (byte 0xff)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line, col, msg := CheckYAMLInput([]byte(tt.in))
			if line != tt.line || col != tt.col || msg != tt.msg {
				t.Errorf("CheckYAMLInput = %d:%d %q, want %d:%d %q", line, col, msg, tt.line, tt.col, tt.msg)
			}
		})
	}
}

// Every built-in pack passes the guard (it must never refuse a real file).
func TestCheckYAMLInputBuiltin(t *testing.T) {
	files, err := builtinFS.ReadDir("packs")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		data, err := builtinFS.ReadFile("packs/" + f.Name())
		if err != nil {
			t.Fatal(err)
		}
		if line, col, msg := CheckYAMLInput(data); msg != "" {
			t.Errorf("%s:%d:%d: %s", f.Name(), line, col, msg)
		}
	}
}

func BenchmarkCheckYAMLInput(b *testing.B) {
	data, err := builtinFS.ReadFile("packs/02-gdpr.yaml")
	if err != nil {
		b.Skip(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		CheckYAMLInput(data)
	}
}
