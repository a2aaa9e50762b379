package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseData(t *testing.T) {
	tests := []struct {
		line    string
		words   []string
		ptrs    []rawPointer
		sat     bool
		wantErr bool
	}{
		{
			line:  "02084071 05 n 03 dog 0 domestic_dog 0 Canis_familiaris 0 002 @ 02083346 n 0000 + 01234567 v 0203 | a member of the genus Canis",
			words: []string{"dog", "domestic dog", "canis familiaris"},
			ptrs:  []rawPointer{{sym: "@", offset: 2083346, pos: 0}, {sym: "+", offset: 1234567, pos: 1, src: 2, dst: 3}},
		},
		{
			line:  "00001740 00 s 02 galore(ip) 0 abundant(a) 0 001 & 00001000 a 0000 | plenty",
			words: []string{"galore", "abundant"},
			ptrs:  []rawPointer{{sym: "&", offset: 1000, pos: 2}},
			sat:   true,
		},
		{line: "00001740 00 x 01 a 0 000 | bad pos", wantErr: true},
		{line: "00001740 00 n 05 a 0 000 | too few words", wantErr: true},
		{line: "00001740 00 n 01 a 0 002 @ 00000001 n 0000 | too few pointers", wantErr: true},
		{line: "00001740 00 n 01 a 0 001 @ 00000001 n 00 | short source/target", wantErr: true},
		{line: "", wantErr: true},
	}
	for _, tc := range tests {
		s, err := parseData(tc.line)
		if tc.wantErr {
			if err == nil {
				t.Errorf("parseData(%q) accepted it", tc.line)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseData(%q): %v", tc.line, err)
			continue
		}
		if strings.Join(s.words, "|") != strings.Join(tc.words, "|") || s.satellite != tc.sat || len(s.ptrs) != len(tc.ptrs) {
			t.Errorf("parseData(%q) = %+v", tc.line, s)
			continue
		}
		for i, p := range tc.ptrs {
			if s.ptrs[i] != p {
				t.Errorf("pointer %d = %+v, want %+v", i, s.ptrs[i], p)
			}
		}
	}
}

// FuzzParseData: any line either parses or gives an error, never a panic.
func FuzzParseData(f *testing.F) {
	f.Add("02084071 05 n 03 dog 0 domestic_dog 0 Canis_familiaris 0 001 @ 02083346 n 0000 | gloss")
	f.Add("1 2 s ff")
	f.Add("1 2 v 01 a 0 999")
	f.Fuzz(func(t *testing.T, line string) {
		s, err := parseData(line)
		if err == nil && s == nil {
			t.Fatal("nil synset without an error")
		}
	})
}

func TestReadCountsAndLicence(t *testing.T) {
	dir := t.TempDir()
	cnt := filepath.Join(dir, "cntlist.rev")
	os.WriteFile(cnt, []byte("testify%2:32:01:: 1 13\ntestify%2:32:02:: 2 1\nwet%5:00:00:damp:00 3 2\n"), 0o644)
	m, err := readCounts(cnt)
	if err != nil {
		t.Fatal(err)
	}
	if m[countKey{"testify", 1, 1}] != 13 || m[countKey{"testify", 1, 2}] != 1 || m[countKey{"wet", 2, 3}] != 2 {
		t.Errorf("readCounts = %v", m)
	}
	os.WriteFile(cnt, []byte("testify%9:32:01:: 1 13\n"), 0o644)
	if _, err := readCounts(cnt); err == nil {
		t.Error("readCounts accepted ss_type 9")
	}

	cp := filepath.Join(dir, "copyright")
	os.WriteFile(cp, []byte("Files: *\nLicense: WordNet3.0\n This software\n .\n Permission to use\n\nFiles: debian/*\nLicense: GPL-2+\n other\n"), 0o644)
	text, err := licenseText(cp)
	if err == nil {
		t.Errorf("licenseText accepted a stanza of %d lines: %q", strings.Count(text, "\n"), text)
	}
	os.WriteFile(cp, []byte("License: WordNet3.0\n Permission to use\n .\n WordNet 3.0 Copyright 2006\n c\nLicense: GPL-2+\n other\n"), 0o644)
	text, err = licenseText(cp)
	if err != nil || !strings.Contains(text, "Permission to use\n\nWordNet 3.0 Copyright 2006\nc\n") || strings.Contains(text, "other") {
		t.Errorf("licenseText = %q, %v", text, err)
	}
}

// TestRegenerate rebuilds the table from an installed wordnet-base and
// checks that it is byte for byte the committed one (the generator is
// deterministic). Machines without the package have nothing to compare.
func TestRegenerate(t *testing.T) {
	const dict = "/usr/share/wordnet"
	if _, err := os.Stat(filepath.Join(dict, "data.noun")); err != nil {
		t.Logf("wordnet-base not installed (%v); nothing to compare", err)
		return
	}
	if testing.Short() {
		t.Log("-short: not regenerating")
		return
	}
	dir := t.TempDir()
	out, lic := filepath.Join(dir, "wordnet.tbl"), filepath.Join(dir, "LICENSE")
	if err := run(dict, out, lic, "/usr/share/doc/wordnet-base/copyright"); err != nil {
		t.Fatal(err)
	}
	for _, p := range [][2]string{{out, "../wordnet.tbl"}, {lic, "../LICENSE.wordnet"}} {
		got, _ := os.ReadFile(p[0])
		want, err := os.ReadFile(p[1])
		if err != nil || string(got) != string(want) {
			t.Errorf("regenerated %s differs from the committed file (%d vs %d bytes, %v)", filepath.Base(p[1]), len(got), len(want), err)
		}
	}
}
