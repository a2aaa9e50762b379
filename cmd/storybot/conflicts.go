package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/storybot/storybot/bot"
)

// ledgerJSON is one disputed fact of `storybot conflicts --json`.
type ledgerJSON struct {
	Topic     string               `json:"topic"`
	Kind      string               `json:"kind"`
	Positions []ledgerPositionJSON `json:"positions"`
}

type ledgerPositionJSON struct {
	Claim    string         `json:"claim"`
	Articles []string       `json:"articles"`
	Evidence []bot.Evidence `json:"evidence,omitempty"`
}

// runConflicts lists the corpus-wide conflict ledger: every disputed fact,
// each position's claim and article IDs, with the sentences they rest on.
func (m *Main) runConflicts(ctx context.Context, args []string) error {
	fs, cfg, err := m.flags("conflicts")
	if err != nil {
		return err
	}
	asJSON := fs.Bool("json", false, "print the ledger as a JSON array")
	if m.Getenv("STORYBOT_LOG_LEVEL") == "" {
		cfg.LogLevel = "warn"
	}
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), `Usage: storybot conflicts [flags]

Lists every fact the articles disagree on (numbers, who holds a role, whether
an event happened or is only possible, negated statements, details such as
the vehicle or the setting), with each side's claim and article IDs.`)
		fs.PrintDefaults()
	}
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return usageError{fmt.Errorf("conflicts takes no arguments, got %q", strings.Join(fs.Args(), " "))}
	}
	a, err := m.open(ctx, cfg, nil)
	if err != nil {
		return err
	}
	ledger, err := a.index.Ledger(ctx)
	if err != nil {
		return err
	}
	ledger = bot.NeutraliseConflicts(ledger)
	if *asJSON {
		return writeLedgerJSON(m.Stdout, ledger)
	}
	return writeLedgerText(m.Stdout, a.corpus, ledger)
}

func writeLedgerJSON(w io.Writer, ledger []bot.Conflict) error {
	out := make([]ledgerJSON, 0, len(ledger))
	for _, c := range ledger {
		lj := ledgerJSON{Topic: c.Topic, Kind: string(c.Kind)}
		for _, p := range c.Positions {
			lj.Positions = append(lj.Positions, ledgerPositionJSON{Claim: p.Claim, Articles: p.Articles, Evidence: p.Evidence})
		}
		out = append(out, lj)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write the ledger: %w", err)
	}
	return nil
}

func writeLedgerText(w io.Writer, corpus string, ledger []bot.Conflict) error {
	var b strings.Builder
	if len(ledger) == 0 {
		fmt.Fprintf(&b, "No conflicting reports in %s: the articles do not disagree on any fact storybot checks.\n", corpus)
	} else {
		noun := "facts"
		if len(ledger) == 1 {
			noun = "fact"
		}
		fmt.Fprintf(&b, "%d disputed %s in %s:\n", len(ledger), noun, corpus)
		for i, c := range ledger {
			kind := ""
			if c.Kind != "" {
				kind = " (" + string(c.Kind) + ")"
			}
			fmt.Fprintf(&b, "\n%d. %s%s\n", i+1, c.Topic, kind)
			for _, p := range c.Positions {
				fmt.Fprintf(&b, "   - %s %s\n", p.Claim, bot.FormatCitations(p.Articles))
				for _, e := range p.Evidence {
					fmt.Fprintf(&b, "       %s: %q\n", e.ArticleID, clipLedgerSentence(e.Sentence, 200))
				}
			}
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write the ledger: %w", err)
	}
	return nil
}

// clipLedgerSentence shortens s to at most n bytes on a word boundary, marking the cut.
func clipLedgerSentence(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	cut := s[:n]
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return cut + "…"
}
