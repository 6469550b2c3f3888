package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/dpia-tool/dpia/assessment"
	"github.com/dpia-tool/dpia/assessment/signoff"
	"github.com/dpia-tool/dpia/assessment/store"
	"github.com/dpia-tool/dpia/exports"
	q "github.com/dpia-tool/dpia/questionnaires"
)

func (a *app) reviewCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "review ID",
		Short: "Submit a draft assessment for review (draft → in_review)",
		Args:  exactArgs(1, "an assessment id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, id := cmd.Context(), args[0]
			st, err := a.openStore(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			changed, err := st.SubmitForReview(ctx, id, actor())
			switch {
			case errors.Is(err, store.ErrNotFound):
				return fmt.Errorf("no assessment %q in this workspace (see 'dpia list')", id)
			case errors.Is(err, store.ErrSignedOff):
				return fmt.Errorf("assessment %s is signed off; changing an answer, a note or a decision reopens it as a new version", id)
			case err != nil:
				return err
			}
			v, err := st.Version(ctx, id)
			if err != nil {
				return err
			}
			if !changed {
				fmt.Fprintf(a.stdout, "%s is already in review (version %d)\n", id, v)
				return nil
			}
			fmt.Fprintf(a.stdout, "%s is in review (version %d); record the decisions with 'dpia decide %s …', then sign off with 'dpia signoff %s'\n", id, v, id, id)
			return nil
		},
	}
}

// noteReopened tells the user on standard error that an edit reopened a signed-off
// assessment.
func (a *app) noteReopened(id string, to int) {
	if to > 0 {
		fmt.Fprintf(a.stderr, "dpia: note: %s was signed off; it is reopened as version %d (draft), and version %d stays readable with 'dpia show %s --version %d'\n",
			id, to, to-1, id, to-1)
	}
}

// resolveDir resolves a reports folder as stored: relative to the workspace, or absolute.
func resolveDir(ws, dir string) string {
	if dir == "" || filepath.IsAbs(dir) {
		return dir
	}
	return filepath.Join(ws, dir)
}

// relativeDir is how a reports folder is stored: relative to the workspace when it is inside
// it (so that the workspace can move), else absolute.
func relativeDir(ws, dir string) string {
	if rel, err := filepath.Rel(ws, dir); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return rel
	}
	return dir
}

// writeSignOffReports writes the pdf, xlsx, json and md reports of an assessment into dir,
// dated at (the sign-off time) and marked signed off, and returns their names and hashes.
// With SOURCE_DATE_EPOCH set to that time, 'dpia report' reproduces them byte for byte.
func (s *session) writeSignOffReports(ctx context.Context, id, dir, base string, at time.Time, contentHash string) ([]signoff.ReportFile, error) {
	r, err := s.report(ctx, id, "en", at)
	if err != nil {
		return nil, err
	}
	if r.ContentHash != contentHash {
		return nil, fmt.Errorf("assessment %s %w; sign off again", id, store.ErrChanged)
	}
	r.Meta.Status = store.StatusSignedOff
	var out []signoff.ReportFile
	for _, format := range exports.Formats {
		name := base + "." + format
		h := sha256.New()
		var n int64
		err := exports.WriteFileAtomic(filepath.Join(dir, name), 0o600, func(w io.Writer) error {
			return exports.Write(&hashWriter{w: w, h: h, n: &n}, format, r, exports.Options{})
		})
		if err != nil {
			return nil, err
		}
		out = append(out, signoff.ReportFile{File: name, Format: format, SHA256: hex.EncodeToString(h.Sum(nil)), Size: n})
	}
	return out, nil
}

// hashWriter hashes and counts what it passes on.
type hashWriter struct {
	w io.Writer
	h io.Writer
	n *int64
}

func (hw *hashWriter) Write(p []byte) (int, error) {
	n, err := hw.w.Write(p)
	hw.h.Write(p[:n])
	*hw.n += int64(n)
	return n, err
}

// writeSignedFiles writes manifest.json and manifest.sig into dir.
func writeSignedFiles(dir string, manifest, sig []byte) error {
	for name, b := range map[string][]byte{signoff.ManifestFile: manifest, signoff.SignatureFile: signoff.EncodeSignature(sig)} {
		err := exports.WriteFileAtomic(filepath.Join(dir, name), 0o600, func(w io.Writer) error {
			_, err := w.Write(b)
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// checkNewSignOffDir creates dir (0700) and refuses a folder that already holds a sign-off.
func checkNewSignOffDir(dir string) error {
	if _, err := os.Stat(filepath.Join(dir, signoff.ManifestFile)); err == nil {
		return fmt.Errorf("%s already holds a sign-off (%s); choose another folder with --reports DIR", dir, signoff.ManifestFile)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("check reports folder %s: %w", dir, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create reports folder %s: %w", dir, err)
	}
	return nil
}

// frozenResult decodes the graded result stored with a sign-off.
func frozenResult(rec store.SignOff) (assessment.Result, error) {
	var res assessment.Result
	if err := json.Unmarshal(rec.Result, &res); err != nil {
		return res, fmt.Errorf("the result frozen with sign-off v%d is malformed: %w", rec.Version, err)
	}
	return res, nil
}

func (a *app) signoffCmd() *cobra.Command {
	var keyFile, dir string
	cmd := &cobra.Command{
		Use:   "signoff ID [--key FILE] [--reports DIR]",
		Short: "Sign off an assessment in review: freeze it, write its reports and sign a manifest of it",
		Long: "Signs off an assessment in review whose decisions are recorded (see 'dpia decide'). It writes the " +
			"pdf, xlsx, json and md reports into --reports DIR (default <workspace>/signoffs/<id>-v<version>/), " +
			"dated at the sign-off time, then signs a manifest of the answers, the event log, the packs, the " +
			"evidence, the reports and the decisions with your Ed25519 key (--key, $DPIA_KEY, or " +
			"~/.config/dpia/signing.key). The manifest and signature are stored in the workspace and written as " +
			"manifest.json and manifest.sig next to the reports. Check it later with 'dpia verify ID'.",
		Args: exactArgs(1, "an assessment id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			done, err := a.signOff(cmd.Context(), args[0], keyFile, dir)
			if err != nil {
				return err
			}
			a.printSignedOff(done)
			return nil
		},
	}
	cmd.Flags().StringVar(&keyFile, "key", "", "signing key file (default $DPIA_KEY, else ~/.config/dpia/signing.key)")
	cmd.Flags().StringVar(&dir, "reports", "", "folder for the reports and the signed manifest (default <workspace>/signoffs/<id>-v<version>/)")
	return cmd
}

// signedState is what a sign-off freezes, read before anything is written.
type signedState struct {
	as        store.Assessment
	snap      store.Snapshot
	version   int
	decisions store.Decisions
	res       assessment.Result
	answers   map[string][]string
	notes     map[string]string
}

// prepareSignOff checks that an assessment may be signed off and reads what the sign-off
// freezes.
func (s *session) prepareSignOff(ctx context.Context, id string, now time.Time) (*signedState, error) {
	as, err := s.assessment(ctx, id)
	if err != nil {
		return nil, err
	}
	switch as.Status {
	case store.StatusDraft:
		return nil, fmt.Errorf("assessment %s is a draft; submit it for review first with 'dpia review %s'", id, id)
	case store.StatusSignedOff:
		return nil, fmt.Errorf("assessment %s is already signed off; changing it reopens it as a new version, which can then be signed off", id)
	}
	d, err := s.st.Decisions(ctx, id)
	if err != nil {
		return nil, err
	}
	if missing := signoff.Decisions(d).Missing(now); len(missing) > 0 {
		return nil, fmt.Errorf("assessment %s needs these decisions before sign-off: --%s (record them with 'dpia decide %s')",
			id, strings.Join(missing, ", --"), id)
	}
	if v, err := s.st.VerifyLog(ctx, id); err != nil {
		return nil, err
	} else if !v.OK {
		return nil, fmt.Errorf("the event log of %s does not verify, so it cannot be signed: %s", id, v.Problem)
	}
	st := &signedState{as: as, decisions: d}
	if st.snap, err = s.st.SnapshotRecords(ctx, id); err != nil {
		return nil, err
	}
	if st.version, err = s.st.Version(ctx, id); err != nil {
		return nil, err
	}
	if st.res, err = s.grade(ctx, as); err != nil {
		return nil, err
	}
	st.answers, st.notes = signoff.Entries(st.snap)
	return st, nil
}

// signedOff is what a sign-off produced.
type signedOff struct {
	Manifest       signoff.Manifest
	ManifestSHA256 string
	Dir            string // the reports, manifest.json and manifest.sig
	Result         assessment.Result
}

// signOff signs off assessment id with the key in keyFile (or the default key), writing the
// reports and the signed manifest into dir (or the default folder). It prints nothing.
func (a *app) signOff(ctx context.Context, id, keyFile, dir string) (*signedOff, error) {
	key, _, err := loadKey(keyFile)
	if err != nil {
		return nil, err
	}
	base, user, err := a.packFiles()
	if err != nil {
		return nil, err
	}
	set, err := q.Build(base, user)
	if err != nil {
		return nil, err
	}
	st, err := a.openStore(ctx)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return (&session{st: st, set: set}).signOff(ctx, id, key, append(base, user...), dir)
}

// signOff signs off assessment id in the session's workspace; packFiles are the pack files
// loaded (their hashes are signed).
func (s *session) signOff(ctx context.Context, id string, key signoff.Key, packFiles []q.NamedFile, dir string) (*signedOff, error) {
	st := s.st
	now := time.Now().UTC().Truncate(time.Second)
	state, err := s.prepareSignOff(ctx, id, now)
	if err != nil {
		return nil, err
	}
	if dir == "" {
		dir = filepath.Join(st.Dir(), "signoffs", fmt.Sprintf("%s-v%d", id, state.version))
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return nil, err
	}
	if err := checkNewSignOffDir(dir); err != nil {
		return nil, err
	}
	m := signoff.Manifest{Format: signoff.Format, FormatVersion: signoff.FormatVersion,
		Assessment:    signoff.Assessment{ID: id, Name: state.as.Name, SystemName: state.as.SystemName, Version: state.version},
		AnswersSHA256: signoff.AnswersHash(state.answers, state.notes),
		Log:           signoff.Log{Head: state.snap.Assessment.LogHead, Events: len(state.snap.Events)},
		Packs:         signoff.PacksOf(packFiles, state.res.Laws),
		Evidence:      signoff.EvidenceOf(state.snap.Evidence),
		Decisions:     signoff.Decisions(state.decisions),
		Verdict: signoff.Verdict{AIActTier: state.res.AIAct.Tier, DPIARequired: state.res.DPIA.Required,
			Inherent: state.res.Risk.Inherent, Residual: state.res.Risk.Residual, Completeness: state.res.Completeness},
		SignedAt: now.Format(time.RFC3339),
	}
	if m.ContentHash, err = exports.ContentHash(state.res, state.answers, state.notes); err != nil {
		return nil, err
	}
	if m.Reports, err = s.writeSignOffReports(ctx, id, dir, fmt.Sprintf("%s-v%d", id, state.version), now, m.ContentHash); err != nil {
		return nil, err
	}
	manifest, sig, err := signoff.Sign(&m, key)
	if err != nil {
		return nil, err
	}
	result, err := json.Marshal(state.res)
	if err != nil {
		return nil, err
	}
	rec := store.SignOff{AssessmentID: id, Version: state.version, SignedAt: now, Signer: key.Name,
		PublicKey: key.PublicBase64(), LogHead: m.Log.Head, Events: m.Log.Events, Manifest: manifest, Signature: sig,
		Answers: state.answers, Notes: state.notes, Result: result, ReportsDir: relativeDir(st.Dir(), dir)}
	if err := st.RecordSignOff(ctx, rec, signoff.SHA256(manifest), actor()); err != nil {
		return nil, err
	}
	if err := writeSignedFiles(dir, manifest, sig); err != nil {
		return nil, fmt.Errorf("signed off %s version %d, but %w (the workspace holds the signed manifest)", id, state.version, err)
	}
	return &signedOff{Manifest: m, ManifestSHA256: signoff.SHA256(manifest), Dir: dir, Result: state.res}, nil
}

// priorConsultationWarning is the warning a sign-off deserves when high risk remains but
// prior consultation was decided against, or "".
func priorConsultationWarning(d signoff.Decisions, res assessment.Result) string {
	if d.PriorConsultation == "no" && (res.Risk.Residual == "high" || res.Risk.Residual == "critical") {
		return fmt.Sprintf("the residual risk is %s but prior consultation was decided 'no'; GDPR Art. 36 requires consulting the supervisory authority when high risk remains",
			res.Risk.Residual)
	}
	return ""
}

func (a *app) printSignedOff(done *signedOff) {
	m, dir, manifestSHA := done.Manifest, done.Dir, done.ManifestSHA256
	pub, _ := signoff.ParsePublicKey(m.Signer.PublicKey)
	fmt.Fprintf(a.stdout, "signed off %s version %d as %s (%s) at %s\n", m.Assessment.ID, m.Assessment.Version,
		m.Signer.Name, signoff.Fingerprint(pub), m.SignedAt)
	fmt.Fprintf(a.stdout, "manifest SHA-256 %s\n", manifestSHA)
	fmt.Fprintf(a.stdout, "reports and manifest.json, manifest.sig in %s\n", dir)
	if w := priorConsultationWarning(m.Decisions, done.Result); w != "" {
		fmt.Fprintf(a.stderr, "dpia: note: %s\n", w)
	}
}

// withVersions adds --version N to 'dpia show': the version as frozen at its sign-off (its
// graded result, decisions, answers and notes). Without it, show is unchanged except for a
// line on the review state when there is one.
func (a *app) withVersions(show *cobra.Command) *cobra.Command {
	var version int
	run := show.RunE
	show.Use = "show ID [--json] [--version N]"
	show.Flags().IntVar(&version, "version", 0, "show version N as frozen when it was signed off")
	show.RunE = func(cmd *cobra.Command, args []string) error {
		asJSON, _ := cmd.Flags().GetBool("json")
		if version == 0 {
			if err := run(cmd, args); err != nil || asJSON {
				return err
			}
			return a.printReviewState(cmd.Context(), args[0])
		}
		return a.showVersion(cmd.Context(), args[0], version, asJSON)
	}
	return show
}

// printReviewState prints the version, the effective status and the sign-offs, when the
// assessment has been through review.
func (a *app) printReviewState(ctx context.Context, id string) error {
	st, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	as, err := st.Assessment(ctx, id)
	if err != nil {
		return err
	}
	v, err := st.Version(ctx, id)
	if err != nil {
		return err
	}
	recs, err := st.SignOffs(ctx, id)
	if err != nil || (len(recs) == 0 && as.Status == store.StatusDraft) {
		return err
	}
	d, err := st.Decisions(ctx, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "\n  Review          version %d, %s", v, store.EffectiveStatus(as.Status, d.NextReview, time.Now()))
	if d.NextReview != "" {
		fmt.Fprintf(a.stdout, "; next review %s", d.NextReview)
	}
	fmt.Fprintln(a.stdout)
	for _, r := range recs {
		fmt.Fprintf(a.stdout, "                  v%d signed off by %s at %s ('dpia show %s --version %d')\n",
			r.Version, r.Signer, r.SignedAt.Format(time.RFC3339), id, r.Version)
	}
	return nil
}

// showVersion prints a signed-off version from its sign-off record: with --json its graded
// result (contract C3) as frozen, else the summary, the decisions and the answers and notes.
func (a *app) showVersion(ctx context.Context, id string, version int, asJSON bool) error {
	st, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	recs, err := st.SignOffs(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no assessment %q in this workspace (see 'dpia list')", id)
	}
	if err != nil {
		return err
	}
	var rec *store.SignOff
	var signed []string
	for i := range recs {
		signed = append(signed, fmt.Sprint(recs[i].Version))
		if recs[i].Version == version {
			rec = &recs[i]
		}
	}
	if rec == nil {
		if len(signed) == 0 {
			signed = []string{"none"}
		}
		return fmt.Errorf("assessment %s has no signed-off version %d (signed-off versions: %s)", id, version, strings.Join(signed, ", "))
	}
	res, err := frozenResult(*rec)
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(a.stdout, res)
	}
	m, verr := signoff.Verify(rec.Manifest, rec.Signature)
	if m == nil {
		return fmt.Errorf("the sign-off of %s version %d cannot be read: %v", id, version, verr)
	}
	fmt.Fprintf(a.stdout, "%s  %s  version %d, signed off by %s at %s (frozen)\n", id, m.Assessment.Name, version, rec.Signer, m.SignedAt)
	if verr != nil || signoff.AnswersHash(rec.Answers, rec.Notes) != m.AnswersSHA256 {
		fmt.Fprintf(a.stdout, "  WARNING: this sign-off does not verify; run 'dpia verify %s'\n", id)
	}
	printSummary(a.stdout, res)
	fmt.Fprintln(a.stdout, "\n  Decisions")
	for _, l := range m.Decisions.Lines() {
		fmt.Fprintln(a.stdout, "  "+l)
	}
	fmt.Fprintf(a.stdout, "\n  Answers at sign-off (%d)\n", len(rec.Answers))
	for _, qid := range slices.Sorted(maps.Keys(rec.Answers)) {
		fmt.Fprintf(a.stdout, "    %s = %s\n", qid, strings.Join(rec.Answers[qid], ", "))
	}
	if len(rec.Notes) > 0 {
		fmt.Fprintf(a.stdout, "\n  Notes at sign-off (%d)\n", len(rec.Notes))
		for _, qid := range slices.Sorted(maps.Keys(rec.Notes)) {
			fmt.Fprintf(a.stdout, "    %s: %s\n", qid, rec.Notes[qid])
		}
	}
	return nil
}

// reopening makes 'dpia answer' and 'dpia note' reopen a signed-off assessment as a new
// version (store.AmendAnswer, store.AmendNote: the reopened event and the change in one
// transaction). On any other assessment the command runs as it is.
func (a *app) reopening(cmd *cobra.Command) *cobra.Command {
	run := cmd.RunE
	cmd.RunE = func(c *cobra.Command, args []string) error {
		if !a.isSignedOff(c.Context(), args[0]) {
			return run(c, args)
		}
		s, err := a.session(c.Context())
		if err != nil {
			return err
		}
		defer s.close()
		id, qid := args[0], args[1]
		if c.Name() == "note" {
			if s.set.Question(qid) == nil {
				return fmt.Errorf("unknown question id %q", qid)
			}
			to, err := s.st.AmendNote(c.Context(), id, qid, args[2], actor())
			if err != nil {
				return err
			}
			a.noteReopened(id, to)
			fmt.Fprintf(a.stdout, "saved note on %s\n", qid)
			return nil
		}
		vals := args[2:]
		if clear, _ := c.Flags().GetBool("clear"); clear {
			vals = nil
		} else if len(vals) == 0 {
			return usagef("answer needs a value (or --clear to remove the answer)")
		}
		if err := assessment.ValidateAnswer(s.set, qid, vals); err != nil {
			return err
		}
		to, err := s.st.AmendAnswer(c.Context(), id, qid, vals, actor())
		if err != nil {
			return err
		}
		a.noteReopened(id, to)
		fmt.Fprintf(a.stdout, "saved %s = %s\n", qid, strings.Join(vals, ", "))
		return nil
	}
	return cmd
}

// isSignedOff reports whether an assessment exists and is signed off; any error is left to
// the wrapped command to report.
func (a *app) isSignedOff(ctx context.Context, id string) bool {
	st, err := a.openStore(ctx)
	if err != nil {
		return false
	}
	defer st.Close()
	as, err := st.Assessment(ctx, id)
	return err == nil && as.Status == store.StatusSignedOff
}
