package retrieval

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/storybot/storybot/bot"
)

// sameArticle compares articles as stored: the times by instant and zone
// offset (a zone's name is not kept, as in JSON).
func sameArticle(a, b bot.Article) bool {
	sameTime := func(x, y time.Time) bool {
		if x.IsZero() || y.IsZero() {
			return x.IsZero() && y.IsZero()
		}
		_, ox := x.Zone()
		_, oy := y.Zone()
		return x.Equal(y) && ox == oy
	}
	return a.ID == b.ID && a.Title == b.Title && a.Outlet == b.Outlet && a.URL == b.URL &&
		a.Text == b.Text && a.Source == b.Source && sameTime(a.Published, b.Published) && sameTime(a.FirstSeen, b.FirstSeen)
}

func TestArticleEncodingRoundTrip(t *testing.T) {
	east := time.FixedZone("EAST", 5*3600+30*60)
	tests := []bot.Article{
		{ID: "a1", Text: "Body."},
		{ID: "a2", Title: "The headline", Outlet: "The Daily Example", URL: "https://news.example/2",
			Published: time.Date(2025, 11, 14, 9, 44, 0, 0, time.UTC), FirstSeen: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC),
			Text: "First paragraph, with \"quotes\" and <tags> & ampersands.\n\nSecond — with ünïcödé.", Source: "feed.jsonl#12"},
		{ID: "a3", Published: time.Date(2024, 2, 29, 23, 30, 0, 0, time.FixedZone("", -5*3600)), Text: "Late in the evening, west of UTC."},
		{ID: "a4", Published: time.Date(2024, 2, 29, 23, 30, 0, 123456789, east), Text: "x"},
		{ID: "a5", Published: time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC), FirstSeen: time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC), Text: "Far dates."},
		{ID: "a6", Text: "Invalid UTF-8 kept as bytes: \xff\xfe."},
	}
	for _, a := range tests {
		got, err := decodeArticle(encodeArticle(a))
		if err != nil {
			t.Fatalf("%s: %v", a.ID, err)
		}
		if !sameArticle(got, a) {
			t.Errorf("%s: round trip gave\n%+v\nwant\n%+v", a.ID, got, a)
		}
		want := a.Published
		if want.IsZero() {
			want = a.FirstSeen
		}
		if d := articleDate(encodeArticle(a)); !d.Equal(want) {
			t.Errorf("%s: articleDate %v, want %v", a.ID, d, want)
		}
		// Records written as JSON by older versions still read.
		old, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		fromJSON, err := decodeArticle(old)
		if err != nil {
			t.Fatalf("%s from JSON: %v", a.ID, err)
		}
		if a.ID != "a6" && !sameArticle(fromJSON, got) {
			t.Errorf("%s: JSON record gave\n%+v\nthe encoding\n%+v", a.ID, fromJSON, got)
		}
	}
}

func TestDecodeArticleRejectsDamage(t *testing.T) {
	good := encodeArticle(bot.Article{ID: "a", Title: "t", Text: "Some text.", Published: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)})
	for n := range len(good) {
		if _, err := decodeArticle(good[:n]); !errors.Is(err, errCorruptArticle) {
			t.Errorf("truncated to %d bytes: err = %v", n, err)
		}
	}
	for _, b := range [][]byte{nil, {2}, append(append([]byte{}, good...), 0), []byte("{not json")} {
		if _, err := decodeArticle(b); !errors.Is(err, errCorruptArticle) {
			t.Errorf("decodeArticle(%q): err = %v", b, err)
		}
	}
}

func FuzzDecodeArticle(f *testing.F) {
	f.Add(encodeArticle(bot.Article{ID: "a", Title: "t", Text: "x", Published: time.Date(2025, 1, 2, 3, 4, 5, 6, time.FixedZone("", 3600))}))
	f.Add(encodeArticle(bot.Article{ID: "b", Text: "y", FirstSeen: time.Unix(1765800000, 0).UTC()}))
	f.Add([]byte(`{"id":"c","text":"z"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := decodeArticle(b)
		d := articleDate(b) // never panics, whatever b holds
		if err != nil {
			return
		}
		if want := a.Published; !want.IsZero() && !d.Equal(want) {
			t.Fatalf("articleDate %v, decodeArticle's Published %v", d, want)
		}
		// Whatever decodes encodes and decodes to the same article.
		again, err := decodeArticle(encodeArticle(a))
		if err != nil {
			t.Fatalf("re-encoded article does not decode: %v", err)
		}
		if !sameArticle(again, a) {
			t.Fatalf("round trip changed the article:\n%+v\n%+v", a, again)
		}
	})
}
