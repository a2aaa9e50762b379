package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/storybot/storybot/adapters/discord/discordfake"
	"github.com/storybot/storybot/adapters/slack/slackfake"
	"github.com/storybot/storybot/bot"
)

// answerBomb is a clock that panics on its nth read from inside
// bot.(*Service).Answer once armed: a panic inside answering without any
// test seam in the production code. The service reads the clock when an
// answer starts and again when it logs it, so arming with 1 hits the next
// question, and with 3 the one after.
type answerBomb struct {
	mu    sync.Mutex
	left  int // reads inside Service.Answer before the one that panics; 0 when not armed
	fired int
}

func (b *answerBomb) now() time.Time {
	if inServiceAnswer() {
		b.mu.Lock()
		boom := false
		if b.left > 0 {
			b.left--
			boom = b.left == 0
		}
		if boom {
			b.fired++
		}
		b.mu.Unlock()
		if boom {
			var words []string
			_ = words[7] // an ordinary bug: index out of range
		}
	}
	return time.Now()
}

// arm makes the nth read from inside Service.Answer panic.
func (b *answerBomb) arm(n int) {
	b.mu.Lock()
	b.left = n
	b.mu.Unlock()
}

func (b *answerBomb) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.fired
}

func inServiceAnswer() bool {
	pc := make([]uintptr, 8)
	frames := runtime.CallersFrames(pc[:runtime.Callers(2, pc)])
	for {
		f, more := frames.Next()
		if strings.HasSuffix(f.Function, "/bot.(*Service).Answer") {
			return true
		}
		if !more {
			return false
		}
	}
}

// TestAskSurvivesAPanic: a panic while answering one line of `ask --json -`
// costs that line alone: it gets an abstention with the fixed sentence and a
// reference ID that the log shows with the stack, the other lines are
// answered, and ask exits non-zero only at the end, saying how many failed.
func TestAskSurvivesAPanic(t *testing.T) {
	questions := []string{"What is PURL?", "Who is the NATO Secretary General?", "What did Zelensky announce?"}
	m, out, stderr := testMain(t, strings.Join(questions, "\n")+"\n", nil)
	bomb := &answerBomb{}
	bomb.arm(3) // the second question
	m.Now = bomb.now
	err := m.Run(context.Background(), []string{"ask", "--json", "-"})
	if err == nil || !strings.Contains(err.Error(), "1 of 3 questions") || exitCode(err) != 1 {
		t.Errorf("ask: %v, want exit status 1 naming 1 of 3 questions", err)
	}
	if bomb.count() != 1 {
		t.Fatalf("the panic fired %d times", bomb.count())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != len(questions) {
		t.Fatalf("%d answers for %d questions:\n%s", len(lines), len(questions), out)
	}
	ids := sampleIDs(t)
	for i, line := range lines {
		got := checkContract(t, line, ids)
		if got.Question != questions[i] {
			t.Errorf("line %d answers %q, want %q", i, got.Question, questions[i])
		}
		if i == 1 {
			if !got.Abstained || !strings.HasPrefix(got.Answer, bot.FailureText) || !strings.Contains(got.Answer, "reference ") {
				t.Errorf("the failed line: %+v", got)
			}
			ref := got.Answer[strings.Index(got.Answer, "reference ")+len("reference ") : len(got.Answer)-1]
			if !strings.Contains(stderr.String(), "ref="+ref) || !strings.Contains(stderr.String(), "index out of range") {
				t.Errorf("the log lacks reference %s with the panic:\n%s", ref, stderr)
			}
			continue
		}
		if got.Abstained || len(got.Citations) == 0 {
			t.Errorf("line %d is not answered: %+v", i, got)
		}
	}
}

// TestServeSurvivesPanics: a panic injected inside answering (the clock
// panics on a read from within bot.Service.Answer) costs one question: the
// asker gets the fixed sentence with a reference ID, the failure is counted
// in storybot_answer_failures_total, and serve answers the next Slack,
// Discord and HTTP question.
func TestServeSurvivesPanics(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t, goleak.IgnoreCurrent()) })
	fake := slackfake.New(t)
	dfake := discordfake.New(t)
	bomb := &answerBomb{}
	m := NewMain()
	m.Now = bomb.now
	r := startServeMain(t, m, platformsEnv(fake, dfake))
	r.waitReady(t)
	const q = "Who is the NATO Secretary General?"

	// HTTP: the failing question, then the next one.
	bomb.arm(1)
	code, reply := r.ask(t, q, "")
	if code != http.StatusInternalServerError || !strings.HasPrefix(reply.Error, bot.FailureText+" (reference ") {
		t.Fatalf("HTTP question that panicked: %d %+v", code, reply)
	}
	if bomb.count() != 1 {
		t.Fatalf("the panic fired %d times", bomb.count())
	}
	ref := strings.TrimSuffix(strings.TrimPrefix(reply.Error, bot.FailureText+" (reference "), ")")
	if code, reply := r.ask(t, q, ""); code != 200 || len(reply.Citations) == 0 {
		t.Fatalf("HTTP question after the panic: %d %+v", code, reply)
	}

	// Slack: the failing question, then the next one.
	bomb.arm(1)
	fake.AskMention("C0NEWS", "U0ALICE", "<@UBOT> "+q)
	failed := waitSlackUpdates(t, fake, 1, r)
	if !strings.Contains(failed[0], bot.FailureText) || !strings.Contains(failed[0], "reference ") || strings.Contains(failed[0], "index out of range") {
		t.Errorf("Slack question that panicked got %q", failed[0])
	}
	fake.AskMention("C0NEWS", "U0BOB", "<@UBOT> "+q)
	answered := waitSlackUpdates(t, fake, 2, r)
	if !strings.Contains(answered[1], "[0") {
		t.Errorf("Slack question after the panic got %q", answered[1])
	}

	// Discord: the failing /ask, then the next one.
	bomb.arm(1)
	failedD := discordAsk(t, dfake, "i-panic", discordfake.User, q)
	if !strings.Contains(failedD, bot.FailureText) || !strings.Contains(failedD, "reference ") || strings.Contains(failedD, "index out of range") {
		t.Errorf("Discord question that panicked got %q", failedD)
	}
	if next := discordAsk(t, dfake, "i-next", "900000000000000042", q); !strings.Contains(next, "[0") {
		t.Errorf("Discord question after the panic got %q", next)
	}
	if bomb.count() != 3 {
		t.Errorf("the panic fired %d times, want 3", bomb.count())
	}

	_, page := r.get(t, "/metrics")
	for _, want := range []string{`storybot_answer_failures_total{platform="http"} 1`, `storybot_answer_failures_total{platform="slack"} 1`,
		`storybot_answer_failures_total{platform="discord"} 1`} {
		if !strings.Contains(page, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if err := r.shutdown(t); err != nil {
		t.Fatalf("serve: %v\n%s", err, r.stderr)
	}
	logged := false
	for _, rec := range r.stderr.logLines(t) {
		if rec["ref"] == ref && strings.Contains(fmt.Sprint(rec["panic"]), "index out of range") && strings.Contains(fmt.Sprint(rec["stack"]), "Service).Answer") {
			logged = true
		}
	}
	if !logged {
		t.Errorf("no log line with reference %s, the panic and its stack:\n%s", ref, r.stderr)
	}
}

// platformsEnv turns on Slack (Socket Mode) and Discord (gateway) against
// the stand-ins, with the corpus watcher off.
func platformsEnv(s *slackfake.Server, d *discordfake.Server) map[string]string {
	return map[string]string{
		"SLACK_BOT_TOKEN":   slackfake.BotToken,
		"SLACK_APP_TOKEN":   slackfake.AppToken,
		"SLACK_API_URL":     s.APIURL(),
		"DISCORD_BOT_TOKEN": discordfake.Token,
		"DISCORD_APP_ID":    discordfake.AppID,
		"DISCORD_GUILD_ID":  discordfake.Guild,
		"DISCORD_API_URL":   d.APIURL(),
		"STORYBOT_WATCH":    "0",
	}
}

// markdownEscape matches a backslash-escaped Markdown character.
var markdownEscape = regexp.MustCompile(`\\([\\` + "`" + `*_~|>#\-\[\]()])`)

var discordOriginal = regexp.MustCompile(`^/webhooks/[^/]+/itoken-([^/]+)/messages/@original$`)

// discordAsk sends /ask question as user through the gateway and returns
// the text of the answer the bot put in place of its deferred response:
// content, embed descriptions, field names and values, footers, with
// Markdown escapes undone.
func discordAsk(t *testing.T, fake *discordfake.Server, id, user, question string) string {
	t.Helper()
	fake.Dispatch(t, "INTERACTION_CREATE", fake.CommandInteraction(id, user, "ask", map[string]string{"question": question}))
	for start := time.Now(); ; time.Sleep(20 * time.Millisecond) {
		for _, req := range fake.Matching("PATCH", discordOriginal) {
			if discordOriginal.FindStringSubmatch(req.Path)[1] != id {
				continue
			}
			var m discordfake.Sent
			if err := json.Unmarshal(req.Body, &m); err != nil {
				t.Fatal(err)
			}
			parts := []string{m.Text()}
			for _, e := range m.Embeds {
				parts = append(parts, e.Title, e.Description)
				for _, f := range e.Fields {
					parts = append(parts, f.Name, f.Value)
				}
				if e.Footer != nil {
					parts = append(parts, e.Footer.Text)
				}
			}
			return markdownEscape.ReplaceAllString(strings.Join(parts, "\n"), "$1")
		}
		if time.Since(start) > 10*time.Second {
			t.Fatalf("no Discord answer to %s: %v", id, fake.Summary())
		}
	}
}

// waitSlackUpdates waits for n chat.update calls in channel C0NEWS and
// returns their texts in order.
func waitSlackUpdates(t *testing.T, fake *slackfake.Server, n int, r *running) []string {
	t.Helper()
	for start := time.Now(); ; time.Sleep(20 * time.Millisecond) {
		var got []string
		for _, c := range slackfake.Find(fake.Calls(), "chat.update", "C0NEWS") {
			got = append(got, c.Text)
		}
		if len(got) >= n {
			return got
		}
		if time.Since(start) > 10*time.Second {
			t.Fatalf("%d of %d answers in Slack: %+v\n%s", len(got), n, fake.Calls(), r.stderr)
		}
	}
}
