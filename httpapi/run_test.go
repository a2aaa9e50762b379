package httpapi_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/httpapi"
)

// TestRunGraceful cancels the server's context while a request is in
// flight: the request finishes with its full reply, new connections are
// refused, and Run returns nil.
func TestRunGraceful(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		select {
		case <-time.After(300 * time.Millisecond):
		case <-r.Context().Done():
			http.Error(w, "canceled", 500)
			return
		}
		io.WriteString(w, "finished")
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- httpapi.Run(ctx, ln, h, 5*time.Second, nil) }()

	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	type res struct {
		body string
		err  error
	}
	got := make(chan res, 1)
	go func() {
		resp, err := client.Get("http://" + ln.Addr().String() + "/")
		if err != nil {
			got <- res{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- res{string(b), err}
	}()
	<-started
	cancel()
	r := <-got
	if r.err != nil || r.body != "finished" {
		t.Fatalf("request in flight at shutdown: %q, %v", r.body, r.err)
	}
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if _, err := client.Get("http://" + ln.Addr().String() + "/"); err == nil {
		t.Error("server still accepts connections after shutdown")
	}
}

// TestRunGraceExpires: a request that outlives the grace is cut off and Run
// reports it.
func TestRunGraceExpires(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-r.Context().Done()
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- httpapi.Run(ctx, ln, h, 100*time.Millisecond, nil) }()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	reqDone := make(chan struct{})
	go func() {
		defer close(reqDone)
		if resp, err := client.Get("http://" + ln.Addr().String() + "/"); err == nil {
			resp.Body.Close()
		}
	}()
	<-started
	cancel()
	err = <-done
	if err == nil || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "100ms") {
		t.Fatalf("Run after the grace ran out: %v", err)
	}
	<-reqDone
}

func TestRunListenerError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	if err := httpapi.Run(t.Context(), ln, http.NotFoundHandler(), 0, nil); err == nil {
		t.Fatal("Run on a closed listener returned nil")
	}
}
