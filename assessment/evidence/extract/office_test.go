package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/xuri/excelize/v2"

	"github.com/dpia-tool/dpia/assessment/evidence/model"
)

// makeXLSX builds a workbook: sheet name → rows.
func makeXLSX(t testing.TB, sheets []string, rows map[string][][]any) []byte {
	t.Helper()
	wb := excelize.NewFile()
	defer wb.Close()
	for i, s := range sheets {
		if i == 0 {
			if err := wb.SetSheetName("Sheet1", s); err != nil {
				t.Fatal(err)
			}
		} else if _, err := wb.NewSheet(s); err != nil {
			t.Fatal(err)
		}
		for r, row := range rows[s] {
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := wb.SetSheetRow(s, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := wb.SetDocProps(&excelize.DocProperties{Creator: "Aigerim Bekova"}); err != nil {
		t.Fatal(err)
	}
	buf, err := wb.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestExtractXLSX(t *testing.T) {
	data := makeXLSX(t, []string{"Clients", "Raw"}, map[string][][]any{
		"Clients": {{"Name", "IIN", "Phone"}, {"Ivan", "870412300415", "+77011234567"}, {}, {"Aigul", 900101400123, nil}},
		"Raw":     {{nil}, {1, 2}, {"x", "y"}},
	})
	rec, kind, err := extractBytes(t, "clients.xlsx", data, DefaultLimits())
	if err != nil || kind != KindXLSX {
		t.Fatalf("kind %s: %v", kind, err)
	}
	assertCalls(t, rec.calls, []string{
		`start sheet=Clients ["Name" "IIN" "Phone"]`,
		`row sheet=Clients,row=1 ["Ivan" "870412300415" "+77011234567"]`,
		`row sheet=Clients,row=3 ["Aigul" "900101400123"]`,
		`end`,
		`start sheet=Raw []`,
		`row sheet=Raw,row=2 ["1" "2"]`,
		`row sheet=Raw,row=3 ["x" "y"]`,
		`end`,
		`text col=creator "Aigerim Bekova"`,
	})
}

func TestExtractXLSXBroken(t *testing.T) {
	data := makeXLSX(t, []string{"S"}, map[string][][]any{"S": {{"a"}}})
	for _, cut := range []int{len(data) / 2, 100, 10} {
		_, _, err := extractBytes(t, "cut.xlsx", data[:cut], DefaultLimits())
		if err == nil || !strings.HasPrefix(err.Error(), "malformed XLSX") {
			t.Errorf("cut at %d: err = %v, want malformed XLSX", cut, err)
		}
	}
}

func TestExtractXLSXRowLimit(t *testing.T) {
	data := makeXLSX(t, []string{"S"}, map[string][][]any{"S": {{"h"}, {"1"}, {"2"}, {"3"}}})
	lim := DefaultLimits()
	lim.MaxRows = 2
	_, _, err := extractBytes(t, "a.xlsx", data, lim)
	if !errors.Is(err, model.ErrLimit) {
		t.Fatalf("err = %v, want ErrLimit", err)
	}
}

// makeDOCX builds a minimal Word document around a body and core properties.
func makeDOCX(t testing.TB, body, creator string) []byte {
	t.Helper()
	doc := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
		body + `</w:body></w:document>`
	core := `<?xml version="1.0"?><cp:coreProperties ` +
		`xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ` +
		`xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>` + creator + `</dc:creator>` +
		`<dc:title>Not a person</dc:title></cp:coreProperties>`
	return makeZip(t, []zipEntry{
		{name: "[Content_Types].xml", data: []byte(`<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`), method: 8},
		{name: "word/document.xml", data: []byte(doc), method: 8},
		{name: "word/footer1.xml", data: []byte(`<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:r><w:t>Confidential</w:t></w:r></w:p></w:ftr>`), method: 8},
		{name: "docProps/core.xml", data: []byte(core), method: 8},
	})
}

func TestExtractDOCX(t *testing.T) {
	p := func(s string) string { return `<w:p><w:r><w:t xml:space="preserve">` + s + `</w:t></w:r></w:p>` }
	cell := func(s string) string { return `<w:tc>` + p(s) + `</w:tc>` }
	body := p("Subject: Ivan Petrov") + `<w:p/>` +
		`<w:p><w:r><w:t>Tel.</w:t><w:tab/><w:t>+7 701 123 45 67</w:t></w:r><w:del><w:r><w:delText> old</w:delText></w:r></w:del></w:p>` +
		`<w:tbl><w:tr>` + cell("Name") + cell("IIN") + `</w:tr>` +
		`<w:tr>` + cell("Aigul") + `<w:tc>` + p("870412") + p("300415") + `</w:tc></w:tr>` +
		`<w:tr><w:tc><w:tbl><w:tr>` + cell("inner") + `</w:tr></w:tbl></w:tc>` + cell("x") + `</w:tr></w:tbl>` +
		p("After the table")
	data := makeDOCX(t, body, "Aigerim Bekova")
	rec, kind, err := extractBytes(t, "report.docx", data, DefaultLimits())
	if err != nil || kind != KindDOCX {
		t.Fatalf("kind %s: %v", kind, err)
	}
	assertCalls(t, rec.calls, []string{
		`text line=1 "Subject: Ivan Petrov"`,
		`text line=3 "Tel.\t+7 701 123 45 67 old"`,
		`start - ["Name" "IIN"]`,
		`row row=1 ["Aigul" "870412 300415"]`,
		`row row=2 ["inner" "x"]`,
		`end`,
		`text line=4 "After the table"`,
		`text line=5 "Confidential"`,
		`text col=creator "Aigerim Bekova"`,
	})
}

func TestExtractDOCXBroken(t *testing.T) {
	tests := map[string][]byte{
		"not a zip":     []byte("PK\x03\x04garbage"),
		"no document":   makeZip(t, []zipEntry{{name: "word/other.xml", data: []byte("<x/>")}}),
		"malformed xml": makeZip(t, []zipEntry{{name: "word/document.xml", data: []byte("<w:document><w:p>")}}),
	}
	for name, data := range tests {
		err := Extract(context.Background(), "a.docx", KindDOCX, bytes.NewReader(data), int64(len(data)), &recorder{}, Limits{})
		if err == nil || !strings.HasPrefix(err.Error(), "malformed DOCX") {
			t.Errorf("%s: err = %v, want malformed DOCX", name, err)
		}
	}
}

// makePDF builds a PDF with one page per element of pages, each line drawn with Tj/T*.
func makePDF(pages ...[]string) []byte {
	var b bytes.Buffer
	var offsets []int
	obj := func(body string) {
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offsets), body)
	}
	b.WriteString("%PDF-1.4\n")
	kids := make([]string, len(pages))
	for i := range pages {
		kids[i] = fmt.Sprintf("%d 0 R", 4+2*i)
	}
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(pages)))
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	for i, lines := range pages {
		obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", 5+2*i))
		var c strings.Builder
		c.WriteString("BT /F1 12 Tf 14 TL 72 720 Td\n")
		for _, l := range lines {
			l = strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(l)
			fmt.Fprintf(&c, "(%s) Tj T*\n", l)
		}
		c.WriteString("ET")
		obj(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", c.Len(), c.String()))
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return b.Bytes()
}

func TestExtractPDF(t *testing.T) {
	data := makePDF([]string{"Patient: Ivan Petrov", "IIN 870412300415"}, []string{}, []string{"Diagnosis (confidential)"})
	rec, kind, err := extractBytes(t, "record.pdf", data, DefaultLimits())
	if err != nil || kind != KindPDF {
		t.Fatalf("kind %s: %v", kind, err)
	}
	want := []string{
		`text page=1 "Patient: Ivan Petrov"`,
		`text page=1 "IIN 870412300415"`,
		`text page=3 "Diagnosis (confidential)"`,
	}
	assertCalls(t, rec.calls, want)

	// A PDF 2.0 header and bytes after %%EOF are tolerated.
	patched := append([]byte("%PDF-2.0"), data[8:]...)
	patched = append(patched, []byte("trailing garbage from an upload\n")...)
	rec, _, err = extractBytes(t, "record.pdf", patched, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	assertCalls(t, rec.calls, want)
}

func TestExtractPDFBroken(t *testing.T) {
	good := makePDF([]string{"hello"})
	tests := map[string][]byte{
		"garbage":       []byte("%PDF-1.4\n" + strings.Repeat("\x00\xff garbage ", 50)),
		"truncated":     good[:len(good)/2],
		"bad xref":      bytes.Replace(good, []byte("startxref\n"), []byte("startxref\n9"), 1),
		"empty":         []byte("%PDF-1.4\n%%EOF\n"),
		"encrypted":     bytes.Replace(good, []byte("/Root 1 0 R"), []byte("/Root 1 0 R /Encrypt << /Filter /Standard /V 9 /R 9 /O (x) /U (y) /P -4 >>"), 1),
		"no pdf at all": []byte("hello"),
	}
	for name, data := range tests {
		t.Run(name, func(t *testing.T) {
			err := Extract(context.Background(), "a.pdf", KindPDF, bytes.NewReader(data), int64(len(data)), &recorder{}, Limits{})
			if err == nil || !strings.HasPrefix(err.Error(), "malformed PDF") {
				t.Errorf("err = %v, want malformed PDF", err)
			}
		})
	}
}

type parquetPerson struct {
	Name      string    `parquet:"name"`
	Email     *string   `parquet:"email,optional"`
	Born      int32     `parquet:"born,date"`
	Seen      time.Time `parquet:"seen,timestamp(millisecond)"`
	Embedding []float32 `parquet:"embedding,list"`
}

func TestExtractParquet(t *testing.T) {
	email := "ivan@mail.kz"
	seen := time.Date(2024, 5, 1, 10, 30, 0, 0, time.UTC)
	rows := []parquetPerson{
		{Name: "Ivan", Email: &email, Born: -1000, Seen: seen, Embedding: []float32{0.5, -1.25, 3}},
		{Name: "Aigul", Born: 7000, Seen: seen, Embedding: nil},
	}
	var buf bytes.Buffer
	if err := parquet.Write(&buf, rows); err != nil {
		t.Fatal(err)
	}
	rec, kind, err := extractBytes(t, "people.parquet", buf.Bytes(), DefaultLimits())
	if err != nil || kind != KindParquet {
		t.Fatalf("kind %s: %v", kind, err)
	}
	assertCalls(t, rec.calls, []string{
		`start - ["name" "email" "born" "seen" "embedding"]`,
		`row row=1 ["Ivan" "ivan@mail.kz" "1967-04-07" "2024-05-01T10:30:00Z" "[0.5, -1.25, 3]"]`,
		`row row=2 ["Aigul" "" "1989-03-02" "2024-05-01T10:30:00Z" ""]`,
		`end`,
	})
	_, _, err = extractBytes(t, "cut.parquet", buf.Bytes()[:buf.Len()-20], DefaultLimits())
	if err == nil || !strings.HasPrefix(err.Error(), "malformed") {
		t.Errorf("truncated parquet: err = %v, want malformed", err)
	}
}

// TestExtractParquetFooterGuard: a Parquet file whose footer claims more bytes than the file
// holds is refused before the parser allocates what it claims (parquet-go allocated the 4 GiB
// a 20-byte file asked for).
func TestExtractParquetFooterGuard(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"footer of 4 GiB", []byte("PAR1\x15\x06\x15\xd6\x01\x15\xd6\x01\xff\xff\xff\xffPAR1"),
			"malformed Parquet: its footer claims 4294967295 bytes, more than the file's 20"},
		{"too short", []byte("PAR1PAR1"), "malformed Parquet: 8 bytes is too short for a Parquet file"},
		{"no closing magic", []byte("PAR1\x00\x00\x00\x00\x00\x00\x00\x00\x04\x00\x00\x00PAR2"),
			`malformed Parquet: the file does not end with the Parquet magic ("PAR2")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := heapAllocated()
			_, kind, err := extractBytes(t, "x.parquet", tt.data, DefaultLimits())
			if n := heapAllocated() - before; n > 16<<20 {
				t.Errorf("allocated %d MiB", n>>20)
			}
			if kind != KindParquet || err == nil || err.Error() != tt.want {
				t.Errorf("kind %s, err %v; want %q", kind, err, tt.want)
			}
		})
	}
}
