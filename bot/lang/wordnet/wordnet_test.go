package wordnet

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// testDB loads the embedded table once for the package's tests.
var testDB = sync.OnceValues(Load)

func db(t testing.TB) *DB {
	t.Helper()
	d, err := testDB()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return d
}

// TestTableFacts checks the embedded table against facts of the WordNet
// 3.0 database that the generator read.
func TestTableFacts(t *testing.T) {
	d := db(t)
	pointers := 0
	for i := range len(d.syn) - 1 {
		pointers += len(d.pointers(int32(i)))
	}
	excs := 0
	for _, e := range d.exc {
		excs += len(e)
	}
	// The counts gen printed for Debian's wordnet-base 1:3.0-37.
	if d.nLemmas() != 147306 || len(d.syn)-1 != 117659 || pointers != 358799 || excs != 5947 {
		t.Errorf("table has %d lemmas, %d synsets, %d pointers, %d exceptions; want 147306, 117659, 358799, 5947",
			d.nLemmas(), len(d.syn)-1, pointers, excs)
	}
	// WordNet 3.0 has 82115 noun, 13767 verb, 18156 adjective and 3621
	// adverb synsets.
	var perPOS [numPOS]int
	for _, s := range d.syn[:len(d.syn)-1] {
		perPOS[s.pos]++
	}
	if perPOS != [numPOS]int{82115, 13767, 18156, 3621} {
		t.Errorf("synsets per part of speech = %v", perPOS)
	}
	// 02084071 n: dog, domestic_dog, Canis_familiaris.
	dog := d.Senses("dog", Noun)
	if len(dog) != 7 || !slices.Equal(sorted(dog[0].Synonyms), []string{"canis familiaris", "dog", "domestic dog"}) {
		t.Errorf("dog: %d senses, first %v", len(dog), dog)
	}
	// testify%2:32:01:: 1 13 in cntlist.rev.
	if s := d.Senses("testify", Verb); len(s) != 2 || s[0].Count != 13 || s[1].Count != 1 {
		t.Errorf("testify senses = %+v, want counts 13 and 1", s)
	}
	// verb.exc: "lost lose"; noun.exc: "geese goose".
	if !slices.Equal(d.exc[Verb]["lost"], []string{"lose"}) || !slices.Equal(d.exc[Noun]["geese"], []string{"goose"}) {
		t.Errorf("exceptions: lost → %v, geese → %v", d.exc[Verb]["lost"], d.exc[Noun]["geese"])
	}
	// Adjective markers are dropped: "galore(ip)" is "galore".
	if !d.Has("galore", Adjective) {
		t.Error(`"galore" (stored as galore(ip)) is not an adjective`)
	}
	// A satellite adjective: "damp" is similar to "wet".
	if s := d.Senses("damp", Adjective); len(s) == 0 || !s[0].Satellite {
		t.Errorf("damp = %+v, want a satellite first sense", s)
	}
	checkInstalledIndex(t, d)
}

// checkInstalledIndex compares the sense counts of every lemma of an
// installed database (wordnet-base) with the table. Machines without the
// package still run the rest of TestTableFacts.
func checkInstalledIndex(t *testing.T, d *DB) {
	const dir = "/usr/share/wordnet"
	files := map[POS]string{Noun: "index.noun", Verb: "index.verb", Adjective: "index.adj", Adverb: "index.adv"}
	for pos, name := range files {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Logf("no installed WordNet to compare with (%v)", err)
			return
		}
		sc := bufio.NewScanner(f)
		n := 0
		for sc.Scan() {
			line := sc.Text()
			if line == "" || line[0] == ' ' {
				continue
			}
			fs := strings.Fields(line)
			lemma := strings.ReplaceAll(fs[0], "_", " ")
			id := d.id(lemma)
			if id < 0 || fs[2] != itoa(len(d.sensesOf(id, pos))) {
				t.Errorf("%s %s: table has %d senses, index %s", name, lemma, len(d.sensesOf(max(id, 0), pos)), fs[2])
				break
			}
			n++
		}
		f.Close()
		t.Logf("%s: %d lemmas match", name, n)
	}
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func TestLazyLoadsOnce(t *testing.T) {
	var l Lazy
	var wg sync.WaitGroup
	got := make([]*DB, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := l.DB()
			if err != nil {
				t.Error(err)
			}
			got[i] = d
		}()
	}
	wg.Wait()
	for _, d := range got {
		if d == nil || d != got[0] {
			t.Fatal("Lazy.DB returned different databases")
		}
	}
}

func TestCorruptTablesFail(t *testing.T) {
	raw := table
	for _, n := range []int{0, 4, 5, 6, 100, len(raw) / 2, len(raw) - 1} {
		if _, err := decode(raw[:n]); err == nil {
			t.Errorf("decode accepted a table cut at %d of %d bytes", n, len(raw))
		}
	}
	if _, err := decode(raw + "\x00"); err == nil {
		t.Error("decode accepted trailing bytes")
	}
	if _, err := decode(raw[:4] + "\x02" + raw[5:]); err == nil {
		t.Error("decode accepted another version")
	}
}

// FuzzDecode feeds damaged tables to the decoder: it must return an error
// or a table, never panic or allocate without bound.
func FuzzDecode(f *testing.F) {
	raw := table
	f.Add([]byte(raw[:64]))
	f.Add([]byte(raw[:4096]))
	f.Add([]byte("WNTB\x03\x02\x01a\x01b\x00\x00\x00\x00\x00\x00\x00"))
	f.Add([]byte("WNTB\x03\xff\xff\xff\xff\x0f"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 1<<16 {
			return
		}
		d, err := decode(string(b))
		if err == nil && d == nil {
			t.Fatal("nil table without an error")
		}
	})
}

func TestHas(t *testing.T) {
	d := db(t)
	tests := []struct {
		word string
		pos  POS
		want bool
	}{
		{"dog", Noun, true},
		{"Dog", Noun, true},
		{"dogs", Noun, false}, // Has does not inflect
		{"unit of measurement", Noun, true},
		{"unit_of_measurement", Noun, true},
		{"run", Verb, true},
		{"quickly", Adverb, true},
		{"quickly", Noun, false},
		{"", Noun, false},
		{"dog", POS(9), false},
	}
	for _, tc := range tests {
		if got := d.Has(tc.word, tc.pos); got != tc.want {
			t.Errorf("Has(%q, %v) = %v, want %v", tc.word, tc.pos, got, tc.want)
		}
	}
}

func TestBase(t *testing.T) {
	d := db(t)
	tests := []struct {
		word string
		pos  POS
		want []string
	}{
		{"testified", Verb, []string{"testify"}},
		{"children", Noun, []string{"child"}},
		{"geese", Noun, []string{"goose"}},
		{"lost", Verb, []string{"lose"}},
		{"storeys", Noun, []string{"storey"}},
		{"stories", Noun, []string{"story"}},
		{"kids", Noun, []string{"kid"}},
		{"died", Verb, []string{"die"}},
		{"dying", Verb, []string{"die"}},
		{"running", Verb, []string{"run"}},
		{"boxes", Noun, []string{"box"}},
		{"churches", Noun, []string{"church"}},
		{"wolves", Noun, []string{"wolf"}},
		{"women", Noun, []string{"woman"}},
		{"bigger", Adjective, []string{"bigger", "big"}}, // "bigger" is a lemma too
		{"largest", Adjective, []string{"large"}},
		{"better", Adjective, []string{"better", "good", "well"}},
		{"saw", Verb, []string{"saw", "see"}},
		{"axes", Noun, []string{"ax", "axis"}},
		{"attorneys general", Noun, []string{"attorney general"}},
		{"looked up", Verb, []string{"look up"}},
		{"e mail", Noun, []string{"e-mail"}},
		{"well known", Adjective, []string{"well-known"}},
		{"Attorneys  General", Noun, []string{"attorney general"}},
		{"Quakes", Noun, []string{"quake"}},
		{"dog", Noun, []string{"dog"}},
		{"dog", Adverb, nil},
		{"glass", Noun, []string{"glass"}}, // no "glas"
		{"xyzzyq", Noun, nil},
		{"", Verb, nil},
	}
	for _, tc := range tests {
		got := d.Base(tc.word, tc.pos)
		if !slices.Equal(sorted(got), sorted(tc.want)) {
			t.Errorf("Base(%q, %v) = %q, want %q", tc.word, tc.pos, got, tc.want)
		}
	}
}

func TestLemmas(t *testing.T) {
	d := db(t)
	got := d.Lemmas("lost")
	want := []Lemma{{"lost", Noun}, {"lose", Verb}, {"lost", Adjective}}
	if !slices.Equal(got, want) {
		t.Errorf("Lemmas(lost) = %v, want %v", got, want)
	}
	if got := d.Lemmas("qwzx"); got != nil {
		t.Errorf("Lemmas(qwzx) = %v, want nil", got)
	}
}
