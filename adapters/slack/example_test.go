package slack_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/storybot/storybot/adapters/chat"
	"github.com/storybot/storybot/adapters/slack"
	"github.com/storybot/storybot/bot"
)

// Wiring the adapter in storybot serve: Socket Mode when the app token is
// set, the Events API handler when the signing secret is, and a digest
// publisher.
func ExampleNew() {
	var b chat.Bot // a *bot.Service in storybot serve
	a, err := slack.New(slack.Config{
		BotToken:      "xoxb-your-bot-token",
		AppToken:      "xapp-your-app-token",
		SigningSecret: "",
		UserRate:      20 * time.Second,
		ChannelRate:   5 * time.Second,
		Burst:         3,
	}, b, slog.Default())
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = a.Run(ctx) }()                   // Socket Mode until ctx ends
	http.Handle("/slack/events", a.EventsHandler())  // Events API, if used
	var _ bot.Publisher = a.Publisher("C0123456789") // the daily digest
	_ = a.Ready()                                    // for /readyz
}

// A token of the wrong kind is refused with a message naming the variable.
func ExampleNew_wrongToken() {
	_, err := slack.New(slack.Config{BotToken: "xoxp-a-user-token", AppToken: "xapp-1"}, nil, nil)
	fmt.Println(err)
	_, err = slack.New(slack.Config{BotToken: "xoxb-1", AppToken: "xoxb-2"}, nopBot{}, nil)
	fmt.Println(err)
	// Output:
	// slack: no bot to answer with
	// slack: the app token (SLACK_APP_TOKEN) must start with "xapp-", got a token starting with "xoxb-"
}

type nopBot struct{ chat.Bot }
