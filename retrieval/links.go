package retrieval

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
)

// maxLinkHops bounds how many symbolic links one path may pass through
// (like the kernel's ELOOP limit).
const maxLinkHops = 40

// resolveLink follows the symbolic links of the corpus path p, one path
// component at a time, and returns the path within fsys that p names. When a
// link leads outside the corpus (a relative target climbing above it, or an
// absolute one not under root), loops, dangles or cannot be read, it returns
// why the link is not followed instead. root is the corpus's directory on
// disk; absolute targets below it are allowed.
func resolveLink(fsys fs.FS, root, p string) (target, why string) {
	lfs, ok := fsys.(fs.ReadLinkFS)
	if !ok {
		return "", "symbolic link that cannot be checked on this file system; not followed"
	}
	todo := strings.Split(p, "/")
	var done []string
	hops := 0
	for len(todo) > 0 {
		c := todo[0]
		todo = todo[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			if len(done) == 0 {
				return "", "symbolic link to a file outside the corpus folder; not followed"
			}
			done = done[:len(done)-1]
			continue
		}
		cur := path.Join(path.Join(done...), c)
		info, err := lfs.Lstat(cur)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return "", "symbolic link to nothing (its target does not exist); skipped"
			}
			return "", fmt.Sprintf("cannot read this symbolic link (%s); skipped", plainErr(err))
		}
		if info.Mode()&fs.ModeSymlink == 0 {
			done = append(done, c)
			continue
		}
		if hops++; hops > maxLinkHops {
			return "", "symbolic links in a loop; skipped"
		}
		dest, err := lfs.ReadLink(cur)
		if err != nil {
			return "", fmt.Sprintf("cannot read this symbolic link (%s); skipped", plainErr(err))
		}
		if filepath.IsAbs(dest) || path.IsAbs(dest) {
			rel, ok := inside(root, dest)
			if !ok {
				return "", fmt.Sprintf("symbolic link to %s, outside the corpus folder; not followed", dest)
			}
			done, dest = nil, rel
		}
		todo = append(strings.Split(filepath.ToSlash(dest), "/"), todo...)
	}
	if len(done) == 0 {
		return ".", ""
	}
	return path.Join(done...), ""
}

// inside returns abs relative to root, slash-separated, when abs lies under
// the directory root.
func inside(root, abs string) (string, bool) {
	if root == "" || !filepath.IsAbs(root) {
		return "", false
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// plainErr is err without the operation and path a *fs.PathError adds (the
// path is named beside it already).
func plainErr(err error) string {
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		return pe.Err.Error()
	}
	return err.Error()
}
