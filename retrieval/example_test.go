package retrieval_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/storybot/storybot/retrieval"
	"github.com/storybot/storybot/retrieval/sample"
)

// Open indexes the built-in sample story in a data directory (a second Open
// on the same directory would not re-index it) and searches it.
func ExampleOpen() {
	data, err := os.MkdirTemp("", "storybot-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(data)

	ctx := context.Background()
	idx, err := retrieval.Open(ctx, retrieval.Options{
		DataDir: data,
		Name:    "sample",
		Corpus:  sample.FS(),
		Root:    "built-in sample",
	})
	if err != nil {
		log.Fatal(err)
	}
	defer idx.Close()

	rep := idx.LastReport()
	fmt.Println("articles indexed:", rep.Added, "skipped:", len(rep.Problems))

	hits, err := idx.Search(ctx, "Which programme lets NATO countries buy weapons for Ukraine?", 3)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("best passage from:", hits[0].Passage.ArticleID)
	// Output:
	// articles indexed: 5 skipped: 0
	// best passage from: 002_bd6c7c73cd97d84f
}
