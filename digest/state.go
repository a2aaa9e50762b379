package digest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/storybot/storybot/bot"
)

// Delivery statuses of one period on one channel.
const (
	// StatusPosting is written before the post: found after a restart, the
	// post is in doubt.
	StatusPosting = "posting"
	// StatusPosted is written after the platform accepted the post.
	StatusPosted = "posted"
	// StatusFailed records a post that returned an error; it is retried.
	StatusFailed = "failed"
	// StatusSkipped records an empty period not posted (PostEmpty off).
	StatusSkipped = "skipped"
	// StatusAbandoned records a channel given up on after too many attempts.
	StatusAbandoned = "abandoned"
)

// keepPeriods bounds the periods kept in the state file.
const keepPeriods = 200

// State is the persisted record of what was posted where.
type State struct {
	Version int `json:"version"`
	// Periods are keyed by period ID.
	Periods map[string]*Period `json:"periods"`
}

// Period is one digest period: its window, the digest built for it and its
// delivery per channel.
type Period struct {
	Since time.Time `json:"since"`
	Until time.Time `json:"until"`
	// Digest is the digest built for the period, kept until every channel
	// is done so that a post resumed after a crash continues the same
	// digest (a model may word a rebuilt one differently).
	Digest *bot.Digest `json:"digest,omitempty"`
	// Channels are keyed by publisher Name.
	Channels map[string]*Delivery `json:"channels"`
}

// Delivery is the state of one period on one channel.
type Delivery struct {
	// Key is the idempotency key: period ID and channel name.
	Key      string    `json:"key"`
	Status   string    `json:"status"`
	Attempts int       `json:"attempts"`
	At       time.Time `json:"at"`
	Error    string    `json:"error,omitempty"`
	// Parts records each message of a digest posted part by part (a
	// PartPublisher), in order.
	Parts []Part `json:"parts,omitempty"`
}

// Part is the record of one message of a digest on one channel.
type Part struct {
	// Key is the part's stable key (PartKey): channel, period and part.
	Key string `json:"key"`
	// Status is StatusPosting before the post, StatusPosted once the
	// platform accepted it (or it was found there), StatusFailed when the
	// post returned an error (it may still have arrived).
	Status string `json:"status"`
	// Ref is the platform's reference of the posted message (a Slack ts, a
	// Discord message ID).
	Ref string    `json:"ref,omitempty"`
	At  time.Time `json:"at"`
}

// done reports whether nothing more will be posted on this delivery.
func (d *Delivery) done() bool {
	if d == nil {
		return false
	}
	switch d.Status {
	case StatusPosted, StatusSkipped, StatusAbandoned:
		return true
	}
	return false
}

// latestUntil returns the end of the latest recorded period before t.
func (s *State) latestUntil(before time.Time) (time.Time, bool) {
	var best time.Time
	for _, p := range s.Periods {
		if p.Until.Before(before) && p.Until.After(best) {
			best = p.Until
		}
	}
	return best, !best.IsZero()
}

// prune drops the oldest periods beyond keepPeriods.
func (s *State) prune() {
	if len(s.Periods) <= keepPeriods {
		return
	}
	ids := make([]string, 0, len(s.Periods))
	for id := range s.Periods {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return s.Periods[ids[i]].Until.Before(s.Periods[ids[j]].Until) })
	for _, id := range ids[:len(ids)-keepPeriods] {
		delete(s.Periods, id)
	}
}

// ReadState reads the state file at path; a missing file is an empty state.
func ReadState(path string) (*State, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &State{Version: 1, Periods: map[string]*Period{}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the digest state %s: %w", path, err)
	}
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("digest state %s is damaged (move it away to start afresh; digests may then be posted again): %w", path, err)
	}
	if s.Periods == nil {
		s.Periods = map[string]*Period{}
	}
	for id, p := range s.Periods {
		if p == nil {
			delete(s.Periods, id)
			continue
		}
		if p.Channels == nil {
			p.Channels = map[string]*Delivery{}
		}
	}
	return &s, nil
}

func (f *FileStore) load() (*State, error) { return ReadState(f.path) }

func (f *FileStore) save(s *State) error {
	s.Version = 1
	s.prune()
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encode the digest state: %w", err)
	}
	write := f.write
	if write == nil {
		write = writeAtomic
	}
	if err := write(f.path, append(b, '\n')); err != nil {
		return fmt.Errorf("save the digest state %s: %w", f.path, err)
	}
	return nil
}

// writeAtomic replaces path with data: a temporary file in the same folder,
// synced, then renamed over path, then the folder synced.
func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	name := tmp.Name()
	defer os.Remove(name) // no-op after the rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(name, path); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}
