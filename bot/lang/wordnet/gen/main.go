// Command gen turns an installed WordNet 3.0 database (Debian's
// wordnet-base puts it in /usr/share/wordnet) into the compact table that
// package wordnet embeds, and copies the WordNet licence beside it.
//
// Usage (from bot/lang/wordnet, or through go generate there):
//
//	apt-get install -y wordnet-base
//	go run ./gen -dict /usr/share/wordnet -out wordnet.tbl -license LICENSE.wordnet
//
// The output is deterministic: the same database gives the same bytes.
// Glosses, example sentences, verb frames and topic/region/usage domains
// are left out; lemmas, synsets, sense order and tag counts, the
// exception lists and the lexical and semantic pointers are kept.
//
// Table format (stored as is, not compressed: reading it takes a few tens
// of milliseconds, inflating it would double that; integers are unsigned
// LEB128 varints):
//
//	"WNTB" version(byte 3)
//	nLemmas, then each lemma as a length byte (< 128) and its bytes
//	    (sorted, lower case, words joined by single spaces); the reader
//	    uses them in place, without copying
//	nSynsets, total members, total pointers, then for each synset (ordered by part of speech, then offset):
//	    pos byte (0 noun, 1 verb, 2 adjective, 3 adverb; +4 for a satellite)
//	    nMembers, each: lemma, sense rank of this synset for that lemma
//	        (1-based, the index file's order), tag count (cntlist, at
//	        most 65535)
//	    nPointers, each: kind byte, target synset minus this synset
//	        (zigzag), source member+1 and target member+1 (positions in
//	        the two synsets' member lists; 0 and 0 for a pointer between
//	        whole synsets)
//	then for noun, verb, adjective, adverb: nExceptions, each an inflected
//	    form (length, bytes) and its bases (count, each length, bytes)
package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Pointer kinds as stored in the table. The runtime package keeps the same
// numbering (its table_test.go checks a few of them against the database).
const (
	kAntonym = iota + 1
	kHypernym
	kInstanceHypernym
	kHyponym
	kInstanceHyponym
	kMemberHolonym
	kSubstanceHolonym
	kPartHolonym
	kMemberMeronym
	kSubstanceMeronym
	kPartMeronym
	kAttribute
	kDerivation
	kEntailment
	kCause
	kAlsoSee
	kVerbGroup
	kSimilar
	kParticiple
	kPertainym
)

// pointerKinds maps WordNet pointer symbols to stored kinds. Domain
// pointers (;c -c ;r -r ;u -u) are dropped: a shared topic is not a
// lexical relation and would fold unrelated words.
var pointerKinds = map[string]byte{
	"!": kAntonym, "@": kHypernym, "@i": kInstanceHypernym, "~": kHyponym, "~i": kInstanceHyponym,
	"#m": kMemberHolonym, "#s": kSubstanceHolonym, "#p": kPartHolonym,
	"%m": kMemberMeronym, "%s": kSubstanceMeronym, "%p": kPartMeronym,
	"=": kAttribute, "+": kDerivation, "*": kEntailment, ">": kCause,
	"^": kAlsoSee, "$": kVerbGroup, "&": kSimilar, "<": kParticiple, "\\": kPertainym,
}

var posFiles = []string{"noun", "verb", "adj", "adv"}

func main() {
	dict := flag.String("dict", "/usr/share/wordnet", "WordNet database directory (Debian wordnet-base)")
	out := flag.String("out", "wordnet.tbl", "table to write")
	license := flag.String("license", "LICENSE.wordnet", "where to write the WordNet licence")
	copyright := flag.String("copyright", "/usr/share/doc/wordnet-base/copyright", "Debian copyright file holding the WordNet licence")
	flag.Parse()
	if err := run(*dict, *out, *license, *copyright); err != nil {
		fmt.Fprintln(os.Stderr, "wordnet gen:", err)
		os.Exit(1)
	}
}

func run(dict, out, license, copyright string) error {
	db, err := read(dict)
	if err != nil {
		return err
	}
	raw := db.encode()
	if err := os.WriteFile(out, raw, 0o644); err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	text, err := licenseText(copyright)
	if err != nil {
		return err
	}
	if err := os.WriteFile(license, []byte(text), 0o644); err != nil {
		return fmt.Errorf("write licence: %w", err)
	}
	fmt.Fprintf(os.Stderr, "wordnet gen: %d lemmas, %d synsets, %d pointers, %d exceptions; %d bytes -> %s\n",
		len(db.lemmas), len(db.synsets), db.nPointers(), db.nExceptions(), len(raw), out)
	return nil
}

// licenseText takes the WordNet licence stanza out of Debian's machine
// readable copyright file and undoes its indentation.
func licenseText(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read WordNet licence: %w", err)
	}
	var out []string
	in := false
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(line, "License: WordNet"):
			in = true
			out = append(out, "WordNet 3.0 licence (from Debian's wordnet-base copyright file)", "")
		case in && strings.HasPrefix(line, " "):
			t := strings.TrimPrefix(line, " ")
			if t == "." {
				t = ""
			}
			out = append(out, t)
		case in:
			in = false
		}
	}
	text := strings.Join(out, "\n") + "\n"
	if !strings.Contains(text, "WordNet 3.0 Copyright") || !strings.Contains(text, "Permission to use") {
		return "", errors.New("no WordNet 3.0 licence stanza in " + path)
	}
	return text, nil
}

type pointer struct {
	kind     byte
	target   int // synset index
	src, dst int // lemma index + 1, 0 for whole synsets
}

type member struct {
	lemma int
	rank  int
	count int
}

type synset struct {
	pos       int // 0..3
	satellite bool
	offset    int
	words     []string // normalised lemmas in the data file's order
	members   []member // deduplicated
	ptrs      []rawPointer
	pointers  []pointer
}

type rawPointer struct {
	sym      string
	offset   int
	pos      int
	src, dst int // word numbers, 0 for whole synsets
}

type database struct {
	lemmas     []string
	lemmaID    map[string]int
	synsets    []*synset
	exceptions [4][][2]string // inflected form, space-separated bases
	excBases   [4]map[string][]string
}

func (d *database) nPointers() int {
	n := 0
	for _, s := range d.synsets {
		n += len(s.pointers)
	}
	return n
}

func (d *database) nExceptions() int {
	n := 0
	for _, e := range d.excBases {
		n += len(e)
	}
	return n
}

// norm turns a WordNet word into the table's lemma form: lower case,
// underscores as spaces, adjective markers such as "(a)" removed.
func norm(w string) string {
	if i := strings.IndexByte(w, '('); i > 0 && strings.HasSuffix(w, ")") {
		w = w[:i]
	}
	return strings.ToLower(strings.ReplaceAll(w, "_", " "))
}

func posIndex(c string) (int, error) {
	switch c {
	case "n":
		return 0, nil
	case "v":
		return 1, nil
	case "a", "s":
		return 2, nil
	case "r":
		return 3, nil
	}
	return 0, fmt.Errorf("unknown part of speech %q", c)
}

func read(dict string) (*database, error) {
	d := &database{lemmaID: map[string]int{}}
	type key struct{ pos, offset int }
	byKey := map[key]int{}
	for p, name := range posFiles {
		path := filepath.Join(dict, "data."+name)
		err := eachLine(path, func(line string) error {
			s, err := parseData(line)
			if err != nil {
				return err
			}
			if s.pos != p {
				return fmt.Errorf("synset %08d of part of speech %d in data.%s", s.offset, s.pos, name)
			}
			byKey[key{p, s.offset}] = len(d.synsets)
			d.synsets = append(d.synsets, s)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	// Lemmas: every word of every synset.
	seen := map[string]bool{}
	for _, s := range d.synsets {
		for _, w := range s.words {
			seen[w] = true
		}
	}
	for w := range seen {
		d.lemmas = append(d.lemmas, w)
	}
	sort.Strings(d.lemmas)
	for i, w := range d.lemmas {
		d.lemmaID[w] = i
	}
	// Sense order from the index files, tag counts from cntlist.rev.
	counts, err := readCounts(filepath.Join(dict, "cntlist.rev"))
	if err != nil {
		return nil, err
	}
	type lp struct {
		lemma string
		pos   int
	}
	rank := map[lp]map[int]int{} // (lemma,pos) -> synset index -> rank
	for p, name := range posFiles {
		path := filepath.Join(dict, "index."+name)
		err := eachLine(path, func(line string) error {
			f := strings.Fields(line)
			if len(f) < 6 {
				return fmt.Errorf("short index line %q", line)
			}
			lemma := norm(f[0])
			nsyn, err1 := strconv.Atoi(f[2])
			nptr, err2 := strconv.Atoi(f[3])
			if err1 != nil || err2 != nil || len(f) != 6+nptr+nsyn {
				return fmt.Errorf("bad index line %q", line)
			}
			m := map[int]int{}
			for i, o := range f[6+nptr:] {
				off, err := strconv.Atoi(o)
				if err != nil {
					return fmt.Errorf("bad offset in index line %q", line)
				}
				idx, ok := byKey[key{p, off}]
				if !ok {
					return fmt.Errorf("index line %q names missing synset %s", line, o)
				}
				m[idx] = i + 1
			}
			rank[lp{lemma, p}] = m
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for i, s := range d.synsets {
		done := map[int]bool{}
		for _, w := range s.words {
			id := d.lemmaID[w]
			if done[id] {
				continue
			}
			done[id] = true
			r := rank[lp{w, s.pos}][i]
			if r == 0 {
				return nil, fmt.Errorf("lemma %q of synset %08d missing from index.%s", w, s.offset, posFiles[s.pos])
			}
			s.members = append(s.members, member{lemma: id, rank: r, count: min(counts[countKey{w, s.pos, r}], 65535)})
		}
	}
	// Resolve pointers.
	for _, s := range d.synsets {
		for _, rp := range s.ptrs {
			kind, ok := pointerKinds[rp.sym]
			if !ok {
				continue
			}
			t, ok := byKey[key{rp.pos, rp.offset}]
			if !ok {
				return nil, fmt.Errorf("synset %08d points to missing %08d", s.offset, rp.offset)
			}
			p := pointer{kind: kind, target: t}
			if rp.src != 0 || rp.dst != 0 {
				ts := d.synsets[t]
				if rp.src > len(s.words) || rp.dst > len(ts.words) || rp.src == 0 || rp.dst == 0 {
					return nil, fmt.Errorf("synset %08d: bad word numbers in pointer to %08d", s.offset, rp.offset)
				}
				p.src = d.lemmaID[s.words[rp.src-1]] + 1
				p.dst = d.lemmaID[ts.words[rp.dst-1]] + 1
			}
			if !slices.Contains(s.pointers, p) {
				s.pointers = append(s.pointers, p)
			}
		}
	}
	// Exception lists.
	for p, name := range posFiles {
		d.excBases[p] = map[string][]string{}
		err := eachLine(filepath.Join(dict, name+".exc"), func(line string) error {
			f := strings.Fields(line)
			if len(f) < 2 {
				return fmt.Errorf("bad exception line %q", line)
			}
			infl := norm(f[0])
			for _, b := range f[1:] {
				b = norm(b)
				if !slices.Contains(d.excBases[p][infl], b) {
					d.excBases[p][infl] = append(d.excBases[p][infl], b)
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return d, nil
}

type countKey struct {
	lemma string
	pos   int
	sense int
}

// readCounts reads cntlist.rev: "sense_key sense_number tag_cnt", where
// the sense key is lemma%ss_type:lex_filenum:lex_id:head_word:head_id.
func readCounts(path string) (map[countKey]int, error) {
	m := map[countKey]int{}
	err := eachLine(path, func(line string) error {
		f := strings.Fields(line)
		if len(f) != 3 {
			return fmt.Errorf("bad cntlist line %q", line)
		}
		pct := strings.IndexByte(f[0], '%')
		if pct < 0 || pct+1 >= len(f[0]) {
			return fmt.Errorf("bad sense key %q", f[0])
		}
		var pos int
		switch f[0][pct+1] {
		case '1':
			pos = 0
		case '2':
			pos = 1
		case '3', '5':
			pos = 2
		case '4':
			pos = 3
		default:
			return fmt.Errorf("bad sense key %q", f[0])
		}
		sense, err1 := strconv.Atoi(f[1])
		cnt, err2 := strconv.Atoi(f[2])
		if err1 != nil || err2 != nil {
			return fmt.Errorf("bad cntlist line %q", line)
		}
		m[countKey{norm(f[0][:pct]), pos, sense}] += cnt
		return nil
	})
	return m, err
}

// parseData parses one line of a data.* file.
func parseData(line string) (*synset, error) {
	if i := strings.Index(line, " | "); i >= 0 {
		line = line[:i]
	}
	f := strings.Fields(line)
	bad := func() (*synset, error) { return nil, fmt.Errorf("bad data line %.60q", line) }
	if len(f) < 4 {
		return bad()
	}
	off, err := strconv.Atoi(f[0])
	if err != nil {
		return bad()
	}
	pos, err := posIndex(f[2])
	if err != nil {
		return bad()
	}
	s := &synset{pos: pos, satellite: f[2] == "s", offset: off}
	nw, err := strconv.ParseInt(f[3], 16, 32)
	if err != nil || len(f) < 4+2*int(nw)+1 {
		return bad()
	}
	i := 4
	for range nw {
		s.words = append(s.words, norm(f[i]))
		i += 2
	}
	np, err := strconv.Atoi(f[i])
	if err != nil || len(f) < i+1+4*np {
		return bad()
	}
	i++
	for range np {
		tpos, err := posIndex(f[i+2])
		if err != nil {
			return bad()
		}
		toff, err1 := strconv.Atoi(f[i+1])
		st, err2 := strconv.ParseUint(f[i+3], 16, 16)
		if err1 != nil || err2 != nil || len(f[i+3]) != 4 {
			return bad()
		}
		s.ptrs = append(s.ptrs, rawPointer{sym: f[i], offset: toff, pos: tpos, src: int(st >> 8), dst: int(st & 0xff)})
		i += 4
	}
	return s, nil
}

// eachLine calls fn for every line that is not part of the licence header
// (header lines start with a space).
func eachLine(path string, fn func(string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open WordNet file: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == ' ' {
			continue
		}
		if err := fn(line); err != nil {
			return fmt.Errorf("%s: %w", filepath.Base(path), err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	return nil
}

// memberIndex turns a stored lemma+1 into the member's position+1 in
// synset s (0 stays 0, a pointer between whole synsets).
func memberIndex(s *synset, lemma int) int {
	if lemma == 0 {
		return 0
	}
	for i, m := range s.members {
		if m.lemma == lemma-1 {
			return i + 1
		}
	}
	panic(fmt.Sprintf("lemma %d not in synset %08d", lemma-1, s.offset))
}

func (d *database) encode() []byte {
	var b []byte
	u := func(v int) { b = binary.AppendUvarint(b, uint64(v)) }
	str := func(s string) { u(len(s)); b = append(b, s...) }
	b = append(b, "WNTB\x03"...)
	u(len(d.lemmas))
	for _, w := range d.lemmas {
		if len(w) >= 128 {
			panic("lemma longer than 127 bytes: " + w)
		}
		str(w) // one length byte: the reader slices lemmas out in place
	}
	u(len(d.synsets))
	nm := 0
	for _, s := range d.synsets {
		nm += len(s.members)
	}
	u(nm)
	u(d.nPointers())
	for i, s := range d.synsets {
		p := s.pos
		if s.satellite {
			p += 4
		}
		b = append(b, byte(p))
		u(len(s.members))
		for _, m := range s.members {
			u(m.lemma)
			u(m.rank)
			u(m.count)
		}
		u(len(s.pointers))
		for _, pt := range s.pointers {
			b = append(b, pt.kind)
			delta := pt.target - i // zigzag: targets are often near
			b = binary.AppendUvarint(b, uint64(delta<<1)^uint64(delta>>63))
			u(memberIndex(s, pt.src))
			u(memberIndex(d.synsets[pt.target], pt.dst))
		}
	}
	for p := range posFiles {
		keys := make([]string, 0, len(d.excBases[p]))
		for k := range d.excBases[p] {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		u(len(keys))
		for _, k := range keys {
			str(k)
			u(len(d.excBases[p][k]))
			for _, base := range d.excBases[p][k] {
				str(base)
			}
		}
	}
	return b
}
