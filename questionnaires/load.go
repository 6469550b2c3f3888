package questionnaires

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/token"
)

//go:embed packs/*.yaml
var builtinFS embed.FS

// MaxPackBytes bounds the size of one pack file.
const MaxPackBytes = 4 << 20

// ParsePack parses one pack file. The name is used in error messages. It does not validate
// references to other packs; Build does.
func ParsePack(name string, data []byte) (*Pack, error) {
	if len(data) > MaxPackBytes {
		return nil, &Error{File: name, Msg: fmt.Sprintf("pack is %d bytes, more than the %d allowed", len(data), MaxPackBytes)}
	}
	if line, col, msg := CheckYAMLInput(data); msg != "" {
		return nil, &Error{File: name, Line: line, Column: col, Msg: msg}
	}
	var p Pack
	if err := yaml.UnmarshalWithOptions(data, &p, yaml.DisallowUnknownField()); err != nil {
		return nil, yamlError(name, err)
	}
	if p.ID.Value == "" {
		return nil, &Error{File: name, Line: 1, Column: 1, Msg: "pack has no id"}
	}
	p.File = name
	if err := checkNilItems(&p); err != nil {
		return nil, err
	}
	return &p, nil
}

var lineCol = regexp.MustCompile(`^\[?(\d+):(\d+)\]?:?\s*(.*)$`)

// yamlError turns a YAML decoding error into an Error with the file, line and column.
func yamlError(name string, err error) *Error {
	type tokenError interface {
		GetMessage() string
	}
	msg := err.Error()
	var te interface {
		error
		tokenError
	}
	if errors.As(err, &te) {
		msg = te.GetMessage()
	}
	e := &Error{File: name, Msg: msg}
	if tk, ok := tokenOf(err); ok {
		e.Line, e.Column = tk.Line, tk.Column
	}
	// Our own unmarshalers prefix their messages with line:column.
	for _, s := range []string{msg, err.Error()} {
		first := strings.SplitN(s, "\n", 2)[0]
		if m := lineCol.FindStringSubmatch(strings.TrimSpace(first)); m != nil {
			e.Line, _ = strconv.Atoi(m[1])
			e.Column, _ = strconv.Atoi(m[2])
			e.Msg = m[3]
			break
		}
	}
	e.Msg = strings.TrimSpace(strings.SplitN(e.Msg, "\n", 2)[0])
	return e
}

func tokenOf(err error) (token.Position, bool) {
	var te interface{ GetToken() *token.Token }
	if errors.As(err, &te) && te.GetToken() != nil {
		return *te.GetToken().Position, true
	}
	return token.Position{}, false
}

// LoadOptions says where packs come from besides the built-in ones.
type LoadOptions struct {
	// Dirs are folders of *.yaml pack files (a workspace's packs folder, --packs DIR), read in
	// order; their items override built-in items with the same id.
	Dirs []string
	// Files are single pack files read after Dirs.
	Files []string
}

// Builtin returns the built-in pack files as (name, bytes), in name order.
func Builtin() ([]NamedFile, error) {
	entries, err := fs.Glob(builtinFS, "packs/*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(entries)
	out := make([]NamedFile, 0, len(entries))
	for _, e := range entries {
		b, err := builtinFS.ReadFile(e)
		if err != nil {
			return nil, err
		}
		out = append(out, NamedFile{Name: "builtin:" + strings.TrimPrefix(e, "packs/"), Data: b})
	}
	return out, nil
}

// NamedFile is the content of one pack file and the name it is reported under.
type NamedFile struct {
	Name string
	Data []byte
}

// Load reads the built-in packs, then the user's packs, and builds a validated Set.
func Load(opts LoadOptions) (*Set, error) {
	files, err := Builtin()
	if err != nil {
		return nil, fmt.Errorf("read built-in packs: %w", err)
	}
	var user []NamedFile
	for _, dir := range opts.Dirs {
		names, err := filepath.Glob(filepath.Join(dir, "*.y*ml"))
		if err != nil {
			return nil, fmt.Errorf("read packs folder %s: %w", dir, err)
		}
		sort.Strings(names)
		for _, n := range names {
			if !strings.HasSuffix(n, ".yaml") && !strings.HasSuffix(n, ".yml") {
				continue
			}
			f, err := readPackFile(n)
			if err != nil {
				return nil, err
			}
			user = append(user, f)
		}
	}
	for _, n := range opts.Files {
		f, err := readPackFile(n)
		if err != nil {
			return nil, err
		}
		user = append(user, f)
	}
	return Build(files, user)
}

func readPackFile(name string) (NamedFile, error) {
	st, err := os.Stat(name)
	if err != nil {
		return NamedFile{}, fmt.Errorf("read pack %s: %w", name, err)
	}
	if st.Size() > MaxPackBytes {
		return NamedFile{}, &Error{File: name, Msg: fmt.Sprintf("pack is %d bytes, more than the %d allowed", st.Size(), MaxPackBytes)}
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return NamedFile{}, fmt.Errorf("read pack %s: %w", name, err)
	}
	return NamedFile{Name: name, Data: b}, nil
}

// LoadBuiltin builds the Set of built-in packs only.
func LoadBuiltin() (*Set, error) { return Load(LoadOptions{}) }

// Build parses base files (which may not repeat an id among themselves) and then overlay files
// (whose items replace base items with the same id), merges them and validates the result.
func Build(base, overlay []NamedFile) (*Set, error) {
	var c collector
	s := newSet()
	for _, f := range base {
		p, err := ParsePack(f.Name, f.Data)
		if err != nil {
			c.errs = append(c.errs, asError(f.Name, err))
			continue
		}
		p.Builtin = strings.HasPrefix(f.Name, "builtin:")
		s.add(p, false, &c)
	}
	for _, f := range overlay {
		p, err := ParsePack(f.Name, f.Data)
		if err != nil {
			c.errs = append(c.errs, asError(f.Name, err))
			continue
		}
		s.add(p, true, &c)
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	s.finish()
	s.validate(&c)
	if err := c.err(); err != nil {
		return nil, err
	}
	return s, nil
}

func asError(name string, err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{File: name, Msg: err.Error()}
}
