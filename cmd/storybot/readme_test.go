package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/storybot/storybot/httpapi"
)

// readmeCode returns the README's code: every fenced block and every inline
// code span, in order.
func readmeCode(t *testing.T) (blocks, spans []string) {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	var prose strings.Builder
	for {
		i := strings.Index(text, "```")
		if i < 0 {
			prose.WriteString(text)
			break
		}
		prose.WriteString(text[:i])
		rest := text[i+3:]
		j := strings.Index(rest, "```")
		if j < 0 {
			t.Fatal("README.md has an unclosed code block")
		}
		block := rest[:j]
		if nl := strings.IndexByte(block, '\n'); nl >= 0 {
			block = block[nl+1:] // drop the info string
		}
		blocks = append(blocks, block)
		text = rest[j+3:]
	}
	for _, m := range regexp.MustCompile("`([^`\n]+)`").FindAllStringSubmatch(prose.String(), -1) {
		spans = append(spans, m[1])
	}
	return blocks, spans
}

// The README's commands exist, with the flags it gives them.
func TestReadmeCommandsExist(t *testing.T) {
	blocks, spans := readmeCode(t)
	known := map[string]bool{"help": true}
	for _, c := range commands() {
		known[c.name] = true
	}
	flagsOf := map[string]string{}
	help := func(cmd string) string {
		if h, ok := flagsOf[cmd]; ok {
			return h
		}
		var errb bytes.Buffer
		m := &Main{Stdin: strings.NewReader(""), Stdout: &errb, Stderr: &errb, Getenv: func(string) string { return "" }}
		_ = m.Run(context.Background(), []string{cmd, "-h"})
		_ = m.Close()
		flagsOf[cmd] = errb.String()
		return flagsOf[cmd]
	}
	call := regexp.MustCompile(`(?:^|[\s/])storybot ([a-z][a-z-]*)((?: +(?:--?[a-z][a-z-]*(?:=\S+)?|[^-\s|&;]\S*))*)`)
	flag := regexp.MustCompile(`(?:^|\s)--?([a-z][a-z-]*)`)
	n := 0
	for _, code := range append(blocks, spans...) {
		for _, line := range strings.Split(code, "\n") {
			for _, m := range call.FindAllStringSubmatch(line, -1) {
				cmd := m[1]
				if !known[cmd] {
					// "storybot digest" and the like only; a word after
					// storybot that is no command is a documentation error.
					t.Errorf("README: `storybot %s` is not a command (in %q)", cmd, line)
					continue
				}
				n++
				if cmd == "help" {
					continue
				}
				h := help(cmd)
				for _, f := range flag.FindAllStringSubmatch(m[2], -1) {
					if f[1] == "h" || f[1] == "help" {
						continue
					}
					if !strings.Contains(h, "  -"+f[1]+" ") && !strings.Contains(h, "  -"+f[1]+"\n") {
						t.Errorf("README: storybot %s has no flag --%s (in %q)", cmd, f[1], line)
					}
				}
			}
		}
	}
	if n < 10 {
		t.Errorf("found only %d storybot commands in the README; is the pattern broken?", n)
	}
}

// Every path of the repository the README names exists in it.
func TestReadmePathsExist(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir("../..")
	if err != nil {
		t.Fatal(err)
	}
	var tops []string
	for _, e := range ents {
		if e.Name() != ".git" {
			tops = append(tops, regexp.QuoteMeta(e.Name()))
		}
	}
	re := regexp.MustCompile(`(?:^|[\s(\x60'"=])(?:\./)?((?:` + strings.Join(tops, "|") + `)(?:/[\w.*-]+)*)`)
	n := 0
	for _, m := range re.FindAllStringSubmatch(string(b), -1) {
		p := strings.TrimRight(m[1], ".,:;")
		if strings.Contains(p, "NAME") || strings.Contains(p, "*") || strings.HasSuffix(p, "...") {
			continue // a pattern, not a path
		}
		n++
		if _, err := os.Stat(filepath.Join("../..", filepath.FromSlash(p))); err != nil {
			t.Errorf("README names %s, which is not in the repository", p)
		}
	}
	if n < 10 {
		t.Errorf("found only %d repository paths in the README; is the pattern broken?", n)
	}
}

// The README's ask --json example runs as written, and its HTTP example,
// sent to a serve over the built-in sample, is answered on topic with
// citations.
func TestReadmeExamplesRun(t *testing.T) {
	blocks, _ := readmeCode(t)
	var askLine, curlBody string
	for _, b := range blocks {
		for _, line := range strings.Split(b, "\n") {
			if strings.HasPrefix(line, "go run ./cmd/storybot ask ") && strings.Contains(line, "--json") && askLine == "" {
				askLine = line
			}
		}
		if strings.Contains(b, "curl") && strings.Contains(b, "/v1/ask") {
			if m := regexp.MustCompile(`-d '([^']*)'`).FindStringSubmatch(b); m != nil {
				curlBody = m[1]
			}
		}
	}
	if askLine == "" || curlBody == "" {
		t.Fatalf("README examples not found: ask %q, curl body %q", askLine, curlBody)
	}

	args := shellWords(t, strings.TrimPrefix(askLine, "go run ./cmd/storybot "))
	for i, a := range args {
		if a == "--corpus" && i+1 < len(args) {
			args[i+1] = filepath.Join("../..", args[i+1])
		}
	}
	m, out, errb := testMain(t, "", nil)
	if err := m.Run(context.Background(), args); err != nil {
		t.Fatalf("README's ask example: %v\n%s", err, errb)
	}
	got := checkContract(t, strings.TrimSpace(out.String()), sampleIDs(t))
	if got.Abstained || len(got.Citations) == 0 {
		t.Errorf("README's ask example gets no cited answer: %+v", got)
	}

	var req struct {
		Question string `json:"question"`
	}
	if err := json.Unmarshal([]byte(curlBody), &req); err != nil {
		t.Fatalf("README's curl body is not JSON: %v", err)
	}
	r := startServe(t, map[string]string{})
	defer r.shutdown(t)
	r.waitReady(t)
	resp, err := r.client.Post(r.url+"/v1/ask", "application/json", strings.NewReader(curlBody))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var reply httpapi.AskResponse
	if err := json.NewDecoder(resp.Body).Decode(&reply); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("README's HTTP example: %d, %v", resp.StatusCode, err)
	}
	// On topic: the answer speaks of what was asked about.
	topic := strings.TrimSuffix(strings.TrimPrefix(req.Question, "Who is the "), "?")
	if reply.Abstained || len(reply.Citations) == 0 || !strings.Contains(strings.ToLower(reply.Answer), strings.ToLower(topic)) {
		t.Errorf("README's HTTP example (%q) is not answered on topic with citations: %+v", req.Question, reply)
	}
}
