package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// change is one field of an assessment to update, with its log entry.
type change struct {
	column  string // a fixed column name, never user input
	value   any    // the value to store
	kind    string
	subject string
	old     string // JSON text for the log
	new     string
}

// UpdateAssessment changes the fields set in upd in one transaction and
// logs one event per changed field: status changes as KindStatus and
// archiving as KindArchive (both with an empty Subject), the other fields
// as KindUpdate with the field name (name, system_name, description,
// owner, packs) as Subject. Fields
// equal to their current value are neither written nor logged.
func (s *SQLite) UpdateAssessment(ctx context.Context, id string, upd AssessmentUpdate, actor string) error {
	op := fmt.Sprintf("update assessment %q", id)
	if err := checkUpdate(upd); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return s.write(ctx, op, func(tx *sql.Tx) error {
		cur, err := s.getAssessment(ctx, tx, id)
		if err != nil {
			return err
		}
		cs := changes(cur, upd)
		if upd.Status != nil && *upd.Status == StatusSignedOff && cur.Status != StatusSignedOff {
			return fmt.Errorf("assessment %q is not signed off by setting its status: %w", id, ErrSignOffNeeded)
		}
		if cur.Status == StatusSignedOff && changesContent(cs) {
			// Nothing signed is edited in place: the change starts a new version.
			if _, err := s.reopen(ctx, tx, id, actor); err != nil {
				return err
			}
			cur.Status = StatusDraft
			cs = changes(cur, upd)
		}
		for _, c := range cs {
			// c.column comes from changes, a fixed set of column names.
			_, err := tx.ExecContext(ctx, `UPDATE assessments SET `+c.column+` = ? WHERE id = ?`, c.value, id)
			if err != nil {
				return fmt.Errorf("write %s: %w", c.column, err)
			}
			if err := s.appendEvent(ctx, tx, id, actor, c.kind, c.subject, c.old, c.new); err != nil {
				return err
			}
		}
		return nil
	})
}

func checkUpdate(upd AssessmentUpdate) error {
	if upd.Name != nil && strings.TrimSpace(*upd.Name) == "" {
		return errors.New("an assessment needs a name")
	}
	if upd.Status != nil {
		if err := checkStatus(*upd.Status); err != nil {
			return err
		}
	}
	for _, p := range []*string{upd.Name, upd.SystemName, upd.Description, upd.Owner} {
		if p != nil {
			if err := checkText("assessment fields", *p); err != nil {
				return err
			}
		}
	}
	if upd.Packs != nil {
		return checkText("pack names", (*upd.Packs)...)
	}
	return nil
}

// changesContent reports whether cs changes more than the archived flag (archiving a
// signed-off assessment changes nothing that was signed).
func changesContent(cs []change) bool {
	for _, c := range cs {
		if c.column != "archived" {
			return true
		}
	}
	return false
}

// changes lists the fields of upd that differ from cur.
func changes(cur Assessment, upd AssessmentUpdate) []change {
	var out []change
	text := func(column string, p *string, old string) {
		if p != nil && *p != old {
			out = append(out, change{column, *p, KindUpdate, column, jsonText(old), jsonText(*p)})
		}
	}
	text("name", upd.Name, cur.Name)
	text("system_name", upd.SystemName, cur.SystemName)
	text("description", upd.Description, cur.Description)
	text("owner", upd.Owner, cur.Owner)
	if upd.Packs != nil && !slices.Equal(*upd.Packs, cur.Packs) {
		packs := *upd.Packs
		if packs == nil {
			packs = []string{}
		}
		out = append(out, change{"packs", jsonText(packs), KindUpdate, "packs", jsonText(cur.Packs), jsonText(packs)})
	}
	if upd.Status != nil && *upd.Status != cur.Status {
		out = append(out, change{"status", *upd.Status, KindStatus, "", jsonText(cur.Status), jsonText(*upd.Status)})
	}
	if upd.Archived != nil && *upd.Archived != cur.Archived {
		out = append(out, change{"archived", *upd.Archived, KindArchive, "", jsonText(cur.Archived), jsonText(*upd.Archived)})
	}
	return out
}
