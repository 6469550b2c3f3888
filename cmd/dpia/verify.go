package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/dpia-tool/dpia/assessment/evidence"
	"github.com/dpia-tool/dpia/assessment/signoff"
	"github.com/dpia-tool/dpia/assessment/store"
	"github.com/dpia-tool/dpia/exports"
)

// verifyFlags are the flags of dpia verify.
type verifyFlags struct {
	reports   string // where the latest sign-off's reports are, instead of the recorded folder
	signedDir string // for an archive: the sign-off folder (manifest.json, manifest.sig, reports)
	expectKey string // the public key (base64) or fingerprint the signer must have
}

// vcheck is one check of dpia verify: OK, FAILED with the problems, or a NOTE.
type vcheck struct {
	status, name, summary string
	problems              []string
}

// verifier collects the checks and prints them.
type verifier struct{ checks []vcheck }

func (v *verifier) ok(name, format string, args ...any) {
	v.checks = append(v.checks, vcheck{status: "OK", name: name, summary: fmt.Sprintf(format, args...)})
}

func (v *verifier) fail(name string, problems ...string) {
	v.checks = append(v.checks, vcheck{status: "FAILED", name: name, problems: problems})
}

func (v *verifier) note(name, format string, args ...any) {
	v.checks = append(v.checks, vcheck{status: "NOTE", name: name, summary: fmt.Sprintf(format, args...)})
}

// check records OK with summary when there are no problems, else FAILED with them.
func (v *verifier) check(name, summary string, problems []string) {
	if len(problems) == 0 {
		v.ok(name, "%s", summary)
		return
	}
	v.fail(name, problems...)
}

func (v *verifier) print(w io.Writer) {
	for _, c := range v.checks {
		if len(c.problems) == 0 {
			fmt.Fprintf(w, "%-7s %s: %s\n", c.status, c.name, c.summary)
			continue
		}
		fmt.Fprintf(w, "%-7s %s\n", c.status, c.name)
		for _, p := range c.problems {
			fmt.Fprintf(w, "        - %s\n", p)
		}
	}
}

// result is nil when every check passed, else an exit-1 error naming the failed checks.
func (v *verifier) result(what string) error {
	var failed []string
	for _, c := range v.checks {
		if c.status == "FAILED" {
			failed = append(failed, c.name)
		}
	}
	if len(failed) == 0 {
		return nil
	}
	return &exitError{code: 1, msg: fmt.Sprintf("%s does not verify: %s", what, strings.Join(failed, "; "))}
}

func (a *app) verifyCmd() *cobra.Command {
	var fl verifyFlags
	cmd := &cobra.Command{
		Use:   "verify ID | FILE.zip | DIR",
		Short: "Check an assessment, an archive or a sign-off folder: event chain, manifest, signature, evidence and reports",
		Long: "dpia verify ID checks the event log's hash chain, every sign-off's signature and manifest against the " +
			"log and the workspace, the answers, the evidence files (re-hashed) and the signed reports (re-hashed). " +
			"dpia verify FILE.zip checks an archive: its members' hashes and its event log, and with --signoff DIR " +
			"the signed manifest of that folder against the archive's log. dpia verify DIR checks a sign-off folder " +
			"alone: the signature and the reports. Each check prints OK or FAILED with what differs; the exit " +
			"status is 1 when any check fails.",
		Args: exactArgs(1, "an assessment id, an archive (.zip) or a sign-off folder"),
		RunE: func(cmd *cobra.Command, args []string) error {
			target := args[0]
			st, err := os.Stat(target)
			switch {
			case err == nil && st.IsDir():
				return a.verifyFolder(target, fl)
			case err == nil && isArchive(target):
				return a.verifyArchive(target, fl)
			case err != nil && strings.EqualFold(filepath.Ext(target), ".zip"):
				return fmt.Errorf("cannot read archive %s: %w", target, err)
			}
			return a.verifyAssessment(cmd.Context(), target, fl)
		},
	}
	f := cmd.Flags()
	f.StringVar(&fl.reports, "reports", "", "folder of the latest sign-off's reports, if they were moved from where the sign-off wrote them")
	f.StringVar(&fl.signedDir, "signoff", "", "with an archive: the sign-off folder whose manifest.json and manifest.sig to check against it")
	f.StringVar(&fl.expectKey, "expect-key", "", "the signer's public key (base64) or fingerprint (ed25519:…) that every signature must have")
	return cmd
}

// verifyAssessment checks an assessment in the workspace.
func (a *app) verifyAssessment(ctx context.Context, id string, fl verifyFlags) error {
	st, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	as, err := st.Assessment(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no assessment %q in this workspace (see 'dpia list'), and no archive or folder of that name", id)
	}
	if err != nil {
		return err
	}
	v := &verifier{}
	lv, err := st.VerifyLog(ctx, id)
	if err != nil {
		return err
	}
	if lv.OK {
		v.ok("event log", "%s, hash chain intact, answers and notes agree with it", plural(lv.Events, "event"))
	} else {
		v.fail("event log", lv.Problem)
	}
	evs, err := st.Events(ctx, id)
	if err != nil {
		return err
	}
	recs, err := st.SignOffs(ctx, id)
	if err != nil {
		return err
	}
	version, err := st.Version(ctx, id)
	if err != nil {
		return err
	}
	d, err := st.Decisions(ctx, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "%s  %s: version %d, %s\n", id, as.Name, version,
		store.EffectiveStatus(as.Status, d.NextReview, time.Now()))
	if err := a.verifySignOffs(ctx, v, st, as, evs, recs, version, fl); err != nil {
		return err
	}
	if err := verifyEvidenceOnDisk(ctx, v, st, id); err != nil {
		return err
	}
	v.print(a.stdout)
	return v.result("assessment " + id)
}

// verifySignOffs checks every sign-off record and, when the assessment is still signed off
// at its latest version, the workspace against that manifest.
func (a *app) verifySignOffs(ctx context.Context, v *verifier, st *store.SQLite, as store.Assessment,
	evs []store.Event, recs []store.SignOff, version int, fl verifyFlags) error {
	if len(recs) == 0 {
		if as.Status == store.StatusSignedOff {
			v.fail("sign-off", "the assessment is marked signed off but the workspace holds no sign-off record for it")
		} else {
			v.note("sign-off", "none yet (the assessment is %s)", as.Status)
		}
		if problems := signoff.CheckLog(evs, nil); len(problems) > 0 {
			v.fail("sign-offs in the log", problems...)
		}
		return nil
	}
	var signed []signoff.Signed
	var latest *signoff.Manifest
	for i, rec := range recs {
		dir := resolveDir(st.Dir(), rec.ReportsDir)
		if i == len(recs)-1 && fl.reports != "" {
			dir = fl.reports
		}
		m := verifyRecord(v, as.ID, evs, rec, dir, fl.expectKey)
		signed = append(signed, signoff.Signed{Version: rec.Version, Events: rec.Events, LogHead: rec.LogHead,
			ManifestSHA256: signoff.SHA256(rec.Manifest), PublicKey: rec.PublicKey})
		latest = m
	}
	v.check("sign-offs in the log", fmt.Sprintf("%s, each right after the events it signs; later changes follow a reopening", plural(len(recs), "sign-off")),
		signoff.CheckLog(evs, signed))
	last := recs[len(recs)-1]
	switch {
	case last.Version < version && as.Status == store.StatusSignedOff:
		v.fail("status", fmt.Sprintf("version %d is marked signed off but has no sign-off record", version))
		return nil
	case last.Version < version:
		v.note("current version", "version %d was reopened after sign-off v%d and is %s; its changes are not signed", version, last.Version, as.Status)
		return nil
	case as.Status != store.StatusSignedOff:
		v.fail("status", fmt.Sprintf("version %d is signed off but the assessment is marked %s without a reopening", version, as.Status))
	}
	if latest == nil {
		return nil
	}
	return a.verifyCurrent(ctx, v, st, as.ID, last, latest)
}

// verifyRecord checks one sign-off record: the signature, that the manifest is the record's,
// the frozen answers, notes and result, and the reports and manifest files in dir.
func verifyRecord(v *verifier, id string, evs []store.Event, rec store.SignOff, dir, expect string) *signoff.Manifest {
	m := verifySignedRecord(v, id, evs, rec, expect)
	if m == nil {
		return nil
	}
	if dir == "" {
		// A record restored from an archive: the reports were written in the signer's
		// workspace and are not here. Say what was not checked rather than fail it.
		v.note(fmt.Sprintf("sign-off v%d files", rec.Version), "v%d was signed off in another workspace (this record came from an archive); check its reports with 'dpia verify DIR' on the sign-off folder, or --reports DIR", rec.Version)
		return m
	}
	files := checkSignedFiles(dir, rec.Manifest, rec.Signature)
	files = append(files, signoff.CheckReports(os.DirFS(dir), m.Reports)...)
	v.check(fmt.Sprintf("sign-off v%d files", rec.Version), fmt.Sprintf("%s, manifest.json and manifest.sig in %s match", plural(len(m.Reports), "report"), dir), files)
	return m
}

// verifySignedRecord checks a sign-off record's signature, that the manifest is the record's,
// and the answers, notes and result frozen with it.
func verifySignedRecord(v *verifier, id string, evs []store.Event, rec store.SignOff, expect string) *signoff.Manifest {
	name := fmt.Sprintf("sign-off v%d", rec.Version)
	m, err := signoff.Verify(rec.Manifest, rec.Signature)
	if m == nil {
		v.fail(name+" signature", err.Error())
		return nil
	}
	var problems []string
	if err != nil {
		problems = append(problems, err.Error())
	}
	if m.Signer.PublicKey != rec.PublicKey || m.Signer.Name != rec.Signer {
		problems = append(problems, fmt.Sprintf("the manifest names signer %s (key %s) but the record names %s (key %s)",
			m.Signer.Name, signoff.Short(m.Signer.PublicKey), rec.Signer, signoff.Short(rec.PublicKey)))
	}
	if m.Assessment.ID != id || m.Assessment.Version != rec.Version || m.Log.Head != rec.LogHead || m.Log.Events != rec.Events {
		problems = append(problems, fmt.Sprintf("the manifest signs %s v%d at %d events, not the record's %s v%d at %d events",
			m.Assessment.ID, m.Assessment.Version, m.Log.Events, id, rec.Version, rec.Events))
	}
	problems = append(problems, expectedKey(m, expect)...)
	v.check(name+" signature", fmt.Sprintf("Ed25519 signature valid; signed by %s (%s) at %s", m.Signer.Name, keyFingerprint(m), m.SignedAt), problems)
	v.check(name+" frozen answers", fmt.Sprintf("%s and %s, as signed and as the log had them", plural(len(rec.Answers), "answer"), plural(len(rec.Notes), "note")),
		frozenProblems(evs, rec, m))
	return m
}

// frozenProblems checks the answers, notes and result frozen with a sign-off against its
// manifest and against a replay of the log up to the sign-off.
func frozenProblems(evs []store.Event, rec store.SignOff, m *signoff.Manifest) []string {
	var out []string
	if signoff.AnswersHash(rec.Answers, rec.Notes) != m.AnswersSHA256 {
		out = append(out, fmt.Sprintf("the answers and notes stored with v%d are not the signed ones: they were edited", rec.Version))
	}
	if rec.Events <= len(evs) {
		answers, notes, err := signoff.Replay(evs[:rec.Events])
		switch {
		case err != nil:
			out = append(out, err.Error())
		case signoff.AnswersHash(answers, notes) != m.AnswersSHA256:
			out = append(out, fmt.Sprintf("the answers and notes in the log up to sign-off v%d are not the signed ones", rec.Version))
		}
	}
	res, err := frozenResult(rec)
	if err != nil {
		return append(out, err.Error())
	}
	if h, err := exports.ContentHash(res, rec.Answers, rec.Notes); err != nil || h != m.ContentHash {
		out = append(out, fmt.Sprintf("the graded result stored with v%d is not the signed one (content hash %s, signed %s)",
			rec.Version, signoff.Short(h), signoff.Short(m.ContentHash)))
	}
	return out
}

// checkSignedFiles compares manifest.json and manifest.sig in dir with the signed ones.
func checkSignedFiles(dir string, manifest, sig []byte) []string {
	var out []string
	b, err := readLimited(filepath.Join(dir, signoff.ManifestFile), 64<<20)
	switch {
	case err != nil:
		out = append(out, fmt.Sprintf("%s cannot be read in %s (%v)", signoff.ManifestFile, dir, errText(err)))
	case !bytes.Equal(b, manifest):
		out = append(out, fmt.Sprintf("%s in %s is not the signed manifest: it was edited or replaced", signoff.ManifestFile, dir))
	}
	b, err = readLimited(filepath.Join(dir, signoff.SignatureFile), 4096)
	if err != nil {
		return append(out, fmt.Sprintf("%s cannot be read in %s (%v)", signoff.SignatureFile, dir, errText(err)))
	}
	if got, err := signoff.DecodeSignature(b); err != nil || !bytes.Equal(got, sig) {
		out = append(out, fmt.Sprintf("%s in %s is not the signature of the manifest: it was replaced", signoff.SignatureFile, dir))
	}
	return out
}

func errText(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// expectedKey checks the signer's key against --expect-key (a base64 key or a fingerprint).
func expectedKey(m *signoff.Manifest, expect string) []string {
	if expect == "" || expect == m.Signer.PublicKey || expect == keyFingerprint(m) {
		return nil
	}
	return []string{fmt.Sprintf("signed with key %s, not the expected %s", keyFingerprint(m), expect)}
}

func keyFingerprint(m *signoff.Manifest) string {
	pub, err := signoff.ParsePublicKey(m.Signer.PublicKey)
	if err != nil {
		return signoff.Short(m.Signer.PublicKey)
	}
	return signoff.Fingerprint(pub)
}

// verifyCurrent compares the workspace as it is with the manifest of its latest sign-off:
// the answers and notes, the evidence list and the packs (a pack change is a note: the
// assessment is unchanged, but grading it again may differ).
func (a *app) verifyCurrent(ctx context.Context, v *verifier, st *store.SQLite, id string, rec store.SignOff, m *signoff.Manifest) error {
	snap, err := st.SnapshotRecords(ctx, id)
	if err != nil {
		return err
	}
	answers, notes := signoff.Entries(snap)
	v.check("answers", fmt.Sprintf("%s and %s, as signed in v%d", plural(len(answers), "answer"), plural(len(notes), "note"), rec.Version),
		signoff.DiffEntries(rec.Answers, rec.Notes, answers, notes))
	v.check("evidence list", fmt.Sprintf("%s, as signed in v%d", plural(len(snap.Evidence), "evidence file"), rec.Version),
		signoff.DiffEvidence(m.Evidence, signoff.EvidenceOf(snap.Evidence)))
	base, user, err := a.packFiles()
	if err != nil {
		v.note("packs", "cannot read the packs to compare them: %v", err)
		return nil
	}
	now := signoff.PacksOf(append(base, user...), nil)
	if diff := signoff.DiffPacks(m.Packs, now); len(diff) > 0 {
		v.note("packs", "the packs differ from those signed, so grading again may differ (the signed result is kept): %s", strings.Join(diff, "; "))
	} else {
		v.ok("packs", "the loaded pack files are the ones signed (set SHA-256 %s)", signoff.Short(now.SetSHA256))
	}
	return nil
}

// verifyEvidenceOnDisk re-hashes the evidence files (see evidence.Index.Verify).
func verifyEvidenceOnDisk(ctx context.Context, v *verifier, st *store.SQLite, id string) error {
	ix, err := evidence.OpenIndex(ctx, st)
	if err != nil {
		return err
	}
	items, err := ix.Verify(ctx, id)
	if err != nil {
		return err
	}
	var problems []string
	hashed := len(items)
	for _, it := range items {
		switch it.Status {
		case evidence.VerifyUnhashed:
			hashed--
		case evidence.VerifyChanged:
			problems = append(problems, fmt.Sprintf("%s changed on disk: %s", it.Path, it.Detail))
		case evidence.VerifyMissing:
			problems = append(problems, fmt.Sprintf("%s is missing: %s", it.Path, it.Detail))
		}
	}
	v.check("evidence files", fmt.Sprintf("%s re-hashed, all unchanged", plural(hashed, "file")), problems)
	return nil
}

// verifyArchive checks an archive (see exports.ReadArchive): its members against its
// manifest, its event log, the sign-off records it carries (signatures, frozen answers, their
// place in the log) and, with --signoff DIR, that folder's signed manifest against the log.
func (a *app) verifyArchive(path string, fl verifyFlags) error {
	v := &verifier{}
	arch, done, err := readArchiveFile(path)
	var refused *exports.ArchiveError
	if err != nil && !errors.As(err, &refused) {
		return err
	}
	if err == nil {
		defer done()
		// The detections are streamed: read them through once to check every one parses.
		n := 0
		if derr := arch.EachDetection(func(store.SnapshotDetection) error { n++; return nil }); derr != nil {
			if !errors.As(derr, &refused) {
				return derr
			}
			err = derr
		}
	}
	if err != nil {
		v.fail("archive", refused.Error())
		v.print(a.stdout)
		return v.result("archive " + path)
	}
	snap := arch.Snapshot
	fmt.Fprintf(a.stdout, "%s: assessment %s  %s, %s\n", path, snap.Assessment.ID, snap.Assessment.Name, snap.Assessment.Status)
	v.ok("archive", "every member matches its SHA-256 in manifest.json")
	if err := store.VerifySnapshot(snap); err != nil {
		v.fail("event log", err.Error())
	} else {
		v.ok("event log", "%s, hash chain intact up to the recorded head, answers and notes agree with it", plural(len(snap.Events), "event"))
	}
	evs := signoff.SnapshotEvents(snap)
	var recorded []store.Event
	for _, e := range evs {
		if e.Kind == store.KindSignOff {
			recorded = append(recorded, e)
			v.note("sign-off in the log", "event %d by %s at %s: %s", e.Seq, e.Actor, e.At.Format(time.RFC3339), e.New)
		}
	}
	switch {
	case fl.signedDir != "":
		verifyFolderAgainstLog(v, fl.signedDir, snap, evs, fl.expectKey)
	case len(snap.SignOffs) > 0:
		verifyArchivedSignOffs(v, snap, evs, fl.expectKey)
	case len(recorded) > 0:
		v.fail("sign-off records", fmt.Sprintf("the log records %s but the archive holds no signed manifest (%s was removed?); check a sign-off folder with --signoff DIR",
			plural(len(recorded), "sign-off"), "signoffs.json"))
	default:
		v.note("sign-off", "the archive's log records no sign-off")
	}
	v.print(a.stdout)
	return v.result("archive " + path)
}

// verifyArchivedSignOffs checks the sign-off records an archive carries: each signature and
// its frozen answers, that the log records each right after the events it signs, and, when
// the last version is still signed off, the archive's evidence list against its manifest.
// The reports are not in an archive; their hashes are in the signed manifests.
func verifyArchivedSignOffs(v *verifier, snap store.Snapshot, evs []store.Event, expect string) {
	id := snap.Assessment.ID
	var signed []signoff.Signed
	var last *signoff.Manifest
	for _, r := range snap.SignOffs {
		rec := r.SignOff(id)
		last = verifySignedRecord(v, id, evs, rec, expect)
		signed = append(signed, signoff.Signed{Version: rec.Version, Events: rec.Events, LogHead: rec.LogHead,
			ManifestSHA256: signoff.SHA256(rec.Manifest), PublicKey: rec.PublicKey})
	}
	v.check("sign-offs in the log", fmt.Sprintf("%s, each right after the events it signs; later changes follow a reopening", plural(len(signed), "sign-off")),
		signoff.CheckLog(evs, signed))
	if last != nil && snap.Assessment.Status == store.StatusSignedOff && len(evs) == last.Log.Events+2 {
		v.check("evidence list", fmt.Sprintf("%s in the archive, as signed", plural(len(snap.Evidence), "evidence file")),
			signoff.DiffEvidence(last.Evidence, signoff.EvidenceOf(snap.Evidence)))
	}
	v.note("reports", "an archive carries the signed manifests, not the reports; check those with 'dpia verify DIR' on the sign-off folder")
}

// verifyFolderAgainstLog checks a sign-off folder against an archive's log: the signature,
// that the log records this manifest and key right after the events it signs, the signed
// answers against a replay of the log, the reports, and the evidence when nothing was reopened.
func verifyFolderAgainstLog(v *verifier, dir string, snap store.Snapshot, evs []store.Event, expect string) {
	m, manifest := verifyFolderFiles(v, dir, expect)
	if m == nil {
		return
	}
	if m.Assessment.ID != snap.Assessment.ID {
		v.fail("sign-off in the log", fmt.Sprintf("the manifest in %s signs assessment %s, not the archive's %s", dir, m.Assessment.ID, snap.Assessment.ID))
		return
	}
	s := signoff.Signed{Version: m.Assessment.Version, Events: m.Log.Events, LogHead: m.Log.Head,
		ManifestSHA256: signoff.SHA256(manifest), PublicKey: m.Signer.PublicKey}
	problems := signoff.CheckInLog(evs, s)
	v.check("sign-off in the log", fmt.Sprintf("the log records this manifest and key for v%d right after the %d events it signs", s.Version, s.Events), problems)
	if m.Log.Events > len(evs) {
		return
	}
	answers, notes, err := signoff.Replay(evs[:m.Log.Events])
	if err == nil && signoff.AnswersHash(answers, notes) != m.AnswersSHA256 {
		err = errors.New("the answers and notes in the archive's log up to the sign-off are not the signed ones")
	}
	if err != nil {
		v.fail("signed answers", err.Error())
	} else {
		v.ok("signed answers", "%s and %s in the log at sign-off, as signed", plural(len(answers), "answer"), plural(len(notes), "note"))
	}
	if len(problems) == 0 && snap.Assessment.Status == store.StatusSignedOff && len(evs) == m.Log.Events+2 {
		v.check("evidence list", fmt.Sprintf("%s in the archive, as signed", plural(len(snap.Evidence), "evidence file")),
			signoff.DiffEvidence(m.Evidence, signoff.EvidenceOf(snap.Evidence)))
	}
}

// verifyFolder checks a sign-off folder alone: the signature and the reports.
func (a *app) verifyFolder(dir string, fl verifyFlags) error {
	v := &verifier{}
	m, _ := verifyFolderFiles(v, dir, fl.expectKey)
	if m != nil {
		fmt.Fprintf(a.stdout, "%s: sign-off of %s  %s, version %d\n", dir, m.Assessment.ID, m.Assessment.Name, m.Assessment.Version)
		v.note("scope", "this checks the folder alone; 'dpia verify %s' in its workspace, or 'dpia verify FILE.zip --signoff %s', also checks the event log", m.Assessment.ID, dir)
	}
	v.print(a.stdout)
	return v.result("sign-off folder " + dir)
}

// verifyFolderFiles checks the signature of a folder's manifest and re-hashes its reports. It
// returns the manifest and its bytes, or nil when they cannot be read.
func verifyFolderFiles(v *verifier, dir, expect string) (*signoff.Manifest, []byte) {
	manifest, err := readLimited(filepath.Join(dir, signoff.ManifestFile), 64<<20)
	if err != nil {
		v.fail("signature", fmt.Sprintf("%s cannot be read in %s (%s)", signoff.ManifestFile, dir, errText(err)))
		return nil, nil
	}
	text, err := readLimited(filepath.Join(dir, signoff.SignatureFile), 4096)
	if err != nil {
		v.fail("signature", fmt.Sprintf("%s cannot be read in %s (%s)", signoff.SignatureFile, dir, errText(err)))
		return nil, nil
	}
	sig, err := signoff.DecodeSignature(text)
	if err != nil {
		v.fail("signature", fmt.Sprintf("%s in %s: %v", signoff.SignatureFile, dir, err))
		return nil, nil
	}
	m, err := signoff.Verify(manifest, sig)
	if m == nil {
		v.fail("signature", err.Error())
		return nil, nil
	}
	problems := expectedKey(m, expect)
	if err != nil {
		problems = append([]string{err.Error()}, problems...)
	}
	v.check("signature", fmt.Sprintf("Ed25519 signature valid; signed by %s (%s) at %s", m.Signer.Name, keyFingerprint(m), m.SignedAt), problems)
	v.check("reports", fmt.Sprintf("%s in %s match the manifest", plural(len(m.Reports), "report"), dir), signoff.CheckReports(os.DirFS(dir), m.Reports))
	return m, manifest
}

// plural writes "1 file", "2 files".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
