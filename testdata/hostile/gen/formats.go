package main

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
)

// pdfDoc assembles a PDF from numbered object bodies (object i+1 is objs[i]) with a correct
// cross-reference table; trailer holds the trailer dictionary's entries.
func pdfDoc(objs []string, trailer string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< %s >>\nstartxref\n%d\n%%%%EOF\n", trailer, xref)
	return b.Bytes()
}

func onePagePDF(pages string) []byte {
	content := "BT /F1 12 Tf 72 720 Td (Contact ivan@example.kz, IIN 900101300017) Tj ET"
	return pdfDoc([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		pages,
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}, "/Size 6 /Root 1 0 R")
}

func pdfs() error {
	valid := onePagePDF("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	many := []string{"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1000000000 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"}
	for i := len(many); i < 3000; i++ {
		many = append(many, fmt.Sprintf("<< /N %d /Next %d 0 R >>", i, i+2))
	}
	// A page tree where every node's Kids name the next node twice: 2^40 paths to one page.
	dag := []string{"<< /Type /Catalog /Pages 2 0 R >>"}
	for i := 2; i < 42; i++ {
		dag = append(dag, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R %d 0 R] /Count %d >>", i+1, i+1, int64(1)<<(42-i)))
	}
	dag = append(dag, "<< /Type /Page /Parent 41 0 R /MediaBox [0 0 612 792] >>")
	files := map[string][]byte{
		"pages-dag.pdf":    pdfDoc(dag, fmt.Sprintf("/Size %d /Root 1 0 R", len(dag)+1)),
		"truncated.pdf":    valid[:len(valid)/2],
		"garbage.pdf":      append([]byte("%PDF-1.7\n"), noise(8192, 2)...),
		"many-objects.pdf": pdfDoc(many, "/Size 2147483647 /Root 1 0 R"),
		"pages-loop.pdf":   onePagePDF("<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>"),
		"deep-nesting.pdf": onePagePDF("<< /Type /Pages /Kids [3 0 R] /Count 1 /X " +
			strings.Repeat("[", deep) + strings.Repeat("]", deep) + " >>"),
		"self-length.pdf": pdfDoc([]string{"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
			"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>", "<< /Length 4 0 R >>\nstream\nBT ET\nendstream"},
			"/Size 5 /Root 1 0 R"),
	}
	for name, b := range files {
		if err := write("pdf", name, b); err != nil {
			return err
		}
	}
	return nil
}

// xlsxOf is a minimal workbook with one sheet whose XML is given.
func xlsxOf(sheet string) []byte {
	return zipOf(
		member{name: "[Content_Types].xml", data: []byte(`<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`)},
		member{name: "_rels/.rels", data: []byte(`<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)},
		member{name: "xl/workbook.xml", data: []byte(`<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Users" sheetId="1" r:id="rId1"/></sheets></workbook>`)},
		member{name: "xl/_rels/workbook.xml.rels", data: []byte(`<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`)},
		member{name: "xl/worksheets/sheet1.xml", data: []byte(`<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` + sheet + `</worksheet>`)},
	)
}

func inlineCell(ref, text string) string {
	return fmt.Sprintf(`<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, text)
}

func spreadsheets() error {
	good := xlsxOf(`<sheetData><row r="1">` + inlineCell("A1", "email") + `</row><row r="2">` +
		inlineCell("A2", "ivan@example.kz") + `</row></sheetData>`)
	huge := xlsxOf(`<dimension ref="A1:XFD1048576"/><sheetData><row r="1">` + inlineCell("A1", "email") +
		inlineCell("XFD1", "iin") + `</row><row r="1048576">` + inlineCell("A1048576", "ivan@example.kz") +
		inlineCell("XFD1048576", "900101300017") + `</row></sheetData>`)
	var long bytes.Buffer
	long.WriteString("name,comment\nIvan,\"")
	for long.Len() < 1<<20 {
		long.WriteString("no closing quote, ivan@example.kz; ")
	}
	long.WriteString("\n")
	files := map[string][]byte{
		"truncated.xlsx":      good[:len(good)*2/3],
		"huge-dimension.xlsx": huge,
		"long-line.csv":       long.Bytes(),
		"garbage.xlsx":        append([]byte("PK\x03\x04"), noise(4096, 3)...),
	}
	for name, b := range files {
		if err := write("spreadsheets", name, b); err != nil {
			return err
		}
	}
	return parquetFooters()
}

// pngOf is a PNG of a width×height 8-bit grey image whose rows are all zero.
func pngOf(width, height int, rows int) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, uint32(width))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(height))
	ihdr[8] = 8 // bit depth; colour type 0 (grey)
	chunk("IHDR", ihdr)
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	row := make([]byte, 1+width)
	for range rows {
		zw.Write(row)
	}
	zw.Close()
	chunk("IDAT", z.Bytes())
	chunk("IEND", nil)
	return b.Bytes()
}

func images() error {
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	img.Set(1, 1, color.White)
	var j bytes.Buffer
	jpeg.Encode(&j, img, &jpeg.Options{Quality: 80})
	good := j.Bytes()
	// SOI, then a baseline SOF0 of 65535×65535 with three components, then EOI.
	hugeJPEG := []byte{0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0x03,
		0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xFF, 0xD9}
	files := map[string][]byte{
		"huge-dimensions.png": pngOf(100000, 100000, 1),
		"huge-dimensions.jpg": hugeJPEG,
		"truncated.jpg":       good[:len(good)/2],
		"png-bomb.png":        pngOf(7000, 7000, 7000),
		"garbage.png":         append([]byte("\x89PNG\r\n\x1a\n"), noise(2048, 4)...),
		// EXIF whose IFD chain loops (IFD0 → IFD1 → IFD0): goexif followed it for ever.
		"exif-loop.jpg": withEXIF(good, tiffLE(func(b []byte) []byte {
			b = ifdOneASCII(b, 26)
			return ifdOneASCII(b, 8)
		})),
		// EXIF with a LONG tag of 0x40000001 values: 4 × count overflows 32 bits to 4, and
		// goexif allocated the count, 8 GiB.
		"exif-count-overflow.jpg": withEXIF(good, tiffLE(func(b []byte) []byte {
			b = binary.LittleEndian.AppendUint16(b, 1)
			b = append(b, 0x00, 0x01, 4, 0) // ImageWidth, LONG
			b = binary.LittleEndian.AppendUint32(b, 0x40000001)
			b = binary.LittleEndian.AppendUint32(b, 1)
			return binary.LittleEndian.AppendUint32(b, 0)
		})),
	}
	for name, b := range files {
		if err := write("images", name, b); err != nil {
			return err
		}
	}
	return nil
}

// tiffLE is a little-endian TIFF header whose first IFD is at offset 8, followed by what dirs
// appends.
func tiffLE(dirs func([]byte) []byte) []byte {
	return dirs([]byte("II*\x00\x08\x00\x00\x00"))
}

// ifdOneASCII appends an 18-byte IFD holding one ImageDescription "abc", then next.
func ifdOneASCII(b []byte, next uint32) []byte {
	b = binary.LittleEndian.AppendUint16(b, 1)
	b = append(b, 0x0E, 0x01, 2, 0, 4, 0, 0, 0, 'a', 'b', 'c', 0)
	return binary.LittleEndian.AppendUint32(b, next)
}

// withEXIF inserts an APP1 Exif segment holding tiff after a JPEG's SOI marker.
func withEXIF(jpg, tiff []byte) []byte {
	seg := append([]byte("Exif\x00\x00"), tiff...)
	out := []byte{0xFF, 0xD8, 0xFF, 0xE1}
	out = binary.BigEndian.AppendUint16(out, uint16(len(seg)+2))
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// parquetFooters writes Parquet files of 20 bytes whose footers claim 1 to 4 GiB: parquet-go
// allocated each claim before finding the file too short (eight of them in one scan: gigabytes).
func parquetFooters() error {
	dir := filepath.Join("spreadsheets", "parquet-footers")
	if err := os.MkdirAll(filepath.Join(out, dir), 0o755); err != nil {
		return err
	}
	for i := range 8 {
		b := []byte("PAR1\x15\x06\x15\xd6\x01\x15\xd6\x01")
		b = binary.LittleEndian.AppendUint32(b, uint32(1<<30+i*(3<<27)))
		b = append(b, "PAR1"...)
		if err := write(dir, fmt.Sprintf("footer-%d.parquet", i), b); err != nil {
			return err
		}
	}
	return nil
}
