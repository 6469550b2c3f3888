package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
)

func (p *evidence) View() string {
	s := p.c.Styles
	if p.backend() == nil {
		return s.Title.Render("Evidence") + "\n\n" + s.Muted.Render(wrap("Evidence indexing and search are not available in this build. "+
			"The answers, findings and history work without them; the CLI's 'dpia scan' may still be available.", p.width))
	}
	var body string
	switch p.mode {
	case evAttach:
		body = p.attachView()
	case evIndexing:
		body = p.indexingView()
	case evDetail:
		body = p.detailView()
	case evSearch:
		body = p.searchView()
	case evVerify:
		body = p.verifyView()
	case evLinks:
		body = p.linksView()
	default:
		body = p.listView()
	}
	if p.err != "" {
		body = s.Error.Render(truncate(p.err, p.width)) + "\n" + body
	}
	return body
}

// totals sums the detections over the files.
func (p *evidence) totals() (map[string]int, int64) {
	t := map[string]int{}
	var bytes int64
	for _, f := range p.files {
		bytes += f.Size
		for k, n := range f.Counts {
			t[k] += n
		}
	}
	return t, bytes
}

func (p *evidence) badges(counts map[string]int, width int) string {
	s := p.c.Styles
	var parts []string
	used := 0
	for _, t := range sortedKeys(counts) {
		b := fmt.Sprintf("[%s %d]", t, counts[t])
		if used+len(b)+1 > width {
			parts = append(parts, s.Muted.Render("…"))
			break
		}
		used += len(b) + 1
		parts = append(parts, s.Badge.Render(b))
	}
	return strings.Join(parts, " ")
}

func (p *evidence) listView() string {
	s := p.c.Styles
	totals, bytes := p.totals()
	head := s.Title.Render(fmt.Sprintf("Evidence · %s · %s", plural(len(p.files), "file"), humanBytes(bytes)))
	lines := []string{head, truncate(s.Muted.Render("detections ")+p.badges(totals, p.width-12), p.width),
		s.Muted.Render("a attaches a file or folder · / searches · V verifies · enter shows a file"), ""}
	if len(p.files) == 0 {
		if p.loading {
			return strings.Join(append(lines, s.Muted.Render("Loading…")), "\n")
		}
		return strings.Join(append(lines, s.Text.Render("No evidence yet: press a to attach a folder of samples.")), "\n")
	}
	// PATH is as wide as the longest path, within 16 cells and half the screen.
	pathW := 0
	for _, f := range p.files {
		pathW = max(pathW, ansi.StringWidth(f.Path))
	}
	pathW = min(max(16, pathW), max(16, p.width/2))
	lines = append(lines, s.Muted.Render("  "+cell("PATH", pathW)+" "+cell("STATUS", 8)+" DETECTIONS"))
	h := max(1, p.height-len(lines))
	off := window(0, p.cursor, h, len(p.files))
	for i := off; i < min(len(p.files), off+h); i++ {
		f := p.files[i]
		mark, path := "  ", cell(f.Path, pathW)
		if i == p.cursor {
			mark, path = s.Cursor.Render("▸ "), s.Selected.Render(path)
		}
		status := f.Status
		switch {
		case f.Status != "indexed":
			status = s.Warn.Render(cell(f.Status, 8))
		case f.TextAbsent: // restored from an archive: found values, but no text to search
			status = s.Warn.Render(cell("restored", 8))
		}
		rest := p.badges(f.Counts, p.width-pathW-13)
		if f.Reason != "" && len(f.Counts) == 0 {
			rest = s.Muted.Render(truncate(f.Reason, p.width-pathW-13))
		}
		lines = append(lines, mark+path+" "+cell(status, 8)+" "+rest)
	}
	return strings.Join(lines, "\n")
}

// plural writes a count with its noun: 1 file, 2 files.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func (p *evidence) attachView() string {
	s := p.c.Styles
	lines := []string{s.Title.Render("Attach evidence"),
		s.Muted.Render(wrap("Type the path of a file, a folder or an archive. tab completes; enter starts indexing; esc cancels.", p.width)), "",
		p.path.View()}
	if sug := p.path.AvailableSuggestions(); len(sug) > 0 {
		lines = append(lines, "", s.Muted.Render(fmt.Sprintf("%d matches", len(sug))))
		for i, x := range sug {
			if i >= max(1, p.height-8) {
				break
			}
			lines = append(lines, s.Muted.Render("  "+truncate(x, p.width-2)))
		}
	}
	return strings.Join(lines, "\n")
}

func (p *evidence) indexingView() string {
	s := p.c.Styles
	ev := p.idx.last
	frac := 0.0
	if ev.FilesTotal > 0 {
		frac = float64(ev.FilesDone) / float64(ev.FilesTotal)
	}
	title := "Indexing " + strings.Join(p.idx.paths, ", ")
	if p.idx.cancelling {
		title = "Cancelling… (the files already indexed are kept)"
	}
	total := "?"
	if ev.FilesTotal > 0 {
		total = fmt.Sprint(ev.FilesTotal)
	}
	lines := []string{
		s.Title.Render(truncate(title, p.width)), "",
		p.bar.ViewAs(frac), "",
		s.Text.Render(fmt.Sprintf("%d of %s files · %s · %.1f MB/s · %d detections · %s", ev.FilesDone, total,
			humanBytes(ev.Bytes), ev.MBps, ev.Detections, time.Since(p.idx.started).Round(time.Second))),
		s.Muted.Render(truncate("reading "+ev.Current, p.width)), "",
		s.Muted.Render("esc cancels (what is indexed stays indexed)"),
	}
	return strings.Join(lines, "\n")
}

func (p *evidence) detailView() string {
	s := p.c.Styles
	var f EvidenceFile
	for _, x := range p.files {
		if x.Path == p.detFile {
			f = x
		}
	}
	masked := "values masked (ctrl+r or r reveals)"
	if p.detReveal {
		masked = s.Warn.Render("VALUES REVEALED (ctrl+r or r masks them)")
	}
	lines := []string{
		s.Title.Render(truncate(p.detFile, p.width)),
		s.Muted.Render(truncate(fmt.Sprintf("%s · %s · %s · sha256 %s", f.Status, f.MIME, humanBytes(f.Size), f.SHA256), p.width)),
		masked, "",
	}
	typeW, whereW := detColumns(p.dets, p.width)
	lines = append(lines, s.Muted.Render("  "+cell("TYPE", typeW)+" "+cell("WHERE", whereW)+" VALUE"))
	if len(p.dets) == 0 {
		return strings.Join(append(lines, s.Muted.Render("  No detections in this file.")), "\n")
	}
	h := max(1, p.height-len(lines))
	off := window(0, p.detCursor, h, len(p.dets))
	for i := off; i < min(len(p.dets), off+h); i++ {
		d := p.dets[i]
		row := cell(d.Type, typeW) + " " + cell(d.Location, whereW) + " " + truncate(d.Value, p.width-4-typeW-whereW)
		if i == p.detCursor {
			lines = append(lines, s.Cursor.Render("▸ ")+s.Selected.Render(row))
		} else {
			lines = append(lines, "  "+s.Text.Render(row))
		}
	}
	return strings.Join(lines, "\n")
}

// detColumns sizes the TYPE and WHERE columns of a file's detections to what they hold, so
// that at 80 columns "line 2, row 1, column email" is not cut: TYPE as wide as its longest
// type (at most 20), VALUE given what its longest masked value needs (at most 28), WHERE the
// rest (at least 10).
func detColumns(dets []Detection, width int) (typeW, whereW int) {
	typeW, valueW, whereMax := len("TYPE"), len("VALUE"), len("WHERE")
	for _, d := range dets {
		typeW = max(typeW, ansi.StringWidth(d.Type))
		valueW = max(valueW, ansi.StringWidth(d.Value))
		whereMax = max(whereMax, ansi.StringWidth(d.Location))
	}
	typeW, valueW = min(typeW, 20), min(valueW, 28)
	whereW = max(10, min(whereMax, width-4-typeW-valueW))
	return typeW, whereW
}

func (p *evidence) searchView() string {
	s := p.c.Styles
	filter := "all types"
	if p.typeFilter != "" {
		filter = p.typeFilter
	}
	mask := "masked"
	if p.reveal {
		mask = s.Warn.Render("REVEALED")
	}
	state := plural(len(p.hits), "result")
	if p.searching {
		state = "searching…"
	}
	lines := []string{p.query.View(),
		s.Muted.Render(fmt.Sprintf("type: %s (ctrl+t) · values %s (ctrl+r) · %s", filter, mask, state))}
	absent := 0
	for _, f := range p.files {
		if f.TextAbsent {
			absent++
		}
	}
	if absent > 0 {
		lines = append(lines, s.Warn.Render(truncate(fmt.Sprintf("%s restored from an archive without text, not searched: attach again (a on the list) to search",
			plural(absent, "file")), p.width)))
	}
	lines = append(lines, "")
	h := max(1, (p.height-len(lines))/2)
	off := window(0, p.hitCursor, h, len(p.hits))
	for i := off; i < min(len(p.hits), off+h); i++ {
		hit := p.hits[i]
		head := hit.Path
		if hit.Where != "" {
			head += " · " + hit.Where
		}
		if len(hit.Types) > 0 {
			head += " [" + strings.Join(hit.Types, ", ") + "]"
		}
		mark := "  "
		if i == p.hitCursor {
			mark, head = s.Cursor.Render("▸ "), s.Selected.Render(truncate(head, p.width-2))
		} else {
			head = s.Accent.Render(truncate(head, p.width-2))
		}
		lines = append(lines, mark+head, "    "+p.snippet(hit.Segments, p.width-4))
	}
	return strings.Join(lines, "\n")
}

// snippet renders a hit's segments on one line, matches highlighted.
func (p *evidence) snippet(segs []Segment, width int) string {
	var b strings.Builder
	for _, sg := range segs {
		text := strings.ReplaceAll(sg.Text, "\n", " ")
		if sg.Match {
			b.WriteString(p.c.Styles.Highlight(text))
		} else {
			b.WriteString(p.c.Styles.Text.Render(text))
		}
	}
	return truncate(b.String(), width)
}

func (p *evidence) verifyView() string {
	s := p.c.Styles
	if p.verifying {
		return s.Muted.Render("Re-hashing the evidence files…")
	}
	changed, unhashed := 0, 0
	for _, f := range p.verified {
		switch f.Status {
		case "ok":
		case "unhashed": // never read when added (a symlink leading outside the root)
			unhashed++
		default:
			changed++
		}
	}
	head := s.OK.Render(fmt.Sprintf("✓ ALL %d FILES UNCHANGED", len(p.verified)-unhashed))
	if changed > 0 {
		head = s.Error.Render(fmt.Sprintf("✗ %d OF %d FILES CHANGED OR MISSING", changed, len(p.verified)-unhashed))
	}
	if unhashed > 0 {
		head += s.Muted.Render(fmt.Sprintf("  · %d not read when added, not hashed", unhashed))
	}
	lines := []string{head, ""}
	h := max(1, p.height-2)
	off := window(0, p.cursor, h, len(p.verified))
	for i := off; i < min(len(p.verified), off+h); i++ {
		f := p.verified[i]
		st := s.OK.Render(cell("OK", 8))
		switch f.Status {
		case "ok":
		case "unhashed":
			st = s.Muted.Render(cell("UNHASHED", 8))
		default:
			st = s.Error.Render(cell(strings.ToUpper(f.Status), 8))
		}
		mark := "  "
		if i == p.cursor {
			mark = s.Cursor.Render("▸ ")
		}
		lines = append(lines, mark+st+" "+truncate(f.Path+"  "+f.Reason, p.width-12))
	}
	return strings.Join(lines, "\n")
}

// linksView lists the values found in more than one evidence file: type, masked value, in how
// many files, and the files (all of them under the cursor, as many as fit elsewhere).
func (p *evidence) linksView() string {
	s := p.c.Styles
	if p.linking {
		return s.Muted.Render("Looking for values found in more than one file…")
	}
	if len(p.links) == 0 {
		return s.Title.Render("Links") + "\n\n" + s.Text.Render("No detected value is in more than one evidence file.")
	}
	lines := []string{
		s.Title.Render(fmt.Sprintf("Links · %s found in more than one file", plural(len(p.links), "value"))),
		s.Muted.Render(truncate("the same value in two datasets means they can be joined; values are masked", p.width)), "",
	}
	typeW, valueW := len("TYPE"), len("VALUE")
	for _, l := range p.links {
		typeW, valueW = max(typeW, ansi.StringWidth(l.Type)), max(valueW, ansi.StringWidth(l.Value))
	}
	typeW, valueW = min(typeW, 20), min(valueW, 28)
	lines = append(lines, s.Muted.Render("  "+cell("TYPE", typeW)+" "+cell("VALUE", valueW)+" "+cell("FILES", 6)+" IN"))
	rest := max(10, p.width-2-typeW-valueW-9)
	h := max(1, p.height-len(lines)-1)
	off := window(0, p.linksCursor, h, len(p.links))
	for i := off; i < min(len(p.links), off+h); i++ {
		l := p.links[i]
		row := cell(l.Type, typeW) + " " + cell(l.Value, valueW) + " " + cell(fmt.Sprint(len(l.Files)), 6) + " " +
			truncate(strings.Join(l.Files, ", "), rest)
		if i == p.linksCursor {
			lines = append(lines, s.Cursor.Render("▸ ")+s.Selected.Render(row))
		} else {
			lines = append(lines, "  "+s.Text.Render(row))
		}
	}
	if p.linksCursor < len(p.links) {
		l := p.links[p.linksCursor]
		lines = append(lines, s.Muted.Render(truncate(fmt.Sprintf("  %d occurrences in: %s", l.Occurrences, strings.Join(l.Files, ", ")), p.width)))
	}
	return strings.Join(lines, "\n")
}
