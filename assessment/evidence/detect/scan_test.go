package detect

import (
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/dpia-tool/dpia/assessment/evidence/model"
)

var testKey = []byte("0123456789abcdef0123456789abcdef")

// textCounts runs DetectText and counts detections by type.
func textCounts(d *Detector, text string) map[string]int {
	got := map[string]int{}
	d.DetectText(model.Location{Line: 1}, text, func(det model.Detection) { got[det.Type]++ })
	return got
}

// vec128 is a JSON-style vector of n floats.
func vecText(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf("%.4f", float64(i%17)/17-0.5)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func TestDetectText(t *testing.T) {
	type m = map[string]int
	tests := []struct {
		name, text string
		want       m
	}{
		// must find
		{"email and ip", "user ivan.petrov@mail.kz logged in from 192.168.1.10", m{"email": 1, "ip_address": 1}},
		{"ru client line", "Клиент: Иванов Иван Иванович, ИИН 900101300017, тел. +7 701 123 45 67",
			m{"person_name": 1, "kz_iin": 1, "phone": 1}},
		{"iin glued to word", "ИИН900101300017", m{"kz_iin": 1}},
		{"iin second pass", "iin=900101310506;", m{"kz_iin": 1}},
		{"bin", "БИН 150440000013 ТОО «Ромашка»", m{"kz_bin": 1}},
		{"kk line", "Аты-жөні: Серік Болатұлы, ЖСН 900101310506", m{"person_name": 1, "kz_iin": 1}},
		{"card spaced", "card 4111 1111 1111 1111 exp 12/27", m{"payment_card": 1}},
		{"card dashed", "PAN=4111-1111-1111-1111", m{"payment_card": 1}},
		{"card dashed then space", "PAN 4111-1111-1111-1111 exp 12/27", m{"payment_card": 1}},
		{"card dashed at line end", "PAN 4111-1111-1111-1111-\nnext", m{"payment_card": 1}},
		{"card bare", "pan 5500005555555559 ok", m{"payment_card": 1}},
		{"iban", "IBAN: KZ86125KZT5004100100", m{"iban": 1}},
		{"iban printed", "счёт KZ86 125K ZT50 0410 0100 в банке", m{"iban": 1}},
		{"iban gb printed", "GB82 WEST 1234 5698 7654 32.", m{"iban": 1}},
		{"phones", "звонить 8 (701) 123-45-67 или +49 30 1234567", m{"phone": 2}},
		{"phone bare 11", "msisdn 87011234567", m{"phone": 1}},
		{"phone ctx 10", "тел: 7011234567", m{"phone": 1}},
		{"phone paren", "(701) 123-45-67", m{"phone": 1}},
		{"dob ru", "дата рождения: 15.03.1985", m{"date_of_birth": 1}},
		{"dob en", "DOB 1990-01-15", m{"date_of_birth": 1}},
		{"dob kk", "туған күні 1990/01/15", m{"date_of_birth": 1}},
		{"passport", "паспорт N12345678 выдан МВД РК", m{"passport_number": 1}},
		{"address", "адрес: г. Алматы, ул. Абая 10, кв. 5; тел", m{"address": 1}},
		{"address json", `{"address": "Astana, Mangilik El 55", "x": 1}`, m{"address": 1}},
		{"address en", "Address: 221B Baker Street, London", m{"address": 1}},
		{"a manual's address is not postal", "+ Address: URL of a static IP address reservation. For example:", m{}},
		{"a hex address is not postal", "fault at address: fd2c1a0b", m{}},
		{"geo pair", "location 43.2389, 76.8897", m{"geo_location": 1}},
		{"geo json", `{"lat": 43.238949, "lng": 76.889709}`, m{"geo_location": 1}},
		{"geo negative", "at -33.8688,151.2093 today", m{"geo_location": 1}},
		{"geo csv row", "1,43.2389,76.8897,Алматы", m{"geo_location": 1}},
		{"ipv6", "from 2001:db8::1 port 22", m{"ip_address": 1}},
		{"ipv6 full", "fe80::1ff:fe23:4567:890a", m{"ip_address": 1}},
		{"ip port", "client 10.0.0.1:8080 connected", m{"ip_address": 1}},
		{"bare dotted quad is an address", "peer 1.2.3.4 connected", m{"ip_address": 1}},
		{"embedding", "vec=" + vecText(128), m{"face_embedding": 1}},
		{"embedding 512", vecText(512), m{"face_embedding": 1}},
		{"name en", "name: John Smith, age 30", m{"person_name": 1}},
		{"health pair", "Диагноз: ВИЧ-инфекция", m{"health": 1}},
		{"health stem", "пациентка беременна", m{"health": 1}},
		{"health kk", "мүгедектік тобы бар", m{"health": 1}},
		{"political", "Член партии Amanat с 2010 года", m{"political_opinion": 1}},
		{"religion pair", "Вероисповедание: мусульманин", m{"religion": 1}},
		{"religion en", "Religion: Christian", m{"religion": 1}},
		{"ethnicity pair", "Национальность: русский", m{"ethnicity": 1}},
		{"ethnicity kk", "Ұлты: қазақ", m{"ethnicity": 1}},
		{"ethnicity alone", "казах по отцу", m{"ethnicity": 1}},
		{"ethnicity capitalised", "Казах по отцу", m{"ethnicity": 1}},
		{"ethnicity in capitals", "НАЦИОНАЛЬНОСТЬ КАЗАХ ИВАНОВ", m{"ethnicity": 1}},
		{"company name is not ethnicity", "поставщик ТОО «Казах Агро Сервис», договор 12", m{}},
		{"religion capitalised at a sentence start", "Muslim families were cited.", m{"religion": 1}},
		{"religion en plural", "Christians and Muslims", m{"religion": 2}},
		{"a first name alone is not religion", "Change password fetching interface (Christian)", m{}},
		{"first name is not religion", "Copyright 2005 Christian Henning and others", m{}},
		{"surname is not orientation", "Copyright 1991 by David Gay, AT&T Bell Laboratories", m{}},
		{"surname after an initial", "The author of this software is David M. Gay.", m{}},
		{"a keyword inside an e-mail address", "(c) 2021 <christian.brauner@ubuntu.com>", m{"email": 1}},
		{"sentence after a full stop", "It was late. Muslim families came.", m{"religion": 1}},
		{"orientation after a full stop", "Appointed. Gay rights were discussed.", m{"sexual_orientation": 1}},
		{"software diagnostics are not health", "enable diagnostics_channel and --diagnostic-dir", m{}},
		{"italian disable is not health", "disabilita il controllo; disabilitare la cache", m{}},
		{"disability en", "registered disability, category 2", m{"health": 1}},
		{"good faith is not religion", "provided in good faith, without warranty", m{}},
		{"a display name is not a person", `--display-name="My Workforce Pool" --disabled`, m{}},
		{"health en", "She was diagnosed in 2020.", m{"health": 1}},
		{"lgbt", "ЛГБТ-сообщество", m{"sexual_orientation": 1}},
		{"gay", "He is gay.", m{"sexual_orientation": 1}},
		{"two iins", "900101300017,851205401236", m{"kz_iin": 2}},

		// must not find
		{"order number failing check", "order 900101300018 shipped", m{}},
		{"timestamp", "2024-01-01 12:00:00 status=200 bytes=5123", m{}},
		{"iso timestamp", "ts=2024-01-01T12:00:00.123Z level=info", m{}},
		{"date without dob context", "created 15.03.1985 by admin", m{}},
		{"version beta", "version 1.2.3.4-beta released", m{}},
		{"version word", "version 1.2.3.4", m{}},
		{"v prefix", "v1.2.3.4 and 1.2.3", m{}},
		{"oid", "oid 1.3.6.1.4.1.343", m{}},
		{"netmask", "netmask 255.255.255.0 gw 0.0.0.0", m{}},
		{"loopback", "listen 127.0.0.1:80 and [::1]:80", m{}},
		{"uuid", "id 123e4567-e89b-12d3-a456-900101300017", m{}},
		{"prices", "Итого: 12 500 ₸, скидка 1,234.56 USD, цена 4 999,99", m{}},
		{"epoch ms", "ts=1704067200000 ns=1704067200000000000", m{}},
		{"luhn fails", "card 4111111111111112", m{}},
		{"iban altered", "KZ86125KZT5004100101", m{}},
		{"short phone", "+7 701 123", m{}},
		{"bare 10 digits", "id 7011234567", m{}},
		{"passport without context", "ref N12345678", m{}},
		{"retina file", "logo@2x.png", m{}},
		{"cpp", "std::string and a::b", m{}},
		{"mac", "MAC 00:1a:2b:3c:4d:5e", m{}},
		{"price decimals", "price 43.25, 76.88", m{}},
		{"filename", "filename: Report Final", m{}},
		{"batch", "партия товара №5 отгружена", m{}},
		{"language", "говорит на русском языке", m{}},
		{"disabled", "feature disabled; race condition fixed", m{}},
		{"embedding 127", vecText(127), m{}},
		{"email address label", "email address: a.b@mail.kz", m{"email": 1}},
		{"hex hash", "sha 3f2a900101300017bc", m{}},
		{"kazakhstan", "Казахстан, Қазақстан Республикасы", m{}},
	}
	d := New(testKey)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := textCounts(d, tt.text)
			if !maps.Equal(got, tt.want) {
				t.Errorf("DetectText(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

func TestDetectionFields(t *testing.T) {
	d := New(testKey)
	loc := model.Location{Line: 7, Page: 2}
	var got []model.Detection
	text := "ИИН 900101300017, email Ivan@Mail.kz, тел +7 701 123 45 67, Диагноз: астма"
	d.DetectText(loc, text, func(det model.Detection) { got = append(got, det) })
	want := []struct{ typ, preview string }{
		{"kz_iin", "9001******17"},
		{"email", "I***@Mail.kz"},
		{"phone", "+7 701 *** ** 67"},
		{"health", "астма"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d detections %+v, want %d", len(got), got, len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Type != w.typ || g.Preview != w.preview || g.Loc != loc {
			t.Errorf("detection %d = %+v, want type %s preview %q at %+v", i, g, w.typ, w.preview, loc)
		}
		for _, raw := range []string{"900101300017", "Ivan@Mail.kz", "7011234567"} {
			if strings.Contains(g.Preview, raw) || strings.Contains(g.Key, raw) {
				t.Errorf("detection %d keeps the raw value %q: %+v", i, raw, g)
			}
		}
	}
	if got[0].Confidence < 0.95 || got[3].Confidence >= 0.95 {
		t.Errorf("confidences: identifier %.2f, keyword %.2f", got[0].Confidence, got[3].Confidence)
	}
	if got[0].Key == "" || got[3].Key != "" {
		t.Errorf("keys: identifier %q, keyword %q", got[0].Key, got[3].Key)
	}
}

// TestKeywordTable checks the keyword data: no duplicates, lower case, no empty words.
func TestKeywordTable(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range keywordTable() {
		if k.word == "" || k.word != strings.ToLower(k.word) {
			t.Errorf("bad keyword %q", k.word)
		}
		if seen[k.word] {
			t.Errorf("duplicate keyword %q", k.word)
		}
		seen[k.word] = true
		if k.role <= roleValue && !isSpecialType(k.typ) {
			t.Errorf("keyword %q has type %q", k.word, k.typ)
		}
	}
}
