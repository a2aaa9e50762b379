package main

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"
)

// runConfig prints the effective configuration (defaults < YAML file <
// environment < flags) as YAML that can be saved and used as a --config
// file. Secrets never appear: each shows as a comment, <redacted> when set.
func (m *Main) runConfig(ctx context.Context, args []string) error {
	fs, cfg, err := m.serviceFlags("config", args)
	if err != nil {
		return err
	}
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), `Usage: storybot config [flags]

Prints the effective configuration of storybot serve as YAML, after the
configuration file, the environment and the flags, and checks it. Secrets
show as <redacted>.`)
		fs.PrintDefaults()
	}
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	if err := cfg.validateService(); err != nil {
		return usageError{err}
	}
	out, err := configYAML(cfg)
	if err != nil {
		return err
	}
	_, err = m.Stdout.Write(out)
	return err
}

// configYAML renders cfg as commented YAML: each key has its environment
// variable as a line comment, and each section lists its secrets above its
// first key.
func configYAML(cfg *Config) ([]byte, error) {
	var root yaml.Node
	if err := root.Encode(cfg); err != nil {
		return nil, fmt.Errorf("render the configuration: %w", err)
	}
	annotate(&root, "")
	secrets := reflect.ValueOf(*cfg)
	for _, k := range configKeys {
		if !k.secret {
			continue
		}
		section, name, _ := strings.Cut(k.path, ".")
		keyNode := sectionFirstKey(&root, section)
		if keyNode == nil {
			continue
		}
		state := "(not set)"
		if secretSet(secrets, k.path) {
			state = Secret("x").String()
		}
		line := fmt.Sprintf("%s: %s  — secret: from %s or %s_FILE only", name, state, k.env, k.env)
		if keyNode.HeadComment != "" {
			keyNode.HeadComment += "\n"
		}
		keyNode.HeadComment += line
	}
	var b strings.Builder
	b.WriteString("# storybot effective configuration (defaults < config file < environment < flags)\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&root); err != nil {
		return nil, fmt.Errorf("render the configuration: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}

// annotate adds each key's environment variable as its line comment.
func annotate(n *yaml.Node, prefix string) {
	if n.Kind == yaml.DocumentNode {
		for _, c := range n.Content {
			annotate(c, prefix)
		}
		return
	}
	if n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		path := k.Value
		if prefix != "" {
			path = prefix + "." + k.Value
		}
		if v.Kind == yaml.MappingNode {
			annotate(v, path)
			continue
		}
		if env := envFor(path); env != "" {
			if v.Kind == yaml.SequenceNode {
				// A list's comment sits on its value, or yaml.v3 misplaces it.
				v.Style = yaml.FlowStyle
				v.LineComment = env
				continue
			}
			k.LineComment = env
		}
	}
}

// sectionFirstKey returns the first key node of the top-level section.
func sectionFirstKey(root *yaml.Node, section string) *yaml.Node {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == section && len(n.Content[i+1].Content) > 0 {
			return n.Content[i+1].Content[0]
		}
	}
	return nil
}

// secretSet reports whether the Secret at a YAML path (section.name, with
// the Go field found by its snake_case name) is set.
func secretSet(cfg reflect.Value, path string) bool {
	section, name, _ := strings.Cut(path, ".")
	t := cfg.Type()
	for i := range t.NumField() {
		if tag, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); tag != section {
			continue
		}
		sv := cfg.Field(i)
		for j := range sv.NumField() {
			f := sv.Type().Field(j)
			if f.Type == reflect.TypeFor[Secret]() && snake(f.Name) == name {
				return sv.Field(j).String() != ""
			}
		}
	}
	return false
}

// snake converts a Go field name to snake_case: BotToken → bot_token,
// APIKey → api_key.
func snake(s string) string {
	var b strings.Builder
	r := []rune(s)
	for i, c := range r {
		upper := c >= 'A' && c <= 'Z'
		if upper && i > 0 {
			prevLower := r[i-1] >= 'a' && r[i-1] <= 'z'
			nextLower := i+1 < len(r) && r[i+1] >= 'a' && r[i+1] <= 'z'
			if prevLower || nextLower {
				b.WriteByte('_')
			}
		}
		if upper {
			c += 'a' - 'A'
		}
		b.WriteRune(c)
	}
	return b.String()
}
