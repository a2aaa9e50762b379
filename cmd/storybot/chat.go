package main

import (
	"context"

	"github.com/storybot/storybot/adapters/console"
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
		Bot:         a.service,
		Interactive: m.IsTerminal(),
		Corpus:      a.corpus,
	}
	return c.Run(ctx)
}
