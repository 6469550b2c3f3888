package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
)

// SnapshotSignOff is a sign-off record in a Snapshot: the exact signed manifest bytes and the
// signature (base64 in JSON, so that they survive byte for byte), and the answers, notes and
// graded result frozen at sign-off. An archive carries them so that 'dpia verify FILE.zip'
// can check every signature without the signer's workspace. The folder the reports were
// written to is not carried: it means nothing in another workspace, so a restored record
// has none, and 'dpia verify' there says the reports were signed elsewhere.
type SnapshotSignOff struct {
	Version   int                 `json:"version"`
	SignedAt  string              `json:"signed_at"`
	Signer    string              `json:"signer"`
	PublicKey string              `json:"public_key"`
	LogHead   string              `json:"log_head"`
	Events    int                 `json:"events"`
	Manifest  []byte              `json:"manifest"`
	Signature []byte              `json:"signature"`
	Answers   map[string][]string `json:"answers"`
	Notes     map[string]string   `json:"notes"`
	Result    string              `json:"result"` // JSON text of the result (contract C3)
}

// SignOff converts the snapshot record into a SignOff of assessment id.
func (r SnapshotSignOff) SignOff(id string) SignOff {
	at, _ := parseTime(r.SignedAt) // a bad time shows as zero; the manifest holds the signed one
	return SignOff{AssessmentID: id, Version: r.Version, SignedAt: at, Signer: r.Signer, PublicKey: r.PublicKey,
		LogHead: r.LogHead, Events: r.Events, Manifest: r.Manifest, Signature: r.Signature, Answers: r.Answers,
		Notes: r.Notes, Result: json.RawMessage(r.Result)}
}

func snapSignOffs(ctx context.Context, tx *sql.Tx, id string, snap *Snapshot) error {
	return eachRow(ctx, tx, `SELECT version, signed_at, signer, public_key, log_head, events, manifest, signature,
		answers, notes, result FROM signoffs WHERE assessment_id = ? ORDER BY version`, id,
		func(rows *sql.Rows) error {
			var r SnapshotSignOff
			var answers, notes string
			if err := rows.Scan(&r.Version, &r.SignedAt, &r.Signer, &r.PublicKey, &r.LogHead, &r.Events, &r.Manifest,
				&r.Signature, &answers, &notes, &r.Result); err != nil {
				return err
			}
			if err := json.Unmarshal([]byte(answers), &r.Answers); err != nil {
				return fmt.Errorf("sign-off of version %d has malformed answers: %w", r.Version, err)
			}
			if err := json.Unmarshal([]byte(notes), &r.Notes); err != nil {
				return fmt.Errorf("sign-off of version %d has malformed notes: %w", r.Version, err)
			}
			snap.SignOffs = append(snap.SignOffs, r)
			return nil
		})
}

// checkSnapshotSignOffs checks that the sign-off records and the log's signoff events name
// the same versions, each once. Signatures are checked by 'dpia verify', not here: a restore
// copies what the archive holds, and verify then says what does not hold.
func checkSnapshotSignOffs(snap Snapshot) error {
	inLog := map[string]int{}
	for _, e := range snap.Events {
		if e.Kind == KindSignOff {
			inLog[e.Subject]++
		}
	}
	seen := map[int]bool{}
	for _, r := range snap.SignOffs {
		v := fmt.Sprintf("v%d", r.Version)
		switch {
		case r.Version < 1:
			return fmt.Errorf("it holds a sign-off record of version %d", r.Version)
		case seen[r.Version]:
			return fmt.Errorf("it holds two sign-off records of version %d", r.Version)
		case inLog[v] != 1:
			return fmt.Errorf("its sign-off record of version %d has no signoff event in the log", r.Version)
		case len(r.Manifest) == 0 || len(r.Signature) == 0:
			return fmt.Errorf("its sign-off record of version %d has no manifest or no signature", r.Version)
		case r.Result != "" && !json.Valid([]byte(r.Result)):
			return fmt.Errorf("its sign-off record of version %d holds a result that is not JSON", r.Version)
		}
		seen[r.Version] = true
	}
	return nil
}

func restoreSignOffs(ctx context.Context, tx *sql.Tx, snap Snapshot) error {
	for _, r := range snap.SignOffs {
		if err := insertSignOff(ctx, tx, r.SignOff(snap.Assessment.ID)); err != nil {
			return err
		}
	}
	return nil
}
