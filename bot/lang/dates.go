package lang

import (
	"strconv"
	"strings"
	"time"
)

// Date is a calendar reference read from text: any of year, month, day and
// weekday (-1 when absent), or a day relative to publication ("yesterday"
// is Relative -1 with IsRelative set).
type Date struct {
	Year, Month, Day int
	// YearEnd is the last year of a span of years ("1861–1862"), or 0.
	YearEnd    int
	Weekday    int
	Relative   int
	IsRelative bool
	Start, End int
}

// Resolve turns the date into a day, using the article's publication time
// for what the text leaves out: a weekday alone is the latest such day on or
// before publication, a month and day without a year fall in the
// publication's year (or the year before when that would be months ahead).
// It reports false when the date names only a month or a year.
func (d Date) Resolve(pub time.Time) (time.Time, bool) {
	if d.IsRelative {
		if pub.IsZero() {
			return time.Time{}, false
		}
		y, m, dd := pub.Date()
		return time.Date(y, m, dd+d.Relative, 0, 0, 0, 0, time.UTC), true
	}
	if d.Month > 0 && d.Day > 0 {
		y := d.Year
		if y == 0 {
			if pub.IsZero() {
				return time.Time{}, false
			}
			y = pub.Year()
			if t := time.Date(y, time.Month(d.Month), d.Day, 0, 0, 0, 0, time.UTC); t.Sub(pub) > 120*24*time.Hour {
				y--
			}
		}
		return time.Date(y, time.Month(d.Month), d.Day, 0, 0, 0, 0, time.UTC), true
	}
	if d.Weekday >= 0 && !pub.IsZero() {
		y, m, dd := pub.Date()
		p := time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
		back := (int(p.Weekday()) - d.Weekday + 7) % 7
		return p.AddDate(0, 0, -back), true
	}
	return time.Time{}, false
}

// Same reports whether two dates can name the same day: every part both
// give agrees.
func (d Date) Same(o Date, pubD, pubO time.Time) bool {
	a, okA := d.Resolve(pubD)
	b, okB := o.Resolve(pubO)
	if okA && okB {
		return a.Equal(b)
	}
	if d.Month > 0 && o.Month > 0 && d.Month != o.Month {
		return false
	}
	if d.Day > 0 && o.Day > 0 && d.Day != o.Day {
		return false
	}
	if d.Year > 0 && o.Year > 0 && d.Year != o.Year {
		return false
	}
	if d.Weekday >= 0 && o.Weekday >= 0 && d.Weekday != o.Weekday {
		return false
	}
	return true
}

func (l *Lang) calendarAt(t Token, kind string) (int, bool) {
	c, ok := l.calendar[strings.TrimSuffix(t.Lower, ".")]
	if !ok || c.kind != kind {
		return 0, false
	}
	// Abbreviations and words like "may" or "sun" are months and weekdays
	// only when capitalised; a full name that is no other English word
	// ("april", "tuesday") is one in lower case too, as chat writes it.
	if kind != "relative" && kind != "dating" && (t.Text == "" || t.Text[0] < 'A' || t.Text[0] > 'Z') && !fullCalendarName(t.Lower) {
		return 0, false
	}
	return c.n, true
}

// fullCalendarName reports whether a lower-case word is the full name of a
// month or weekday that is not also a common word ("may", "march").
func fullCalendarName(w string) bool {
	return len(w) > 4 && w != "march"
}

func dayNumber(s string) (int, bool) {
	s = strings.ToLower(s)
	for _, suf := range []string{"st", "nd", "rd", "th"} {
		s = strings.TrimSuffix(s, suf)
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 31 {
		return 0, false
	}
	return n, true
}

// yearNumber reads a year beside a month or a day: four digits from 1000
// to 2100 (history is dated too: "2 July 1829").
func yearNumber(s string) (int, bool) {
	if len(s) != 4 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1000 || n > 2100 {
		return 0, false
	}
	return n, true
}

// Span returns the first and last day a date can name: the day itself
// when it resolves (see Resolve), else the whole month or year (or span of
// years) it names; a month without a year is placed by pub. ok is false
// for a date with neither a day nor a year, and for a month alone when pub
// is unknown.
func (d Date) Span(pub time.Time) (lo, hi time.Time, ok bool) {
	if day, ok := d.Resolve(pub); ok {
		return day, day, true
	}
	y := d.Year
	if y == 0 && d.Month > 0 && !pub.IsZero() {
		// A month without a year ("in late October") falls in the
		// publication's year, or the year before when it would begin
		// months after publication, as a month and day do (see Resolve).
		y = pub.Year()
		if time.Date(y, time.Month(d.Month), 1, 0, 0, 0, 0, time.UTC).Sub(pub) > 120*24*time.Hour {
			y--
		}
	}
	if y == 0 {
		return time.Time{}, time.Time{}, false
	}
	if d.Month > 0 {
		lo = time.Date(y, time.Month(d.Month), 1, 0, 0, 0, 0, time.UTC)
		return lo, lo.AddDate(0, 1, -1), true
	}
	end := d.Year
	if d.YearEnd > end {
		end = d.YearEnd
	}
	return time.Date(d.Year, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(end, 12, 31, 0, 0, 0, 0, time.UTC), true
}

// Years reads the years written alone ("founded in 1856", "built
// 1861–1862", "(1885-1955)") outside the tokens skip marks (the dates
// Dates reads). A four-digit figure that counts a plural noun or carries a
// unit or currency ("2000 people", "$1500") is a quantity, not a year; one
// before a singular noun ("the 2010 census") is the year of that thing.
func (l *Lang) Years(toks []Token, skip []bool) []Date {
	var out []Date
	for i, t := range toks {
		if skip != nil && i < len(skip) && skip[i] {
			continue
		}
		first, last, ok := yearSpan(t.Text)
		if !ok {
			continue
		}
		if i+1 < len(toks) {
			n := toks[i+1]
			if n.Tag == "NNS" || n.Text == "%" {
				continue
			}
			if _, unit := l.UnitDim(n.Lower); unit && n.Word() {
				continue
			}
		}
		if i > 0 {
			if _, cur := l.Currency(toks[i-1].Lower); cur {
				continue
			}
		}
		d := Date{Year: first, Weekday: -1, Start: i, End: i + 1}
		if last != first {
			d.YearEnd = last
		}
		out = append(out, d)
	}
	return out
}

// BareYears returns the years of Years that cannot be counts: a span of
// years ("1861–1862"), a year after a preposition that dates ("founded in
// 1850", "since 1998") or a year naming the singular noun after it ("the
// 2010 census"). A bare figure elsewhere ("the population was 1850") may
// count something, and is left to the caller.
func (l *Lang) BareYears(toks []Token, skip []bool) []Date {
	var out []Date
	for _, d := range l.Years(toks, skip) {
		dated := d.YearEnd > 0
		if d.Start > 0 {
			if _, ok := l.calendarAt(toks[d.Start-1], "dating"); ok {
				dated = true
			}
		}
		if d.End < len(toks) && (toks[d.End].Tag == "NN" || toks[d.End].Tag == "NNP") {
			dated = true
		}
		if dated {
			out = append(out, d)
		}
	}
	return out
}

// yearSpan reads "1856" or "1861–1862" (a hyphen or a dash, the second
// year in full or as its last two digits).
func yearSpan(s string) (first, last int, ok bool) {
	a, b, dash := s, "", false
	for _, sep := range []string{"–", "—", "-"} {
		if x, y, found := strings.Cut(s, sep); found {
			a, b, dash = x, y, true
			break
		}
	}
	first, ok = yearNumber(a)
	if !ok {
		return 0, 0, false
	}
	if !dash {
		return first, first, true
	}
	switch len(b) {
	case 2:
		n, err := strconv.Atoi(b)
		if err != nil {
			return 0, 0, false
		}
		last = first/100*100 + n
	case 4:
		if last, ok = yearNumber(b); !ok {
			return 0, 0, false
		}
	default:
		return 0, 0, false
	}
	if last < first {
		return 0, 0, false
	}
	return first, last, true
}

// Dates reads the calendar references in toks, in order.
func (l *Lang) Dates(toks []Token) []Date {
	var out []Date
	for i := 0; i < len(toks); i++ {
		d := Date{Weekday: -1, Start: i}
		j := i
		if t, err := time.Parse("2006-01-02", toks[i].Text); err == nil {
			d.Year, d.Month, d.Day, d.End = t.Year(), int(t.Month()), t.Day(), i+1
			out = append(out, d)
			continue
		}
		if n, ok := l.calendarAt(toks[j], "relative"); ok {
			d.Relative, d.IsRelative, d.End = n, true, j+1
			out = append(out, d)
			continue
		}
		if wd, ok := l.calendarAt(toks[j], "weekday"); ok {
			d.Weekday = wd
			j++
			if j < len(toks) && toks[j].Text == "," {
				j++
			}
		}
		at := j
		if j < len(toks) {
			m, ok := l.calendarAt(toks[j], "month")
			if !ok && j+1 < len(toks) {
				// "march 4", "may 20": a month name that is also a common
				// word is a month before a day number, in any case.
				if c, isCal := l.calendar[toks[j].Lower]; isCal && c.kind == "month" && len(toks[j].Lower) > 2 {
					if _, isDay := dayNumber(toks[j+1].Text); isDay && !strings.ContainsAny(toks[j+1].Text, ",.") {
						m, ok = c.n, true
					}
				}
			}
			if ok {
				// Month [day][,] [year]
				if j+1 < len(toks) {
					if dd, ok := dayNumber(toks[j+1].Text); ok {
						d.Month, d.Day = m, dd
						j += 2
					} else if y, ok := yearNumber(toks[j+1].Text); ok {
						d.Month, d.Year = m, y
						j += 2
					} else if len(toks[j].Text) > 3 && toks[j].Lower != "may" && toks[j].Lower != "march" {
						d.Month = m
						j++
					}
				}
			} else if dd, ok := dayNumber(toks[j].Text); ok && j+1 < len(toks) {
				// day [of] Month
				k := j + 1
				if toks[k].Lower == "of" && k+1 < len(toks) {
					k++
				}
				if m, ok := l.calendarAt(toks[k], "month"); ok {
					d.Month, d.Day = m, dd
					j = k + 1
				}
			}
		}
		if d.Month > 0 && d.Year == 0 && j < len(toks) {
			k := j
			if toks[k].Text == "," && k+1 < len(toks) {
				k++
			}
			if y, ok := yearNumber(toks[k].Text); ok {
				d.Year, j = y, k+1
			}
		}
		if d.Month == 0 && d.Weekday < 0 {
			continue
		}
		if d.Month == 0 {
			j = at
			if j > i+1 && toks[j-1].Text == "," {
				j--
			}
		}
		d.End = j
		out = append(out, d)
		i = j - 1
	}
	return out
}

// Clock is a time of day read from text: minutes after midnight in the
// zone written beside it (Zone hours from UTC, when HasZone).
type Clock struct {
	Minutes int
	// Lo and Hi bound the time in minutes after a hedge ("by 2:00" is
	// [0, 120]); both equal Minutes without one.
	Lo, Hi     int
	HasZone    bool
	Zone       float64
	Meridiem   bool
	Start, End int
}

// UTC returns the minutes after midnight in UTC, when the zone is known.
func (c Clock) UTC() (int, bool) {
	if !c.HasZone {
		return 0, false
	}
	m := c.Minutes - int(c.Zone*60)
	return ((m % 1440) + 1440) % 1440, true
}

// Clocks reads the times of day in toks: "1:30 a.m.", "12:50pm", "06:20 GMT",
// "1.20pm". A dotted time needs a meridiem or zone to be told from a decimal.
func (l *Lang) Clocks(toks []Token) []Clock {
	var out []Clock
	for i := 0; i < len(toks); i++ {
		s := toks[i].Lower
		sep := strings.IndexAny(s, ":.")
		if sep < 1 || sep > 2 || len(s) < sep+3 || !allDigits(s[:sep]) || !allDigits(s[sep+1:sep+3]) {
			continue
		}
		h, _ := strconv.Atoi(s[:sep])
		m, _ := strconv.Atoi(s[sep+1 : sep+3])
		if h > 23 || m > 59 {
			continue
		}
		c := Clock{Start: i, End: i + 1}
		rest := s[sep+3:]
		words := []string{}
		if rest != "" {
			words = append(words, rest)
		}
		for k := i + 1; k < len(toks) && k <= i+3; k++ {
			if _, ok := l.clock[toks[k].Lower]; ok || toks[k].Text == "(" {
				if toks[k].Text != "(" {
					words = append(words, toks[k].Lower)
					c.End = k + 1
				}
				continue
			}
			break
		}
		if rest != "" {
			if _, ok := l.clock[rest]; !ok {
				continue
			}
		}
		for _, w := range words {
			cw := l.clock[w]
			switch cw.kind {
			case "meridiem":
				c.Meridiem = true
				if h == 12 {
					h = 0
				}
				h += int(cw.offset)
			case "zone":
				c.HasZone, c.Zone = true, cw.offset
			}
		}
		if sep < len(s) && s[sep] == '.' && !c.Meridiem && !c.HasZone {
			continue
		}
		c.Minutes = h*60 + m
		c.Lo, c.Hi = c.Minutes, c.Minutes
		for n := 2; n >= 1; n-- {
			if i-n < 0 {
				continue
			}
			if cw, ok := l.clock[phrase(toks[i-n:i])]; ok && cw.kind == "hedge" {
				switch {
				case cw.offset < 0:
					c.Lo = 0
				case cw.offset > 0:
					c.Hi = 24 * 60
				default:
					c.Lo, c.Hi = c.Minutes-15, c.Minutes+15
				}
				c.Start = i - n
				break
			}
		}
		out = append(out, c)
		i = c.End - 1
	}
	return out
}

// Direction returns the compass bearing a word names ("north-west",
// "south-southeast", "NW").
func (l *Lang) Direction(word string) (float64, bool) {
	w := strings.NewReplacer("-", "", " ", "", ".", "").Replace(strings.ToLower(word))
	b, ok := l.compass[w]
	if ok && len(w) <= 3 && strings.ToUpper(word) != word {
		return 0, false // abbreviations only in capitals: "NW", not "w"
	}
	return b, ok
}

// Hedge returns the kind of a hedge phrase ("about" is approx, "at least"
// min; see data/hedges.txt).
func (l *Lang) Hedge(phrase string) (string, bool) {
	k, ok := l.hedges[phrase]
	return k, ok
}
