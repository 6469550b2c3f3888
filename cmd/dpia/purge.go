package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/dpia-tool/dpia/assessment/evidence"
)

// evidencePurgeCmd is 'dpia evidence purge ID PATH': remove evidence and compact the
// workspace so that its text and detections are gone from the database files.
func (a *app) evidencePurgeCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "purge ID PATH",
		Short: "Remove an evidence file, folder or archive and compact the workspace so its text leaves no bytes behind",
		Long: "Removes the evidence at PATH (a file, or every file under a folder or inside an archive) with its " +
			"detections and indexed text, records an evidence_purge event, then compacts the workspace database " +
			"(full-text index merged, write-ahead log truncated, VACUUM) so that the bytes are gone. Close other " +
			"dpia processes on the workspace first; if compaction cannot finish, run the same purge again.",
		Args: exactArgs(2, "an assessment id and an evidence path (as 'evidence list' prints it)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ix, s, err := a.openIndexToChange(cmd, args[0])
			if err != nil {
				return err
			}
			defer s.close()
			rep, err := ix.Purge(cmd.Context(), args[0], args[1], actor())
			if errors.Is(err, evidence.ErrCompact) {
				return fmt.Errorf("purged %s from %s, but %w; its bytes may remain until 'dpia evidence purge %s %s' is run again", args[1], args[0], err, args[0], args[1])
			}
			if err != nil {
				return err
			}
			if rep.Files == 0 {
				fmt.Fprintf(a.stdout, "%s was purged before; workspace compacted (%s → %s)\n", args[1], humanBytes(rep.BytesBefore), humanBytes(rep.BytesAfter))
				return nil
			}
			fmt.Fprintf(a.stdout, "purged %d evidence files under %s; workspace compacted (%s → %s)\n",
				rep.Files, args[1], humanBytes(rep.BytesBefore), humanBytes(rep.BytesAfter))
			return nil
		},
	}
}
