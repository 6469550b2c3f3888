// Package detect finds personal and biometric data in the content that evidence extractors
// write to a model.Sink: e-mail addresses, phone numbers, Kazakh IIN and BIN numbers, IBANs,
// payment cards, IP addresses, names, dates of birth, addresses, coordinates, passport
// numbers, face embeddings, and keywords of the GDPR Article 9 special categories (health,
// religion, ethnicity, political opinion, sexual orientation) in Russian, Kazakh and English.
//
// Detection runs cheapest first. One pass over the bytes stops only at anchors (a digit at
// the start of a token, '@', '+', '(', ':', '[', an upper-case letter at the start of a word)
// and runs a small hand parser there; one Aho-Corasick pass over the lower-cased text finds
// keywords and the context words that enable weak detections (a date is a date of birth only
// next to "дата рождения", "date of birth" or "туған күні"); validators (IIN/BIN check digit,
// Luhn, IBAN mod-97, libphonenumber, net/netip) decide. Tables are classified column by
// column from the header and from a vote over the first sampled rows.
//
// A Detection never carries the raw value: Preview is masked (see Mask) and Key is a keyed
// HMAC-SHA256 of the normalised value, so that the same value can be linked across files of
// one workspace without being stored.
package detect
