package exports

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/dpia-tool/dpia/assessment"
)

// bigReport is the benchmark report: the fixture with nFindings findings (a quarter of each
// level, so about half get a page of their own), 100 evidence files and nDetections
// detections.
func bigReport(tb testing.TB, nFindings, nDetections int) *Report {
	in := fixtureInput(tb)
	base := fixtureFindings()
	in.Result.Findings = make([]assessment.Finding, 0, nFindings)
	for i := range nFindings {
		f := base[i%len(base)]
		f.ID = fmt.Sprintf("%s.%03d", f.ID, i)
		f.Title = fmt.Sprintf("%s (%d)", f.Title, i)
		f.Explanation = strings.Repeat("The rule explains why the practice is unlawful. ", 6)
		in.Result.Findings = append(in.Result.Findings, f)
	}
	in.Evidence = nil
	for i := range 100 {
		in.Evidence = append(in.Evidence, EvidenceFile{Path: fmt.Sprintf("samples/part-%03d.csv", i),
			SHA256: strings.Repeat("ab", 32), Size: 1 << 20, Mime: "text/csv", Status: "indexed",
			Counts:   map[string]int{"email": nDetections / 200, "phone": nDetections / 200},
			Examples: []Example{{Type: "email", Where: "line 2", Preview: "a***@e***.kz"}}})
	}
	in.Detections = detectionSource(nDetections)
	r, err := NewReport(in)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func benchmarkFormat(b *testing.B, format string) {
	r := bigReport(b, 300, 100_000)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := Write(io.Discard, format, r, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPDF writes the PDF of a report with 300 findings and 100,000 detections.
func BenchmarkPDF(b *testing.B) { benchmarkFormat(b, "pdf") }

// BenchmarkXLSX writes the workbook of a report with 300 findings and 100,000 detections
// (all of them streamed into the Detections sheet).
func BenchmarkXLSX(b *testing.B) { benchmarkFormat(b, "xlsx") }

// BenchmarkMarkdown and BenchmarkJSON are the text formats, for comparison.
func BenchmarkMarkdown(b *testing.B) { benchmarkFormat(b, "md") }

// BenchmarkJSON writes the JSON report.
func BenchmarkJSON(b *testing.B) { benchmarkFormat(b, "json") }
