package detect

import (
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/dpia-tool/dpia/assessment/evidence/model"
)

// scanTable writes one table to a Scanner and returns what it emitted.
func scanTable(t *testing.T, header []string, rows [][]string) []model.Detection {
	t.Helper()
	var got []model.Detection
	s := New(testKey).Scanner(func(d model.Detection) { got = append(got, d) })
	must(t, s.TableStart(model.Location{Line: 1}, header))
	for i, r := range rows {
		must(t, s.Row(model.Location{Line: i + 2, Row: i + 1}, r))
	}
	must(t, s.TableEnd())
	return got
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func countTypes(ds []model.Detection) map[string]int {
	m := map[string]int{}
	for _, d := range ds {
		m[d.Type]++
	}
	return m
}

func TestTablePeople(t *testing.T) {
	header := []string{"ФИО", "ИИН", "Телефон", "email", "Дата рождения"}
	rows := [][]string{
		{"Иванов Иван Иванович", "900101300017", "+7 701 123 45 67", "ivanov@mail.kz", "01.01.1990"},
		{"Петрова Анна Сергеевна", "851205401236", "87071234567", "petrova@gmail.com", "1985-12-05"},
		{"Серік Болатұлы", "900101310506", "8 (702) 555-12-34", "serik@inbox.kz", "15.03.1992"},
		{"Smith John", "900101300018", "12345", "not-an-email", ""},
		{"", "", "", "", "нет"},
	}
	got := scanTable(t, header, rows)
	want := map[string]int{"person_name": 4, "kz_iin": 3, "phone": 3, "email": 3, "date_of_birth": 3}
	if c := countTypes(got); !maps.Equal(c, want) {
		t.Fatalf("counts %v, want %v", c, want)
	}
	first := got[1]
	if first.Type != "kz_iin" || first.Loc.Row != 1 || first.Loc.Column != "ИИН" || first.Loc.Line != 2 ||
		first.Preview != "9001******17" || first.Confidence < 0.95 {
		t.Errorf("second detection = %+v", first)
	}
	if got[0].Type != "person_name" || got[0].Preview != "И*** И*** И***" || got[0].Confidence != confHeader {
		t.Errorf("first detection = %+v", got[0])
	}
	for i := 1; i < len(got); i++ {
		if got[i].Loc.Row < got[i-1].Loc.Row {
			t.Fatalf("detections out of order: %+v before %+v", got[i-1], got[i])
		}
	}
}

func TestTableVote(t *testing.T) {
	tests := []struct {
		name   string
		header []string
		rows   [][]string
		want   map[string]int
		col    string // column of the first detection
	}{
		{"headerless emails", nil, [][]string{{"1", "a.b@mail.kz"}, {"2", "c@d.com"}, {"3", "x"}},
			map[string]int{"email": 2}, "#2"},
		{"headerless national phones", nil,
			[][]string{{"7011234567", "a"}, {"7071234567", "b"}, {"7771234567", "c"}, {"n/a", "d"}},
			map[string]int{"phone": 3}, "#1"},
		{"unhinted names", []string{"id", "who"},
			[][]string{{"1", "Иванов Иван"}, {"2", "John Smith"}, {"3", "Ахметова Айгерим"}},
			map[string]int{"person_name": 3}, "who"},
		{"product names are not people", []string{"sku", "name"},
			[][]string{{"1", "Coffee Mug"}, {"2", "Blue Widget"}, {"3", "Green Lamp"}},
			map[string]int{}, ""},
		{"name parts", []string{"first_name", "lastName", "age"},
			[][]string{{"Anna", "Smith", "30"}, {"Айдар", "Нурланов", "41"}, {"", "", "5"}},
			map[string]int{"person_name": 2}, "first_name+lastName"},
		{"lat lon", []string{"id", "latitude", "longitude"},
			[][]string{{"1", "43.2389", "76.8897"}, {"2", "51.1694", "71.4491"}, {"3", "0", "0"}},
			map[string]int{"geo_location": 2}, "latitude+longitude"},
		{"diagnosis", []string{"patient_id", "Диагноз"},
			[][]string{{"1", "J45 Астма"}, {"2", "нет"}, {"3", "E11 Сахарный диабет"}},
			map[string]int{"health": 2}, "Диагноз"},
		{"keyword header", []string{"id", "ВИЧ-статус", "religious_affiliation"},
			[][]string{{"1", "положительный", "Muslim"}, {"2", "нет", ""}, {"3", "да", "-"}},
			map[string]int{"health": 2, "religion": 1}, "ВИЧ-статус"},
		{"iin bin column", []string{"ИИН/БИН"},
			[][]string{{"900101300017"}, {"150440000013"}, {"123"}},
			map[string]int{"kz_iin": 1, "kz_bin": 1}, "ИИН/БИН"},
		{"free text column", []string{"comment"},
			[][]string{{"позвонить +7 701 123 45 67"}, {"ok"}, {"ИИН 900101300017"}},
			map[string]int{"phone": 1, "kz_iin": 1}, "comment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := scanTable(t, tt.header, tt.rows)
			if c := countTypes(got); !maps.Equal(c, tt.want) {
				t.Fatalf("counts %v, want %v (%+v)", c, tt.want, got)
			}
			if len(got) > 0 && got[0].Loc.Column != tt.col {
				t.Errorf("column %q, want %q", got[0].Loc.Column, tt.col)
			}
		})
	}
}

func floats(n, seed int) []string {
	v := make([]string, n)
	for i := range v {
		v[i] = fmt.Sprintf("%.5f", float64((i*7+seed)%23)/23-0.5)
	}
	return v
}

func TestTableEmbeddings(t *testing.T) {
	t.Run("vector column", func(t *testing.T) {
		var rows [][]string
		for r := 0; r < 3; r++ {
			rows = append(rows, []string{fmt.Sprint(r), "[" + strings.Join(floats(128, r), ", ") + "]",
				strings.Join(floats(256, r), " ")})
		}
		got := scanTable(t, []string{"id", "vec", "embedding"}, rows)
		if c := countTypes(got); !maps.Equal(c, map[string]int{"face_embedding": 3}) {
			t.Fatalf("counts %v", c)
		}
		if got[0].Loc.Column != "vec" || got[0].Preview != "[128-d vector]" || got[0].Key == "" {
			t.Errorf("detection %+v", got[0])
		}
	})
	t.Run("semicolon 512", func(t *testing.T) {
		rows := [][]string{{strings.Join(floats(512, 1), ";")}, {strings.Join(floats(512, 2), ";")}}
		got := scanTable(t, []string{"face_vector"}, rows)
		if c := countTypes(got); !maps.Equal(c, map[string]int{"face_embedding": 2}) {
			t.Fatalf("counts %v", c)
		}
	})
	t.Run("wide f0..f127", func(t *testing.T) {
		header := []string{"name"}
		for i := 0; i < 128; i++ {
			header = append(header, fmt.Sprintf("f%d", i))
		}
		var rows [][]string
		for r, n := range []string{"John Smith", "Anna Petrova", "Иванов Иван"} {
			rows = append(rows, append([]string{n}, floats(128, r)...))
		}
		got := scanTable(t, header, rows)
		want := map[string]int{"face_embedding": 3, "person_name": 3}
		if c := countTypes(got); !maps.Equal(c, want) {
			t.Fatalf("counts %v, want %v", c, want)
		}
		if got[1].Type != "face_embedding" || got[1].Loc.Column != "f0..f127" || got[1].Loc.Row != 1 {
			t.Errorf("detection %+v", got[1])
		}
	})
	t.Run("headerless wide", func(t *testing.T) {
		var rows [][]string
		for r := 0; r < 4; r++ {
			rows = append(rows, append([]string{fmt.Sprint(r + 1)}, floats(512, r)...))
		}
		got := scanTable(t, nil, rows)
		if c := countTypes(got); !maps.Equal(c, map[string]int{"face_embedding": 4}) {
			t.Fatalf("counts %v", c)
		}
	})
	t.Run("emb_1..emb_100 is no face embedding", func(t *testing.T) {
		var header []string
		for i := 1; i <= 100; i++ {
			header = append(header, fmt.Sprintf("emb_%d", i))
		}
		got := scanTable(t, header, [][]string{floats(100, 0)})
		if len(got) != 0 {
			t.Fatalf("got %+v", got)
		}
	})
}

func TestScannerStream(t *testing.T) {
	var got []string
	s := New(testKey).Scanner(func(d model.Detection) {
		got = append(got, fmt.Sprintf("%s@%d/%d", d.Type, d.Loc.Line, d.Loc.Row))
	})
	must(t, s.Text(model.Location{Line: 1}, "ИИН 900101300017"))
	must(t, s.TableStart(model.Location{Line: 2}, []string{"email"}))
	must(t, s.Row(model.Location{Line: 3, Row: 1}, []string{"a@b.kz"}))
	must(t, s.Found(model.Detection{Type: "face_image", Confidence: 0.9, Loc: model.Location{Line: 4}}))
	must(t, s.Row(model.Location{Line: 5, Row: 2}, []string{"c@d.kz"}))
	must(t, s.TableEnd())
	must(t, s.Found(model.Detection{Type: "voice_sample", Preview: "3 s", Loc: model.Location{Line: 6}}))
	must(t, s.Text(model.Location{Line: 7}, "тел +7 701 123 45 67"))
	want := []string{"kz_iin@1/0", "email@3/1", "face_image@4/0", "email@5/2", "voice_sample@6/0", "phone@7/0"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestFoundPreview(t *testing.T) {
	var got []model.Detection
	s := New(testKey).Scanner(func(d model.Detection) { got = append(got, d) })
	must(t, s.Found(model.Detection{Type: "face_image", Confidence: 0.9}))
	must(t, s.Found(model.Detection{Type: "geo_location", Preview: "43.2*, 76.8*"}))
	if got[0].Preview != "[face image]" || got[1].Preview != "43.2*, 76.8*" {
		t.Fatalf("got %+v", got)
	}
}

func TestHeaderHint(t *testing.T) {
	tests := map[string]string{
		"ФИО": "person_name", "full_name": "person_name", "customer_email": "email",
		"E-mail": "email", "Номер телефона": "phone", "mobilePhone": "phone", "ИИН": "kz_iin",
		"БИН": "kz_iin", "home_address": "address", "Дата рождения": "date_of_birth",
		"birth_date": "date_of_birth", "lat": hintLat, "lng": hintLon, "passport_no": "passport_number",
		"face_embedding": "face_embedding", "embedding": hintVector, "Вероисповедание": "religion",
		"Ұлты": "ethnicity", "product_name": "", "email_verified": "", "name": hintWeakName,
		"first_name": hintNamePart, "Аты-жөні": "person_name", "created_at": "",
	}
	for h, want := range tests {
		if got := headerHint(h); got != want {
			t.Errorf("headerHint(%q) = %q, want %q", h, got, want)
		}
	}
}
