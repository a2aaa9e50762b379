package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// readyCorpus is /readyz's "corpus".
type readyCorpus struct {
	Status   string   `json:"status"`
	Articles int      `json:"articles"`
	Problems int      `json:"problems"`
	Skipped  []string `json:"skipped"`
	Error    string   `json:"error"`
}

func (r *running) corpusState(t *testing.T) (int, readyCorpus) {
	t.Helper()
	code, body := r.get(t, "/readyz")
	var rep struct {
		Corpus readyCorpus `json:"corpus"`
	}
	if err := json.Unmarshal([]byte(body), &rep); err != nil {
		t.Fatalf("/readyz is not JSON: %v: %s", err, body)
	}
	return code, rep.Corpus
}

// TestServeCorpusProblems is issue 14's corpus through a running serve: a
// duplicate pair, a 70 MB file, an unreadable folder and a symbolic link to
// a file outside. Every other article is answerable, each problem is named
// once in the log, /readyz and the metrics report the partial sync; a later
// sync that fails is reported as failed while the articles keep answering.
func TestServeCorpusProblems(t *testing.T) {
	dir := copyCorpus(t)
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.txt")
	files := map[string]string{
		"a/zz_dup.txt":      "Dam gates opened\n\nThe dam gates were opened at noon.",
		"b/zz_dup.txt":      "Dam gates closed\n\nThe dam gates stayed closed all day.",
		"locked/zz_lck.txt": "Locked away\n\nNobody can read this folder.",
		secret:              "Credentials\n\nThe api key is hunter2.",
	}
	for name, text := range files {
		p := name
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, name)
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(secret, filepath.Join(dir, "leak.txt")); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "huge.txt")
	if err := os.WriteFile(big, []byte("Huge\n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, 70<<20); err != nil { // sparse: nothing written
		t.Fatal(err)
	}
	want := map[string]string{
		"a/zz_dup.txt": "b/zz_dup.txt",
		"huge.txt":     "larger than 64 MB",
		"leak.txt":     "outside the corpus folder",
	}
	// root reads a folder without permission anyway (retrieval's tests
	// cover the unreadable folder below any user).
	if err := os.Chmod(filepath.Join(dir, "locked"), 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(filepath.Join(dir, "locked"), 0o755) })
	articles := 6 // the sample's 5 and, for root, the locked folder's
	if os.Geteuid() != 0 {
		want["locked"] = "cannot read this folder"
		articles = 5
	}

	r := startServe(t, map[string]string{"STORYBOT_WATCH_DEBOUNCE": "50ms"}, "--corpus", dir)
	defer r.shutdown(t)
	r.waitReady(t)
	code, st := r.corpusState(t)
	if code != http.StatusOK || st.Status != "partial" || st.Problems != len(want) || st.Articles != articles {
		t.Errorf("/readyz corpus = %d %+v, want 200, partial, %d problems, %d articles", code, st, len(want), articles)
	}
	for file, reason := range want {
		found := false
		for _, s := range st.Skipped {
			found = found || (strings.HasPrefix(s, file+": ") && strings.Contains(s, reason))
		}
		if !found {
			t.Errorf("/readyz does not name %s (%s): %q", file, reason, st.Skipped)
		}
	}
	_, page := r.get(t, "/metrics")
	for _, m := range []string{`storybot_corpus_syncs_total{result="partial"}`, "storybot_corpus_problems " + string(rune('0'+len(want))) + "\n"} {
		if !strings.Contains(page, m) {
			t.Errorf("/metrics lacks %s", m)
		}
	}
	if code, reply := r.ask(t, "Who is the NATO Secretary General?", ""); code != 200 || reply.Abstained || len(reply.Citations) == 0 {
		t.Errorf("the rest of the corpus does not answer: %d %+v", code, reply)
	}
	if _, reply := r.ask(t, "What is the api key?", ""); strings.Contains(reply.Answer, "hunter2") {
		t.Errorf("a file outside the corpus was served: %s", reply.Answer)
	}

	// The watcher's first sync (the second partial one) sees the same
	// problems: none is named twice.
	for deadline := time.Now().Add(10 * time.Second); ; {
		_, page := r.get(t, "/metrics")
		if strings.Contains(page, `storybot_corpus_syncs_total{result="partial"} 2`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the watcher's first sync did not happen:\n%s", page)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for file := range want {
		n := 0
		for _, rec := range r.stderr.logLines(t) {
			if rec["msg"] == "skipped" && rec["file"] == file {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s named %d times in the log, want once", file, n)
		}
	}

	// A sync that fails (every article gone) is reported; the articles
	// loaded before keep answering.
	for _, name := range []string{"a", "b", "huge.txt", "leak.txt", "locked"} {
		_ = os.Chmod(filepath.Join(dir, name), 0o755)
		if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, st = r.corpusState(t)
		if st.Status == "failed" || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code != http.StatusOK || st.Status != "failed" || !strings.Contains(st.Error, "no articles") || st.Articles != articles {
		t.Errorf("/readyz corpus after a failed sync = %d %+v", code, st)
	}
	if _, page := r.get(t, "/metrics"); !strings.Contains(page, `storybot_corpus_syncs_total{result="error"}`) {
		t.Error(`/metrics lacks storybot_corpus_syncs_total{result="error"}`)
	}
	if _, reply := r.ask(t, "Who is the NATO Secretary General?", ""); reply.Abstained || len(reply.Citations) == 0 {
		t.Errorf("the articles loaded before stopped answering: %+v", reply)
	}
}

// ingest names each skipped file in the log and counts them in its summary.
func TestIngestNamesSkippedFiles(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"a.txt":   "Bridge\n\nThe bridge reopened on Monday after repairs.",
		"b/a.txt": "Bridge again\n\nThe bridge reopened on Tuesday.",
		"c.txt":   "Ferry\n\nThe ferry resumed its crossings.",
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("/etc/hostname", filepath.Join(dir, "h.txt")); err != nil {
		t.Fatal(err)
	}
	m, out, errb := testMain(t, "", nil)
	if err := m.Run(t.Context(), []string{"ingest", "--corpus", dir}); err != nil {
		t.Fatalf("ingest: %v\n%s", err, errb)
	}
	if !strings.Contains(out.String(), "1 articles indexed") || !strings.Contains(out.String(), "2 file(s) or item(s) skipped") {
		t.Errorf("ingest summary: %s", out)
	}
	for _, want := range []string{"file=h.txt", "outside the corpus folder", "file=a.txt", "b/a.txt", "left out"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("ingest's log lacks %q:\n%s", want, errb)
		}
	}
}
