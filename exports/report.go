package exports

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/dpia-tool/dpia/assessment"
	q "github.com/dpia-tool/dpia/questionnaires"
)

// Report is the one view model every report writer reads: the graded Result (contract C3)
// and what a reader needs beside it — who and when, the answers with their question texts and
// notes, the evidence inventory and, for the writers that list them, the detections.
// Personal data only ever appears masked: previews come masked from the evidence layer and
// no writer adds raw values.
type Report struct {
	// Result is the grading result, exactly as `dpia grade --json` prints it.
	Result assessment.Result
	// Meta names the assessment and the moment the report was made.
	Meta Meta
	// Findings explains each finding of Result.Findings, in the same order.
	Findings []FindingView
	// Packs lists every law pack with its version and whether it applied.
	Packs []PackInfo
	// Answers are the answers and notes in questionnaire order.
	Answers []Answer
	// Evidence is the evidence inventory (nil when no evidence is attached).
	Evidence []EvidenceFile
	// Detections streams the masked detection rows; nil when there are none.
	Detections DetectionSource
	// ContentHash is the hex SHA-256 of the canonical JSON of the Result, answers and notes
	// (see ContentHash).
	ContentHash string
}

// Meta names the assessment a report is about.
type Meta struct {
	AssessmentID string // "" for a report on an answers file
	Name         string
	Owner        string // the assessor
	Status       string // draft, in_review, signed_off; "" for an answers file
	// GeneratedAt is when the report was made; it is injected so that output is deterministic.
	GeneratedAt time.Time
	// Source says where the answers came from, e.g. "workspace" or the answers file name.
	Source string
}

// FindingView is what a report shows about one finding beyond the Result: the answers and
// evidence counts its rule read, the citations and the source of its law.
type FindingView struct {
	Reads       []Read
	Mitigations [][]Read // per applied mitigation, what its condition read
	Citations   []Citation
	Law         PackInfo
}

// Read is one thing a condition read: an answer (question text and the answer's labels) or an
// evidence count.
type Read struct {
	ID       string // the question id, or "evidence.<type>"
	Question string // the question text, or the detection type
	Value    string // the answer as labels, or the count
	Evidence bool
}

// Citation points to an article of a law.
type Citation struct {
	Law     string
	Article string
	Text    string
}

// PackInfo is a law pack: its law, version and whether it applied to this assessment.
type PackInfo struct {
	Pack         string
	Law          string
	LawName      string
	Jurisdiction string
	Version      string
	CurrentTo    string
	Source       string
	Applies      bool
	Reason       string
}

// Answer is one answered (or annotated) question.
type Answer struct {
	ID       string
	Section  string
	Question string
	Values   []string // the stored values
	Display  string   // the values as option labels, joined
	Note     string
	Counted  bool // false when the question is hidden (show_if) or unknown to the packs
}

// EvidenceFile is one evidence file of the inventory.
type EvidenceFile struct {
	Path     string
	SHA256   string
	Size     int64
	Mime     string
	Status   string
	Reason   string
	Counts   map[string]int
	Examples []Example
}

// Example is one masked example of a detection in an evidence file.
type Example struct {
	Type    string
	Where   string // "line 12", "sheet Users, row 4, column email", …
	Preview string // masked by the evidence layer
}

// Detection is one masked detection row.
type Detection struct {
	File       string
	Type       string
	Where      string
	Confidence float64
	Preview    string
}

// DetectionSource streams detections to yield in a stable order and stops at the first
// error yield returns. Each call starts from the first detection.
type DetectionSource func(yield func(Detection) error) error

// Input is what NewReport builds a Report from.
type Input struct {
	Result     assessment.Result
	Meta       Meta
	Set        *q.Set // resolves question texts, option labels and law sources
	Answers    map[string][]string
	Notes      map[string]string
	Evidence   []EvidenceFile
	Detections DetectionSource
	Lang       string // language of question texts and labels: en (default), ru or kk
}

// NewReport builds the report view model. It reads the pack set only to resolve texts; the
// verdicts come from in.Result unchanged.
func NewReport(in Input) (*Report, error) {
	if in.Set == nil {
		return nil, errors.New("build report: no questionnaire set given")
	}
	lang := in.Lang
	if lang == "" {
		lang = "en"
	}
	r := &Report{Result: in.Result, Meta: in.Meta, Evidence: in.Evidence, Detections: in.Detections}
	r.Packs = packInfos(in.Set, in.Result.Laws)
	r.Answers = answerRows(in.Set, in.Result, in.Answers, in.Notes, lang)
	for _, f := range in.Result.Findings {
		r.Findings = append(r.Findings, findingView(in.Set, f, lang))
	}
	hash, err := ContentHash(in.Result, in.Answers, in.Notes)
	if err != nil {
		return nil, err
	}
	r.ContentHash = hash
	return r, nil
}

// ContentHash is the hex SHA-256 of the canonical JSON of the result, the answers and the
// notes: {"answers":…,"notes":…,"result":…} as encoding/json writes it (object keys sorted,
// no spaces). Two reports with the same hash were made from the same content.
func ContentHash(res assessment.Result, answers map[string][]string, notes map[string]string) (string, error) {
	if answers == nil {
		answers = map[string][]string{}
	}
	if notes == nil {
		notes = map[string]string{}
	}
	b, err := json.Marshal(struct {
		Answers map[string][]string `json:"answers"`
		Notes   map[string]string   `json:"notes"`
		Result  assessment.Result   `json:"result"`
	}{answers, notes, res})
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

func packInfos(set *q.Set, laws []assessment.LawScope) []PackInfo {
	out := make([]PackInfo, 0, len(laws))
	for _, l := range laws {
		p := PackInfo{Pack: l.Pack, Law: l.Law, LawName: lawName(l.Law), Jurisdiction: l.Jurisdiction,
			Version: l.Version, CurrentTo: l.CurrentTo, Applies: l.Applies, Reason: l.Reason}
		if sp := set.Pack(l.Pack); sp != nil {
			if !sp.Law.Name.Empty() {
				p.LawName = sp.Law.Name.En
			}
			p.Source = sp.Law.Source.Value
		}
		out = append(out, p)
	}
	return out
}

// answerRows lists every answered or annotated question in questionnaire order, then any
// question the packs no longer know, by id.
func answerRows(set *q.Set, res assessment.Result, answers map[string][]string, notes map[string]string, lang string) []Answer {
	hidden := map[string]bool{}
	for _, id := range res.Hidden {
		hidden[id] = true
	}
	sections := map[string]string{}
	for _, s := range set.Sections {
		sections[s.Pack+"/"+s.ID] = s.Title.In(lang)
	}
	var out []Answer
	seen := map[string]bool{}
	for _, qu := range set.Questions {
		id := qu.ID.Value
		v, note := answers[id], notes[id]
		if len(v) == 0 && note == "" {
			continue
		}
		seen[id] = true
		out = append(out, Answer{ID: id, Section: sections[qu.Pack+"/"+qu.Section], Question: qu.Text.In(lang),
			Values: v, Display: displayValues(qu, v, lang), Note: note, Counted: len(v) > 0 && !hidden[id]})
	}
	var rest []string
	for id, v := range answers {
		if !seen[id] && len(v) > 0 {
			rest = append(rest, id)
		}
	}
	for id, n := range notes {
		if !seen[id] && n != "" && len(answers[id]) == 0 {
			rest = append(rest, id)
		}
	}
	sort.Strings(rest)
	for _, id := range rest {
		out = append(out, Answer{ID: id, Section: "Questions no longer in the packs", Question: id,
			Values: answers[id], Display: strings.Join(answers[id], ", "), Note: notes[id]})
	}
	return out
}

// displayValues renders answer values as option labels.
func displayValues(qu *q.Question, v []string, lang string) string {
	labels := make([]string, len(v))
	for i, x := range v {
		labels[i] = x
		if qu != nil {
			labels[i] = qu.OptionLabel(x, lang)
		}
	}
	return strings.Join(labels, ", ")
}

// findingView resolves what a finding's rule read and what it cites.
func findingView(set *q.Set, f assessment.Finding, lang string) FindingView {
	v := FindingView{Reads: reads(set, f.Because, lang)}
	for _, m := range f.Mitigations {
		v.Mitigations = append(v.Mitigations, reads(set, m.Because, lang))
	}
	v.Law = PackInfo{Pack: f.Pack, Law: f.Law, LawName: lawName(f.Law)}
	if p := set.Pack(f.Pack); p != nil {
		v.Law.Version, v.Law.CurrentTo, v.Law.Source = p.Law.Version.Value, p.Law.CurrentTo.Value, p.Law.Source.Value
		if !p.Law.Name.Empty() {
			v.Law.LawName = p.Law.Name.En
		}
	}
	v.Citations = []Citation{{Law: f.Law, Article: f.Article, Text: f.Title}}
	seen := map[string]bool{f.Law + " " + f.Article: true}
	for _, rd := range v.Reads {
		qu := set.Question(rd.ID)
		if qu == nil {
			continue
		}
		for _, c := range qu.Legal {
			key := c.Law.Value + " " + c.Article.Value
			if !seen[key] {
				seen[key] = true
				v.Citations = append(v.Citations, Citation{Law: c.Law.Value, Article: c.Article.Value, Text: c.Text.In(lang)})
			}
		}
	}
	return v
}

// reads parses the engine's "id = value" lines into question texts and labels.
func reads(set *q.Set, because []string, lang string) []Read {
	out := make([]Read, 0, len(because))
	for _, b := range because {
		id, val, ok := strings.Cut(b, " = ")
		if !ok {
			out = append(out, Read{ID: b, Question: b})
			continue
		}
		if t, isEv := strings.CutPrefix(id, "evidence."); isEv {
			out = append(out, Read{ID: id, Question: "Evidence: " + t + " detections", Value: val, Evidence: true})
			continue
		}
		rd := Read{ID: id, Question: id, Value: val}
		if qu := set.Question(id); qu != nil {
			rd.Question = qu.Text.In(lang)
			if qu.Type.Value != q.TypeText && qu.Type.Value != q.TypeNumber && val != "(unanswered)" {
				rd.Value = displayValues(qu, strings.Split(val, ", "), lang)
			}
		}
		out = append(out, rd)
	}
	return out
}
