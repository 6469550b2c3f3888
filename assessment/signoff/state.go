package signoff

import (
	"fmt"
	"slices"

	"github.com/dpia-tool/dpia/assessment"
	"github.com/dpia-tool/dpia/assessment/store"
	q "github.com/dpia-tool/dpia/questionnaires"
)

// PacksOf hashes the pack files as loaded and lists the laws of a grading result.
func PacksOf(files []q.NamedFile, laws []assessment.LawScope) Packs {
	list, set := HashPackFiles(files)
	p := Packs{SetSHA256: set, Files: list, Laws: []Law{}}
	for _, l := range laws {
		p.Laws = append(p.Laws, Law{Pack: l.Pack, Law: l.Law, Version: l.Version, CurrentTo: l.CurrentTo, Applies: l.Applies})
	}
	return p
}

// EvidenceOf lists the evidence files of a snapshot as a manifest records them.
func EvidenceOf(files []store.SnapshotEvidenceFile) []EvidenceFile {
	out := make([]EvidenceFile, 0, len(files))
	for _, f := range files {
		out = append(out, EvidenceFile{Path: f.Path, SHA256: f.SHA256, Size: f.Size, SourceSHA256: f.SourceSHA256, Status: f.Status})
	}
	return out
}

// Entries returns the answers and notes of a snapshot as maps.
func Entries(snap store.Snapshot) (map[string][]string, map[string]string) {
	answers, notes := map[string][]string{}, map[string]string{}
	for _, x := range snap.Answers {
		answers[x.Question] = x.Value
	}
	for _, x := range snap.Notes {
		notes[x.Question] = x.Text
	}
	return answers, notes
}

// DiffEntries names the questions whose answer or note differs from the signed ones.
func DiffEntries(signedA map[string][]string, signedN map[string]string, nowA map[string][]string, nowN map[string]string) []string {
	var out []string
	for _, id := range unionKeys(signedA, nowA) {
		if !slices.Equal(signedA[id], nowA[id]) {
			out = append(out, fmt.Sprintf("the answer to %s is %q, but %q was signed", id, join(nowA[id]), join(signedA[id])))
		}
	}
	for _, id := range unionKeys(signedN, nowN) {
		if signedN[id] != nowN[id] {
			out = append(out, fmt.Sprintf("the note on %s differs from the signed one", id))
		}
	}
	return out
}

func join(v []string) string {
	out := ""
	for i, s := range v {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out
}

func unionKeys[V any](a, b map[string]V) []string {
	var out []string
	for _, m := range []map[string]V{a, b} {
		for k := range m {
			if !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	slices.Sort(out)
	return out
}

// Lines lists the decisions for people, one "label  value" line each, "-" for those not made.
func (d Decisions) Lines() []string {
	or := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	by := func(name, on string) string {
		if name == "" {
			return "-"
		}
		return name + " on " + or(on)
	}
	out := []string{
		"measures approved by   " + by(d.MeasuresApprovedBy, d.MeasuresApprovedOn),
		"residual risk accepted " + by(d.RiskAcceptedBy, d.RiskAcceptedOn),
		"DPO advice             " + or(d.DPOAdvice),
		"DPO advice followed    " + or(d.DPOFollowed),
	}
	if d.DPOReason != "" {
		out = append(out, "reason not followed    "+d.DPOReason)
	}
	return append(out, "prior consultation     "+or(d.PriorConsultation), "next review            "+or(d.NextReview))
}
