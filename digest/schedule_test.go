package digest

import (
	"strings"
	"testing"
	"time"
)

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestScheduleNext(t *testing.T) {
	ny := mustLoc(t, "America/New_York")
	berlin := mustLoc(t, "Europe/Berlin")
	tests := []struct {
		name, spec, tz string
		after          time.Time
		want           time.Time
	}{
		{"default 08:00 UTC", "", "", time.Date(2026, 1, 5, 7, 0, 0, 0, time.UTC), time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)},
		{"strictly after", "08:00", "UTC", time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC), time.Date(2026, 1, 6, 8, 0, 0, 0, time.UTC)},
		{"local time zone", "8:00", "Europe/Berlin", time.Date(2026, 1, 5, 7, 30, 0, 0, time.UTC), time.Date(2026, 1, 6, 8, 0, 0, 0, berlin)},
		{"day before spring forward", "08:00", "America/New_York", time.Date(2026, 3, 7, 9, 0, 0, 0, ny), time.Date(2026, 3, 8, 8, 0, 0, 0, ny)},
		{"spring forward day is 12:00 UTC", "08:00", "America/New_York", time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 8, 12, 0, 0, 0, time.UTC)},
		{"fall back day is 13:00 UTC", "08:00", "America/New_York", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 1, 13, 0, 0, 0, time.UTC)},
		{"time in the gap moves past it", "02:30", "America/New_York", time.Date(2026, 3, 8, 0, 0, 0, 0, ny), time.Date(2026, 3, 8, 7, 30, 0, 0, time.UTC)},
		{"repeated time fires at its first occurrence", "01:30", "America/New_York", time.Date(2026, 11, 1, 0, 0, 0, 0, ny), time.Date(2026, 11, 1, 5, 30, 0, 0, time.UTC)},
		{"repeated time fires once", "01:30", "America/New_York", time.Date(2026, 11, 1, 5, 30, 0, 0, time.UTC), time.Date(2026, 11, 2, 6, 30, 0, 0, time.UTC)},
		{"cron weekdays", "30 7 * * mon-fri", "UTC", time.Date(2026, 1, 9, 8, 0, 0, 0, time.UTC), time.Date(2026, 1, 12, 7, 30, 0, 0, time.UTC)},
		{"cron step", "*/15 * * * *", "UTC", time.Date(2026, 1, 9, 8, 1, 0, 0, time.UTC), time.Date(2026, 1, 9, 8, 15, 0, 0, time.UTC)},
		{"cron day or weekday", "0 9 1 * sun", "UTC", time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 4, 9, 0, 0, 0, time.UTC)},
		{"cron sunday as 7", "0 9 * * 7", "UTC", time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 4, 9, 0, 0, 0, time.UTC)},
		{"cron leap day", "0 0 29 feb *", "UTC", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2028, 2, 29, 0, 0, 0, 0, time.UTC)},
		{"@daily", "@daily", "UTC", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)},
		{"hourly across spring forward", "0 * * * *", "America/New_York", time.Date(2026, 3, 8, 1, 0, 0, 0, ny), time.Date(2026, 3, 8, 3, 0, 0, 0, ny)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseSchedule(tt.spec, tt.tz)
			if err != nil {
				t.Fatal(err)
			}
			got := s.Next(tt.after)
			if !got.Equal(tt.want) {
				t.Fatalf("Next(%s) = %s, want %s", tt.after, got, tt.want.In(s.Location()))
			}
			if p := s.Prev(got); !p.Equal(got) {
				t.Errorf("Prev(%s) = %s, want the same time", got, p)
			}
			if p := s.Prev(got.Add(-time.Second)); !p.Before(got) || s.Next(p).Compare(got) != 0 {
				t.Errorf("Prev just before %s = %s, whose Next is %s", got, p, s.Next(p))
			}
		})
	}
}

func TestParseScheduleErrors(t *testing.T) {
	tests := []struct{ spec, tz, want string }{
		{"25:00", "", "between 00:00 and 23:59"},
		{"8:0", "", "HH:MM"},
		{"08:00", "Mars/Olympus", "IANA time zone"},
		{"* * *", "", "5 fields"},
		{"61 * * * *", "", "minute field"},
		{"0 0 30 feb *", "", "never fires"},
		{"0 0 * * 8", "", "day of week"},
		{"5-1 * * * *", "", "backwards"},
		{"*/0 * * * *", "", "step"},
		{"-1 * * * *", "", "minute"},
	}
	for _, tt := range tests {
		_, err := ParseSchedule(tt.spec, tt.tz)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseSchedule(%q, %q) = %v, want an error about %q", tt.spec, tt.tz, err, tt.want)
		}
	}
}

func FuzzParseSchedule(f *testing.F) {
	for _, s := range []string{"08:00", "0 8 * * *", "*/5 1-3 1,15 jan-mar mon", "@weekly", "0 0 29 2 *", "23:59", "1-59/7 */2 * * 0-7"} {
		f.Add(s)
	}
	from := time.Date(2026, 3, 7, 23, 17, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, spec string) {
		s, err := ParseSchedule(spec, "America/New_York")
		if err != nil {
			return
		}
		n := s.Next(from)
		if !n.After(from) {
			t.Fatalf("%q: Next(%s) = %s is not after it", spec, from, n)
		}
		if p := s.Prev(n); !p.Equal(n) {
			t.Fatalf("%q: Prev(Next) = %s, want %s", spec, p, n)
		}
		if n2 := s.Next(n); !n2.After(n) {
			t.Fatalf("%q: Next(%s) = %s is not after it", spec, n, n2)
		}
	})
}
