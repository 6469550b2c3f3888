package main

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/dpia-tool/dpia/assessment/signoff"
	"github.com/dpia-tool/dpia/exports"
)

// signEnv is a workspace, a signing key and an evidence folder for the sign-off tests.
type signEnv struct {
	ws, key, cfg, samples string
}

func newSignEnv(t *testing.T) *signEnv {
	t.Helper()
	root := t.TempDir()
	e := &signEnv{ws: filepath.Join(root, "ws"), key: filepath.Join(root, "keys", "signing.key"),
		cfg: filepath.Join(root, "config"), samples: filepath.Join(root, "samples")}
	if err := os.MkdirAll(e.samples, 0o700); err != nil {
		t.Fatal(err)
	}
	csv := "full_name,iin,email\nIvan Petrov,900101300017,ivan@mail.kz\n"
	if err := os.WriteFile(filepath.Join(e.samples, "users.csv"), []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	return e
}

// run runs the binary on the environment's workspace with its key (DPIA_KEY) and a private
// config folder, so that no test reads or writes the user's own key.
func (e *signEnv) run(t *testing.T, args ...string) result {
	t.Helper()
	return e.runEnv(t, []string{"DPIA_KEY=" + e.key}, args...)
}

func (e *signEnv) runEnv(t *testing.T, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"--workspace", e.ws}, args...)...)
	cmd.Env = append(os.Environ(), "DPIA_USER=tester", "DPIA_WORKSPACE=", "DPIA_KEY=", "XDG_CONFIG_HOME="+e.cfg, "SOURCE_DATE_EPOCH=")
	cmd.Env = append(cmd.Env, env...)
	return runCmd(t, cmd)
}

func (e *signEnv) must(t *testing.T, args ...string) string {
	t.Helper()
	r := e.run(t, args...)
	if r.code != 0 {
		t.Fatalf("dpia %s: exit %d\n%s%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

// signedOff creates a key and an assessment with answers, a note and evidence, and signs it
// off. It returns the assessment id and the sign-off folder.
func (e *signEnv) signedOff(t *testing.T) (string, string) {
	t.Helper()
	e.must(t, "keys", "init", "--name", "Aigerim Sadykova")
	id := strings.TrimSpace(e.must(t, "new", "--name", "Kiosk", "--packs", "gdpr,us-il-bipa"))
	e.must(t, "answer", id, "biometric.used", "yes")
	e.must(t, "answer", id, "subjects.locations", "eu", "us_illinois")
	e.must(t, "note", id, "biometric.used", "Fingerprints at the door")
	e.must(t, "evidence", "add", id, e.samples)
	e.must(t, "review", id)
	e.decide(t, id)
	out := e.must(t, "signoff", id)
	if !strings.Contains(out, "signed off "+id+" version 1 as Aigerim Sadykova") {
		t.Fatalf("signoff output: %s", out)
	}
	return id, filepath.Join(e.ws, "signoffs", id+"-v1")
}

func (e *signEnv) decide(t *testing.T, id string) {
	t.Helper()
	e.must(t, "decide", id, "--measures-approved-by", "Board", "--risk-accepted-by", "CEO",
		"--dpo-advice", "Use badges instead", "--dpo-followed", "no", "--dpo-reason", "Badges get shared",
		"--prior-consultation", "yes", "--next-review", "2099-06-01")
}

// openDB opens the workspace database behind the store's back, as an attacker with file
// access could, with the append-only triggers dropped.
func openDB(t *testing.T, ws string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(ws, "workspace.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, n := range []string{"events_no_update", "events_no_delete"} {
		if _, err := db.Exec(`DROP TRIGGER IF EXISTS ` + n); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// resign replaces the stored sign-off with the same manifest signed by a new key.
func resign(t *testing.T, ws, id string) {
	t.Helper()
	db := openDB(t, ws)
	var manifest []byte
	if err := db.QueryRow(`SELECT manifest FROM signoffs WHERE assessment_id = ?`, id).Scan(&manifest); err != nil {
		t.Fatal(err)
	}
	m, err := signoff.ParseManifest(manifest)
	if err != nil {
		t.Fatal(err)
	}
	k, err := signoff.GenerateKey("Mallory", rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	b, sig, err := signoff.Sign(m, k)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE signoffs SET manifest = ?, signature = ?, public_key = ?, signer = ? WHERE assessment_id = ?`,
		b, sig, k.PublicBase64(), k.Name, id); err != nil {
		t.Fatal(err)
	}
}

func writeOver(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyDetectsTampering(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(t *testing.T, e *signEnv, id, dir string)
		want   []string // in the output of dpia verify, which must fail unless want is empty
	}{
		{"clean sign-off", func(*testing.T, *signEnv, string, string) {}, nil},
		{"tampered event row", func(t *testing.T, e *signEnv, id, _ string) {
			db := openDB(t, e.ws)
			if _, err := db.Exec(`UPDATE events SET new = '["no"]' WHERE assessment_id = ? AND kind = 'answer' AND subject = 'biometric.used'`, id); err != nil {
				t.Fatal(err)
			}
		}, []string{"FAILED  event log", "(answer biometric.used) does not match its hash", "FAILED  sign-off v1 frozen answers"}},
		{"changed evidence file", func(t *testing.T, e *signEnv, _, _ string) {
			writeOver(t, filepath.Join(e.samples, "users.csv"), "full_name\nsomeone else\n")
		}, []string{"FAILED  evidence files", "samples/users.csv changed on disk"}},
		{"removed evidence file", func(t *testing.T, e *signEnv, _, _ string) {
			os.Remove(filepath.Join(e.samples, "users.csv"))
		}, []string{"FAILED  evidence files", "samples/users.csv is missing"}},
		{"swapped report", func(t *testing.T, e *signEnv, id, dir string) {
			b, err := os.ReadFile(filepath.Join(dir, id+"-v1.md"))
			if err != nil {
				t.Fatal(err)
			}
			writeOver(t, filepath.Join(dir, id+"-v1.md"), strings.Replace(string(b), "Kiosk", "Kiosk (approved)", 1))
		}, []string{"FAILED  sign-off v1 files", "report " + "ID-v1.md differs from the signed one"}},
		{"missing report", func(t *testing.T, e *signEnv, id, dir string) {
			os.Remove(filepath.Join(dir, id+"-v1.pdf"))
		}, []string{"FAILED  sign-off v1 files", "report ID-v1.pdf is missing"}},
		{"manifest edited in the workspace", func(t *testing.T, e *signEnv, id, _ string) {
			db := openDB(t, e.ws)
			if _, err := db.Exec(`UPDATE signoffs SET manifest = CAST(replace(CAST(manifest AS TEXT), '"Board"', '"The Board"') AS BLOB)`); err != nil {
				t.Fatal(err)
			}
		}, []string{"FAILED  sign-off v1 signature", "the signature does not match the manifest", "the manifest was replaced"}},
		{"manifest.json edited", func(t *testing.T, e *signEnv, _, dir string) {
			b, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
			writeOver(t, filepath.Join(dir, "manifest.json"), strings.Replace(string(b), `"CEO"`, `"CFO"`, 1))
		}, []string{"FAILED  sign-off v1 files", "manifest.json in " + "DIR is not the signed manifest"}},
		{"signed with another key", func(t *testing.T, e *signEnv, id, _ string) {
			resign(t, e.ws, id)
		}, []string{"FAILED  sign-offs in the log", "it was signed with another key", "is not the signature of the manifest"}},
		{"evidence row added behind dpia's back", func(t *testing.T, e *signEnv, id, _ string) {
			// 'dpia evidence add' would reopen the assessment; a row written into the
			// database directly does not, and the evidence list no longer matches.
			if _, err := openDB(t, e.ws).Exec(`INSERT INTO evidence_files (assessment_id, path, source, sha256, size, status, indexed_at)
				VALUES (?, 'samples/extra.csv', 'extra.csv', 'ab', 10, 'indexed', '2026-01-01T00:00:00Z')`, id); err != nil {
				t.Fatal(err)
			}
		}, []string{"FAILED  evidence list", "samples/extra.csv was added after sign-off"}},
		{"status edited", func(t *testing.T, e *signEnv, id, _ string) {
			if _, err := openDB(t, e.ws).Exec(`UPDATE assessments SET status = 'draft' WHERE id = ?`, id); err != nil {
				t.Fatal(err)
			}
		}, []string{"FAILED  status", "version 1 is signed off but the assessment is marked draft without a reopening"}},
		{"answer changed without an event", func(t *testing.T, e *signEnv, id, _ string) {
			db := openDB(t, e.ws)
			if _, err := db.Exec(`UPDATE answers SET value = '["no"]' WHERE assessment_id = ? AND question_id = 'biometric.used'`, id); err != nil {
				t.Fatal(err)
			}
		}, []string{"FAILED  event log", "FAILED  answers", `the answer to biometric.used is "no", but "yes" was signed`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newSignEnv(t)
			id, dir := e.signedOff(t)
			tt.tamper(t, e, id, dir)
			r := e.run(t, "verify", id)
			out := r.stdout + r.stderr
			t.Logf("dpia verify:\n%s", out)
			if len(tt.want) == 0 {
				if r.code != 0 || strings.Contains(out, "FAILED") {
					t.Fatalf("clean sign-off does not verify: exit %d\n%s", r.code, out)
				}
				for _, s := range []string{"OK      event log", "OK      sign-off v1 signature", "OK      sign-off v1 files",
					"OK      evidence files", "OK      answers", "Aigerim Sadykova"} {
					if !strings.Contains(out, s) {
						t.Errorf("output lacks %q:\n%s", s, out)
					}
				}
				return
			}
			if r.code != 1 {
				t.Errorf("exit %d, want 1:\n%s", r.code, out)
			}
			for _, s := range tt.want {
				s = strings.ReplaceAll(strings.ReplaceAll(s, "ID-", id+"-"), "DIR", dir)
				if !strings.Contains(out, s) {
					t.Errorf("output does not name %q:\n%s", s, out)
				}
			}
			if !strings.Contains(r.stderr, "does not verify: ") {
				t.Errorf("stderr should sum up the failed checks: %q", r.stderr)
			}
		})
	}
}

func TestReopenKeepsSignedVersions(t *testing.T) {
	t.Parallel()
	e := newSignEnv(t)
	id, _ := e.signedOff(t)
	r := e.run(t, "answer", id, "biometric.used", "no")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "saved biometric.used = no") || !strings.Contains(r.stderr, "reopened as version 2 (draft)") {
		t.Fatalf("answer on a signed-off assessment: %+v", r)
	}
	if out := e.must(t, "show", id); !strings.Contains(out, "version 2, draft") || !strings.Contains(out, "v1 signed off by Aigerim Sadykova") {
		t.Errorf("show after reopening:\n%s", out)
	}
	if out := e.must(t, "log", id); !strings.Contains(out, "reopened") || !strings.Contains(out, `"version":2`) {
		t.Errorf("log lacks the reopened event:\n%s", out)
	}
	v1 := e.must(t, "show", id, "--version", "1")
	for _, s := range []string{"version 1, signed off by Aigerim Sadykova", "biometric.used = yes", "Fingerprints at the door", "Badges get shared"} {
		if !strings.Contains(v1, s) {
			t.Errorf("show --version 1 lacks %q:\n%s", s, v1)
		}
	}
	var res struct {
		AIAct struct{ Tier string } `json:"ai_act"`
		Risk  struct{ Residual string }
	}
	if err := json.Unmarshal([]byte(e.must(t, "show", id, "--version", "1", "--json")), &res); err != nil || res.Risk.Residual == "" {
		t.Errorf("show --version 1 --json is not the result JSON: %v %+v", err, res)
	}
	if r := e.run(t, "show", id, "--version", "2"); r.code != 1 || !strings.Contains(r.stderr, "no signed-off version 2 (signed-off versions: 1)") {
		t.Errorf("show of an unsigned version: %+v", r)
	}
	if r := e.run(t, "verify", id); r.code != 0 || !strings.Contains(r.stdout, "NOTE    current version: version 2 was reopened after sign-off v1") {
		t.Errorf("verify after reopening: %+v", r)
	}

	// Version 2 starts with no decisions; once decided it is signed off in its own folder.
	e.must(t, "review", id)
	if r := e.run(t, "signoff", id); r.code != 1 || !strings.Contains(r.stderr, "--measures-approved-by") {
		t.Errorf("v2 signed off with v1's decisions: %+v", r)
	}
	e.decide(t, id)
	if out := e.must(t, "signoff", id); !strings.Contains(out, "version 2") {
		t.Errorf("signoff v2: %s", out)
	}
	if _, err := os.Stat(filepath.Join(e.ws, "signoffs", id+"-v2", "manifest.json")); err != nil {
		t.Errorf("v2 folder: %v", err)
	}
	out := e.must(t, "verify", id)
	for _, s := range []string{"OK      sign-off v1 signature", "OK      sign-off v2 signature", "OK      sign-offs in the log: 2 sign-offs", "OK      answers"} {
		if !strings.Contains(out, s) {
			t.Errorf("verify of two versions lacks %q:\n%s", s, out)
		}
	}
	if !strings.Contains(e.must(t, "show", id, "--version", "1"), "biometric.used = yes") ||
		!strings.Contains(e.must(t, "show", id, "--version", "2"), "biometric.used = no") {
		t.Error("the versions do not keep their own answers")
	}
	// A note reopens too.
	if r := e.run(t, "note", id, "biometric.used", "Badges now"); r.code != 0 || !strings.Contains(r.stderr, "reopened as version 3") {
		t.Errorf("note on a signed-off assessment: %+v", r)
	}
}

func TestSignOffWorkflowErrors(t *testing.T) {
	t.Parallel()
	e := newSignEnv(t)
	id := strings.TrimSpace(e.must(t, "new", "--name", "Flow"))
	e.must(t, "answer", id, "biometric.used", "yes")
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no key", []string{"signoff", id}, 1, "no signing key at " + e.key + ": create one with 'dpia keys init'"},
		{"bad yes/no", []string{"decide", id, "--dpo-followed", "maybe"}, 2, "--dpo-followed takes yes or no"},
		{"bad date", []string{"decide", id, "--next-review", "2030-13-01"}, 2, "--next-review takes a date YYYY-MM-DD"},
		{"date alone", []string{"decide", id, "--date", "2030-01-01"}, 2, "--date goes with"},
		{"unknown id", []string{"review", "a-nope"}, 1, `no assessment "a-nope"`},
	}
	for _, tt := range tests {
		r := e.run(t, tt.args...)
		if r.code != tt.code || !strings.Contains(r.stderr, tt.stderr) {
			t.Errorf("%s: exit %d, stderr %q; want %d and %q", tt.name, r.code, r.stderr, tt.code, tt.stderr)
		}
	}
	e.must(t, "keys", "init", "--name", "Signer")
	if r := e.run(t, "signoff", id); r.code != 1 || !strings.Contains(r.stderr, "is a draft; submit it for review first") {
		t.Errorf("signoff of a draft: %+v", r)
	}
	e.must(t, "review", id)
	if out := e.must(t, "review", id); !strings.Contains(out, "already in review") {
		t.Errorf("second review: %s", out)
	}
	if r := e.run(t, "signoff", id); r.code != 1 || !strings.Contains(r.stderr, "needs these decisions before sign-off: --measures-approved-by, --risk-accepted-by") {
		t.Errorf("signoff without decisions: %+v", r)
	}
	e.decide(t, id)
	taken := filepath.Join(t.TempDir(), "taken")
	os.MkdirAll(taken, 0o700)
	writeOver(t, filepath.Join(taken, "manifest.json"), "{}")
	if r := e.run(t, "signoff", id, "--reports", taken); r.code != 1 || !strings.Contains(r.stderr, "already holds a sign-off") {
		t.Errorf("signoff into a used folder: %+v", r)
	}
	own := filepath.Join(t.TempDir(), "own")
	e.must(t, "signoff", id, "--reports", own)
	if _, err := os.Stat(filepath.Join(own, id+"-v1.pdf")); err != nil {
		t.Errorf("--reports DIR: %v", err)
	}
	if r := e.run(t, "review", id); r.code != 1 || !strings.Contains(r.stderr, "is signed off") {
		t.Errorf("review of a signed-off assessment: %+v", r)
	}
	if r := e.run(t, "signoff", id); r.code != 1 || !strings.Contains(r.stderr, "already signed off") {
		t.Errorf("second signoff: %+v", r)
	}
	if out := e.must(t, "verify", id); !strings.Contains(out, "OK      sign-off v1 files") {
		t.Errorf("verify with --reports folder:\n%s", out)
	}
	if r := e.run(t, "decide", id, "--next-review", "2099-01-01"); r.code != 0 || !strings.Contains(r.stderr, "reopened as version 2") {
		t.Errorf("decide on a signed-off assessment: %+v", r)
	}
}

func TestKeys(t *testing.T) {
	t.Parallel()
	e := newSignEnv(t)
	// The default key lives under $XDG_CONFIG_HOME/dpia, created 0700, the key 0600.
	out := e.runEnv(t, nil, "keys", "init", "--name", "Dana Ospanova")
	def := filepath.Join(e.cfg, "dpia", "signing.key")
	if out.code != 0 || !strings.Contains(out.stdout, def) {
		t.Fatalf("keys init: %+v", out)
	}
	for path, want := range map[string]os.FileMode{def: 0o600, filepath.Dir(def): 0o700} {
		if st, err := os.Stat(path); err != nil || st.Mode().Perm() != want {
			t.Errorf("%s: mode %v, %v; want %v", path, st.Mode().Perm(), err, want)
		}
	}
	before, _ := os.ReadFile(def)
	if r := e.runEnv(t, nil, "keys", "init", "--name", "Someone Else"); r.code != 1 || !strings.Contains(r.stderr, "already exists") {
		t.Errorf("overwrite: %+v", r)
	}
	if after, _ := os.ReadFile(def); !bytes.Equal(before, after) {
		t.Error("an existing key was overwritten")
	}
	show := e.runEnv(t, nil, "keys", "show")
	if show.code != 0 || !strings.Contains(show.stdout, "Dana Ospanova") || !strings.Contains(show.stdout, "ed25519:") {
		t.Errorf("keys show: %+v", show)
	}
	// Identity: events record the key's name, else $DPIA_USER.
	id := strings.TrimSpace(e.runEnv(t, nil, "new", "--name", "Who").stdout)
	e.runEnv(t, []string{"DPIA_KEY=" + filepath.Join(e.cfg, "none.key")}, "answer", id, "biometric.used", "no")
	log := e.runEnv(t, nil, "log", id).stdout
	if !strings.Contains(log, "Dana Ospanova  created") || !strings.Contains(log, "tester") {
		t.Errorf("actors in the log:\n%s", log)
	}
	// --out FILE, and the PEM of its public key is what openssl derives from the key file.
	other := filepath.Join(t.TempDir(), "new", "k.key")
	if r := e.run(t, "keys", "init", "--name", "Other", "--out", other); r.code != 0 {
		t.Fatalf("keys init --out: %+v", r)
	}
	if st, err := os.Stat(other); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("--out key mode: %v %v", st.Mode().Perm(), err)
	}
	pem := e.runEnv(t, nil, "keys", "show", "--key", other, "--pem").stdout
	if !strings.HasPrefix(pem, "-----BEGIN PUBLIC KEY-----") {
		t.Errorf("keys show --pem: %q", pem)
	}
	if ssl, err := exec.Command("openssl", "pkey", "-in", other, "-pubout").Output(); err == nil && string(ssl) != pem {
		t.Errorf("openssl reads another public key from the key file:\n%s\n%s", ssl, pem)
	}
	// A key others may read is refused.
	os.Chmod(def, 0o644)
	if r := e.runEnv(t, nil, "keys", "show"); r.code != 1 || !strings.Contains(r.stderr, "can be read by others (mode 0644)") {
		t.Errorf("loose key mode: %+v", r)
	}
	if r := e.runEnv(t, nil, "keys", "init", "--name", "bad\nname", "--out", filepath.Join(t.TempDir(), "x")); r.code != 2 {
		t.Errorf("name with a newline: %+v", r)
	}
}

func TestVerifyArchiveAndFolder(t *testing.T) {
	t.Parallel()
	e := newSignEnv(t)
	id, dir := e.signedOff(t)
	arch := filepath.Join(t.TempDir(), "a.zip")
	e.must(t, "export", id, "--archive", arch)

	out := e.must(t, "verify", arch)
	for _, s := range []string{"OK      archive", "OK      event log: 17 events", "NOTE    sign-off in the log: event 17",
		"OK      sign-off v1 signature: Ed25519 signature valid; signed by Aigerim Sadykova", "OK      sign-off v1 frozen answers",
		"OK      sign-offs in the log: 1 sign-off", "OK      evidence list"} {
		if !strings.Contains(out, s) {
			t.Errorf("verify archive lacks %q:\n%s", s, out)
		}
	}
	// The archive restores the sign-off in another workspace: verify there checks the
	// signature (the reports folder stayed behind, which is said, not failed).
	other := newSignEnv(t)
	imported := strings.TrimSpace(other.must(t, "import", arch))
	out = other.must(t, "verify", imported)
	for _, s := range []string{"OK      sign-off v1 signature", "NOTE    sign-off v1 files: v1 was signed off in another workspace", "OK      sign-offs in the log"} {
		if !strings.Contains(out, s) {
			t.Errorf("verify of an imported signed-off assessment lacks %q:\n%s", s, out)
		}
	}
	if again := filepath.Join(t.TempDir(), "again.zip"); true {
		other.must(t, "export", imported, "--archive", again)
		a1, _ := os.ReadFile(arch)
		a2, _ := os.ReadFile(again)
		if !bytes.Equal(a1, a2) {
			t.Error("re-exporting an imported signed-off assessment gives another archive")
		}
	}
	// Archives whose sign-off records were altered or removed, the archive's own manifest
	// recomputed as a forger would: each is named.
	for _, tc := range []struct {
		name, want string
		edit       func(map[string][]byte)
	}{
		{"signature flipped", "FAILED  sign-off v1 signature", func(m map[string][]byte) {
			var recs []map[string]any
			json.Unmarshal(m["signoffs.json"], &recs)
			sig := recs[0]["signature"].(string)
			recs[0]["signature"] = strings.ToUpper(sig[:1]) + sig[1:]
			if recs[0]["signature"] == sig {
				recs[0]["signature"] = "A" + sig[1:]
			}
			m["signoffs.json"], _ = json.Marshal(recs)
		}},
		{"records removed", "the log records 1 sign-off but the archive holds no signed manifest", func(m map[string][]byte) {
			delete(m, "signoffs.json")
		}},
	} {
		bad := reforgeArchive(t, arch, tc.edit)
		if r := e.run(t, "verify", bad); r.code != 1 || !strings.Contains(r.stdout, tc.want) {
			t.Errorf("%s: %+v", tc.name, r)
		}
	}
	out = e.must(t, "verify", arch, "--signoff", dir)
	for _, s := range []string{"OK      signature", "OK      reports: 4 reports", "OK      sign-off in the log: the log records this manifest",
		"OK      signed answers", "OK      evidence list"} {
		if !strings.Contains(out, s) {
			t.Errorf("verify archive --signoff lacks %q:\n%s", s, out)
		}
	}
	if out = e.must(t, "verify", dir); !strings.Contains(out, "OK      signature: Ed25519 signature valid; signed by Aigerim Sadykova") {
		t.Errorf("verify folder:\n%s", out)
	}

	bad := rewriteZip(t, arch, func(name string, b []byte) []byte {
		if name == "events.json" {
			return bytes.Replace(b, []byte(`\"yes\"`), []byte(`\"no\"`), 1)
		}
		return b
	}, "")
	if r := e.run(t, "verify", bad); r.code != 1 || !strings.Contains(r.stdout, "FAILED  archive") || !strings.Contains(r.stdout, "events.json does not match its SHA-256") {
		t.Errorf("altered archive member: %+v", r)
	}

	// The folder's signature replaced by one made with another key.
	k, _ := signoff.GenerateKey("Mallory", rand.Reader)
	manifest, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
	writeOver(t, filepath.Join(dir, "manifest.sig"), string(signoff.EncodeSignature(ed25519.Sign(k.Private, manifest))))
	for _, args := range [][]string{{"verify", dir}, {"verify", arch, "--signoff", dir}} {
		r := e.run(t, args...)
		if r.code != 1 || !strings.Contains(r.stdout, "FAILED  signature") || !strings.Contains(r.stdout, "signed with another key") {
			t.Errorf("%v with a signature by another key: %+v", args, r)
		}
	}
	// Re-signed consistently by another key: only a trusted key tells.
	m, _ := signoff.ParseManifest(manifest)
	b, sig, _ := signoff.Sign(m, k)
	writeOver(t, filepath.Join(dir, "manifest.json"), string(b))
	writeOver(t, filepath.Join(dir, "manifest.sig"), string(signoff.EncodeSignature(sig)))
	if r := e.run(t, "verify", dir, "--expect-key", "ed25519:0000000000000000"); r.code != 1 || !strings.Contains(r.stdout, "not the expected ed25519:0000000000000000") {
		t.Errorf("--expect-key: %+v", r)
	}
	if r := e.run(t, "verify", arch, "--signoff", dir); r.code != 1 || !strings.Contains(r.stdout, "it was signed with another key") {
		t.Errorf("archive log against a re-signed folder: %+v", r)
	}
}

// Changing the evidence of a signed-off assessment reopens it (its manifest names the
// evidence). (review_due, which needs a clock past the review date, is tested in the store.)
func TestEvidenceChangeReopensAndReviewDue(t *testing.T) {
	t.Parallel()
	e := newSignEnv(t)
	id, _ := e.signedOff(t)
	if out := e.must(t, "list"); !strings.Contains(out, "signed_off") {
		t.Errorf("list before the review date:\n%s", out)
	}
	more := filepath.Join(e.samples, "more.txt")
	if err := os.WriteFile(more, []byte("contact: anna@mail.kz\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := e.run(t, "evidence", "add", id, more)
	if r.code != 0 || !strings.Contains(r.stderr, "reopened as version 2 (draft)") {
		t.Fatalf("evidence add on a signed-off assessment: %+v", r)
	}
	if out := e.must(t, "verify", id); !strings.Contains(out, "version 2 was reopened after sign-off v1") {
		t.Errorf("verify after evidence reopened it:\n%s", out)
	}
	if out := e.must(t, "list"); !strings.Contains(out, "draft") {
		t.Errorf("list after reopening:\n%s", out)
	}
}

// reforgeArchive rewrites an archive's members with edit and recomputes its manifest, as
// someone altering an archive on purpose would.
func reforgeArchive(t *testing.T, path string, edit func(map[string][]byte)) string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	members := map[string][]byte{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		members[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	edit(members)
	var m exports.Manifest
	if err := json.Unmarshal(members["manifest.json"], &m); err != nil {
		t.Fatal(err)
	}
	m.Files = nil
	names := make([]string, 0, len(members))
	for name := range members {
		if name != "manifest.json" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		sum := sha256.Sum256(members[name])
		m.Files = append(m.Files, exports.ManifestFile{Name: name, Size: int64(len(members[name])), SHA256: hex.EncodeToString(sum[:])})
	}
	members["manifest.json"], _ = json.Marshal(m)
	out := filepath.Join(t.TempDir(), "forged.zip")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for _, name := range append([]string{"manifest.json"}, names...) {
		w, _ := zw.Create(name)
		w.Write(members[name])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return out
}
