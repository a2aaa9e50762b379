package digest

import (
	"fmt"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DefaultSchedule is the time of day a digest is posted when none is configured.
const DefaultSchedule = "08:00"

// Schedule is when digests are posted: the minutes matching a time of day or
// a cron expression, in one time zone. It is immutable and safe for
// concurrent use.
//
// Daylight-saving changes: a time that does not exist on the day clocks
// spring forward (02:30 in New York in March) fires at the same offset after
// the change (03:30); a time that occurs twice when clocks fall back fires
// once, at its first occurrence.
type Schedule struct {
	spec string
	loc  *time.Location
	// bit sets of the allowed values
	minute, hour, dom, month, dow uint64
	// domAny and dowAny say the field was "*"; when both fields are
	// restricted a day matches either (as in cron).
	domAny, dowAny bool
}

// ParseSchedule parses a schedule: a time of day "HH:MM" (24-hour clock), a
// five-field cron expression "minute hour day-of-month month day-of-week"
// (with *, lists, ranges, steps and English month and day names), or one of
// @hourly, @daily, @midnight, @weekly. tz is an IANA time zone name such as
// "Europe/Berlin"; empty means UTC. An empty spec means DefaultSchedule.
func ParseSchedule(spec, tz string) (*Schedule, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		spec = DefaultSchedule
	}
	loc := time.UTC
	if tz = strings.TrimSpace(tz); tz != "" {
		l, err := time.LoadLocation(tz)
		if err != nil {
			return nil, fmt.Errorf("digest time zone %q: not an IANA time zone such as Europe/Berlin: %w", tz, err)
		}
		loc = l
	}
	expr := spec
	switch {
	case strings.Contains(spec, ":") && !strings.ContainsAny(spec, " \t"):
		h, m, err := parseClock(spec)
		if err != nil {
			return nil, fmt.Errorf("digest schedule %q: %w", spec, err)
		}
		expr = fmt.Sprintf("%d %d * * *", m, h)
	case spec == "@hourly":
		expr = "0 * * * *"
	case spec == "@daily" || spec == "@midnight":
		expr = "0 0 * * *"
	case spec == "@weekly":
		expr = "0 0 * * 0"
	}
	fields := strings.Fields(expr)
	if len(fields) != 5 {
		return nil, fmt.Errorf("digest schedule %q: want a time of day such as 08:00 or a cron expression of 5 fields (minute hour day month weekday), got %d fields", spec, len(fields))
	}
	s := &Schedule{spec: spec, loc: loc}
	var err error
	parsers := []struct {
		dst      *uint64
		lo, hi   int
		names    map[string]int
		what     string
		wildcard *bool
	}{
		{&s.minute, 0, 59, nil, "minute", nil},
		{&s.hour, 0, 23, nil, "hour", nil},
		{&s.dom, 1, 31, nil, "day of month", &s.domAny},
		{&s.month, 1, 12, monthNames, "month", nil},
		{&s.dow, 0, 7, dayNames, "day of week", &s.dowAny},
	}
	for i, p := range parsers {
		*p.dst, err = parseField(fields[i], p.lo, p.hi, p.names)
		if err != nil {
			return nil, fmt.Errorf("digest schedule %q: %s field %q: %w", spec, p.what, fields[i], err)
		}
		if p.wildcard != nil {
			*p.wildcard = fields[i] == "*" || fields[i] == "?"
		}
	}
	if s.dow&(1<<7) != 0 { // 7 is Sunday too
		s.dow |= 1
		s.dow &^= 1 << 7
	}
	probe := time.Date(2000, 1, 1, 0, 0, 0, 0, loc)
	if s.Next(probe).IsZero() {
		return nil, fmt.Errorf("digest schedule %q never fires", spec)
	}
	return s, nil
}

// String returns the schedule as configured, with its time zone.
func (s *Schedule) String() string { return s.spec + " " + s.loc.String() }

// Location returns the schedule's time zone.
func (s *Schedule) Location() *time.Location { return s.loc }

func parseClock(s string) (h, m int, err error) {
	hs, ms, ok := strings.Cut(s, ":")
	if !ok || len(ms) != 2 || len(hs) < 1 || len(hs) > 2 {
		return 0, 0, fmt.Errorf("want a time of day HH:MM such as 08:00")
	}
	h, err1 := strconv.Atoi(hs)
	m, err2 := strconv.Atoi(ms)
	if err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 || hs[0] == '+' || hs[0] == '-' {
		return 0, 0, fmt.Errorf("want a time of day HH:MM between 00:00 and 23:59")
	}
	return h, m, nil
}

var monthNames = map[string]int{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}

var dayNames = map[string]int{"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}

// parseField parses one cron field into a bit set of values in [lo, hi].
func parseField(f string, lo, hi int, names map[string]int) (uint64, error) {
	var set uint64
	for part := range strings.SplitSeq(f, ",") {
		rng, stepS, hasStep := strings.Cut(part, "/")
		step := 1
		if hasStep {
			n, err := strconv.Atoi(stepS)
			if err != nil || n < 1 || n > hi {
				return 0, fmt.Errorf("step %q is not a number from 1 to %d", stepS, hi)
			}
			step = n
		}
		var a, b int
		switch {
		case rng == "*" || rng == "?":
			a, b = lo, hi
		case strings.Contains(rng, "-"):
			as, bs, _ := strings.Cut(rng, "-")
			var err error
			if a, err = value(as, lo, hi, names); err != nil {
				return 0, err
			}
			if b, err = value(bs, lo, hi, names); err != nil {
				return 0, err
			}
			if b < a {
				return 0, fmt.Errorf("range %q runs backwards", rng)
			}
		default:
			v, err := value(rng, lo, hi, names)
			if err != nil {
				return 0, err
			}
			a, b = v, v
			if hasStep {
				b = hi
			}
		}
		for v := a; v <= b; v += step {
			set |= 1 << uint(v)
		}
	}
	if set == 0 {
		return 0, fmt.Errorf("matches nothing")
	}
	return set, nil
}

func value(s string, lo, hi int, names map[string]int) (int, error) {
	if v, ok := names[strings.ToLower(s)]; ok {
		return v, nil
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < lo || v > hi || s == "" || s[0] == '+' || s[0] == '-' {
		return 0, fmt.Errorf("%q is not a value from %d to %d", s, lo, hi)
	}
	return v, nil
}

// wallTime returns the instant of a local wall-clock time. A time skipped by
// a spring-forward change is moved forward by the length of the gap (02:30
// becomes 03:30), the way clocks read; a time that occurs twice is its first
// occurrence.
func wallTime(y int, m time.Month, d, h, mi int, loc *time.Location) time.Time {
	t := time.Date(y, m, d, h, mi, 0, 0, loc)
	if t.Hour() == h && t.Minute() == mi {
		return t
	}
	_, before := t.Zone()
	_, after := t.Add(6 * time.Hour).Zone()
	if after > before {
		return t.Add(time.Duration(after-before) * time.Second)
	}
	return t
}

func has(set uint64, v int) bool { return set&(1<<uint(v)) != 0 }

// dayMatches reports whether the schedule fires on the local date of t.
func (s *Schedule) dayMatches(t time.Time) bool {
	if !has(s.month, int(t.Month())) {
		return false
	}
	dom, dow := has(s.dom, t.Day()), has(s.dow, int(t.Weekday()))
	switch {
	case s.domAny && s.dowAny:
		return true
	case s.domAny:
		return dow
	case s.dowAny:
		return dom
	}
	return dom || dow
}

// searchDays bounds how far Next and Prev look (leap days recur in 4 years,
// but 8 years is needed for Feb 29 on a given weekday under AND semantics).
const searchDays = 366 * 9

// times lists the schedule's fire times on the local day of date (its year,
// month and day), earliest first, as instants.
func (s *Schedule) times(y int, m time.Month, d int) []time.Time {
	var out []time.Time
	for h := range 24 {
		if !has(s.hour, h) {
			continue
		}
		for mins := s.minute; mins != 0; mins &= mins - 1 {
			mi := bits.TrailingZeros64(mins)
			out = append(out, wallTime(y, m, d, h, mi, s.loc))
		}
	}
	// Times in a spring-forward gap are moved past it and may now
	// coincide with, or follow, later times of the day.
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return slices.CompactFunc(out, func(a, b time.Time) bool { return a.Equal(b) })
}

// Next returns the first fire time strictly after t, or the zero time when
// the schedule does not fire within nine years.
func (s *Schedule) Next(t time.Time) time.Time {
	lt := t.In(s.loc)
	y, m, d := lt.Date()
	for i := range searchDays {
		day := time.Date(y, m, d+i, 12, 0, 0, 0, s.loc)
		if !s.dayMatches(day) {
			continue
		}
		for _, ft := range s.times(day.Year(), day.Month(), day.Day()) {
			if ft.After(t) {
				return ft
			}
		}
	}
	return time.Time{}
}

// Prev returns the last fire time at or before t, or the zero time when the
// schedule did not fire within nine years.
func (s *Schedule) Prev(t time.Time) time.Time {
	lt := t.In(s.loc)
	y, m, d := lt.Date()
	for i := range searchDays {
		day := time.Date(y, m, d-i, 12, 0, 0, 0, s.loc)
		if !s.dayMatches(day) {
			continue
		}
		ts := s.times(day.Year(), day.Month(), day.Day())
		for j := len(ts) - 1; j >= 0; j-- {
			if !ts[j].After(t) {
				return ts[j]
			}
		}
	}
	return time.Time{}
}
