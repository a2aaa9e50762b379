package bot

import (
	"fmt"
	"strings"
)

// Limits applied by Verify.
const (
	// MaxModelConflicts caps the model-found conflicts kept per answer.
	MaxModelConflicts = 3
	// MaxVerifiedSentences caps the sentences kept per answer.
	MaxVerifiedSentences = 8
	// MinSentenceSupport is the share of a sentence's content words that
	// must occur in the articles it cites.
	MinSentenceSupport = 0.5
)

// Verify checks an answer (typically a model's) against its brief and
// returns the grounded part of it:
//
//   - citations of IDs that are not retrieved articles of the brief (in
//     b.Hits and, when b.Articles is set, in it) are removed; a sentence left
//     with no citation, or whose content words mostly do not occur in the
//     articles it cites, is dropped;
//   - the brief's detected conflicts are all stated, whatever the answer said;
//   - a conflict the answer adds is kept only when every side cites real,
//     retrieved articles, the sides cite different articles and make
//     different claims, and each claim shares words with its articles; it is
//     then marked ConflictModel;
//   - Sources describe every cited article, from b.Articles.
//
// It fails, wrapping ErrModelUnsupported, when no sentence is left.
func Verify(b Brief, a Answer) (Answer, error) {
	allowed := vfAllowed(b)
	texts := vfTexts(b)
	out := Answer{ID: a.ID, Question: a.Question, Note: a.Note, Composer: a.Composer,
		Sentences: []Sentence{}, Conflicts: []Conflict{}}
	dropped := 0
	for _, s := range a.Sentences {
		text := strings.TrimSpace(s.Text)
		var cites []string
		seen := map[string]bool{}
		for _, id := range s.Citations {
			if canon, ok := allowed[vfKey(id)]; ok && !seen[canon] {
				seen[canon] = true
				cites = append(cites, canon)
			}
		}
		if text == "" || len(cites) == 0 || !vfSupported(text, cites, texts) {
			dropped++
			continue
		}
		out.Sentences = append(out.Sentences, Sentence{Text: text, Citations: cites})
		if len(out.Sentences) == MaxVerifiedSentences {
			break
		}
	}
	if len(out.Sentences) == 0 {
		return Answer{}, fmt.Errorf("verify: %d of %d sentences unsupported: %w", dropped, len(a.Sentences), ErrModelUnsupported)
	}
	out.Conflicts = append(out.Conflicts, b.Conflicts...)
	added := 0
	for _, c := range a.Conflicts {
		if added == MaxModelConflicts {
			break
		}
		vc, ok := vfModelConflict(c, allowed, texts)
		if !ok || vfDuplicate(vc, out.Conflicts) {
			continue
		}
		out.Conflicts = append(out.Conflicts, vc)
		added++
	}
	out.Sources = Sources(out.Citations(), b.Articles)
	return out, nil
}

// vfKey is the lookup key of an article ID: IDs match case-insensitively.
func vfKey(id string) string { return strings.ToLower(strings.TrimSpace(id)) }

// vfAllowed maps the key of every retrieved, known article ID to the ID.
func vfAllowed(b Brief) map[string]string {
	allowed := map[string]string{}
	for _, h := range b.Hits {
		id := h.Passage.ArticleID
		if id == "" {
			continue
		}
		if len(b.Articles) > 0 {
			if _, ok := b.Articles[id]; !ok {
				continue
			}
		}
		allowed[vfKey(id)] = id
	}
	return allowed
}

// vfTexts returns each retrieved article's known words: its title and text
// when the brief has them, and its retrieved passages.
func vfTexts(b Brief) map[string]map[string]bool {
	var raw = map[string]*strings.Builder{}
	add := func(id, s string) {
		sb, ok := raw[id]
		if !ok {
			sb = &strings.Builder{}
			raw[id] = sb
		}
		sb.WriteString(s)
		sb.WriteString("\n")
	}
	for _, h := range b.Hits {
		add(h.Passage.ArticleID, h.Passage.Text())
	}
	for id := range raw {
		if a, ok := b.Articles[id]; ok {
			add(id, a.Title+"\n"+a.Text)
		}
	}
	out := make(map[string]map[string]bool, len(raw))
	for id, sb := range raw {
		out[id] = language().TermSet(sb.String())
	}
	return out
}

// vfSupported reports whether enough of text's content words occur in the
// cited articles.
func vfSupported(text string, cites []string, texts map[string]map[string]bool) bool {
	words := language().TermSet(text)
	if len(words) == 0 {
		return false
	}
	found := 0
	for w := range words {
		for _, id := range cites {
			if texts[id][w] {
				found++
				break
			}
		}
	}
	return float64(found) >= MinSentenceSupport*float64(len(words))
}

// vfModelConflict checks a model-reported conflict; see Verify.
func vfModelConflict(c Conflict, allowed map[string]string, texts map[string]map[string]bool) (Conflict, bool) {
	out := Conflict{Topic: vfShort(c.Topic), Kind: ConflictModel}
	if out.Topic == "" {
		return Conflict{}, false
	}
	owner := map[string]int{}
	claims := map[string]bool{}
	for _, p := range c.Positions {
		claim := vfShort(p.Claim)
		if claim == "" {
			continue
		}
		var ids []string
		for _, id := range p.Articles {
			canon, ok := allowed[vfKey(id)]
			if !ok {
				continue
			}
			if k, taken := owner[canon]; taken {
				if k != len(out.Positions) {
					return Conflict{}, false // one article on two sides
				}
				continue
			}
			owner[canon] = len(out.Positions)
			ids = append(ids, canon)
		}
		if len(ids) == 0 || !vfGrounded(claim, ids, texts) {
			continue
		}
		key := strings.ToLower(claim)
		if claims[key] {
			continue
		}
		claims[key] = true
		out.Positions = append(out.Positions, Position{Claim: claim, Articles: ids})
	}
	if len(out.Positions) < 2 {
		return Conflict{}, false
	}
	return out, true
}

// vfGrounded reports whether a claim shares a content word with one of its
// articles.
func vfGrounded(claim string, ids []string, texts map[string]map[string]bool) bool {
	words := language().TermSet(claim)
	for w := range words {
		for _, id := range ids {
			if texts[id][w] {
				return true
			}
		}
	}
	return false
}

// vfDuplicate reports whether c covers the same articles, or the same
// topic, as a conflict in cs.
func vfDuplicate(c Conflict, cs []Conflict) bool {
	ids := c.ArticleIDs()
	for _, o := range cs {
		if strings.EqualFold(o.Topic, c.Topic) {
			return true
		}
		oids := o.ArticleIDs()
		if len(oids) != len(ids) {
			continue
		}
		same := true
		for _, id := range ids {
			if !mcContains(oids, id) {
				same = false
				break
			}
		}
		if same {
			return true
		}
	}
	return false
}

// vfShort tidies a claim or topic onto one line of at most 200 bytes.
func vfShort(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		s = mcTruncate(s, 200)
	}
	return s
}
