package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
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
	fs.BoolVar(&cfg.Explain, "explain", false, "print to stderr how each answer was found: the question's type and focus, every candidate value and its scores")
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
	render := func(ans bot.Answer) ([]byte, error) {
		if *asJSON {
			b, err := json.Marshal(httpapi.NewAskResponse(ans)) // the ask --json contract
			return append(b, '\n'), err
		}
		return []byte(ans.Text() + "\n\n"), nil
	}
	asked, failed := 0, 0
	ask := func(q string) error {
		asked++
		out, err := answerOne(ctx, a, q, render)
		if err != nil {
			if ctx.Err() != nil {
				return err
			}
			// One failed question must not lose the others: it gets a
			// short answer of its own, so output lines still match input lines.
			failed++
			if out, err = render(failedAnswer(q, err)); err != nil {
				return err
			}
		}
		_, err = m.Stdout.Write(out)
		return err
	}
	if fs.NArg() == 1 && fs.Arg(0) == "-" {
		err = eachLine(m.Stdin, ask)
	} else {
		err = ask(strings.Join(fs.Args(), " "))
	}
	if err == nil && failed > 0 {
		err = fmt.Errorf("%d of %d questions got no answer; the log above has the details under each reference", failed, asked)
	}
	return err
}

// answerOne answers and renders one question of `ask`; a panic anywhere on
// the way is logged with a reference ID and returned as a *bot.InternalError.
func answerOne(ctx context.Context, a *app, q string, render func(bot.Answer) ([]byte, error)) (out []byte, err error) {
	defer bot.Recover(ctx, a.logger, &err, "op", "ask")
	ans, err := a.service.Answer(ctx, bot.Question{Text: q, Platform: "cli"})
	if err != nil {
		return nil, err
	}
	return render(ans)
}

// failedAnswer is what `ask` prints for a question that got no answer: an
// abstention that cites nothing and says so in one short sentence.
func failedAnswer(q string, err error) bot.Answer {
	text := err.Error()
	var ie *bot.InternalError
	if !errors.As(err, &ie) {
		text = "I couldn't answer that: " + text
	}
	return bot.Answer{Question: q, Sentences: []bot.Sentence{{Text: text}}, Abstained: true}
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
