package extract

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dpia-tool/dpia/assessment/evidence/model"
)

func TestExtractCSV(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		data  string
		want  []string
		warns []string
	}{
		{"comma with header", "users.csv", "name,email\nIvan,ivan@mail.kz\n\nAigul,\"a@b.kz\"\n", []string{
			`start line=1 ["name" "email"]`,
			`row line=2,row=1 ["Ivan" "ivan@mail.kz"]`,
			`row line=4,row=2 ["Aigul" "a@b.kz"]`,
			`end`,
		}, nil},
		{"semicolon, no header", "export.csv", "870412300415;+77011234567\n900101400123;+77017654321\n", []string{
			`start - []`,
			`row line=1,row=1 ["870412300415" "+77011234567"]`,
			`row line=2,row=2 ["900101400123" "+77017654321"]`,
			`end`,
		}, nil},
		{"tsv", "a.tsv", "id\tfull name\n1\tAlice Smith\n", []string{
			`start line=1 ["id" "full name"]`, `row line=2,row=1 ["1" "Alice Smith"]`, `end`,
		}, nil},
		{"pipe", "a.csv", "a|b|c\n1|2|3\n4|5|6\n", []string{
			`start line=1 ["a" "b" "c"]`, `row line=2,row=1 ["1" "2" "3"]`, `row line=3,row=2 ["4" "5" "6"]`, `end`,
		}, nil},
		{"ragged rows and lazy quotes", "a.csv", "a,b\n1,2,3\n4\n5,x\"y\n", []string{
			`start line=1 ["a" "b"]`,
			`row line=2,row=1 ["1" "2" "3"]`,
			`row line=3,row=2 ["4"]`,
			`row line=4,row=3 ["5" "x\"y"]`,
			`end`,
		}, nil},
		{"quoted newline keeps line numbers", "a.csv", "note,id\n\"two\nlines\",1\nlast,2\n", []string{
			`start line=1 ["note" "id"]`,
			`row line=2,row=1 ["two\nlines" "1"]`,
			`row line=4,row=2 ["last" "2"]`,
			`end`,
		}, nil},
		{"unclosed quote neutralised", "a.csv", "a,b\n1,\"oops\n2,x\n3,y\n", []string{
			`start line=1 ["a" "b"]`,
			`row line=2,row=1 ["1" "'oops"]`,
			`row line=3,row=2 ["2" "x"]`,
			`row line=4,row=3 ["3" "y"]`,
			`end`,
		}, []string{"neutralised 1 unclosed CSV quotes (first at line 2)"}},
		{"duplicate names are data", "a.csv", "x,x\n1,2\n", []string{
			`start - []`, `row line=1,row=1 ["x" "x"]`, `row line=2,row=2 ["1" "2"]`, `end`,
		}, nil},
		{"utf-16 excel export", "a.csv", string(utf16le(t, "ФИО\tИИН\r\nИванов И.\t870412300415\r\n")), []string{
			`start line=1 ["ФИО" "ИИН"]`, `row line=2,row=1 ["Иванов И." "870412300415"]`, `end`,
		}, nil},
		{"empty file", "a.csv", "", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, kind, err := extractBytes(t, tt.file, []byte(tt.data), DefaultLimits())
			if tt.data == "" {
				kind = KindCSV
				rec, err = &recorder{}, Extract(t.Context(), tt.file, kind, strings.NewReader(""), 0, rec, Limits{})
			}
			if err != nil {
				t.Fatalf("kind %s: %v", kind, err)
			}
			assertCalls(t, rec.calls, tt.want)
			assertCalls(t, rec.warns, tt.warns)
		})
	}
}

func TestExtractCSVRowLimit(t *testing.T) {
	lim := DefaultLimits()
	lim.MaxRows = 2
	rec, _, err := extractBytes(t, "a.csv", []byte("a,b\n1,2\n3,4\n5,6\n"), lim)
	if !errors.Is(err, model.ErrLimit) || !strings.Contains(err.Error(), "more than 2 table rows") {
		t.Fatalf("err = %v, want the row limit", err)
	}
	if len(rec.calls) != 3 {
		t.Errorf("calls = %q, want header and two rows", rec.calls)
	}
}

func TestExtractCSVCellTruncated(t *testing.T) {
	lim := DefaultLimits()
	lim.MaxCellBytes = 4
	rec, _, err := extractBytes(t, "a.csv", []byte("1,abcdefgh,ЖЖЖ\n"), lim)
	if err != nil {
		t.Fatal(err)
	}
	assertCalls(t, rec.calls, []string{`start - []`, `row line=1,row=1 ["1" "abcd" "ЖЖ"]`, `end`})
}

func TestSniffDelimiter(t *testing.T) {
	tests := []struct {
		head string
		def  rune
		want rune
	}{
		{"a,b,c\n1,2,3\n", ',', ','},
		{"a;b;c\n1;2,5;3\n4;5;6\n", ',', ';'},
		{"a\tb\n\"x,y\"\t2\n", ',', '\t'},
		{"name, surname\tphone\nA, B\t1\n", '\t', '\t'},
		{"single column\nvalue\n", ',', ','},
		{"a|b\n1|2\n", ',', '|'},
	}
	for _, tt := range tests {
		if got := sniffDelimiter([]byte(tt.head), tt.def); got != tt.want {
			t.Errorf("sniffDelimiter(%q) = %q, want %q", tt.head, got, tt.want)
		}
	}
}

func TestExtractJSON(t *testing.T) {
	tests := []struct {
		name string
		data string
		want []string
	}{
		{"array of objects", `[
			{"name": "Ivan", "contact": {"email": "i@x.kz", "phone": null}, "age": 41},
			{"name": "Aigul", "tags": ["a", "b"], "embedding": [0.25, -1, 3e-2]},
			{"name": "Late", "extra": true, "deep": {"a": [{"b": null}, [1, [2]]]}},
			"stray"
		]`, []string{
			`text col=[3] "stray"`, // before the table: its header waits for 100 objects
			`start - ["name" "contact.email" "contact.phone" "age" "tags" "embedding" "extra" "deep.a"]`,
			`row row=1 ["Ivan" "i@x.kz" "" "41" "" "" "" ""]`,
			`row row=2 ["Aigul" "" "" "" "[\"a\", \"b\"]" "[0.25, -1, 3e-2]" "" ""]`,
			`row row=3 ["Late" "" "" "" "" "" "true" "[{\"b\":null}, [1,[2]]]"]`,
			`end`,
		}},
		{"nested document", `{"user": {"name": "Ivan", "ids": [870412300415, "x"]}, "ok": true, "empty": ""}`, []string{
			`text col=user.name "Ivan"`,
			`text col=user.ids[0] "870412300415"`,
			`text col=user.ids[1] "x"`,
		}},
		{"array of scalars", `["a@b.kz", 7, {"k": "v"}]`, []string{
			`text col=[0] "a@b.kz"`, `text col=[1] "7"`, `text col=[2].k "v"`,
		}},
		{"not json after all", "[2024-05-01 10:00] login ivan@mail.kz\n", []string{
			`text line=1 "[2024-05-01 10:00] login ivan@mail.kz"`,
		}},
		{"concatenated values", "{\"a\":\"x\"}\n{\"b\":\"y\"}", []string{`text col=a "x"`, `text col=b "y"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, kind, err := extractBytes(t, "data.json", []byte(tt.data), DefaultLimits())
			if err != nil {
				t.Fatalf("kind %s: %v", kind, err)
			}
			assertCalls(t, rec.calls, tt.want)
		})
	}
}

func TestExtractJSONLateKeys(t *testing.T) {
	var b strings.Builder
	b.WriteString("[")
	for i := range headerSample {
		fmt.Fprintf(&b, `{"id": %d},`, i)
	}
	b.WriteString(`{"id": 100, "email": "late@x.kz"}]`)
	rec, _, err := extractBytes(t, "a.json", []byte(b.String()), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	want := `row row=101 ["100" "email: late@x.kz"]`
	if got := rec.calls[len(rec.calls)-2]; got != want {
		t.Errorf("last row = %s, want %s", got, want)
	}
}

func TestExtractJSONMalformed(t *testing.T) {
	// Cut after its first 64 KiB parsed: the file is JSON that breaks off.
	_, _, err := extractBytes(t, "a.json", []byte(`[{"a": "x"}, {"a": `), DefaultLimits())
	if err == nil || err.Error() != "malformed JSON near byte 12: unexpected EOF" {
		t.Fatalf("err = %v, want malformed JSON", err)
	}
	big := `{"pad": "` + strings.Repeat("x", 70<<10) + `"} }`
	_, _, err = extractBytes(t, "a.json", []byte(big), DefaultLimits())
	if err == nil || !strings.Contains(err.Error(), "malformed JSON near byte") {
		t.Fatalf("err = %v, want malformed JSON", err)
	}
	deep := `{"a":` + strings.Repeat("[", 20000)
	_, _, err = extractBytes(t, "deep.json", []byte(deep), DefaultLimits())
	if err == nil || err.Error() != "malformed JSON: nested deeper than 10000 levels" {
		t.Fatalf("deep: err = %v", err)
	}
	// Broken within its first 64 KiB: the file is read as text.
	rec, _, err := extractBytes(t, "a.json", []byte(`{"a": "x"} }`), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	assertCalls(t, rec.calls, []string{`text line=1 "{\"a\": \"x\"} }"`})
}

func TestExtractJSONL(t *testing.T) {
	data := "{\"name\":\"Ivan\",\"geo\":{\"lat\":43.2}}\n\n" +
		"not json at all\n" +
		"{\"name\":\"Aigul\",\"iin\":\"870412300415\"}\n" +
		"{broken\n"
	rec, kind, err := extractBytes(t, "events.jsonl", []byte(data), DefaultLimits())
	if err != nil || kind != KindJSONL {
		t.Fatalf("kind %s: %v", kind, err)
	}
	assertCalls(t, rec.calls, []string{
		`text line=3 "not json at all"`,
		`text line=5 "{broken"`,
		`start - ["name" "geo.lat" "iin"]`,
		`row line=1,row=1 ["Ivan" "43.2" ""]`,
		`row line=4,row=2 ["Aigul" "" "870412300415"]`,
		`end`,
	})
}
