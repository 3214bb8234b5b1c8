package web

import (
	"slices"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// navBefore is every page each role's navigation led to before it was
// grouped (the seventeen-link list): none may be lost, none added.
var navBefore = map[lifeguard.Role][]string{
	lifeguard.RoleStaff: {"/report", "/my-reports", "/children", "/consents", "/training", "/teaching", "/policies", "/plan",
		"/help", "/account/settings"},
	lifeguard.RoleDSL: {"/report", "/children", "/inbox", "/transfers", "/referrals", "/audits", "/reports", "/consents", "/training",
		"/teaching", "/policies", "/plan", "/data-rights", "/directory/leads", "/help", "/account/settings"},
	lifeguard.RoleManager: {"/report", "/my-reports", "/children", "/audits", "/reports", "/consents", "/training", "/teaching",
		"/policies", "/plan", "/directory/leads", "/help", "/account/settings"},
	lifeguard.RolePartnership: {"/audits", "/reports", "/policies", "/plan", "/referrals/directory", "/directory/procedure",
		"/partnership-access", "/directory/leads", "/help", "/account/settings"},
	lifeguard.RoleAdmin: {"/policies", "/plan", "/referrals/directory", "/directory/procedure", "/data-rights", "/directory/leads",
		"/admin/alerts", "/admin/sign-in", "/admin/retention", "/help", "/account/settings"},
}

// TestNavigationKeepsEveryPage: each role's navigation leads to the same
// pages as before, each once, either at the top or on the hub (two clicks
// at most); the top has at most eight entries with the hub, help,
// settings and signing out; and the entry of the page shown, or the hub's
// when the page is one of the hub's, is the one marked current.
func TestNavigationKeepsEveryPage(t *testing.T) {
	for role, want := range navBefore {
		t.Run(string(role), func(t *testing.T) {
			n := navigationFor(role, "")
			var got []string
			for _, l := range n.Top {
				got = append(got, l.Href)
			}
			var hub []navLink
			for _, g := range n.Groups {
				if len(g.Links) == 0 {
					t.Errorf("hub group %q is empty", g.Heading)
				}
				hub = append(hub, g.Links...)
			}
			for _, l := range hub {
				got = append(got, l.Href)
				if l.About == "" {
					t.Errorf("%s has no line on the hub", l.Href)
				}
			}
			got = append(got, n.Help.Href, n.Settings.Href)
			if dup := len(got) - len(slices.Compact(slices.Sorted(slices.Values(got)))); dup != 0 {
				t.Errorf("%d pages shown twice: %v", dup, got)
			}
			if !sameSet(got, want) {
				t.Errorf("pages %v\nwant %v", got, want)
			}
			// The hub, help, settings and signing out join the top's own.
			if top := len(n.Top) + 4; top > 8 {
				t.Errorf("%d entries at the top", top)
			}
			if len(n.Primary) == 0 || len(n.Primary)+len(n.Rest) != len(n.Top) {
				t.Errorf("primary %v and rest %v do not split the top %v", n.Primary, n.Rest, n.Top)
			}
			if n.Hub.Href != "/registers" {
				t.Errorf("hub entry %+v", n.Hub)
			}

			for _, l := range append(slices.Clone(n.Top), n.Help, n.Settings) {
				c := navigationFor(role, l.Nav)
				if c.HubCurrent || countCurrent(c) != 1 {
					t.Errorf("on %s: hub current %v, %d entries current", l.Href, c.HubCurrent, countCurrent(c))
				}
			}
			for _, l := range hub {
				c := navigationFor(role, l.Nav)
				if !c.HubCurrent || c.HubPage || countCurrent(c) != 1 {
					t.Errorf("on %s: hub current %v (page %v), %d entries current", l.Href, c.HubCurrent, c.HubPage, countCurrent(c))
				}
			}
			if c := navigationFor(role, hubNav); !c.HubCurrent || !c.HubPage || countCurrent(c) != 0 {
				t.Errorf("on the hub: hub current %v (page %v), %d entries current", c.HubCurrent, c.HubPage, countCurrent(c))
			}
		})
	}
}

// countCurrent counts the entries marked current, the hub's apart.
func countCurrent(n navigation) int {
	c := 0
	for _, l := range n.Top {
		if l.Current {
			c++
		}
	}
	for _, g := range n.Groups {
		for _, l := range g.Links {
			if l.Current {
				c++
			}
		}
	}
	if n.Help.Current {
		c++
	}
	if n.Settings.Current {
		c++
	}
	return c
}

func sameSet(a, b []string) bool {
	return slices.Equal(slices.Compact(slices.Sorted(slices.Values(a))), slices.Compact(slices.Sorted(slices.Values(b))))
}
