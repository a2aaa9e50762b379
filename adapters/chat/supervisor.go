package chat

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// Conn is one adapter's connection to its platform, as a Supervisor runs
// it. Run connects and serves until ctx ends (then it returns nil) or the
// connection fails (then it returns why, ideally as a *Problem); it must be
// safe to call again after it returned. Ready reports whether the
// connection is up.
type Conn interface {
	Run(ctx context.Context) error
	Ready() bool
}

// Problem is why a connection failed, in words for the person running
// storybot: Reason is a short fixed description ("Discord refused the bot
// token (HTTP 401)"), Fix what they can do about it. Err holds the
// details for the log. A Permanent problem is not retried.
type Problem struct {
	Reason    string
	Fix       string
	Permanent bool
	Err       error
}

// Error returns the reason and the details.
func (p *Problem) Error() string {
	if p.Err == nil {
		return p.Reason
	}
	return p.Reason + ": " + p.Err.Error()
}

// Unwrap returns the details.
func (p *Problem) Unwrap() error { return p.Err }

// Status is a supervised connection's state.
type Status string

// The states of a supervised connection.
const (
	StatusStarting   Status = "starting"   // not run yet
	StatusConnecting Status = "connecting" // running, not (yet) connected
	StatusConnected  Status = "connected"  // running and connected
	StatusFailing    Status = "failing"    // failed; retrying after a backoff
	StatusFailed     Status = "failed"     // failed in a way no retry fixes
	StatusStopped    Status = "stopped"    // shut down
)

// State is what /readyz reports about one adapter.
type State struct {
	Status Status `json:"status"`
	// Reason and Fix describe the last failure (see Problem), while the
	// connection is not connected.
	Reason string `json:"reason,omitempty"`
	Fix    string `json:"fix,omitempty"`
	// Failures counts the failures since the connection was last up.
	Failures int `json:"failures,omitempty"`
	// RetryAt is when the next attempt starts, while failing.
	RetryAt *time.Time `json:"retry_at,omitempty"`
}

// Supervisor runs one Conn: it restarts it after each failure with capped
// exponential backoff, logs each failure with its fix, and reports the
// connection's State. A failure never stops anything but this connection.
type Supervisor struct {
	// Name names the adapter in logs and reports ("slack", "discord").
	Name string
	// Conn is the connection to run.
	Conn Conn
	// MinBackoff and MaxBackoff bound the wait between attempts (defaults
	// 1 s and 2 min); it doubles after each failure and starts over once
	// the connection was up.
	MinBackoff, MaxBackoff time.Duration
	// Logger receives failures; nil discards.
	Logger *slog.Logger
	// Hooks are told of panics recovered from the connection.
	Hooks Hooks
	// OnFailure, when set, is told of every failure (e.g. to count it).
	OnFailure func(p *Problem)

	mu       sync.Mutex
	status   Status
	last     *Problem
	failures int
	retryAt  time.Time
}

// readyPoll is how often a running connection is checked for being up.
const readyPoll = 250 * time.Millisecond

// Run runs the connection until ctx ends, then returns nil. It returns
// early only for a Permanent problem, also with nil (the problem stays
// reported): no adapter's failure stops the process.
func (s *Supervisor) Run(ctx context.Context) error {
	log := s.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("adapter", s.Name)
	minB, maxB := s.MinBackoff, s.MaxBackoff
	if minB <= 0 {
		minB = time.Second
	}
	if maxB < minB {
		maxB = max(minB, 2*time.Minute)
	}
	delay := minB
	for {
		s.set(StatusConnecting, time.Time{})
		wasUp := make(chan struct{})
		runCtx, stopWatch := context.WithCancel(ctx)
		go s.watch(runCtx, wasUp)
		_, err := Safely(s.Hooks, func() (struct{}, error) { return struct{}{}, s.Conn.Run(ctx) })
		stopWatch()
		if ctx.Err() != nil {
			s.set(StatusStopped, time.Time{})
			return nil
		}
		select {
		case <-wasUp:
			delay = minB
			s.mu.Lock()
			s.failures = 0
			s.mu.Unlock()
		default:
		}
		p := AsProblem(err)
		s.mu.Lock()
		s.failures++
		s.last = p
		n := s.failures
		s.mu.Unlock()
		if s.OnFailure != nil {
			s.OnFailure(p)
		}
		if p.Permanent {
			log.Error("adapter stopped: "+p.Reason, "fix", p.Fix, "err", p.Err)
			s.set(StatusFailed, time.Time{})
			return nil
		}
		log.Error("adapter failed: "+p.Reason, "fix", p.Fix, "err", p.Err, "failures", n, "retry_in", delay.String())
		s.set(StatusFailing, time.Now().Add(delay))
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			s.set(StatusStopped, time.Time{})
			return nil
		case <-t.C:
		}
		delay = min(2*delay, maxB)
	}
}

// watch closes up once the connection is up, and updates the status.
func (s *Supervisor) watch(ctx context.Context, up chan<- struct{}) {
	t := time.NewTicker(readyPoll)
	defer t.Stop()
	for {
		if s.Conn.Ready() {
			close(up)
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (s *Supervisor) set(st Status, retryAt time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status, s.retryAt = st, retryAt
}

// State returns the connection's state now.
func (s *Supervisor) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := State{Status: s.status, Failures: s.failures}
	if st.Status == "" {
		st.Status = StatusStarting
	}
	if st.Status == StatusConnecting && s.Conn.Ready() {
		return State{Status: StatusConnected}
	}
	if s.last != nil {
		st.Reason, st.Fix = s.last.Reason, s.last.Fix
	}
	if st.Status == StatusFailing && !s.retryAt.IsZero() {
		t := s.retryAt.UTC().Truncate(time.Second)
		st.RetryAt = &t
	}
	return st
}

// AsProblem returns err as a *Problem: itself when it is (or wraps) one,
// else a Problem with a generic reason.
func AsProblem(err error) *Problem {
	var p *Problem
	if errors.As(err, &p) {
		return p
	}
	if err == nil {
		err = errors.New("the connection ended without an error")
	}
	if errors.Is(err, ErrPanic) {
		return &Problem{Reason: "the adapter crashed (a bug; see the log)", Err: err}
	}
	return &Problem{Reason: "the connection failed", Err: err}
}
