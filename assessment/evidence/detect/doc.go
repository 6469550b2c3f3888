// Package detect finds personal and biometric data in the content that evidence extractors
// write to a model.Sink: e-mail addresses, phone numbers, Kazakh IIN and BIN numbers, IBANs,
// payment cards, IP addresses, names, dates of birth, addresses, coordinates, passport
// numbers, face embeddings, and keywords of the GDPR Article 9 special categories (health,
// religion, ethnicity, political opinion, sexual orientation) in Russian, Kazakh and English.
//
// # How
//
// Detection runs cheapest first:
//
//   - One pass over the bytes stops only at anchors (a digit that starts a token, '@', '+',
//     '(', ':', '[', an upper-case letter that starts a word) and runs a small hand parser in
//     a window there: no regular expression runs over the text.
//   - One keyword pass over the lower-cased windows where a keyword may start (gate.go), a
//     trie lookup of the longest keyword at each position (trie.go, equivalent to a
//     leftmost-longest Aho-Corasick automaton), finds special-category keywords and the
//     context words that enable weak detections. Keywords are data (keywords.go).
//   - Validators decide: the IIN/BIN check digit, Luhn plus issuer prefix for cards, IBAN
//     mod-97 with the registry length per country, libphonenumber (default region KZ),
//     net/netip, and e-mail domain rules.
//   - Tables are classified column by column from the header (classify.go, ru/kk/en) and
//     from a vote over the first 50 rows; each valid cell of a classified column is one
//     detection, other cells are scanned as text.
//
// # Confidence
//
// 0.98 a validated identifier in a column whose header names it; 0.95 a validated
// identifier; 0.9 a cell of a header-classified column; 0.85 a coordinate pair in text; 0.8
// a cell of a voted column, or a special-category label with its value ("Национальность:
// казах"); 0.7 a weak value enabled by a context word (a date after "дата рождения", "N" + 8
// digits near "паспорт", the field after "адрес:", a name after "ФИО:" or around a
// patronymic); 0.6 a special-category keyword alone.
//
// # Privacy
//
// A Detection never carries the raw value: Preview is masked (see Mask) and Key is
// hex(HMAC-SHA256(workspace key, type + ":" + normalised value)), so that the same value can
// be linked across files of one workspace without being stored. Values are normalised as
// digits (IIN, BIN, card), upper-case without spaces (IBAN), lower case (e-mail, names,
// addresses), E.164 (phone), netip's form (IP), YYYY-MM-DD (date of birth), "lat,lon" to
// four decimals (coordinates). Special-category keywords have no Key and show the keyword
// itself as Preview: they name a category, not a person's value.
//
// # Known limits
//
// Numbers glued to ASCII letters ("id900101300017") are not read; a dotted quad is an IP
// address unless a version word or a "-beta"-style suffix marks it as a version; a 16-digit
// order number that passes Luhn with a card prefix counts as a card; names in free text are
// found only after a label ("ФИО:", "name:") or around a Russian/Kazakh patronymic; dates of
// birth need a context word or column; two-digit years ("05/12/85") are not dates.
package detect
