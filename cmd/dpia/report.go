package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/dpia-tool/dpia/assessment"
	"github.com/dpia-tool/dpia/assessment/store"
	"github.com/dpia-tool/dpia/exports"
)

// reportFlags are the flags of dpia report.
type reportFlags struct {
	format  string
	out     string
	answers string
	lang    string
}

func (a *app) reportCmd() *cobra.Command {
	var fl reportFlags
	cmd := &cobra.Command{
		Use:   "report ID --format pdf|xlsx|json|md -o FILE",
		Short: "Write a report on an assessment (or, with --answers, on an answers file): PDF, Excel, JSON or Markdown",
		Long: "Writes a report on a stored assessment, or with --answers FILE on an answers file with no workspace. " +
			"json and md go to standard output unless -o names a file; pdf and xlsx need -o. Files are written " +
			"atomically. SOURCE_DATE_EPOCH, when set, fixes the report's date (reproducible reports).",
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := fl.resolve(args)
			if err != nil {
				return err
			}
			if fl.answers != "" {
				return a.fileReport(fl, format)
			}
			return a.workspaceReport(cmd.Context(), args[0], fl, format)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&fl.format, "format", "f", "", "report format: pdf, xlsx, json or md (default: from the -o file's extension)")
	f.StringVarP(&fl.out, "output", "o", "", "file to write; - or none writes json and md to standard output")
	f.StringVar(&fl.answers, "answers", "", "report on this answers file (contract C2) instead of a stored assessment")
	f.StringVar(&fl.lang, "lang", "en", "language of question texts and option labels: en, ru or kk")
	return cmd
}

// resolve checks the arguments and flags and returns the format.
func (fl *reportFlags) resolve(args []string) (string, error) {
	switch {
	case fl.answers != "" && len(args) > 0:
		return "", usagef("report takes an assessment id or --answers FILE, not both")
	case fl.answers == "" && len(args) != 1:
		return "", usagef("report needs an assessment id, or --answers FILE")
	}
	format := strings.ToLower(fl.format)
	if format == "" && fl.out != "" && fl.out != "-" {
		format = strings.TrimPrefix(strings.ToLower(filepath.Ext(fl.out)), ".")
		if _, err := exports.WriterFor(format); err != nil {
			format = ""
		}
	}
	if format == "" {
		return "", usagef("report needs --format %s", strings.Join(exports.Formats, ", "))
	}
	if _, err := exports.WriterFor(format); err != nil {
		return "", usagef("unknown report format %q (want %s)", format, strings.Join(exports.Formats, ", "))
	}
	if exports.Binary(format) && (fl.out == "" || fl.out == "-") {
		return "", usagef("a %s report is a binary file: name it with -o FILE", format)
	}
	switch fl.lang {
	case "en", "ru", "kk":
	default:
		return "", usagef("unknown language %q (want en, ru or kk)", fl.lang)
	}
	return format, nil
}

// reportTime is now, or SOURCE_DATE_EPOCH when set, so that reports can be reproduced.
func reportTime() time.Time {
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		if sec, err := strconv.ParseInt(s, 10, 64); err == nil {
			return time.Unix(sec, 0).UTC()
		}
	}
	return time.Now().UTC().Truncate(time.Second)
}

// fileReport grades an answers file with no workspace and writes its report.
func (a *app) fileReport(fl reportFlags, format string) error {
	set, err := a.loadPacks(false)
	if err != nil {
		return err
	}
	f, err := readAnswersFile(fl.answers, set)
	if err != nil {
		return err
	}
	res, err := assessment.Grade(set, assessment.Input{System: f.System, Packs: f.Packs, Answers: f.Answers})
	if err != nil {
		return fmt.Errorf("grade %s: %w", fl.answers, err)
	}
	answers := make(map[string][]string, len(f.Answers))
	for id, v := range f.Answers {
		answers[id] = v
	}
	r, err := exports.NewReport(exports.Input{
		Result: res, Set: set, Answers: answers, Notes: f.Notes, Lang: fl.lang,
		Meta: exports.Meta{Name: f.System.Name, GeneratedAt: reportTime(), Source: "answers file " + fl.answers},
	})
	if err != nil {
		return err
	}
	return a.writeReport(r, format, fl.out)
}

// workspaceReport grades a stored assessment and writes its report with its evidence.
func (a *app) workspaceReport(ctx context.Context, id string, fl reportFlags, format string) error {
	s, err := a.session(ctx)
	if err != nil {
		return err
	}
	defer s.close()
	r, err := s.report(ctx, id, fl.lang, reportTime())
	if err != nil {
		return err
	}
	return a.writeReport(r, format, fl.out)
}

// report builds the report of a stored assessment: graded the way show grades it, with its
// answers, notes and evidence. The detections are read from the workspace while the report
// is written, so the session must stay open until then.
func (s *session) report(ctx context.Context, id, lang string, now time.Time) (*exports.Report, error) {
	as, err := s.assessment(ctx, id)
	if err != nil {
		return nil, err
	}
	res, err := s.grade(ctx, as)
	if err != nil {
		return nil, err
	}
	answers, err := s.st.Answers(ctx, as.ID)
	if err != nil {
		return nil, err
	}
	notes, err := s.st.Notes(ctx, as.ID)
	if err != nil {
		return nil, err
	}
	files, err := readEvidence(ctx, s.st.DB(), as.ID)
	if err != nil {
		return nil, err
	}
	return exports.NewReport(exports.Input{
		Result: res, Set: s.set, Answers: answers, Notes: notes, Lang: lang, Evidence: files,
		Detections: detectionRows(ctx, s.st.DB(), as.ID),
		Meta: exports.Meta{AssessmentID: as.ID, Name: as.Name, Owner: as.Owner, Status: as.Status,
			GeneratedAt: now, Source: "workspace"},
	})
}

// writeReport writes the report to the -o file atomically, or to standard output.
func (a *app) writeReport(r *exports.Report, format, out string) error {
	if out == "" || out == "-" {
		return exports.Write(a.stdout, format, r, exports.Options{})
	}
	return exports.WriteFileAtomic(out, 0o600, func(w io.Writer) error {
		return exports.Write(w, format, r, exports.Options{})
	})
}

// writeReportFile writes the report of a stored assessment to path, atomically. It has the
// signature of tui.ExportBackend's Export, for the TUI's export screen.
func (s *session) writeReportFile(ctx context.Context, id, format, path string) error {
	if _, err := exports.WriterFor(format); err != nil {
		return err
	}
	r, err := s.report(ctx, id, "en", reportTime())
	if err != nil {
		return err
	}
	return exports.WriteFileAtomic(path, 0o600, func(w io.Writer) error {
		return exports.Write(w, format, r, exports.Options{})
	})
}

// readEvidence reads the evidence inventory of an assessment from the evidence tables (schema
// migration 2), with up to five masked examples per file, one per detection type.
func readEvidence(ctx context.Context, db *sql.DB, id string) ([]exports.EvidenceFile, error) {
	rows, err := db.QueryContext(ctx, `SELECT id, path, sha256, size, mime, status, reason, counts
		FROM evidence_files WHERE assessment_id = ? ORDER BY path`, id)
	if err != nil {
		return nil, fmt.Errorf("read evidence of %s: %w", id, err)
	}
	var files []exports.EvidenceFile
	var ids []int64
	for rows.Next() {
		var f exports.EvidenceFile
		var fid int64
		var counts string
		if err := rows.Scan(&fid, &f.Path, &f.SHA256, &f.Size, &f.Mime, &f.Status, &f.Reason, &counts); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read evidence of %s: %w", id, err)
		}
		if err := json.Unmarshal([]byte(counts), &f.Counts); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read evidence of %s: file %s has malformed counts: %w", id, f.Path, err)
		}
		files, ids = append(files, f), append(ids, fid)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read evidence of %s: %w", id, err)
	}
	for i := range files {
		if files[i].Examples, err = readExamples(ctx, db, ids[i], files[i].Counts); err != nil {
			return nil, fmt.Errorf("read evidence of %s: %w", id, err)
		}
	}
	return files, nil
}

// readExamples returns the first detection of each type in a file (the first five types by
// name). It stops reading once every type the file's counts name has been seen.
func readExamples(ctx context.Context, db *sql.DB, fileID int64, counts map[string]int) ([]exports.Example, error) {
	want := 0
	for _, n := range counts {
		if n > 0 {
			want++
		}
	}
	first := map[string]store.Detection{}
	err := store.FileDetections(ctx, db, fileID, func(d store.Detection) bool {
		if _, ok := first[d.Type]; !ok {
			first[d.Type] = d
		}
		return len(first) < want
	})
	if err != nil {
		return nil, err
	}
	types := make([]string, 0, len(first))
	for t := range first {
		types = append(types, t)
	}
	sort.Strings(types)
	var out []exports.Example
	for _, t := range types[:min(len(types), 5)] {
		d := first[t]
		out = append(out, exports.Example{Type: t, Preview: d.Preview, Where: locationOf(d).String()})
	}
	return out, nil
}

func locationOf(d store.Detection) location {
	return location{line: d.Line, page: d.Page, sheet: d.Sheet, row: d.Row, col: d.Col}
}

// detectionRows streams the masked detections of an assessment, by file and in the order
// they were found.
func detectionRows(ctx context.Context, db *sql.DB, id string) exports.DetectionSource {
	return func(yield func(exports.Detection) error) error {
		var yerr error
		err := store.AssessmentDetections(ctx, db, id, func(path string, d store.Detection) error {
			yerr = yield(exports.Detection{File: path, Type: d.Type, Where: locationOf(d).String(),
				Confidence: d.Confidence, Preview: d.Preview})
			return yerr
		})
		switch {
		case yerr != nil:
			return yerr
		case err != nil && !errors.Is(err, context.Canceled):
			return fmt.Errorf("read detections of %s: %w", id, err)
		}
		return ctx.Err()
	}
}

// location is where a detection sits in its file; zero fields do not apply.
type location struct {
	line, page, row int64
	sheet, col      string
}

// String writes the location as "page 2, line 14" or "sheet Users, row 4, column email".
func (l location) String() string {
	var parts []string
	if l.page > 0 {
		parts = append(parts, "page "+strconv.FormatInt(l.page, 10))
	}
	if l.sheet != "" {
		parts = append(parts, "sheet "+l.sheet)
	}
	if l.line > 0 {
		parts = append(parts, "line "+strconv.FormatInt(l.line, 10))
	}
	if l.row > 0 {
		parts = append(parts, "row "+strconv.FormatInt(l.row, 10))
	}
	if l.col != "" {
		parts = append(parts, "column "+l.col)
	}
	if len(parts) == 0 {
		return "whole file"
	}
	return strings.Join(parts, ", ")
}
