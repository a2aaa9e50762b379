package chat

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"

	"github.com/storybot/storybot/bot"
)

// The fixed sentences users see when something fails. They never carry an
// error's text: the details go to the log under the reference ID that ends
// the sentence.
const (
	// LoadingText answers a question asked before the articles are loaded.
	LoadingText = "I'm still loading the articles. Please ask again in a minute."
	// FailedText answers a question that failed for any other reason; it
	// is bot.FailureText, the sentence of every storybot surface.
	FailedText = bot.FailureText
	// TimeoutText answers a question that took too long.
	TimeoutText = "Sorry, that took too long, so I stopped. Please try again."
	// StoppedText answers a question cut short by a shutdown.
	StoppedText = "Sorry, I was stopped before I could answer. Please ask again in a minute."
	// FeedbackFailedText answers a feedback button that could not be recorded.
	FeedbackFailedText = "Sorry, I couldn't record your feedback."
)

// ErrPanic is wrapped by the error Safely returns for a recovered panic.
var ErrPanic = errors.New("panic")

// NewRef returns a fresh reference ID: eight characters, easy to read out
// and to search for in the logs.
func NewRef() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyz23456789" // no 0/o, 1/l/i
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// WithRef ends a sentence with its reference ID.
func WithRef(sentence, ref string) string {
	return sentence + " (reference " + ref + ")"
}

// Fail logs err (with msg and attrs) under a new reference ID and returns
// the sentence to show the reader: LoadingText for ErrNotReady (logged at
// debug level only, as it is no failure), else TimeoutText, StoppedText or
// FailedText followed by the reference ID.
func Fail(ctx context.Context, log *slog.Logger, msg string, err error, attrs ...any) string {
	if errors.Is(err, ErrNotReady) {
		log.DebugContext(ctx, msg+": not ready", "err", err)
		return LoadingText
	}
	var ie *bot.InternalError
	if errors.As(err, &ie) {
		// Logged with its details under this reference already.
		log.InfoContext(ctx, msg, "ref", ie.Ref)
		return WithRef(FailedText, ie.Ref)
	}
	ref := Report(ctx, log, msg, err, attrs...)
	text := FailedText
	switch {
	case errors.Is(err, ErrPanic):
	case errors.Is(err, context.DeadlineExceeded):
		text = TimeoutText
	case errors.Is(err, context.Canceled):
		text = StoppedText
	}
	return WithRef(text, ref)
}

// Report logs err (with msg and attrs) at error level under a new
// reference ID and returns the ID, for a caller that picks its own
// sentence.
func Report(ctx context.Context, log *slog.Logger, msg string, err error, attrs ...any) string {
	ref := NewRef()
	log.ErrorContext(ctx, msg, append([]any{"ref", ref, "err", err}, attrs...)...)
	return ref
}

// panicError is a recovered panic with its stack.
type panicError struct {
	value any
	stack string
}

func (e *panicError) Error() string {
	return fmt.Sprintf("panic: %v\n%s", e.value, e.stack)
}

func (e *panicError) Unwrap() error { return ErrPanic }

// Safely runs fn and turns a panic into an error wrapping ErrPanic (its
// text carries the value and the stack, for the log), telling
// hooks.Panicked. Pass the error to Fail for the reader's sentence.
func Safely[T any](hooks Hooks, fn func() (T, error)) (v T, err error) {
	defer func() {
		if r := recover(); r != nil {
			hooks.panicked()
			var zero T
			v, err = zero, &panicError{value: r, stack: strings.TrimSpace(string(debug.Stack()))}
		}
	}()
	return fn()
}

// Recover is deferred at the top of a handler goroutine: it stops a panic
// from ending the process, logs it with its stack under a reference ID and
// tells hooks.Panicked. Code inside should use Safely to still reply.
func Recover(log *slog.Logger, hooks Hooks) {
	if r := recover(); r != nil {
		hooks.panicked()
		log.Error("recovered from a panic in a handler", "ref", NewRef(), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
	}
}
