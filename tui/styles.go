package tui

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// palette is the one set of colours of the interface; every colour adapts to light and dark
// terminals. Meaning is never carried by colour alone: levels and tiers are also words.
var palette = struct {
	fg, muted, accent, border, selBg, ok, warn, bad, crit, info lipgloss.AdaptiveColor
}{
	fg:     lipgloss.AdaptiveColor{Light: "#1F1F1F", Dark: "#E6E6E6"},
	muted:  lipgloss.AdaptiveColor{Light: "#6B6B6B", Dark: "#9A9A9A"},
	accent: lipgloss.AdaptiveColor{Light: "#5A3FC0", Dark: "#A78BFA"},
	border: lipgloss.AdaptiveColor{Light: "#C8C8C8", Dark: "#4A4A4A"},
	selBg:  lipgloss.AdaptiveColor{Light: "#E8E2FF", Dark: "#3B2F66"},
	ok:     lipgloss.AdaptiveColor{Light: "#1B7F3B", Dark: "#4ADE80"},
	warn:   lipgloss.AdaptiveColor{Light: "#9A6700", Dark: "#FACC15"},
	bad:    lipgloss.AdaptiveColor{Light: "#C2410C", Dark: "#FB923C"},
	crit:   lipgloss.AdaptiveColor{Light: "#B91C1C", Dark: "#F87171"},
	info:   lipgloss.AdaptiveColor{Light: "#1D4ED8", Dark: "#60A5FA"},
}

// Styles are every style of the interface, built from the palette.
type Styles struct {
	Header, HeaderDim, Tab, TabActive    lipgloss.Style
	Title, Subtitle, Text, Muted, Accent lipgloss.Style
	Selected, Cursor                     lipgloss.Style
	Panel, PanelFocused                  lipgloss.Style
	Status, Error, OK, Warn              lipgloss.Style
	Badge, Match, Key                    lipgloss.Style
	levels                               map[string]lipgloss.Style
}

// DefaultStyles builds the styles from the palette.
func DefaultStyles() *Styles {
	c := func(col lipgloss.AdaptiveColor) lipgloss.Style { return lipgloss.NewStyle().Foreground(col) }
	s := &Styles{
		Header:       c(palette.accent).Bold(true),
		HeaderDim:    c(palette.muted),
		Tab:          c(palette.muted),
		TabActive:    c(palette.accent).Bold(true),
		Title:        c(palette.fg).Bold(true),
		Subtitle:     c(palette.accent).Bold(true),
		Text:         c(palette.fg),
		Muted:        c(palette.muted),
		Accent:       c(palette.accent),
		Selected:     c(palette.fg).Background(palette.selBg).Bold(true),
		Cursor:       c(palette.accent).Bold(true),
		Panel:        lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(palette.border).Padding(0, 1),
		PanelFocused: lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(palette.accent).Padding(0, 1),
		Status:       c(palette.muted),
		Error:        c(palette.crit).Bold(true),
		OK:           c(palette.ok).Bold(true),
		Warn:         c(palette.warn).Bold(true),
		Badge:        c(palette.info),
		Match:        c(palette.warn).Bold(true).Underline(true),
		Key:          c(palette.accent),
	}
	s.levels = map[string]lipgloss.Style{
		"low": c(palette.ok).Bold(true), "medium": c(palette.warn).Bold(true),
		"high": c(palette.bad).Bold(true), "critical": c(palette.crit).Bold(true),
		"prohibited": c(palette.crit).Bold(true), "limited": c(palette.warn).Bold(true),
		"minimal": c(palette.ok).Bold(true), "out_of_scope": c(palette.muted).Bold(true),
		"required": c(palette.crit).Bold(true), "not required": c(palette.ok).Bold(true),
	}
	return s
}

// Level renders a risk level, AI Act tier or verdict as an upper-case word in its colour.
func (s *Styles) Level(level string) string {
	if level == "" {
		return s.Muted.Render("—")
	}
	word := strings.ToUpper(strings.ReplaceAll(level, "_", " "))
	if st, ok := s.levels[level]; ok {
		return st.Render(word)
	}
	return s.Text.Render(word)
}

// Highlight renders a search match; without colours it is also bracketed, so that the
// match stays visible (meaning is never carried by colour alone).
func (s *Styles) Highlight(text string) string {
	if lipgloss.ColorProfile() == termenv.Ascii {
		return "[" + text + "]"
	}
	return s.Match.Render(text)
}
