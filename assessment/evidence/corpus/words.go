package corpus

import (
	"math/rand/v2"
	"strings"
)

var (
	ruLast      = []string{"Иванов", "Петров", "Сейткали", "Абенов", "Нурланов", "Ким", "Сарсенбаев", "Омаров", "Жуманов", "Ахметов", "Смирнов", "Касымов"}
	ruFirst     = []string{"Айдар", "Аскар", "Ерлан", "Нурлан", "Иван", "Руслан", "Тимур", "Даурен", "Сергей", "Бауыржан"}
	ruPatr      = []string{"Серикович", "Иванович", "Маратович", "Болатович", "Ерланович", "Петрович", "Нурланович"}
	ruCities    = []string{"Алматы", "Астана", "Шымкент", "Караганда", "Актобе", "Павлодар", "Усть-Каменогорск", "Семей", "Атырау", "Костанай"}
	ruStreets   = []string{"Абая", "Достык", "Толе би", "Назарбаева", "Сейфуллина", "Жибек жолы", "Гоголя", "Пушкина", "Сатпаева", "Розыбакиева"}
	ruCompanies = []string{"Алатау Трейд", "Степь Логистик", "Казах Агро Сервис", "Нур Строй", "Медикал Плюс", "Сапа Консалтинг"}
	enFirst     = []string{"Aidar", "Aigerim", "Askar", "Dana", "Erlan", "Gulnara", "Ivan", "Maria", "Nurlan", "Olga", "John", "Anna"}
	enLast      = []string{"Abenov", "Petrov", "Seitkali", "Ivanova", "Nurlanov", "Kim", "Smith", "Tulegenova", "Omarova"}

	// ruWords and kkWords are filler vocabulary: ordinary words with no personal data and no
	// special-category keyword, so filler never adds detections of the planted types.
	ruWords = strings.Fields(`отчёт договор поставка оборудование услуга проект бюджет квартал
		совещание решение вопрос документ подпись согласование склад партия товар доставка
		маршрут сотрудничество компания филиал отдел директор бухгалтерия закупка тендер
		заявка расчёт оплата задолженность акт сверка счёт-фактура накладная сертификат
		качество контроль проверка инвентаризация ремонт обслуживание техника программа
		обновление система сервер резервная копия журнал доступ пароль политика безопасность
		обучение персонал график отпуск командировка регламент инструкция приказ протокол
		стратегия развитие рынок клиентская база продажи маркетинг реклама кампания анализ
		показатели эффективность прибыль расходы налог декларация аудит рекомендация
		вывод итоги план мероприятие сроки этап выполнение работ объём качество услуги
		зима весна лето осень утро вечер неделя месяц год город регион область район`)
	kkWords = strings.Fields(`есеп келісімшарт жеткізу жабдық қызмет жоба бюджет тоқсан
		кеңес шешім сұрақ құжат қолтаңба келісу қойма тауар жеткізілім бағыт серіктестік
		компания филиал бөлім директор бухгалтерия сатып алу өтінім төлем қарыз акт
		тексеру бақылау сапа жөндеу қызмет көрсету бағдарлама жаңарту жүйе сервер журнал
		қол жеткізу құпия сөз саясат қауіпсіздік оқыту қызметкерлер кесте демалыс іссапар
		нұсқаулық бұйрық хаттама стратегия даму нарық сату маркетинг жарнама талдау
		көрсеткіштер тиімділік пайда шығындар салық аудит ұсыныс қорытынды жоспар
		іс-шара мерзім кезең орындау жұмыс көлем қала өңір облыс аудан қыс көктем жаз күз`)
	ruVerbs = []string{"утверждён", "согласован", "направлен", "подготовлен", "рассмотрен", "выполнен", "перенесён", "принят", "отклонён", "обновлён"}
	kkVerbs = []string{"бекітілді", "келісілді", "жіберілді", "дайындалды", "қаралды", "орындалды", "қабылданды", "жаңартылды"}
	enVocab = strings.Fields(`report contract delivery equipment service project budget quarter
		meeting decision question document signature approval warehouse batch goods route
		company branch department director accounting purchase tender request payment
		invoice certificate quality control audit repair maintenance software update system
		server backup access policy security training schedule travel order instruction
		strategy market sales marketing campaign analysis profit expenses tax summary plan`)
)

// QueryWords are words that occur throughout the prose and comments (for search
// benchmarks); QueryPhrases are two-word phrases that occur as they are.
var (
	QueryWords   = []string{"договор", "поставка", "оборудование", "бюджет", "инвентаризация", "сервер", "келісімшарт", "қауіпсіздік", "Алматы", "телефон", "счёт", "payment", "invoice", "ремонт", "аудит", "протокол"}
	QueryPhrases = []string{"контактный телефон", "электронная почта", "личный кабинет", "номер заказа", "номер договора", "прошла успешно", "байланыс телефоны", "отклонена банком"}
)

func pick(r *rand.Rand, l []string) string { return l[r.IntN(len(l))] }

func ruName(r *rand.Rand) string {
	return pick(r, ruLast) + " " + pick(r, ruFirst) + " " + pick(r, ruPatr)
}

func enName(r *rand.Rand) string { return pick(r, enFirst) + " " + pick(r, enLast) }

func capitalize(s string) string {
	for i, c := range s {
		return strings.ToUpper(string(c)) + s[i+len(string(c)):]
	}
	return s
}

func ruSentence(r *rand.Rand) string {
	n := 4 + r.IntN(9)
	w := make([]string, 0, n+1)
	for i := 0; i < n; i++ {
		w = append(w, pick(r, ruWords))
		if i == n/2 {
			w = append(w, pick(r, ruVerbs))
		}
	}
	return capitalize(strings.Join(w, " ")) + "."
}

func kkSentence(r *rand.Rand) string {
	n := 4 + r.IntN(8)
	w := make([]string, 0, n+1)
	for i := 0; i < n; i++ {
		w = append(w, pick(r, kkWords))
	}
	w = append(w, pick(r, kkVerbs))
	return capitalize(strings.Join(w, " ")) + "."
}

func enWords(r *rand.Rand, n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = pick(r, enVocab)
	}
	return strings.Join(w, " ")
}
