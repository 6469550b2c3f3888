package exports

import (
	"errors"
	"fmt"
	"io"
)

// Options tunes the writers.
type Options struct {
	// Uncompressed leaves PDF streams uncompressed (for golden tests and diffs).
	Uncompressed bool
}

// Writer writes a report in one format.
type Writer interface {
	// Write writes the report to w.
	Write(w io.Writer, r *Report, opts Options) error
}

// Formats lists the report formats, in the order the CLI shows them.
var Formats = []string{"pdf", "xlsx", "json", "md"}

// ErrUnknownFormat is returned (wrapped) for a format that is not one of Formats.
var ErrUnknownFormat = errors.New("unknown report format")

// WriterFor returns the writer of a format.
func WriterFor(format string) (Writer, error) {
	switch format {
	case "pdf":
		return PDFWriter{}, nil
	case "xlsx":
		return XLSXWriter{}, nil
	case "json":
		return JSONWriter{}, nil
	case "md", "markdown":
		return MarkdownWriter{}, nil
	}
	return nil, fmt.Errorf("%w %q (want pdf, xlsx, json or md)", ErrUnknownFormat, format)
}

// Binary reports whether a format is a binary file that must not go to a terminal.
func Binary(format string) bool { return format == "pdf" || format == "xlsx" }

// Write writes the report in the format to w.
func Write(w io.Writer, format string, r *Report, opts Options) error {
	wr, err := WriterFor(format)
	if err != nil {
		return err
	}
	return wr.Write(w, r, opts)
}

var (
	_ Writer = PDFWriter{}
	_ Writer = XLSXWriter{}
	_ Writer = JSONWriter{}
	_ Writer = MarkdownWriter{}
)
