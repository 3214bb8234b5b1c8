package lifeguard

import (
	"strings"
	"testing"
)

// TestEveryCodeHasWords checks that every code of the catalogues people
// read has its words, so that no page or report falls back to showing a
// bare code.
func TestEveryCodeHasWords(t *testing.T) {
	check := func(kind, code, words string) {
		t.Helper()
		if words == "" || words == code {
			t.Errorf("%s %q has no words", kind, code)
		}
	}
	for _, s := range Settings() {
		check("setting", string(s), s.Label())
		check("setting group", string(s), s.GroupLabel())
	}
	for _, r := range ChildRoles() {
		check("child role", string(r), r.Label())
	}
	for _, v := range Vulnerabilities() {
		check("vulnerability", string(v), v.Label())
	}
	for _, h := range append(SignificantHarms(), "") {
		check("significant harm", string(h), h.Label())
	}
	for _, o := range Outcomes() {
		check("outcome", string(o), o.Label())
	}
	for _, s := range []ConcernStatus{StatusNew, StatusInProgress, StatusClosed} {
		check("status", string(s), s.Label())
	}
	for _, k := range []DecisionKind{DecisionAccepted, DecisionDeclined, DecisionDone} {
		check("decision", string(k), k.Label())
	}
	for _, k := range []string{ChronReported, ChronTriaged, ChronDecision, ChronAction, ChronActionDone,
		ChronEvidence, ChronNote, ChronClosed, ChronFacts, ChronTransferred, ChronReceived} {
		check("chronology entry", k, ChronologyLabel(k))
	}
	for _, r := range Roles() {
		if r != RoleFilter { // a filter acts on no record a chronology shows
			check("role", string(r), r.Label())
		}
	}
	for _, c := range MonitorCategories() {
		// The DSL's queue and the board report show these words: never the
		// code, and written as a heading is ("Self-harm").
		w := c.Label()
		if monitorCategoryWords[c] == "" || w == string(c) || w[:1] != strings.ToUpper(w[:1]) {
			t.Errorf("monitor category %q reads %q", c, w)
		}
	}
	for _, c := range FilterCategories() {
		// Many categories are plain words already ("gambling").
		if filterCategoryWords[c] == "" {
			t.Errorf("filter category %q has no words", c)
		}
	}
	for _, r := range RAGs() {
		check("action status", string(r), r.Label())
	}
	for _, u := range []Urgency{Immediate, SameWorkingDay, WorkingDays, AsSoonAsPossible, Advice} {
		check("urgency", string(u), u.Label())
	}
	if got := Setting("made_up").Label(); got != "made_up" {
		t.Errorf("an unknown setting shows as %q, want its code", got)
	}
}
