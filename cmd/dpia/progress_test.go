package main

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/dpia-tool/dpia/assessment/evidence"
)

func TestProgressLine(t *testing.T) {
	bar := newProgressBar(termenv.Ascii)
	mid := evidence.Progress{FilesDone: 3, FilesTotal: 12, Bytes: 25 << 20, BytesTotal: 100 << 20, MBps: 17.25,
		Detections: 4210, Current: "выгрузка/клиенты/2024/анкеты_сотрудников.csv"}
	tests := []struct {
		name  string
		p     evidence.Progress
		width int
		want  []string // pieces the line holds, in order
		not   []string
	}{
		{"wide: everything", mid, 160, []string{"█", "░", " 25% · 3/12 files · 25.0 MiB of 100.0 MiB · 17.2 MB/s · 4210 found · выгрузка/клиенты/2024/анкеты_сотрудников.csv"}, nil},
		{"narrow: the end of the path", mid, 110, []string{" 25% · 3/12 files", "4210 found · …", "сотрудников.csv"}, []string{"выгрузка"}},
		{"too narrow for the path", mid, 90, []string{" 25% · 3/12 files", "4210 found"}, []string{"csv"}},
		{"tiny terminal", mid, 30, []string{"█", "…"}, []string{"files"}},
		{"walking", evidence.Progress{Walking: true}, 80, []string{"counting files…"}, []string{"%"}},
		{"no sizes: by files", evidence.Progress{FilesDone: 1, FilesTotal: 4}, 100, []string{" 25% · 1/4 files"}, nil},
		{"nothing to do", evidence.Progress{Done: true}, 100, []string{"  0% · 0/0 files"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line := progressLine(bar, tt.p, tt.width)
			if w := ansi.StringWidth(line); w >= tt.width {
				t.Errorf("%d cells wide on a %d-cell terminal: %q", w, tt.width, line)
			}
			if !utf8.ValidString(line) || strings.Contains(line, "\n") {
				t.Errorf("not one line of valid UTF-8: %q", line)
			}
			rest := line
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("%q lacks %q (in order)", line, w)
				}
				rest = rest[i+len(w):]
			}
			for _, n := range tt.not {
				if strings.Contains(line, n) {
					t.Errorf("%q holds %q", line, n)
				}
			}
		})
	}
}
