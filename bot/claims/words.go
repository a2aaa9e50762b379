package claims

// Word sets the sentence analysis (dates, roles, polarity, tokens) still
// uses; figures are read by bot/values (figures.go). Known defect: they
// duplicate bot/lang's numbers, scales, calendar and hedges lexicons; they
// go when the sentence analysis takes its tokens from bot/lang.

var numberWords = map[string]float64{
	"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
	"eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
	"eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
	"seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
}

var scaleWords = map[string]float64{
	"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
	"bn": 1e9, "mn": 1e6, "mln": 1e6, "tn": 1e12,
}

// hedgeWords are single words that may start a hedge; used to keep them out
// of content terms.
var hedgeWords = setOf(`approximately roughly nearly almost estimated around some about over above upwards
excess least most fewer less below under`)

var monthWords = setOf(`january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec`)

var weekdayWords = setOf(`monday tuesday wednesday thursday friday saturday sunday`)
