package exports

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/dpia-tool/dpia/assessment"
)

func render(t *testing.T, format string, r *Report) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, format, r, Options{Uncompressed: true}); err != nil {
		t.Fatalf("Write(%s): %v", format, err)
	}
	return b.Bytes()
}

func TestGoldenReports(t *testing.T) {
	r := fixtureReport(t)
	for _, tc := range []struct{ format, file string }{
		{"md", "report.md.golden"}, {"json", "report.json.golden"}, {"pdf", "report.pdf.golden"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			got := render(t, tc.format, r)
			if again := render(t, tc.format, fixtureReport(t)); !bytes.Equal(got, again) {
				t.Fatalf("%s output is not deterministic", tc.format)
			}
			golden(t, tc.file, got)
		})
	}
}

func TestNewReport(t *testing.T) {
	r := fixtureReport(t)
	var ids []string
	for _, a := range r.Answers {
		ids = append(ids, a.ID)
	}
	wantIDs := []string{"system.purpose", "data.sources", "data.scale", "biometric.used", "security.key_rotation", "removed.question"}
	if !reflect.DeepEqual(ids, wantIDs) {
		t.Fatalf("answer order = %v, want %v", ids, wantIDs)
	}
	byID := map[string]Answer{}
	for _, a := range r.Answers {
		byID[a.ID] = a
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"labels", byID["data.sources"].Display, "Scraped from the public web, Partners"},
		{"note", byID["data.sources"].Note, "Crawled since 2017; «кавычки» & <angle> | pipe."},
		{"hidden not counted", byID["security.key_rotation"].Counted, false},
		{"counted", byID["biometric.used"].Counted, true},
		{"unknown question kept", byID["removed.question"].Display, "kept"},
		{"unknown not counted", byID["removed.question"].Counted, false},
		{"section title", byID["biometric.used"].Section, "Biometric data"},
		{"question text", byID["data.scale"].Question, "How many people does the processing concern?"},
		{"finding views", len(r.Findings), len(r.Result.Findings)},
		{"read question", r.Findings[1].Reads[1].Question, "How many people does the processing concern?"},
		{"read label", r.Findings[1].Reads[1].Value, "More than a million"},
		{"read evidence", r.Findings[1].Reads[2], Read{ID: "evidence.face_image", Question: "Evidence: face_image detections", Value: "12", Evidence: true}},
		{"text answer verbatim", r.Findings[2].Reads[1].Value, "Identify people"},
		{"law from pack", r.Findings[1].Law.LawName, "Regulation (EU) 2016/679 (General Data Protection Regulation)"},
		{"law fallback", r.Findings[3].Law.LawName, "Illinois BIPA"},
		{"citations", len(r.Findings[1].Citations), 2},
		{"mitigation reads", r.Findings[1].Mitigations[0][0].Question, "Is the data encrypted at rest and in transit?"},
		{"pack source", r.Packs[1].Source, "adilet.zan.kz/eng/docs/Z1300000094"},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
		}
	}
	in := fixtureInput(t)
	in.Lang = "kk"
	kk, err := NewReport(in)
	if err != nil {
		t.Fatal(err)
	}
	if kk.Answers[0].Question != "Жүйе не істейді және қандай мақсатпен?" {
		t.Errorf("Kazakh question text = %q", kk.Answers[0].Question)
	}
}

func TestContentHash(t *testing.T) {
	in := fixtureInput(t)
	h1, err := ContentHash(in.Result, in.Answers, in.Notes)
	if err != nil || len(h1) != 64 {
		t.Fatalf("ContentHash = %q, %v", h1, err)
	}
	in.Notes["data.scale"] = "changed"
	h2, _ := ContentHash(in.Result, in.Answers, in.Notes)
	in.Result.Findings[0].Residual = "low"
	h3, _ := ContentHash(in.Result, in.Answers, in.Notes)
	if h1 == h2 || h2 == h3 {
		t.Fatalf("hash does not follow the content: %s %s %s", h1, h2, h3)
	}
}

func TestUnknownFormat(t *testing.T) {
	err := Write(&bytes.Buffer{}, "docx", fixtureReport(t), Options{})
	if !errors.Is(err, ErrUnknownFormat) || !strings.Contains(err.Error(), `"docx"`) {
		t.Fatalf("Write(docx) = %v", err)
	}
}

// TestJSONIsContractC3 checks that the C3 keys sit at the top level, unchanged, beside the
// report object.
func TestJSONIsContractC3(t *testing.T) {
	r := fixtureReport(t)
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(render(t, "json", r), &doc); err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(r.Result)
	var c3 map[string]json.RawMessage
	json.Unmarshal(want, &c3)
	for k, v := range c3 {
		var a, b any
		json.Unmarshal(v, &a)
		json.Unmarshal(doc[k], &b)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("key %q differs from the Result", k)
		}
	}
	var meta struct {
		GeneratedAt  string `json:"generated_at"`
		AssessmentID string `json:"assessment_id"`
		ContentHash  string `json:"content_hash"`
		Packs        []struct{ Pack, Version string }
	}
	if err := json.Unmarshal(doc["report"], &meta); err != nil {
		t.Fatal(err)
	}
	if meta.GeneratedAt != "2026-03-14T09:30:00Z" || meta.AssessmentID != "a-0c0ffee0" || meta.ContentHash != r.ContentHash ||
		len(meta.Packs) != 2 || meta.Packs[1].Version != "No. 94-V of 21 May 2013, as amended" {
		t.Fatalf("report object = %+v", meta)
	}
	if len(doc) != len(c3)+1 {
		t.Fatalf("top-level keys: %d, want the %d of C3 and report", len(doc), len(c3))
	}
}

func TestMarkdownContent(t *testing.T) {
	md := string(render(t, "md", fixtureReport(t)))
	for _, want := range []string{
		"# DPIA report: " + kazakhName, "**EU AI Act tier: PROHIBITED**", "## Findings (4)",
		`No public retention policy \| pipes and &lt;tags>`, "    - How many people does the processing concern? (`data.scale`): More than a million",
		"## Action plan", "| 1 | 1 — immediately | CRITICAL | Stop scraping and delete the database. |",
		"  - Note: Crawled since 2017; «кавычки» & &lt;angle> | pipe.", longAnswer, "9001******23",
		"*kept but not counted*",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
}

// TestPDFText extracts the PDF's text with pdftotext and checks that the Kazakh name, the
// section titles, a finding and the whole 5,000-character answer are there.
func TestPDFText(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) is not installed")
	}
	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(path, render(t, "pdf", fixtureReport(t)), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	text := string(out)
	for _, want := range []string{
		"Қазақстан бет тану жүйесі", "әғқңөұүһі", "Executive summary", "Risk heat map", "Findings by severity",
		"Serious findings", "Scenario comparison", "Evidence inventory", "Answers", "Action plan", "Sign-off", "Contents",
		"Facial recognition database built by untargeted scraping", "Нет согласия субъекта", "PROHIBITED", "Page 3 of",
		"9001******23", "Әлия Сәрсенова",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	squash := func(s string) string { return strings.Join(strings.Fields(s), "") }
	flat := squash(bodyText(text))
	for _, whole := range []string{longAnswer, longWord} {
		if !strings.Contains(flat, squash(whole)) {
			t.Errorf("PDF text lacks the whole of a %d-character text", len([]rune(whole)))
		}
	}
}

// runningLines matches the running header and footer lines pdftotext puts between the lines
// of text that runs over a page break.
var runningLines = regexp.MustCompile(`(?m)^(\f?DPIA report · .*|Generated \d{4}-\d\d-\d\d \d\d:\d\d UTC|Content hash [0-9a-f]{16}…|Page \d+ of \d+)$`)

// bodyText removes the running header and footer from extracted text.
func bodyText(text string) string { return runningLines.ReplaceAllString(text, "") }

// TestHandBuiltReport writes every format from a Report literal with no views, no evidence
// and no detections, as a caller might build it.
func TestHandBuiltReport(t *testing.T) {
	r := &Report{Result: fixtureResult()}
	for _, format := range Formats {
		if err := Write(io.Discard, format, r, Options{}); err != nil {
			t.Errorf("%s: %v", format, err)
		}
	}
}

// TestPDFTallRow puts a recommendation taller than a page in the action plan table: it is
// written as paragraphs, whole.
func TestPDFTallRow(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) is not installed")
	}
	in := fixtureInput(t)
	tall := strings.Repeat("Ұсыныс: деректерді жойыңыз and document it. ", 160) + "END-OF-RECOMMENDATION"
	in.Result.Findings[3].Recommendation = tall
	r, err := NewReport(in)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "tall.pdf")
	os.WriteFile(path, render(t, "pdf", r), 0o600)
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	squash := func(s string) string { return strings.Join(strings.Fields(s), "") }
	if n := strings.Count(squash(bodyText(string(out))), squash(tall)); n < 2 {
		t.Fatalf("the tall recommendation appears whole %d times, want at least 2 (finding page and action plan)", n)
	}
}

func TestTOCFit(t *testing.T) {
	toc := []tocEntry{{title: "A"}, {title: "Serious findings"}}
	for i := range 50 {
		toc = append(toc, tocEntry{title: fmt.Sprint("f", i), level: 1, page: i + 5})
	}
	toc = append(toc, tocEntry{title: "Answers"}, tocEntry{title: "Sign-off"})
	got := tocFit(toc, 20)
	if len(got) != 20 {
		t.Fatalf("%d lines for a capacity of 20", len(got))
	}
	if got[17].title != "… and 35 more findings (see the bookmarks)" || got[18].title != "Answers" || got[19].title != "Sign-off" {
		t.Fatalf("toc tail = %+v", got[15:])
	}
	if all := tocFit(toc, 100); len(all) != len(toc) {
		t.Fatalf("with room, %d of %d lines", len(all), len(toc))
	}
}

// TestUndecidedVerdicts: a result whose laws' scope is still undecided reports the AI Act tier,
// the DPIA and the overall risk as undecided, not as out of scope, not required and low.
func TestUndecidedVerdicts(t *testing.T) {
	in := fixtureInput(t)
	in.Result = assessment.Result{System: in.Result.System, Jurisdictions: map[string]string{}, Findings: []assessment.Finding{},
		AIAct: assessment.AIAct{Tier: assessment.TierOutOfScope, Reasons: []string{"Whether the EU AI Act applies is not decided until answered: subjects.locations = (unanswered)."}},
		DPIA:  assessment.DPIA{Criteria: []string{}, Cases: []string{}, Reasons: []string{}, Undecided: true},
		Risk:  assessment.Risk{Inherent: "low", Residual: "low"},
		Laws:  []assessment.LawScope{{Pack: "eu-ai-act", Law: "eu_ai_act", Jurisdiction: "eu", Undecided: true}}}
	r, err := NewReport(in)
	if err != nil {
		t.Fatal(err)
	}
	md := string(render(t, "md", r))
	for _, want := range []string{"**EU AI Act tier: UNDECIDED**", "**DPIA required: UNDECIDED**",
		"**Overall risk:** Undecided: no law applies until the questions that decide their scope are answered."} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	if strings.Contains(md, "OUT OF SCOPE") || strings.Contains(md, "residual LOW") {
		t.Errorf("markdown still states a verdict:\n%s", md)
	}
}
