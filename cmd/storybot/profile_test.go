package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestProfileFlags: --cpuprofile and --memprofile write pprof files (gzip)
// covering the command.
func TestProfileFlags(t *testing.T) {
	dir := t.TempDir()
	cpu, mem := filepath.Join(dir, "cpu.prof"), filepath.Join(dir, "mem.prof")
	m, out, errOut := testMain(t, "", map[string]string{"STORYBOT_DATA": t.TempDir()})
	if err := m.Run(context.Background(), []string{"ask", "--cpuprofile", cpu, "--memprofile", mem, "What did Zelensky announce?"}); err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if out.Len() == 0 {
		t.Error("no answer")
	}
	for _, p := range []string{cpu, mem} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte{0x1f, 0x8b}) {
			t.Errorf("%s is not a pprof (gzip) file: % x", filepath.Base(p), b[:min(len(b), 8)])
		}
	}
	m2, _, errOut2 := testMain(t, "", map[string]string{"STORYBOT_DATA": t.TempDir()})
	err := m2.Run(context.Background(), []string{"ask", "--cpuprofile", filepath.Join(dir, "no", "such", "dir", "p"), "x"})
	if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "--cpuprofile") {
		t.Errorf("unwritable --cpuprofile: %v %s", err, errOut2)
	}
}

// TestServePprofAddr: serve --pprof-addr serves the profiler on its own
// listener, not on the API's.
func TestServePprofAddr(t *testing.T) {
	r := startServe(t, map[string]string{"STORYBOT_WATCH": "0"}, "--pprof-addr", "127.0.0.1:0")
	defer func() {
		if err := r.shutdown(t); err != nil {
			t.Error(err)
		}
	}()
	var addr string
	deadline := time.Now().Add(10 * time.Second)
	for addr == "" && time.Now().Before(deadline) {
		for _, rec := range r.stderr.logLines(t) {
			if rec["msg"] == "profiler listening" {
				addr, _ = rec["addr"].(string)
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	if addr == "" {
		t.Fatalf("no profiler address logged:\n%s", r.stderr)
	}
	resp, err := r.client.Get("http://" + addr + "/debug/pprof/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "goroutine") {
		t.Errorf("/debug/pprof/: %d %q", resp.StatusCode, body)
	}
	if code, _ := r.get(t, "/debug/pprof/"); code == http.StatusOK {
		t.Error("the profiler is reachable on the API listener")
	}
}
