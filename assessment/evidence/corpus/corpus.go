// Package corpus generates a synthetic, seeded evidence corpus for the recall and precision
// tests and the benchmarks of the evidence pipeline: CSV files (Russian and English headers),
// JSON Lines events and Russian/Kazakh prose, with planted personal-data values of known
// count and decoys that look like them but must not be reported.
//
// The same Seed and Options always give byte-identical files. The Manifest counts every
// planted value by detection type and every decoy by kind.
package corpus

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Detection types planted (contract C4 names).
const (
	IIN   = "kz_iin"
	BIN   = "kz_bin"
	Email = "email"
	Phone = "phone"
	Card  = "payment_card"
	IBAN  = "iban"
	IP    = "ip_address"
)

// PlantedTypes are the types the Manifest counts exactly.
var PlantedTypes = []string{IIN, BIN, Email, Phone, Card, IBAN, IP}

// Decoy kinds.
const (
	DecoyIIN       = "iin_bad_check"  // 12 digits shaped like an IIN, wrong check digit
	DecoyBIN       = "bin_bad_check"  // 12 digits shaped like a BIN, wrong check digit
	DecoyCard      = "card_bad_luhn"  // 16 digits with a card prefix, failing Luhn
	DecoyIBAN      = "iban_bad_mod97" // KZ + 18 characters failing mod-97
	DecoyVersion   = "version_string" // 1.2.3.4-beta, or a dotted quad after "version"
	DecoyTimestamp = "timestamp"      // 2024-03-15T10:22:31Z and the like
	DecoyOrder     = "order_number"   // ORD-00012345 or 9 digits
	DecoyNetmask   = "netmask"        // 255.255.255.0
)

// Options configure Generate.
type Options struct {
	Seed      int64
	Bytes     int64    // total size to write; default 4 MiB
	FileBytes int64    // approximate size of one file; default 1 MiB
	Kinds     []string // any of "csv", "jsonl", "txt"; default all three
}

// File is one generated file.
type File struct {
	Path    string         `json:"path"` // relative to the corpus folder, slash-separated
	Kind    string         `json:"kind"`
	Bytes   int64          `json:"bytes"`
	Planted map[string]int `json:"planted"`
	Decoys  map[string]int `json:"decoys"`
}

// Manifest describes a generated corpus.
type Manifest struct {
	Seed    int64          `json:"seed"`
	Bytes   int64          `json:"bytes"`
	Files   []File         `json:"files"`
	Planted map[string]int `json:"planted"` // exact number of planted values by detection type
	Decoys  map[string]int `json:"decoys"`  // number of decoys by kind
}

// Generate writes a corpus of about opts.Bytes into dir (created if needed) and returns its
// manifest. Files are written whole; the last one is cut short so the total stays within a
// line of opts.Bytes.
func Generate(dir string, opts Options) (Manifest, error) {
	if opts.Bytes <= 0 {
		opts.Bytes = 4 << 20
	}
	if opts.FileBytes <= 0 {
		opts.FileBytes = 1 << 20
	}
	kinds := opts.Kinds
	if len(kinds) == 0 {
		kinds = []string{"csv", "jsonl", "txt"}
	}
	for _, k := range kinds {
		if k != "csv" && k != "jsonl" && k != "txt" {
			return Manifest{}, fmt.Errorf("corpus: unknown kind %q", k)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Manifest{}, err
	}
	m := Manifest{Seed: opts.Seed, Planted: map[string]int{}, Decoys: map[string]int{}}
	r := rand.New(rand.NewPCG(uint64(opts.Seed), 0x9e3779b97f4a7c15))
	for i := 0; m.Bytes < opts.Bytes; i++ {
		kind := kinds[i%len(kinds)]
		size := min(opts.FileBytes, opts.Bytes-m.Bytes)
		name := fmt.Sprintf("%s/%05d.%s", shard(i), i, kind)
		if kind == "csv" && i%2 == 1 {
			name = fmt.Sprintf("%s/clients_%05d.csv", shard(i), i)
		}
		f, err := writeFile(filepath.Join(dir, filepath.FromSlash(name)), kind, i, size, r)
		if err != nil {
			return m, err
		}
		f.Path = name
		m.Bytes += f.Bytes
		for t, n := range f.Planted {
			m.Planted[t] += n
		}
		for t, n := range f.Decoys {
			m.Decoys[t] += n
		}
		m.Files = append(m.Files, f)
	}
	return m, nil
}

// shard spreads files over folders of 100.
func shard(i int) string { return fmt.Sprintf("part%03d", i/100) }

// gen writes one file's lines and counts what it plants.
type gen struct {
	r       *rand.Rand
	w       *bufio.Writer
	n       int64
	planted map[string]int
	decoys  map[string]int
}

func (g *gen) line(s string) {
	g.w.WriteString(s)
	g.w.WriteByte('\n')
	g.n += int64(len(s)) + 1
}

func (g *gen) plant(typ, v string) string  { g.planted[typ]++; return v }
func (g *gen) decoy(kind, v string) string { g.decoys[kind]++; return v }

func writeFile(path, kind string, i int, size int64, r *rand.Rand) (File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return File{}, err
	}
	fh, err := os.Create(path)
	if err != nil {
		return File{}, err
	}
	g := &gen{r: r, w: bufio.NewWriterSize(fh, 256<<10), planted: map[string]int{}, decoys: map[string]int{}}
	switch kind {
	case "csv":
		if i%2 == 1 {
			g.csvRussian(size)
		} else {
			g.csvEnglish(size)
		}
	case "jsonl":
		g.jsonl(size)
	default:
		g.prose(size)
	}
	err = g.w.Flush()
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	return File{Kind: kind, Bytes: g.n, Planted: g.planted, Decoys: g.decoys}, err
}

// maybe returns v with probability p, otherwise "".
func (g *gen) maybe(p float64, v func() string) string {
	if g.r.Float64() < p {
		return v()
	}
	return ""
}

func csvCell(s string) string {
	if strings.ContainsAny(s, ",\"\n") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

// csvRussian writes a client register with Russian headers.
func (g *gen) csvRussian(size int64) {
	g.line("№,ФИО,ИИН,Телефон,email,Адрес,Дата регистрации,Номер заказа,Номер договора,Комментарий")
	for row := 1; g.n < size; row++ {
		id := g.maybe(0.9, func() string {
			if g.r.IntN(5) == 0 {
				return g.plant(BIN, bin(g.r))
			}
			return g.plant(IIN, iin(g.r))
		})
		cells := []string{
			strconv.Itoa(row),
			ruName(g.r),
			id,
			g.maybe(0.8, func() string { return g.plant(Phone, phone(g.r)) }),
			g.maybe(0.7, func() string { return g.plant(Email, email(g.r)) }),
			"г. " + ruCities[g.r.IntN(len(ruCities))] + ", ул. " + ruStreets[g.r.IntN(len(ruStreets))] + " " + strconv.Itoa(1+g.r.IntN(200)),
			g.decoy(DecoyTimestamp, timestamp(g.r)),
			g.decoy(DecoyOrder, orderNumber(g.r)),
			g.maybe(0.5, func() string { return g.decoy(DecoyIIN, badCheck(g.r, iin(g.r))) }),
			g.sentence(),
		}
		for k := range cells {
			cells[k] = csvCell(cells[k])
		}
		g.line(strings.Join(cells, ","))
	}
}

// csvEnglish writes a payments export with English headers.
func (g *gen) csvEnglish(size int64) {
	g.line("id,full_name,email,phone,iin,card_number,iban,ip,created_at,order_id,app_version,reference,amount,note")
	for row := 1; g.n < size; row++ {
		cells := []string{
			strconv.Itoa(row),
			enName(g.r),
			g.maybe(0.9, func() string { return g.plant(Email, email(g.r)) }),
			g.maybe(0.6, func() string { return g.plant(Phone, phone(g.r)) }),
			g.maybe(0.6, func() string { return g.plant(IIN, iin(g.r)) }),
			g.maybe(0.5, func() string {
				c := g.plant(Card, card(g.r))
				if g.r.IntN(2) == 0 {
					c = groups4(c, " ")
				}
				return c
			}),
			g.maybe(0.4, func() string {
				v := g.plant(IBAN, iban(g.r))
				if g.r.IntN(3) == 0 {
					v = groups4(v, " ")
				}
				return v
			}),
			g.maybe(0.7, func() string { return g.plant(IP, ipv4(g.r)) }),
			g.decoy(DecoyTimestamp, timestamp(g.r)),
			g.decoy(DecoyOrder, orderNumber(g.r)),
			g.decoy(DecoyVersion, version(g.r)),
			g.maybe(0.5, func() string {
				switch g.r.IntN(3) {
				case 0:
					return g.decoy(DecoyCard, badLuhn(g.r))
				case 1:
					return g.decoy(DecoyIBAN, badIBAN(g.r))
				}
				return g.decoy(DecoyBIN, badCheck(g.r, bin(g.r)))
			}),
			fmt.Sprintf("%d.%02d", 100+g.r.IntN(500000), g.r.IntN(100)),
			enWords(g.r, 4+g.r.IntN(8)),
		}
		for k := range cells {
			cells[k] = csvCell(cells[k])
		}
		g.line(strings.Join(cells, ","))
	}
}

// jsonl writes application events, one flat JSON object a line.
func (g *gen) jsonl(size int64) {
	events := []string{"login", "logout", "payment", "transfer", "profile_update", "verify"}
	for g.n < size {
		var b strings.Builder
		b.WriteString(`{"ts":` + strconv.Quote(g.decoy(DecoyTimestamp, timestamp(g.r))))
		b.WriteString(`,"event":` + strconv.Quote(events[g.r.IntN(len(events))]))
		field := func(k, v string) {
			if v != "" {
				b.WriteString(`,"` + k + `":` + strconv.Quote(v))
			}
		}
		field("email", g.maybe(0.7, func() string { return g.plant(Email, email(g.r)) }))
		field("phone", g.maybe(0.5, func() string { return g.plant(Phone, phone(g.r)) }))
		field("iin", g.maybe(0.5, func() string { return g.plant(IIN, iin(g.r)) }))
		field("ip", g.maybe(0.8, func() string { return g.plant(IP, ipv4(g.r)) }))
		field("card", g.maybe(0.2, func() string { return g.plant(Card, card(g.r)) }))
		field("iban", g.maybe(0.2, func() string { return g.plant(IBAN, iban(g.r)) }))
		field("order_id", g.decoy(DecoyOrder, orderNumber(g.r)))
		field("client_version", g.maybe(0.5, func() string { return g.decoy(DecoyVersion, version(g.r)) }))
		field("contract", g.maybe(0.3, func() string { return g.decoy(DecoyIIN, badCheck(g.r, iin(g.r))) }))
		field("message", g.sentence())
		fmt.Fprintf(&b, `,"amount":%d.%02d}`, g.r.IntN(1000000), g.r.IntN(100))
		g.line(b.String())
	}
}

// prose writes Russian and Kazakh paragraphs.
func (g *gen) prose(size int64) {
	for g.n < size {
		var b strings.Builder
		for k := 3 + g.r.IntN(6); k > 0; k-- {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(g.sentence())
		}
		g.line(b.String())
		if g.n < size {
			g.line("")
		}
	}
}

// sentence returns one sentence: filler words, or a template with a planted value or decoy.
func (g *gen) sentence() string {
	r := g.r
	switch r.IntN(30) {
	case 0:
		return "Клиент " + ruName(r) + " (ИИН " + g.plant(IIN, iin(r)) + ") обратился в отделение в городе " + ruCities[r.IntN(len(ruCities))] + "."
	case 1:
		return "Просим перечислить средства на счёт " + g.ibanText() + ", получатель ТОО «" + ruCompanies[r.IntN(len(ruCompanies))] + "», БИН " + g.plant(BIN, bin(r)) + "."
	case 2:
		return "Контактный телефон: " + g.plant(Phone, phone(r)) + ", электронная почта " + g.plant(Email, email(r)) + "."
	case 3:
		return "Оплата картой " + g.cardText() + " прошла успешно."
	case 4:
		return "Вход в личный кабинет с адреса " + g.plant(IP, ipv4(r)) + " зафиксирован в журнале."
	case 5:
		return "Өтініш берушінің ЖСН " + g.plant(IIN, iin(r)) + ", байланыс телефоны " + g.plant(Phone, phone(r)) + "."
	case 6:
		return "Хат " + g.plant(Email, email(r)) + " мекенжайына жіберілді."
	case 7:
		return "Номер заказа " + g.decoy(DecoyOrder, orderNumber(r)) + ", создан " + g.decoy(DecoyTimestamp, timestamp(r)) + "."
	case 8:
		return "Номер договора " + g.decoy(DecoyIIN, badCheck(r, iin(r))) + " от " + g.decoy(DecoyTimestamp, timestamp(r)) + "."
	case 9:
		return "Транзакция " + g.decoy(DecoyCard, badLuhn(r)) + " отклонена банком."
	case 10:
		return "Старый счёт " + g.decoy(DecoyIBAN, badIBAN(r)) + " закрыт, регистрационный код " + g.decoy(DecoyBIN, badCheck(r, bin(r))) + "."
	case 11:
		return "Обновление клиента " + g.decoy(DecoyVersion, version(r)) + " установлено, маска сети " + g.decoy(DecoyNetmask, "255.255.255.0") + "."
	case 12:
		return "Установлена version " + g.decoy(DecoyVersion, fmt.Sprintf("%d.%d.%d.%d", 1+r.IntN(9), r.IntN(20), r.IntN(10), r.IntN(300))) + " приложения."
	case 13, 14, 15, 16, 17:
		return kkSentence(r)
	}
	return ruSentence(r)
}

func (g *gen) cardText() string {
	c := g.plant(Card, card(g.r))
	switch g.r.IntN(3) {
	case 0:
		return groups4(c, " ")
	case 1:
		return groups4(c, "-")
	}
	return c
}

func (g *gen) ibanText() string {
	v := g.plant(IBAN, iban(g.r))
	if g.r.IntN(2) == 0 {
		return groups4(v, " ")
	}
	return v
}

// Sorted returns the keys of m in order (for printing a manifest).
func Sorted(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
