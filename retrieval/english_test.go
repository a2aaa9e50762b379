package retrieval

import (
	"bufio"
	"encoding/json"
	"flag"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var englishGolden = flag.String("english-golden", "testdata/english/golden.txt",
	"bleve's terms of texts, written by tools/blevecheck")

// TestEnglishAnalysisGolden checks that the English analysis gives exactly
// the terms bleve v2.6.1's English analyzer gives (recorded by
// tools/blevecheck), so that replacing bleve changed no index term.
func TestEnglishAnalysisGolden(t *testing.T) {
	f, err := os.Open(*englishGolden)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 256<<20)
	n := 0
	for sc.Scan() {
		quoted, list, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			t.Fatalf("line %d: no tab", n+1)
		}
		text, err := strconv.Unquote(quoted)
		if err != nil {
			t.Fatalf("line %d: %v", n+1, err)
		}
		var want []string
		if err := json.Unmarshal([]byte(list), &want); err != nil {
			t.Fatalf("line %d: %v", n+1, err)
		}
		var got []string
		for _, term := range analyzeEnglish([]byte(text)) {
			got = append(got, string(term))
		}
		if !slices.Equal(got, want) && len(got)+len(want) > 0 {
			t.Errorf("analyzeEnglish(%.80q)\n got %q\nwant %q", text, got, want)
		}
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no texts")
	}
	t.Logf("%d texts", n)
}
