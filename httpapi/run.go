package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// DefaultGrace is how long Run lets requests in flight finish at shutdown.
const DefaultGrace = 10 * time.Second

// Run serves h on ln until ctx is done, then stops accepting connections and
// waits up to grace (DefaultGrace when zero) for requests in flight, such as
// answers being written, before closing what is left. Requests do not see
// ctx's cancellation: their contexts end only when their client goes or the
// grace runs out. Run returns nil after a clean shutdown, or the error that
// stopped the server.
func Run(ctx context.Context, ln net.Listener, h http.Handler, grace time.Duration, logger *slog.Logger) error {
	if grace <= 0 {
		grace = DefaultGrace
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	base, cancelBase := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelBase()
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		BaseContext:       func(net.Listener) context.Context { return base },
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve HTTP on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	logger.Info("HTTP server stopping; letting requests in flight finish", "grace", grace.String())
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
	defer cancel()
	err := srv.Shutdown(sctx)
	if err != nil {
		// Out of time: cancel what is left, then drop the connections.
		cancelBase()
		_ = srv.Close()
		err = fmt.Errorf("HTTP shutdown after %v: %w", grace, err)
	}
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}
