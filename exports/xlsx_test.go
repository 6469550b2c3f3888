package exports

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func openXLSX(t *testing.T, b []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("reopen xlsx: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func rowsOf(t *testing.T, f *excelize.File, sheet string) [][]string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatalf("rows of %s: %v", sheet, err)
	}
	return rows
}

func TestXLSXSheets(t *testing.T) {
	r := fixtureReport(t)
	b := render(t, "xlsx", r)
	wellFormed(t, b)
	f := openXLSX(t, b)
	want := []string{SheetSummary, SheetRegister, SheetActions, SheetAnswers, SheetEvidence, SheetDetections, SheetScenarios}
	if got := f.GetSheetList(); !reflect.DeepEqual(got, want) {
		t.Fatalf("sheets = %v, want %v", got, want)
	}
	tests := map[string][][]string{
		SheetRegister: {
			RegisterHeader, // Owner, Due date and Status are empty below, so GetRows trims them
			{"ai_act.5_1_e.scraping", "EU AI Act", "Art. 5(1)(e)", "Facial recognition database built by untargeted scraping", "4", "4", "CRITICAL", "CRITICAL", "Stop scraping and delete the database."},
			{"gdpr.9_1.biometric", "GDPR", "Art. 9(1)", "Biometric data without an Art. 9(2) exception " + longWord, "4", "4", "CRITICAL", "CRITICAL", "Obtain explicit consent or stop the processing."},
			{"kz_pdl.8.consent", "KZ PDL", "Art. 8", "Нет согласия субъекта на сбор биометрических данных", "3", "3", "HIGH", "HIGH", "Obtain explicit consent or stop the processing."},
			{"bipa.15_a.policy", "Illinois BIPA", "Sec. 15(a)", "No public retention policy | pipes and <tags>", "2", "3", "MEDIUM", "MEDIUM", "Publish a retention and destruction policy."},
		},
		SheetActions: {
			{"#", "Priority", "Level", "Recommendation", "Findings", "Articles"},
			{"1", "1 — immediately", "CRITICAL", "Stop scraping and delete the database.", "ai_act.5_1_e.scraping", "EU AI Act Art. 5(1)(e)"},
			{"2", "1 — immediately", "CRITICAL", "Obtain explicit consent or stop the processing.", "gdpr.9_1.biometric\nkz_pdl.8.consent", "GDPR Art. 9(1)\nKZ PDL Art. 8"},
			{"3", "3 — planned", "MEDIUM", "Publish a retention and destruction policy.", "bipa.15_a.policy", "Illinois BIPA Sec. 15(a)"},
		},
		SheetDetections: {
			DetectionsHeader,
			{"samples/part-000.csv", "email", "line 2", "0.9", "u***0@e***.kz"},
			{"samples/part-000.csv", "phone", "line 3", "0.9", "u***1@e***.kz"},
			{"samples/part-000.csv", "kz_iin", "line 4", "0.9", "u***2@e***.kz"},
		},
		SheetScenarios: {
			{"ID", "Scenario", "Similarity", "Matched traits", "Missing traits"},
			{"clearview", "Clearview AI — face search engine", "82%", "Facial images scraped from the public web\nMore than a million people", "Sold to police"},
			{"retail", "Shop face recognition", "20%", "", "Live identification in shops"},
		},
	}
	for sheet, want := range tests {
		if got := rowsOf(t, f, sheet); !reflect.DeepEqual(got, want) {
			t.Errorf("sheet %s:\n got %q\nwant %q", sheet, got, want)
		}
	}
	checkAnswersSheet(t, f, r)
	checkEvidenceSheet(t, f)
	checkSummarySheet(t, f, r)
	checkTracking(t, f, len(r.Result.Findings))
}

func checkAnswersSheet(t *testing.T, f *excelize.File, r *Report) {
	rows := rowsOf(t, f, SheetAnswers)
	if len(rows) != len(r.Answers)+1 {
		t.Fatalf("answers sheet has %d rows, want %d", len(rows), len(r.Answers)+1)
	}
	if got := rows[1]; got[1] != "system.purpose" || got[3] != longAnswer || got[6] != "yes" {
		t.Errorf("long answer row = %q…", got[:3])
	}
	want := []string{"The system", "data.sources", "Where does the personal data come from?", "Scraped from the public web, Partners",
		"scraped_public_web, partners", "Crawled since 2017; «кавычки» & <angle> | pipe.", "yes"}
	if !reflect.DeepEqual(rows[2], want) {
		t.Errorf("answers row 2 = %q, want %q", rows[2], want)
	}
	if got := rows[5]; got[1] != "security.key_rotation" || got[6] != "no" {
		t.Errorf("hidden answer row = %q", got)
	}
}

func checkEvidenceSheet(t *testing.T, f *excelize.File) {
	rows := rowsOf(t, f, SheetEvidence)
	want := [][]string{
		{"File", "SHA-256", "Size", "MIME type", "Status", "Reason", "Detections", "By type", "Masked examples"},
		{"samples/users.csv", strings.Repeat("a1", 32), "1234", "text/csv", "indexed", "", "238", "email 120, kz_iin 118",
			"email (line 2, column email): a***@m***.kz\nkz_iin (line 2, column iin): 9001******23"},
		{"photos.zip!faces/001.jpg", strings.Repeat("b2", 32), "56789", "image/jpeg", "indexed", "", "12", "face_image 12"},
		{"broken.pdf", strings.Repeat("c3", 32), "10", "application/pdf", "failed", "not a PDF file", "0", "none"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("evidence sheet:\n got %q\nwant %q", rows, want)
	}
}

func checkSummarySheet(t *testing.T, f *excelize.File, r *Report) {
	rows := rowsOf(t, f, SheetSummary)
	got := map[string]string{}
	for _, row := range rows {
		if len(row) >= 2 {
			got[row[0]] = row[1]
		}
	}
	for k, v := range map[string]string{
		"System": kazakhName, "EU AI Act tier": "PROHIBITED", "DPIA required": "YES", "Residual risk": "CRITICAL",
		"Residual risk: Kazakhstan": "HIGH", "Content hash (SHA-256)": r.ContentHash, "Findings": "4", "Completeness": "83%",
	} {
		if got[k] != v {
			t.Errorf("summary %q = %q, want %q", k, got[k], v)
		}
	}
	var counts [][]string
	for i, row := range rows {
		if len(row) > 0 && row[0] == "Findings by level" {
			counts = rows[i : i+5]
		}
	}
	want := [][]string{{"Findings by level", "Inherent", "Residual"}, {"CRITICAL", "2", "2"}, {"HIGH", "1", "1"},
		{"MEDIUM", "1", "1"}, {"LOW", "0", "0"}}
	if !reflect.DeepEqual(counts, want) {
		t.Errorf("level counts = %q, want %q", counts, want)
	}
}

// checkTracking checks the register's validations, filter, colours and frozen header.
func checkTracking(t *testing.T, f *excelize.File, n int) {
	dvs, err := f.GetDataValidations(SheetRegister)
	if err != nil {
		t.Fatal(err)
	}
	byRange := map[string]*excelize.DataValidation{}
	for _, dv := range dvs {
		byRange[dv.Sqref] = dv
	}
	status, due := byRange[fmt.Sprintf("L2:L%d", n+1)], byRange[fmt.Sprintf("K2:K%d", n+1)]
	if status == nil || status.Type != "list" || !strings.Contains(status.Formula1, "Open,In progress,Done,Accepted") {
		t.Errorf("Status validation = %+v", status)
	}
	if due == nil || due.Type != "date" {
		t.Errorf("Due date validation = %+v", due)
	}
	cf, err := f.GetConditionalFormats(SheetRegister)
	if err != nil || len(cf[fmt.Sprintf("G2:H%d", n+1)]) != 4 {
		t.Errorf("conditional formats = %v, %v", cf, err)
	}
	panes, err := f.GetPanes(SheetRegister)
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes = %+v, %v", panes, err)
	}
	if names := f.GetDefinedName(); len(names) == 0 || names[0].Name != "_xlnm._FilterDatabase" {
		t.Errorf("no autofilter: %+v", names)
	}
}

// TestRegisterMatchesJSON checks that the risk register has exactly one row per finding of
// the JSON report.
func TestRegisterMatchesJSON(t *testing.T) {
	r := fixtureReport(t)
	var doc struct {
		Findings []struct{ ID string } `json:"findings"`
	}
	if err := json.Unmarshal(render(t, "json", r), &doc); err != nil {
		t.Fatal(err)
	}
	rows := rowsOf(t, openXLSX(t, render(t, "xlsx", r)), SheetRegister)[1:]
	if len(rows) != len(doc.Findings) {
		t.Fatalf("register has %d rows, JSON has %d findings", len(rows), len(doc.Findings))
	}
	for i, f := range doc.Findings {
		if rows[i][0] != f.ID {
			t.Errorf("register row %d is %q, JSON finding %q", i+1, rows[i][0], f.ID)
		}
	}
}

func TestXLSXDetectionsStream(t *testing.T) {
	const n = 100_000
	r := fixtureReport(t)
	r.Detections = detectionSource(n)
	b := render(t, "xlsx", r)
	f := openXLSX(t, b)
	if got := f.GetSheetList()[5]; got != SheetDetections {
		t.Fatalf("sheet 6 is %q", got)
	}
	// The raw sheet: one <row> per detection and the header, the last one complete.
	sheet := zipMember(t, b, "xl/worksheets/sheet6.xml")
	if rows := bytes.Count(sheet, []byte("<row ")); rows != n+1 {
		t.Fatalf("detections sheet has %d rows, want %d", rows, n+1)
	}
	lastRow := sheet[bytes.LastIndex(sheet, []byte("<row ")):]
	for _, want := range []string{`r="100001"`, "samples/part-099.csv", "face_image", "line 1001", fmt.Sprintf("u***%d@e***.kz", (n-1)%97)} {
		if !bytes.Contains(lastRow, []byte(want)) {
			t.Fatalf("last row lacks %q: %.300s", want, lastRow)
		}
	}
	if raceEnabled {
		return // reading 100,000 rows back through excelize takes minutes under -race
	}
	rows, err := f.Rows(SheetDetections)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	count := 0
	var last []string
	for rows.Next() {
		if last, err = rows.Columns(); err != nil {
			t.Fatal(err)
		}
		count++
	}
	want := []string{"samples/part-099.csv", "face_image", "line 1001", "0.9", fmt.Sprintf("u***%d@e***.kz", (n-1)%97)}
	if count != n+1 || !reflect.DeepEqual(last, want) {
		t.Fatalf("excelize reads %d rows, last %q; want %d, %q", count, last, n+1, want)
	}
}

func zipMember(t *testing.T, b []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestXLSXStreamError(t *testing.T) {
	r := fixtureReport(t)
	boom := errors.New("database gone")
	r.Detections = func(yield func(Detection) error) error { return boom }
	if err := Write(io.Discard, "xlsx", r, Options{}); !errors.Is(err, boom) {
		t.Fatalf("Write = %v, want the source's error", err)
	}
}

func TestXLText(t *testing.T) {
	long := strings.Repeat("ә", maxCellChars+10)
	got := xlText("a\x00b\x07c\td\ne" + long)
	if strings.ContainsAny(got, "\x00\x07") || !strings.HasPrefix(got, "abc\td\ne") ||
		len([]rune(got)) != maxCellChars || !strings.HasSuffix(got, "cell limit]") {
		t.Fatalf("xlText: %d runes, prefix %q", len([]rune(got)), got[:10])
	}
}

// wellFormed parses every XML part of the workbook, as Excel does before it offers repair.
func wellFormed(t *testing.T, b []byte) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		if !strings.HasSuffix(zf.Name, ".xml") && !strings.HasSuffix(zf.Name, ".rels") {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		dec := xml.NewDecoder(rc)
		for {
			_, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s is not well-formed XML: %v", zf.Name, err)
			}
		}
		rc.Close()
	}
}
