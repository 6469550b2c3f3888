package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/dpia-tool/dpia/tui"
)

var binary string

// TestMain builds the real binary once; the tests run it as a user would.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "dpia-cli-test")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "dpia")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		panic("build dpia: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	stdout, stderr string
	code           int
}

func dpia(t *testing.T, ws string, args ...string) result {
	t.Helper()
	if ws != "" {
		args = append([]string{"--workspace", ws}, args...)
	}
	cmd := exec.Command(binary, args...)
	// No signing key: the actor is $DPIA_USER whatever keys the machine holds.
	cmd.Env = append(os.Environ(), "DPIA_USER=tester", "DPIA_WORKSPACE=", "DPIA_KEY="+filepath.Join(ws, "no-such.key"))
	return runCmd(t, cmd)
}

// runCmd runs cmd, capturing its output; a non-zero exit is a result, any other failure to
// run it fails the test.
func runCmd(t *testing.T, cmd *exec.Cmd) result {
	t.Helper()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{out.String(), errb.String(), code}
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestGradeCommand(t *testing.T) {
	r := dpia(t, "", "grade", "--answers", "../../testdata/answers/clearview.yaml")
	if r.code != 0 || !strings.Contains(r.stdout, "PROHIBITED") || !strings.Contains(r.stdout, "clearview") {
		t.Fatalf("grade: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = dpia(t, "", "grade", "--answers", "../../testdata/answers/clearview.yaml", "--json")
	if r.code != 0 {
		t.Fatalf("grade --json: %d %s", r.code, r.stderr)
	}
	var res map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	for _, k := range []string{"system", "ai_act", "dpia", "risk", "jurisdictions", "findings", "scenarios", "completeness"} {
		if _, ok := res[k]; !ok {
			t.Errorf("result JSON lacks %q", k)
		}
	}
	if tier := res["ai_act"].(map[string]any)["tier"]; tier != "prohibited" {
		t.Errorf("tier %v", tier)
	}
	f := res["findings"].([]any)[0].(map[string]any)
	for _, k := range []string{"id", "title", "law", "article", "severity", "likelihood", "inherent", "residual", "because", "recommendation", "evidence"} {
		if _, ok := f[k]; !ok {
			t.Errorf("finding lacks %q", k)
		}
	}
}

func TestGradeErrors(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		file    string
		code    int
		stderrs []string
	}{
		{"unknown id", nil, "answers:\n  biometric.usedd: yes\n", 1, []string{"2:3", `unknown question id "biometric.usedd"`}},
		{"value outside options", nil, "answers:\n  data.scale: huge\n", 1, []string{`"data.scale"`, `"huge"`}},
		{"malformed yaml", nil, "answers: [\n", 1, []string{".yaml:1:"}},
		{"missing --answers", []string{"grade"}, "", 2, []string{"--answers"}},
		{"unknown flag", []string{"grade", "--answerz", "x"}, "", 2, []string{"unknown flag"}},
		{"missing file", []string{"grade", "--answers", "/nonexistent/a.yaml"}, "", 1, []string{"/nonexistent/a.yaml does not exist"}},
		{"unknown command", []string{"frobnicate"}, "", 2, []string{"frobnicate"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := tt.args
			if tt.file != "" {
				args = []string{"grade", "--answers", writeFile(t, "a.yaml", tt.file)}
			}
			r := dpia(t, "", args...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", r.code, tt.code, r.stderr)
			}
			for _, s := range tt.stderrs {
				if !strings.Contains(r.stderr, s) {
					t.Errorf("stderr %q lacks %q", r.stderr, s)
				}
			}
			if strings.Count(strings.TrimSpace(r.stderr), "\n") > 0 && tt.code == 1 {
				t.Errorf("error should be one sentence, got %q", r.stderr)
			}
			if strings.Contains(r.stderr, "panic") {
				t.Errorf("panic: %s", r.stderr)
			}
		})
	}
}

func TestWorkspaceFlow(t *testing.T) {
	ws := filepath.Join(t.TempDir(), "ws")
	r := dpia(t, ws, "new", "--name", "Kiosk", "--packs", "gdpr,us-il-bipa")
	if r.code != 0 {
		t.Fatalf("new: %s", r.stderr)
	}
	id := strings.TrimSpace(r.stdout)
	if id == "" || strings.Contains(id, "\n") {
		t.Fatalf("new must print the id alone, got %q", r.stdout)
	}
	if st, err := os.Stat(ws); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("workspace mode %v, %v", st.Mode().Perm(), err)
	}
	for _, a := range [][]string{
		{"subjects.locations", "eu", "us_illinois"}, {"biometric.used", "yes"}, {"biometric.modalities", "fingerprint"},
		{"consent.form", "none"}, {"system.purpose", "Clock-in — Қазақ"},
	} {
		r = dpia(t, ws, append([]string{"answer", id}, a...)...)
		if r.code != 0 || !strings.HasPrefix(r.stdout, "saved ") {
			t.Fatalf("answer %v: %d %s", a, r.code, r.stderr)
		}
	}
	if r = dpia(t, ws, "answer", id, "data.scale", "huge"); r.code != 1 || !strings.Contains(r.stderr, `"huge"`) {
		t.Errorf("bad value accepted: %+v", r)
	}
	if r = dpia(t, ws, "answer", "a-nope", "data.scale", "over_1m"); r.code != 1 || !strings.Contains(r.stderr, `no assessment "a-nope"`) {
		t.Errorf("unknown assessment: %+v", r)
	}
	if r = dpia(t, ws, "note", id, "consent.form", "Paper forms lost in 2023."); r.code != 0 {
		t.Fatalf("note: %s", r.stderr)
	}
	r = dpia(t, ws, "show", id, "--json")
	var res struct {
		Findings []struct{ ID, Law string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil || r.code != 0 {
		t.Fatalf("show: %v %s", err, r.stderr)
	}
	laws := map[string]bool{}
	for _, f := range res.Findings {
		laws[f.Law] = true
	}
	if !laws["us_il_bipa"] || laws["eu_ai_act"] {
		t.Errorf("packs chosen at creation not honoured: %v", laws)
	}
	if r = dpia(t, ws, "list"); r.code != 0 || !strings.Contains(r.stdout, "Kiosk") {
		t.Errorf("list: %+v", r)
	}
	// The JSON of list and log names its keys in snake case, as every other JSON output does.
	for _, c := range []struct {
		args []string
		keys []string
	}{
		{[]string{"list", "--json"}, []string{"id", "name", "system_name", "status", "answer_count", "review_due", "ai_act_tier", "residual_risk", "completeness"}},
		{[]string{"log", id, "--json"}, []string{"seq", "assessment_id", "at", "actor", "kind", "subject", "old", "new", "prev_hash", "hash"}},
	} {
		r = dpia(t, ws, c.args...)
		var rows []map[string]any
		if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil || len(rows) == 0 {
			t.Fatalf("%v: %v\n%s", c.args, err, r.stdout)
		}
		for _, k := range c.keys {
			if _, ok := rows[0][k]; !ok {
				t.Errorf("%v: no key %q in %v", c.args, k, rows[0])
			}
		}
	}

	// export → import → export is exact.
	exp1 := dpia(t, ws, "export", id)
	file := writeFile(t, "kiosk.yaml", exp1.stdout)
	r = dpia(t, ws, "import", file)
	if r.code != 0 {
		t.Fatalf("import: %s", r.stderr)
	}
	exp2 := dpia(t, ws, "export", strings.TrimSpace(r.stdout))
	if exp1.stdout != exp2.stdout || !strings.Contains(exp1.stdout, "Paper forms lost") {
		t.Errorf("round trip differs:\n%s\n---\n%s", exp1.stdout, exp2.stdout)
	}
	out := filepath.Join(t.TempDir(), "out.yaml")
	if r = dpia(t, ws, "export", id, "-o", out); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if b, _ := os.ReadFile(out); string(b) != exp1.stdout {
		t.Errorf("export -o differs from stdout")
	}

	if r = dpia(t, ws, "log", id); r.code != 0 || !strings.Contains(r.stdout, "tester") || !strings.Contains(r.stdout, "biometric.used") {
		t.Errorf("log: %+v", r)
	}
	if r = dpia(t, ws, "log", id, "--verify"); r.code != 0 || !strings.Contains(r.stdout, "verifies") {
		t.Errorf("verify: %+v", r)
	}
	tamper(t, ws, id)
	if r = dpia(t, ws, "log", id, "--verify"); r.code != 1 || !strings.Contains(r.stderr, "does not verify") || !strings.Contains(r.stderr, "event") {
		t.Errorf("tampered log verified: %+v", r)
	}
}

// tamper edits one event behind the store's back, as an attacker with file access could.
func tamper(t *testing.T, ws, id string) {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(ws, "workspace.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'trigger'`)
	if err != nil {
		t.Fatal(err)
	}
	var triggers []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		triggers = append(triggers, n)
	}
	rows.Close()
	for _, n := range triggers {
		if _, err := db.Exec(`DROP TRIGGER "` + n + `"`); err != nil {
			t.Fatal(err)
		}
	}
	res, err := db.Exec(`UPDATE events SET new = '["no"]' WHERE assessment_id = ? AND subject = 'biometric.used'`, id)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("tampered %d rows", n)
	}
}

func TestPacksCommands(t *testing.T) {
	r := dpia(t, "", "packs", "list")
	if r.code != 0 {
		t.Fatal(r.stderr)
	}
	for _, id := range []string{"screening", "eu-ai-act", "gdpr", "kz-pdl", "kz-ai", "us-il-bipa", "scenarios", "2024/1689", "740 ILCS 14"} {
		if !strings.Contains(r.stdout, id) {
			t.Errorf("packs list lacks %q", id)
		}
	}
	builtins, _ := filepath.Glob("../../questionnaires/packs/*.yaml")
	r = dpia(t, "", append([]string{"packs", "validate"}, builtins...)...)
	if r.code != 0 {
		t.Errorf("built-in packs do not validate: %s", r.stderr)
	}
	r = dpia(t, "", "packs", "validate", "../../questionnaires/testdata/invalid/unknown-option.yaml")
	if r.code != 1 || !strings.Contains(r.stderr, "unknown-option.yaml:8:11") || !strings.Contains(r.stderr, `"scraped_web"`) {
		t.Errorf("invalid pack: %+v", r)
	}
}

func TestWorkspacePacksOverride(t *testing.T) {
	ws := filepath.Join(t.TempDir(), "ws")
	if err := os.MkdirAll(filepath.Join(ws, "packs"), 0o700); err != nil {
		t.Fatal(err)
	}
	override := `id: acme
title: ACME
jurisdiction: global
core: true
rules:
  - id: bipa.15_c.profiting
    title: ACME wording of 15(c)
    law: us_il_bipa
    article: 15(c)
    outcome: obligation
    when: 'has("data.disclosure", "sold", "licensed_access")'
    severity: 1
    likelihood: 1
    recommendation: Ask ACME legal.
`
	if err := os.WriteFile(filepath.Join(ws, "packs", "acme.yaml"), []byte(override), 0o600); err != nil {
		t.Fatal(err)
	}
	id := strings.TrimSpace(dpia(t, ws, "new", "--name", "X").stdout)
	dpia(t, ws, "answer", id, "subjects.locations", "us_illinois")
	dpia(t, ws, "answer", id, "data.disclosure", "sold")
	r := dpia(t, ws, "show", id)
	if !strings.Contains(r.stdout, "ACME wording of 15(c)") {
		t.Errorf("workspace override not applied:\n%s%s", r.stdout, r.stderr)
	}
}

func TestScanCommand(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "users.csv"), []byte("ФИО,ИИН,email\nИванов Иван Иванович,900101300017,ivan@mail.kz\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "junk.bin"), []byte{0, 1, 2, 3, 0xff, 0, 0x13}, 0o600)
	r := dpia(t, "", "scan", "--json", dir)
	if r.code != 0 {
		t.Fatalf("scan: %d %s", r.code, r.stderr)
	}
	var out struct {
		Files []struct {
			Path, SHA256, Mime, Status, Reason string
			Size                               int64
			Detections                         map[string]int
		}
		Totals map[string]int
		Stats  struct {
			Files int
			Bytes int64
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("scan JSON: %v\n%s", err, r.stdout)
	}
	base := filepath.Base(dir)
	if len(out.Files) != 2 || out.Files[1].Path != base+"/users.csv" || out.Files[1].Status != "indexed" || len(out.Files[1].SHA256) != 64 {
		t.Errorf("files %+v", out.Files)
	}
	if out.Files[0].Status != "skipped" || out.Files[0].Reason == "" {
		t.Errorf("binary file: %+v", out.Files[0])
	}
	if out.Totals["kz_iin"] != 1 || out.Totals["email"] != 1 || out.Stats.Files != 2 {
		t.Errorf("totals %v stats %+v", out.Totals, out.Stats)
	}
	if strings.Contains(r.stdout, "900101300017") || strings.Contains(r.stdout, "ivan@mail.kz") {
		t.Error("scan output contains a raw detected value")
	}
	if r = dpia(t, "", "scan", "/nonexistent/x"); r.code != 1 || !strings.Contains(r.stderr, "/nonexistent/x does not exist") {
		t.Errorf("missing path: %+v", r)
	}
}

func TestEvidenceCommands(t *testing.T) {
	ws := filepath.Join(t.TempDir(), "ws")
	samples := filepath.Join(t.TempDir(), "samples")
	os.MkdirAll(samples, 0o700)
	os.WriteFile(filepath.Join(samples, "users.csv"), []byte("full_name,iin,email\nIvan Petrov,900101300017,ivan@mail.kz\n"), 0o600)
	os.WriteFile(filepath.Join(samples, "face_vectors.csv"), []byte("person,embedding\nx,\"["+strings.Repeat("0.1,", 127)+"0.1]\"\n"), 0o600)
	outside := filepath.Join(t.TempDir(), "outside.csv")
	os.WriteFile(outside, []byte("email\nsecret@mail.kz\n"), 0o600)
	if err := os.Symlink(outside, filepath.Join(samples, "link.csv")); err != nil {
		t.Fatal(err)
	}
	id := strings.TrimSpace(dpia(t, ws, "new", "--name", "Evidence").stdout)
	dpia(t, ws, "answer", id, "subjects.locations", "eu")
	dpia(t, ws, "answer", id, "biometric.used", "no")
	r := dpia(t, ws, "evidence", "add", id, samples)
	if r.code != 0 || !strings.Contains(r.stdout, "indexed 2") {
		t.Fatalf("evidence add: %+v", r)
	}
	if r = dpia(t, ws, "evidence", "list", id, "--json"); r.code != 0 || !strings.Contains(r.stdout, `"samples/users.csv"`) {
		t.Errorf("evidence list: %+v", r)
	}
	// C4: detections is an object for every file, even the symlink that was never read.
	var list struct {
		Files []struct {
			Path       string
			Status     string
			Detections *map[string]int
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil || len(list.Files) != 3 {
		t.Fatalf("evidence list JSON: %v\n%s", err, r.stdout)
	}
	for _, f := range list.Files {
		if f.Detections == nil {
			t.Errorf("%s (%s): detections is null, want an object", f.Path, f.Status)
		}
	}
	if r = dpia(t, ws, "evidence", "show", id, "samples/users.csv"); r.code != 0 || !strings.Contains(r.stdout, "kz_iin") || !strings.Contains(r.stdout, "column iin") {
		t.Errorf("evidence show: %+v", r)
	}
	if r = dpia(t, ws, "evidence", "show", id, "users.csv"); r.code != 1 || !strings.Contains(r.stderr, `no evidence file "users.csv"`) {
		t.Errorf("evidence show of an unknown path: %+v", r)
	}
	r = dpia(t, ws, "evidence", "search", id, "Petrov")
	if r.code != 0 || !strings.Contains(r.stdout, "samples/users.csv") || strings.Contains(r.stdout, "900101300017") {
		t.Errorf("masked search: %+v", r)
	}
	if r = dpia(t, ws, "evidence", "search", id, "Petrov", "--reveal"); !strings.Contains(r.stdout, "900101300017") {
		t.Errorf("revealed search: %+v", r)
	}
	if r = dpia(t, ws, "evidence", "search", id, `"*`); r.code != 2 || !strings.Contains(r.stderr, "no word to search for") {
		t.Errorf("a query of a stray quote and star: %+v", r)
	}
	if r = dpia(t, ws, "evidence", "search", id, `Petrov"*`); r.code != 0 || !strings.Contains(r.stdout, "samples/users.csv") {
		t.Errorf("stray quote and star after a word: %+v", r)
	}
	if r = dpia(t, ws, "evidence", "search", id, "Petrov", "--type", "kz_iin,emial"); r.code != 2 || !strings.Contains(r.stderr, `unknown detection type "emial"`) {
		t.Errorf("misspelt type: %+v", r)
	}
	if r = dpia(t, ws, "evidence", "search", id, "Petrov", "--type", "kz_iin", "--file", "samples/users.csv"); r.code != 0 || !strings.Contains(r.stdout, "samples/users.csv") {
		t.Errorf("type and file filters: %+v", r)
	}
	if r = dpia(t, ws, "evidence", "search", id, "Petrov", "--file", "users.csv"); r.code != 1 || !strings.Contains(r.stderr, `no evidence file "users.csv"`) {
		t.Errorf("unknown file: %+v", r)
	}
	// The evidence contradicts the answers: face embeddings found while biometric.used = no.
	r = dpia(t, ws, "show", id, "--json")
	if !strings.Contains(r.stdout, "evidence.face_embedding = 1") {
		t.Errorf("grading does not read the evidence:\n%s", r.stdout)
	}
	// The symlink was never read: it is reported apart, not as intact and not as a failure.
	if r = dpia(t, ws, "evidence", "verify", id); r.code != 0 || !strings.Contains(r.stdout, "unhashed  samples/link.csv") ||
		!strings.Contains(r.stdout, "all 2 evidence files unchanged (1 not read when added") {
		t.Errorf("verify: %+v", r)
	}
	os.WriteFile(filepath.Join(samples, "users.csv"), []byte("changed"), 0o600)
	if r = dpia(t, ws, "evidence", "verify", id); r.code != 1 || !strings.Contains(r.stdout, "changed") {
		t.Errorf("changed file not reported: %+v", r)
	}
	if r = dpia(t, ws, "log", id, "--verify"); r.code != 0 {
		t.Errorf("log after evidence: %+v", r)
	}
}

// TestEvidenceLinks: the same IIN and e-mail in a CRM export and a training set are listed,
// masked, with both files; the JSON names them; a misspelt type is a usage error.
func TestEvidenceLinks(t *testing.T) {
	ws := filepath.Join(t.TempDir(), "ws")
	samples := filepath.Join(t.TempDir(), "samples")
	os.MkdirAll(samples, 0o700)
	os.WriteFile(filepath.Join(samples, "crm.csv"), []byte("full_name,iin,email\nIvan Petrov,900101300017,ivan@mail.kz\n"), 0o600)
	os.WriteFile(filepath.Join(samples, "training.csv"), []byte("iin,label\n900101300017,match\n"), 0o600)
	id := strings.TrimSpace(dpia(t, ws, "new", "--name", "Links").stdout)
	if r := dpia(t, ws, "evidence", "add", id, samples); r.code != 0 {
		t.Fatalf("evidence add: %+v", r)
	}
	r := dpia(t, ws, "evidence", "links", id)
	if r.code != 0 || !strings.Contains(r.stdout, "kz_iin  9001******17    2      2            samples/crm.csv, samples/training.csv") || strings.Contains(r.stdout, "900101300017") {
		t.Errorf("links:\n%s%s", r.stdout, r.stderr)
	}
	var links []struct {
		Type  string
		Files []string
	}
	r = dpia(t, ws, "evidence", "links", id, "--json", "--type", "kz_iin")
	if err := json.Unmarshal([]byte(r.stdout), &links); err != nil || len(links) != 1 || len(links[0].Files) != 2 {
		t.Errorf("links --json: %v %s", err, r.stdout)
	}
	if r = dpia(t, ws, "evidence", "links", id, "--min-files", "3"); r.code != 0 || !strings.Contains(r.stdout, "no value found in 3 or more evidence files") {
		t.Errorf("links in three files: %+v", r)
	}
	if r = dpia(t, ws, "evidence", "links", id, "--type", "iin"); r.code != 2 || !strings.Contains(r.stderr, `unknown detection type "iin"`) {
		t.Errorf("misspelt type: %+v", r)
	}
	// The workbench's backend lists the same link.
	a := newApp()
	a.workspace, a.stdout, a.stderr = ws, io.Discard, io.Discard
	s, err := a.session(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	var b tui.Backend = a.tuiBackend(s)
	eb, ok := b.(tui.EvidenceBackend)
	if !ok {
		t.Fatal("the workbench's backend has no evidence hooks")
	}
	tl, err := eb.Links(context.Background(), id)
	if err != nil || len(tl) != 1 || tl[0].Type != "kz_iin" || tl[0].Value != "9001******17" || len(tl[0].Files) != 2 {
		t.Errorf("workbench links: %+v %v", tl, err)
	}
}

// TestListUndecided: an assessment whose scope questions are unanswered lists as undecided,
// not as "out_of_scope, low" (a risk register reader took that for a verdict); the JSON keeps
// the contract's values and says they are undecided; show explains it.
func TestListUndecided(t *testing.T) {
	ws := t.TempDir()
	id := strings.TrimSpace(dpia(t, ws, "new", "--name", "Fresh").stdout)
	r := dpia(t, ws, "list")
	if r.code != 0 || !regexp.MustCompile(`Fresh\s+draft\s+0%\s+undecided\s+undecided`).MatchString(r.stdout) {
		t.Fatalf("list: %d %q", r.code, r.stdout)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(dpia(t, ws, "list", "--json").stdout), &rows); err != nil || len(rows) != 1 {
		t.Fatal(err)
	}
	if rows[0]["ai_act_tier"] != "out_of_scope" || rows[0]["residual_risk"] != "low" || rows[0]["ai_act_undecided"] != true || rows[0]["risk_undecided"] != true {
		t.Errorf("list --json: %v", rows[0])
	}
	show := dpia(t, ws, "show", id).stdout
	for _, want := range []string{"AI Act tier     UNDECIDED", "Whether the EU AI Act applies is not decided until answered: subjects.locations = (unanswered).",
		"Risk            undecided: no law applies", "DPIA required   undecided (0 of 9 WP248 criteria met)"} {
		if !strings.Contains(show, want) {
			t.Errorf("show lacks %q:\n%s", want, show)
		}
	}
	// Answered outside every law's scope: decided, out of scope, low.
	for _, a := range [][]string{{"subjects.locations", "other"}, {"data.storage_locations", "other"}} {
		if r := dpia(t, ws, append([]string{"answer", id}, a...)...); r.code != 0 {
			t.Fatalf("answer %v: %s", a, r.stderr)
		}
	}
	if r := dpia(t, ws, "list"); !regexp.MustCompile(`out_of_scope\s+low`).MatchString(r.stdout) {
		t.Errorf("list after answering the scope: %q", r.stdout)
	}
}
