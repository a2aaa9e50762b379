package metrics_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/metrics"
)

// scrape returns the metrics page as served to Prometheus.
func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("metrics: status %d", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("metrics content type %q", ct)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// clock advances by step on every call.
func clock(step time.Duration) func() time.Time {
	t := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return func() time.Time { t = t.Add(step); return t }
}

func TestObserve(t *testing.T) {
	m := metrics.New(metrics.Options{NoRuntime: true, Now: clock(time.Second)})
	answers := map[string]bot.Answer{
		"plain":     {Composer: bot.ComposerExtractive, Sentences: []bot.Sentence{{Text: "x", Citations: []string{"a"}}}},
		"abstain":   {Composer: bot.ComposerExtractive, Abstained: true},
		"conflicts": {Composer: "llama3", Conflicts: []bot.Conflict{{Topic: "t"}, {Topic: "u"}}},
	}
	next := bot.AnswerFunc(func(ctx context.Context, q bot.Question) (bot.Answer, error) {
		if q.Text == "fail" {
			return bot.Answer{}, errors.New("index gone")
		}
		return answers[q.Text], nil
	})
	ans := metrics.Observe(m, next, clock(1500*time.Millisecond))
	for _, q := range []bot.Question{
		{Text: "plain", Platform: "slack"},
		{Text: "abstain", Platform: "slack"},
		{Text: "conflicts", Platform: "discord"},
		{Text: "fail", Platform: "http"},
		{Text: "plain", Platform: ""},
	} {
		_, err := ans.Answer(t.Context(), q)
		if (err != nil) != (q.Text == "fail") {
			t.Errorf("%q: err %v", q.Text, err)
		}
	}
	page := scrape(t, m)
	for _, want := range []string{
		`storybot_questions_total{platform="slack"} 2`,
		`storybot_questions_total{platform="discord"} 1`,
		`storybot_questions_total{platform="http"} 1`,
		`storybot_questions_total{platform="unknown"} 1`,
		`storybot_abstentions_total{platform="slack"} 1`,
		`storybot_conflicts_stated_total{platform="discord"} 2`,
		`storybot_answer_failures_total{platform="http"} 1`,
		`storybot_answers_by_composer_total{composer="extractive"} 3`,
		`storybot_answers_by_composer_total{composer="model"} 1`,
		// every observation took 1.5 s: in the 2.5 s bucket, not the 1 s one.
		`storybot_answer_duration_seconds_bucket{platform="slack",le="1"} 0`,
		`storybot_answer_duration_seconds_bucket{platform="slack",le="2.5"} 2`,
		`storybot_answer_duration_seconds_sum{platform="slack"} 3`,
	} {
		if !strings.Contains(page, want+"\n") {
			t.Errorf("metrics page lacks %s", want)
		}
	}
	if strings.Contains(page, "go_goroutines") {
		t.Error("NoRuntime still registered the Go collector")
	}
}

type composerFunc func(ctx context.Context, b bot.Brief) (bot.Answer, error)

func (f composerFunc) Compose(ctx context.Context, b bot.Brief) (bot.Answer, error) { return f(ctx, b) }

func TestObserveComposer(t *testing.T) {
	m := metrics.New(metrics.Options{NoRuntime: true})
	c := metrics.ObserveComposer(m, composerFunc(func(ctx context.Context, b bot.Brief) (bot.Answer, error) {
		switch b.Question.Text {
		case "timeout":
			return bot.Answer{}, fmt.Errorf("model: %w", context.DeadlineExceeded)
		case "junk":
			return bot.Answer{}, errors.New("model invented an article ID")
		case "cancel":
			return bot.Answer{}, ctx.Err()
		}
		return bot.Answer{Composer: "m"}, nil
	}))
	canceled, cancel := context.WithCancel(t.Context())
	cancel()
	for _, tc := range []struct {
		ctx     context.Context
		q       string
		wantErr bool
	}{
		{t.Context(), "ok", false},
		{t.Context(), "timeout", true},
		{t.Context(), "junk", true},
		{t.Context(), "junk", true},
		{canceled, "cancel", true},
	} {
		_, err := c.Compose(tc.ctx, bot.Brief{Question: bot.Question{Text: tc.q}})
		if (err != nil) != tc.wantErr {
			t.Errorf("%s: err %v", tc.q, err)
		}
	}
	page := scrape(t, m)
	for _, want := range []string{
		`storybot_model_errors_total{reason="timeout"} 1`,
		`storybot_model_errors_total{reason="error"} 2`,
		`storybot_model_errors_total{reason="canceled"} 1`,
		// the canceled question gets no fallback answer.
		`storybot_model_fallbacks_total 3`,
	} {
		if !strings.Contains(page, want+"\n") {
			t.Errorf("metrics page lacks %s", want)
		}
	}
}

type fakePublisher struct {
	name string
	err  error
	got  []bot.Digest
}

func (p *fakePublisher) Name() string { return p.name }
func (p *fakePublisher) Publish(ctx context.Context, d bot.Digest) error {
	p.got = append(p.got, d)
	return p.err
}

func TestObservePublisher(t *testing.T) {
	m := metrics.New(metrics.Options{NoRuntime: true})
	good := &fakePublisher{name: "slack:C1"}
	bad := &fakePublisher{name: "discord:9", err: errors.New("403")}
	pg, pb := metrics.ObservePublisher(m, good), metrics.ObservePublisher(m, bad)
	if pg.Name() != "slack:C1" {
		t.Errorf("Name = %q", pg.Name())
	}
	if err := pg.Publish(t.Context(), bot.Digest{ID: "d1"}); err != nil {
		t.Fatal(err)
	}
	if err := pb.Publish(t.Context(), bot.Digest{ID: "d1"}); err == nil {
		t.Fatal("publisher error was swallowed")
	}
	if len(good.got) != 1 || good.got[0].ID != "d1" {
		t.Errorf("digest not passed on: %+v", good.got)
	}
	page := scrape(t, m)
	for _, want := range []string{
		`storybot_digest_posts_total{destination="slack:C1",result="ok"} 1`,
		`storybot_digest_posts_total{destination="discord:9",result="error"} 1`,
	} {
		if !strings.Contains(page, want+"\n") {
			t.Errorf("metrics page lacks %s", want)
		}
	}
}

func TestRecorderGauges(t *testing.T) {
	now := time.Unix(1700000000, 0)
	m := metrics.New(metrics.Options{Now: func() time.Time { return now }})
	m.RateLimited("slack", "user")
	m.RateLimited("slack", "user")
	m.RateLimited("discord", "channel")
	m.CorpusSynced(5, 0, nil)
	m.CorpusSynced(6, 2, nil)
	m.CorpusSynced(7, 3, nil)
	m.CorpusSynced(0, 0, errors.New("read the corpus: permission denied"))
	m.ModelError(strings.Repeat("x", 200))
	up := false
	m.Adapter("discord", func() bool { return up })
	m.Adapter("slack", func() bool { return true })
	m.AdapterFailed("discord")
	m.AdapterFailed("discord")
	page := scrape(t, m)
	for _, want := range []string{
		`storybot_rate_limited_total{platform="slack",scope="user"} 2`,
		`storybot_rate_limited_total{platform="discord",scope="channel"} 1`,
		`storybot_corpus_articles 7`,
		`storybot_corpus_syncs_total{result="ok"} 1`,
		`storybot_corpus_syncs_total{result="partial"} 2`,
		`storybot_corpus_problems 3`,
		`storybot_corpus_syncs_total{result="error"} 1`,
		`storybot_corpus_last_sync_timestamp_seconds 1.7e+09`,
		`storybot_model_errors_total{reason="` + strings.Repeat("x", 64) + `"} 1`,
		`storybot_adapter_up{adapter="discord"} 0`,
		`storybot_adapter_up{adapter="slack"} 1`,
		`storybot_adapter_failures_total{adapter="discord"} 2`,
		`storybot_adapter_failures_total{adapter="slack"} 0`,
	} {
		if !strings.Contains(page, want+"\n") {
			t.Errorf("metrics page lacks %s", want)
		}
	}
	if !strings.Contains(page, "go_goroutines") || !strings.Contains(page, "process_") {
		t.Error("runtime collectors missing")
	}
}

func TestDiscard(t *testing.T) {
	var r metrics.Recorder = metrics.Discard{}
	ans := metrics.Observe(r, bot.AnswerFunc(func(ctx context.Context, q bot.Question) (bot.Answer, error) {
		return bot.Answer{Question: q.Text}, nil
	}), nil)
	a, err := ans.Answer(t.Context(), bot.Question{Text: "q"})
	if err != nil || a.Question != "q" {
		t.Fatalf("Observe with Discard: %+v, %v", a, err)
	}
}

// partFake posts a two-part digest part by part.
type partFake struct {
	fakePublisher
	failPart int
	posted   []string
}

func (p *partFake) DigestParts(d bot.Digest) int { return 2 }
func (p *partFake) FindDigestPart(ctx context.Context, d bot.Digest, i int, key string, since time.Time, thread string) (string, error) {
	return "found-" + key, nil
}
func (p *partFake) PostDigestPart(ctx context.Context, d bot.Digest, i int, key, thread string) (string, error) {
	if i == p.failPart {
		return "", errors.New("503")
	}
	p.posted = append(p.posted, key)
	return "ref-" + key, nil
}

// A publisher that posts part by part keeps doing so through the wrapper
// (the digest scheduler's exactly-once checks need it); a digest counts as
// posted once, at its last part, and a failed part as a failed post.
func TestObservePartPublisher(t *testing.T) {
	m := metrics.New(metrics.Options{NoRuntime: true})
	good, bad := &partFake{fakePublisher: fakePublisher{name: "slack:C1"}, failPart: -1}, &partFake{fakePublisher: fakePublisher{name: "slack:C2"}, failPart: 1}
	type parts interface {
		DigestParts(bot.Digest) int
		FindDigestPart(context.Context, bot.Digest, int, string, time.Time, string) (string, error)
		PostDigestPart(context.Context, bot.Digest, int, string, string) (string, error)
	}
	pg, ok := metrics.ObservePublisher(m, good).(parts)
	pb, ok2 := metrics.ObservePublisher(m, bad).(parts)
	if !ok || !ok2 {
		t.Fatal("the wrapper hides DigestParts, FindDigestPart and PostDigestPart")
	}
	if _, ok := metrics.ObservePublisher(m, &fakePublisher{name: "stdout"}).(parts); ok {
		t.Error("a plain publisher became a part publisher")
	}
	d := bot.Digest{ID: "d1"}
	if n := pg.DigestParts(d); n != 2 {
		t.Fatalf("DigestParts = %d", n)
	}
	for i := range 2 {
		if ref, err := pg.PostDigestPart(t.Context(), d, i, fmt.Sprint("k", i), ""); err != nil || ref != fmt.Sprint("ref-k", i) {
			t.Fatalf("part %d: %q %v", i, ref, err)
		}
	}
	if ref, err := pg.FindDigestPart(t.Context(), d, 0, "k0", time.Time{}, ""); err != nil || ref != "found-k0" {
		t.Fatalf("FindDigestPart = %q %v", ref, err)
	}
	// The last part found on the platform after a crash: a posted digest.
	if _, err := pg.FindDigestPart(t.Context(), d, 1, "k1", time.Time{}, "ref-k0"); err != nil {
		t.Fatal(err)
	}
	if _, err := pb.PostDigestPart(t.Context(), d, 0, "k0", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := pb.PostDigestPart(t.Context(), d, 1, "k1", "ref-k0"); err == nil {
		t.Fatal("a failed part was swallowed")
	}
	page := scrape(t, m)
	for _, want := range []string{
		`storybot_digest_posts_total{destination="slack:C1",result="ok"} 2`,
		`storybot_digest_posts_total{destination="slack:C2",result="error"} 1`,
	} {
		if !strings.Contains(page, want+"\n") {
			t.Errorf("metrics page lacks %s", want)
		}
	}
	if strings.Contains(page, `destination="slack:C2",result="ok"`) {
		t.Error("the first part of a failed digest counted as a posted digest")
	}
}
