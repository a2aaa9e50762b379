package discord

import (
	"strings"

	"github.com/bwmarrin/discordgo"
)

// feedbackPrefix starts the custom ID of storybot's feedback buttons:
// "storybot:fb:<1|0>:<answer ID>".
const feedbackPrefix = "storybot:fb:"

// maxCustomID is Discord's limit on a component's custom ID.
const maxCustomID = 100

// feedbackID builds the custom ID of a feedback button.
func feedbackID(helpful bool, answerID string) string {
	v := "0"
	if helpful {
		v = "1"
	}
	return feedbackPrefix + v + ":" + answerID
}

// parseFeedbackID reads a custom ID built by feedbackID.
func parseFeedbackID(customID string) (answerID string, helpful bool, ok bool) {
	rest, found := strings.CutPrefix(customID, feedbackPrefix)
	if !found || len(customID) > maxCustomID {
		return "", false, false
	}
	v, id, found := strings.Cut(rest, ":")
	if !found || id == "" || (v != "0" && v != "1") {
		return "", false, false
	}
	return id, v == "1", true
}

// feedbackRow returns the row of feedback buttons for an answer, or false
// when the answer has no usable ID.
func feedbackRow(answerID string) (discordgo.ActionsRow, bool) {
	if answerID == "" || len(feedbackID(true, answerID)) > maxCustomID {
		return discordgo.ActionsRow{}, false
	}
	return discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: "Helpful", Style: discordgo.SuccessButton, CustomID: feedbackID(true, answerID),
			Emoji: &discordgo.ComponentEmoji{Name: "👍"}},
		discordgo.Button{Label: "Not helpful", Style: discordgo.SecondaryButton, CustomID: feedbackID(false, answerID),
			Emoji: &discordgo.ComponentEmoji{Name: "👎"}},
	}}, true
}
