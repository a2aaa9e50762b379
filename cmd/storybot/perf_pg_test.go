package main

import (
	"bufio"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/pgstore/pgtest"
)

// TestStoreLatency compares answers and their latency over HTTP between a
// replica on PostgreSQL (--store) and the embedded store, on the corpus
// folder named by STORYBOT_PERF_CORPUS with one question a line in
// STORYBOT_PERF_QUESTIONS (e.g. ../shared/perf/make_corpus.py --articles
// 20000: its feed.jsonl alone in a folder, and its questions.txt). It is a
// measurement, run on demand: without those variables it skips. Answers
// must be identical and the PostgreSQL replica's mean latency within 1.5×
// of the embedded store's.
func TestStoreLatency(t *testing.T) {
	corpus, qfile := os.Getenv("STORYBOT_PERF_CORPUS"), os.Getenv("STORYBOT_PERF_QUESTIONS")
	if corpus == "" || qfile == "" {
		t.Skip("a measurement on demand: set STORYBOT_PERF_CORPUS (a corpus folder) and STORYBOT_PERF_QUESTIONS (a file of questions)")
	}
	f, err := os.Open(qfile)
	if err != nil {
		t.Fatal(err)
	}
	var questions []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if q := strings.TrimSpace(sc.Text()); q != "" {
			questions = append(questions, q)
		}
	}
	f.Close()
	store := pgtest.URL(t, os.Getenv)
	start := time.Now()
	embedded := startServe(t, map[string]string{"STORYBOT_WATCH": "0"}, "--corpus", corpus)
	waitReadyLong(t, embedded)
	t.Logf("embedded: ready in %v", time.Since(start).Round(time.Millisecond))
	start = time.Now()
	shared := startServe(t, map[string]string{"STORYBOT_WATCH": "0", "STORYBOT_STORE": store}, "--corpus", corpus)
	waitReadyLong(t, shared)
	t.Logf("postgres: ready in %v", time.Since(start).Round(time.Millisecond))

	// Warm both, then alternate so that load on the machine hits both alike.
	for _, r := range []*running{embedded, shared} {
		for _, q := range questions[:min(10, len(questions))] {
			r.ask(t, q, "")
		}
	}
	var lat [2][]time.Duration
	differ := 0
	for _, q := range questions {
		var answers [2]askReply
		for i, r := range []*running{embedded, shared} {
			t0 := time.Now()
			code, rep := r.ask(t, q, "")
			lat[i] = append(lat[i], time.Since(t0))
			if code != http.StatusOK {
				t.Fatalf("%q: %d %+v", q, code, rep)
			}
			answers[i] = rep
		}
		if answers[0].Answer != answers[1].Answer || !slices.Equal(answers[0].Citations, answers[1].Citations) {
			differ++
			if differ <= 3 {
				t.Errorf("%q answered differently:\nembedded: %s\npostgres: %s", q, answers[0].Answer, answers[1].Answer)
			}
		}
	}
	stats := func(d []time.Duration) (mean, p50, p95 time.Duration) {
		s := slices.Clone(d)
		slices.Sort(s)
		var sum time.Duration
		for _, x := range s {
			sum += x
		}
		return sum / time.Duration(len(s)), s[len(s)/2], s[len(s)*95/100]
	}
	em, e50, e95 := stats(lat[0])
	pm, p50, p95 := stats(lat[1])
	report := fmt.Sprintf("%d questions, %d answered differently\n| store | mean | p50 | p95 |\n|---|---|---|---|\n| embedded | %v | %v | %v |\n| postgres | %v | %v | %v |\nratio of means %.2f",
		len(questions), differ, em.Round(time.Microsecond), e50.Round(time.Microsecond), e95.Round(time.Microsecond),
		pm.Round(time.Microsecond), p50.Round(time.Microsecond), p95.Round(time.Microsecond), float64(pm)/float64(em))
	t.Log("\n" + report)
	if out := os.Getenv("STORYBOT_PERF_REPORT"); out != "" {
		_ = os.WriteFile(filepath.Clean(out), []byte(report+"\n"), 0o644)
	}
	if float64(pm) > 1.5*float64(em) {
		t.Errorf("postgres mean latency %v is above 1.5× the embedded %v", pm, em)
	}
	for _, r := range []*running{embedded, shared} {
		if err := r.shutdown(t); err != nil {
			t.Error(err)
		}
	}
}

// waitReadyLong is waitReady for a large corpus: up to 15 minutes.
func waitReadyLong(t *testing.T, r *running) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Minute); ; time.Sleep(200 * time.Millisecond) {
		code, body := r.get(t, "/readyz")
		if code == http.StatusOK {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready after 15 minutes: %s", body)
		}
	}
}
