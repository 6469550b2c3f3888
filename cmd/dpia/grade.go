package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dpia-tool/dpia/assessment"
	"github.com/dpia-tool/dpia/assessment/answersfile"
	q "github.com/dpia-tool/dpia/questionnaires"
)

func (a *app) gradeCmd() *cobra.Command {
	var file string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "grade --answers FILE [--json]",
		Short: "Grade an answers file with no workspace and print a summary or the result JSON",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if file == "" {
				return usagef("grade needs --answers FILE")
			}
			set, err := a.loadPacks(false)
			if err != nil {
				return err
			}
			f, err := readAnswersFile(file, set)
			if err != nil {
				return err
			}
			res, err := assessment.Grade(set, assessment.Input{System: f.System, Packs: f.Packs, Answers: f.Answers})
			if err != nil {
				return fmt.Errorf("grade %s: %w", file, err)
			}
			if asJSON {
				return writeJSON(a.stdout, res)
			}
			printSummary(a.stdout, res)
			return nil
		},
	}
	cmd.Flags().StringVar(&file, "answers", "", "answers file (YAML or JSON, contract C2); - reads standard input")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON (contract C3)")
	return cmd
}

// readAnswersFile reads and checks an answers file ("-" is standard input).
func readAnswersFile(name string, set *q.Set) (*answersfile.File, error) {
	var data []byte
	var err error
	if name == "-" {
		data, err = io.ReadAll(io.LimitReader(os.Stdin, answersfile.MaxBytes+1))
		name = "standard input"
	} else {
		var st os.FileInfo
		if st, err = os.Stat(name); err == nil && st.IsDir() {
			return nil, fmt.Errorf("answers file %s is a folder", name)
		}
		data, err = os.ReadFile(name)
	}
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("answers file %s does not exist", name)
		}
		return nil, fmt.Errorf("read answers file %s: %w", name, err)
	}
	return answersfile.Parse(name, data, set)
}

// printSummary writes the human summary of a result.
func printSummary(w io.Writer, r assessment.Result) {
	name := r.System.Name
	if name == "" {
		name = "(unnamed system)"
	}
	fmt.Fprintf(w, "%s\n\n", name)
	fmt.Fprintf(w, "  AI Act tier     %s\n", strings.ToUpper(strings.ReplaceAll(r.TierLabel(), "_", " ")))
	for _, reason := range r.AIAct.Reasons {
		fmt.Fprintf(w, "                  - %s\n", reason)
	}
	verdict := "no"
	switch {
	case r.DPIA.Required:
		verdict = "yes"
	case r.DPIA.Undecided:
		verdict = "undecided"
	}
	fmt.Fprintf(w, "  DPIA required   %s (%d of 9 WP248 criteria met", verdict, len(r.DPIA.Criteria))
	if len(r.DPIA.Criteria) > 0 {
		fmt.Fprintf(w, ": %s", strings.Join(r.DPIA.Criteria, ", "))
	}
	fmt.Fprint(w, ")")
	if len(r.DPIA.Cases) > 0 {
		fmt.Fprintf(w, "; mandatory under %s", strings.Join(r.DPIA.Cases, ", "))
	}
	fmt.Fprintln(w)
	if r.RiskUndecided() {
		fmt.Fprintf(w, "  Risk            undecided: no law applies until the questions that decide their scope are answered\n")
	} else {
		fmt.Fprintf(w, "  Risk            %s inherent, %s residual\n", r.Risk.Inherent, r.Risk.Residual)
	}
	if len(r.Jurisdictions) > 0 {
		var parts []string
		for _, j := range []string{"eu", "kz", "us_il"} {
			if lvl, ok := r.Jurisdictions[j]; ok {
				parts = append(parts, j+" "+lvl)
			}
		}
		fmt.Fprintf(w, "  Jurisdictions   %s\n", strings.Join(parts, " · "))
	}
	fmt.Fprintf(w, "  Completeness    %.0f%%\n", r.Completeness*100)
	fmt.Fprintf(w, "\nFindings (%d)\n", len(r.Findings))
	for _, f := range r.Findings {
		fmt.Fprintf(w, "  %-8s %s Art. %s — %s\n", strings.ToUpper(f.Residual), f.Law, f.Article, f.Title)
		fmt.Fprintf(w, "           because %s\n", strings.Join(f.Because, "; "))
		if len(f.Mitigations) > 0 {
			var ms []string
			for _, m := range f.Mitigations {
				ms = append(ms, m.ID)
			}
			fmt.Fprintf(w, "           mitigated by %s (inherent %s)\n", strings.Join(ms, ", "), f.Inherent)
		}
	}
	if len(r.Scenarios) > 0 {
		fmt.Fprintf(w, "\nClosest reference scenarios\n")
		for i, s := range r.Scenarios {
			if i == 3 {
				break
			}
			fmt.Fprintf(w, "  %3.0f%%  %s — %s\n", s.Similarity*100, s.ID, s.Title)
		}
	}
	if len(r.Hidden) > 0 {
		fmt.Fprintf(w, "\nKept but not counted (question hidden): %s\n", strings.Join(r.Hidden, ", "))
	}
}
