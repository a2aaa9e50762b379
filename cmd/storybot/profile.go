package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	httppprof "net/http/pprof"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/storybot/storybot/httpapi"
)

// ProfileConfig names the files the profiling switches write (--cpuprofile,
// --memprofile); empty names turn them off. They are for people measuring
// storybot, so they are flags only, never part of the YAML file.
type ProfileConfig struct {
	// CPU receives a CPU profile of the whole command.
	CPU string
	// Mem receives a heap profile taken when the command ends.
	Mem string
	// HTTPAddr (serve --pprof-addr) is where net/http/pprof's endpoints
	// listen, on their own listener: keep it on loopback.
	HTTPAddr string
}

// startProfiles starts the profiles p asks for and registers their end with
// m's closers, so they cover the command from the corpus load to the end.
// Only the first call of a run starts anything (serve may open the corpus
// more than once).
func (m *Main) startProfiles(p ProfileConfig) error {
	if m.profiling {
		return nil
	}
	m.profiling = true
	if p.CPU != "" {
		f, err := os.Create(p.CPU)
		if err != nil {
			return usageError{fmt.Errorf("--cpuprofile: %w", err)}
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			_ = f.Close()
			return fmt.Errorf("--cpuprofile: %w", err)
		}
		m.onClose(func() error {
			pprof.StopCPUProfile()
			if err := f.Close(); err != nil {
				return fmt.Errorf("--cpuprofile: %w", err)
			}
			return nil
		})
	}
	if p.Mem != "" {
		f, err := os.Create(p.Mem)
		if err != nil {
			return usageError{fmt.Errorf("--memprofile: %w", err)}
		}
		m.onClose(func() error {
			runtime.GC()
			err := pprof.Lookup("allocs").WriteTo(f, 0)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return fmt.Errorf("--memprofile: %w", err)
			}
			return nil
		})
	}
	return nil
}

// servePprof serves net/http/pprof's endpoints (/debug/pprof/...) on ln
// until ctx is done.
func servePprof(ctx context.Context, ln net.Listener, logger *slog.Logger) error {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", httppprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", httppprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", httppprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", httppprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", httppprof.Trace)
	return httpapi.Run(ctx, ln, mux, time.Second, logger)
}
