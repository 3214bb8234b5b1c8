package lifeguard

import (
	"testing"
	"time"
)

func TestNeedsLeadNow(t *testing.T) {
	for _, c := range []struct {
		r    Route
		want bool
	}{
		{Route{Code: "CSC_REFERRAL", Urgency: Immediate}, true},
		{Route{Code: "EMERGENCY_999", Urgency: Immediate}, true},
		{Route{Code: RoutePreserveEvidence, Urgency: Immediate}, false},
		{Route{Code: RouteDoNotViewImages, Urgency: Immediate}, false},
		{Route{Code: "DSL_REVIEW", Urgency: SameWorkingDay}, false},
		{Route{Code: "CSC_REFERRAL", Urgency: WorkingDays}, false},
	} {
		t.Run(string(c.r.Code)+" "+string(c.r.Urgency), func(t *testing.T) {
			if got := c.r.NeedsLeadNow(); got != c.want {
				t.Errorf("NeedsLeadNow = %v, want %v", got, c.want)
			}
		})
	}
}

func TestLeadNowDue(t *testing.T) {
	reported := time.Date(2026, 11, 18, 10, 0, 0, 0, time.UTC)
	added := reported.Add(2 * time.Hour)
	close := time.Date(2026, 11, 18, 17, 0, 0, 0, time.UTC)
	route := func(code RouteCode, u Urgency, due time.Time) Route {
		return Route{Code: code, Urgency: u, Due: &due}
	}
	evidence := route(RoutePreserveEvidence, Immediate, reported)
	images := route(RouteDoNotViewImages, Immediate, reported)
	review := route("DSL_REVIEW", SameWorkingDay, close)
	referral := route("CSC_REFERRAL", Immediate, reported)
	police := route("POLICE_999", Immediate, added) // as a lead adds it, due when added
	for _, c := range []struct {
		name    string
		routes  []Route
		decided map[RouteCode]bool
		want    *time.Time
	}{
		{"instructions only: nobody fetched", []Route{evidence, images, review}, nil, nil},
		{"a referral now", []Route{evidence, referral, review}, nil, &reported},
		{"the referral decided", []Route{evidence, referral, review}, map[RouteCode]bool{"CSC_REFERRAL": true}, nil},
		{"an added immediate route", []Route{evidence, review, police}, nil, &added},
		{"the earliest of two", []Route{police, referral}, nil, &reported},
		{"no routes", nil, nil, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			tr := Triage{Routes: c.routes}
			got := tr.LeadNowDue(c.decided)
			if (got == nil) != (c.want == nil) || got != nil && !got.Equal(*c.want) {
				t.Errorf("LeadNowDue = %v, want %v", got, c.want)
			}
		})
	}
}
