package detect

// Keyword lists, as data. Every word is lower case; a trailing '*' makes it a stem that
// matches any word it begins ("диагноз*" matches "диагноза", "диагнозом"); without it the word
// must end there. Every match must begin at a word start. Words were chosen to keep false
// positives low: ambiguous words ("партия" is also a batch of goods, "disabled" a switch,
// "race" a race condition, "русский" the language) count only as a value right after a label,
// or not at all.

// kwRole says what a keyword match does.
type kwRole uint8

const (
	roleKeyword kwRole = iota // special-category word: a detection on its own (0.6)
	roleLabel                 // special-category label: a detection on its own; with a value of its category right after it, one detection (0.8) for both
	roleValue                 // special-category value that counts only right after a label
	roleContext               // enables a weak detector nearby; no detection of its own
	roleIgnore                // a longer phrase that swallows a context word ("email address")
	roleSuffix                // patronymic ending inside a word: a person name around it
)

// ctxKind is what a context word enables.
type ctxKind uint8

const (
	ctxNone     ctxKind = iota
	ctxDOB              // a date right after it is a date of birth
	ctxPassport         // an "N" + 8 digits number near it is a passport number
	ctxAddress          // "адрес:" – the rest of the field is an address
	ctxName             // "ФИО:" – two or three capitalised words after it are a name
	ctxPhone            // a bare 10-digit number right after it is checked as a phone
	ctxLat              // a decimal right after it is a latitude
	ctxLon              // a decimal right after it is a longitude
	ctxVersion          // a dotted quad right after it is a version, not an IP
)

// keyword is one pattern of the Aho-Corasick automaton.
type keyword struct {
	word string
	typ  string // detection type (special categories)
	role kwRole
	ctx  ctxKind
	stem bool
}

type kwGroup struct {
	typ   string
	role  kwRole
	ctx   ctxKind
	words []string
}

// specialCategoryWords are the GDPR Art. 9 keywords (ru, kk, en).
var specialCategoryWords = []kwGroup{
	// health: labels of a medical record, then conditions that are health data by themselves.
	{"health", roleLabel, 0, []string{
		"диагноз*", "анамнез*", "мкб-10", "история болезни", "медицинская карта",
		"состояние здоровья", "группа крови", "денсаулық жағдайы", "diagnosis", "diagnoses", "diagnosed", "icd-10",
		"medical history", "medical condition", "health condition", "blood type", "blood group",
	}},
	{"health", roleKeyword, 0, []string{
		"болезн*", "заболевани*", "инвалидност*", "инвалид", "беременн*", "вич", "спид",
		"гепатит*", "туберкул*", "онкологи*", "диабет*", "астма", "астмы", "астмой", "психиатр*",
		"депресси*", "шизофрени*", "эпилепси*", "аллерги*", "наркологи*", "госпитализ*",
		"больничный лист", "ауру", "ауруы", "дерт", "мүгедек*", "жүкті", "жүктілік*", "науқас*",
		"аитв", "hiv", "disability", "disabilities", "pregnan*", "hepatitis", "tuberculosis", "cancer",
		"diabet*", "asthma*", "schizophreni*", "epilep*", "allerg*", "psychiatric", "hospitalis*",
		"hospitaliz*", "chemotherapy", "химиотерапи*",
	}},
	// religion
	{"religion", roleLabel, 0, []string{
		"вероисповедани*", "религия", "религии", "религиозн*", "конфесси*", "дін", "діні",
		"діни", "religion", "religious", "religious faith",
	}},
	{"religion", roleKeyword, 0, []string{
		"мусульман*", "христиан*", "православн*", "католи*", "протестант*", "иудей*",
		"иудаизм*", "буддист*", "буддизм*", "атеист*", "мечеть", "мечети", "синагог*",
		"мұсылман*", "мешіт*", "шіркеу*", "намаз*", "muslim*", "christians", "christianity", "jewish",
		"judaism", "catholic*", "protestant*", "buddhist*", "hindu", "hinduism", "atheist*",
		"mosque*", "synagogue*", "islam", "islamic",
	}},
	// "Christian" is a common first name ("(Christian)" credits a change in a changelog).
	{"religion", roleValue, 0, []string{"ислам", "orthodox", "sunni", "shia", "christian"}},
	// ethnicity: "русский" is the language as often as the people, so it is a value only.
	{"ethnicity", roleLabel, 0, []string{
		"национальность", "национальности", "этническ*", "этнос", "ұлты", "ұлтым",
		"ethnicity", "ethnic origin", "racial origin", "racial",
	}},
	{"ethnicity", roleKeyword, 0, []string{"казах", "казашка", "казахи", "казахов"}},
	{"ethnicity", roleValue, 0, []string{
		"русский", "русская", "украинец", "украинка", "узбек", "узбечка", "уйгур", "уйгурка",
		"татарин", "татарка", "кореец", "кореянка", "немец", "немка", "дунганин", "таджик",
		"киргиз", "кыргыз", "азербайджанец", "белорус", "чеченец", "турок", "қазақ", "орыс",
		"өзбек", "ұйғыр", "татар", "кәріс", "неміс", "kazakh", "russian", "ukrainian", "uzbek",
		"uyghur", "tatar", "korean", "german",
	}},
	// political opinion: bare "партия" (a batch of goods) and "party" only after a label.
	{"political_opinion", roleLabel, 0, []string{
		"политические взгляды", "политических взглядов", "партийность", "партийная принадлежность",
		"political views", "political opinion*", "political affiliation", "party affiliation",
		"саяси көзқарас*",
	}},
	{"political_opinion", roleKeyword, 0, []string{
		"член партии", "члены партии", "членство в партии", "политическая партия",
		"политической партии", "оппозиция", "оппозиции", "оппозиционер*", "оппозиционн*",
		"саяси партия", "саяси партиясы", "партия мүшесі", "nur otan", "нур отан", "нұр отан",
		"political party", "party member", "party membership", "коммунист", "коммунистка",
	}},
	{"political_opinion", roleValue, 0, []string{
		"партия", "партии", "party", "democrat", "republican", "liberal", "conservative",
		"аманат", "amanat", "ак жол", "ақ жол",
	}},
	// sexual orientation (and gender identity, which is data about sex life too)
	{"sexual_orientation", roleLabel, 0, []string{
		"сексуальная ориентация", "сексуальной ориентации", "сексуальную ориентацию",
		"sexual orientation", "sexual preference", "жыныстық бағдар*",
	}},
	{"sexual_orientation", roleKeyword, 0, []string{
		"гомосексуал*", "гетеросексуал*", "бисексуал*", "лгбт*", "lgbt*", "гей", "геи",
		"лесби*", "трансгендер*", "gay", "lesbian*", "bisexual*", "homosexual*",
		"heterosexual*", "transgender*", "queer",
	}},
	{"sexual_orientation", roleValue, 0, []string{"straight"}},
}

// contextWords enable weak detectors nearby; roleIgnore phrases swallow them where they mean
// something else ("email address" is no postal address, "имя файла" no person's name).
var contextWords = []kwGroup{
	{"", roleContext, ctxDOB, []string{
		"дата рождения", "даты рождения", "дату рождения", "день рождения", "д.р.", "родился",
		"родилась", "туған күні", "туған күн", "туылған күні", "date of birth", "birth date",
		"birthdate", "birthday", "date_of_birth", "birth_date", "dateofbirth", "dob", "born",
	}},
	{"", roleContext, ctxPassport, []string{
		"паспорт*", "төлқұжат*", "passport*", "удостоверение личности", "жеке куәлік*",
	}},
	{"", roleContext, ctxAddress, []string{
		"адрес", "адреса", "адресу", "address", "мекенжай*", "home address", "адрес проживания",
		"адрес регистрации",
	}},
	{"", roleContext, ctxName, []string{
		"фио", "ф.и.о.", "ф.и.о", "full name", "fullname", "full_name", "name", "имя",
		"фамилия", "аты-жөні", "аты жөні", "клиент", "пациент", "сотрудник", "customer",
		"patient", "employee", "cardholder",
	}},
	{"", roleContext, ctxPhone, []string{
		"тел", "тел.", "телефон*", "моб", "моб.", "мобильный", "phone*", "tel", "tel.",
		"mobile", "whatsapp", "msisdn",
	}},
	{"", roleContext, ctxLat, []string{"lat", "latitude", "широта", "ендік"}},
	{"", roleContext, ctxLon, []string{"lon", "lng", "long", "longitude", "долгота", "бойлық"}},
	{"", roleContext, ctxVersion, []string{"version", "ver", "ver.", "версия", "нұсқа", "v."}},
	{"", roleIgnore, 0, []string{
		"email address", "e-mail address", "mail address", "ip address", "ip-address",
		"mac address", "web address", "ip-адрес", "ip адрес", "mac-адрес", "адрес электронной почты",
		"электронный адрес", "адрес сайта", "user name", "username", "file name", "host name",
		"имя файла", "имя пользователя", "имя хоста", "domain name", "company name",
		"product name", "long term", "long-term", "display name", "display-name", "display_name",
		"project name", "service name", "app name", "application name", "device name", "node name",
		"cluster name", "table name", "column name", "field name", "package name", "branch name",
		"resource name", "class name", "function name", "variable name", "bucket name",
	}},
	// Patronymic endings: "Иванович", "Ахметовна", "Болатұлы", "Серікқызы".
	{"", roleSuffix, 0, []string{
		"ович", "евич", "овна", "евна", "ична", "овича", "евича", "овны", "евны", "ұлы", "қызы",
		"улы", "кызы",
	}},
}

// keywordTable flattens the groups into the pattern list of the automaton.
func keywordTable() []keyword {
	var out []keyword
	for _, groups := range [][]kwGroup{specialCategoryWords, contextWords} {
		for _, g := range groups {
			for _, w := range g.words {
				k := keyword{word: w, typ: g.typ, role: g.role, ctx: g.ctx}
				if n := len(w); n > 0 && w[n-1] == '*' {
					k.word, k.stem = w[:n-1], true
				}
				out = append(out, k)
			}
		}
	}
	return out
}
