package exports

import (
	"encoding/json"
	"io"
	"time"

	"github.com/dpia-tool/dpia/assessment"
)

// JSONWriter writes contract C3 — the Result exactly as `dpia grade --json` prints it, its
// keys at the top level — plus a "report" object with the report's metadata.
type JSONWriter struct{}

// jsonMeta is the "report" object.
type jsonMeta struct {
	GeneratedAt  string          `json:"generated_at"`
	AssessmentID string          `json:"assessment_id,omitempty"`
	Name         string          `json:"name,omitempty"`
	Owner        string          `json:"owner,omitempty"`
	Status       string          `json:"status,omitempty"`
	Source       string          `json:"source,omitempty"`
	ContentHash  string          `json:"content_hash"`
	Packs        []jsonPack      `json:"packs"`
	Evidence     jsonEvidenceSum `json:"evidence"`
}

type jsonPack struct {
	Pack      string `json:"pack"`
	Law       string `json:"law,omitempty"`
	Version   string `json:"version,omitempty"`
	CurrentTo string `json:"current_to,omitempty"`
	Applies   bool   `json:"applies"`
}

type jsonEvidenceSum struct {
	Files      int            `json:"files"`
	Detections map[string]int `json:"detections"`
}

// Write writes the JSON document, indented by two spaces.
func (JSONWriter) Write(w io.Writer, r *Report, _ Options) error {
	meta := jsonMeta{
		AssessmentID: r.Meta.AssessmentID, Name: r.Meta.Name, Owner: r.Meta.Owner, Status: r.Meta.Status,
		Source: r.Meta.Source, ContentHash: r.ContentHash, Packs: []jsonPack{},
		Evidence: jsonEvidenceSum{Files: len(r.Evidence), Detections: r.totalDetections()},
	}
	if !r.Meta.GeneratedAt.IsZero() {
		meta.GeneratedAt = r.Meta.GeneratedAt.UTC().Format(time.RFC3339)
	}
	for _, p := range r.Packs {
		meta.Packs = append(meta.Packs, jsonPack{Pack: p.Pack, Law: p.Law, Version: p.Version,
			CurrentTo: p.CurrentTo, Applies: p.Applies})
	}
	doc := struct {
		assessment.Result
		Report jsonMeta `json:"report"`
	}{r.Result, meta}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}
