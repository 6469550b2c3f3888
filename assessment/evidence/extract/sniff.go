package extract

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"path"
	"strings"

	"github.com/gabriel-vasile/mimetype"
)

// The kinds Sniff returns.
const (
	KindText      = "text"
	KindCSV       = "csv"
	KindTSV       = "tsv"
	KindJSON      = "json"
	KindJSONL     = "jsonl"
	KindXLSX      = "xlsx"
	KindDOCX      = "docx"
	KindPDF       = "pdf"
	KindParquet   = "parquet"
	KindImage     = "image"
	KindAudio     = "audio"
	KindBiometric = "biometric_template"
	KindZip       = "zip"
	KindGzip      = "gzip"
	KindUnknown   = "unknown"
)

const (
	mimeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	mimeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	mimeBio  = "application/octet-stream"
)

// textExt maps file extensions to the text kind they announce; the content must still look
// like text for the extension to count.
var textExt = map[string]string{
	".csv": KindCSV, ".tsv": KindTSV, ".tab": KindTSV,
	".json": KindJSON, ".geojson": KindJSON,
	".jsonl": KindJSONL, ".ndjson": KindJSONL,
	".txt": KindText, ".log": KindText, ".md": KindText, ".xml": KindText, ".html": KindText,
	".htm": KindText, ".yaml": KindText, ".yml": KindText, ".sql": KindText, ".ini": KindText,
}

// imageMIME lists the image types Extract decodes.
var imageMIME = map[string]bool{
	"image/jpeg": true, "image/png": true, "image/gif": true, "image/webp": true,
	"image/bmp": true, "image/tiff": true,
}

// Sniff decides the kind and MIME type of a file from its first bytes (a few KiB are enough)
// and its name. Content wins over the name, except that the name picks the flavour of a text
// file (csv, tsv, json, jsonl) and of a zip file (xlsx, docx). The MIME type has no parameters.
func Sniff(name string, head []byte) (kind, mime string) {
	ext := strings.ToLower(path.Ext(strings.ReplaceAll(name, `\`, "/")))
	if k, m := sniffMagic(head); k != "" {
		return k, m
	}
	mt := mimetype.Detect(head)
	mime = baseMIME(mt.String())
	switch {
	case isA(mt, "application/zip"):
		return sniffZip(ext, mime)
	case mime == "application/gzip":
		return KindGzip, mime
	case mime == "application/pdf" && !pdfAtStart(head) && looksText(head):
		// mimetype takes "%PDF-" anywhere in the first KiB for a PDF (the signature may
		// follow junk); a text file that only mentions it (a log of uploads, source code) is
		// read as text, not failed as a broken PDF with its personal data unread.
		return sniffText(ext, "text/plain", head)
	case mime == "application/pdf":
		return KindPDF, mime
	case mime == "application/vnd.apache.parquet":
		return KindParquet, mime
	case imageMIME[mime]:
		return KindImage, mime
	case strings.HasPrefix(mime, "audio/") && mime != "audio/midi":
		return KindAudio, mime // MIDI is a score, not a recording
	}
	if isA(mt, "text/plain") || isA(mt, "application/json") || looksText(head) {
		return sniffText(ext, mime, head)
	}
	return KindUnknown, mime
}

// sniffMagic recognises the formats whose magic numbers mimetype does not know: biometric
// records and WSQ fingerprint images, and FLAC whose STREAMINFO is the last metadata block.
func sniffMagic(head []byte) (kind, mime string) {
	switch {
	case bytes.HasPrefix(head, []byte("fLaC")):
		return KindAudio, "audio/flac"
	case bytes.HasPrefix(head, []byte("FMR\x00")), bytes.HasPrefix(head, []byte("FIR\x00")),
		bytes.HasPrefix(head, []byte("FAC\x00")):
		return KindBiometric, mimeBio
	case isWSQ(head):
		return KindBiometric, "image/x-wsq"
	}
	return "", ""
}

// pdfAtStart tells whether head begins with the PDF signature, after an optional UTF-8 byte
// order mark and white space.
func pdfAtStart(head []byte) bool {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	return bytes.HasPrefix(bytes.TrimLeft(head, " \t\r\n\f"), []byte("%PDF-"))
}

// isWSQ tells a WSQ file: the SOI marker 0xFFA0 followed by another WSQ marker (0xFFA2–0xFFA8).
func isWSQ(head []byte) bool {
	return len(head) >= 4 && head[0] == 0xFF && head[1] == 0xA0 && head[2] == 0xFF &&
		head[3] >= 0xA2 && head[3] <= 0xA8
}

// sniffZip picks the kind of a zip-based file.
func sniffZip(ext, mime string) (kind, m string) {
	switch {
	case mime == mimeXLSX || ext == ".xlsx" || ext == ".xlsm":
		return KindXLSX, mimeXLSX
	case mime == mimeDOCX || ext == ".docx":
		return KindDOCX, mimeDOCX
	}
	return KindZip, mime
}

// sniffText picks the flavour of a text file: from the name first, then from the content.
func sniffText(ext, mime string, head []byte) (kind, m string) {
	if mime == "application/octet-stream" {
		mime = "text/plain"
	}
	if k, ok := textExt[ext]; ok {
		return k, textMIME(k, mime)
	}
	switch mime {
	case "text/csv":
		return KindCSV, mime
	case "text/tab-separated-values":
		return KindTSV, mime
	case "application/x-ndjson":
		return KindJSONL, mime
	case "application/json", "application/geo+json":
		return KindJSON, mime
	}
	if k := sniffJSON(head); k != "" {
		return k, textMIME(k, mime)
	}
	return KindText, mime
}

// sniffJSON recognises JSON in a head that mimetype could not judge because it is cut: the
// tokens parse up to the cut. Two objects on their own lines make JSON Lines.
func sniffJSON(head []byte) string {
	t := bytes.TrimLeft(head, " \t\r\n\ufeff")
	if len(t) == 0 || t[0] != '{' && t[0] != '[' {
		return ""
	}
	dec := json.NewDecoder(bytes.NewReader(t))
	var first json.RawMessage
	err := dec.Decode(&first)
	switch {
	case err == nil:
		rest := bytes.TrimLeft(t[dec.InputOffset():], " \t\r")
		if t[0] == '{' && bytes.HasPrefix(rest, []byte("\n")) && bytes.HasPrefix(bytes.TrimSpace(rest), []byte("{")) {
			return KindJSONL
		}
		return KindJSON
	case errors.Is(err, io.ErrUnexpectedEOF):
		return KindJSON
	}
	return ""
}

// textMIME is the MIME type reported for a text kind chosen by extension.
func textMIME(kind, detected string) string {
	switch kind {
	case KindCSV:
		return "text/csv"
	case KindTSV:
		return "text/tab-separated-values"
	case KindJSON:
		return "application/json"
	case KindJSONL:
		return "application/x-ndjson"
	}
	return detected
}

// looksText is the fallback for text mimetype does not recognise, such as Windows-1251 with
// no BOM: no NUL bytes and few control characters.
func looksText(head []byte) bool {
	if len(head) == 0 {
		return false
	}
	ctl := 0
	for _, b := range head {
		switch {
		case b == 0:
			return false
		case b < 0x20 && b != '\n' && b != '\r' && b != '\t' && b != '\f' && b != 0x1b:
			ctl++
		}
	}
	if ctl*100 > len(head) {
		return false
	}
	if validUTF8(head) {
		return true
	}
	return looksCP1251(head)
}

// isA tells whether m is the MIME type want or one of its descendants.
func isA(m *mimetype.MIME, want string) bool {
	for ; m != nil; m = m.Parent() {
		if m.Is(want) {
			return true
		}
	}
	return false
}

// baseMIME drops the parameters of a MIME type ("text/plain; charset=utf-8" → "text/plain").
func baseMIME(m string) string {
	if i := strings.IndexByte(m, ';'); i >= 0 {
		m = m[:i]
	}
	return strings.TrimSpace(m)
}
