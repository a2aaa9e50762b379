package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/httpapi"
)

// testMain returns a Main reading stdin from in, with STORYBOT_DATA in a
// temporary folder and no other environment.
func testMain(t *testing.T, in string, env map[string]string) (*Main, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	var out, errb bytes.Buffer
	e := map[string]string{"STORYBOT_DATA": t.TempDir()}
	for k, v := range env {
		e[k] = v
	}
	m := &Main{
		Stdin:      strings.NewReader(in),
		Stdout:     &out,
		Stderr:     &errb,
		Getenv:     func(k string) string { return e[k] },
		Now:        time.Now,
		IsTerminal: func() bool { return false },
	}
	t.Cleanup(func() { _ = m.Close() })
	return m, &out, &errb
}

func sampleIDs(t *testing.T) map[string]bool {
	t.Helper()
	files, err := filepath.Glob("../../retrieval/sample/seed-story/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("sample corpus not found: %v", err)
	}
	ids := map[string]bool{}
	for _, f := range files {
		ids[strings.TrimSuffix(filepath.Base(f), ".txt")] = true
	}
	return ids
}

// checkContract asserts the ask --json contract of DESIGN §5 on one line.
func checkContract(t *testing.T, line string, ids map[string]bool) httpapi.AskResponse {
	t.Helper()
	var got httpapi.AskResponse
	dec := json.NewDecoder(strings.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("not an ask --json object: %v\n%s", err, line)
	}
	var raw map[string]json.RawMessage
	_ = json.Unmarshal([]byte(line), &raw)
	for _, k := range []string{"question", "answer", "citations", "conflicts", "abstained", "evidence"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("field %q missing in %s", k, line)
		}
	}
	if strings.TrimSpace(got.Answer) == "" {
		t.Errorf("empty answer for %q", got.Question)
	}
	for _, id := range got.Citations {
		if !ids[id] {
			t.Errorf("cites unknown article %q", id)
		}
		if !strings.Contains(got.Answer, id) {
			t.Errorf("cited %q does not appear in the answer text", id)
		}
	}
	for _, c := range got.Conflicts {
		if len(c.Positions) < 2 {
			t.Errorf("conflict %q has %d positions", c.Topic, len(c.Positions))
		}
		for _, p := range c.Positions {
			for _, id := range p.Articles {
				if !ids[id] || !strings.Contains(got.Answer, id) {
					t.Errorf("conflict article %q unknown or not in the answer", id)
				}
			}
		}
	}
	if got.Abstained && len(got.Citations) > 0 {
		t.Errorf("abstention cites %v", got.Citations)
	}
	for _, id := range got.Evidence {
		if !ids[id] {
			t.Errorf("evidence names unknown article %q", id)
		}
	}
	return got
}

func TestAskJSONOneQuestion(t *testing.T) {
	m, out, _ := testMain(t, "", nil)
	if err := m.Run(context.Background(), []string{"ask", "--json", "What is PURL?"}); err != nil {
		t.Fatal(err)
	}
	got := checkContract(t, strings.TrimSpace(out.String()), sampleIDs(t))
	if got.Abstained || len(got.Citations) == 0 {
		t.Fatalf("want a cited answer, got %+v", got)
	}
	if got.Question != "What is PURL?" {
		t.Errorf("question = %q", got.Question)
	}
	// The evidence is what the composer was handed, best first: the
	// passages of every article the answer's sentences cite among them.
	if len(got.Evidence) == 0 {
		t.Fatalf("no evidence: %+v", got)
	}
	for _, id := range got.Citations {
		if !slices.Contains(got.Evidence, id) {
			t.Errorf("cited %s is not in the evidence %q", id, got.Evidence)
		}
	}
}

func TestAskJSONFromStdin(t *testing.T) {
	questions := []string{
		"Which countries would give Ukraine the security guarantees?",
		"",
		"Who won the 2022 World Cup?",
		strings.Repeat("what did the reports say about the plan ", 250), // 10,000 characters
		"What is PURL?",
	}
	m, out, _ := testMain(t, strings.Join(questions, "\n")+"\n", nil)
	if err := m.Run(context.Background(), []string{"ask", "--json", "-"}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != len(questions) {
		t.Fatalf("%d answers for %d questions:\n%s", len(lines), len(questions), out)
	}
	ids := sampleIDs(t)
	for i, line := range lines {
		got := checkContract(t, line, ids)
		if got.Question != strings.TrimSpace(questions[i]) && i != 3 {
			t.Errorf("answer %d is for %q, want %q (order must be kept)", i, got.Question, questions[i])
		}
	}
	if got := checkContract(t, lines[1], ids); !got.Abstained || !strings.Contains(got.Answer, "ask a question") {
		t.Errorf("an empty line must get a clear message, got %+v", got)
	}
	if got := checkContract(t, lines[2], ids); !got.Abstained {
		t.Errorf("off-topic question must abstain, got %+v", got)
	}
}

func TestAskTextMode(t *testing.T) {
	m, out, _ := testMain(t, "", nil)
	if err := m.Run(context.Background(), []string{"ask", "which", "NATO", "secretary", "general", "was", "Zelensky", "talking", "with?"}); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, want := range []string{"[", "Sources:"} {
		if !strings.Contains(text, want) {
			t.Errorf("text answer lacks %q:\n%s", want, text)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"unknown command", []string{"frobnicate"}, nil, "unknown command"},
		{"no question", []string{"ask"}, nil, "needs a question"},
		{"missing corpus", []string{"ask", "--corpus", "/nonexistent/corpus", "q"}, nil, "corpus"},
		{"bad provider", []string{"ask", "q"}, map[string]string{"STORYBOT_LLM_PROVIDER": "skynet"}, "STORYBOT_LLM_PROVIDER"},
		{"bad log format", []string{"ask", "--log-format", "xml", "q"}, nil, "log"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, _, _ := testMain(t, "", tc.env)
			err := m.Run(context.Background(), tc.args)
			var ue usageError
			if err == nil || !errors.As(err, &ue) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want a usage error mentioning %q", err, tc.want)
			}
			if exitCode(err) != 2 {
				t.Errorf("exit code %d, want 2", exitCode(err))
			}
		})
	}
}

func TestEmptyCorpusIsAClearError(t *testing.T) {
	m, _, _ := testMain(t, "", nil)
	err := m.Run(context.Background(), []string{"ask", "--corpus", t.TempDir(), "q"})
	if err == nil || !strings.Contains(strings.ToLower(err.Error()), "no article") && !strings.Contains(strings.ToLower(err.Error()), "empty") {
		t.Fatalf("err = %v, want a clear empty-corpus error", err)
	}
}

func TestChatPiped(t *testing.T) {
	m, out, _ := testMain(t, "What is PURL?\n/sources 002_bd6c7c73cd97d84f\n/quit\nnever read\n", nil)
	if err := m.Run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	if !strings.Contains(text, "[002_bd6c7c73cd97d84f]") || !strings.Contains(text, "Prioritized Ukraine Requirements List") {
		t.Fatalf("chat output lacks the cited answer or the article:\n%s", text)
	}
	if strings.Contains(text, "storybot: ask about") {
		t.Error("piped chat must not print the interactive greeting")
	}
}

func TestIngestReportsAndRestartDoesNotReindex(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"a.txt": "Bridge reopens\n\nThe river bridge reopened on Monday after repairs costing 4 million dollars.",
		"b.txt": "Bridge traffic\n\nTraffic on the river bridge was heavy on its first day back.",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{"STORYBOT_DATA": t.TempDir()}
	m, out, _ := testMain(t, "", env)
	if err := m.Run(context.Background(), []string{"ingest", "--corpus", dir}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "2 articles indexed") {
		t.Fatalf("ingest output: %q", out)
	}
	_ = m.Close()
	m2, out2, _ := testMain(t, "", env)
	if err := m2.Run(context.Background(), []string{"ask", "--corpus", dir, "--json", "How much did the bridge repairs cost?"}); err != nil {
		t.Fatal(err)
	}
	got := checkContract(t, strings.TrimSpace(out2.String()), map[string]bool{"a": true, "b": true})
	if got.Abstained || len(got.Citations) == 0 || got.Citations[0] != "a" {
		t.Fatalf("want an answer citing a, got %+v", got)
	}
}
