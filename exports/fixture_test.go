package exports

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dpia-tool/dpia/assessment"
	q "github.com/dpia-tool/dpia/questionnaires"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// kazakhName is the system name the PDF must render.
const kazakhName = "Қазақстан бет тану жүйесі — әғқңөұүһі"

// longWord is longer than any table column.
var longWord = "Gesichtserkennungsdatenbankbetreiberverantwortlichkeitsverordnungsentwurfsbegründung"

// longAnswer is a 5,000-character answer that must appear whole in every report.
var longAnswer = func() string {
	var b strings.Builder
	for i := 1; utf8.RuneCountInString(b.String()) < 4990; i++ {
		fmt.Fprintf(&b, "Сөйлем %03d: жүйе суреттерді жинайды and matches faces. ", i)
	}
	s := []rune(b.String())
	return string(s[:4986]) + " END-OF-ANSWER"
}()

func testSet(tb testing.TB) *q.Set {
	tb.Helper()
	names, err := filepath.Glob("testdata/packs/*.yaml")
	if err != nil || len(names) == 0 {
		tb.Fatalf("test packs: %v", err)
	}
	var files []q.NamedFile
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			tb.Fatal(err)
		}
		files = append(files, q.NamedFile{Name: filepath.ToSlash(n), Data: b})
	}
	set, err := q.Build(files, nil)
	if err != nil {
		tb.Fatalf("build test packs: %v", err)
	}
	return set
}

// fixtureResult is a fixed Result in the shape the engine gives (sorted findings).
func fixtureResult() assessment.Result {
	return assessment.Result{
		System: assessment.System{Name: kazakhName, Description: "Система распознавания лиц по фотографиям из открытых источников."},
		AIAct: assessment.AIAct{Tier: "prohibited", Reasons: []string{
			"Art. 5(1)(e): Facial recognition database built by untargeted scraping of facial images (because data.sources = scraped_public_web)"}},
		DPIA: assessment.DPIA{Required: true, Criteria: []string{"sensitive_data", "large_scale"}, Cases: []string{"art35_3_b"},
			Reasons: []string{"Sensitive data (WP248 criterion 4): biometric.used = yes", "Large scale (WP248 criterion 5): data.scale = over_1m"}},
		Risk:          assessment.Risk{Inherent: "critical", Residual: "critical"},
		Jurisdictions: map[string]string{"eu": "critical", "kz": "high", "us_il": "medium"},
		Findings:      fixtureFindings(),
		Scenarios: []assessment.ScenarioMatch{
			{ID: "clearview", Title: "Clearview AI — face search engine", Similarity: 0.82,
				Matched: []string{"Facial images scraped from the public web", "More than a million people"}, Missing: []string{"Sold to police"}},
			{ID: "retail", Title: "Shop face recognition", Similarity: 0.2, Matched: []string{}, Missing: []string{"Live identification in shops"}},
		},
		Completeness: 0.83,
		Laws: []assessment.LawScope{
			{Pack: "gdpr", Law: "gdpr", Jurisdiction: "eu", Version: "OJ L 119, 4.5.2016", CurrentTo: "2026-09-30", Applies: true, Reason: "applies to every assessment"},
			{Pack: "kz-pdl", Law: "kz_pdl", Jurisdiction: "kz", Version: "No. 94-V of 21 May 2013, as amended", CurrentTo: "2026-06-30", Applies: true, Reason: "applies to every assessment"},
		},
		Hidden:     []string{"security.key_rotation"},
		Unanswered: []string{"security.encryption"},
	}
}

func fixtureFindings() []assessment.Finding {
	return []assessment.Finding{
		{ID: "ai_act.5_1_e.scraping", Title: "Facial recognition database built by untargeted scraping", Law: "eu_ai_act",
			Article: "5(1)(e)", Outcome: "prohibited", Jurisdiction: "eu", Severity: 4, Likelihood: 4, Inherent: "critical",
			ResidualSeverity: 4, ResidualLikelihood: 4, Residual: "critical", Because: []string{"data.sources = scraped_public_web"},
			Mitigations: []assessment.AppliedMitigation{}, Explanation: "The practice is banned outright.",
			Recommendation: "Stop scraping and delete the database.", Penalty: "Art. 99(3): up to EUR 35,000,000 or 7% of turnover.",
			Evidence: []string{"face_image"}, EvidenceFound: map[string]int{"face_image": 12}, Pack: "eu-ai-act"},
		{ID: "gdpr.9_1.biometric", Title: "Biometric data without an Art. 9(2) exception " + longWord, Law: "gdpr", Article: "9(1)",
			Outcome: "obligation", Jurisdiction: "eu", Severity: 4, Likelihood: 4, Inherent: "critical", ResidualSeverity: 4,
			ResidualLikelihood: 3, Residual: "critical", Because: []string{"biometric.used = yes", "data.scale = over_1m", "evidence.face_image = 12"},
			Mitigations: []assessment.AppliedMitigation{{ID: "encrypted", Text: "Data is encrypted", Likelihood: 1,
				Because: []string{"security.encryption = yes"}}},
			Recommendation: "Obtain explicit consent or stop the processing.", Penalty: "Art. 83(5): up to EUR 20,000,000 or 4%.",
			Note: "Legitimate interests never lift Art. 9(1).", Evidence: []string{}, Pack: "gdpr"},
		{ID: "kz_pdl.8.consent", Title: "Нет согласия субъекта на сбор биометрических данных", Law: "kz_pdl", Article: "8",
			Outcome: "obligation", Jurisdiction: "kz", Severity: 3, Likelihood: 3, Inherent: "high", ResidualSeverity: 3,
			ResidualLikelihood: 3, Residual: "high", Because: []string{"biometric.used = yes", "system.purpose = Identify people"},
			Mitigations: []assessment.AppliedMitigation{}, Recommendation: "Obtain explicit consent or stop the processing.",
			Evidence: []string{}, Pack: "kz-pdl"},
		{ID: "bipa.15_a.policy", Title: "No public retention policy | pipes and <tags>", Law: "us_il_bipa", Article: "15(a)",
			Outcome: "obligation", Jurisdiction: "us_il", Severity: 2, Likelihood: 3, Inherent: "medium", ResidualSeverity: 2,
			ResidualLikelihood: 2, Residual: "medium", Because: []string{"biometric.used = yes"},
			Mitigations: []assessment.AppliedMitigation{}, Recommendation: "Publish a retention and destruction policy.",
			Evidence: []string{}, Pack: "us-il-bipa"},
	}
}

var fixtureTime = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

func fixtureInput(tb testing.TB) Input {
	return Input{
		Result: fixtureResult(),
		Meta: Meta{AssessmentID: "a-0c0ffee0", Name: "Бет тану (pilot)", Owner: "Әлия Сәрсенова", Status: "in_review",
			GeneratedAt: fixtureTime, Source: "workspace"},
		Set: testSet(tb),
		Answers: map[string][]string{
			"system.purpose": {longAnswer}, "data.sources": {"scraped_public_web", "partners"}, "data.scale": {"over_1m"},
			"biometric.used": {"yes"}, "security.key_rotation": {"no"}, "removed.question": {"kept"},
		},
		Notes: map[string]string{"data.sources": "Crawled since 2017; «кавычки» & <angle> | pipe.", "data.scale": "Over 30 billion images."},
		Evidence: []EvidenceFile{
			{Path: "samples/users.csv", SHA256: strings.Repeat("a1", 32), Size: 1234, Mime: "text/csv", Status: "indexed",
				Counts: map[string]int{"email": 120, "kz_iin": 118}, Examples: []Example{
					{Type: "email", Where: "line 2, column email", Preview: "a***@m***.kz"},
					{Type: "kz_iin", Where: "line 2, column iin", Preview: "9001******23"}}},
			{Path: "photos.zip!faces/001.jpg", SHA256: strings.Repeat("b2", 32), Size: 56789, Mime: "image/jpeg", Status: "indexed",
				Counts: map[string]int{"face_image": 12}},
			{Path: "broken.pdf", SHA256: strings.Repeat("c3", 32), Size: 10, Mime: "application/pdf", Status: "failed",
				Reason: "not a PDF file", Counts: map[string]int{}},
		},
		Detections: detectionSource(3),
	}
}

func fixtureReport(tb testing.TB) *Report {
	tb.Helper()
	r, err := NewReport(fixtureInput(tb))
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// detectionSource yields n synthetic masked detections.
func detectionSource(n int) DetectionSource {
	types := []string{"email", "phone", "kz_iin", "face_image"}
	return func(yield func(Detection) error) error {
		for i := range n {
			d := Detection{File: fmt.Sprintf("samples/part-%03d.csv", i/1000), Type: types[i%len(types)],
				Where: fmt.Sprintf("line %d", i%1000+2), Confidence: 0.9, Preview: fmt.Sprintf("u***%d@e***.kz", i%97)}
			if err := yield(d); err != nil {
				return err
			}
		}
		return nil
	}
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run go test -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		out := filepath.Join(t.TempDir(), name)
		os.WriteFile(out, got, 0o644)
		t.Fatalf("%s differs from the golden file (%d vs %d bytes); got written to %s; run go test ./exports -update if the change is intended",
			name, len(got), len(want), out)
	}
}
