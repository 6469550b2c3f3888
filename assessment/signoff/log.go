package signoff

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/dpia-tool/dpia/assessment/store"
)

// Signed is what CheckLog needs to know of one sign-off: its version, the log length and head
// its manifest signs, the SHA-256 of the manifest bytes and the signer's public key.
type Signed struct {
	Version        int
	Events         int
	LogHead        string
	ManifestSHA256 string
	PublicKey      string
}

// CheckLog checks how each sign-off sits in the log evs (every event of the assessment, in
// order), and names every sign-off event of the log that is not in signed. It returns one
// sentence per problem.
func CheckLog(evs []store.Event, signed []Signed) []string {
	var out []string
	known := map[int]bool{}
	for _, s := range signed {
		known[s.Version] = true
		out = append(out, CheckInLog(evs, s)...)
	}
	for _, e := range evs {
		if e.Kind != store.KindSignOff {
			continue
		}
		var ev store.SignOffEvent
		if json.Unmarshal([]byte(e.New), &ev) != nil || !known[ev.Version] {
			out = append(out, fmt.Sprintf("%s records a sign-off of which this workspace holds no record (the record was deleted, or the assessment was restored from an archive)", label(e)))
		}
	}
	return out
}

// CheckInLog checks one sign-off against the log: the first s.Events events must end at
// s.LogHead; the next two must be the status change to signed_off and the sign-off event of
// that version, naming the manifest's SHA-256 and the signer's key; and every later event
// (archiving aside) must come after a reopening, which starts the next version.
func CheckInLog(evs []store.Event, s Signed) []string {
	n, v := s.Events, s.Version
	if n < 1 || n > len(evs) {
		return []string{fmt.Sprintf("sign-off v%d covers %d events but the log holds %d: events were deleted", v, n, len(evs))}
	}
	if evs[n-1].Hash != s.LogHead {
		return []string{fmt.Sprintf("the log up to %s is not the log signed in v%d: it was rewritten", label(evs[n-1]), v)}
	}
	if len(evs) < n+2 || evs[n].Kind != store.KindStatus || evs[n].New != `"`+store.StatusSignedOff+`"` ||
		evs[n+1].Kind != store.KindSignOff {
		return []string{fmt.Sprintf("the log does not record sign-off v%d right after the %d events it signed", v, n)}
	}
	var ev store.SignOffEvent
	if err := json.Unmarshal([]byte(evs[n+1].New), &ev); err != nil || ev.Version != v {
		return []string{fmt.Sprintf("%s does not record sign-off v%d", label(evs[n+1]), v)}
	}
	var out []string
	if ev.ManifestSHA256 != s.ManifestSHA256 {
		out = append(out, fmt.Sprintf("the manifest of v%d is not the one the log recorded at %s (SHA-256 was %s, now %s): the manifest was replaced",
			v, label(evs[n+1]), Short(ev.ManifestSHA256), Short(s.ManifestSHA256)))
	}
	if ev.PublicKey != s.PublicKey {
		out = append(out, fmt.Sprintf("sign-off v%d is signed with key %s, but the log recorded key %s at %s: it was signed with another key",
			v, keyText(s.PublicKey), keyText(ev.PublicKey), label(evs[n+1])))
	}
	var after []string
	for _, e := range evs[n+2:] {
		if e.Kind == store.KindReopened {
			break
		}
		if e.Kind != store.KindArchive {
			after = append(after, label(e))
		}
	}
	if len(after) > 5 {
		after = append(after[:5], fmt.Sprintf("and %d more", len(after)-5))
	}
	if len(after) > 0 {
		out = append(out, fmt.Sprintf("the assessment changed after sign-off v%d without being reopened as a new version: %s",
			v, strings.Join(after, ", ")))
	}
	return out
}

// label names an event in a message, as store.VerifyLog does.
func label(e store.Event) string {
	if e.Subject == "" {
		return fmt.Sprintf("event %d (%s)", e.Seq, e.Kind)
	}
	return fmt.Sprintf("event %d (%s %s)", e.Seq, e.Kind, e.Subject)
}

// keyText names a public key by its fingerprint, or shows what it is when it is not one.
func keyText(b64 string) string {
	pub, err := ParsePublicKey(b64)
	if err != nil {
		return Short(b64)
	}
	return Fingerprint(pub)
}

// Replay replays the answer and note events of evs and returns the answers and notes they
// leave, as the store's tables hold them after those events.
func Replay(evs []store.Event) (map[string][]string, map[string]string, error) {
	answers, notes := map[string][]string{}, map[string]string{}
	for _, e := range evs {
		switch e.Kind {
		case store.KindAnswer:
			if e.New == "" {
				delete(answers, e.Subject)
				continue
			}
			var v []string
			if err := json.Unmarshal([]byte(e.New), &v); err != nil {
				return nil, nil, fmt.Errorf("%s holds a value that is not a JSON list of strings", label(e))
			}
			answers[e.Subject] = v
		case store.KindNote:
			if e.New == "" {
				delete(notes, e.Subject)
				continue
			}
			var text string
			if err := json.Unmarshal([]byte(e.New), &text); err != nil {
				return nil, nil, fmt.Errorf("%s holds a note that is not a JSON string", label(e))
			}
			notes[e.Subject] = text
		}
	}
	return answers, notes, nil
}

// SnapshotEvents turns the events of a snapshot (an archive's log) into events numbered from
// 1 in log order.
func SnapshotEvents(snap store.Snapshot) []store.Event {
	out := make([]store.Event, len(snap.Events))
	for i, e := range snap.Events {
		out[i] = store.Event{Seq: int64(i + 1), AssessmentID: snap.Assessment.ID, Actor: e.Actor, Kind: e.Kind,
			Subject: e.Subject, Old: e.Old, New: e.New, PrevHash: e.PrevHash, Hash: e.Hash}
		out[i].At, _ = time.Parse(time.RFC3339Nano, e.At)
	}
	return out
}
