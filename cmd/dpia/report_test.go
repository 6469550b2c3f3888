package main

import (
	"archive/zip"
	"bytes"
	"database/sql"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

const clearview = "../../testdata/answers/clearview.yaml"

func TestReportFromAnswersFile(t *testing.T) {
	dir := t.TempDir()
	r := dpia(t, "", "report", "--answers", clearview, "--format", "json")
	if r.code != 0 {
		t.Fatalf("report json: %d %s", r.code, r.stderr)
	}
	var doc struct {
		AIAct    struct{ Tier string } `json:"ai_act"`
		Findings []struct{ ID string } `json:"findings"`
		Report   struct {
			ContentHash string `json:"content_hash"`
			Packs       []struct{ Pack, Version string }
		} `json:"report"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("json report: %v", err)
	}
	if doc.AIAct.Tier != "prohibited" || len(doc.Findings) == 0 || len(doc.Report.ContentHash) != 64 || len(doc.Report.Packs) == 0 {
		t.Fatalf("json report = %+v", doc)
	}
	grade := dpia(t, "", "grade", "--answers", clearview, "--json")
	var c3, rep map[string]json.RawMessage
	json.Unmarshal([]byte(grade.stdout), &c3)
	json.Unmarshal([]byte(r.stdout), &rep)
	for k, v := range c3 {
		if !bytes.Equal(compact(t, v), compact(t, rep[k])) {
			t.Errorf("report key %q differs from dpia grade --json", k)
		}
	}
	md := dpia(t, "", "report", "--answers", clearview, "-o", "-", "--format", "md")
	if md.code != 0 || !strings.Contains(md.stdout, "# DPIA report: FaceFind") || !strings.Contains(md.stdout, "## Action plan") {
		t.Fatalf("md report: %d %s", md.code, md.stderr)
	}
	xlsx := filepath.Join(dir, "r.xlsx")
	if r := dpia(t, "", "report", "--answers", clearview, "-o", xlsx); r.code != 0 || r.stdout != "" {
		t.Fatalf("xlsx report (format from the extension): %d %q %s", r.code, r.stdout, r.stderr)
	}
	rows := sheetRows(t, xlsx, "Risk register")
	if len(rows)-1 != len(doc.Findings) {
		t.Fatalf("risk register has %d rows, the JSON %d findings", len(rows)-1, len(doc.Findings))
	}
	for i, f := range doc.Findings {
		if rows[i+1][0] != f.ID {
			t.Errorf("register row %d = %q, want %q", i+1, rows[i+1][0], f.ID)
		}
	}
	pdf := filepath.Join(dir, "r.pdf")
	if r := dpia(t, "", "report", "--answers", clearview, "--format", "pdf", "-o", pdf); r.code != 0 {
		t.Fatalf("pdf report: %s", r.stderr)
	}
	if text := pdfText(t, pdf); text != "" && !strings.Contains(text, "FaceFind") {
		t.Errorf("pdf text lacks the system name")
	}
}

func compact(t *testing.T, b []byte) []byte {
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		t.Fatalf("compact %q: %v", b, err)
	}
	return out.Bytes()
}

func sheetRows(t *testing.T, path, sheet string) [][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer f.Close()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatalf("rows of %s: %v", sheet, err)
	}
	return rows
}

// pdfText extracts a PDF's text, or returns "" when pdftotext is not installed.
func pdfText(t *testing.T, path string) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		return ""
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return string(out)
}

func TestReportErrors(t *testing.T) {
	ws := filepath.Join(t.TempDir(), "ws")
	existing := filepath.Join(t.TempDir(), "keep.pdf")
	os.WriteFile(existing, []byte("old"), 0o600)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown format", []string{"report", "--answers", clearview, "--format", "docx"}, 2, `unknown report format "docx"`},
		{"binary to stdout", []string{"report", "--answers", clearview, "--format", "xlsx"}, 2, "name it with -o FILE"},
		{"no format", []string{"report", "--answers", clearview, "-o", "out.txt"}, 2, "needs --format"},
		{"id and answers", []string{"report", "a-1", "--answers", clearview, "--format", "md"}, 2, "not both"},
		{"nothing", []string{"report", "--format", "md"}, 2, "needs an assessment id"},
		{"bad language", []string{"report", "--answers", clearview, "--format", "md", "--lang", "de"}, 2, `unknown language "de"`},
		{"unknown id", []string{"report", "a-nope", "--format", "pdf", "-o", existing}, 1, `no assessment "a-nope"`},
		{"missing folder", []string{"report", "--answers", clearview, "-o", filepath.Join(t.TempDir(), "no", "r.pdf")}, 1, "r.pdf"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := dpia(t, ws, tc.args...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.want) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, tc.code, tc.want)
			}
		})
	}
	if b, _ := os.ReadFile(existing); string(b) != "old" {
		t.Fatalf("a failed report touched the existing file: %q", b)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(existing), ".*tmp*")); len(left) > 0 {
		t.Fatalf("temporary files left behind: %v", left)
	}
}

// newAssessment builds an assessment in ws from the Clearview answers, with a note, and
// evidence rows written straight into the evidence tables (as the indexer would).
func newAssessment(t *testing.T, ws string) string {
	t.Helper()
	r := dpia(t, ws, "import", clearview)
	if r.code != 0 {
		t.Fatalf("import: %s", r.stderr)
	}
	id := strings.TrimSpace(r.stdout)
	if r := dpia(t, ws, "note", id, "data.scale", "Около 30 млрд фото; Қазақстан тізімі"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	db, err := sql.Open("sqlite", filepath.Join(ws, "workspace.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	res, err := db.Exec(`INSERT INTO evidence_files (assessment_id, path, source, sha256, size, mime, status, counts, indexed_at)
		VALUES (?, 'samples/users.csv', 'samples', ?, 2048, 'text/csv', 'indexed', '{"email":250,"kz_iin":1}', '2026-03-01T09:00:00.000000000Z')`,
		id, strings.Repeat("5e", 32))
	if err != nil {
		t.Fatal(err)
	}
	fid, _ := res.LastInsertId()
	for i := range 250 {
		db.Exec(`INSERT INTO evidence_detections (file_id, type, line, col, confidence, preview, key) VALUES (?, 'email', ?, 'email', 0.95, 'u***@m***.kz', 'k')`, fid, i+2)
	}
	db.Exec(`INSERT INTO evidence_detections (file_id, type, line, confidence, preview) VALUES (?, 'kz_iin', 3, 1, '9001******23')`, fid)
	return id
}

func TestReportWorkspaceWithEvidence(t *testing.T) {
	ws := filepath.Join(t.TempDir(), "ws")
	id := newAssessment(t, ws)
	dir := t.TempDir()
	xlsx := filepath.Join(dir, "r.xlsx")
	if r := dpia(t, ws, "report", id, "--format", "xlsx", "-o", xlsx); r.code != 0 {
		t.Fatalf("report: %s", r.stderr)
	}
	ev := sheetRows(t, xlsx, "Evidence")
	if len(ev) != 2 || ev[1][0] != "samples/users.csv" || ev[1][6] != "251" ||
		ev[1][8] != "email (line 2, column email): u***@m***.kz\nkz_iin (line 3): 9001******23" {
		t.Fatalf("evidence sheet = %q", ev)
	}
	if det := sheetRows(t, xlsx, "Detections"); len(det) != 252 || det[1][1] != "email" || det[251][4] != "9001******23" {
		t.Fatalf("detections sheet has %d rows: %q … %q", len(det), det[1], det[len(det)-1])
	}
	md := dpia(t, ws, "report", id, "--format", "md")
	for _, want := range []string{"Около 30 млрд фото; Қазақстан тізімі", "9001******23", "| Assessment | " + id, "samples/users.csv"} {
		if !strings.Contains(md.stdout, want) {
			t.Errorf("md report lacks %q", want)
		}
	}
	pdf := filepath.Join(dir, "r.pdf")
	env := []string{"SOURCE_DATE_EPOCH=1773480600"}
	if r := dpiaEnv(t, ws, env, "report", id, "-o", pdf); r.code != 0 {
		t.Fatalf("pdf: %s", r.stderr)
	}
	if text := pdfText(t, pdf); text != "" && (!strings.Contains(text, "Қазақстан тізімі") || !strings.Contains(text, "2026-03-14 09:30 UTC")) {
		t.Errorf("pdf lacks the note or the fixed date")
	}
	again := filepath.Join(dir, "again.pdf")
	dpiaEnv(t, ws, env, "report", id, "-o", again)
	a, _ := os.ReadFile(pdf)
	b, _ := os.ReadFile(again)
	if !bytes.Equal(a, b) {
		t.Errorf("with SOURCE_DATE_EPOCH set, two PDF reports differ")
	}
}

// dpiaEnv runs the binary with extra environment variables.
func dpiaEnv(t *testing.T, ws string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"--workspace", ws}, args...)...)
	cmd.Env = append(append(os.Environ(), "DPIA_USER=tester", "DPIA_WORKSPACE="), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{out.String(), errb.String(), code}
}

func TestArchiveAcrossWorkspaces(t *testing.T) {
	dir := t.TempDir()
	ws1, ws2 := filepath.Join(dir, "one"), filepath.Join(dir, "two")
	id := newAssessment(t, ws1)
	zip1 := filepath.Join(dir, "a.zip")
	if r := dpia(t, ws1, "export", id, "--archive", zip1); r.code != 0 {
		t.Fatalf("export --archive: %s", r.stderr)
	}
	r := dpia(t, ws2, "import", zip1)
	if r.code != 0 || strings.TrimSpace(r.stdout) != id {
		t.Fatalf("import archive: %d %q %s", r.code, r.stdout, r.stderr)
	}
	if r := dpia(t, ws2, "log", id, "--verify"); r.code != 0 || !strings.Contains(r.stdout, "verifies") {
		t.Fatalf("log --verify after import: %+v", r)
	}
	zip2 := filepath.Join(dir, "b.zip")
	if r := dpia(t, ws2, "export", id, "--archive", zip2); r.code != 0 {
		t.Fatal(r.stderr)
	}
	a, _ := os.ReadFile(zip1)
	b, _ := os.ReadFile(zip2)
	if !bytes.Equal(a, b) {
		t.Fatalf("re-exported archive differs (%d vs %d bytes)", len(a), len(b))
	}
	s1, s2 := dpia(t, ws1, "show", id, "--json"), dpia(t, ws2, "show", id, "--json")
	if s1.stdout != s2.stdout || s1.code != 0 {
		t.Fatalf("graded differently after restore")
	}
	e1, e2 := dpia(t, ws1, "export", id), dpia(t, ws2, "export", id)
	if e1.stdout != e2.stdout {
		t.Fatalf("answers differ after restore")
	}
	if r := dpia(t, ws1, "import", zip1); r.code != 1 || !strings.Contains(r.stderr, "already exists in this workspace") {
		t.Fatalf("import over an existing id: %+v", r)
	}
}

func TestArchiveTamperedRefused(t *testing.T) {
	dir := t.TempDir()
	ws := filepath.Join(dir, "ws")
	id := newAssessment(t, ws)
	orig := filepath.Join(dir, "a.zip")
	if r := dpia(t, ws, "export", id, "--archive", orig); r.code != 0 {
		t.Fatal(r.stderr)
	}
	tampered := rewriteZip(t, orig, func(name string, b []byte) []byte {
		if name == "notes.json" {
			return bytes.Replace(b, []byte("30 млрд"), []byte("3 тыс."), 1)
		}
		return b
	}, "")
	slip := rewriteZip(t, orig, func(_ string, b []byte) []byte { return b }, "../../../tmp/evil.json")
	for _, tc := range []struct{ file, want string }{
		{tampered, "notes.json does not match its SHA-256"},
		{slip, `"../../../tmp/evil.json" has an unsafe name`},
	} {
		r := dpia(t, filepath.Join(t.TempDir(), "other"), "import", tc.file)
		if r.code != 1 || !strings.Contains(r.stderr, tc.want) || strings.Count(strings.TrimSpace(r.stderr), "\n") > 0 {
			t.Errorf("import %s: exit %d, stderr %q; want %q", filepath.Base(tc.file), r.code, r.stderr, tc.want)
		}
	}
}

// rewriteZip copies a zip, editing members and optionally adding one empty member.
func rewriteZip(t *testing.T, path string, edit func(string, []byte) []byte, extra string) string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := filepath.Join(t.TempDir(), "edited.zip")
	f, _ := os.Create(out)
	zw := zip.NewWriter(f)
	for _, m := range zr.File {
		rc, _ := m.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		w, _ := zw.Create(m.Name)
		w.Write(edit(m.Name, b))
	}
	if extra != "" {
		zw.Create(extra)
	}
	zw.Close()
	f.Close()
	return out
}

// TestReportAndArchiveWithIndexedEvidence goes through the real indexer: evidence added with
// 'dpia evidence add' shows in the report masked, and survives an archive round trip.
func TestReportAndArchiveWithIndexedEvidence(t *testing.T) {
	dir := t.TempDir()
	ws := filepath.Join(dir, "ws")
	id := strings.TrimSpace(dpia(t, ws, "import", clearview).stdout)
	if r := dpia(t, ws, "evidence", "add", id, "../../testdata/evidence/users.csv"); r.code != 0 {
		t.Fatalf("evidence add: %s", r.stderr)
	}
	fixed := []string{"SOURCE_DATE_EPOCH=1773480600"}
	md := dpiaEnv(t, ws, fixed, "report", id, "--format", "md")
	if md.code != 0 || !strings.Contains(md.stdout, "users.csv") || !strings.Contains(md.stdout, "kz_iin") {
		t.Fatalf("report lacks the indexed evidence: %d %s", md.code, md.stderr)
	}
	zip1, zip2 := filepath.Join(dir, "1.zip"), filepath.Join(dir, "2.zip")
	other := filepath.Join(dir, "other")
	for _, step := range [][]string{{ws, "export", id, "--archive", zip1}, {other, "import", zip1},
		{other, "log", id, "--verify"}, {other, "export", id, "--archive", zip2}} {
		if r := dpia(t, step[0], step[1:]...); r.code != 0 {
			t.Fatalf("%v: %s", step[1:], r.stderr)
		}
	}
	a, _ := os.ReadFile(zip1)
	b, _ := os.ReadFile(zip2)
	if !bytes.Equal(a, b) {
		t.Fatal("archive of the restored assessment differs")
	}
	if md2 := dpiaEnv(t, other, fixed, "report", id, "--format", "md"); md2.stdout != md.stdout {
		t.Fatal("the restored assessment reports differently")
	}
}

// TestRestoredEvidenceSearch: an archive carries no evidence text, so after an import search
// says which files it cannot see (it printed only "no matches"), and adding the unchanged file
// again reads it (it was skipped as unchanged) and makes it searchable.
func TestRestoredEvidenceSearch(t *testing.T) {
	dir := t.TempDir()
	ws, other := filepath.Join(dir, "ws"), filepath.Join(dir, "other")
	id := strings.TrimSpace(dpia(t, ws, "import", clearview).stdout)
	users := "../../testdata/evidence/users.csv"
	zip := filepath.Join(dir, "a.zip")
	for _, step := range [][]string{{ws, "evidence", "add", id, users}, {ws, "export", id, "--archive", zip}, {other, "import", zip}} {
		if r := dpia(t, step[0], step[1:]...); r.code != 0 {
			t.Fatalf("%v: %s", step[1:], r.stderr)
		}
	}
	const note = "users.csv was restored from an archive without its text, so search does not see it"
	r := dpia(t, other, "evidence", "search", id, "Almaty")
	if r.code != 0 || strings.TrimSpace(r.stdout) != "no matches" || !strings.Contains(r.stderr, note) {
		t.Fatalf("search of restored evidence: %d %q %q", r.code, r.stdout, r.stderr)
	}
	if r := dpia(t, other, "evidence", "search", id, "Almaty", "--json"); r.code != 0 || strings.TrimSpace(r.stdout) != "[]" || !strings.Contains(r.stderr, note) {
		t.Fatalf("search --json of restored evidence: %d %q %q", r.code, r.stdout, r.stderr)
	}
	if r := dpia(t, other, "evidence", "search", id, "Almaty", "--file", "users.csv"); r.code != 0 || !strings.Contains(r.stderr, note) {
		t.Fatalf("search --file of restored evidence: %d %q %q", r.code, r.stdout, r.stderr)
	}
	if r := dpia(t, other, "evidence", "list", id); !strings.Contains(r.stdout, note) {
		t.Fatalf("evidence list does not say the text is absent: %q", r.stdout)
	}
	if r := dpia(t, other, "evidence", "add", id, users); r.code != 0 || !strings.Contains(r.stdout, "indexed 1, skipped 0, failed 0, unchanged 0") {
		t.Fatalf("adding the restored file again: %d %q %s", r.code, r.stdout, r.stderr)
	}
	r = dpia(t, other, "evidence", "search", id, "Almaty")
	if r.code != 0 || !strings.Contains(r.stdout, "users.csv") || strings.Contains(r.stderr, "restored") {
		t.Fatalf("search after adding again: %d %q %q", r.code, r.stdout, r.stderr)
	}
	if r := dpia(t, other, "evidence", "add", id, users); !strings.Contains(r.stdout, "unchanged 1") || !strings.Contains(r.stdout, "nothing was read again") {
		t.Fatalf("a second add: %q", r.stdout)
	}
}
