// Package sample embeds the built-in sample corpus: five reports of one
// developing news story, used when no corpus directory is given.
package sample

import (
	"embed"
	"io/fs"
)

//go:embed seed-story/*.txt
var files embed.FS

// FS returns the sample corpus, its article files at the root.
func FS() fs.FS {
	sub, err := fs.Sub(files, "seed-story")
	if err != nil {
		// fs.Sub fails only for an invalid path, and this one is constant.
		panic(err)
	}
	return sub
}
