package main

import (
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/charmbracelet/bubbles/progress"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"
	"github.com/muesli/termenv"
	"github.com/spf13/cobra"

	"github.com/dpia-tool/dpia/assessment/evidence"
	"github.com/dpia-tool/dpia/assessment/evidence/detect"
	"github.com/dpia-tool/dpia/assessment/evidence/model"
)

// scanJSON is contract C4.
type scanJSON struct {
	Files  []scanFile     `json:"files"`
	Totals map[string]int `json:"totals"`
	Stats  evidence.Stats `json:"stats"`
}

type scanFile struct {
	Path       string         `json:"path"`
	SHA256     string         `json:"sha256"`
	Size       int64          `json:"size"`
	Mime       string         `json:"mime"`
	Status     string         `json:"status"`
	Reason     string         `json:"reason"`
	Detections map[string]int `json:"detections"`
}

// c4File is one file of contract C4; its detections are an object ({}), never null, even
// for a file that was not read.
func c4File(path, sha string, size int64, mime, status, reason string, counts map[string]int) scanFile {
	if counts == nil {
		counts = map[string]int{}
	}
	return scanFile{path, sha, size, mime, status, reason, counts}
}

// lessGC lets the garbage collector run a fifth as often as by default (GOGC=400) under a
// soft memory limit of 192 MiB, and returns what restores both. A scan keeps little alive
// between files and spends about 8% of its time collecting otherwise (100 MB of the generated
// corpus: 0.66 s → 0.60 s, peak RSS 38 → 62 MB; 1 GB: 6.4 s → 5.9 s, 41 → 65 MB); the limit
// keeps a large extraction from growing the heap past what the evidence limits allow. A GOGC
// or GOMEMLIMIT set by the user wins.
func lessGC() (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	gc := debug.SetGCPercent(400)
	limit := debug.SetMemoryLimit(192 << 20)
	return func() {
		debug.SetGCPercent(gc)
		debug.SetMemoryLimit(limit)
	}
}

func (a *app) scanCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "scan PATH... [--json]",
		Short: "Scan files, folders and archives for personal and biometric data; stores nothing",
		Args:  minArgs(1, "one or more files or folders"),
		RunE: func(cmd *cobra.Command, args []string) error {
			defer lessGC()()
			out := scanJSON{Files: []scanFile{}, Totals: map[string]int{}}
			opts := evidence.Options{Detector: detect.New(randomKey()), Progress: a.progressPrinter(), KeepDetections: -1}
			stats, err := evidence.Scan(cmd.Context(), args, opts, func(r evidence.FileResult) error {
				out.Files = append(out.Files, c4File(r.Path, r.SHA256, r.Size, r.Mime, r.Status, r.Reason, r.Counts))
				for t, n := range r.Counts {
					out.Totals[t] += n
				}
				return nil
			})
			a.endProgress()
			if err != nil {
				return err
			}
			sort.Slice(out.Files, func(i, j int) bool { return out.Files[i].Path < out.Files[j].Path })
			out.Stats = stats
			if asJSON {
				return writeJSON(a.stdout, out)
			}
			printFiles(a.stdout, out.Files)
			fmt.Fprintf(a.stdout, "\n%d files, %s in %.2f s\n", stats.Files, humanBytes(stats.Bytes), stats.Seconds)
			printTotals(a.stdout, out.Totals)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (contract C4)")
	return cmd
}

func printFiles(w io.Writer, files []scanFile) {
	tw := tabwriter.NewWriter(w, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "STATUS\tSIZE\tPATH\tDETECTIONS")
	for _, f := range files {
		det := countsText(f.Detections)
		if f.Reason != "" {
			det = strings.TrimSpace(det + " (" + f.Reason + ")")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", f.Status, humanBytes(f.Size), f.Path, det)
	}
	tw.Flush()
}

func printTotals(w io.Writer, totals map[string]int) {
	if len(totals) == 0 {
		fmt.Fprintln(w, "no personal data detected")
		return
	}
	fmt.Fprintf(w, "found: %s\n", countsText(totals))
}

func countsText(c map[string]int) string {
	var parts []string
	for _, t := range evidence.SortedTypes(c) {
		parts = append(parts, fmt.Sprintf("%s %d", t, c[t]))
	}
	return strings.Join(parts, ", ")
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// progressPrinter draws indexing progress on stderr when it is a terminal: one line, redrawn
// in place (the pipeline sends about ten a second), cut to the terminal's width.
func (a *app) progressPrinter() func(evidence.Progress) {
	st, err := os.Stderr.Stat()
	if a.stderr != os.Stderr || err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	bar := newProgressBar(termenv.NewOutput(os.Stderr).EnvColorProfile())
	return func(p evidence.Progress) {
		width, _, err := term.GetSize(os.Stderr.Fd())
		if err != nil || width <= 0 {
			width = 80
		}
		fmt.Fprint(os.Stderr, "\r\033[K"+progressLine(bar, p, width))
	}
}

// newProgressBar is the bar of progressLine, in the colours the terminal allows (none under
// NO_COLOR).
func newProgressBar(profile termenv.Profile) progress.Model {
	return progress.New(progress.WithWidth(20), progress.WithoutPercentage(), progress.WithDefaultGradient(),
		progress.WithColorProfile(profile))
}

// progressLine renders one progress event in fewer than width cells: a bar of the bytes read
// (of the files when sizes are unknown), the percentage, files, megabytes, speed, detections
// so far, and as much of the end of the current file's path as fits.
func progressLine(bar progress.Model, p evidence.Progress, width int) string {
	if p.Walking {
		return ansi.Truncate("counting files…", width-1, "…")
	}
	frac := 0.0
	switch {
	case p.BytesTotal > 0:
		frac = float64(p.Bytes) / float64(p.BytesTotal)
	case p.FilesTotal > 0:
		frac = float64(p.FilesDone) / float64(p.FilesTotal)
	}
	frac = max(0, min(1, frac))
	line := fmt.Sprintf("%s %3.0f%% · %d/%d files · %s of %s · %.1f MB/s · %d found", bar.ViewAs(frac), frac*100,
		p.FilesDone, p.FilesTotal, humanBytes(p.Bytes), humanBytes(p.BytesTotal), p.MBps, p.Detections)
	if room := width - 1 - ansi.StringWidth(line) - 3; p.Current != "" && room >= 8 {
		cur := p.Current
		if w := ansi.StringWidth(cur); w > room {
			cur = ansi.TruncateLeft(cur, w-room+1, "…")
		}
		line += " · " + cur
	}
	return ansi.Truncate(line, width-1, "…")
}

func (a *app) endProgress() {
	if a.progressPrinter() != nil {
		fmt.Fprint(os.Stderr, "\r\033[K")
	}
}

func (a *app) evidenceCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "evidence",
		Short: "Attach, list, search and verify evidence files",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usagef("evidence needs a subcommand: add, list, show, search, links, verify, remove or purge")
		},
	}
	cmd.AddCommand(a.evidenceAddCmd(), a.evidenceListCmd(), a.evidenceShowCmd(), a.evidenceSearchCmd(), a.evidenceLinksCmd(), a.evidenceVerifyCmd(), a.evidenceRemoveCmd(), a.evidencePurgeCmd())
	return cmd
}

func (a *app) evidenceAddCmd() *cobra.Command {
	var asJSON, redact, reindex bool
	cmd := &cobra.Command{
		Use:   "add ID PATH...",
		Short: "Index files and folders as evidence of an assessment (unchanged files are not re-read)",
		Args:  minArgs(2, "an assessment id and one or more files or folders"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			ix, s, err := a.openIndexToChange(cmd, args[0])
			if err != nil {
				return err
			}
			defer s.close()
			rep, err := ix.Add(ctx, args[0], args[1:], actor(), evidence.AddOptions{Progress: a.progressPrinter(), Redact: redact, Reindex: reindex})
			a.endProgress()
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.stdout, rep)
			}
			fmt.Fprintf(a.stdout, "indexed %d, skipped %d, failed %d, unchanged %d files (%s in %.2f s, %.1f MB/s)\n",
				rep.Indexed, rep.Skipped, rep.Failed, rep.Stats.Unchanged, humanBytes(rep.Stats.Bytes), rep.Stats.Seconds, mbps(rep.Stats))
			switch {
			case rep.Stats.Unchanged == 0:
				printTotals(a.stdout, rep.Detections)
			case len(rep.Detections) > 0:
				fmt.Fprintf(a.stdout, "found in the files read: %s (unchanged files keep theirs: dpia evidence list %s)\n", countsText(rep.Detections), args[0])
			case rep.Indexed == 0:
				fmt.Fprintf(a.stdout, "nothing was read again; the evidence is as it was (dpia evidence list %s)\n", args[0])
			default:
				fmt.Fprintln(a.stdout, "no personal data detected in the files read")
			}
			if rep.Compacted > 0 {
				fmt.Fprintf(a.stdout, "masked %s indexed in clear before and compacted the workspace: their clear text is gone\n", plural(rep.Compacted, "file"))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().BoolVar(&reindex, "reindex", false, "read every file again, unchanged ones too (after upgrading dpia, so that its detection and search locations apply to older evidence)")
	cmd.Flags().BoolVar(&redact, "redact", false, "index the text with detected values masked, so the workspace holds no raw value (search then shows masks, even with --reveal); files indexed in clear before are read again and the workspace compacted")
	return cmd
}

func mbps(s evidence.Stats) float64 {
	if s.Seconds <= 0 {
		return 0
	}
	return float64(s.Bytes) / 1e6 / s.Seconds
}

func (a *app) evidenceListCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list ID [--json]",
		Short: "List an assessment's evidence files with their detections",
		Args:  exactArgs(1, "an assessment id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ix, s, err := a.openIndex(cmd, args[0])
			if err != nil {
				return err
			}
			defer s.close()
			files, err := ix.Files(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			out := scanJSON{Files: []scanFile{}, Totals: evidence.Totals(files)}
			for _, f := range files {
				out.Files = append(out.Files, c4File(f.Path, f.SHA256, f.Size, f.Mime, f.Status, f.Reason, f.Detections))
				if !f.Entry {
					out.Stats.Bytes += f.Size
				}
			}
			out.Stats.Files = len(files)
			if asJSON {
				return writeJSON(a.stdout, out)
			}
			printFiles(a.stdout, out.Files)
			printTotals(a.stdout, out.Totals)
			var absent []string
			for _, f := range files {
				if f.TextAbsent {
					absent = append(absent, f.Path)
				}
			}
			if note := textAbsentNote(args[0], absent); note != "" {
				fmt.Fprintln(a.stdout, note)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (contract C4)")
	return cmd
}

// textAbsentNote says which evidence files search cannot see because they were restored from
// an archive without their text (absent), and how to make them searchable; "" when none.
func textAbsentNote(id string, absent []string) string {
	switch len(absent) {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf("note: %s was restored from an archive without its text, so search does not see it; add it again to search it: dpia evidence add %s PATH", absent[0], id)
	}
	return fmt.Sprintf("note: %d evidence files (%s, ...) were restored from an archive without their text, so search does not see them; add them again to search them: dpia evidence add %s PATH...", len(absent), absent[0], id)
}

func (a *app) openIndex(cmd *cobra.Command, id string) (*evidence.Index, *session, error) {
	ctx := cmd.Context()
	s, err := a.session(ctx)
	if err != nil {
		return nil, nil, err
	}
	if _, err := s.assessment(ctx, id); err != nil {
		s.close()
		return nil, nil, err
	}
	ix, err := evidence.OpenIndex(ctx, s.st)
	if err != nil {
		s.close()
		return nil, nil, err
	}
	return ix, s, nil
}

// openIndexToChange is openIndex for a command that changes the evidence: a signed-off
// assessment is reopened as a new version first, because its signed manifest names the
// evidence (the signed version stays readable; see docs/signoff.md).
func (a *app) openIndexToChange(cmd *cobra.Command, id string) (*evidence.Index, *session, error) {
	ix, s, err := a.openIndex(cmd, id)
	if err != nil {
		return nil, nil, err
	}
	to, err := s.st.Reopen(cmd.Context(), id, actor())
	if err != nil {
		s.close()
		return nil, nil, err
	}
	a.noteReopened(id, to)
	return ix, s, nil
}

func (a *app) evidenceShowCmd() *cobra.Command {
	var limit int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show ID PATH",
		Short: "Show the detections of one evidence file (masked), with their locations",
		Args:  exactArgs(2, "an assessment id and an evidence path (as 'evidence list' prints it)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ix, s, err := a.openIndex(cmd, args[0])
			if err != nil {
				return err
			}
			defer s.close()
			ds, err := ix.Detections(cmd.Context(), args[0], args[1], limit)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.stdout, ds)
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 2, 2, ' ', 0)
			fmt.Fprintln(tw, "TYPE\tWHERE\tVALUE (MASKED)\tCONFIDENCE")
			for _, d := range ds {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%.2f\n", d.Type, locText(d.Loc.Line, d.Loc.Page, d.Loc.Sheet, d.Loc.Row, d.Loc.Column), d.Preview, d.Confidence)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().IntVar(&limit, "limit", 200, "show at most this many detections")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func locText(line, page int, sheet string, row int, col string) string {
	var parts []string
	if sheet != "" {
		parts = append(parts, "sheet "+sheet)
	}
	if page > 0 {
		parts = append(parts, fmt.Sprintf("page %d", page))
	}
	if line > 0 {
		parts = append(parts, fmt.Sprintf("line %d", line))
	}
	if row > 0 {
		parts = append(parts, fmt.Sprintf("row %d", row))
	}
	if col != "" {
		parts = append(parts, "column "+col)
	}
	return strings.Join(parts, ", ")
}

func (a *app) evidenceSearchCmd() *cobra.Command {
	var q evidence.Query
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "search ID QUERY...",
		Short: "Full-text search of an assessment's evidence; detected values are masked unless --reveal",
		Args:  minArgs(2, "an assessment id and a query"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ix, s, err := a.openIndex(cmd, args[0])
			if err != nil {
				return err
			}
			defer s.close()
			q.Text = strings.Join(args[1:], " ")
			if evidence.FTSQuery(q.Text) == "" {
				return usagef("the query %q has no word to search for", q.Text)
			}
			if err := checkTypes(q.Types); err != nil {
				return err
			}
			hits, err := ix.Search(cmd.Context(), args[0], q)
			if err != nil {
				return err
			}
			absent, err := ix.TextAbsent(cmd.Context(), args[0], q.File)
			if err != nil {
				return err
			}
			if note := textAbsentNote(args[0], absent); note != "" {
				fmt.Fprintln(a.stderr, note)
			}
			if asJSON {
				if hits == nil {
					hits = []evidence.Hit{}
				}
				return writeJSON(a.stdout, hits)
			}
			if len(hits) == 0 {
				fmt.Fprintln(a.stdout, "no matches")
				return nil
			}
			for _, h := range hits {
				fmt.Fprintf(a.stdout, "%s  %s\n    %s\n", h.Path, locText(h.Loc.Line, h.Loc.Page, h.Loc.Sheet, h.Loc.Row, h.Loc.Column), h.Snippet)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&q.Types, "type", nil, "only files with detections of these types (e.g. kz_iin,email)")
	f.StringVar(&q.File, "file", "", "only this evidence file")
	f.StringVar(&q.PathGlob, "path", "", "only files whose path matches this glob")
	f.IntVar(&q.Limit, "limit", 50, "at most this many results")
	f.BoolVar(&q.Reveal, "reveal", false, "show detected personal data unmasked")
	f.BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// checkTypes refuses a --type value that is not a detection type of contract C4.
func checkTypes(types []string) error {
	for _, t := range types {
		if !slices.Contains(model.Types, t) {
			return usagef("unknown detection type %q for --type (one of %s)", t, strings.Join(model.Types, ", "))
		}
	}
	return nil
}

func (a *app) evidenceLinksCmd() *cobra.Command {
	var q evidence.LinkQuery
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "links ID",
		Short: "Values detected in more than one evidence file (the same e-mail, IIN or face template), masked",
		Args:  exactArgs(1, "an assessment id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkTypes(q.Types); err != nil {
				return err
			}
			ix, s, err := a.openIndex(cmd, args[0])
			if err != nil {
				return err
			}
			defer s.close()
			links, err := ix.Links(cmd.Context(), args[0], q)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.stdout, links)
			}
			if len(links) == 0 {
				fmt.Fprintf(a.stdout, "no value found in %d or more evidence files\n", max(2, q.MinFiles))
				return nil
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 2, 2, ' ', 0)
			fmt.Fprintln(tw, "TYPE\tVALUE (MASKED)\tFILES\tOCCURRENCES\tIN")
			for _, l := range links {
				in := strings.Join(l.Files, ", ")
				if len(l.Files) > 3 {
					in = strings.Join(l.Files[:3], ", ") + fmt.Sprintf(" and %d more", len(l.Files)-3)
				}
				fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\n", l.Type, l.Preview, len(l.Files), l.Occurrences, in)
			}
			return tw.Flush()
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&q.Types, "type", nil, "only these detection types (e.g. kz_iin,email)")
	f.IntVar(&q.MinFiles, "min-files", 2, "only values found in at least this many files")
	f.IntVar(&q.Limit, "limit", 50, "at most this many values")
	f.BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func (a *app) evidenceVerifyCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "verify ID",
		Short: "Re-hash an assessment's evidence files and report changed or missing ones (exit 1 if any)",
		Args:  exactArgs(1, "an assessment id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ix, s, err := a.openIndex(cmd, args[0])
			if err != nil {
				return err
			}
			defer s.close()
			items, err := ix.Verify(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			bad, unhashed := 0, 0
			for _, it := range items {
				switch it.Status {
				case evidence.VerifyChanged, evidence.VerifyMissing:
					bad++
				case evidence.VerifyUnhashed:
					unhashed++
				}
			}
			if asJSON {
				if err := writeJSON(a.stdout, items); err != nil {
					return err
				}
			} else {
				tw := tabwriter.NewWriter(a.stdout, 0, 2, 2, ' ', 0)
				for _, it := range items {
					fmt.Fprintf(tw, "%s\t%s\t%s\n", it.Status, it.Path, it.Detail)
				}
				tw.Flush()
			}
			if bad > 0 {
				return &exitError{code: 1, msg: fmt.Sprintf("%d of %d evidence files changed or missing", bad, len(items)-unhashed)}
			}
			if !asJSON {
				fmt.Fprintf(a.stdout, "all %d evidence files unchanged", len(items)-unhashed)
				if unhashed > 0 {
					fmt.Fprintf(a.stdout, " (%d not read when added, so not hashed)", unhashed)
				}
				fmt.Fprintln(a.stdout)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// randomKey is a throwaway HMAC key for 'dpia scan', which stores nothing.
func randomKey() []byte {
	k := make([]byte, 32)
	_, _ = rand.Read(k)
	return k
}

func (a *app) evidenceRemoveCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "remove ID PATH",
		Short: "Remove an evidence file, folder or archive (with its detections and text) from an assessment",
		Args:  exactArgs(2, "an assessment id and an evidence path (as 'evidence list' prints it)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ix, s, err := a.openIndexToChange(cmd, args[0])
			if err != nil {
				return err
			}
			defer s.close()
			n, err := ix.Remove(cmd.Context(), args[0], args[1], actor())
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "removed %d evidence files under %s\n", n, args[1])
			return nil
		},
	}
}
