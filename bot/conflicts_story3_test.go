package bot

import (
	"context"
	"testing"
)

// TestConflictsStory3 checks the ledger and RelevantConflicts on a hold-out
// story written blind to the rules: five planted conflicts (a figure, a
// role named in an appositive after the name, a status, a vehicle and an
// alarm said not to have sounded) and its traps (two parties' positions,
// another quantity in the same unit, an update within an article,
// overlapping hedged ranges, a claim and its denial, transliterated names).
func TestConflictsStory3(t *testing.T) {
	ps := cfLoad(t, "../testdata/story3")
	ledger, err := DetectConflicts(context.Background(), ps)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range ledger {
		t.Log(FormatConflict(c))
	}
	courier, radio, wire, ledgerNews, dispatch, hazards, tribune := "s3-01-tessel-valley-courier", "s3-02-tidewater-public-radio",
		"s3-03-continental-press-wire", "s3-04-ferris-landing-ledger", "s3-05-the-morning-dispatch",
		"s3-06-industrial-hazards-today", "s3-07-northfield-tribune"
	// the planted conflicts, each must be in the ledger with both sides
	planted := []struct {
		kind  ConflictKind
		sides [][]string
	}{
		{ConflictNumeric, [][]string{{courier, wire, tribune}, {dispatch}}},
		{ConflictRole, [][]string{{radio, hazards}, {ledgerNews}}},
		{ConflictStatus, [][]string{{wire, tribune}, {dispatch}}},
		{ConflictDetail, [][]string{{radio, tribune}, {dispatch}}},
		{ConflictPolarity, [][]string{{radio, ledgerNews}, {tribune}}},
	}
	for _, p := range planted {
		found := false
		for _, c := range ledger {
			if c.Kind == p.kind && cfCovers(c, p.sides) {
				found = true
			}
		}
		if !found {
			t.Errorf("planted %s conflict between %v and %v not in the ledger", p.kind, p.sides[0], p.sides[1])
		}
	}
	if len(ledger) > 7 {
		t.Errorf("ledger has %d conflicts; story3 has 5 planted disputes", len(ledger))
	}
	recall, alarm := cfCheck(t, ledger, cfHits(ps), cfReadQuestions(t, "../testdata/story3.questions.jsonl"))
	t.Logf("story3: conflict recall %.2f, false alarm %.2f", recall, alarm)
	recall, alarm = cfCheck(t, ledger, cfHits(ps), []cfWant{
		{"p01", "How many litres of acrylonitrile spilled?", cfBool(true), [][]string{{courier, wire, tribune}, {dispatch}}},
		{"p02", "Who is Marlow Bend's emergency measures coordinator?", cfBool(true), [][]string{{radio, hazards}, {ledgerNews}}},
		{"p03", "Did the minister declare a provincial state of emergency?", cfBool(true), [][]string{{wire, tribune}, {dispatch}}},
		{"p04", "Did the leak alarm sound?", cfBool(true), [][]string{{radio}, {tribune}}},
		{"p05", "How much is the cooperative asking per boat?", cfBool(false), nil},
		{"p06", "How many litres of contaminated water were recovered?", cfBool(false), nil},
		{"p07", "How many kilometres of the river are under the advisory?", cfBool(false), nil},
		{"p08", "Who is the plant manager?", cfBool(false), nil},
		{"p09", "Did Veltrane deny the 2023 release?", cfBool(false), nil},
		{"p10", "Who chairs the fishermen's cooperative?", cfBool(false), nil},
	})
	t.Logf("story3, other wordings: conflict recall %.2f, false alarm %.2f", recall, alarm)
}
