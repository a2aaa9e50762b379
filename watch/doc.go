// Package watch keeps an index in step with a folder: it watches the folder
// and its subfolders with fsnotify and, once changes have settled for a short
// debounce, calls a Sync function that reloads what changed. A periodic poll
// is the safety net for filesystems that do not report changes (network
// shares, some container bind mounts).
package watch
