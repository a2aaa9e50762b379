package main

import (
	"context"

	"github.com/storybot/storybot/adapters/console"
	"github.com/storybot/storybot/bot"
)

func (m *Main) runChat(ctx context.Context, args []string) error {
	fs, cfg, err := m.flags("chat")
	if err != nil {
		return err
	}
	if m.Getenv("STORYBOT_LOG_LEVEL") == "" {
		cfg.LogLevel = "warn"
	}
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	a, err := m.open(ctx, cfg, nil)
	if err != nil {
		return err
	}
	c := &console.Console{
		In:          m.Stdin,
		Out:         m.Stdout,
		Bot:         consoleBot{a.service, a},
		Interactive: m.IsTerminal(),
		Corpus:      a.corpus,
		Logger:      a.logger.With("component", "console"),
	}
	return c.Run(ctx)
}

// consoleBot is the service as the console sees it: /conflicts lists the
// ledger of the corpus as it is now, computed first when needed.
type consoleBot struct {
	*bot.Service
	a *app
}

// Conflicts returns the current conflict ledger.
func (b consoleBot) Conflicts(ctx context.Context) ([]bot.Conflict, error) {
	cs, err := b.a.index.Ledger(ctx)
	return bot.NeutraliseConflicts(cs), err
}
