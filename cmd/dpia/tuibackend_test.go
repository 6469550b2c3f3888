package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/dpia-tool/dpia/assessment/store"
	"github.com/dpia-tool/dpia/tui"
)

// reviewBackend opens the workspace of e in this process, as the workbench does, with the
// environment's key ($DPIA_KEY) and config folder: never the user's own key.
func (e *signEnv) reviewBackend(t *testing.T) (tui.ReviewBackend, func()) {
	t.Helper()
	t.Setenv("DPIA_KEY", e.key)
	t.Setenv("XDG_CONFIG_HOME", e.cfg)
	t.Setenv("DPIA_USER", "tester")
	t.Setenv("DPIA_WORKSPACE", "")
	a := newApp()
	a.workspace, a.stdout, a.stderr = e.ws, io.Discard, io.Discard
	s, err := a.session(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var b tui.Backend = a.tuiBackend(s)
	rb, ok := b.(tui.ReviewBackend)
	if !ok {
		t.Fatal("the workbench's backend has no review hooks")
	}
	var once sync.Once
	return rb, func() { once.Do(s.close) }
}

// TestTUIBackendReviewSignsOff takes an assessment from draft to signed off through the
// workbench's review hooks, then checks the sign-off with 'dpia verify'.
func TestTUIBackendReviewSignsOff(t *testing.T) {
	ctx := context.Background()
	e := newSignEnv(t)
	e.must(t, "keys", "init", "--name", "Aigerim Sadykova")
	id := strings.TrimSpace(e.must(t, "new", "--name", "Kiosk", "--packs", "gdpr,us-il-bipa"))
	e.must(t, "answer", id, "biometric.used", "yes")
	e.must(t, "note", id, "biometric.used", "Fingerprints at the door")
	rb, closeWS := e.reviewBackend(t)
	defer closeWS()

	st, err := rb.Review(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	wantDir := filepath.Join(e.ws, "signoffs", id+"-v1")
	if st.Status != store.StatusDraft || st.Version != 1 || st.Name != "Kiosk" || len(st.Missing) == 0 || st.SignOffDir != wantDir {
		t.Fatalf("draft state %+v", st)
	}
	if k := st.Signer; k.Name != "Aigerim Sadykova" || !strings.HasPrefix(k.Fingerprint, "ed25519:") || k.Path != e.key || k.Missing || k.Err != "" {
		t.Fatalf("signer %+v", k)
	}
	if _, err := rb.SignOff(ctx, id); err == nil || !strings.Contains(err.Error(), "draft") {
		t.Fatalf("sign-off of a draft: %v", err)
	}

	if err := rb.SubmitForReview(ctx, id); err != nil {
		t.Fatal(err)
	}
	d := store.Decisions{MeasuresApprovedBy: "Board", MeasuresApprovedOn: "2026-02-27", RiskAcceptedBy: "CEO",
		RiskAcceptedOn: "2026-02-27", DPOAdvice: "Use badges instead", DPOFollowed: "no", DPOReason: "Badges get shared",
		PriorConsultation: "yes", NextReview: "2099-06-01"}
	if err := rb.RecordDecisions(ctx, id, d); err != nil {
		t.Fatal(err)
	}
	if st, err = rb.Review(ctx, id); err != nil {
		t.Fatal(err)
	}
	if st.Status != store.StatusInReview || len(st.Missing) != 0 || st.Decisions != d {
		t.Fatalf("state before sign-off %+v", st)
	}

	res, err := rb.SignOff(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if res.Version != 1 || res.Dir != wantDir || res.Signer != "Aigerim Sadykova" || res.Fingerprint != st.Signer.Fingerprint || res.SignedAt.IsZero() {
		t.Fatalf("sign-off %+v", res)
	}
	manifest, err := os.ReadFile(filepath.Join(res.Dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256(manifest); hex.EncodeToString(sum[:]) != res.ManifestSHA256 {
		t.Fatalf("manifest SHA-256 %s, the file's is %x", res.ManifestSHA256, sum)
	}
	if len(res.Files) != 6 {
		t.Fatalf("files %v", res.Files)
	}
	for _, f := range res.Files {
		if _, err := os.Stat(filepath.Join(res.Dir, f)); err != nil {
			t.Errorf("sign-off file %s: %v", f, err)
		}
	}
	if st, err = rb.Review(ctx, id); err != nil {
		t.Fatal(err)
	}
	if st.Status != store.StatusSignedOff || len(st.SignOffs) != 1 || st.Missing != nil {
		t.Fatalf("state after sign-off %+v", st)
	}
	if v := st.SignOffs[0]; v.Version != 1 || v.Signer != "Aigerim Sadykova" || v.Fingerprint != res.Fingerprint || v.Dir != wantDir {
		t.Fatalf("signed version %+v", v)
	}
	if _, err := rb.SignOff(ctx, id); err == nil {
		t.Fatal("signed off twice")
	}
	closeWS()

	// The CLI verifies what the workbench signed.
	out := e.must(t, "verify", id)
	if !strings.Contains(out, "OK") || strings.Contains(out, "FAILED") {
		t.Fatalf("verify:\n%s", out)
	}
	if show := e.must(t, "show", id, "--version", "1"); !strings.Contains(show, "signed off by Aigerim Sadykova") {
		t.Fatalf("show --version 1:\n%s", show)
	}
}

// TestTUIBackendReviewWithoutKey: without a key the state says so and names the command that
// creates one; sign-off is refused.
func TestTUIBackendReviewWithoutKey(t *testing.T) {
	ctx := context.Background()
	e := newSignEnv(t)
	id := strings.TrimSpace(e.must(t, "new", "--name", "Kiosk"))
	rb, closeWS := e.reviewBackend(t)
	defer closeWS()
	st, err := rb.Review(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if k := st.Signer; !k.Missing || k.Path != e.key || k.Create != `dpia keys init --name "tester"` {
		t.Fatalf("signer without a key %+v", k)
	}
	if _, err := rb.SignOff(ctx, id); err == nil {
		t.Fatal("signed off without a key")
	}
	if err := os.MkdirAll(filepath.Dir(e.key), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(e.key, []byte("not a key"), 0o644); err != nil {
		t.Fatal(err)
	}
	if st, err = rb.Review(ctx, id); err != nil {
		t.Fatal(err)
	}
	if k := st.Signer; k.Missing || !strings.Contains(k.Err, "chmod 600") || !strings.HasSuffix(k.Err, ".") {
		t.Fatalf("signer with a readable key file %+v", k)
	}
}
