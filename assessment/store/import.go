package store

import (
	"context"
	"database/sql"
	"fmt"
)

// ImportAssessment creates a draft assessment with the given answers and
// notes in one transaction, so that a failed import leaves nothing behind.
// Its log starts with a created event whose New has "source":"import",
// followed by one answer event per answer and one note event per note, in
// question order. Empty answers and notes are skipped.
func (s *SQLite) ImportAssessment(ctx context.Context, in NewAssessment, answers map[string][]string,
	notes map[string]string, actor string) (Assessment, error) {
	if err := checkImport(in, answers, notes); err != nil {
		return Assessment{}, fmt.Errorf("import assessment: %w", err)
	}
	var id string
	err := s.write(ctx, "import assessment", func(tx *sql.Tx) error {
		var err error
		if id, err = s.insertAssessment(ctx, tx, in, actor, origin{Source: "import"}); err != nil {
			return err
		}
		for _, q := range sortedKeys(answers) {
			if err := s.putAnswer(ctx, tx, id, q, "", answers[q], actor); err != nil {
				return err
			}
		}
		for _, q := range sortedKeys(notes) {
			if err := s.putNote(ctx, tx, id, q, "", notes[q], actor); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Assessment{}, err
	}
	return s.Assessment(ctx, id)
}

func checkImport(in NewAssessment, answers map[string][]string, notes map[string]string) error {
	if err := checkNew(in); err != nil {
		return err
	}
	for _, q := range sortedKeys(answers) {
		if err := checkQuestion(q); err != nil {
			return fmt.Errorf("answer: %w", err)
		}
		if err := checkText(fmt.Sprintf("answer to %q", q), answers[q]...); err != nil {
			return err
		}
	}
	for _, q := range sortedKeys(notes) {
		if err := checkQuestion(q); err != nil {
			return fmt.Errorf("note: %w", err)
		}
		if err := checkText(fmt.Sprintf("note on %q", q), notes[q]); err != nil {
			return err
		}
	}
	return nil
}
