package metrics

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/storybot/storybot/bot"
)

// Recorder receives the events storybot counts. Implementations must be safe
// for concurrent use and must not block: they are called on the answer path.
type Recorder interface {
	// Answered records one answered question: its platform, how long it took
	// and the answer (abstention, conflicts stated, composer).
	Answered(platform string, took time.Duration, a bot.Answer)
	// AnswerFailed records a question that got no answer at all.
	AnswerFailed(platform string, took time.Duration)
	// ModelError records a failed language-model call; reason is a short
	// fixed word such as "timeout", "canceled" or "error".
	ModelError(reason string)
	// ModelFallback records an answer that fell back to the offline composer
	// because the model failed.
	ModelFallback()
	// DigestPosted records one digest post to a destination (a
	// bot.Publisher's Name); err is nil when it was delivered.
	DigestPosted(destination string, err error)
	// RateLimited records a question refused by a rate limit; scope says
	// which limit, e.g. "user" or "channel".
	RateLimited(platform, scope string)
	// CorpusSynced records a (re)load of the corpus: the number of articles
	// now indexed and of files, folders, lines or duplicate IDs skipped
	// (a partial sync when above zero), or the error that stopped the load.
	CorpusSynced(articles, problems int, err error)
}

// Discard is a Recorder that records nothing.
type Discard struct{}

var _ Recorder = Discard{}

// Answered does nothing.
func (Discard) Answered(string, time.Duration, bot.Answer) {}

// AnswerFailed does nothing.
func (Discard) AnswerFailed(string, time.Duration) {}

// ModelError does nothing.
func (Discard) ModelError(string) {}

// ModelFallback does nothing.
func (Discard) ModelFallback() {}

// DigestPosted does nothing.
func (Discard) DigestPosted(string, error) {}

// RateLimited does nothing.
func (Discard) RateLimited(string, string) {}

// CorpusSynced does nothing.
func (Discard) CorpusSynced(int, int, error) {}

// Metrics is the Prometheus Recorder. Create it with New; it is safe for
// concurrent use.
type Metrics struct {
	reg          *prometheus.Registry
	questions    *prometheus.CounterVec
	latency      *prometheus.HistogramVec
	abstentions  *prometheus.CounterVec
	conflicts    *prometheus.CounterVec
	failures     *prometheus.CounterVec
	composers    *prometheus.CounterVec
	modelErrors  *prometheus.CounterVec
	fallbacks    prometheus.Counter
	digests      *prometheus.CounterVec
	rateLimited  *prometheus.CounterVec
	corpusSize   prometheus.Gauge
	syncs        *prometheus.CounterVec
	lastSyncUnix prometheus.Gauge
	// corpusProblems counts what the last successful load skipped.
	corpusProblems prometheus.Gauge
	adapterFails   *prometheus.CounterVec
	now            func() time.Time
}

var _ Recorder = (*Metrics)(nil)

// Options configures New.
type Options struct {
	// Now is the clock for the last-sync timestamp; nil means time.Now.
	Now func() time.Time
	// NoRuntime leaves out the Go runtime and process collectors (tests).
	NoRuntime bool
}

// LatencyBuckets are the answer latency histogram's upper bounds in seconds:
// from an offline answer (milliseconds) to a slow model (minutes).
var LatencyBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120}

// New returns Metrics registered on a registry of their own.
func New(opt Options) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry(), now: opt.Now}
	if m.now == nil {
		m.now = time.Now
	}
	const ns = "storybot"
	m.questions = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "questions_total",
		Help: "Questions answered or failed, by platform."}, []string{"platform"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: ns, Name: "answer_duration_seconds",
		Help: "Time to answer one question, by platform.", Buckets: LatencyBuckets}, []string{"platform"})
	m.abstentions = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "abstentions_total",
		Help: "Answers that said the articles do not answer the question, by platform."}, []string{"platform"})
	m.conflicts = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "conflicts_stated_total",
		Help: "Conflicting reports stated in answers, by platform."}, []string{"platform"})
	m.failures = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "answer_failures_total",
		Help: "Questions that got no answer at all (the index could not be read, or the asker left), by platform."}, []string{"platform"})
	m.composers = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "answers_by_composer_total",
		Help: "Answers by what wrote them: extractive (offline) or model."}, []string{"composer"})
	m.modelErrors = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "model_errors_total",
		Help: "Failed language-model calls, by reason (timeout, canceled, error)."}, []string{"reason"})
	m.fallbacks = prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Name: "model_fallbacks_total",
		Help: "Answers that fell back to the offline composer because the model failed."})
	m.digests = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "digest_posts_total",
		Help: "Digest posts, by destination and result (ok or error)."}, []string{"destination", "result"})
	m.rateLimited = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "rate_limited_total",
		Help: "Questions refused by a rate limit, by platform and scope."}, []string{"platform", "scope"})
	m.corpusSize = prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Name: "corpus_articles",
		Help: "Articles in the indexed corpus."})
	m.syncs = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "corpus_syncs_total",
		Help: "Corpus (re)loads, by result: ok, partial (some files skipped) or error (the load stopped; the articles loaded before stay)."}, []string{"result"})
	m.corpusProblems = prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Name: "corpus_problems",
		Help: "Files, folders, lines and duplicate IDs skipped by the last corpus load (named in the log and in /readyz)."})
	m.lastSyncUnix = prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Name: "corpus_last_sync_timestamp_seconds",
		Help: "When the corpus was last loaded successfully, in Unix seconds."})
	m.adapterFails = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "adapter_failures_total",
		Help: "Failures of a chat adapter's connection (each is retried after a backoff), by adapter."}, []string{"adapter"})
	m.reg.MustRegister(m.adapterFails)
	m.reg.MustRegister(m.questions, m.latency, m.abstentions, m.conflicts, m.failures, m.composers,
		m.modelErrors, m.fallbacks, m.digests, m.rateLimited, m.corpusSize, m.syncs, m.lastSyncUnix, m.corpusProblems)
	if !opt.NoRuntime {
		m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	return m
}

// Adapter reports a chat adapter's connection: storybot_adapter_up{adapter}
// is 1 while up() says it is connected, else 0. Call it once per adapter.
func (m *Metrics) Adapter(name string, up func() bool) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: "storybot", Name: "adapter_up",
		Help: "Whether a chat adapter is connected to its platform (1) or not (0).", ConstLabels: prometheus.Labels{"adapter": label(name)}},
		func() float64 {
			if up() {
				return 1
			}
			return 0
		}))
	m.adapterFails.WithLabelValues(label(name)).Add(0)
}

// AdapterFailed counts one failure of a chat adapter's connection.
func (m *Metrics) AdapterFailed(name string) { m.adapterFails.WithLabelValues(label(name)).Inc() }

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Gatherer returns the registry, for tests and for extra exporters.
func (m *Metrics) Gatherer() prometheus.Gatherer { return m.reg }

// Answered implements Recorder.
func (m *Metrics) Answered(platform string, took time.Duration, a bot.Answer) {
	platform = label(platform)
	m.questions.WithLabelValues(platform).Inc()
	m.latency.WithLabelValues(platform).Observe(took.Seconds())
	if a.Abstained {
		m.abstentions.WithLabelValues(platform).Inc()
	}
	if n := len(a.Conflicts); n > 0 {
		m.conflicts.WithLabelValues(platform).Add(float64(n))
	}
	composer := "model"
	if a.Composer == "" || a.Composer == bot.ComposerExtractive {
		composer = bot.ComposerExtractive
	}
	m.composers.WithLabelValues(composer).Inc()
}

// AnswerFailed implements Recorder.
func (m *Metrics) AnswerFailed(platform string, took time.Duration) {
	platform = label(platform)
	m.questions.WithLabelValues(platform).Inc()
	m.latency.WithLabelValues(platform).Observe(took.Seconds())
	m.failures.WithLabelValues(platform).Inc()
}

// ModelError implements Recorder.
func (m *Metrics) ModelError(reason string) { m.modelErrors.WithLabelValues(label(reason)).Inc() }

// ModelFallback implements Recorder.
func (m *Metrics) ModelFallback() { m.fallbacks.Inc() }

// DigestPosted implements Recorder.
func (m *Metrics) DigestPosted(destination string, err error) {
	m.digests.WithLabelValues(label(destination), result(err)).Inc()
}

// RateLimited implements Recorder.
func (m *Metrics) RateLimited(platform, scope string) {
	m.rateLimited.WithLabelValues(label(platform), label(scope)).Inc()
}

// CorpusSynced implements Recorder.
func (m *Metrics) CorpusSynced(articles, problems int, err error) {
	res := result(err)
	if err == nil && problems > 0 {
		res = "partial"
	}
	m.syncs.WithLabelValues(res).Inc()
	if err != nil {
		return
	}
	m.corpusSize.Set(float64(articles))
	m.corpusProblems.Set(float64(problems))
	m.lastSyncUnix.Set(float64(m.now().UnixNano()) / 1e9)
}

func result(err error) string {
	if err != nil {
		return "error"
	}
	return "ok"
}

// label bounds a label value: empty becomes "unknown", and anything long is
// cut, so that a caller's mistake cannot blow up the series count.
func label(v string) string {
	if v == "" {
		return "unknown"
	}
	if len(v) > 64 {
		return v[:64]
	}
	return v
}

// reason classifies a model error for ModelError.
func reason(ctx context.Context, err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled) || ctx.Err() != nil:
		return "canceled"
	default:
		return "error"
	}
}
