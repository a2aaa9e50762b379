package digest

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/storybot/storybot/bot"
)

// Writer is a bot.Publisher that prints digests as plain text to a writer,
// such as standard output. It is safe for concurrent use.
type Writer struct {
	name string
	mu   sync.Mutex
	w    io.Writer
}

var _ bot.Publisher = (*Writer)(nil)

// NewWriter returns a publisher named name (e.g. "stdout") printing to w.
func NewWriter(name string, w io.Writer) *Writer { return &Writer{name: name, w: w} }

// Name returns the publisher's name.
func (w *Writer) Name() string { return w.name }

// Publish prints d.Text() and a blank line.
func (w *Writer) Publish(ctx context.Context, d bot.Digest) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, err := fmt.Fprintf(w.w, "%s\n\n", d.Text()); err != nil {
		return fmt.Errorf("print the digest to %s: %w", w.name, err)
	}
	return nil
}
