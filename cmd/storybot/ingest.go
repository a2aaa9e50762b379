package main

import (
	"context"
	"fmt"
	"time"
)

func (m *Main) runIngest(ctx context.Context, args []string) error {
	fs, cfg, err := m.flags("ingest")
	if err != nil {
		return err
	}
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	start := m.Now()
	last := time.Time{}
	progress := func(done, total int) {
		now := time.Now()
		if done < total && now.Sub(last) < time.Second {
			return
		}
		last = now
		fmt.Fprintf(m.Stderr, "\rindexing: %d/%d articles", done, total)
		if done >= total {
			fmt.Fprintln(m.Stderr)
		}
	}
	a, err := m.open(ctx, cfg, progress)
	if err != nil {
		return err
	}
	skipped := ""
	if n := len(a.index.LastReport().Problems); n > 0 {
		skipped = fmt.Sprintf(", %d file(s) or item(s) skipped (named in the log above)", n)
	}
	fmt.Fprintf(m.Stdout, "%s: %d articles indexed (%s)%s; `storybot conflicts` builds the conflict ledger\n",
		a.corpus, a.index.Len(), m.Now().Sub(start).Round(time.Millisecond), skipped)
	return nil
}
