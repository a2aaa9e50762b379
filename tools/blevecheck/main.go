// Command blevecheck writes the terms bleve v2.6.1's English analyzer ("en")
// gives for texts, the reference for retrieval's own English analysis
// (retrieval/english.go), which reproduces it without bleve.
//
// It is a module of its own so that bleve stays out of storybot's build.
// Each input line is one text, Go-quoted when -quoted is set (as in
// retrieval/testdata/english/texts.txt); without it every line of every
// file is taken as it is. Each output line is the Go-quoted text, a tab and
// the terms as a JSON array:
//
//	go run . -quoted ../../retrieval/testdata/english/texts.txt > ../../retrieval/testdata/english/golden.txt
//	go run . $(find ../../../shared/corpus -type f) > /tmp/golden.txt
//	(cd ../.. && go test ./retrieval -run TestEnglishAnalysisGolden -english-golden /tmp/golden.txt)
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"

	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/registry"
)

func main() {
	quoted := flag.Bool("quoted", false, "input lines are Go-quoted strings")
	flag.Parse()
	if err := run(*quoted, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "blevecheck:", err)
		os.Exit(1)
	}
}

func run(quoted bool, files []string) error {
	an, err := registry.NewCache().AnalyzerNamed(en.AnalyzerName)
	if err != nil {
		return fmt.Errorf("bleve's English analyzer: %w", err)
	}
	out := bufio.NewWriter(os.Stdout)
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 64<<20)
		for sc.Scan() {
			text := sc.Text()
			if quoted {
				if text, err = strconv.Unquote(text); err != nil {
					return fmt.Errorf("%s: %w", name, err)
				}
			}
			terms := []string{}
			for _, tok := range an.Analyze([]byte(text)) {
				terms = append(terms, string(tok.Term))
			}
			j, err := json.Marshal(terms)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "%s\t%s\n", strconv.Quote(text), j)
		}
		_ = f.Close()
		if err := sc.Err(); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return out.Flush()
}
