package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/dpia-tool/dpia/assessment/evidence/model"
)

func utf16le(t *testing.T, s string) []byte {
	t.Helper()
	b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func utf16be(t *testing.T, s string) []byte {
	t.Helper()
	b, err := unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func cp1251(t *testing.T, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1251.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestExtractText(t *testing.T) {
	tests := []struct {
		name string
		file string
		data []byte
		want []string
	}{
		{"lines and blanks", "app.log", []byte("first line\n\n  \r\nthird: a@b.kz\r\nno newline"), []string{
			`text line=1 "first line"`, `text line=4 "third: a@b.kz"`, `text line=5 "no newline"`,
		}},
		{"invalid utf-8 replaced", "x.txt", []byte("ok \x80\x81 bad \xd0\nnext\n"), []string{
			"text line=1 \"ok \uFFFD bad \uFFFD\"", `text line=2 "next"`,
		}},
		{"utf-8 bom dropped", "x.txt", []byte("\xEF\xBB\xBFhello\n"), []string{`text line=1 "hello"`}},
		{"utf-16le bom", "x.txt", utf16le(t, "Иван\nАйгүл\n"), []string{`text line=1 "Иван"`, `text line=2 "Айгүл"`}},
		{"utf-16be bom", "x.txt", utf16be(t, "Alice\r\nBob"), []string{`text line=1 "Alice"`, `text line=2 "Bob"`}},
		{"windows-1251", "crm.log", cp1251(t, "Клиент: Иванов Иван Иванович\nтел. +7 701 123 45 67\n"), []string{
			`text line=1 "Клиент: Иванов Иван Иванович"`, `text line=2 "тел. +7 701 123 45 67"`,
		}},
		{"latin-1 letters are not cp1251", "x.txt", []byte("caf\xe9 cr\xe8me br\xfbl\xe9e\n"), []string{
			"text line=1 \"caf\uFFFD cr\uFFFDme br\uFFFDl\uFFFDe\"",
		}},
		{"latin-1 is not cp1251", "x.txt", []byte("caf\xe9 cr\xe8me br\xfbl\xe9e! \x80\x99\n"), []string{
			"text line=1 \"caf\uFFFD cr\uFFFDme br\uFFFDl\uFFFDe! \uFFFD\"",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, kind, err := extractBytes(t, tt.file, tt.data, DefaultLimits())
			if err != nil {
				t.Fatalf("kind %s: %v", kind, err)
			}
			assertCalls(t, rec.calls, tt.want)
		})
	}
}

func TestExtractTextLongLineSplit(t *testing.T) {
	lim := DefaultLimits()
	lim.MaxCellBytes = 10
	// 25 bytes on line 1, with a 2-byte rune straddling the 10-byte boundary.
	data := []byte("abcdefghiЖklmnopqrstuvwxy\nend\n")
	rec, _, err := extractBytes(t, "a.txt", data, lim)
	if err != nil {
		t.Fatal(err)
	}
	assertCalls(t, rec.calls, []string{
		`text line=1 "abcdefghi"`, `text line=1 "Жklmnopqr"`, `text line=1 "stuvwxy"`, `text line=2 "end"`,
	})
}

func TestExtractTextLimit(t *testing.T) {
	lim := DefaultLimits()
	lim.MaxTextBytes = 20
	rec, _, err := extractBytes(t, "a.txt", []byte("0123456789\n0123456789\n0123456789\n"), lim)
	if !errors.Is(err, model.ErrLimit) {
		t.Fatalf("err = %v, want ErrLimit", err)
	}
	if len(rec.calls) != 2 {
		t.Errorf("calls = %q, want the two lines before the limit", rec.calls)
	}
}

// TestExtractCancelled checks that every streaming extractor notices a cancelled context
// mid-file: the sink cancels after its first call.
func TestExtractCancelled(t *testing.T) {
	var lines, csvData, jsonl strings.Builder
	csvData.WriteString("name,email\n")
	for i := range 50_000 {
		lines.WriteString("line with some text\n")
		csvData.WriteString("Ivan,ivan@example.kz\n")
		jsonl.WriteString(`{"n":` + string(rune('0'+i%10)) + "}\n")
	}
	rows := [][]any{{"name"}}
	pages := make([][]string, 50)
	for i := range 3000 {
		rows = append(rows, []any{fmt.Sprint("person ", i)})
		pages[i%50] = append(pages[i%50], "line")
	}
	cases := map[string]string{
		"a.log": lines.String(), "a.csv": csvData.String(), "a.jsonl": jsonl.String(),
		"a.xlsx": string(makeXLSX(t, []string{"S"}, map[string][][]any{"S": rows})),
		"a.pdf":  string(makePDF(pages...)),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			sink := &cancelSink{cancel: cancel}
			kind, _ := Sniff(name, []byte(data[:min(len(data), 3072)]))
			start := time.Now()
			err := Extract(ctx, name, kind, strings.NewReader(data), int64(len(data)), sink, DefaultLimits())
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
			if sink.n > 2 {
				t.Errorf("%d calls after cancellation", sink.n-1)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %s", d)
			}
		})
	}
}

// cancelSink cancels its context on the first call.
type cancelSink struct {
	recorder
	cancel func()
	n      int
}

func (c *cancelSink) add() error                                { c.n++; c.cancel(); return nil }
func (c *cancelSink) Text(model.Location, string) error         { return c.add() }
func (c *cancelSink) TableStart(model.Location, []string) error { return c.add() }
func (c *cancelSink) Row(model.Location, []string) error        { return c.add() }

func TestExtractSinkError(t *testing.T) {
	boom := errors.New("boom")
	rec := &recorder{fail: boom}
	data := []byte("a\nb\nc\n")
	err := Extract(context.Background(), "a.txt", KindText, bytes.NewReader(data), int64(len(data)), rec, Limits{})
	if !errors.Is(err, boom) || len(rec.calls) != 1 {
		t.Fatalf("err = %v after %d calls, want boom after 1", err, len(rec.calls))
	}
}

func TestExtractUnsupported(t *testing.T) {
	data := []byte{0, 1, 2, 3, 0, 0, 0xde, 0xad, 0xbe, 0xef}
	_, kind, err := extractBytes(t, "blob.bin", data, DefaultLimits())
	if kind != KindUnknown || !errors.Is(err, model.ErrUnsupported) {
		t.Fatalf("kind %s, err %v; want unknown, ErrUnsupported", kind, err)
	}
	err = Extract(context.Background(), "a.zip", KindZip, bytes.NewReader(nil), 0, &recorder{}, Limits{})
	if !errors.Is(err, model.ErrUnsupported) {
		t.Fatalf("zip: err %v, want ErrUnsupported", err)
	}
}

func TestExtractFileTooLarge(t *testing.T) {
	lim := DefaultLimits()
	lim.MaxFileBytes = 4
	_, _, err := extractBytes(t, "a.txt", []byte("hello\n"), lim)
	if !errors.Is(err, model.ErrLimit) {
		t.Fatalf("err = %v, want ErrLimit", err)
	}
}
