package httpapi

import "github.com/storybot/storybot/bot"

// AskRequest is the body of POST /v1/ask.
type AskRequest struct {
	// Question is what to answer; required.
	Question string `json:"question"`
	// Thread holds earlier turns of the conversation, oldest first, for a
	// follow-up question.
	Thread []bot.Turn `json:"thread,omitempty"`
}

// AskResponse is the `ask --json` object (DESIGN §5): one answer with the
// article IDs it cites and the conflicts it states.
type AskResponse struct {
	Question  string         `json:"question"`
	Answer    string         `json:"answer"`
	Citations []string       `json:"citations"`
	Conflicts []ConflictJSON `json:"conflicts"`
	Abstained bool           `json:"abstained"`
	// Evidence is the article ID of each passage handed to the composer,
	// in rank order (repeats when an article gave several passages).
	Evidence []string `json:"evidence"`
}

// ConflictJSON is one conflict of an AskResponse.
type ConflictJSON struct {
	Topic     string         `json:"topic"`
	Positions []PositionJSON `json:"positions"`
}

// PositionJSON is one side of a ConflictJSON.
type PositionJSON struct {
	Claim    string   `json:"claim"`
	Articles []string `json:"articles"`
}

// NewAskResponse converts an answer to the `ask --json` contract: the full
// text as it would be posted, every cited ID (never null) and the conflicts.
func NewAskResponse(a bot.Answer) AskResponse {
	out := AskResponse{
		Question:  a.Question,
		Answer:    a.Text(),
		Citations: a.Citations(),
		Conflicts: make([]ConflictJSON, 0, len(a.Conflicts)),
		Abstained: a.Abstained,
	}
	if out.Citations == nil {
		out.Citations = []string{}
	}
	out.Evidence = a.Evidence
	if out.Evidence == nil {
		out.Evidence = []string{}
	}
	for _, c := range a.Conflicts {
		cj := ConflictJSON{Topic: c.Topic, Positions: make([]PositionJSON, 0, len(c.Positions))}
		for _, p := range c.Positions {
			arts := p.Articles
			if arts == nil {
				arts = []string{}
			}
			cj.Positions = append(cj.Positions, PositionJSON{Claim: p.Claim, Articles: arts})
		}
		out.Conflicts = append(out.Conflicts, cj)
	}
	return out
}
