package main

import (
	"fmt"
	"path/filepath"
	"text/tabwriter"

	"github.com/spf13/cobra"

	q "github.com/dpia-tool/dpia/questionnaires"
)

func (a *app) packsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "packs",
		Short: "Show and check questionnaire packs",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usagef("packs needs a subcommand: list or validate")
		},
	}
	cmd.AddCommand(a.packsListCmd(), a.packsValidateCmd())
	return cmd
}

// packInfo is one row of 'packs list'.
type packInfo struct {
	ID           string `json:"id"`
	Title        string `json:"title"`
	Jurisdiction string `json:"jurisdiction"`
	Law          string `json:"law"`
	Version      string `json:"version"`
	CurrentTo    string `json:"current_to"`
	Source       string `json:"source"`
	Questions    int    `json:"questions"`
	Rules        int    `json:"rules"`
	Criteria     int    `json:"criteria"`
	Scenarios    int    `json:"scenarios"`
}

func packInfos(set *q.Set) []packInfo {
	rows := map[string]*packInfo{}
	var out []*packInfo
	for _, p := range set.Packs {
		src := "built-in"
		if !p.Builtin {
			src = p.File
		}
		r := &packInfo{ID: p.ID.Value, Title: p.Title.En, Jurisdiction: p.Jurisdiction.Value, Law: p.Law.ID.Value,
			Version: p.Law.Version.Value, CurrentTo: p.Law.CurrentTo.Value, Source: src}
		rows[r.ID] = r
		out = append(out, r)
	}
	for _, qu := range set.Questions {
		rows[qu.Pack].Questions++
	}
	for _, r := range set.Rules {
		rows[r.Pack].Rules++
	}
	for _, c := range append(append([]*q.Criterion{}, set.Criteria...), set.Mandatory...) {
		rows[c.Pack].Criteria++
	}
	for _, s := range set.Scenarios {
		rows[s.Pack].Scenarios++
	}
	res := make([]packInfo, len(out))
	for i, r := range out {
		res[i] = *r
	}
	return res
}

func (a *app) packsListCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the packs: id, law, version, current-to date and counts",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			set, err := a.loadPacks(a.workspace != "")
			if err != nil {
				return err
			}
			rows := packInfos(set)
			if asJSON {
				return writeJSON(a.stdout, rows)
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 2, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tLAW\tVERSION\tCURRENT TO\tQUESTIONS\tRULES\tCRITERIA\tSCENARIOS")
			for _, r := range rows {
				law, cur := r.Law, r.CurrentTo
				if law == "" {
					law = "-"
				}
				if cur == "" {
					cur = "-"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\n", r.ID, law, orDash(r.Version), cur, r.Questions, r.Rules, r.Criteria, r.Scenarios)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func (a *app) packsValidateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check pack files against the built-in packs; print every problem with file:line:column",
		Args:  minArgs(1, "one or more pack files"),
		RunE: func(cmd *cobra.Command, args []string) error {
			set, err := q.Load(q.LoadOptions{Dirs: a.packDirs, Files: args})
			if err != nil {
				if es, ok := q.AsErrors(err); ok && len(es) > 1 {
					for _, e := range es {
						fmt.Fprintln(a.stderr, e.Error())
					}
					return &exitError{code: 1, msg: fmt.Sprintf("%d problems found", len(es))}
				}
				return err
			}
			for _, f := range args {
				id := ""
				for _, p := range set.Packs {
					if filepath.Clean(p.File) == filepath.Clean(f) {
						id = p.ID.Value
					}
				}
				if id == "" {
					fmt.Fprintf(a.stdout, "ok: %s (overrides items of built-in packs)\n", f)
				} else {
					fmt.Fprintf(a.stdout, "ok: %s (pack %s)\n", f, id)
				}
			}
			return nil
		},
	}
}
