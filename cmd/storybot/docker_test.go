package main

import (
	"bytes"
	"debug/buildinfo"
	"debug/elf"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// dockerfile is what the test needs from ../../Dockerfile.
type dockerfile struct {
	stages      []string          // FROM images, in order
	buildEnv    []string          // VAR=value before "go build"
	buildArgs   []string          // the words after "go build"
	env         map[string]string // the runtime stage's ENV
	volumes     []string
	user        string
	entrypoint  []string
	healthcheck []string
	lines       []string // instructions, continuation lines joined
}

// parseDockerfile reads the instructions the image's behaviour depends on.
func parseDockerfile(t *testing.T, path string) dockerfile {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var d dockerfile
	d.env = map[string]string{}
	var cur strings.Builder
	for _, raw := range strings.Split(string(b), "\n") {
		line := strings.TrimSpace(raw)
		if cur.Len() == 0 && (line == "" || strings.HasPrefix(line, "#")) {
			continue
		}
		if s, ok := strings.CutSuffix(line, "\\"); ok {
			cur.WriteString(s + " ")
			continue
		}
		cur.WriteString(line)
		d.lines = append(d.lines, cur.String())
		cur.Reset()
	}
	jsonArray := func(s string) []string {
		var out []string
		if err := json.Unmarshal([]byte(s), &out); err != nil {
			t.Fatalf("Dockerfile: %q is not a JSON array (use the exec form): %v", s, err)
		}
		return out
	}
	for _, l := range d.lines {
		instr, rest, _ := strings.Cut(l, " ")
		rest = strings.TrimSpace(rest)
		switch strings.ToUpper(instr) {
		case "FROM":
			d.stages = append(d.stages, strings.Fields(rest)[0])
			d.env = map[string]string{} // only the last stage's ENV counts
		case "ENV":
			for _, kv := range shellWords(t, rest) {
				k, v, ok := strings.Cut(kv, "=")
				if !ok {
					t.Fatalf("Dockerfile: ENV %q: use KEY=value", kv)
				}
				d.env[k] = v
			}
		case "VOLUME":
			d.volumes = jsonArray(rest)
		case "USER":
			d.user = rest
		case "ENTRYPOINT":
			d.entrypoint = jsonArray(rest)
		case "HEALTHCHECK":
			_, cmd, ok := strings.Cut(rest, "CMD ")
			if !ok {
				t.Fatalf("Dockerfile: HEALTHCHECK without CMD: %q", rest)
			}
			d.healthcheck = jsonArray(strings.TrimSpace(cmd))
		case "RUN":
			words := shellWords(t, rest)
			for i := 0; i+1 < len(words); i++ {
				if words[i] == "go" && words[i+1] == "build" {
					j := i - 1
					for j >= 0 && strings.Contains(words[j], "=") {
						j--
					}
					d.buildEnv = words[j+1 : i]
					d.buildArgs = words[i+2:]
				}
			}
		}
	}
	return d
}

// shellWords splits a command line into words, honouring quotes (enough
// for a Dockerfile's RUN and ENV lines).
func shellWords(t *testing.T, s string) []string {
	t.Helper()
	var words []string
	var cur strings.Builder
	in := false
	var quote rune
	for _, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '"' || r == '\'':
			quote, in = r, true
		case r == ' ' || r == '\t':
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if quote != 0 {
		t.Fatalf("unterminated quote in %q", s)
	}
	if in {
		words = append(words, cur.String())
	}
	return words
}

// TestDockerfileRules checks the image's shape: a Go 1.26 builder, modules
// downloaded in their own layer before the sources, a static build, a
// non-root runtime user, the data folder as a volume, a healthcheck and
// serve as the entrypoint.
func TestDockerfileRules(t *testing.T) {
	d := parseDockerfile(t, "../../Dockerfile")
	gomod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	goVersion := regexp.MustCompile(`(?m)^go (\S+)$`).FindStringSubmatch(string(gomod))
	if goVersion == nil {
		t.Fatal("go.mod has no go line")
	}
	// A floating tag (golang:1.26) may be an older cached image that cannot
	// build what go.mod asks for: pin the very version.
	if want := "golang:" + goVersion[1]; len(d.stages) < 2 || d.stages[0] != want {
		t.Errorf("stages %v: want a %s builder (go.mod's version) and a runtime stage", d.stages, want)
	}
	// The data folder exists in the image, owned by the runtime user, so a
	// named volume starts writable.
	owned := false
	for _, l := range d.lines {
		f := strings.Fields(l)
		if len(f) >= 4 && f[0] == "COPY" && f[len(f)-1] == d.env["STORYBOT_DATA"] {
			for _, w := range f[1 : len(f)-1] {
				if w == "--chown="+d.user {
					owned = true
				}
			}
		}
	}
	if !owned {
		t.Errorf("the image must create %s owned by USER %s (COPY --chown=%s ... %[1]s)", d.env["STORYBOT_DATA"], d.user, d.user)
	}
	if rt := d.stages[len(d.stages)-1]; !strings.Contains(rt, "distroless") && !strings.HasPrefix(rt, "alpine") && rt != "scratch" {
		t.Errorf("runtime image %q is not a minimal one", rt)
	}
	download, copyAll := -1, -1
	for i, l := range d.lines {
		if strings.HasPrefix(l, "RUN go mod download") {
			download = i
		}
		if strings.HasPrefix(l, "COPY . .") && copyAll < 0 {
			copyAll = i
		}
	}
	if download < 0 || copyAll < 0 || download > copyAll {
		t.Errorf("go mod download (line %d) must come before COPY . . (line %d), in its own layer", download, copyAll)
	}
	if !strings.Contains(strings.Join(d.buildEnv, " "), "CGO_ENABLED=0") || !strings.Contains(strings.Join(d.buildArgs, " "), "-trimpath") {
		t.Errorf("build %v %v: want CGO_ENABLED=0 and -trimpath", d.buildEnv, d.buildArgs)
	}
	if d.user == "" || d.user == "root" || strings.HasPrefix(d.user, "0") {
		t.Errorf("USER %q: the image must not run as root", d.user)
	}
	if len(d.volumes) != 1 || d.env["STORYBOT_DATA"] != d.volumes[0] {
		t.Errorf("VOLUME %v and STORYBOT_DATA %q: the data folder must be the volume", d.volumes, d.env["STORYBOT_DATA"])
	}
	if len(d.entrypoint) != 2 || d.entrypoint[1] != "serve" {
		t.Errorf("ENTRYPOINT %v: want [storybot serve]", d.entrypoint)
	}
	if len(d.healthcheck) != 2 || d.healthcheck[0] != d.entrypoint[0] || d.healthcheck[1] != "healthcheck" {
		t.Errorf("HEALTHCHECK %v: want the binary's healthcheck subcommand", d.healthcheck)
	}
}

// dockerContext copies the build context Docker would send (root minus
// what .dockerignore excludes) to dst, so the build proves the ignore file
// leaves out nothing the binary needs.
func dockerContext(t *testing.T, root, dst string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	var patterns []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			if strings.HasPrefix(l, "!") || strings.Contains(l, "**") {
				t.Fatalf(".dockerignore: %q: this test understands plain patterns only", l)
			}
			patterns = append(patterns, strings.TrimPrefix(l, "/"))
		}
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil || rel == "." {
			return err
		}
		for _, p := range patterns {
			if ok, _ := filepath.Match(p, filepath.ToSlash(rel)); ok {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatalf("copy the build context: %v", err)
	}
	for _, gone := range []string{".git", "Dockerfile"} {
		if _, err := os.Stat(filepath.Join(dst, gone)); err == nil {
			t.Errorf(".dockerignore lets %s into the build context", gone)
		}
	}
	return dst
}

// freePort returns a TCP port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// TestDockerContextHasTheSources: the build context Docker sends (the
// repository less .dockerignore) holds every package and embedded file the
// Dockerfile's build needs. go list resolves imports and embed patterns
// without compiling; the build itself is checked by TestDockerImageBinary.
func TestDockerContextHasTheSources(t *testing.T) {
	d := parseDockerfile(t, "../../Dockerfile")
	dir := dockerContext(t, "../..", filepath.Join(t.TempDir(), "context"))
	list := exec.Command("go", "list", "-e", "-deps", "-f", "{{if .Error}}{{.ImportPath}}: {{.Error}}{{end}}{{if .DepsErrors}}{{.ImportPath}}: {{.DepsErrors}}{{end}}", "./cmd/storybot")
	list.Dir = dir
	list.Env = append(append(os.Environ(), "GOFLAGS=-buildvcs=false"), d.buildEnv...)
	out, err := list.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "" {
		t.Errorf("the Docker build context cannot build ./cmd/storybot: %v\n%s", err, out)
	}
}

// imageBinaryEnv names a storybot binary built with the Dockerfile's build
// command; .ci/run builds one first (it is also the binary it scores).
const imageBinaryEnv = "STORYBOT_IMAGE_BINARY"

// TestDockerImageBinary starts storybot the way the image does (entrypoint,
// environment, an empty data volume, no corpus: the embedded sample story),
// then runs the image's HEALTHCHECK command until it passes, asks a
// question, and stops the process with SIGTERM as `docker stop` does.
//
// The binary is the one named by STORYBOT_IMAGE_BINARY, which must then be
// static and built with the Dockerfile's settings (CI passes the one it
// built with the Dockerfile's command); without it, this test binary runs
// as storybot, which saves a second full build of every package.
func TestDockerImageBinary(t *testing.T) {
	d := parseDockerfile(t, "../../Dockerfile")
	tmp := t.TempDir()
	bin, self := os.Getenv(imageBinaryEnv), false
	if bin != "" {
		checkImageBuild(t, bin, d)
	} else {
		bin, self = os.Args[0], true
		t.Logf("%s is not set: running this test binary as storybot; the Dockerfile's build is checked where it is set (CI)", imageBinaryEnv)
	}

	// The image's environment, with the volume and port made local.
	port := freePort(t)
	env := []string{"PATH=/usr/bin:/bin"}
	if self {
		env = append(env, childEnv+"=1")
	}
	for k, v := range d.env {
		switch k {
		case "STORYBOT_DATA":
			v = filepath.Join(tmp, "data")
		case "STORYBOT_HTTP_ADDR":
			host, _, err := net.SplitHostPort(v)
			if err != nil {
				t.Fatalf("ENV STORYBOT_HTTP_ADDR=%s: %v", v, err)
			}
			v = net.JoinHostPort(host, fmt.Sprint(port))
		}
		env = append(env, k+"="+v)
	}
	// The image listens on all interfaces: without a token it must refuse
	// to start, naming both ways out.
	if host, _, _ := net.SplitHostPort(d.env["STORYBOT_HTTP_ADDR"]); host != "127.0.0.1" && host != "localhost" {
		open := exec.Command(bin, d.entrypoint[1:]...)
		open.Env, open.Dir = env, tmp
		out, err := open.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 ||
			!strings.Contains(string(out), "STORYBOT_API_TOKEN") || !strings.Contains(string(out), "STORYBOT_API_OPEN") {
			t.Errorf("serve on all interfaces without a token: %v\n%s", err, out)
		}
		env = append(env, "STORYBOT_API_TOKEN=docker-test-token")
	}
	if err := os.Mkdir(filepath.Join(tmp, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	run := func(argv []string) *exec.Cmd {
		c := exec.Command(bin, argv[1:]...)
		c.Env = env
		c.Dir = tmp
		return c
	}

	var stderr bytes.Buffer
	srv := run(d.entrypoint)
	srv.Stderr = &stderr
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- srv.Wait() }()
	defer func() {
		if srv.ProcessState == nil {
			srv.Process.Kill()
			<-exited
		}
	}()

	healthy := false
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if out, err := run(d.healthcheck).CombinedOutput(); err == nil && strings.TrimSpace(string(out)) == "ok" {
			healthy = true
			break
		}
		select {
		case err := <-exited:
			t.Fatalf("serve exited early: %v\n%s", err, stderr.String())
		default:
		}
	}
	if !healthy {
		t.Fatalf("HEALTHCHECK never passed:\n%s", stderr.String())
	}
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	client := &http.Client{Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		resp, err := client.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("never ready:\n%s", stderr.String())
		}
	}
	req, err := http.NewRequest(http.MethodPost, base+"/v1/ask", strings.NewReader(`{"question": "Who is the NATO Secretary General?"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer docker-test-token")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var reply askReply
	if err := json.Unmarshal(body, &reply); err != nil || resp.StatusCode != 200 || len(reply.Citations) == 0 {
		t.Fatalf("ask: %d %s", resp.StatusCode, body)
	}

	// docker stop: SIGTERM, then the process must exit 0 in time.
	if err := srv.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("serve after SIGTERM: %v\n%s", err, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("serve did not stop within 15s of SIGTERM:\n%s", stderr.String())
	}
	logs := stderr.String()
	if !regexp.MustCompile(`(?m)^\{.*"msg":"answered".*\}$`).MatchString(logs) {
		t.Errorf("no JSON \"answered\" log line (STORYBOT_LOG_FORMAT=json):\n%s", logs)
	}

	// A bad setting: the process exits with status 2 naming the key.
	bad := run(d.entrypoint)
	bad.Env = append(bad.Env, "STORYBOT_DIGEST_AT=8am")
	var badErr bytes.Buffer
	bad.Stderr = &badErr
	err = bad.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
		t.Errorf("bad configuration: %v, want exit status 2", err)
	}
	if !strings.Contains(badErr.String(), "digest.at") || !strings.Contains(badErr.String(), "STORYBOT_DIGEST_AT") {
		t.Errorf("bad configuration message does not name the key: %q", badErr.String())
	}
}

// checkImageBuild checks that bin was built the way the Dockerfile builds
// the image's binary (its build settings match the Dockerfile's flags and
// environment) and is static: no interpreter, no shared libraries.
func checkImageBuild(t *testing.T, bin string, d dockerfile) {
	t.Helper()
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatalf("%s=%s: %v", imageBinaryEnv, bin, err)
	}
	got := map[string]string{}
	for _, s := range info.Settings {
		got[s.Key] = s.Value
	}
	want := map[string]string{}
	var ldflags []string // not in the build info with -trimpath: seen in the ELF
	for _, kv := range d.buildEnv {
		if k, v, ok := strings.Cut(kv, "="); ok && (k == "CGO_ENABLED" || k == "GOOS" || k == "GOARCH") {
			want[k] = v
		}
	}
	for _, a := range d.buildArgs {
		switch {
		case a == "-trimpath":
			want["-trimpath"] = "true"
		case strings.HasPrefix(a, "-ldflags="):
			ldflags = strings.Fields(strings.TrimPrefix(a, "-ldflags="))
		}
	}
	if want["CGO_ENABLED"] != "0" {
		t.Errorf("the Dockerfile does not build with CGO_ENABLED=0: %q", d.buildEnv)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s was built with %s=%q; the Dockerfile builds with %q", bin, k, got[k], v)
		}
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	libs, _ := f.ImportedLibraries()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("binary has an ELF interpreter: not static")
		}
	}
	if len(libs) > 0 {
		t.Errorf("binary needs shared libraries %v", libs)
	}
	if slices.Contains(ldflags, "-s") && f.Section(".symtab") != nil {
		t.Error("binary has a symbol table; the Dockerfile links with -s")
	}
	if slices.Contains(ldflags, "-w") && (f.Section(".debug_info") != nil || f.Section(".zdebug_info") != nil) {
		t.Error("binary has DWARF; the Dockerfile links with -w")
	}
}
