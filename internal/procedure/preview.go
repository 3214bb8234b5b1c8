package procedure

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/factsjson"
)

// ScenarioChange is what a new version of the directory does to the triage
// of one of the spec's test scenarios.
type ScenarioChange struct {
	ID, Name string
	Routes   []RouteChange
}

// RouteChange is one route of a scenario's triage that a new version
// changes: given or no longer given, or given with another deadline,
// title, contact or action. Before and After are the route in each triage,
// nil when that triage does not give it.
type RouteChange struct {
	Code          lifeguard.RouteCode
	Before, After *lifeguard.Route
	// What says in words what changed, for example "due 16:30 on 3 March
	// 2026, was 17:00 on 3 March 2026".
	What []string
}

// Preview triages every valid scenario under before and after and returns
// the scenarios whose routes or deadlines (or the title, contact or action
// of a route) differ, in the scenarios' order; none when the change does not
// touch them.
func Preview(ctx context.Context, before, after *Procedure, scenarios []lifeguard.SpecScenario) ([]ScenarioChange, error) {
	var out []ScenarioChange
	for _, s := range scenarios {
		if s.Invalid {
			continue
		}
		f, err := factsjson.DecodeFacts(s.Concern, factsjson.DecodeOptions{})
		if err != nil {
			return nil, fmt.Errorf("scenario %s: %w", s.ID, err)
		}
		tb, err := before.Triage(ctx, f)
		if err != nil {
			return nil, fmt.Errorf("scenario %s: %w", s.ID, err)
		}
		ta, err := after.Triage(ctx, f)
		if err != nil {
			return nil, fmt.Errorf("scenario %s: %w", s.ID, err)
		}
		if ch := compareRoutes(tb, ta, after.Calendar().Location()); len(ch) > 0 {
			out = append(out, ScenarioChange{ID: s.ID, Name: s.Name, Routes: ch})
		}
	}
	return out, nil
}

func compareRoutes(before, after *lifeguard.Triage, loc *time.Location) []RouteChange {
	var out []RouteChange
	seen := map[lifeguard.RouteCode]bool{}
	add := func(code lifeguard.RouteCode) {
		if seen[code] {
			return
		}
		seen[code] = true
		b, a := before.Route(code), after.Route(code)
		var what []string
		switch {
		case b == nil:
			what = append(what, "now given")
		case a == nil:
			what = append(what, "no longer given")
		default:
			if bd, ad := dueText(b.Due, loc), dueText(a.Due, loc); bd != ad {
				what = append(what, fmt.Sprintf("due %s, was %s", ad, bd))
			}
			if b.Title != a.Title {
				what = append(what, fmt.Sprintf("title %q, was %q", a.Title, b.Title))
			}
			if bc, ac := contactText(b.Contact), contactText(a.Contact); bc != ac {
				what = append(what, fmt.Sprintf("contact %s, was %s", ac, bc))
			}
			if b.Action != a.Action {
				what = append(what, fmt.Sprintf("action %q, was %q", a.Action, b.Action))
			}
		}
		if len(what) > 0 {
			out = append(out, RouteChange{Code: code, Before: b, After: a, What: what})
		}
	}
	for _, r := range before.Routes {
		add(r.Code)
	}
	for _, r := range after.Routes {
		add(r.Code)
	}
	return out
}

func dueText(t *time.Time, loc *time.Location) string {
	if t == nil {
		return "no deadline"
	}
	return t.In(loc).Format("15:04 on 2 January 2006")
}

func contactText(c *string) string {
	if c == nil || *c == "" {
		return "none"
	}
	return strconv.Quote(*c)
}
