package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	slackgo "github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
	"golang.org/x/sync/errgroup"
)

// slogOutput adapts slog to the Output method slack-go logs through.
type slogOutput struct{ log *slog.Logger }

// Output logs one slack-go debug line.
func (l slogOutput) Output(_ int, s string) error {
	l.log.Debug(strings.TrimSpace(s))
	return nil
}

// Run connects to Slack in Socket Mode and handles deliveries until ctx is
// done, reconnecting when Slack asks. Every envelope is acknowledged before
// any work starts. Run returns nil after ctx ends (once the questions in
// flight are answered), or an error when Slack refuses the connection, e.g.
// for an invalid app token.
func (a *Adapter) Run(ctx context.Context) error {
	if a.cfg.AppToken == "" {
		return errors.New("slack: Socket Mode needs the app token (SLACK_APP_TOKEN, xapp-...)")
	}
	defer a.work.Wait()
	defer a.connected.Store(false)
	smc := socketmode.New(a.api, socketmode.OptionLog(slogOutput{a.log}))
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		err := smc.RunContext(gctx)
		if err != nil && gctx.Err() == nil {
			return fmt.Errorf("slack socket mode: %w", err)
		}
		return nil
	})
	g.Go(func() error {
		for {
			select {
			case <-gctx.Done():
				return nil
			case evt := <-smc.Events:
				a.onSocketEvent(gctx, smc, evt)
			}
		}
	})
	err := g.Wait()
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// onSocketEvent acknowledges and dispatches one Socket Mode event.
func (a *Adapter) onSocketEvent(ctx context.Context, smc *socketmode.Client, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		a.connected.Store(false)
		a.log.Info("connecting to Slack (Socket Mode)")
	case socketmode.EventTypeConnected, socketmode.EventTypeHello:
		if !a.connected.Swap(true) {
			a.log.Info("connected to Slack (Socket Mode)")
		}
	case socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth, socketmode.EventTypeDisconnect:
		a.connected.Store(false)
		a.log.Warn("Socket Mode connection problem", "type", evt.Type, "detail", fmt.Sprint(evt.Data))
	case socketmode.EventTypeIncomingError, socketmode.EventTypeErrorBadMessage, socketmode.EventTypeErrorWriteFailed:
		a.log.Warn("Socket Mode error", "type", evt.Type, "detail", fmt.Sprint(evt.Data))
	case socketmode.EventTypeEventsAPI:
		if evt.Request == nil {
			return
		}
		a.ack(ctx, smc, evt.Request)
		ev, err := parseEvent(evt.Request.Payload)
		if err != nil {
			a.log.Warn("bad events_api payload", "err", err)
			return
		}
		if evt.Request.RetryAttempt > 0 {
			a.log.Debug("Slack retried an event", "event_id", ev.ID, "attempt", evt.Request.RetryAttempt, "reason", evt.Request.RetryReason)
		}
		a.handleEvent(ctx, ev)
	case socketmode.EventTypeSlashCommand:
		if evt.Request == nil {
			return
		}
		a.ack(ctx, smc, evt.Request)
		if c, ok := evt.Data.(slackgo.SlashCommand); ok {
			a.handleCommand(ctx, commandFrom(c))
		}
	case socketmode.EventTypeInteractive:
		if evt.Request == nil {
			return
		}
		a.ack(ctx, smc, evt.Request)
		if cb, ok := evt.Data.(slackgo.InteractionCallback); ok {
			a.handleInteraction(ctx, cb)
		}
	}
}

func (a *Adapter) ack(ctx context.Context, smc *socketmode.Client, req *socketmode.Request) {
	if err := smc.AckCtx(ctx, req.EnvelopeID, nil); err != nil {
		a.log.Warn("Socket Mode ack failed", "envelope_id", req.EnvelopeID, "err", err)
	}
}
