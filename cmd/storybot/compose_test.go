package main

import (
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestComposeReplicas: docker-compose.yml's replicas profile runs
// PostgreSQL and two replicas on one store and one corpus folder, each with
// its own data volume and port; the default service keeps the embedded
// store.
func TestComposeReplicas(t *testing.T) {
	b, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Services map[string]struct {
			Profiles    []string          `yaml:"profiles"`
			Environment map[string]string `yaml:"environment"`
			Volumes     []string          `yaml:"volumes"`
			Ports       []string          `yaml:"ports"`
			DependsOn   any               `yaml:"depends_on"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Services["postgres"]; !ok {
		t.Fatal("no postgres service")
	}
	if c.Services["storybot"].Environment["STORYBOT_STORE"] != "" || len(c.Services["storybot"].Profiles) > 0 {
		t.Error("the default storybot service no longer uses the embedded store by default")
	}
	a, bb := c.Services["storybot-a"], c.Services["storybot-b"]
	for name, s := range map[string]struct {
		store string
		vols  []string
	}{"storybot-a": {a.Environment["STORYBOT_STORE"], a.Volumes}, "storybot-b": {bb.Environment["STORYBOT_STORE"], bb.Volumes}} {
		if !strings.HasPrefix(s.store, "postgres://") || !strings.Contains(s.store, "@postgres:5432/") || !strings.Contains(s.store, "search_path=") {
			t.Errorf("%s: STORYBOT_STORE %q does not name the postgres service with a schema", name, s.store)
		}
		if !strings.Contains(strings.Join(s.vols, " "), "./articles:/corpus") {
			t.Errorf("%s does not read the shared corpus folder: %v", name, s.vols)
		}
	}
	if a.Environment["STORYBOT_STORE"] != bb.Environment["STORYBOT_STORE"] {
		t.Error("the replicas use different stores")
	}
	if strings.Join(a.Volumes, " ") == strings.Join(bb.Volumes, " ") || strings.Join(a.Ports, " ") == strings.Join(bb.Ports, " ") {
		t.Errorf("the replicas share a data volume or a port: %v %v / %v %v", a.Volumes, a.Ports, bb.Volumes, bb.Ports)
	}
}
