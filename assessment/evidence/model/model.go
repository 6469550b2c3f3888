// Package model holds the types shared by the evidence extractors, the detectors and the
// indexing pipeline: where a piece of content sits in a file, the Sink extractors write to,
// and a Detection.
package model

import "errors"

// Location is where a piece of content sits in a file. Zero fields do not apply.
type Location struct {
	Line   int    `json:"line,omitempty"`   // 1-based line of a text, log, CSV or JSONL file
	Page   int    `json:"page,omitempty"`   // 1-based page of a PDF
	Sheet  string `json:"sheet,omitempty"`  // XLSX sheet name
	Row    int    `json:"row,omitempty"`    // 1-based data row of a table (the header is row 0)
	Column string `json:"column,omitempty"` // column header of a table, or a JSON key path
}

// Detection is one occurrence of personal or biometric data. The raw value is never kept:
// Preview is masked (e.g. "7910******28") and Key is a keyed HMAC of the normalised value,
// so the same value can be linked across files without being stored.
type Detection struct {
	Type       string   `json:"type"` // a C4 detection type, e.g. "kz_iin", "face_image"
	Loc        Location `json:"location"`
	Confidence float64  `json:"confidence"` // 0–1
	Preview    string   `json:"preview"`
	Key        string   `json:"key,omitempty"` // hex HMAC-SHA256; empty for non-value detections
}

// Sink receives what an extractor finds in one file. Any method may return an error (the
// context was cancelled, a limit was reached); the extractor must then stop and return it.
type Sink interface {
	// Text is a line or paragraph of prose, log or document text.
	Text(loc Location, text string) error
	// TableStart begins a table (CSV, XLSX sheet, Parquet file, JSON array of objects):
	// the header names its columns (may be empty when a file has none).
	TableStart(loc Location, header []string) error
	// Row is one data row of the current table; loc.Row is its 1-based number.
	Row(loc Location, cells []string) error
	// TableEnd ends the current table.
	TableEnd() error
	// Found reports a detection made from the file's structure rather than its text: a face
	// in an image, a voice sample, a fingerprint template, GPS coordinates in EXIF.
	Found(d Detection) error
}

// Types lists every detection type of contract C4.
var Types = []string{
	"email", "phone", "kz_iin", "kz_bin", "iban", "payment_card", "ip_address",
	"person_name", "date_of_birth", "address", "geo_location", "passport_number", "face_image",
	"face_embedding", "voice_sample", "fingerprint_template", "health", "religion", "ethnicity",
	"political_opinion", "sexual_orientation",
}

// ErrLimit is returned (wrapped) when a file exceeds an extraction limit; the file is then
// reported as skipped with the reason, and indexing goes on.
var ErrLimit = errors.New("limit exceeded")

// ErrUnsupported is returned (wrapped) for a file type no extractor handles.
var ErrUnsupported = errors.New("unsupported file type")
