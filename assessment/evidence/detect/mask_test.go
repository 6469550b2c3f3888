package detect

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/dpia-tool/dpia/assessment/evidence/model"
)

func TestMask(t *testing.T) {
	tests := []struct{ typ, in, want string }{
		{"kz_iin", "900101300017", "9001******17"},
		{"kz_bin", "150440000013", "1504******13"},
		{"payment_card", "4111 1111 1111 1111", "4111 **** **** 1111"},
		{"payment_card", "378282246310005", "3782 **** ***0 005"},
		{"iban", "KZ86125KZT5004100100", "KZ86 **** **** **** 0100"},
		{"iban", "GB82 WEST 1234 5698 7654 32", "GB82 **** **** **** **54 32"},
		{"email", "ivanov@example.com", "i***@example.com"},
		{"email", "жан@mail.kz", "ж***@mail.kz"},
		{"phone", "+7 701 123 45 67", "+7 701 *** ** 67"},
		{"phone", "8 (701) 123-45-67", "+7 701 *** ** 67"},
		{"phone", "+49 30 1234567", "+49 301 **** 67"},
		{"ip_address", "192.168.10.24", "192.168.*.*"},
		{"ip_address", "2001:db8::1", "2001:db8:*:*:*:*:*:*"},
		{"geo_location", "43.238949, 76.889709", "43.2*****, 76.8*****"},
		{"date_of_birth", "15.03.1985", "1985-**-**"},
		{"date_of_birth", "1985-03-15", "1985-**-**"},
		{"passport_number", "N12345678", "N12****78"},
		{"person_name", "Иванов Иван Иванович", "И*** И*** И***"},
		{"address", "г. Алматы, ул. Абая 10", "г. ***"},
		{"face_embedding", vecText(128), "[128-d vector]"},
		{"health", "Астма", "А***"},
		{"health", "ВИЧ", "***"},
		{"religion", "Православный христианин", "Пр***ин"},
		{"email", "", ""},
	}
	for _, tt := range tests {
		if got := Mask(tt.typ, tt.in); got != tt.want {
			t.Errorf("Mask(%q, %q) = %q, want %q", tt.typ, tt.in, got, tt.want)
		}
	}
}

// genIIN returns a random valid IIN.
func genIIN(r *rand.Rand) string {
	for {
		p := fmt.Sprintf("%02d%02d%02d%d%04d", r.IntN(100), 1+r.IntN(12), 1+r.IntN(28), 3+r.IntN(2), r.IntN(10000))
		if s := withCheck(p); s != "" && ValidIIN(s) {
			return s
		}
	}
}

var mobileCodes = []string{"701", "702", "705", "707", "747", "771", "775", "777", "778"}

func genPhone(r *rand.Rand) (text, digits string) {
	code := mobileCodes[r.IntN(len(mobileCodes))]
	n := fmt.Sprintf("%03d%02d%02d", r.IntN(1000), r.IntN(100), r.IntN(100))
	digits = code + n
	switch r.IntN(3) {
	case 0:
		return fmt.Sprintf("+7 %s %s %s %s", code, n[:3], n[3:5], n[5:]), digits
	case 1:
		return fmt.Sprintf("8 (%s) %s-%s-%s", code, n[:3], n[3:5], n[5:]), digits
	}
	return "8" + digits, digits
}

func genEmail(r *rand.Rand) string {
	users := []string{"ivan.petrov", "a.smith", "aigerim_92", "john+tag", "serik"}
	hosts := []string{"mail.kz", "gmail.com", "inbox.ru", "corp.example.org"}
	return fmt.Sprintf("%s%d@%s", users[r.IntN(len(users))], r.IntN(1000), hosts[r.IntN(len(hosts))])
}

// TestMaskTextNoRaw is a property test: generated IINs, phones and e-mails inside log lines
// are all detected, and none survives MaskText.
func TestMaskTextNoRaw(t *testing.T) {
	d := New(testKey)
	r := rand.New(rand.NewPCG(1, 2))
	templates := []string{
		"%s | ИИН %s | тел %s | %s",
		"user=%s iin=%s phone=%s mail=%s;",
		"Клиент %s, ЖСН:%s, звонок на %s, e-mail: %s.",
	}
	for i := 0; i < 2000; i++ {
		iin := genIIN(r)
		phone, digits := genPhone(r)
		email := genEmail(r)
		line := fmt.Sprintf(templates[i%len(templates)], "2024-05-01 10:00:00", iin, phone, email)
		got := textCounts(d, line)
		if got["kz_iin"] != 1 || got["phone"] != 1 || got["email"] != 1 {
			t.Fatalf("DetectText(%q) = %v", line, got)
		}
		masked := d.MaskText(line)
		for _, raw := range []string{iin, phone, email, digits} {
			if strings.Contains(masked, raw) || strings.Contains(strings.NewReplacer(" ", "", "-", "", "(", "", ")", "").Replace(masked), raw) {
				t.Fatalf("MaskText(%q) = %q keeps %q", line, masked, raw)
			}
		}
		if after := textCounts(d, masked); after["kz_iin"]+after["phone"]+after["email"] != 0 {
			t.Fatalf("MaskText(%q) = %q still has %v", line, masked, after)
		}
	}
}

func TestMaskTextKeepsOtherText(t *testing.T) {
	d := New(testKey)
	in := "Диагноз: астма; ИИН 900101300017; ok"
	want := "Диагноз: астма; ИИН 9001******17; ok"
	if got := d.MaskText(in); got != want {
		t.Errorf("MaskText = %q, want %q", got, want)
	}
	if got := d.MaskText("nothing here"); got != "nothing here" {
		t.Errorf("MaskText changed clean text: %q", got)
	}
	// overlapping detections are masked as one: the address contains the IIN
	in = "адрес: ул. Абая 10, ИИН 900101300017"
	if got := d.MaskText(in); strings.Contains(got, "900101300017") || strings.Contains(got, "Абая") {
		t.Errorf("MaskText(%q) = %q", in, got)
	}
}

func keys(d *Detector, text string) map[string]string {
	m := map[string]string{}
	d.DetectText(model.Location{}, text, func(det model.Detection) { m[det.Type] = det.Key })
	return m
}

func TestKeys(t *testing.T) {
	d1, d2 := New(testKey), New([]byte("another-32-byte-workspace-key!!!"))
	a := keys(d1, "ИИН 900101300017, +7 701 123 45 67, Ivan@Mail.KZ")
	b := keys(d1, "iin=900101300017 phone=87011234567 email=ivan@mail.kz")
	for _, typ := range []string{"kz_iin", "phone", "email"} {
		if a[typ] == "" || a[typ] != b[typ] {
			t.Errorf("%s: keys differ for one value: %q vs %q", typ, a[typ], b[typ])
		}
	}
	c := keys(d2, "ИИН 900101300017, +7 701 123 45 67, Ivan@Mail.KZ")
	for _, typ := range []string{"kz_iin", "phone", "email"} {
		if a[typ] == c[typ] {
			t.Errorf("%s: two workspace keys give the same Key", typ)
		}
	}
	if x := keys(d1, "ИИН 851205401236"); x["kz_iin"] == a["kz_iin"] {
		t.Error("two IINs give the same Key")
	}
	// a table cell and a text line of two files link
	var cell string
	s := d1.Scanner(func(det model.Detection) { cell = det.Key })
	must(t, s.TableStart(model.Location{}, []string{"ИИН"}))
	must(t, s.Row(model.Location{Row: 1}, []string{"900101300017"}))
	must(t, s.TableEnd())
	if cell != a["kz_iin"] {
		t.Errorf("table Key %q, text Key %q", cell, a["kz_iin"])
	}
}

// TestConcurrent shares one Detector across goroutines (run with -race).
func TestConcurrent(t *testing.T) {
	d := New(testKey)
	corpus := benchCorpus(64 << 10)
	want := textCounts(d, corpus)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, line := range strings.Split(corpus, "\n")[:200] {
				d.DetectText(model.Location{}, line, func(model.Detection) {})
				_ = d.MaskText(line)
			}
			if got := textCounts(d, corpus); len(got) != len(want) {
				t.Errorf("concurrent counts %v, want %v", got, want)
			}
		}()
	}
	wg.Wait()
}

// TestKeyIsHMAC checks the Key contract against crypto/hmac: hex(HMAC-SHA256(key, type + ":"
// + normalised value)), for short, long and empty workspace keys, on both code paths.
func TestKeyIsHMAC(t *testing.T) {
	for _, key := range [][]byte{testKey, []byte(strings.Repeat("k", 100)), {}} {
		want := func(msg string) string {
			m := hmac.New(sha256.New, key)
			m.Write([]byte(msg))
			return hex.EncodeToString(m.Sum(nil))
		}
		d := New(key)
		if d.keys.fallback {
			t.Errorf("key of %d bytes: fast HMAC path not used", len(key))
		}
		got := keys(d, "ИИН 900101300017, тел 8 (701) 123-45-67, Ivan@Mail.KZ")
		for typ, norm := range map[string]string{"kz_iin": "900101300017", "phone": "+77011234567", "email": "ivan@mail.kz"} {
			if got[typ] != want(typ+":"+norm) {
				t.Errorf("key of %d bytes: %s Key %q, want %q", len(key), typ, got[typ], want(typ+":"+norm))
			}
		}
		slow := &keyHash{key: key, fallback: true}
		if s := hex.EncodeToString(slow.sum(newKeyScratch(slow), []byte("email:a@b.kz"))); s != want("email:a@b.kz") {
			t.Errorf("fallback HMAC %q", s)
		}
	}
}
