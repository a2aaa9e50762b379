package slackfake

import (
	"context"
	"errors"
	"strings"
	"testing"

	slackgo "github.com/slack-go/slack"
)

// The fake must refuse what Slack refuses, or tests against it prove nothing.
func TestFakeChecksLikeSlack(t *testing.T) {
	f := New(t)
	ctx := context.Background()
	good := slackgo.New(BotToken, slackgo.OptionAPIURL(f.APIURL()), slackgo.OptionAppLevelToken(AppToken))
	bad := slackgo.New("xoxb-wrong", slackgo.OptionAPIURL(f.APIURL()), slackgo.OptionAppLevelToken("xapp-wrong"))

	tooMany := make([]slackgo.Block, 51)
	for i := range tooMany {
		tooMany[i] = slackgo.NewDividerBlock()
	}
	long := slackgo.NewSectionBlock(slackgo.NewTextBlockObject(slackgo.MarkdownType, strings.Repeat("x", 3001), false, false), nil, nil)
	tests := []struct {
		name string
		call func() error
		want string
	}{
		{"wrong bot token", func() error {
			_, _, err := bad.PostMessageContext(ctx, "C1", slackgo.MsgOptionText("hi", false))
			return err
		}, "invalid_auth"},
		{"wrong app token", func() error { _, _, err := bad.StartSocketModeContext(ctx); return err }, "invalid_auth"},
		{"auth.test with a wrong token", func() error { _, err := bad.AuthTestContext(ctx); return err }, "invalid_auth"},
		{"no text", func() error { _, _, err := good.PostMessageContext(ctx, "C1"); return err }, "no_text"},
		{"51 blocks", func() error {
			_, _, err := good.PostMessageContext(ctx, "C1", slackgo.MsgOptionBlocks(tooMany...))
			return err
		}, "invalid_blocks"},
		{"section over 3000", func() error {
			_, _, err := good.PostMessageContext(ctx, "C1", slackgo.MsgOptionBlocks(long))
			return err
		}, "invalid_blocks"},
		{"update of an unknown message", func() error {
			_, _, _, err := good.UpdateMessageContext(ctx, "C1", "1.1", slackgo.MsgOptionText("x", false))
			return err
		}, "message_not_found"},
		{"valid post", func() error {
			_, _, err := good.PostMessageContext(ctx, "C1", slackgo.MsgOptionText("hi", false))
			return err
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
	if n := Count(f.Calls(), "chat.postMessage", "C1"); n != 1 {
		t.Errorf("recorded %d posts, want only the valid one", n)
	}
	f.RateLimit("chat.postMessage", 1, 3)
	_, _, err := good.PostMessageContext(ctx, "C1", slackgo.MsgOptionText("hi", false))
	var rl *slackgo.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter.Seconds() != 3 {
		t.Errorf("rate-limited post = %v, want RateLimitedError with 3s", err)
	}
}
