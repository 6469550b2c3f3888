package extract

import (
	"archive/zip"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// kzIIN returns a Kazakh IIN for a birth date (yymmdd), a century-and-sex digit and a serial,
// with its check digit; ok is false for the serials that have none.
func kzIIN(yymmdd string, centurySex, serial int) (string, bool) {
	base := fmt.Sprintf("%s%d%04d", yymmdd, centurySex, serial)
	sum := func(weights []int) int {
		s := 0
		for i, w := range weights {
			s += int(base[i]-'0') * w
		}
		return s % 11
	}
	c := sum([]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})
	if c == 10 {
		c = sum([]int{3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2})
	}
	if c == 10 {
		return "", false
	}
	return base + string(rune('0'+c)), true
}

// samplePerson is one synthetic data subject.
type samplePerson struct {
	Name, NameRU, Email, Phone, IIN, DOB, City string
}

func samplePeople() []samplePerson {
	src := []struct {
		name, ru, dob, city string
		female              bool
	}{
		{"Ivan Petrov", "Иван Петров", "870412", "Almaty", false},
		{"Aigul Nurlanova", "Айгүл Нұрланова", "900101", "Astana", true},
		{"Dmitry Kim", "Дмитрий Ким", "751130", "Shymkent", false},
		{"Saule Abenova", "Сәуле Әбенова", "020315", "Karaganda", true},
		{"Olga Smirnova", "Ольга Смирнова", "881224", "Almaty", true},
		{"Nurlan Seitkali", "Нұрлан Сейтқали", "950707", "Aktobe", false},
	}
	var out []samplePerson
	for i, s := range src {
		century := 3 // the century-and-sex digit: 3 a man born in the 1900s, 4 a woman
		if s.female {
			century = 4
		}
		if s.dob[:2] < "30" {
			century += 2
		}
		var iin string
		for serial := 1000 + i*37; ; serial++ {
			if v, ok := kzIIN(s.dob, century, serial); ok {
				iin = v
				break
			}
		}
		first := strings.ToLower(strings.Fields(s.name)[0])
		out = append(out, samplePerson{
			Name: s.name, NameRU: s.ru, City: s.city, IIN: iin,
			Email: fmt.Sprintf("%s.%d@example.kz", first, i+1),
			Phone: fmt.Sprintf("+7 701 %03d %02d %02d", 100+i*111, 10+i*7, 20+i*3),
			DOB:   fmt.Sprintf("19%s-%s-%s", s.dob[:2], s.dob[2:4], s.dob[4:6]),
		})
		if s.dob[:2] < "30" {
			out[i].DOB = "20" + out[i].DOB[2:]
		}
	}
	return out
}

type sampleEmbedding struct {
	Name      string    `parquet:"name"`
	IIN       string    `parquet:"iin"`
	Captured  int32     `parquet:"captured,date"`
	Embedding []float32 `parquet:"embedding,list"`
}

// writeSamples (re)generates the synthetic samples of testdata/evidence.
func writeSamples(t *testing.T) {
	t.Helper()
	people := samplePeople()
	files := map[string][]byte{}
	var csvB, cp, tsv, logB, jsonB, jsonl strings.Builder
	csvB.WriteString("full_name,email,phone,iin,date_of_birth,city\n")
	cp.WriteString("ФИО;ИИН;Телефон;Город\n")
	tsv.WriteString("ФИО\tИИН\tДата рождения\r\n")
	jsonB.WriteString("[\n")
	for i, p := range people {
		fmt.Fprintf(&csvB, "%s,%s,%s,%s,%s,%s\n", p.Name, p.Email, p.Phone, p.IIN, p.DOB, p.City)
		fmt.Fprintf(&cp, "%s;%s;%s;%s\n", p.NameRU, p.IIN, p.Phone, p.City)
		fmt.Fprintf(&tsv, "%s\t%s\t%s\r\n", p.NameRU, p.IIN, p.DOB)
		fmt.Fprintf(&logB, "2024-05-0%d 10:%02d:00 INFO login user=%s ip=10.0.%d.%d\n", i+1, i*7, p.Email, i, 10+i)
		sep := ","
		if i == len(people)-1 {
			sep = ""
		}
		fmt.Fprintf(&jsonB, `  {"name": %q, "contact": {"email": %q, "phone": %q}, "iin": %q, "face_embedding": [%.3f, %.3f, %.3f, %.3f]}%s`+"\n",
			p.Name, p.Email, p.Phone, p.IIN, 0.1*float64(i), -0.2, 0.3, 0.05*float64(i), sep)
		fmt.Fprintf(&jsonl, `{"ts": "2024-05-01T10:%02d:00Z", "event": "verify", "subject": {"name": %q, "iin": %q}, "match": %.2f}`+"\n",
			i, p.Name, p.IIN, 0.9+0.01*float64(i))
	}
	logB.WriteString("2024-05-07 11:00:00 WARN payload with a broken byte: \xff user=olga.5@example.kz\n")
	jsonB.WriteString("]\n")
	files["users.csv"] = []byte(csvB.String())
	// Windows-1251 has no Kazakh letters: write them as their nearest Russian ones.
	russian := strings.NewReplacer("ә", "а", "Ә", "А", "ғ", "г", "қ", "к", "ң", "н", "ө", "о",
		"ұ", "у", "Ұ", "У", "ү", "у", "һ", "х", "і", "и")
	files["clients_cp1251.csv"] = cp1251(t, russian.Replace(cp.String()))
	files["export_utf16.tsv"] = utf16le(t, tsv.String())
	files["app.log"] = []byte(logB.String())
	files["profiles.json"] = []byte(jsonB.String())
	files["events.jsonl"] = []byte(jsonl.String())
	files["clients.xlsx"] = sampleXLSX(t, people)
	files["contract.docx"] = sampleDOCX(t, people)
	files["medical_record.pdf"] = makePDF(
		[]string{"Patient: " + people[0].Name, "IIN: " + people[0].IIN, "Date of birth: " + people[0].DOB},
		[]string{"Diagnosis: type 2 diabetes", "Physician: " + people[4].Name})
	files["broken.pdf"] = files["medical_record.pdf"][:300]
	files["face_embeddings.parquet"] = sampleParquet(t, people)
	files["photo_gps.jpg"] = jpegWithEXIF(t, testImage(320, 240), makeEXIF(people[1].Name, people[2].Name, 43.2380, 76.9450))
	files["call_recording.wav"] = makeWAV(8000, 1, 0.5)
	files["finger_minutiae.fmr"] = append(fmrRecord(2), 0, 0)
	files["zip_bomb.zip"] = makeZip(t, []zipEntry{{name: "zeros.csv", data: make([]byte, 20<<20), method: zip.Deflate}})
	files["unknown.bin"] = randomBytes(512)
	files["samples.zip"] = makeZip(t, []zipEntry{
		{name: "export/users.csv", data: files["users.csv"], method: zip.Deflate},
		{name: "export/app.log", data: files["app.log"], method: zip.Deflate},
		{name: "nested/inner.zip", data: makeZip(t, []zipEntry{{name: "events.jsonl", data: files["events.jsonl"], method: zip.Deflate}})},
		{name: "../escape.txt", data: []byte("outside the archive")},
	})
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(samplesDir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func randomBytes(n int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	b[0], b[1] = 0, 0
	return b
}

func sampleXLSX(t *testing.T, people []samplePerson) []byte {
	rows := [][]any{{"Full name", "IIN", "Phone", "City"}}
	for _, p := range people {
		rows = append(rows, []any{p.Name, p.IIN, p.Phone, p.City})
	}
	return makeXLSX(t, []string{"Clients", "Notes"}, map[string][][]any{
		"Clients": rows,
		"Notes":   {{"Reviewed by " + people[4].Name + ", " + people[4].Email}},
	})
}

func sampleDOCX(t *testing.T, people []samplePerson) []byte {
	p := func(s string) string { return `<w:p><w:r><w:t xml:space="preserve">` + s + `</w:t></w:r></w:p>` }
	cell := func(s string) string { return `<w:tc>` + p(s) + `</w:tc>` }
	body := p("Data processing agreement") + p("Controller contact: "+people[3].Name+", "+people[3].Email)
	body += `<w:tbl><w:tr>` + cell("Data subject") + cell("IIN") + `</w:tr>`
	for _, x := range people[:3] {
		body += `<w:tr>` + cell(x.Name) + cell(x.IIN) + `</w:tr>`
	}
	body += `</w:tbl>` + p("Biometric templates are retained for 90 days.")
	return makeDOCX(t, body, people[5].Name)
}

func sampleParquet(t *testing.T, people []samplePerson) []byte {
	r := rand.New(rand.NewPCG(3, 4))
	var rows []sampleEmbedding
	for i, p := range people {
		e := make([]float32, 128)
		for j := range e {
			e[j] = float32(int(r.NormFloat64()*1000)) / 1000
		}
		rows = append(rows, sampleEmbedding{Name: p.Name, IIN: p.IIN, Captured: int32(19800 + i), Embedding: e})
	}
	var buf bytes.Buffer
	if err := parquet.Write(&buf, rows); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
