package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/httpapi"
)

func (m *Main) runAsk(ctx context.Context, args []string) error {
	fs, cfg, err := m.flags("ask")
	if err != nil {
		return err
	}
	asJSON := fs.Bool("json", false, "print one JSON object per answer (the ask --json contract)")
	if m.Getenv("STORYBOT_LOG_LEVEL") == "" {
		cfg.LogLevel = "warn"
	}
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), `Usage: storybot ask [flags] "QUESTION"
       storybot ask [flags] -      (one question per line on stdin)`)
		fs.PrintDefaults()
	}
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return usageError{fmt.Errorf("ask needs a question, or - to read questions from stdin")}
	}
	a, err := m.open(ctx, cfg, nil)
	if err != nil {
		return err
	}
	print := func(ans bot.Answer) error {
		if *asJSON {
			return json.NewEncoder(m.Stdout).Encode(httpapi.NewAskResponse(ans)) // the ask --json contract
		}
		_, err := fmt.Fprintf(m.Stdout, "%s\n\n", ans.Text())
		return err
	}
	ask := func(q string) error {
		ans, err := a.service.Answer(ctx, bot.Question{Text: q, Platform: "cli"})
		if err != nil {
			return err
		}
		return print(ans)
	}
	if fs.NArg() == 1 && fs.Arg(0) == "-" {
		return eachLine(m.Stdin, ask)
	}
	return ask(strings.Join(fs.Args(), " "))
}

// eachLine calls f for every line of r, blank lines included (they get the
// "please ask a question" answer, so output lines match input lines).
func eachLine(r io.Reader, f func(string) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for sc.Scan() {
		if err := f(sc.Text()); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read questions from stdin: %w", err)
	}
	return nil
}
