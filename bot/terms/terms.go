// Package terms turns English text into comparable terms: words are split on
// letters and digits, lower-cased, stripped of stop words and reduced to a
// light stem, so that "accept", "acceptable" and "accepted" match. It is the
// one place where storybot decides what counts as "the same word", shared by
// the extractive composer and conflict matching. Standard library only.
package terms

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Words splits text into lower-cased words of letters and digits. Inner
// apostrophes, hyphens and dots between digits are kept inside a word only
// when they join digits ("1,000", "3.5"); "Zelensky's" gives "zelensky".
func Words(text string) []string {
	var out []string
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		w := strings.ToLower(text[start:end])
		w = strings.TrimSuffix(w, "'s")
		w = strings.TrimSuffix(w, "’s")
		w = strings.Trim(w, "'’")
		w = strings.ReplaceAll(w, ",", "")
		if w != "" {
			out = append(out, w)
		}
		start = -1
	}
	for i, r := range text {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if start < 0 {
				start = i
			}
		case (r == '\'' || r == '’') && start >= 0:
			// keep possessive/contraction for trimming above
		case (r == ',' || r == '.') && start >= 0 && i > 0 && isDigitAt(text, i-1) && isDigitAfter(text, i+1):
			// digit group separator or decimal point
		case unicode.Is(unicode.Sc, r):
			flush(i)
			out = append(out, currencyWord) // "€50" is about money
		default:
			flush(i)
		}
	}
	flush(len(text))
	return out
}

func isDigitAt(s string, i int) bool { return i >= 0 && i < len(s) && s[i] >= '0' && s[i] <= '9' }

func isDigitAfter(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsDigit(r)
}

// currencyWord stands for a currency sign in Words' output.
const currencyWord = "money"

// Terms returns the stemmed content terms of text, in order, stop words left
// out and synonyms folded onto one term (see Canonical).
func Terms(text string) []string {
	ws := Words(text)
	out := ws[:0]
	for i, w := range ws {
		if i+1 < len(ws) {
			if p, ok := phrasal[w+" "+ws[i+1]]; ok {
				w = p // "give up" means "relinquish"; "end up" means nothing
			}
		}
		if IsStop(w) || len(w) < 2 {
			continue
		}
		if i > 0 && phrasal[ws[i-1]+" "+w] != "" || i > 0 && isPhrasalEmpty(ws[i-1]+" "+w) {
			continue // the particle of a phrasal verb
		}
		out = append(out, Canonical(Stem(w)))
	}
	return out
}

// Canonical maps a stem onto the first stem of its synonym group, so that
// "withdraw" and "pull", or "chief" and "head", match.
func Canonical(stem string) string {
	if c, ok := synonyms()[stem]; ok {
		return c
	}
	return stem
}

func isPhrasalEmpty(p string) bool {
	v, ok := phrasal[p]
	return ok && v == ""
}

// phrasal verbs whose meaning is not their first word's.
var phrasal = map[string]string{
	"give up": "relinquish", "gave up": "relinquish", "giving up": "relinquish", "given up": "relinquish",
	"pull out": "withdraw", "pulled out": "withdraw", "pulling out": "withdraw", "pulls out": "withdraw",
	"step back": "withdraw", "stepped back": "withdraw", "stepping back": "withdraw", "back down": "withdraw",
	"set up": "establish", "call off": "cancel", "called off": "cancel",
	"end up": "", "ended up": "", "ends up": "", "go off": "sound", "went off": "sound", "goes off": "sound",
}

// synonymGroups are general news-English synonyms; each line is one group.
// They name no story, person, place or organisation.
const synonymGroups = `withdraw pull retreat leave exit evacuate
leak spill escape release discharge seep
harm harmful dangerous hazardous toxic poisonous
sound ring trigger
relinquish cede concede surrender abandon renounce forgo forsake drop
territory land region area
want demand seek insist
head chief leader director
warn caution alert
kill killed die died dead death deaths fatality fatalities
negotiate negotiation talk talks discuss discussion
deal agreement arrangement pact accord settlement
money fund funding funds cash budget spending finance financing euro euros dollar dollars pound pounds
country nation
attack strike assault raid bombardment shelling
announce declare reveal unveil
plan proposal
cost price
electricity power energy
begin start launch
rescue save
injure injured wound wounded hurt
arrest detain
car vehicle automobile
boat ship vessel
fire blaze
people persons
child children kid kids`

// Expand returns text followed by the synonyms of its content words, for
// search engines that match words literally: "pull out of the region"
// also finds "withdraw" and "territory".
func Expand(text string) string {
	groups := synonymWords()
	var b strings.Builder
	b.WriteString(text)
	done := map[string]bool{}
	for _, t := range Terms(text) {
		if done[t] {
			continue
		}
		done[t] = true
		for _, w := range groups[t] {
			b.WriteByte(' ')
			b.WriteString(w)
		}
	}
	return b.String()
}

// Synonyms returns the words of the synonym group whose canonical stem is
// t, or nil.
func Synonyms(t string) []string {
	return synonymWords()[t]
}

// synonymWords maps each group's canonical stem to the group's words.
var synonymWords = sync.OnceValue(func() map[string][]string {
	m := map[string][]string{}
	for _, line := range strings.Split(synonymGroups, "\n") {
		ws := strings.Fields(line)
		if len(ws) > 0 {
			m[Stem(ws[0])] = ws
		}
	}
	return m
})

var synonyms = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(synonymGroups, "\n") {
		ws := strings.Fields(line)
		if len(ws) == 0 {
			continue
		}
		canon := Stem(ws[0])
		for _, w := range ws {
			if _, dup := m[Stem(w)]; !dup {
				m[Stem(w)] = canon
			}
		}
	}
	return m
})

// Set returns the distinct stemmed content terms of text.
func Set(text string) map[string]bool {
	m := map[string]bool{}
	for _, t := range Terms(text) {
		m[t] = true
	}
	return m
}

// IsStop reports whether w (lower-case) is a stop word: function words,
// question words, auxiliaries and reporting verbs that carry no topic.
func IsStop(w string) bool {
	_, ok := stop[w]
	return ok
}

var stop = func() map[string]struct{} {
	m := map[string]struct{}{}
	for _, w := range strings.Fields(stopList) {
		m[w] = struct{}{}
	}
	return m
}()

const stopList = `a about above after again against all also am an and any are aren't as at be because been before being below
between both but by can cannot could couldn't did didn't do does doesn't doing don't down during each either else ever every few for from
further had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself him himself his how how's however i i'd
i'll i'm i've if in into is isn't it it's its itself just let let's like may me might more most much must mustn't my myself no nor not now of off
on once only or other others ought our ours ourselves out over own per quite rather same shall shan't she she'd she'll she's should shouldn't
since so some such than that that's the their theirs them themselves then there there's these they they'd they'll they're they've this those
through thus to too under until up upon very was wasn't we we'd we'll we're we've were weren't what what's whatever when when's where where's
whether which while who who's whom whose why why's will with within without won't would wouldn't yet you you'd you'll you're you've your yours
yourself yourselves
s t d ll m re ve
many far still already really actually anything something nothing everything anyone someone thing things way
say says said saying tell tells told get gets got going go goes gone went make makes made know knows knew think put puts putting supposed name named called give gives gave given giving take takes took taken
according reported report reports reportedly news article articles story
what's whats hes shes theyre dont doesnt didnt isnt wasnt arent cant wont`

// Stem reduces an English word (lower-case) to a light stem. It is a
// simplified Porter-style suffix stripper tuned for matching, not for
// producing dictionary words: "negotiating" and "negotiations" both become
// "negoti", "directly" becomes "direct". Numbers are returned unchanged.
func Stem(w string) string {
	if base, ok := irregular[w]; ok {
		w = base
	}
	if len(w) <= 3 || !isAlpha(w) {
		return w
	}
	// plurals and -ed/-ing
	switch {
	case strings.HasSuffix(w, "sses"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		w = w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		w = w[:len(w)-1]
	}
	for _, suf := range []string{"ingly", "edly", "ing", "ed"} {
		if strings.HasSuffix(w, suf) && hasVowel(w[:len(w)-len(suf)]) && len(w)-len(suf) >= 3 {
			w = w[:len(w)-len(suf)]
			// undouble: "stopped" -> "stopp" -> "stop"
			if n := len(w); n >= 2 && w[n-1] == w[n-2] && !strings.ContainsRune("lsz", rune(w[n-1])) {
				w = w[:n-1]
			}
			break
		}
	}
	for _, r := range derivational {
		if strings.HasSuffix(w, r.suf) && len(w)-len(r.suf) >= r.min {
			w = w[:len(w)-len(r.suf)] + r.rep
			break
		}
	}
	w = strings.TrimSuffix(w, "e")
	if strings.HasSuffix(w, "y") && len(w) > 3 {
		w = w[:len(w)-1] + "i"
	}
	return w
}

// irregular maps common irregular past forms to their base verb.
var irregular = func() map[string]string {
	m := map[string]string{}
	for _, pair := range strings.Fields(`ran:run won:win fled:flee fought:fight brought:bring began:begin begun:begin sent:send
		spoke:speak spoken:speak lost:lose met:meet paid:pay rose:rise risen:rise fell:fall fallen:fall held:hold kept:keep
		sold:sell struck:strike found:find saw:see seen:see came:come wrote:write written:write stood:stand shot:shoot
		drove:drive driven:drive froze:freeze frozen:freeze broke:break broken:break chose:choose chosen:choose
		caught:catch bought:buy built:build sank:sink sunk:sink flew:fly flown:fly grew:grow grown:grow hid:hide
		hidden:hide led:lead sought:seek spent:spend stole:steal stolen:steal swept:sweep threw:throw thrown:throw
		woke:wake wore:wear worn:wear left:leave dealt:deal felt:feel meant:mean heard:hear lent:lend
		bent:bend blew:blow blown:blow bore:bear borne:bear forbade:forbid forgave:forgive hung:hang laid:lay
		slid:slide spun:spin sprang:spring sprung:spring swam:swim swum:swim swore:swear sworn:swear taught:teach
		tore:tear torn:tear withdrew:withdraw withdrawn:withdraw`) {
		k, v, _ := strings.Cut(pair, ":")
		m[k] = v
	}
	return m
}()

type rule struct {
	suf, rep string
	min      int
}

// derivational suffixes, longest first within a family.
var derivational = []rule{
	{"izations", "", 3}, {"ization", "", 3}, {"isation", "", 3}, {"ational", "", 3}, {"fulness", "", 3},
	{"iveness", "", 3}, {"ousness", "", 3}, {"ements", "", 3}, {"ement", "", 3}, {"ments", "", 3}, {"ment", "", 4},
	{"ations", "at", 3}, {"ation", "at", 3}, {"itions", "", 3}, {"ition", "", 3}, {"ions", "", 4}, {"ion", "", 4},
	{"ability", "", 3}, {"ibility", "", 3}, {"able", "", 4}, {"ible", "", 4}, {"ally", "", 4}, {"ly", "", 4},
	{"ness", "", 3}, {"ity", "", 4}, {"ive", "", 4}, {"ize", "", 3}, {"ise", "", 4}, {"ful", "", 4},
	{"ous", "", 4}, {"ant", "", 4}, {"ent", "", 5}, {"er", "", 4}, {"al", "", 4}, {"ic", "", 4},
}

func isAlpha(w string) bool {
	for _, r := range w {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

func hasVowel(w string) bool { return strings.ContainsAny(w, "aeiouy") }

// Similar reports whether two stemmed terms are spelling variants of one
// word: equal, or both at least six letters long and one edit apart
// (transliterations such as "zelensky"/"zelenskyy", "defence"/"defense").
func Similar(a, b string) bool {
	if a == b {
		return true
	}
	if len(a) < 6 || len(b) < 6 || abs(len(a)-len(b)) > 1 {
		return false
	}
	return editDistanceAtMostOne(a, b)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func editDistanceAtMostOne(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	i, j, edits := 0, 0, 0
	for i < len(a) && j < len(b) {
		if a[i] == b[j] {
			i++
			j++
			continue
		}
		edits++
		if edits > 1 {
			return false
		}
		if len(a) == len(b) {
			// Only spelling swaps substitute: defence/defense, -ise/-ize, i/y.
			if !swappable(a[i], b[j]) {
				return false
			}
			i++
		}
		j++
	}
	return edits+(len(b)-j)+(len(a)-i) <= 1
}

func swappable(x, y byte) bool {
	if x > y {
		x, y = y, x
	}
	switch string([]byte{x, y}) {
	case "cs", "sz", "iy", "ck", "jy", "fv":
		return true
	}
	return false
}
