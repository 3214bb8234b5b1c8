package web

import (
	"net/http"

	"github.com/lifeguard-scp/lifeguard"
)

// helpSection is one "who are you" section of the help page.
type helpSection struct {
	ID       string
	Heading  string
	Intro    string
	Services []helpService
}

// helpType is one concern type in the help page's index, with the services
// that deal with it.
type helpType struct {
	Label    string
	Covers   string
	Services []helpService
}

type helpTypeGroup struct {
	Heading string
	Types   []helpType
}

type helpData struct {
	Audiences []helpSection
	Services  []helpService
	ByType    []helpTypeGroup
}

// help shows the help and reporting services for children, parents and
// carers, and professionals, and which of them deal with each kind of
// concern. Anyone may read it, signed in or not: a child or a parent may
// be sent here. It takes no query, so nothing about what a visitor was
// looking for reaches a log or a browser's history.
func (wb *Web) help(w http.ResponseWriter, r *http.Request) error {
	// The one page search engines may list: a child or a parent searching
	// for help may find it. The server marks every other answer noindex.
	w.Header().Del("X-Robots-Tag")
	all := helpServices()
	d := helpData{Services: all}
	for _, a := range []struct {
		aud            helpAudience
		id, head, text string
	}{
		{forChildren, "for-children", "For children and young people",
			"If something online has worried or upset you, you are not in trouble. Tell an adult you trust, or use one of these."},
		{forParents, "for-parents", "For parents and carers",
			"If you are worried about your child, you can also talk to their school or the safeguarding lead of any group they go to."},
		{forProfessionals, "for-professionals", "For people who work with children",
			"Tell your designated safeguarding lead first, and record the concern in Lifeguard. These services are the ones the procedure may send you to."},
	} {
		ha := helpSection{ID: a.id, Heading: a.head, Intro: a.text}
		for _, s := range all {
			if s.Serves(a.aud) {
				ha.Services = append(ha.Services, s)
			}
		}
		d.Audiences = append(d.Audiences, ha)
	}
	for _, g := range fourCsGroups() {
		hg := helpTypeGroup{Heading: g.Heading}
		for _, t := range g.Types {
			hg.Types = append(hg.Types, helpType{Label: t.Label, Covers: t.Covers,
				Services: wb.servicesForTypes([]lifeguard.ConcernType{t.Code})})
		}
		d.ByType = append(d.ByType, hg)
	}
	return wb.render(w, r, http.StatusOK, "help.html", page{Title: "Help and reporting services", Nav: "help", Data: d, QuickExit: true})
}

// fourCsGroup is the concern types of one part of the 4Cs, as the report form
// and the help page group them.
type fourCsGroup struct {
	Area    lifeguard.Area
	Heading string
	Hint    string
	Types   []lifeguard.ConcernTypeInfo
}

// fourCsOrder is the order of the groups: the 4Cs, then the cross-cutting
// risks, then adults at work, then anything else (the "other" type, which
// has no area).
var fourCsOrder = [...]struct {
	area          lifeguard.Area
	heading, hint string
}{
	{"content", "Content", "what a child sees or is shown"},
	{"contact", "Contact", "who a child talks to or meets"},
	{"conduct", "Conduct", "what a child does or takes part in"},
	{"commerce", "Commerce", "money, buying, selling and gambling"},
	{"cross-cutting", "Privacy and wellbeing", "how a child uses the internet"},
	{"adults at work", "Adults who work with children", "a worker's conduct, or a worker targeted"},
	{"", "Something else", "when nothing above fits"},
}

// fourCsGroups returns the catalogue's types grouped as the form shows
// them, each group in the catalogue's order.
func fourCsGroups() []fourCsGroup {
	types := lifeguard.ConcernTypes()
	out := make([]fourCsGroup, 0, len(fourCsOrder))
	for _, g := range fourCsOrder {
		tg := fourCsGroup{Area: g.area, Heading: g.heading, Hint: g.hint}
		for _, t := range types {
			if t.Area == g.area {
				tg.Types = append(tg.Types, t)
			}
		}
		out = append(out, tg)
	}
	return out
}
