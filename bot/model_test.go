package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tmc/langchaingo/llms"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/prompts"
)

func TestParseModelReply(t *testing.T) {
	ids := []string{"001_alpha", "002_bravo"}
	s := func(text string, c ...string) bot.Sentence {
		if c == nil {
			c = []string{}
		}
		return bot.Sentence{Text: text, Citations: c}
	}
	tests := []struct {
		name     string
		reply    string
		want     []bot.Sentence
		conflict int
		block    bool
		noAnswer bool
	}{
		{name: "citations before the full stop",
			reply: "At least 43 were evacuated [001_alpha]. Boats were used [002_bravo].",
			want:  []bot.Sentence{s("At least 43 were evacuated.", "001_alpha"), s("Boats were used.", "002_bravo")}},
		{name: "citations after the full stop, several groups and lists",
			reply: "The U.S. envoy arrived. [001_alpha][002_bravo] Mr. Smith left on Sunday. [001_alpha, 002_bravo]",
			want:  []bot.Sentence{s("The U.S. envoy arrived.", "001_alpha", "002_bravo"), s("Mr. Smith left on Sunday.", "001_alpha", "002_bravo")}},
		{name: "mid-sentence citations stay with their sentence",
			reply: "At least 43 were evacuated [001_alpha], while another report says 30 [002_bravo].",
			want:  []bot.Sentence{s("At least 43 were evacuated, while another report says 30.", "001_alpha", "002_bravo")}},
		{name: "passage numbers map to article IDs; unknown IDs are kept for Verify to judge",
			reply: "It rained [2]. It snowed [999_fake].",
			want:  []bot.Sentence{s("It rained.", "002_bravo"), s("It snowed.", "999_fake")}},
		{name: "parentheses cite only when they hold passage IDs",
			reply: "Talks (in Berlin) resumed (001_alpha).",
			want:  []bot.Sentence{s("Talks (in Berlin) resumed.", "001_alpha")}},
		{name: "uncited sentences are kept uncited",
			reply: "Here is what I found. Boats were used [002_bravo].",
			want:  []bot.Sentence{s("Here is what I found."), s("Boats were used.", "002_bravo")}},
		{name: "decimals and quotes do not split",
			reply: "The river rose 3.5 metres, officials said \"today.\" [001_alpha]",
			want:  []bot.Sentence{s("The river rose 3.5 metres, officials said \"today.\"", "001_alpha")}},
		{name: "bullets, labels, bold and a Sources list",
			reply: "Answer:\n- **Boats** were used [002_bravo].\n1. Schools closed [001_alpha].\n\nSources:\n- [001_alpha] Wire One",
			want:  []bot.Sentence{s("Boats were used.", "002_bravo"), s("Schools closed.", "001_alpha")}},
		{name: "fenced conflicts block",
			reply: "Boats were used [002_bravo].\n\n```json\n{\"conflicts\": [{\"topic\": \"evacuated\", \"positions\": [{\"claim\": \"43\", \"articles\": [\"001_alpha\"]}, {\"claim\": \"30\", \"articles\": [2]}]}]}\n```",
			want:  []bot.Sentence{s("Boats were used.", "002_bravo")}, conflict: 1, block: true},
		{name: "bare conflicts block and an empty one",
			reply: "Boats were used [002_bravo]. {\"conflicts\":[]}",
			want:  []bot.Sentence{s("Boats were used.", "002_bravo")}, block: true},
		{name: "broken JSON is left as prose",
			reply: "Boats were used [002_bravo]. {\"conflicts\":[{\"topic\":",
			want:  []bot.Sentence{s("Boats were used.", "002_bravo"), s("{\"conflicts\":[{\"topic\":")}},
		{name: "no answer", reply: "  NO_ANSWER\n", noAnswer: true},
		{name: "no answer in bold", reply: "**NO_ANSWER**", noAnswer: true},
		{name: "junk", reply: "<html><body>502 Bad Gateway</body></html>", want: []bot.Sentence{s("‹html›‹body›502 Bad Gateway‹/body›‹/html›")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := bot.ParseModelReply(tc.reply, ids)
			if tc.name == "junk" {
				// Junk comes through as uncited prose, which Verify drops.
				if len(got.Sentences) != 1 || len(got.Sentences[0].Citations) != 0 {
					t.Errorf("junk parsed as %+v", got.Sentences)
				}
				return
			}
			if got.NoAnswer != tc.noAnswer || got.HasConflictBlock != tc.block || len(got.Conflicts) != tc.conflict {
				t.Errorf("noAnswer %v block %v conflicts %d; want %v %v %d", got.NoAnswer, got.HasConflictBlock, len(got.Conflicts), tc.noAnswer, tc.block, tc.conflict)
			}
			if tc.want == nil {
				tc.want = nil
			}
			if len(got.Sentences) != len(tc.want) || (len(tc.want) > 0 && !reflect.DeepEqual(got.Sentences, tc.want)) {
				t.Errorf("sentences\n got %#v\nwant %#v", got.Sentences, tc.want)
			}
			if tc.conflict > 0 {
				c := got.Conflicts[0]
				if c.Kind != bot.ConflictModel || len(c.Positions) != 2 || c.Positions[1].Articles[0] != "002_bravo" {
					t.Errorf("conflict %+v", c)
				}
			}
		})
	}
}

func FuzzParseModelReply(f *testing.F) {
	for _, s := range []string{
		"At least 43 [001_alpha]. Boats [2].",
		"```json\n{\"conflicts\":[{\"topic\":\"t\",\"positions\":[{\"claim\":\"a\",\"articles\":[1]}]}]}\n```",
		"NO_ANSWER", "[[[]]]", "((001_alpha)", "Mr. X. [a] [b]. (c) 【001_alpha】", "{\"conflicts\":[",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, reply string) {
		got := bot.ParseModelReply(reply, []string{"001_alpha", "002_bravo"})
		for _, s := range got.Sentences {
			if strings.TrimSpace(s.Text) == "" {
				t.Fatalf("empty sentence from %q", reply)
			}
			if strings.Contains(s.Text, "\n") {
				t.Fatalf("sentence spans lines: %q", s.Text)
			}
			seen := map[string]bool{}
			for _, id := range s.Citations {
				if id == "" || seen[id] {
					t.Fatalf("bad citation list %q", s.Citations)
				}
				seen[id] = true
			}
		}
		// Whatever was parsed, verification leaves only grounded answers.
		if a, err := bot.Verify(vtBrief(), bot.Answer{Sentences: got.Sentences, Conflicts: got.Conflicts}); err == nil {
			for _, id := range a.Citations() {
				if id != "001_alpha" && id != "002_bravo" && id != "003_charlie" {
					t.Fatalf("verified answer cites %q", id)
				}
			}
		}
	})
}

func TestEstimateTokens(t *testing.T) {
	tests := []struct {
		in     string
		lo, hi int
	}{
		{"", 0, 0},
		{"hello", 1, 2},
		{"The quick brown fox jumps over the lazy dog.", 9, 14},
		{strings.Repeat("word ", 1000), 1250, 1400},
		{strings.Repeat("x", 4000), 1000, 1000},
	}
	for _, tc := range tests {
		if got := bot.EstimateTokens(tc.in); got < tc.lo || got > tc.hi {
			t.Errorf("EstimateTokens(%.20q…) = %d, want %d..%d", tc.in, got, tc.lo, tc.hi)
		}
	}
}

// recordingModel is an llms.Model that records prompts and replies from a
// function. It is safe for concurrent use.
type recordingModel struct {
	mu      sync.Mutex
	systems []string
	users   []string
	reply   func(user string) (string, error)
}

func (m *recordingModel) GenerateContent(ctx context.Context, msgs []llms.MessageContent, _ ...llms.CallOption) (*llms.ContentResponse, error) {
	var sys, user string
	for _, mc := range msgs {
		for _, p := range mc.Parts {
			if tp, ok := p.(llms.TextContent); ok {
				if mc.Role == llms.ChatMessageTypeSystem {
					sys += tp.Text
				} else {
					user += tp.Text
				}
			}
		}
	}
	m.mu.Lock()
	m.systems = append(m.systems, sys)
	m.users = append(m.users, user)
	m.mu.Unlock()
	out, err := m.reply(user)
	if err != nil {
		return nil, err
	}
	return &llms.ContentResponse{Choices: []*llms.ContentChoice{{Content: out}}}, nil
}

func (m *recordingModel) Call(ctx context.Context, prompt string, opts ...llms.CallOption) (string, error) {
	return llms.GenerateFromSinglePrompt(ctx, m, prompt, opts...)
}

func TestComposeBudgetAndLog(t *testing.T) {
	b := vtBrief()
	// Twenty long passages: far more than a small budget holds.
	for i := range 20 {
		id := fmt.Sprintf("1%02d_filler", i)
		text := strings.Repeat("Rescue teams used boats in the flooded district. ", 30)
		b.Articles[id] = bot.Article{ID: id, Text: text}
		b.Hits = append(b.Hits, bot.Hit{Passage: bot.Passage{ArticleID: id, Sentences: []string{text}}})
	}
	m := &recordingModel{reply: func(string) (string, error) { return "Rescue teams used boats [002_bravo].", nil }}
	var logs bytes.Buffer
	mc := &bot.ModelComposer{Model: m, Name: "test-model", MaxContextTokens: 2000,
		Logger: slog.New(slog.NewJSONHandler(&logs, nil))}
	a, err := mc.Compose(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	if a.Composer != "test-model" {
		t.Errorf("composer %q", a.Composer)
	}
	sys, user := m.systems[0], m.users[0]
	if est := bot.EstimateTokens(sys) + bot.EstimateTokens(user); est > 2000 {
		t.Errorf("prompt of ~%d tokens exceeds the 2000 budget", est)
	}
	if !strings.Contains(user, `id="001_alpha"`) || strings.Contains(user, `id="119_filler"`) {
		t.Errorf("budget should keep the best passages and drop the last ones")
	}
	var rec map[string]any
	found := false
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		if json.Unmarshal([]byte(line), &rec) == nil && rec["msg"] == "model replied" {
			found = true
			if rec["prompt_version"] != prompts.Version || rec["prompt_tokens_est"] == nil || rec["passages_left_out"].(float64) <= 0 {
				t.Errorf("log line lacks prompt version, token estimate or left-out count: %v", rec)
			}
		}
	}
	if !found {
		t.Errorf("no per-answer log line:\n%s", logs.String())
	}
}

func TestComposeTinyBudgetTruncates(t *testing.T) {
	b := vtBrief()
	m := &recordingModel{reply: func(string) (string, error) { return "At least 43 people were evacuated [001_alpha].", nil }}
	mc := &bot.ModelComposer{Model: m, MaxContextTokens: 1000}
	b.Hits[0].Passage.Sentences = []string{strings.Repeat("At least 43 people were evacuated. ", 400)}
	if _, err := mc.Compose(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.users[0], "…") || strings.Contains(m.users[0], `id="002_bravo"`) {
		t.Error("an oversized first passage should be shortened and the rest left out")
	}
	mc.MaxContextTokens = 10
	if _, err := mc.Compose(context.Background(), b); err == nil {
		t.Error("a budget smaller than the instructions gave no error")
	}
}

func TestComposeErrors(t *testing.T) {
	b := vtBrief()
	if _, err := (&bot.ModelComposer{}).Compose(context.Background(), b); err == nil {
		t.Error("no model: no error")
	}
	for name, reply := range map[string]func(string) (string, error){
		"model error":                     func(string) (string, error) { return "", errors.New("boom") },
		"empty":                           func(string) (string, error) { return "   ", nil },
		"uncited":                         func(string) (string, error) { return "Forty-three people left.", nil },
		"no answer with a known conflict": func(string) (string, error) { return "NO_ANSWER", nil },
	} {
		mc := &bot.ModelComposer{Model: &recordingModel{reply: reply}}
		if a, err := mc.Compose(context.Background(), b); err == nil {
			t.Errorf("%s: no error, answer %+v", name, a)
		}
	}
	b.Hits = nil
	mc := &bot.ModelComposer{Model: &recordingModel{reply: func(string) (string, error) { return "x [001_alpha].", nil }}}
	if _, err := mc.Compose(context.Background(), b); err == nil {
		t.Error("no hits: no error")
	}
}

func TestComposeAbstains(t *testing.T) {
	b := vtBrief()
	b.Conflicts = nil
	mc := &bot.ModelComposer{Model: &recordingModel{reply: func(string) (string, error) { return "NO_ANSWER", nil }}}
	a, err := mc.Compose(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	if !a.Abstained || len(a.Citations()) != 0 || a.Text() == "" {
		t.Errorf("want a plain abstention citing nothing, got %+v", a)
	}
}

func TestComposeThreadInPrompt(t *testing.T) {
	b := vtBrief()
	b.Question.Thread = []bot.Turn{{Role: bot.RoleUser, Text: "What happened in the district?"}, {Role: bot.RoleBot, Text: "A flood [001_alpha]."}}
	m := &recordingModel{reply: func(string) (string, error) { return "Rescue teams used boats [002_bravo].", nil }}
	if _, err := (&bot.ModelComposer{Model: m}).Compose(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<turn role="user">`, "What happened in the district?", `<turn role="assistant">`, "How many people were evacuated?",
		`outlet="Wire One"`, `date="2025-12-14"`, "people evacuated", "at least 43"} {
		if !strings.Contains(m.users[0], want) {
			t.Errorf("prompt lacks %q", want)
		}
	}
}

func TestComposeDigest(t *testing.T) {
	b := vtBrief()
	var arts []bot.Article
	for _, id := range []string{"001_alpha", "002_bravo", "003_charlie"} {
		arts = append(arts, b.Articles[id])
	}
	draft := bot.Digest{ID: "2025-12-15", NewArticles: 3, Outlets: 3, Bullets: []bot.Sentence{{Text: "draft", Citations: []string{"001_alpha"}}}}
	db := bot.DigestBrief{Since: time.Date(2025, 12, 14, 0, 0, 0, 0, time.UTC), Until: time.Date(2025, 12, 15, 0, 0, 0, 0, time.UTC),
		Articles: arts, Conflicts: b.Conflicts, Draft: draft}
	m := &recordingModel{reply: func(string) (string, error) {
		return "- At least 43 people were evacuated from the flooded district [001_alpha].\n- Rescue teams used boats [002_bravo].\n- The flood killed 500 people [999_fake].\n```json\n{\"conflicts\":[]}\n```", nil
	}}
	d, err := (&bot.ModelComposer{Model: m}).ComposeDigest(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Bullets) != 2 || d.ID != "2025-12-15" || d.NewArticles != 3 || len(d.Conflicts) != 1 || len(d.Sources) != 2 {
		t.Errorf("digest %+v", d)
	}
	if !strings.Contains(m.users[0], "2025-12-14 00:00 UTC") || !strings.Contains(m.systems[0], "digest") {
		t.Errorf("digest prompt not used:\n%s", m.users[0])
	}
	m.reply = func(string) (string, error) { return "- Something unsupported [999_fake].", nil }
	if _, err := (&bot.ModelComposer{Model: m}).ComposeDigest(context.Background(), db); err == nil {
		t.Error("an unsupported digest gave no error")
	}
}

func TestCheckConflicts(t *testing.T) {
	b := vtBrief()
	m := &recordingModel{reply: func(string) (string, error) {
		return "```json\n{\"conflicts\":[{\"topic\":\"rescue vehicles\",\"positions\":[{\"claim\":\"boats\",\"articles\":[\"002_bravo\"]},{\"claim\":\"helicopters\",\"articles\":[\"003_charlie\"]}]}," +
			"{\"topic\":\"deaths\",\"positions\":[{\"claim\":\"500\",\"articles\":[\"999_fake\"]},{\"claim\":\"none\",\"articles\":[\"001_alpha\"]}]}]}\n```", nil
	}}
	cs, err := (&bot.ModelComposer{Model: m}).CheckConflicts(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].Topic != "rescue vehicles" || cs[0].Kind != bot.ConflictModel {
		t.Errorf("conflicts %+v", cs)
	}
	if !strings.Contains(m.systems[0], "fact checker") {
		t.Error("conflict-check prompt not used")
	}
	m.reply = func(string) (string, error) { return "I think they agree.", nil }
	if _, err := (&bot.ModelComposer{Model: m}).CheckConflicts(context.Background(), b); err == nil {
		t.Error("a reply without a JSON block gave no error")
	}
}
