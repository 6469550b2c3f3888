package tui

import "github.com/charmbracelet/bubbles/key"

// KeyMap is every key of the interface, with its help text.
type KeyMap struct {
	// global
	Quit, ForceQuit, Help, Back key.Binding
	Screens                     []key.Binding // 1–7: the screens of an open assessment

	// lists
	Up, Down, PageUp, PageDown, Top, Bottom, Enter key.Binding

	// home
	New, Duplicate, Archive, ShowArchived, Status, Demo, Refresh key.Binding

	// questionnaire
	NextQ, PrevQ, NextSection, PrevSection, Yes, No, Unknown, Toggle, Edit, Clear, Note,
	NextUnanswered, Save key.Binding

	// findings
	InherentToggle, FilterLaw, FilterLevel, FilterOutcome, Sort, JumpQuestion key.Binding

	// evidence
	Attach, Search, Verify, Links, Reveal, TypeFilter, Cancel key.Binding

	// export
	Start key.Binding

	// review
	Submit, Decide, SignOff, Confirm, Decline key.Binding
}

// DefaultKeyMap returns the key map.
func DefaultKeyMap() *KeyMap {
	b := func(keys []string, k, h string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, h))
	}
	return &KeyMap{
		Quit:      b([]string{"q"}, "q", "quit"),
		ForceQuit: b([]string{"ctrl+c"}, "ctrl+c", "quit now"),
		Help:      b([]string{"?"}, "?", "help"),
		Back:      b([]string{"esc"}, "esc", "back"),
		Screens: []key.Binding{
			b([]string{"1"}, "1", "questions"), b([]string{"2"}, "2", "findings"),
			b([]string{"3"}, "3", "scenarios"), b([]string{"4"}, "4", "evidence"),
			b([]string{"5"}, "5", "history"), b([]string{"6"}, "6", "export"),
			b([]string{"7"}, "7", "review"),
		},

		Up:       b([]string{"up", "k"}, "↑/k", "up"),
		Down:     b([]string{"down", "j"}, "↓/j", "down"),
		PageUp:   b([]string{"pgup", "ctrl+u"}, "pgup", "page up"),
		PageDown: b([]string{"pgdown", "ctrl+d"}, "pgdn", "page down"),
		Top:      b([]string{"home"}, "home", "first"),
		Bottom:   b([]string{"end"}, "end", "last"),
		Enter:    b([]string{"enter"}, "enter", "open"),

		New:          b([]string{"n"}, "n", "new assessment"),
		Duplicate:    b([]string{"d"}, "d", "duplicate"),
		Archive:      b([]string{"a"}, "a", "archive/restore"),
		ShowArchived: b([]string{"A"}, "A", "show archived"),
		Status:       b([]string{"s"}, "s", "next status"),
		Demo:         b([]string{"D"}, "D", "add demo"),
		Refresh:      b([]string{"r"}, "r", "refresh"),

		NextQ:          b([]string{"right", "l", "tab"}, "→/tab", "next question"),
		PrevQ:          b([]string{"left", "h", "shift+tab"}, "←", "previous question"),
		NextSection:    b([]string{"]"}, "]", "next section"),
		PrevSection:    b([]string{"["}, "[", "previous section"),
		Yes:            b([]string{"y"}, "y", "yes"),
		No:             b([]string{"n"}, "n", "no"),
		Unknown:        b([]string{"u"}, "u", "unknown"),
		Toggle:         b([]string{" "}, "space", "select/toggle"),
		Edit:           b([]string{"e", "enter"}, "e/enter", "edit text"),
		Clear:          b([]string{"x", "delete"}, "x", "clear answer"),
		Note:           b([]string{"m"}, "m", "note"),
		NextUnanswered: b([]string{"g"}, "g", "next unanswered"),
		Save:           b([]string{"ctrl+s"}, "ctrl+s", "save"),

		InherentToggle: b([]string{"i"}, "i", "inherent/residual"),
		FilterLaw:      b([]string{"L"}, "L", "filter law"),
		FilterLevel:    b([]string{"v"}, "v", "filter level"),
		FilterOutcome:  b([]string{"o"}, "o", "filter outcome"),
		Sort:           b([]string{"s"}, "s", "sort"),
		JumpQuestion:   b([]string{"g"}, "g", "go to question"),

		Attach:     b([]string{"a"}, "a", "attach"),
		Search:     b([]string{"/"}, "/", "search"),
		Verify:     b([]string{"V"}, "V", "verify"),
		Links:      b([]string{"L"}, "L", "links"),
		Reveal:     b([]string{"ctrl+r"}, "ctrl+r", "reveal/mask"),
		TypeFilter: b([]string{"ctrl+t"}, "ctrl+t", "type filter"),
		Cancel:     b([]string{"esc"}, "esc", "cancel"),

		Start: b([]string{"enter"}, "enter", "export"),

		Submit:  b([]string{"s"}, "s", "submit"),
		Decide:  b([]string{"e"}, "e", "decisions"),
		SignOff: b([]string{"S"}, "S", "sign off"),
		Confirm: b([]string{"enter", "y"}, "enter/y", "sign off now"),
		Decline: b([]string{"esc", "n"}, "esc/n", "cancel"),
	}
}
