package exports

import (
	"fmt"
	"strings"

	"github.com/dpia-tool/dpia/assessment"
)

func mdMitigations(m *mdw, ms []assessment.AppliedMitigation, reads [][]Read) {
	if len(ms) == 0 {
		m.f("  - **Mitigations applied:** none\n")
		return
	}
	m.f("  - **Mitigations applied**\n")
	for i, x := range ms {
		m.f("    - %s (`%s`; severity −%d, likelihood −%d)\n", mdIndent(x.Text, "      "), x.ID, x.Severity, x.Likelihood)
		if i < len(reads) {
			for _, rd := range reads[i] {
				m.f("      - because %s (`%s`): %s\n", mdIndent(rd.Question, "        "), rd.ID, mdIndent(rd.Value, "        "))
			}
		}
	}
}

func mdScenarios(m *mdw, r *Report) {
	m.f("## Reference scenarios\n\n")
	if len(r.Result.Scenarios) == 0 {
		m.f("No reference scenario was compared.\n\n")
		return
	}
	mdHeader(m, "Scenario", "Similarity", "Matched traits", "Missing traits")
	for _, s := range r.Result.Scenarios {
		mdRow(m, s.Title+" ("+s.ID+")", percent(s.Similarity), strings.Join(s.Matched, "; "), strings.Join(s.Missing, "; "))
	}
	m.f("\n")
}

func mdEvidence(m *mdw, r *Report) {
	m.f("## Evidence inventory\n\n")
	if len(r.Evidence) == 0 {
		m.f("No evidence is attached.\n\n")
		return
	}
	m.f("Detections in all files: %s. Examples are masked.\n\n", countsText(r.totalDetections()))
	mdHeader(m, "File", "SHA-256", "Size", "Type", "Status", "Detections")
	for _, f := range r.Evidence {
		status := f.Status
		if f.Reason != "" {
			status += ": " + f.Reason
		}
		mdRow(m, f.Path, "`"+f.SHA256+"`", fmt.Sprint(f.Size), f.Mime, status, countsText(f.Counts))
	}
	m.f("\n")
	for _, f := range r.Evidence {
		if len(f.Examples) == 0 {
			continue
		}
		m.f("- `%s`\n", strings.ReplaceAll(f.Path, "`", "'"))
		for _, e := range f.Examples {
			m.f("  - %s (%s): `%s`\n", e.Type, mdText(e.Where), strings.ReplaceAll(e.Preview, "`", "'"))
		}
	}
	m.f("\n")
}

func mdAnswers(m *mdw, r *Report) {
	m.f("## Answers\n\n")
	if len(r.Answers) == 0 {
		m.f("No question is answered.\n\n")
		return
	}
	section := "\x00"
	for _, a := range r.Answers {
		if a.Section != section {
			section = a.Section
			m.f("\n### %s\n\n", mdText(orDash(section)))
		}
		m.f("- **%s** (`%s`)", mdIndent(a.Question, "  "), a.ID)
		if !a.Counted && len(a.Values) > 0 {
			m.f(" — *kept but not counted*")
		}
		m.f("\n")
		if len(a.Values) > 0 {
			m.f("  - Answer: %s\n", mdIndent(a.Display, "    "))
		}
		if a.Note != "" {
			m.f("  - Note: %s\n", mdIndent(a.Note, "    "))
		}
	}
	m.f("\n")
}

func mdActions(m *mdw, r *Report) {
	m.f("## Action plan\n\n")
	plan := r.ActionPlan()
	if len(plan) == 0 {
		m.f("Nothing to do: no finding.\n\n")
		return
	}
	mdHeader(m, "#", "Priority", "Level", "Recommendation", "Findings")
	for i, a := range plan {
		mdRow(m, fmt.Sprint(i+1), priority(a.Level), upper(a.Level), a.Recommendation, strings.Join(a.Refs, "; "))
	}
	m.f("\n")
}

func mdPacks(m *mdw, r *Report) {
	m.f("## Laws and pack versions\n\n")
	if len(r.Packs) == 0 {
		m.f("No law pack was loaded.\n")
		return
	}
	mdHeader(m, "Pack", "Law", "Version", "Current to", "Applies", "Why")
	for _, p := range r.Packs {
		mdRow(m, p.Pack, p.LawName, p.Version, p.CurrentTo, yesNo(p.Applies), p.Reason)
	}
}
