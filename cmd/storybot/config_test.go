package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// runConfigCmd runs `storybot config args...` with env and returns stdout.
func runConfigCmd(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	m := NewMain()
	var out, errb bytes.Buffer
	m.Stdout, m.Stderr = &out, &errb
	m.Getenv = func(k string) string { return env[k] }
	err := m.Run(context.Background(), append([]string{"config"}, args...))
	return out.String(), err
}

// lookup returns the value at a dotted path of a decoded YAML document.
func lookup(doc map[string]any, path string) any {
	var cur any = doc
	for _, part := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[part]
	}
	return cur
}

func TestConfigPrecedence(t *testing.T) {
	corpusYAML, corpusEnv, corpusFlag := t.TempDir(), t.TempDir(), t.TempDir()
	file := filepath.Join(t.TempDir(), "storybot.yaml")
	if err := os.WriteFile(file, []byte(`# a commented file
corpus: `+corpusYAML+`
log_level: debug
http:
  addr: 0.0.0.0:9000
  shutdown_timeout: 20s
watch:
  debounce: 1s
slack:
  allow_channels: C1, C2
discord:
  digest_channels: [D1]
`), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"STORYBOT_CONFIG":     file,
		"STORYBOT_CORPUS":     corpusEnv,
		"STORYBOT_HTTP_ADDR":  "127.0.0.1:9001",
		"STORYBOT_LOG_FORMAT": "json",
		"DISCORD_BOT_TOKEN":   "ZGlzY29yZA.c2VjcmV0.dG9rZW4tZm9yLXRlc3Rz",
		"DISCORD_APP_ID":      "42",
	}
	out, err := runConfigCmd(t, env, "--corpus", corpusFlag)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("config output is not YAML: %v\n%s", err, out)
	}
	for path, want := range map[string]any{
		"corpus":                  corpusFlag,       // flag > env > file
		"http.addr":               "127.0.0.1:9001", // env > file
		"log_format":              "json",           // env > default
		"log_level":               "debug",          // file > default
		"http.shutdown_timeout":   "20s",
		"watch.debounce":          "1s",
		"watch.poll":              "1m0s", // default
		"slack.allow_channels":    []any{"C1", "C2"},
		"discord.digest_channels": []any{"D1"},
		"discord.app_id":          "42",
	} {
		if got := lookup(doc, path); !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, want %#v", path, got, want)
		}
	}
	if !strings.Contains(out, "# STORYBOT_HTTP_ADDR") {
		t.Errorf("keys are not annotated with their variables:\n%s", out)
	}
}

func TestConfigRedactsSecrets(t *testing.T) {
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte("file-secret-999\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"SLACK_BOT_TOKEN":         "xoxb-secret-111",
		"SLACK_APP_TOKEN":         "xapp-secret-222",
		"STORYBOT_LLM_API_KEY":    "sk-secret-333",
		"STORYBOT_API_TOKEN_FILE": tokenFile,
	}
	out, err := runConfigCmd(t, env)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"secret-111", "secret-222", "secret-333", "file-secret-999"} {
		if strings.Contains(out, secret) {
			t.Errorf("config output shows a secret %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{
		"# bot_token: <redacted>",
		"# app_token: <redacted>",
		"# signing_secret: (not set)",
		"# api_key: <redacted>",
		"# api_token: <redacted>",
		"STORYBOT_API_TOKEN_FILE",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("config output lacks %q:\n%s", want, out)
		}
	}

	// The output is a valid configuration file that gives the same output.
	saved := filepath.Join(t.TempDir(), "saved.yaml")
	if err := os.WriteFile(saved, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	again, err := runConfigCmd(t, env, "--config", saved)
	if err != nil {
		t.Fatalf("the printed configuration does not load: %v", err)
	}
	if again != out {
		t.Errorf("round trip changed the configuration:\n%s\nvs\n%s", out, again)
	}
}

func TestConfigCommandValidates(t *testing.T) {
	_, err := runConfigCmd(t, map[string]string{"STORYBOT_BURST": "0"})
	if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "limits.burst") {
		t.Fatalf("config with a bad setting: %v", err)
	}
}

// leafPaths returns the YAML paths of every setting in t, and the paths of
// its Secret fields (by snake_case name).
func leafPaths(t reflect.Type, prefix string) (leaves, secrets []string) {
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		path := func(n string) string {
			if prefix == "" {
				return n
			}
			return prefix + "." + n
		}
		switch {
		case f.Type == reflect.TypeFor[Secret]():
			secrets = append(secrets, path(snake(f.Name)))
		case name == "" || name == "-":
		case f.Type.Kind() == reflect.Struct:
			l, s := leafPaths(f.Type, path(name))
			leaves, secrets = append(leaves, l...), append(secrets, s...)
		default:
			leaves = append(leaves, path(name))
		}
	}
	return leaves, secrets
}

// TestConfigKeysMatchConfig: configKeys (the docs' and `storybot config`'s
// source) lists exactly the settings of Config.
func TestConfigKeysMatchConfig(t *testing.T) {
	leaves, secrets := leafPaths(reflect.TypeFor[Config](), "")
	var listed, listedSecrets []string
	for _, k := range configKeys {
		if k.secret {
			listedSecrets = append(listedSecrets, k.path)
		} else {
			listed = append(listed, k.path)
		}
	}
	slices.Sort(leaves)
	slices.Sort(listed)
	slices.Sort(secrets)
	slices.Sort(listedSecrets)
	if !slices.Equal(leaves, listed) {
		t.Errorf("settings in Config:\n%v\nin configKeys:\n%v", leaves, listed)
	}
	if !slices.Equal(secrets, listedSecrets) {
		t.Errorf("secrets in Config:\n%v\nin configKeys:\n%v", secrets, listedSecrets)
	}
}

// TestConfigEnvVars: every variable in configKeys really sets its key.
func TestConfigEnvVars(t *testing.T) {
	dir := t.TempDir()
	sample := func(path string, def any) string {
		switch path {
		case "corpus", "data":
			return dir
		case "log_format":
			return "json"
		case "log_level":
			return "debug"
		case "llm.provider":
			return "ollama"
		case "digest.at":
			return "09:30"
		case "digest.time_zone":
			return "Europe/Berlin"
		case "digest.cron":
			return "0 9 * * 1"
		}
		switch v := def.(type) {
		case time.Duration:
			return "7s"
		case bool:
			if v {
				return "false"
			}
			return "true"
		case int:
			return "7"
		case []string:
			return "C1,C2"
		}
		return "x-" + strings.ReplaceAll(path, ".", "-")
	}
	base := defaults()
	for _, k := range configKeys {
		before := valueAt(reflect.ValueOf(base), k.path)
		v := sample(k.path, before.Interface())
		cfg := defaults()
		if err := cfg.fromEnv(func(key string) string {
			if key == k.env {
				return v
			}
			return ""
		}); err != nil {
			t.Errorf("%s=%s: %v", k.env, v, err)
			continue
		}
		after := valueAt(reflect.ValueOf(cfg), k.path)
		if reflect.DeepEqual(before.Interface(), after.Interface()) {
			t.Errorf("%s=%s does not change %s", k.env, v, k.path)
		}
	}
}

// valueAt returns the field of a Config value at a YAML path (Secret fields
// by their snake_case name).
func valueAt(v reflect.Value, path string) reflect.Value {
	for _, part := range strings.Split(path, ".") {
		t := v.Type()
		found := false
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if name == part || (f.Type == reflect.TypeFor[Secret]() && snake(f.Name) == part) {
				v, found = v.Field(i), true
				break
			}
		}
		if !found {
			panic("no setting " + path)
		}
	}
	return v
}

// TestDocsCoverEveryKey: README.md documents every setting with its
// variable.
func TestDocsCoverEveryKey(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 5 {
			continue
		}
		key := strings.Trim(strings.TrimSpace(cells[1]), "`")
		rows[key] = cells[2]
	}
	for _, k := range configKeys {
		row, ok := rows[k.path]
		if !ok {
			t.Errorf("README.md has no row for %s", k.path)
			continue
		}
		if !strings.Contains(row, k.env) {
			t.Errorf("README.md: %s's row does not name %s: %q", k.path, k.env, row)
		}
	}
}

func TestSnake(t *testing.T) {
	for in, want := range map[string]string{"BotToken": "bot_token", "APIKey": "api_key", "APIToken": "api_token", "SigningSecret": "signing_secret", "URL": "url"} {
		if got := snake(in); got != want {
			t.Errorf("snake(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzDecodeYAML: any file either loads or is refused with a message that
// names a line or says it is not YAML; it never panics, and what loads
// prints and loads again.
func FuzzDecodeYAML(f *testing.F) {
	for _, s := range []string{
		"corpus: ./a\nhttp:\n  addr: :8080\n",
		"watch: {enabled: false, poll: 0}\n",
		"slack:\n  digest_channels: [C1, C2]\n",
		"limits:\n  burst: 3\n  user_interval: 5s\n",
		"- a\n- b\n",
		"http: 3\n",
		"http:\n  api_token: x\n",
		"a: &x 1\nb: *x\n",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		cfg := defaults()
		err := decodeYAML(b, &cfg)
		if err != nil {
			msg := err.Error()
			if !strings.Contains(msg, "line ") && !strings.Contains(msg, "not valid YAML") {
				t.Fatalf("error without a line: %q", msg)
			}
			return
		}
		out, err := configYAML(&cfg)
		if err != nil {
			t.Fatal(err)
		}
		again := defaults()
		if err := decodeYAML(out, &again); err != nil {
			t.Fatalf("printed configuration does not load: %v\n%s", err, out)
		}
	})
}
