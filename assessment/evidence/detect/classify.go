package detect

import (
	"strconv"
	"strings"
	"unicode"
)

// Pseudo-types of header hints that are not detection types themselves.
const (
	hintNamePart = "name_part"  // first, last or middle name: one person_name per row
	hintLat      = "latitude"   // with a longitude column: one geo_location per row
	hintLon      = "longitude"  // with a latitude column
	hintWeakName = "weak_name"  // "name", "client": a person name only if the cells look like one
	hintVector   = "any_vector" // "embedding", "encoding": a face embedding if 128 or 512 long
)

// headerHints maps a normalised header (lower case, '_', '-', '.', '/' and camelCase turned
// into single spaces) to what its column holds, in Russian, Kazakh and English.
var headerHints = func() map[string]string {
	m := map[string]string{}
	add := func(typ, list string) {
		for _, h := range strings.Split(list, "|") {
			m[strings.TrimSpace(h)] = typ
		}
	}
	add("person_name", "фио|ф и о|fio|full name|fullname|фамилия имя отчество|фамилия имя|"+
		"аты жөні|аты-жөні|cardholder|card holder|имя фамилия|name surname|person name")
	add(hintNamePart, "first name|firstname|given name|имя|last name|lastname|surname|family name|"+
		"фамилия|middle name|middlename|patronymic|отчество|аты|тегі|әкесінің аты")
	add(hintWeakName, "name|customer|client|клиент|patient|пациент|employee|сотрудник|contact|"+
		"person|holder|owner|владелец|subscriber|абонент|applicant|заявитель|user|пользователь")
	add("email", "email|e mail|mail|почта|электронная почта|эл почта|email address|e mail address|"+
		"электрондық пошта|пошта|емейл|имейл|e post")
	add("phone", "phone|telephone|tel|mobile|cell|cellphone|msisdn|телефон|телефона|тел|моб|"+
		"мобильный|мобильный телефон|сотовый|whatsapp|телефон нөмірі|ұялы телефон")
	add("kz_iin", "иин|iin|жсн|иин бин|бин иин|iin bin|bin iin|иин бсн|жсн бсн|бин|bin|бсн")
	add("iban", "iban|иик|iik|счет|счёт|счета|bank account|account|расчетный счет|есеп шот|шот")
	add("payment_card", "card|карта|карты|pan|cc|cc number|credit card|кредитная карта|"+
		"банковская карта|карта нөмірі|карточка")
	add("ip_address", "ip|ip address|ipv4|ipv6|client ip|remote addr|remote ip|src ip|source ip|"+
		"ip адрес|ip адреса|remote address|x forwarded for|ip addr")
	add("date_of_birth", "dob|date of birth|birth date|birthdate|birthday|дата рождения|"+
		"день рождения|д р|туған күні|туылған күні|born|дата рожд")
	add("address", "address|адрес|адрес проживания|адрес регистрации|мекенжай|мекенжайы|street|"+
		"street address|улица|postal address|residence|место жительства|тұрғылықты мекенжайы")
	add("geo_location", "gps|coordinates|coords|координаты|geo|location|latlng|lat lng|lat lon|"+
		"lat long|geolocation|геолокация|геопозиция")
	add(hintLat, "lat|latitude|широта|ендік")
	add(hintLon, "lon|lng|long|longitude|долгота|бойлық")
	add("passport_number", "passport|паспорт|паспорта|passport no|төлқұжат|удостоверение|"+
		"уд личности|удостоверение личности|id card|жеке куәлік")
	add("face_embedding", "face embedding|face vector|face encoding|face descriptor|face features|"+
		"face template|faceprint")
	add(hintVector, "embedding|embeddings|encoding|descriptor|vector|feature vector|features")
	add("health", "diagnosis|диагноз|health|health status|medical condition|заболевание|болезнь|"+
		"disability|инвалидность|мүгедектік|blood type|группа крови|icd|icd 10|мкб|мкб 10|"+
		"allergies|allergy|аллергия|pregnancy|беременность|medical history|анамнез|диагноз мкб")
	add("religion", "religion|вероисповедание|религия|дін|faith|конфессия")
	add("ethnicity", "nationality|национальность|ethnicity|ethnic group|ethnic origin|ұлты|race|"+
		"этническая принадлежность|этнос")
	add("political_opinion", "political party|партийность|political views|political affiliation|"+
		"party affiliation|партийная принадлежность|политические взгляды|саяси партия|член партии")
	add("sexual_orientation", "sexual orientation|сексуальная ориентация|orientation sexual")
	return m
}()

// neutralTokens may stand beside a hint in a header without changing it: "customer_email",
// "home address", "номер телефона".
var neutralTokens = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`customer client user contact patient employee person holder
		owner primary secondary personal home work main current mobile cell registered registration actual
		billing shipping delivery legal клиент клиента пользователь пользователя сотрудник
		сотрудника пациент пациента номер no nr num number контактный домашний рабочий основной
		абонента физ лица subscriber applicant заявитель заявителя student студент студента
		member участник владелец владельца нөмірі нөмір of the full`) {
		m[w] = true
	}
	return m
}()

// normHeader lower-cases a header and turns separators and camelCase into single spaces.
func normHeader(h string) string {
	var b strings.Builder
	prev := rune(0)
	for _, r := range strings.TrimSpace(strings.Trim(h, "\ufeff\"' ")) {
		switch {
		case r == '_' || r == '-' || r == '.' || r == '/' || r == '\\' || r == ':' || unicode.IsSpace(r):
			r = ' '
		case unicode.IsUpper(r) && unicode.IsLower(prev):
			b.WriteByte(' ')
		}
		prev = r
		b.WriteRune(unicode.ToLower(r))
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// headerHint returns what a header says its column holds, or "".
func headerHint(h string) string {
	n := normHeader(h)
	if n == "" {
		return ""
	}
	if t, ok := headerHints[n]; ok {
		return t
	}
	var rest []string
	for _, w := range strings.Fields(n) {
		if !neutralTokens[w] {
			rest = append(rest, w)
		}
	}
	if t, ok := headerHints[strings.Join(rest, " ")]; ok && len(rest) > 0 && t != hintWeakName {
		return t
	}
	return ""
}

// indexedHeader splits "f12", "emb_12", "x 12" or "12" into a prefix and an index.
func indexedHeader(h string) (string, int, bool) {
	i := len(h)
	for i > 0 && isDigit(h[i-1]) {
		i--
	}
	if i == len(h) || len(h)-i > 4 {
		return "", 0, false
	}
	n, _ := strconv.Atoi(h[i:])
	return strings.TrimRight(h[:i], "_- ."), n, true
}

// embeddingRuns finds runs of exactly 128 or 512 columns named prefix+index with indexes
// counting up by one ("f0".."f127", "emb_1".."emb_512").
func embeddingRuns(header []string) [][2]int {
	var runs [][2]int
	for s := 0; s < len(header); {
		p, n, ok := indexedHeader(header[s])
		e := s + 1
		for ok && e < len(header) {
			p2, n2, ok2 := indexedHeader(header[e])
			if !ok2 || p2 != p || n2 != n+(e-s) {
				break
			}
			e++
		}
		if l := e - s; ok && (l == 128 || l == 512) {
			runs = append(runs, [2]int{s, e})
		}
		s = e
	}
	return runs
}

// floatRuns finds runs of exactly 128 or 512 columns in which at least 90% of the sampled
// cells are numbers with a fraction.
func floatRuns(sample [][]string, width int) [][2]int {
	isFloatCol := func(c int) bool {
		n, f := 0, 0
		for _, row := range sample {
			if c < len(row) {
				n++
				if isFloatCell(row[c]) {
					f++
				}
			}
		}
		return n > 0 && f*10 >= n*9
	}
	var runs [][2]int
	for s := 0; s < width; s++ {
		if !isFloatCol(s) {
			continue
		}
		e := s + 1
		for e < width && isFloatCol(e) {
			e++
		}
		if l := e - s; l == 128 || l == 512 {
			runs = append(runs, [2]int{s, e})
		}
		s = e
	}
	return runs
}

// voteTypes are tried in this order; the first with the most valid cells wins.
var voteTypes = []string{
	"kz_iin", "payment_card", "iban", "email", "ip_address", "phone", "geo_location",
	"face_embedding",
}

// vote classifies a column from its sampled cells: a type whose validator accepts at least
// 60% of the non-empty cells, or person_name when at least 60% are name-shaped ("Иванов Иван
// Иванович", "John Smith") and look like real names (a surname or patronymic ending, a common
// first name) — in a column whose header hints at a person, 60% name-shaped with 30% real.
func vote(cells []string, weakName bool) string {
	nonEmpty, shaped, real := 0, 0, 0
	counts := make([]int, len(voteTypes))
	for _, c := range cells {
		c = strings.TrimSpace(c)
		if placeholder(c) {
			continue
		}
		nonEmpty++
		for k, typ := range voteTypes {
			if _, _, ok := cellValue(typ, c, false); ok {
				counts[k]++
				break
			}
		}
		if nameShaped(c) {
			shaped++
			if nameEvidence(c) {
				real++
			}
		}
	}
	if nonEmpty == 0 {
		return ""
	}
	best, bestN := "", 0
	for k, n := range counts {
		if n > bestN {
			best, bestN = voteTypes[k], n
		}
	}
	if bestN*10 >= nonEmpty*6 {
		return best
	}
	if (weakName && shaped*10 >= nonEmpty*6 && real*10 >= nonEmpty*3) || real*10 >= nonEmpty*6 {
		return "person_name"
	}
	return ""
}
