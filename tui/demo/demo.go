// Package demo holds the demo assessment of 'dpia demo': a Clearview-style face search engine,
// with synthetic evidence files that look like what such a system keeps.
package demo

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/dpia-tool/dpia/assessment/answersfile"
	q "github.com/dpia-tool/dpia/questionnaires"
)

//go:embed clearview.yaml
var clearview []byte

// Name and Owner of the demo assessment.
const (
	Name  = "FaceFind (demo)"
	Owner = "Demo DPO"
)

// Answers parses the embedded demo answers against the pack set.
func Answers(set *q.Set) (*answersfile.File, error) {
	f, err := answersfile.Parse("demo/clearview.yaml", clearview, set)
	if err != nil {
		return nil, fmt.Errorf("demo answers: %w", err)
	}
	return f, nil
}

// WriteSamples writes synthetic evidence files into dir (created 0700) and returns their
// paths. The data is invented and deterministic: names, e-mail addresses, phone numbers,
// Kazakh IINs with valid check digits, IP addresses and face embeddings.
func WriteSamples(dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create samples folder: %w", err)
	}
	r := rand.New(rand.NewPCG(2017, 5))
	files := []struct {
		name string
		data string
	}{
		{"profiles.csv", profilesCSV(r, 200)},
		{"crawl-log.jsonl", crawlLog(r, 120)},
		{"face-embeddings.csv", embeddingsCSV(r, 40)},
		{"README.txt", readme},
	}
	var out []string
	for _, f := range files {
		p := filepath.Join(dir, f.name)
		if err := os.WriteFile(p, []byte(f.data), 0o600); err != nil {
			return nil, fmt.Errorf("write sample %s: %w", f.name, err)
		}
		out = append(out, p)
	}
	return out, nil
}

const readme = `Synthetic evidence for the dpia demo. Every name, address and number here is invented.
profiles.csv         scraped profiles: name, e-mail, phone, IIN, city, source URL
crawl-log.jsonl      the crawler's log: client IP addresses and image URLs
face-embeddings.csv  128-dimension face embeddings computed from the scraped photos
`

var (
	firstNames = []string{"Aigerim", "Nurlan", "Dana", "Yerlan", "Madina", "Anna", "Luca", "Sofia", "John", "Maria", "Arman", "Zhanna"}
	lastNames  = []string{"Seitkali", "Bekova", "Rossi", "Novak", "Smith", "Kowalski", "Akhmetov", "Muller", "Garcia", "Omarova"}
	cities     = []string{"Almaty", "Astana", "Milan", "Chicago", "Berlin", "Warsaw", "Shymkent", "Madrid"}
)

func profilesCSV(r *rand.Rand, n int) string {
	var b strings.Builder
	b.WriteString("name,email,phone,iin,city,source_url\n")
	for i := range n {
		fn, ln := firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
		email := strings.ToLower(fmt.Sprintf("%s.%s%d@example.com", fn, ln, i))
		phone := fmt.Sprintf("+7 701 %03d %04d", r.IntN(1000), r.IntN(10000))
		fmt.Fprintf(&b, "%s %s,%s,%s,%s,%s,https://social.example/p/%d\n",
			fn, ln, email, phone, IIN(r), cities[r.IntN(len(cities))], 100000+i)
	}
	return b.String()
}

func crawlLog(r *rand.Rand, n int) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	for i := range n {
		enc.Encode(map[string]any{
			"ts":        fmt.Sprintf("2021-03-%02dT%02d:%02d:00Z", 1+i%28, i%24, i%60),
			"client_ip": fmt.Sprintf("203.0.113.%d", r.IntN(254)+1),
			"image":     fmt.Sprintf("https://social.example/img/%d.jpg", 500000+i),
			"faces":     1 + r.IntN(3),
		})
	}
	return b.String()
}

func embeddingsCSV(r *rand.Rand, n int) string {
	var b strings.Builder
	b.WriteString("image_id")
	for i := range 128 {
		fmt.Fprintf(&b, ",e%d", i)
	}
	b.WriteString("\n")
	for i := range n {
		fmt.Fprintf(&b, "img-%d", 500000+i)
		for range 128 {
			fmt.Fprintf(&b, ",%.5f", r.Float64()*2-1)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// IIN returns a random Kazakh individual identification number with a valid check digit:
// YYMMDD of a birth year 1950–2005, the century-and-sex digit that goes with it (3/4 for the
// 1900s, 5/6 for the 2000s), four serial digits and the check digit.
func IIN(r *rand.Rand) string {
	for {
		year := 1950 + r.IntN(56)
		century := 3 + r.IntN(2)
		if year >= 2000 {
			century += 2
		}
		d := fmt.Sprintf("%02d%02d%02d%d%04d", year%100, 1+r.IntN(12), 1+r.IntN(28), century, r.IntN(10000))
		if c, ok := iinCheck(d); ok {
			return d + string(rune('0'+c))
		}
	}
}

// iinCheck computes the check digit of the first eleven digits of an IIN.
func iinCheck(d string) (int, bool) {
	sum := func(w func(i int) int) int {
		s := 0
		for i := range 11 {
			s += int(d[i]-'0') * w(i)
		}
		return s % 11
	}
	c := sum(func(i int) int { return i + 1 })
	if c == 10 {
		c = sum(func(i int) int { return (i+2)%11 + 1 })
	}
	return c, c < 10
}
