package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/dpia-tool/dpia/assessment"
	"github.com/dpia-tool/dpia/assessment/answersfile"
	"github.com/dpia-tool/dpia/assessment/evidence"
	"github.com/dpia-tool/dpia/assessment/store"
	"github.com/dpia-tool/dpia/exports"
	q "github.com/dpia-tool/dpia/questionnaires"
)

// session is an open workspace with its packs.
type session struct {
	st  *store.SQLite
	set *q.Set
	ix  *evidence.Index // opened on first use
}

func (a *app) session(ctx context.Context) (*session, error) {
	set, err := a.loadPacks(true)
	if err != nil {
		return nil, err
	}
	st, err := a.openStore(ctx)
	if err != nil {
		return nil, err
	}
	return &session{st: st, set: set}, nil
}

func (s *session) close() { s.st.Close() }

func (s *session) assessment(ctx context.Context, id string) (store.Assessment, error) {
	as, err := s.st.Assessment(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return as, fmt.Errorf("no assessment %q in this workspace (see 'dpia list')", id)
	}
	return as, err
}

// grade grades a stored assessment.
func (s *session) grade(ctx context.Context, as store.Assessment) (assessment.Result, error) {
	raw, err := s.st.Answers(ctx, as.ID)
	if err != nil {
		return assessment.Result{}, err
	}
	answers := make(map[string]q.Value, len(raw))
	for id, v := range raw {
		if s.set.Question(id) == nil {
			continue // a question removed from the packs since: kept in the store, not graded
		}
		answers[id] = v
	}
	name := as.SystemName
	if name == "" {
		name = as.Name
	}
	found, err := evidence.Summary(ctx, s.st, as.ID)
	if err != nil {
		return assessment.Result{}, err
	}
	return assessment.Grade(s.set, assessment.Input{
		System: assessment.System{Name: name, Description: as.Description}, Packs: as.Packs, Answers: answers, Evidence: found,
	})
}

func (a *app) newCmd() *cobra.Command {
	var in store.NewAssessment
	var packs string
	cmd := &cobra.Command{
		Use:   "new --name NAME [--packs a,b]",
		Short: "Create an assessment and print its id",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if strings.TrimSpace(in.Name) == "" {
				return usagef("new needs --name NAME")
			}
			ctx := cmd.Context()
			s, err := a.session(ctx)
			if err != nil {
				return err
			}
			defer s.close()
			if packs != "" {
				for _, p := range strings.Split(packs, ",") {
					p = strings.TrimSpace(p)
					if s.set.Pack(p) == nil {
						return usagef("unknown pack %q (see 'dpia packs list')", p)
					}
					in.Packs = append(in.Packs, p)
				}
			}
			as, err := s.st.CreateAssessment(ctx, in, actor())
			if err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, as.ID)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&in.Name, "name", "", "assessment name")
	f.StringVar(&in.SystemName, "system", "", "name of the assessed system (default: the assessment name)")
	f.StringVar(&in.Description, "description", "", "what the system does")
	f.StringVar(&in.Owner, "owner", "", "who owns the assessment")
	f.StringVar(&packs, "packs", "", "comma-separated pack ids to apply (default: every pack)")
	return cmd
}

func (a *app) listCmd() *cobra.Command {
	var asJSON, all bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the assessments in the workspace",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			s, err := a.session(ctx)
			if err != nil {
				return err
			}
			defer s.close()
			list, err := s.st.ListAssessments(ctx, all)
			if err != nil {
				return err
			}
			type row struct {
				store.Assessment
				ReviewDue bool    `json:"review_due"` // signed off, and the next review date has passed
				AITier    string  `json:"ai_act_tier"`
				Residual  string  `json:"residual_risk"`
				Complete  float64 `json:"completeness"`
				// The tier and risk wait for answers that decide the laws' scope; the fields
				// above then hold what contract C3 grades (out_of_scope, low).
				TierUndecided bool `json:"ai_act_undecided"`
				RiskUndecided bool `json:"risk_undecided"`
			}
			rows := make([]row, 0, len(list))
			for _, as := range list {
				res, err := s.grade(ctx, as)
				if err != nil {
					return fmt.Errorf("grade %s: %w", as.ID, err)
				}
				shown, err := s.st.ShownStatus(ctx, as)
				if err != nil {
					return err
				}
				rows = append(rows, row{as, shown == store.StatusReviewDue, res.AIAct.Tier, res.Risk.Residual, res.Completeness, res.AIActUndecided(), res.RiskUndecided()})
			}
			if asJSON {
				return writeJSON(a.stdout, rows)
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 2, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tSTATUS\tDONE\tAI ACT\tRESIDUAL RISK")
			for _, r := range rows {
				status := r.Status
				if r.ReviewDue {
					status = store.StatusReviewDue
				}
				tier, residual := r.AITier, r.Residual
				if r.TierUndecided {
					tier = "undecided"
				}
				if r.RiskUndecided {
					residual = "undecided"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%.0f%%\t%s\t%s\n", r.ID, r.Name, status, r.Complete*100, tier, residual)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().BoolVar(&all, "all", false, "include archived assessments")
	return cmd
}

func (a *app) showCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show ID [--json]",
		Short: "Grade a stored assessment and show the summary, or the result JSON",
		Args:  exactArgs(1, "an assessment id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, err := a.session(ctx)
			if err != nil {
				return err
			}
			defer s.close()
			as, err := s.assessment(ctx, args[0])
			if err != nil {
				return err
			}
			res, err := s.grade(ctx, as)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.stdout, res)
			}
			fmt.Fprintf(a.stdout, "%s  %s  (%s, %d answers)\n", as.ID, as.Name, as.Status, as.AnswerCount)
			printSummary(a.stdout, res)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON (contract C3)")
	return cmd
}

func (a *app) answerCmd() *cobra.Command {
	var clear bool
	cmd := &cobra.Command{
		Use:   "answer ID QUESTION VALUE...",
		Short: "Set one answer (several values for a multi question); exits 0 only once it is saved",
		Args:  minArgs(2, "an assessment id, a question id and a value"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, qid, vals := args[0], args[1], args[2:]
			if len(vals) == 0 && !clear {
				return usagef("answer needs a value (or --clear to remove the answer)")
			}
			ctx := cmd.Context()
			s, err := a.session(ctx)
			if err != nil {
				return err
			}
			defer s.close()
			if _, err := s.assessment(ctx, id); err != nil {
				return err
			}
			if clear {
				vals = nil
			}
			if err := assessment.ValidateAnswer(s.set, qid, vals); err != nil {
				return err
			}
			if err := s.st.SetAnswer(ctx, id, qid, vals, actor()); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "saved %s = %s\n", qid, strings.Join(vals, ", "))
			return nil
		},
	}
	cmd.Flags().BoolVar(&clear, "clear", false, "remove the answer")
	return cmd
}

func (a *app) noteCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "note ID QUESTION TEXT",
		Short: "Set the note on a question (empty text removes it)",
		Args:  exactArgs(3, "an assessment id, a question id and the note text"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, err := a.session(ctx)
			if err != nil {
				return err
			}
			defer s.close()
			if _, err := s.assessment(ctx, args[0]); err != nil {
				return err
			}
			if s.set.Question(args[1]) == nil {
				return fmt.Errorf("unknown question id %q", args[1])
			}
			if err := s.st.SetNote(ctx, args[0], args[1], args[2], actor()); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "saved note on %s\n", args[1])
			return nil
		},
	}
}

func (a *app) importCmd() *cobra.Command {
	var name string
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Create an assessment from an answers file (contract C2), or restore an archive (.zip), and print its id",
		Args:  exactArgs(1, "an answers file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, err := a.session(ctx)
			if err != nil {
				return err
			}
			defer s.close()
			if isArchive(args[0]) {
				if name != "" {
					return usagef("--name does not apply to an archive: it restores the assessment as it was")
				}
				return a.importArchive(ctx, s, args[0])
			}
			f, err := readAnswersFile(args[0], s.set)
			if err != nil {
				return err
			}
			if name == "" {
				name = f.System.Name
			}
			if name == "" {
				name = "Imported assessment"
			}
			answers := make(map[string][]string, len(f.Answers))
			for id, v := range f.Answers {
				answers[id] = v
			}
			as, err := s.st.ImportAssessment(ctx, store.NewAssessment{
				Name: name, SystemName: f.System.Name, Description: f.System.Description, Packs: f.Packs,
			}, answers, f.Notes, actor())
			if err != nil {
				return err
			}
			fmt.Fprintln(a.stdout, as.ID)
			return nil
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "assessment name (default: the system name)")
	return cmd
}

func (a *app) exportCmd() *cobra.Command {
	var out, archive string
	cmd := &cobra.Command{
		Use:   "export ID [-o FILE | --archive FILE.zip]",
		Short: "Write an assessment's answers file (contract C2) to standard output or a file",
		Args:  exactArgs(1, "an assessment id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, err := a.session(ctx)
			if err != nil {
				return err
			}
			defer s.close()
			as, err := s.assessment(ctx, args[0])
			if err != nil {
				return err
			}
			if archive != "" {
				if out != "" {
					return usagef("export takes -o FILE or --archive FILE.zip, not both")
				}
				return s.exportArchive(ctx, as, archive)
			}
			f, err := s.answersFile(ctx, as)
			if err != nil {
				return err
			}
			b, err := answersfile.Marshal(f, s.set)
			if err != nil {
				return err
			}
			if out == "" || out == "-" {
				_, err = a.stdout.Write(b)
				return err
			}
			return exports.WriteFileAtomic(out, 0o600, func(w io.Writer) error {
				_, err := w.Write(b)
				return err
			})
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "file to write (default: standard output)")
	cmd.Flags().StringVar(&archive, "archive", "", "write a complete archive (answers, notes, event log, evidence metadata) to this .zip file instead")
	return cmd
}

func (s *session) answersFile(ctx context.Context, as store.Assessment) (*answersfile.File, error) {
	raw, err := s.st.Answers(ctx, as.ID)
	if err != nil {
		return nil, err
	}
	notes, err := s.st.Notes(ctx, as.ID)
	if err != nil {
		return nil, err
	}
	answers := make(map[string]q.Value, len(raw))
	for id, v := range raw {
		answers[id] = v
	}
	return &answersfile.File{
		System: assessment.System{Name: as.SystemName, Description: as.Description},
		Packs:  as.Packs, Answers: answers, Notes: notes,
	}, nil
}

func (a *app) logCmd() *cobra.Command {
	var verify, asJSON bool
	cmd := &cobra.Command{
		Use:   "log ID [--verify]",
		Short: "Show an assessment's event log; --verify checks its hash chain",
		Args:  exactArgs(1, "an assessment id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, err := a.session(ctx)
			if err != nil {
				return err
			}
			defer s.close()
			if _, err := s.assessment(ctx, args[0]); err != nil {
				return err
			}
			if verify {
				v, err := s.st.VerifyLog(ctx, args[0])
				if err != nil {
					return err
				}
				if !v.OK {
					return &exitError{code: 1, msg: "event log of " + args[0] + " does not verify: " + v.Problem}
				}
				fmt.Fprintf(a.stdout, "event log of %s verifies: %d events, hash chain intact\n", args[0], v.Events)
				return nil
			}
			events, err := s.st.Events(ctx, args[0])
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.stdout, events)
			}
			printEvents(a.stdout, events)
			return nil
		},
	}
	cmd.Flags().BoolVar(&verify, "verify", false, "verify the hash chain and exit 1 if it is broken")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func printEvents(w io.Writer, events []store.Event) {
	tw := tabwriter.NewWriter(w, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "SEQ\tWHEN\tWHO\tWHAT\tSUBJECT\tOLD → NEW")
	for _, e := range events {
		change := e.New
		if e.Old != "" {
			change = e.Old + " → " + e.New
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", e.Seq, e.At.Format("2006-01-02 15:04:05"), e.Actor, e.Kind, e.Subject, change)
	}
	tw.Flush()
}
