package web

import (
	"slices"

	"github.com/lifeguard-scp/lifeguard"
)

// The main navigation, worked out once per role here rather than in the
// template: the desktop list, the phone menu and the registers page all
// show the same entries, and a role's list is easier to read (and to
// test) as data than as a chain of template conditions.
//
// A role sees a few entries for what it does most, in that order, and
// one entry, "Registers" (or "Directories" for the partnership and the
// administrator), for the hub page that lists everything else it may
// use. Every page is two clicks away at most: the entry, or the hub and
// then the page; on a phone, the menu lists the hub's pages too.

// hubNav is the Nav value of the hub page itself.
const hubNav = "hub"

// navLink is one page in the navigation or on the hub.
type navLink struct {
	Label string
	Href  string
	Nav   string // the page.Nav value of the page(s) it leads to
	About string // one line on the hub saying what the page holds
	// Current is set when the page shown is this one.
	Current bool
}

// navGroup is one heading of the hub page and of the phone menu.
type navGroup struct {
	Heading string
	Links   []navLink
}

// navigation is what the layout's navigation shows for one user.
type navigation struct {
	Top []navLink // in order, before the hub's entry
	// Primary are the one or two entries a phone shows beside the menu:
	// the thing the role most comes to do.
	Primary []navLink
	Rest    []navLink // Top without Primary: what the phone menu adds
	Hub     navLink   // the hub page's entry; empty when the role has none
	// HubCurrent is set when the page shown is the hub or one of its pages,
	// and HubPage when it is the hub itself.
	HubCurrent, HubPage bool
	Groups              []navGroup // the hub's pages
	Help                navLink
	Settings            navLink
}

// The pages, each once: a role's navigation picks from these.
var (
	navReport      = navLink{Label: "Report a concern", Href: "/report", Nav: "report", About: "Record a worry about a child; the procedure says what to do next."}
	navMyReports   = navLink{Label: "My reports", Href: "/my-reports", Nav: "my-reports", About: "The concerns you reported and where each has got to."}
	navChildren    = navLink{Label: "Children", Href: "/children", Nav: "children", About: "The children on your organisation's roll and their records."}
	navInbox       = navLink{Label: "Inbox", Href: "/inbox", Nav: "inbox", About: "Concerns waiting for you, most urgent first."}
	navReferrals   = navLink{Label: "Referrals", Href: "/referrals", Nav: "referrals", About: "Referrals your organisation sent to others of the partnership, and those it received."}
	navTransfers   = navLink{Label: "Transfers", Href: "/transfers", Nav: "transfers", About: "Children's files sent to your organisation by another, and those you sent."}
	navAudit       = navLink{Label: "Self-audit", Href: "/audits", Nav: "audit", About: "The online-safety self-audit and the improvements it calls for."}
	navFigures     = navLink{Label: "Our figures", Href: "/reports", Nav: "reports", About: "Your organisation's figures on the concerns reported, for a chosen period."}
	navBoard       = navLink{Label: "Board report", Href: "/reports", Nav: "reports", About: "The board's report: figures across the partnership, for a chosen period."}
	navConsents    = navLink{Label: "Photo consents", Href: "/consents", Nav: "consents", About: "Which children of a class must not be photographed, and consents to record."}
	navTraining    = navLink{Label: "Training", Href: "/training", Nav: "training", About: "Staff safeguarding training: who is in date and who is due."}
	navTeaching    = navLink{Label: "Teaching and parents", Href: "/teaching", Nav: "registers", About: "What each year group is taught, work with parents, children's voice, internet access."}
	navPolicies    = navLink{Label: "Policies", Href: "/policies", Nav: "policies", About: "Policies, their versions and who has agreed to them."}
	navPlan        = navLink{Label: "Action plan", Href: "/plan", Nav: "plan", About: "The actions of the partnership's strategy and their progress."}
	navRights      = navLink{Label: "Data requests", Href: "/data-rights", Nav: "rights", About: "Requests for a copy of personal data, or to correct or erase it."}
	navLeads       = navLink{Label: "Leads", Href: "/directory/leads", Nav: "leads", About: "Who leads on safeguarding and online safety in each organisation."}
	navRefDir      = navLink{Label: "Referrals directory", Href: "/referrals/directory", Nav: "directory", About: "Which organisation receives each route that goes to another agency."}
	navProcedure   = navLink{Label: "Local procedure", Href: "/directory/procedure", Nav: "procedure", About: "The partnership's procedure: its versions, a preview of changes, export."}
	navPartnership = navLink{Label: "Subject access", Href: "/partnership-access", Nav: "partnership-access", About: "Requests for what every organisation holds about a child."}
	navAlerts      = navLink{Label: "Alerts", Href: "/admin/alerts", Nav: "alerts", About: "Alert emails and webhooks, and any not delivered."}
	navSignIn      = navLink{Label: "Sign-in providers", Href: "/admin/sign-in", Nav: "sign-in", About: "Organisations' own accounts people may sign in with."}
	navRetention   = navLink{Label: "Retention", Href: "/admin/retention", Nav: "retention", About: "The records falling due for erasure by the retention schedule."}
	navHelp        = navLink{Label: "Help", Href: "/help", Nav: "help"}
	navSettings    = navLink{Label: "Settings", Href: "/account/settings", Nav: "settings"}
)

// navPlanFor is a role's navigation before the current page is marked.
type navPlanFor struct {
	top, primary []navLink
	hubLabel     string
	groups       []navGroup
}

// navPlanOf says what each role sees. The order of top is the order of
// what the role does most; the hub's groups hold the rest.
func navPlanOf(role lifeguard.Role) navPlanFor {
	registers := func(links ...navLink) navGroup {
		return navGroup{Heading: "Consents, training and teaching", Links: links}
	}
	planning := func(links ...navLink) navGroup { return navGroup{Heading: "Planning and policies", Links: links} }
	directories := func(links ...navLink) navGroup { return navGroup{Heading: "Directories", Links: links} }
	requests := func(links ...navLink) navGroup { return navGroup{Heading: "Requests and transfers", Links: links} }
	switch role {
	case lifeguard.RoleStaff:
		return navPlanFor{
			top:      []navLink{navReport, navMyReports, navChildren},
			primary:  []navLink{navReport},
			hubLabel: "Registers",
			groups: []navGroup{
				registers(navConsents, navTraining, navTeaching),
				planning(navPolicies, navPlan),
			},
		}
	case lifeguard.RoleDSL:
		return navPlanFor{
			top:      []navLink{navInbox, navReport, navChildren, navReferrals},
			primary:  []navLink{navInbox, navReport},
			hubLabel: "Registers",
			groups: []navGroup{
				registers(navConsents, navTraining, navTeaching),
				planning(navAudit, navFigures, navPolicies, navPlan),
				requests(navTransfers, navRights),
				directories(navLeads),
			},
		}
	case lifeguard.RoleManager:
		return navPlanFor{
			top:      []navLink{navReport, navMyReports, navChildren},
			primary:  []navLink{navReport},
			hubLabel: "Registers",
			groups: []navGroup{
				registers(navConsents, navTraining, navTeaching),
				planning(navAudit, navFigures, navPolicies, navPlan),
				directories(navLeads),
			},
		}
	case lifeguard.RolePartnership:
		return navPlanFor{
			top:      []navLink{navBoard, navAudit, navPartnership},
			primary:  []navLink{navBoard},
			hubLabel: "Directories",
			groups: []navGroup{
				planning(navPlan, navPolicies),
				directories(navLeads, navRefDir, navProcedure),
			},
		}
	case lifeguard.RoleAdmin:
		return navPlanFor{
			top:      []navLink{navAlerts, navRights, navRetention},
			primary:  []navLink{navAlerts},
			hubLabel: "Directories",
			groups: []navGroup{
				directories(navLeads, navRefDir, navProcedure),
				planning(navPolicies, navPlan),
				navGroup{Heading: "Administration", Links: []navLink{navSignIn}},
			},
		}
	}
	// The device accounts never sign in to the pages (they have API tokens
	// only); should one have a session, it sees what it saw before.
	return navPlanFor{top: []navLink{navPlan}}
}

// navigationFor is the navigation of a user on the page whose Nav is cur.
func navigationFor(role lifeguard.Role, cur string) navigation {
	pl := navPlanOf(role)
	mark := func(links []navLink) []navLink {
		out := make([]navLink, len(links))
		for i, l := range links {
			l.Current = l.Nav == cur
			out[i] = l
		}
		return out
	}
	n := navigation{Top: mark(pl.top), Primary: mark(pl.primary), Help: navHelp, Settings: navSettings}
	for _, l := range n.Top {
		if !slices.ContainsFunc(n.Primary, func(p navLink) bool { return p.Href == l.Href }) {
			n.Rest = append(n.Rest, l)
		}
	}
	n.Help.Current, n.Settings.Current = cur == navHelp.Nav, cur == navSettings.Nav
	if pl.hubLabel == "" {
		return n
	}
	n.Hub = navLink{Label: pl.hubLabel, Href: "/registers", Nav: hubNav, Current: cur == hubNav}
	n.HubPage = cur == hubNav
	n.HubCurrent = n.HubPage
	for _, g := range pl.groups {
		g.Links = mark(g.Links)
		for _, l := range g.Links {
			n.HubCurrent = n.HubCurrent || l.Current
		}
		n.Groups = append(n.Groups, g)
	}
	return n
}

// Navigation is the signed-in user's navigation for the layout.
func (p page) Navigation() navigation {
	if p.User == nil {
		return navigation{}
	}
	return navigationFor(p.User.Role, p.Nav)
}
