package extract

import (
	"bytes"
	"image/gif"
	"image/jpeg"
	"testing"
)

func TestSniff(t *testing.T) {
	var jpg, gf bytes.Buffer
	if err := jpeg.Encode(&jpg, testImage(16, 16), nil); err != nil {
		t.Fatal(err)
	}
	if err := gif.Encode(&gf, testImage(16, 16), nil); err != nil {
		t.Fatal(err)
	}
	xlsx := makeXLSX(t, []string{"S"}, map[string][][]any{"S": {{"a"}}})
	plainZip := makeZip(t, []zipEntry{{name: "a.txt", data: []byte("x")}})
	tests := []struct {
		name, file string
		head       []byte
		kind, mime string
	}{
		{"csv by name", "users.csv", []byte("a;b\n1;2\n"), KindCSV, "text/csv"},
		{"csv by content", "export", []byte("a,b,c\n1,2,3\n"), KindCSV, "text/csv"},
		{"tsv by content", "export", []byte("a\tb\n1\t2\n"), KindTSV, "text/tab-separated-values"},
		{"txt name wins", "notes.TXT", []byte("a,b\n1,2\n"), KindText, "text/csv"},
		{"json by name, cut", "dump.json", []byte(`[{"a": 1}, {"a"`), KindJSON, "application/json"},
		{"json by content, cut", "dump", []byte(`[{"a": 1}, {"a"`), KindJSON, "application/json"},
		{"jsonl by content", "events", []byte("{\"a\":1}\n{\"a\":2}\n"), KindJSONL, "application/x-ndjson"},
		{"jsonl by content, cut", "events", []byte("{\"a\":1}\n{\"a\":2}\n{\"a\""), KindJSONL, "application/x-ndjson"},
		{"jsonl by name", "e.ndjson", []byte("{\"a\":1}\n"), KindJSONL, "application/x-ndjson"},
		{"log starting with a bracket", "app", []byte("[2024-01-01 10:00] INFO start\n"), KindText, "text/plain"},
		{"cp1251", "crm", cp1251(t, "Иванов Иван Иванович, тел. 8 701 123 45 67\n"), KindText, "text/plain"},
		{"utf-16", "x", utf16le(t, "hello\n"), KindText, "text/plain"},
		{"empty", "empty.txt", nil, KindText, "text/plain"},
		{"pdf", "x", makePDF([]string{"a"}), KindPDF, "application/pdf"},
		{"pdf after junk", "x", append([]byte("\x00\x01junk\x02\n"), makePDF([]string{"a"})...), KindPDF, "application/pdf"},
		{"pdf after a newline", "x.pdf", append([]byte("\n"), makePDF([]string{"a"})...), KindPDF, "application/pdf"},
		{"log naming the pdf signature", "upload.log", []byte("2024-05-01 INFO upload user=ivan@example.kz header=%PDF-1.7 size=1024\n"), KindText, "text/plain"},
		{"source code writing a pdf", "gen.go", []byte("package main\n\nfunc pdf() string { return \"%PDF-1.4\\n\" }\n"), KindText, "text/plain"},
		{"png", "x", pngWith(t, testImage(4, 4)), KindImage, "image/png"},
		{"jpeg named txt", "x.txt", jpg.Bytes(), KindImage, "image/jpeg"},
		{"gif", "x", gf.Bytes(), KindImage, "image/gif"},
		{"wav", "x", makeWAV(8000, 1, 0.01), KindAudio, "audio/wav"},
		{"mp3", "x", makeMP3(0.1), KindAudio, "audio/mpeg"},
		{"flac", "x", makeFLAC(8000, 1, 10), KindAudio, "audio/flac"},
		{"opus", "x", makeOpus(1, 1), KindAudio, "audio/ogg"},
		{"parquet", "x", []byte("PAR1\x15\x04\x15"), KindParquet, "application/vnd.apache.parquet"},
		{"xlsx by content", "book", xlsx, KindXLSX, mimeXLSX},
		{"xlsx by name", "book.xlsx", plainZip, KindXLSX, mimeXLSX},
		{"docx by name", "r.docx", plainZip, KindDOCX, mimeDOCX},
		{"zip", "a.zip", plainZip, KindZip, "application/zip"},
		{"gzip", "app.log.1.gz", gz(t, "app.log.1", []byte("a line\n")), KindGzip, "application/gzip"},
		{"fingerprint", "x", fmrRecord(1), KindBiometric, "application/octet-stream"},
		{"face record", "x", []byte("FAC\x00010\x00"), KindBiometric, "application/octet-stream"},
		{"wsq", "x.wsq", []byte{0xFF, 0xA0, 0xFF, 0xA8, 0, 0}, KindBiometric, "image/x-wsq"},
		{"elf", "a.csv", []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00"), KindUnknown, "application/x-elf"},
		{"binary", "a.log", []byte{0, 1, 2, 3, 0xde, 0xad, 0, 0, 7}, KindUnknown, "application/octet-stream"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			head := tt.head[:min(len(tt.head), 3072)]
			kind, mime := Sniff(tt.file, head)
			if kind != tt.kind || mime != tt.mime {
				t.Errorf("Sniff(%q) = %s, %s; want %s, %s", tt.file, kind, mime, tt.kind, tt.mime)
			}
		})
	}
}
