package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestEnvironmentReadOnlyInCmd: outside cmd/, no package (test files and
// test-support packages that import testing aside) reads the environment or a YAML configuration (retrieval reads
// articles' YAML front matter, which is data); adapters and model clients
// take plain structs filled here.
func TestEnvironmentReadOnlyInCmd(t *testing.T) {
	root := "../.."
	fset := token.NewFileSet()
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			if rel != "." && (rel == "cmd" || strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			if imp.Path.Value == `"testing"` {
				return nil // test support (stand-ins, test databases), not the program
			}
		}
		checked++
		for _, imp := range f.Imports {
			// retrieval parses articles' YAML front matter: data, not settings.
			if p, _ := strconv.Unquote(imp.Path.Value); strings.HasPrefix(p, "gopkg.in/yaml") && !strings.HasPrefix(rel, "retrieval"+string(filepath.Separator)) {
				t.Errorf("%s imports %s: YAML is read in cmd/storybot only", rel, p)
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == "os" {
				switch sel.Sel.Name {
				case "Getenv", "LookupEnv", "Environ", "ExpandEnv":
					t.Errorf("%s: os.%s: the environment is read in cmd/storybot only", fset.Position(sel.Pos()), sel.Sel.Name)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 50 {
		t.Fatalf("only %d files checked", checked)
	}
}
