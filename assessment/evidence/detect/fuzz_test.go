package detect

import (
	"strings"
	"testing"

	"github.com/dpia-tool/dpia/assessment/evidence/model"
)

var fuzzSeeds = []string{
	"",
	"Клиент: Иванов Иван Иванович, ИИН 900101300017, тел. +7 701 123 45 67",
	"iin=900101310506;900101300017,851205401236 ИИН900101300017",
	"user ivan.petrov@mail.kz from 192.168.1.10:443 and 2001:db8::1",
	"card 4111 1111 1111 1111, IBAN KZ86 125K ZT50 0410 0100, GB82WEST12345698765432",
	"дата рождения: 15.03.1985; паспорт N12345678; адрес: г. Алматы, ул. Абая 10",
	`{"lat": 43.238949, "lng": 76.889709, "name": "John Smith"}`,
	"Диагноз: ВИЧ; Вероисповедание: мусульманин; Национальность: русский; ЛГБТ",
	"2024-01-01 12:00:00 version 1.2.3.4-beta 123e4567-e89b-12d3-a456-900101300017",
	"[0.1, 0.2, -0.3]",
	"8 (701) 123-45-67 +49 30 1234567 (702) 555-12-34 +",
	"Серік Болатұлы @ : [ ( + 9",
	"\xff\xfe\xd0\x00ИИН\xd0",
}

func FuzzDetectText(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	d := New(testKey)
	f.Fuzz(func(t *testing.T, s string) {
		check := func(det model.Detection) {
			if det.Type == "" || det.Confidence <= 0 || det.Confidence > 1 || det.Preview == "" {
				t.Fatalf("bad detection %+v in %q", det, s)
			}
		}
		d.DetectText(model.Location{Line: 1}, s, check)
		sc := d.Scanner(check)
		cells := strings.Split(s, ",")
		_ = sc.TableStart(model.Location{}, cells)
		_ = sc.Row(model.Location{Row: 1}, cells)
		_ = sc.Row(model.Location{Row: 2}, strings.Fields(s))
		_ = sc.TableEnd()
		_ = sc.Text(model.Location{}, s)
	})
}

// iinKeys returns the Keys of the IINs DetectText finds in s.
func iinKeys(d *Detector, s string) map[string]bool {
	m := map[string]bool{}
	d.DetectText(model.Location{}, s, func(det model.Detection) {
		if det.Type == "kz_iin" {
			m[det.Key] = true
		}
	})
	return m
}

func FuzzMaskText(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	d := New(testKey)
	f.Fuzz(func(t *testing.T, s string) {
		masked := d.MaskText(s)
		before := iinKeys(d, s)
		for k := range iinKeys(d, masked) {
			if before[k] {
				t.Fatalf("MaskText(%q) = %q still holds an IIN of the input", s, masked)
			}
		}
	})
}

// rawValues returns the raw text of the detections of typ in s (test only: the package
// never exports raw values).
func rawValues(d *Detector, s, typ string) []string {
	st := d.newState()
	st.find(s)
	var out []string
	for _, sp := range st.spans {
		if sp.typ == typ {
			out = append(out, s[sp.start:sp.end])
		}
	}
	return out
}

// TestMaskTextRawGone checks with the test helper that no detected raw IIN, phone or e-mail
// appears in the masked seeds.
func TestMaskTextRawGone(t *testing.T) {
	d := New(testKey)
	for _, s := range fuzzSeeds {
		masked := d.MaskText(s)
		for _, typ := range []string{"kz_iin", "phone", "email", "iban", "payment_card"} {
			for _, v := range rawValues(d, s, typ) {
				if strings.Contains(masked, v) {
					t.Errorf("MaskText(%q) = %q keeps %s %q", s, masked, typ, v)
				}
			}
		}
	}
}
