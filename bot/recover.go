package bot

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
)

// FailureText is the short fixed sentence a user sees when their request
// failed on our side; the details are in the log under the reference ID.
const FailureText = "Sorry, something went wrong on my side while answering that."

// InternalError is the error of a request that failed on our side, such as
// a recovered panic. Its message is FailureText with the reference ID, safe
// to show to users; the details are logged under the same ID, and the cause
// stays reachable with errors.Is and errors.As.
type InternalError struct {
	// Ref identifies the failure in the log ("ref" attribute).
	Ref   string
	cause error
}

// Error returns FailureText with the reference ID.
func (e *InternalError) Error() string {
	return fmt.Sprintf("%s (reference %s)", FailureText, e.Ref)
}

// Unwrap returns the cause.
func (e *InternalError) Unwrap() error { return e.cause }

// Fail logs cause at error level under a new reference ID, with attrs (e.g.
// "platform", "slack"), and returns the *InternalError to show the user.
// A nil logger logs nowhere, which loses the details: pass one.
func Fail(ctx context.Context, logger *slog.Logger, cause error, attrs ...any) *InternalError {
	e := &InternalError{Ref: newID(), cause: cause}
	logger = orDiscard(logger)
	logger.ErrorContext(ctx, "request failed", append([]any{"ref", e.Ref, "err", cause}, attrs...)...)
	return e
}

// Recovered logs a recovered panic value with the stack at error level under
// a new reference ID, with attrs, and returns the *InternalError to show the
// user. Call it from a deferred function that called recover.
func Recovered(ctx context.Context, logger *slog.Logger, v any, attrs ...any) *InternalError {
	cause, ok := v.(error)
	if !ok {
		cause = fmt.Errorf("%v", v)
	}
	e := &InternalError{Ref: newID(), cause: fmt.Errorf("panic: %w", cause)}
	logger = orDiscard(logger)
	logger.ErrorContext(ctx, "recovered from a panic; the request failed, the process goes on",
		append([]any{"ref", e.Ref, "panic", cause.Error(), "stack", string(debug.Stack())}, attrs...)...)
	return e
}

// Recover, deferred by a function that returns an error through errp, turns
// a panic of that function into an *InternalError (see Recovered) in *errp.
// The process goes on. Use it as
//
//	defer bot.Recover(ctx, logger, &err, "op", "answer")
func Recover(ctx context.Context, logger *slog.Logger, errp *error, attrs ...any) {
	if v := recover(); v != nil {
		*errp = Recovered(ctx, logger, v, attrs...)
	}
}

func orDiscard(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}
