// Package console is the terminal chat: the embedded default a new user
// meets first. It reads questions line by line, answers them through the bot
// and understands a few slash commands (/help, /sources, /conflicts, /quit).
// Questions piped on stdin work too: then it prints answers only.
package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/storybot/storybot/bot"
)

// Bot is what the console needs from the bot service.
type Bot interface {
	bot.Answerer
	Article(ctx context.Context, id string) (bot.Article, error)
	Articles(ctx context.Context) ([]bot.Article, error)
	Conflicts(ctx context.Context) ([]bot.Conflict, error)
}

// Console is one terminal conversation.
type Console struct {
	In  io.Reader
	Out io.Writer
	Bot Bot
	// Interactive shows a greeting and a prompt; off when stdin is piped.
	Interactive bool
	// Corpus describes the corpus in the greeting.
	Corpus string
	// MaxTurns bounds the thread kept for follow-ups (default 6).
	MaxTurns int
	// Logger receives the details of a request that failed on a bug (a
	// panic), under the reference ID the user is shown; nil discards.
	Logger *slog.Logger
}

const help = `Ask anything about the story in plain words, e.g. "What happened?" or "Who said what?".
Every answer cites the article IDs it rests on and says where the reports disagree.
Commands:
  /sources        list the articles
  /sources ID     show one article
  /conflicts      list every fact the articles disagree on
  /new            forget the conversation so far
  /help           this help
  /quit           leave (Ctrl-D works too)`

// Run chats until the input ends, /quit, or ctx is done.
func (c *Console) Run(ctx context.Context) error {
	if c.Interactive {
		n := 0
		if arts, err := c.Bot.Articles(ctx); err == nil {
			n = len(arts)
		}
		fmt.Fprintf(c.Out, "storybot: ask about %s (%d articles). /help for commands, /quit to leave.\n", c.Corpus, n)
	}
	lines := make(chan string)
	readErr := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(c.In)
		sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		readErr <- sc.Err()
		close(lines)
	}()
	var thread []bot.Turn
	for {
		c.prompt()
		var line string
		var ok bool
		select {
		case <-ctx.Done():
			return nil
		case line, ok = <-lines:
		}
		if !ok {
			if c.Interactive {
				fmt.Fprintln(c.Out)
			}
			if err := <-readErr; err != nil {
				return fmt.Errorf("read the terminal: %w", err)
			}
			return nil
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "/") {
			quit, err := c.safeCommand(ctx, line)
			if err != nil {
				fmt.Fprintf(c.Out, "%v\n\n", err)
			}
			if quit {
				return nil
			}
			if line == "/new" {
				thread = nil
			}
			continue
		}
		text, err := c.answer(ctx, line, thread)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			var ie *bot.InternalError
			if errors.As(err, &ie) {
				fmt.Fprintf(c.Out, "%v\n\n", err)
			} else {
				fmt.Fprintf(c.Out, "I couldn't answer that: %v\n\n", err)
			}
			continue
		}
		fmt.Fprintf(c.Out, "%s\n\n", text)
		thread = append(thread, bot.Turn{Role: bot.RoleUser, Text: line}, bot.Turn{Role: bot.RoleBot, Text: text})
		if max := c.maxTurns(); len(thread) > max {
			thread = thread[len(thread)-max:]
		}
	}
}

// answer answers one question and renders it; a panic on the way is logged
// with a reference ID and returned as a *bot.InternalError, so the
// conversation goes on.
func (c *Console) answer(ctx context.Context, q string, thread []bot.Turn) (text string, err error) {
	defer bot.Recover(ctx, c.Logger, &err, "op", "console")
	a, err := c.Bot.Answer(ctx, bot.Question{Text: q, Thread: thread, Platform: "console"})
	if err != nil {
		return "", err
	}
	return a.Text(), nil
}

// safeCommand runs a slash command like command, turning a panic into a
// *bot.InternalError.
func (c *Console) safeCommand(ctx context.Context, line string) (quit bool, err error) {
	defer bot.Recover(ctx, c.Logger, &err, "op", "console command")
	return c.command(ctx, line)
}

func (c *Console) maxTurns() int {
	if c.MaxTurns > 0 {
		return c.MaxTurns
	}
	return 6
}

func (c *Console) prompt() {
	if c.Interactive {
		fmt.Fprint(c.Out, "> ")
	}
}

// command runs a slash command; quit is true for /quit.
func (c *Console) command(ctx context.Context, line string) (quit bool, err error) {
	fields := strings.Fields(line)
	switch strings.ToLower(fields[0]) {
	case "/quit", "/exit", "/q":
		return true, nil
	case "/help", "/?":
		fmt.Fprintf(c.Out, "%s\n\n", help)
	case "/new":
		fmt.Fprint(c.Out, "Starting a new conversation.\n\n")
	case "/sources", "/source":
		if len(fields) > 1 {
			return false, c.showArticle(ctx, fields[1])
		}
		arts, err := c.Bot.Articles(ctx)
		if err != nil {
			return false, fmt.Errorf("could not list the articles: %w", err)
		}
		for _, a := range arts {
			fmt.Fprintf(c.Out, "- %s\n", bot.FormatSource(bot.Source{ID: a.ID, Outlet: a.Outlet, Title: a.Title, URL: a.URL, Published: a.Published}))
		}
		fmt.Fprintln(c.Out)
	case "/conflicts":
		cs, err := c.Bot.Conflicts(ctx)
		if err != nil {
			return false, fmt.Errorf("could not read the conflicts: %w", err)
		}
		if len(cs) == 0 {
			fmt.Fprint(c.Out, "The articles do not disagree on any fact I can detect.\n\n")
			return false, nil
		}
		for _, cf := range cs {
			fmt.Fprintf(c.Out, "- %s\n", bot.FormatConflict(cf))
		}
		fmt.Fprintln(c.Out)
	default:
		return false, fmt.Errorf("unknown command %s; /help lists the commands", fields[0])
	}
	return false, nil
}

func (c *Console) showArticle(ctx context.Context, id string) error {
	a, err := c.Bot.Article(ctx, id)
	if errors.Is(err, bot.ErrNotFound) {
		return fmt.Errorf("there is no article %q; /sources lists them", id)
	}
	if err != nil {
		return fmt.Errorf("could not read article %s: %w", id, err)
	}
	fmt.Fprintf(c.Out, "%s\n\n%s\n\n", bot.FormatSource(bot.Source{ID: a.ID, Outlet: a.Outlet, Title: a.Title, URL: a.URL, Published: a.Published}), strings.TrimSpace(a.Text))
	return nil
}
