package sample

import (
	"io/fs"
	"strings"
	"testing"
)

func TestFS(t *testing.T) {
	names, err := fs.Glob(FS(), "*.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 5 {
		t.Fatalf("sample has %d articles: %q", len(names), names)
	}
	data, err := fs.ReadFile(FS(), names[0])
	if err != nil || len(strings.TrimSpace(string(data))) == 0 {
		t.Errorf("read %s: %d bytes, %v", names[0], len(data), err)
	}
}
