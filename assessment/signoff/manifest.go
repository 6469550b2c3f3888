// Package signoff builds, signs and checks the sign-off manifest of an assessment.
//
// A sign-off freezes one version of an assessment: the manifest records the SHA-256 of its
// answers and notes, the head and length of its hash-chained event log, the packs and law
// versions it was graded with (and a hash of the pack files' bytes), its evidence files, the
// reports generated at sign-off, the review decisions (who approved the measures and accepted
// the residual risk, the DPO's advice, prior consultation, the next review) and who signed,
// when, with which Ed25519 public key. The manifest is canonical JSON (object keys sorted, no
// spaces, no HTML escaping), and the signature covers exactly those bytes, so anyone can
// check it with any Ed25519 implementation.
//
// The package is pure: it does no I/O except through the fs.FS handed to CheckReports.
package signoff

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"time"

	q "github.com/dpia-tool/dpia/questionnaires"
)

// Format and FormatVersion identify a sign-off manifest.
const (
	Format        = "dpia-signoff-manifest"
	FormatVersion = 1
)

// File names of the signed manifest and its detached signature in a sign-off folder.
const (
	ManifestFile  = "manifest.json"
	SignatureFile = "manifest.sig"
)

// Manifest is what a sign-off signs.
type Manifest struct {
	Format        string         `json:"format"`
	FormatVersion int            `json:"format_version"`
	Assessment    Assessment     `json:"assessment"`
	AnswersSHA256 string         `json:"answers_sha256"` // see AnswersHash
	ContentHash   string         `json:"content_hash"`   // exports.ContentHash: the reports' cover hash
	Log           Log            `json:"log"`
	Packs         Packs          `json:"packs"`
	Evidence      []EvidenceFile `json:"evidence"`
	Reports       []ReportFile   `json:"reports"`
	Decisions     Decisions      `json:"decisions"`
	Verdict       Verdict        `json:"verdict"`
	Signer        Signer         `json:"signer"`
	SignedAt      string         `json:"signed_at"` // RFC 3339, UTC, seconds
}

// Assessment names the signed assessment and its version (1, then one more per reopening).
type Assessment struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	SystemName string `json:"system_name"`
	Version    int    `json:"version"`
}

// Log is the event log as signed: the hash of its last event and the number of events.
type Log struct {
	Head   string `json:"head"`
	Events int    `json:"events"`
}

// Packs are the packs the assessment was graded with.
type Packs struct {
	SetSHA256 string     `json:"set_sha256"` // see HashPackFiles
	Files     []PackFile `json:"files"`
	Laws      []Law      `json:"laws"`
}

// PackFile is one pack file as loaded: built-in files are named "builtin:NAME.yaml",
// workspace files "workspace:NAME.yaml", --packs-dir files "packs-dir:NAME.yaml".
type PackFile struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// Law is one law pack as the grading result names it.
type Law struct {
	Pack      string `json:"pack"`
	Law       string `json:"law"`
	Version   string `json:"version"`
	CurrentTo string `json:"current_to"`
	Applies   bool   `json:"applies"`
}

// EvidenceFile is one evidence file as indexed.
type EvidenceFile struct {
	Path         string `json:"path"`
	SHA256       string `json:"sha256"`
	Size         int64  `json:"size"`
	SourceSHA256 string `json:"source_sha256"` // the file on disk (an archive for its entries)
	Status       string `json:"status"`
}

// ReportFile is one report generated at sign-off.
type ReportFile struct {
	File   string `json:"file"`
	Format string `json:"format"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// Decisions are the review decisions a regulator's DPIA template asks for. Dates are
// YYYY-MM-DD; yes/no answers are "yes", "no" or "" (not decided).
type Decisions struct {
	MeasuresApprovedBy string `json:"measures_approved_by"`
	MeasuresApprovedOn string `json:"measures_approved_on"`
	RiskAcceptedBy     string `json:"risk_accepted_by"`
	RiskAcceptedOn     string `json:"risk_accepted_on"`
	DPOAdvice          string `json:"dpo_advice"`
	DPOFollowed        string `json:"dpo_followed"`
	DPOReason          string `json:"dpo_reason"`
	PriorConsultation  string `json:"prior_consultation"`
	NextReview         string `json:"next_review"`
}

// Verdict is the graded result in brief, as signed.
type Verdict struct {
	AIActTier    string  `json:"ai_act_tier"`
	DPIARequired bool    `json:"dpia_required"`
	Inherent     string  `json:"inherent_risk"`
	Residual     string  `json:"residual_risk"`
	Completeness float64 `json:"completeness"`
}

// Signer is who signed and the Ed25519 public key (standard base64 of its 32 bytes).
type Signer struct {
	Name      string `json:"name"`
	PublicKey string `json:"public_key"`
}

// DateLayout is the layout of decision dates.
const DateLayout = "2006-01-02"

// Missing lists, in the order the template asks them, the decisions a sign-off still needs,
// by their flag names. A next review date must lie after today.
func (d Decisions) Missing(today time.Time) []string {
	var out []string
	need := func(ok bool, what string) {
		if !ok {
			out = append(out, what)
		}
	}
	need(d.MeasuresApprovedBy != "", "measures-approved-by")
	need(d.RiskAcceptedBy != "", "risk-accepted-by")
	need(d.DPOAdvice != "", "dpo-advice")
	need(d.DPOFollowed == "yes" || d.DPOFollowed == "no", "dpo-followed")
	need(d.DPOFollowed != "no" || d.DPOReason != "", "dpo-reason (the DPO's advice was not followed)")
	need(d.PriorConsultation == "yes" || d.PriorConsultation == "no", "prior-consultation")
	next, err := time.Parse(DateLayout, d.NextReview)
	need(err == nil, "next-review")
	if err == nil && !next.After(today.UTC().Truncate(24*time.Hour)) {
		out = append(out, "next-review (a date after today)")
	}
	return out
}

// Canonical encodes v as canonical JSON: object keys sorted, no insignificant spaces, no
// HTML escaping, numbers as encoding/json writes them.
func Canonical(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var generic any
	if err := dec.Decode(&generic); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(generic); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// AnswersHash is the hex SHA-256 of the canonical JSON {"answers":…,"notes":…}; nil maps
// count as empty ones.
func AnswersHash(answers map[string][]string, notes map[string]string) string {
	if answers == nil {
		answers = map[string][]string{}
	}
	if notes == nil {
		notes = map[string]string{}
	}
	b, err := Canonical(struct {
		Answers map[string][]string `json:"answers"`
		Notes   map[string]string   `json:"notes"`
	}{answers, notes})
	if err != nil { // maps of strings always encode
		panic(err)
	}
	return SHA256(b)
}

// SHA256 is the hex SHA-256 of b.
func SHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// HashPackFiles lists the pack files with their hashes and returns the hash of the set: the
// SHA-256 of "dpia-packs-v1" and each file's name and bytes, in load order, each written as
// an 8-byte big-endian length and the bytes.
func HashPackFiles(files []q.NamedFile) ([]PackFile, string) {
	out := make([]PackFile, 0, len(files))
	h := sha256.New()
	put := func(b []byte) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	put([]byte("dpia-packs-v1"))
	for _, f := range files {
		out = append(out, PackFile{Name: f.Name, SHA256: SHA256(f.Data), Size: int64(len(f.Data))})
		put([]byte(f.Name))
		put(f.Data)
	}
	return out, hex.EncodeToString(h.Sum(nil))
}

// Encode returns the canonical bytes of a manifest, after checking that it names its format.
func (m *Manifest) Encode() ([]byte, error) {
	if m.Format != Format || m.FormatVersion != FormatVersion {
		return nil, fmt.Errorf("manifest format %q version %d is not %q version %d", m.Format, m.FormatVersion, Format, FormatVersion)
	}
	if m.Evidence == nil {
		m.Evidence = []EvidenceFile{}
	}
	if m.Reports == nil {
		m.Reports = []ReportFile{}
	}
	if m.Packs.Files == nil {
		m.Packs.Files = []PackFile{}
	}
	if m.Packs.Laws == nil {
		m.Packs.Laws = []Law{}
	}
	return Canonical(m)
}

// ParseManifest decodes manifest bytes strictly (unknown fields and trailing data are errors).
func ParseManifest(b []byte) (*Manifest, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("the manifest is not valid: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("the manifest is not valid: data after the JSON object")
	}
	if m.Format != Format {
		return nil, fmt.Errorf("the manifest names format %q, not %q", m.Format, Format)
	}
	if m.FormatVersion != FormatVersion {
		return nil, fmt.Errorf("the manifest has format version %d; this dpia reads version %d", m.FormatVersion, FormatVersion)
	}
	return &m, nil
}

// DiffEvidence names the evidence files that differ between the signed list and the current
// one: removed, added, or indexed with other content. It returns nil when they agree.
func DiffEvidence(signed, current []EvidenceFile) []string {
	now := map[string]EvidenceFile{}
	for _, f := range current {
		now[f.Path] = f
	}
	var out []string
	seen := map[string]bool{}
	for _, f := range signed {
		seen[f.Path] = true
		c, ok := now[f.Path]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("%s was removed from the assessment after sign-off", f.Path))
		case c.SHA256 != f.SHA256 || c.Size != f.Size || c.SourceSHA256 != f.SourceSHA256:
			out = append(out, fmt.Sprintf("%s was indexed again with other content (SHA-256 was %s, now %s)",
				f.Path, Short(f.SHA256), Short(c.SHA256)))
		}
	}
	for _, f := range current {
		if !seen[f.Path] {
			out = append(out, fmt.Sprintf("%s was added after sign-off", f.Path))
		}
	}
	slices.Sort(out)
	return out
}

// DiffPacks names what differs between the signed packs and the packs loaded now.
func DiffPacks(signed, current Packs) []string {
	if signed.SetSHA256 == current.SetSHA256 {
		return nil
	}
	now := map[string]PackFile{}
	for _, f := range current.Files {
		now[f.Name] = f
	}
	var out []string
	seen := map[string]bool{}
	for _, f := range signed.Files {
		seen[f.Name] = true
		c, ok := now[f.Name]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("pack file %s is no longer loaded", f.Name))
		case c.SHA256 != f.SHA256:
			out = append(out, fmt.Sprintf("pack file %s changed (SHA-256 was %s, now %s)", f.Name, Short(f.SHA256), Short(c.SHA256)))
		}
	}
	for _, f := range current.Files {
		if !seen[f.Name] {
			out = append(out, fmt.Sprintf("pack file %s is loaded now but was not at sign-off", f.Name))
		}
	}
	if len(out) == 0 {
		out = append(out, "the pack files are loaded in another order")
	}
	return out
}

// CheckReports re-hashes the report files of a manifest in fsys (the sign-off folder) and
// names each one that is missing or differs from its signed SHA-256.
func CheckReports(fsys fs.FS, reports []ReportFile) []string {
	var out []string
	for _, r := range reports {
		if !fs.ValidPath(r.File) || r.File == "." {
			out = append(out, fmt.Sprintf("report %q has an unsafe file name", r.File))
			continue
		}
		f, err := fsys.Open(r.File)
		if err != nil {
			out = append(out, fmt.Sprintf("report %s is missing (%s)", r.File, errText(err)))
			continue
		}
		h := sha256.New()
		n, err := io.Copy(h, f)
		f.Close()
		if err != nil {
			out = append(out, fmt.Sprintf("report %s cannot be read (%s)", r.File, errText(err)))
			continue
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != r.SHA256 || n != r.Size {
			out = append(out, fmt.Sprintf("report %s differs from the signed one (SHA-256 was %s, now %s): it was replaced or edited",
				r.File, Short(r.SHA256), Short(got)))
		}
	}
	return out
}

func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// Short abbreviates a hex hash for messages.
func Short(h string) string {
	if len(h) > 12 {
		return h[:12] + "…"
	}
	if h == "" {
		return "(none)"
	}
	return h
}
