package guard

import (
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestDedupe(t *testing.T) {
	c := &clock{t: time.Unix(1000, 0)}
	d := NewDedupe(time.Minute, c.now)
	steps := []struct {
		advance time.Duration
		key     string
		want    bool
	}{
		{0, "a", true},
		{0, "a", false},
		{0, "b", true},
		{30 * time.Second, "a", false},
		{0, "", true},
		{0, "", true},
		{2 * time.Minute, "a", true},
	}
	for i, s := range steps {
		c.t = c.t.Add(s.advance)
		if got := d.First(s.key); got != s.want {
			t.Fatalf("step %d: First(%q) = %v, want %v", i, s.key, got, s.want)
		}
	}
}

func TestLimiter(t *testing.T) {
	c := &clock{t: time.Unix(1000, 0)}
	l := NewLimiter(10*time.Second, 2, c.now)
	for i, want := range []bool{true, true, false} {
		if ok, _ := l.Allow("u"); ok != want {
			t.Fatalf("call %d: ok = %v, want %v", i, ok, want)
		}
	}
	if ok, _ := l.Allow("other"); !ok {
		t.Fatal("another key must have its own bucket")
	}
	_, wait := l.Allow("u")
	if wait <= 0 || wait > 10*time.Second {
		t.Fatalf("wait = %v, want in (0, 10s]", wait)
	}
	c.t = c.t.Add(10 * time.Second)
	if ok, _ := l.Allow("u"); !ok {
		t.Fatal("a token must come back after the interval")
	}
	var off *Limiter
	if ok, _ := off.Allow("x"); !ok {
		t.Fatal("a nil limiter allows everything")
	}
}
