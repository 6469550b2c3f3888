package detect

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/dpia-tool/dpia/assessment/evidence/model"
)

// benchCorpus generates about size bytes of mixed log and CSV lines: web access logs, JSON
// application logs, Russian and Kazakh service logs with personal data, CSV exports, debug
// lines full of look-alikes (UUIDs, versions, timestamps, hashes, prices) and plain prose.
func benchCorpus(size int) string { return genCorpus(size, 10) }

// cleanCorpus has only the line kinds without personal data (debug lines and prose, JSON
// logs and access logs without users or addresses): the cost of scanning alone.
func cleanCorpus(size int) string { return genCorpus(size, 0) }

func genCorpus(size, kinds int) string {
	r := rand.New(rand.NewPCG(7, 11))
	var b strings.Builder
	for b.Len() < size {
		if kinds == 0 {
			switch r.IntN(3) {
			case 0:
				fmt.Fprintf(&b, `{"ts":"2024-05-01T10:%02d:%02d.%03dZ","level":"debug","msg":"cache refreshed","keys":%d,"took_ms":%d.%02d,"trace":"%08x-%04x-4%03x-a%03x-%012x"}`,
					r.IntN(60), r.IntN(60), r.IntN(1000), r.IntN(1e6), r.IntN(100000), r.IntN(100),
					r.Uint32(), r.IntN(1<<16), r.IntN(1<<12), r.IntN(1<<12), r.Int64N(1<<48))
			case 1:
				fmt.Fprintf(&b, "DEBUG worker-%d build v2.%d.%d sha=%016x%016x took %d.%03dms queue=%d retries=%d",
					r.IntN(16), r.IntN(20), r.IntN(100), r.Uint64(), r.Uint64(), r.IntN(900), r.IntN(1000), r.IntN(500), r.IntN(5))
			default:
				b.WriteString("2024-05-01 10:00:00 INFO Планировщик повторил пакет после тайм-аута вышестоящего сервиса; данные клиентов не изменялись, кэш прогрет заново.")
			}
			b.WriteByte('\n')
			continue
		}
		iin := genIIN(r)
		phone, _ := genPhone(r)
		email := genEmail(r)
		ip := fmt.Sprintf("%d.%d.%d.%d", 10+r.IntN(200), r.IntN(256), r.IntN(256), 1+r.IntN(254))
		switch r.IntN(10) {
		case 0, 1:
			fmt.Fprintf(&b, `%s - - [01/May/2024:10:%02d:%02d +0000] "GET /api/v1/orders/%d?page=%d HTTP/1.1" %d %d "-" "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"`,
				ip, r.IntN(60), r.IntN(60), r.IntN(100000), r.IntN(20), 200, r.IntN(90000))
		case 2:
			fmt.Fprintf(&b, `{"ts":"2024-05-01T10:%02d:%02d.%03dZ","level":"info","msg":"order created","order_id":%d,"user":"%s","amount":%d.%02d,"trace":"%08x-%04x-4%03x-a%03x-%012x"}`,
				r.IntN(60), r.IntN(60), r.IntN(1000), r.IntN(1e6), email, r.IntN(100000), r.IntN(100),
				r.Uint32(), r.IntN(1<<16), r.IntN(1<<12), r.IntN(1<<12), r.Int64N(1<<48))
		case 3:
			fmt.Fprintf(&b, "2024-05-01 10:%02d:%02d INFO Клиент Иванов Иван Иванович оформил заказ №%d, ИИН %s, тел. %s, сумма 12 500 ₸",
				r.IntN(60), r.IntN(60), r.IntN(100000), iin, phone)
		case 4:
			fmt.Fprintf(&b, "%d,Петров Пётр,%s,%s,KZ86125KZT5004100100,Алматы,%s,%d.%02d",
				r.IntN(100000), email, phone, iin, r.IntN(10000), r.IntN(100))
		case 5:
			fmt.Fprintf(&b, "DEBUG worker-%d build v2.%d.%d sha=%016x%016x took %d.%03dms queue=%d retries=%d",
				r.IntN(16), r.IntN(20), r.IntN(100), r.Uint64(), r.Uint64(), r.IntN(900), r.IntN(1000), r.IntN(500), r.IntN(5))
		case 6:
			fmt.Fprintf(&b, "2024-05-01 10:%02d:%02d WARN Өтініш қабылданды: ЖСН %s, телефон %s, мекенжай: Астана қ., Мәңгілік Ел 55",
				r.IntN(60), r.IntN(60), iin, phone)
		case 7:
			fmt.Fprintf(&b, "Пациент обратился %02d.%02d.2024, диагноз: J45 бронхиальная астма, назначено лечение. Врач: Ахметова А.",
				1+r.IntN(28), 1+r.IntN(12))
		default:
			b.WriteString("The scheduler retried the batch after the upstream service returned a timeout; no customer data was changed and the cache was warmed again.")
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func BenchmarkDetectText(b *testing.B) {
	corpus := benchCorpus(1 << 20)
	lines := strings.Split(corpus, "\n")
	d := New(testKey)
	n := 0
	emit := func(model.Detection) { n++ }
	b.SetBytes(int64(len(corpus)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for l, line := range lines {
			d.DetectText(model.Location{Line: l + 1}, line, emit)
		}
	}
	b.ReportMetric(float64(n)/float64(b.N), "detections/op")
}

func BenchmarkDetectTextClean(b *testing.B) {
	corpus := cleanCorpus(1 << 20)
	lines := strings.Split(corpus, "\n")
	d := New(testKey)
	n := 0
	b.SetBytes(int64(len(corpus)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, line := range lines {
			d.DetectText(model.Location{}, line, func(model.Detection) { n++ })
		}
	}
	b.ReportMetric(float64(n)/float64(b.N), "detections/op")
}

func BenchmarkDetectTextParallel(b *testing.B) {
	corpus := benchCorpus(1 << 20)
	lines := strings.Split(corpus, "\n")
	d := New(testKey)
	b.SetBytes(int64(len(corpus)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			for _, line := range lines {
				d.DetectText(model.Location{}, line, func(model.Detection) {})
			}
		}
	})
}

func BenchmarkMaskText(b *testing.B) {
	corpus := benchCorpus(1 << 20)
	lines := strings.Split(corpus, "\n")
	d := New(testKey)
	b.SetBytes(int64(len(corpus)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, line := range lines {
			_ = d.MaskText(line)
		}
	}
}

func BenchmarkTableRows(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 5))
	header := []string{"id", "ФИО", "ИИН", "Телефон", "email", "Дата рождения", "comment", "amount"}
	rows := make([][]string, 2000)
	size := 0
	for i := range rows {
		phone, _ := genPhone(r)
		rows[i] = []string{fmt.Sprint(i + 1), "Иванов Иван Иванович", genIIN(r), phone, genEmail(r),
			fmt.Sprintf("%02d.%02d.19%02d", 1+r.IntN(28), 1+r.IntN(12), 50+r.IntN(50)),
			"доставка до двери, оплата картой", fmt.Sprintf("%d.%02d", r.IntN(100000), r.IntN(100))}
		for _, c := range rows[i] {
			size += len(c) + 1
		}
	}
	d := New(testKey)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s := d.Scanner(func(model.Detection) {})
		_ = s.TableStart(model.Location{Line: 1}, header)
		for k, row := range rows {
			_ = s.Row(model.Location{Line: k + 2, Row: k + 1}, row)
		}
		_ = s.TableEnd()
	}
}

// BenchmarkPhoneUncached is the cost of a phone number seen for the first time
// (libphonenumber validation, before the memo).
func BenchmarkPhoneUncached(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if !libValid(7, "7011234567") {
			b.Fatal("invalid")
		}
	}
}
