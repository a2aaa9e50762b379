package wordnet_test

import (
	"fmt"

	"github.com/storybot/storybot/bot/lang/wordnet"
)

func Example() {
	db, err := wordnet.Load()
	if err != nil {
		panic(err)
	}
	fmt.Println(db.Base("testified", wordnet.Verb), db.Base("geese", wordnet.Noun), db.Lemmas("lost"))
	fmt.Println(db.Synonyms("quake", wordnet.Noun))
	fmt.Println(db.IsA("captain", wordnet.Noun, "person"), db.IsA("mile", wordnet.Noun, "linear unit"))
	for _, p := range [][2]string{
		{"floor", "storey"}, {"kids", "children"}, {"vessel", "ship"}, {"killed", "died"},
		{"deep", "depth"}, {"lose", "loss"}, {"testify", "testimony"}, {"rise", "fall"},
		{"bridge", "span"}, {"quake", "earthquake"}, {"outage", "failure"}, {"damp", "dry"},
	} {
		r, _ := db.Relate(p[0], p[1])
		fmt.Println(r)
	}
	// Output:
	// [testify] [goose] [{lost noun} {lose verb} {lost adjective}]
	// [earthquake temblor seism]
	// true true
	// floor/noun#2 -synonym-> storey/noun#1 (0.75)
	// kid/noun#1 -synonym-> child/noun#1 (0.90)
	// vessel/noun#2 -hyponym-> ship/noun#1 (0.70)
	// kill/verb#1 -cause-> die/verb#1 (0.50)
	// deep/adjective#1 -attribute-> depth/noun#1 (0.60)
	// lose/verb#5 -derived-> loss/noun#1 (0.44)
	// testify/verb#1 -derived-> testimony/noun#1 (0.80)
	// rise/verb#1 -antonym-> fall/verb#2 (0.00)
	// bridge/noun#1 -synonym-> span/noun#5 (0.50)
	// quake/noun#1 -synonym-> earthquake/noun#1 (0.90)
	// outage/noun#2 -hypernym(2)-> failure/noun#2 (0.34)
	// damp/adjective#1 -antonym-> dry/adjective#1 (0.00)
}
