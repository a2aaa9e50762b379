// Command storybot answers questions about one developing news story from a
// corpus of articles, in a terminal, in Slack and in Discord. Every answer
// cites the article IDs it rests on and calls out conflicting reports.
//
// Run it with no arguments for the console chat over the built-in sample
// story; `storybot help` lists the subcommands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/storybot/storybot/bot"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	m := NewMain()
	err := m.Run(ctx, os.Args[1:])
	stop()
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(m.Stderr, "storybot:", err)
		os.Exit(exitCode(err))
	}
}

// exitCode is 2 for usage and configuration errors, 1 otherwise.
func exitCode(err error) int {
	var ue usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

// usageError marks a bad command line or configuration.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

// Main is the program: its I/O and environment are fields so that tests
// drive the real wiring end to end.
type Main struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Getenv reads the environment; os.Getenv in production.
	Getenv func(string) string
	// Now is the clock.
	Now func() time.Time
	// IsTerminal reports whether Stdin is an interactive terminal.
	IsTerminal func() bool

	// wrapComposer, when set (by serve), wraps the model composer, e.g. to
	// count model errors.
	wrapComposer func(bot.Composer) bot.Composer
	// feedback, when set (by serve with a shared store), records readers'
	// verdicts.
	feedback bot.FeedbackRecorder
	// shared, when set (by serve with --store), is the corpus the index is
	// built from instead of the folder: the database's copy.
	shared *sharedCorpus

	closers []func() error
	// profiling is set once --cpuprofile and --memprofile are handled.
	profiling bool
	// backgroundLedger (serve) keeps the conflict ledger current in the
	// background after every change to the corpus.
	backgroundLedger bool
}

// NewMain returns a Main wired to the process's standard streams and environment.
func NewMain() *Main {
	return &Main{
		Stdin:      os.Stdin,
		Stdout:     os.Stdout,
		Stderr:     os.Stderr,
		Getenv:     os.Getenv,
		Now:        time.Now,
		IsTerminal: func() bool { return isTerminal(os.Stdin) },
	}
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// command is one subcommand of the table.
type command struct {
	name, usage, summary string
	run                  func(m *Main, ctx context.Context, args []string) error
}

// commands is the subcommand table; `storybot` alone runs "chat".
func commands() []command {
	return []command{
		{"chat", "chat [flags]", "talk to the bot in the terminal (the default)", (*Main).runChat},
		{"ask", `ask [flags] "QUESTION" | -`, "answer one question, or one per line from stdin with -", (*Main).runAsk},
		{"ingest", "ingest [flags]", "(re)index the corpus, reporting progress", (*Main).runIngest},
		{"conflicts", "conflicts [flags] [--json]", "list every disputed fact in the corpus with each side's articles", (*Main).runConflicts},
		{"digest", "digest --dry-run [--since T] [--until T] [--json]", "print the digest of a window, or post the current one once", (*Main).runDigest},
		{"serve", "serve [flags]", "run as a service: HTTP API, Slack, Discord, digest, live corpus", (*Main).runServe},
		{"config", "config [flags]", "print the effective configuration of serve (YAML), checked", (*Main).runConfig},
		{"healthcheck", "healthcheck [--url URL]", "probe a running server's /healthz (the container HEALTHCHECK)", (*Main).runHealthcheck},
	}
}

// Run runs the subcommand named by args[0] (default chat).
func (m *Main) Run(ctx context.Context, args []string) error {
	name := "chat"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		name, args = args[0], args[1:]
	}
	if name == "help" {
		m.usage()
		return nil
	}
	for _, c := range commands() {
		if c.name == name {
			return c.run(m, ctx, args)
		}
	}
	m.usage()
	return usageError{fmt.Errorf("unknown command %q", name)}
}

// Close releases everything the subcommand opened.
func (m *Main) Close() error {
	var errs []error
	for i := len(m.closers) - 1; i >= 0; i-- {
		errs = append(errs, m.closers[i]())
	}
	m.closers = nil
	return errors.Join(errs...)
}

func (m *Main) onClose(f func() error) { m.closers = append(m.closers, f) }

func (m *Main) usage() {
	fmt.Fprintln(m.Stderr, "storybot answers questions about a news story from its articles, with citations and conflicting reports called out.")
	fmt.Fprintln(m.Stderr, "\nUsage: storybot [command] [flags]")
	fmt.Fprintln(m.Stderr, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(m.Stderr, "  %-40s %s\n", c.usage, c.summary)
	}
	fmt.Fprintln(m.Stderr, "\n`storybot COMMAND -h` lists a command's flags.")
}

// flags returns a flag set for a subcommand with the shared flags bound to a
// configuration read from the environment.
func (m *Main) flags(name string) (*flag.FlagSet, *Config, error) {
	cfg := defaults()
	if err := cfg.fromEnv(m.Getenv); err != nil {
		return nil, nil, usageError{err}
	}
	fs := flag.NewFlagSet("storybot "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	cfg.commonFlags(fs)
	return fs, &cfg, nil
}

// parse parses args into fs and validates cfg.
func parse(fs *flag.FlagSet, cfg *Config, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	if err := cfg.validate(); err != nil {
		return usageError{err}
	}
	return nil
}
