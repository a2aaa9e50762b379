package claims

import (
	"strings"
)

// slotWord is one filler of an event slot: its category and canonical value.
type slotWord struct {
	slot, canon string
}

// slotLexicon maps head nouns (lower case) to slot fillers. Generic fillers
// ("meeting", "vehicle") are compatible with the specific ones of their family.
var slotLexicon = map[string]slotWord{
	// medium: how or where something was said
	"chat": {"medium", "messaging chat"}, "chats": {"medium", "messaging chat"}, "messenger": {"medium", "messaging chat"},
	"message": {"medium", "messaging chat"}, "messages": {"medium", "messaging chat"}, "text": {"medium", "messaging chat"},
	"call": {"medium", "phone call"}, "phone": {"medium", "phone call"}, "telephone": {"medium", "phone call"},
	"videoconference": {"medium", "virtual meeting"}, "video": {"medium", "virtual meeting"},
	"conference": {"medium", "press conference"}, "briefing": {"medium", "press conference"},
	"interview": {"medium", "interview"}, "podcast": {"medium", "interview"},
	"statement": {"medium", "statement"}, "speech": {"medium", "speech"}, "address": {"medium", "speech"},
	"post": {"medium", "social media post"}, "tweet": {"medium", "social media post"}, "livestream": {"medium", "virtual meeting"},
	"meeting": {"medium", "meeting"}, "session": {"medium", "meeting"},
	"email": {"medium", "letter"}, "letter": {"medium", "letter"},
	// vehicle
	"car": {"vehicle", "car"}, "cars": {"vehicle", "car"}, "van": {"vehicle", "van"}, "vans": {"vehicle", "van"},
	"truck": {"vehicle", "truck"}, "trucks": {"vehicle", "truck"}, "lorry": {"vehicle", "truck"}, "lorries": {"vehicle", "truck"},
	"bus": {"vehicle", "bus"}, "buses": {"vehicle", "bus"}, "coach": {"vehicle", "bus"},
	"motorbike": {"vehicle", "motorbike"}, "motorbikes": {"vehicle", "motorbike"}, "motorcycle": {"vehicle", "motorbike"},
	"motorcycles": {"vehicle", "motorbike"}, "scooter": {"vehicle", "scooter"}, "scooters": {"vehicle", "scooter"},
	"moped": {"vehicle", "scooter"}, "mopeds": {"vehicle", "scooter"},
	"bicycle": {"vehicle", "bicycle"}, "bicycles": {"vehicle", "bicycle"}, "bikes": {"vehicle", "bike"}, "bike": {"vehicle", "bike"},
	"boat": {"vehicle", "boat"}, "boats": {"vehicle", "boat"}, "speedboat": {"vehicle", "boat"}, "ferry": {"vehicle", "ferry"},
	"helicopter": {"vehicle", "helicopter"}, "helicopters": {"vehicle", "helicopter"}, "plane": {"vehicle", "plane"},
	"jet": {"vehicle", "plane"}, "train": {"vehicle", "train"}, "tram": {"vehicle", "tram"}, "taxi": {"vehicle", "taxi"},
	"ambulance": {"vehicle", "ambulance"}, "tractor": {"vehicle", "tractor"}, "suv": {"vehicle", "car"}, "jeep": {"vehicle", "car"},
	"vehicle": {"vehicle", "vehicle"}, "vehicles": {"vehicle", "vehicle"}, "horseback": {"vehicle", "horse"}, "foot": {"vehicle", "foot"},
	// tool, means
	"ladder": {"tool", "ladder"}, "ladders": {"tool", "ladder"}, "lift": {"tool", "lift"}, "elevator": {"tool", "lift"},
	"stairs": {"tool", "stairs"}, "staircase": {"tool", "stairs"}, "stairwell": {"tool", "stairs"}, "crane": {"tool", "crane"},
	"rope": {"tool", "rope"}, "hammer": {"tool", "hammer"}, "knife": {"tool", "knife"}, "knives": {"tool", "knife"},
	"gun": {"tool", "gun"}, "pistol": {"tool", "pistol"}, "handgun": {"tool", "pistol"}, "rifle": {"tool", "rifle"},
	"shotgun": {"tool", "shotgun"}, "axe": {"tool", "axe"}, "machete": {"tool", "machete"}, "crowbar": {"tool", "crowbar"},
	"drone": {"tool", "drone"}, "drones": {"tool", "drone"}, "missile": {"tool", "missile"}, "missiles": {"tool", "missile"},
	"weapon": {"tool", "weapon"},
	// place inside a building or site
	"kitchen": {"place", "kitchen"}, "garage": {"place", "garage"}, "basement": {"place", "basement"},
	"cellar": {"place", "basement"}, "attic": {"place", "attic"}, "loft": {"place", "attic"}, "roof": {"place", "roof"},
	"rooftop": {"place", "roof"}, "lobby": {"place", "lobby"}, "courtyard": {"place", "courtyard"},
	"bedroom": {"place", "bedroom"}, "bathroom": {"place", "bathroom"}, "warehouse": {"place", "warehouse"},
	"basement-level": {"place", "basement"}, "corridor": {"place", "corridor"}, "hallway": {"place", "corridor"},
	"workshop": {"place", "workshop"}, "storeroom": {"place", "storeroom"}, "car-park": {"place", "car park"},
}

// generic fillers and the specific ones they are compatible with.
var slotGeneric = map[string]string{
	"meeting": "virtual meeting,press conference", "vehicle": "*", "weapon": "gun,pistol,rifle,shotgun,knife,axe,machete",
	"gun": "pistol,rifle,shotgun", "bike": "bicycle,motorbike",
}

// FillersCompatible reports whether two fillers of one slot can describe the
// same thing ("meeting" and "virtual meeting", "gun" and "pistol").
func FillersCompatible(a, b string) bool {
	if a == b {
		return true
	}
	for _, p := range [][2]string{{a, b}, {b, a}} {
		g, ok := slotGeneric[p[0]]
		if !ok {
			continue
		}
		if g == "*" {
			return true
		}
		for _, x := range strings.Split(g, ",") {
			if x == p[1] {
				return true
			}
		}
	}
	return false
}

// slot prepositions: the filler must be governed by one ("in a chat", "on
// motorbikes", "with a knife").
var slotPreps = setOf(`in during at via over on through by with using aboard into onto inside from up down`)

// settingVerbs take the setting as their object: "told a press conference".
var settingVerbs = setOf(`told addressed tells addresses address`)

// communication verbs: a medium counts only in a sentence about saying.
var commVerbs = setOf(`said says say told tells tell speaking spoke speaks announced announces revealed reveals
mentioned mentions stated states emphasized emphasised stressed confirmed confirms disclosed explained answered
responded remarked wrote posted declared insisted added noted argued replied unveiled`)

// slotClaims reads slot fillers governed by a preposition.
func slotClaims(s string, toks []token) []Claim {
	var out []Claim
	comm := false
	for _, t := range toks {
		if commVerbs[t.low] {
			comm = true
			break
		}
	}
	for i, t := range toks {
		if t.kind != tWord {
			continue
		}
		sw, ok := slotLexicon[t.low]
		if !ok {
			continue
		}
		if sw.slot == "medium" && !comm {
			continue
		}
		// the next word must not continue a compound ("call for", "car bomb")
		if i+1 < len(toks) && toks[i+1].kind == tWord {
			if _, more := slotLexicon[toks[i+1].low]; more {
				continue
			}
			if sw.slot == "medium" && toks[i+1].low != "with" && toks[i+1].low != "on" && toks[i+1].low != "and" && toks[i+1].low != "in" && toks[i+1].low != "involving" && toks[i+1].low != "where" && !stopWords[toks[i+1].low] {
				continue
			}
		}
		// walk back over modifiers to a preposition
		k := i - 1
		mods := 0
		for k >= 0 && mods < 4 && toks[k].kind != tPunct && !slotPreps[toks[k].low] && !(sw.slot == "medium" && settingVerbs[toks[k].low]) {
			k--
			mods++
		}
		if k < 0 || !(slotPreps[toks[k].low] || (sw.slot == "medium" && settingVerbs[toks[k].low])) {
			continue
		}
		canon := sw.canon
		text := s[toks[k+1].start:t.end]
		if sw.slot == "medium" {
			lowText := strings.ToLower(text)
			switch {
			case strings.Contains(lowText, "virtual") || strings.Contains(lowText, "video") || strings.Contains(lowText, "online") || strings.Contains(lowText, "remote"):
				if canon == "meeting" || canon == "phone call" || canon == "press conference" {
					canon = "virtual meeting"
				}
			case strings.Contains(lowText, "phone") && canon == "meeting":
				canon = "phone call"
			case (strings.Contains(lowText, "press") || strings.Contains(lowText, "news")) && canon == "meeting":
				canon = "press conference"
			}
			if canon == "press conference" && !strings.Contains(lowText, "press") && !strings.Contains(lowText, "news") && t.low == "conference" {
				canon = "meeting"
			}
			if canon == "messaging chat" && t.low == "text" {
				continue
			}
			if canon == "statement" {
				if !strings.Contains(lowText, "video") && !strings.Contains(lowText, "televised") && !strings.Contains(lowText, "recorded") {
					continue // "said in a statement" names no setting
				}
				canon = "video statement"
			}
		}
		out = append(out, Claim{
			Kind:    KindDetail,
			Text:    strings.TrimLeft(strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(text, "a "), "an "), "the "), " "),
			Slot:    sw.slot,
			Filler:  canon,
			Speaker: speakerOf(toks),
		})
	}
	return out
}

// speakerOf finds the named subject of a communication verb ("Zelensky
// said", "said the mayor Anna Smith") and returns its folded last name.
func speakerOf(toks []token) string {
	for i, t := range toks {
		if !commVerbs[t.low] {
			continue
		}
		commas := 0
		for k := i - 1; k >= 0 && k >= i-4; k-- {
			l := toks[k].low
			if l == "," && commas == 0 && k > 0 && toks[k-1].kind == tWord && toks[k-1].cap {
				commas++ // an appositive: "the chief executive, Lena Park, said"
				continue
			}
			if pronouns[l] || toks[k].kind == tPunct {
				break
			}
			if toks[k].kind == tWord && toks[k].cap && !notNameWords[l] && !roleFirstWords[l] {
				return FoldName(stripPossessive(l))
			}
		}
		if i+1 < len(toks) && isNameWord(toks[i+1]) {
			e := i + 1
			for e+1 < len(toks) && isNameWord(toks[e+1]) {
				e++
			}
			return FoldName(stripPossessive(toks[e].low))
		}
	}
	return ""
}
