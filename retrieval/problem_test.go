package retrieval

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// lockedFS is a corpus whose folder locked cannot be read, as a folder
// without read permission behaves for a user other than root.
type lockedFS struct {
	fs.FS
	locked string
}

func (l lockedFS) Open(name string) (fs.File, error) {
	if name == l.locked || strings.HasPrefix(name, l.locked+"/") {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return l.FS.Open(name)
}

func (l lockedFS) ReadLink(name string) (string, error)   { return fs.ReadLink(l.FS, name) }
func (l lockedFS) Lstat(name string) (fs.FileInfo, error) { return fs.Lstat(l.FS, name) }

// TestCorpusProblems is issue 14's corpus: a duplicate pair, a 70 MB file,
// an unreadable folder and symbolic links leading outside. Every other
// article loads and is answerable, and each problem is named once in the
// log, with its reason, however often the corpus is synced.
func TestCorpusProblems(t *testing.T) {
	outside := t.TempDir()
	writeCorpus(t, outside, map[string]string{
		"secret.txt":     "Credentials\n\nThe api key is hunter2 and must stay private.",
		"dir/secret.txt": "More credentials\n\nThe vault passphrase is swordfish.",
	})
	f := newFixture(t, map[string]string{
		"good.txt":                 "Bridge inspection\n\nEngineers inspected the bridge cables on Friday.",
		"feed.jsonl":               `{"id": "ok-line", "text": "The mayor opened the new library wing."}` + "\n",
		"dup/one.txt":              "Copy one\n\nThe reservoir level fell sharply.",
		"dup2/one.md":              "Copy two\n\nThe reservoir level rose sharply.",
		"locked/hidden-away.txt":   "Locked\n\nThis folder cannot be read.",
		".store/linked-target.txt": "Linked inside\n\nThe orchestra cancelled its winter tour.",
	})
	big := filepath.Join(f.corpus, "huge.txt")
	if err := os.WriteFile(big, []byte("Huge\n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, 70<<20); err != nil { // sparse: 70 MB without writing them
		t.Fatal(err)
	}
	links := map[string]string{
		"leak-abs.txt": filepath.Join(outside, "secret.txt"),
		"leak-rel.txt": "../" + filepath.Base(outside) + "/secret.txt",
		"leak-dir":     filepath.Join(outside, "dir"),
		"linked.txt":   ".store/linked-target.txt",
	}
	if filepath.Dir(outside) != filepath.Dir(f.corpus) {
		t.Fatalf("temporary folders %s and %s are not siblings", outside, f.corpus)
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(f.corpus, name)); err != nil {
			t.Fatal(err)
		}
	}
	locked := filepath.Join(f.corpus, "locked")
	if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(locked, 0o755) })
	// Root reads a folder without permission anyway: the file system below
	// refuses it as it would for any other user.
	x := f.open(t, func(o *Options) { o.Corpus = lockedFS{FS: os.DirFS(f.corpus), locked: "locked"} })
	if _, err := x.Sync(context.Background()); err != nil { // a second sync names nothing again
		t.Fatal(err)
	}

	for q, want := range map[string][]string{
		"bridge cables":      {"good"},
		"new library wing":   {"ok-line"},
		"orchestra winter":   {"linked"},
		"api key hunter2":    nil,
		"vault passphrase":   nil,
		"reservoir level":    nil,
		"folder cannot read": nil,
	} {
		if got := search(t, x, q); !slices.Equal(got, want) {
			t.Errorf("search %q = %q, want %q", q, got, want)
		}
	}
	rep := x.LastReport()
	problems := map[string]string{
		"dup/one.txt":  "duplicate article ID",
		"huge.txt":     "larger than 64 MB",
		"locked":       "cannot read this folder",
		"leak-abs.txt": "outside the corpus folder; not followed",
		"leak-rel.txt": "outside the corpus folder; not followed",
		"leak-dir":     "outside the corpus folder; not followed",
	}
	if len(rep.Problems) != len(problems) {
		t.Errorf("report problems = %q, want %d", rep.Problems, len(problems))
	}
	var warns []string
	for _, line := range strings.Split(f.logs.String(), "\n") {
		if strings.Contains(line, "level=WARN") {
			warns = append(warns, line)
		}
	}
	for file, reason := range problems {
		n := 0
		for _, w := range warns {
			if strings.Contains(w, "file="+file+" ") {
				n++
				if !strings.Contains(w, reason) {
					t.Errorf("%s logged without its reason %q: %s", file, reason, w)
				}
			}
		}
		if n != 1 {
			t.Errorf("%s named %d times in the log, want once:\n%s", file, n, strings.Join(warns, "\n"))
		}
	}
	if !strings.Contains(f.logs.String(), "dup2/one.md") {
		t.Errorf("the log does not name the duplicate's second source")
	}
	if len(warns) != len(problems) {
		t.Errorf("%d warnings logged, want %d:\n%s", len(warns), len(problems), strings.Join(warns, "\n"))
	}
}

func TestResolveLink(t *testing.T) {
	root := t.TempDir()
	writeCorpus(t, root, map[string]string{"a/real.txt": "x", "b/c.txt": "y"})
	for name, target := range map[string]string{
		"a/up.txt":   "../b/c.txt",
		"a/loop.txt": "loop.txt",
		"a/dang.txt": "nothing.txt",
		"a/dirln":    "../b",
		"a/via.txt":  "dirln/c.txt",
		"a/esc.txt":  "dirln/../../../etc/passwd",
		"a/abs.txt":  filepath.Join(root, "b", "c.txt"),
	} {
		if err := os.Symlink(target, filepath.Join(root, filepath.FromSlash(name))); err != nil {
			t.Fatal(err)
		}
	}
	fsys := os.DirFS(root)
	for _, tc := range []struct{ path, want, why string }{
		{"a/real.txt", "a/real.txt", ""},
		{"a/up.txt", "b/c.txt", ""},
		{"a/via.txt", "b/c.txt", ""},
		{"a/abs.txt", "b/c.txt", ""},
		{"a/loop.txt", "", "loop"},
		{"a/dang.txt", "", "does not exist"},
		{"a/esc.txt", "", "outside the corpus"},
	} {
		got, why := resolveLink(fsys, root, tc.path)
		if got != tc.want || (tc.why == "") != (why == "") || !strings.Contains(why, tc.why) {
			t.Errorf("resolveLink(%s) = %q, %q; want %q, %q", tc.path, got, why, tc.want, tc.why)
		}
	}
	if _, why := resolveLink(os.DirFS(root), "", "a/abs.txt"); why == "" {
		t.Errorf("an absolute link is followed with no known root")
	}
}
