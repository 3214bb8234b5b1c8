package web

import (
	"slices"

	"github.com/lifeguard-scp/lifeguard"
)

// helpAudience is who a help or reporting service is for.
type helpAudience string

const (
	forChildren      helpAudience = "children"
	forParents       helpAudience = "parents"
	forProfessionals helpAudience = "professionals"
)

// helpPhone is a number to call, with the digits a phone link dials.
type helpPhone struct {
	Number string // as people write it: 0800 1111
	Tel    string // for a tel: link: 08001111
	When   string // what the number is for, when the service has more than one
}

// helpService is one help or reporting service outside the organisation, as
// the help page shows it and as the concern pages show it beside a route.
// Phone numbers are given only where they are certain; otherwise the
// website is the way in.
type helpService struct {
	ID     string // the anchor of its card on the help page: /help#svc-ceop
	Name   string
	For    string // what it is for, in plain English
	Who    string // who can use it
	URL    string // the service's public address
	Phones []helpPhone
	// Warning is a line that must be read before using the service, such
	// as never to send an image to anyone.
	Warning   string
	Audiences []helpAudience
	// Routes are the procedure's route codes whose action is to use this
	// service, or that it helps with.
	Routes []lifeguard.RouteCode
	// Types are the concern types it deals with. AnyChild marks a service
	// for any worry about a child: every type except a worker targeted
	// online, which is about an adult.
	Types    []lifeguard.ConcernType
	AnyChild bool
}

// Serves reports whether the service is meant for the audience.
func (s helpService) Serves(a helpAudience) bool { return slices.Contains(s.Audiences, a) }

// Covers reports whether the service deals with concern type t.
func (s helpService) Covers(t lifeguard.ConcernType) bool {
	if s.AnyChild && t != "professional_targeted" {
		return true
	}
	return slices.Contains(s.Types, t)
}

// Helps reports whether the service is the way to follow route code c.
func (s helpService) Helps(c lifeguard.RouteCode) bool { return slices.Contains(s.Routes, c) }

var helpEveryone = []helpAudience{forChildren, forParents, forProfessionals}

// helpCatalogue is the help page's content, kept as data so that the
// concern pages can show the same services beside the routes that need
// them. The order is the page's: emergencies first, then the services that
// deal with the most serious harm. It is unexported and read through
// helpServices, which hands out a copy.
var helpCatalogue = [...]helpService{
	{
		ID:   "police",
		Name: "The police: 999 and 101",
		For: "Call 999 if a child or anyone else is in immediate danger, or a crime is happening now. " +
			"Call 101 to report a crime or a worry to the police when nobody is in immediate danger.",
		Who:       "Anyone.",
		URL:       "https://www.police.uk/",
		Phones:    []helpPhone{{"999", "999", "in an emergency"}, {"101", "101", "when it is not an emergency"}},
		Audiences: helpEveryone,
		Routes:    []lifeguard.RouteCode{"EMERGENCY_999", "POLICE_101"},
		Types: []lifeguard.ConcernType{"grooming", "sexual_communication", "sextortion", "child_abuse_imagery",
			"threats_harassment", "hate", "criminal_exploitation", "drugs", "staff_conduct"},
	},
	{
		ID:   "ceop",
		Name: "CEOP Safety Centre",
		For: "Reporting online sexual abuse or grooming of a child to the child protection advisers of the National " +
			"Crime Agency: for example an adult who talks to a child about sex, asks for nude images, presses a child " +
			"to meet or to do things on camera, or threatens to share an image. It does not deal with bullying, " +
			"hacked accounts or fake profiles.",
		Who: "Children and young people of any age, parents and carers, and professionals. A report goes to " +
			"law enforcement, so it cannot be anonymous.",
		URL:       "https://www.ceop.police.uk/Safety-Centre/",
		Audiences: helpEveryone,
		Routes:    []lifeguard.RouteCode{"CEOP_REPORT"},
		Types:     []lifeguard.ConcernType{"grooming", "sexual_communication", "sextortion", "live_streaming"},
	},
	{
		ID:   "childline",
		Name: "Childline",
		For: "A free and confidential place for a young person to talk to a trained counsellor about anything " +
			"that worries or upsets them, online or offline, by phone or online chat, day or night.",
		Who:       "Anyone under 19 in the UK.",
		URL:       "https://www.childline.org.uk/",
		Phones:    []helpPhone{{"0800 1111", "08001111", ""}},
		Audiences: []helpAudience{forChildren},
		Routes:    []lifeguard.RouteCode{"PASTORAL_SUPPORT", "MENTAL_HEALTH_SUPPORT"},
		AnyChild:  true,
	},
	{
		ID:   "report-remove",
		Name: "Report Remove",
		For: "Helps a young person get a nude or sexual image or video of themselves taken down from the internet " +
			"and blocked from being shared again. Childline and the Internet Watch Foundation run it together, and " +
			"Childline supports the young person while it happens. It works on images that are public online, not " +
			"on ones held in private messages or on someone's phone.",
		Who:       "Young people under 18, about an image of themselves. A trusted adult can help them use it.",
		URL:       "https://www.childline.org.uk/info-advice/bullying-abuse-safety/online-mobile-safety/sexting/report-nude-image-online/",
		Warning:   "Adults must not look at, ask for or pass on the image: the young person reports it themselves.",
		Audiences: helpEveryone,
		Routes:    []lifeguard.RouteCode{"REPORT_REMOVE"},
		Types:     []lifeguard.ConcernType{"nudes_sharing", "sextortion"},
	},
	{
		ID:   "iwf",
		Name: "Internet Watch Foundation (IWF)",
		For: "Reporting where child sexual abuse images or videos can be found online, so that analysts can " +
			"assess them and have them removed.",
		Who:       "Anyone, anywhere. You do not have to give your name.",
		URL:       "https://report.iwf.org.uk/",
		Warning:   "Report the web address only. Never download, screenshot, save or send the images, even to report them.",
		Audiences: helpEveryone,
		Routes:    []lifeguard.RouteCode{"IWF_REPORT"},
		Types:     []lifeguard.ConcernType{"child_abuse_imagery"},
	},
	{
		ID:   "report-harmful-content",
		Name: "Report Harmful Content",
		For: "Help when harmful content stays up after it has been reported to the site or app: bullying or " +
			"harassment, threats, impersonation, content encouraging self-harm or suicide, violent or pornographic " +
			"content, and unwanted sexual advances. Report to the platform first; the service explains how, and " +
			"can take the case up when the platform does not act.",
		Who:       "Anyone aged 13 or over in the UK.",
		URL:       "https://reportharmfulcontent.com/",
		Audiences: helpEveryone,
		Routes:    []lifeguard.RouteCode{"REPORT_HARMFUL_CONTENT", "PLATFORM_REPORT"},
		Types: []lifeguard.ConcernType{"cyberbullying", "threats_harassment", "hate", "sexual_harassment", "self_harm",
			"violent_content", "pornography", "oversharing", "professional_targeted"},
	},
	{
		ID:   "report-terrorism",
		Name: "Report online terrorist material (GOV.UK)",
		For: "The government's service for reporting material online that promotes terrorism or violent " +
			"extremism, such as videos, images, speeches, posts or whole websites, so that it can be assessed and " +
			"taken down.",
		Who: "Anyone. Members of the public may report without a name; staff follow their organisation's " +
			"procedure and tell their safeguarding lead as well.",
		URL:       "https://www.gov.uk/report-terrorism",
		Warning:   "Do not share or forward the material, even to report it.",
		Audiences: helpEveryone,
		Routes:    []lifeguard.RouteCode{"TERRORISM_REPORT"},
		Types:     []lifeguard.ConcernType{"extremist_content", "radicalisation"},
	},
	{
		ID:   "report-fraud",
		Name: "Report Fraud",
		For: "The national service for reporting fraud and cyber crime, such as scams, phishing, hacked accounts, " +
			"identity theft and money muling. It replaced Action Fraud in December 2025.",
		Who:       "Anyone in England, Wales or Northern Ireland. In Scotland, report to Police Scotland on 101.",
		URL:       "https://www.reportfraud.police.uk/",
		Audiences: []helpAudience{forParents, forProfessionals},
		Routes:    []lifeguard.RouteCode{"REPORT_FRAUD"},
		Types:     []lifeguard.ConcernType{"scams_fraud", "cybercrime"},
	},
	{
		ID:   "professionals-helpline",
		Name: "Professionals Online Safety Helpline",
		For: "Advice on any online-safety problem met at work, whether it affects the children or the staff " +
			"themselves: staff harassed, abused or impersonated online, harmful posts about the organisation, " +
			"incidents with nude images, or content that a platform will not remove. It is part of the UK Safer " +
			"Internet Centre and can raise problems with many platforms directly.",
		Who:       "People who work or volunteer with children and young people in the UK.",
		URL:       "https://saferinternet.org.uk/professionals-online-safety-helpline",
		Audiences: []helpAudience{forProfessionals},
		Routes:    []lifeguard.RouteCode{"PROFESSIONALS_HELPLINE", "PLATFORM_REPORT"},
		Types: []lifeguard.ConcernType{"professional_targeted", "nudes_sharing", "cyberbullying", "sexual_harassment",
			"oversharing", "misinformation", "inappropriate_access"},
	},
	{
		ID:   "nspcc",
		Name: "NSPCC Helpline",
		For: "Advice from child protection specialists for any adult who is worried about a child, online or " +
			"offline. They can pass a concern on to the police or children's social care when a child needs " +
			"protecting.",
		Who:       "Any adult in the UK, including parents, carers and professionals. You do not have to give your name.",
		URL:       "https://www.nspcc.org.uk/keeping-children-safe/reporting-abuse/",
		Phones:    []helpPhone{{"0808 800 5000", "08088005000", ""}},
		Audiences: []helpAudience{forParents, forProfessionals},
		AnyChild:  true,
	},
}

// helpServices returns the catalogue in the help page's order.
func helpServices() []helpService {
	out := make([]helpService, len(helpCatalogue))
	copy(out, helpCatalogue[:])
	return out
}

// servicesFor returns the help and reporting services that the route
// codes use or are helped by, once each, in the help page's order, for a
// page to show beside a concern's routes: for example CEOP beside
// CEOP_REPORT, Report Remove beside REPORT_REMOVE, Childline beside
// PASTORAL_SUPPORT. Routes that need no outside service (DSL_REVIEW,
// LADO_REFERRAL: a local contact) give none. Each service's ID is
// the anchor of its card on the help page, so a page can link to
// "/help#svc-"+ID for more.
//
// It is a method so that a partnership's local contacts can later change
// what it returns without changing its callers.
func (wb *Web) servicesFor(codes []lifeguard.RouteCode) []helpService {
	var out []helpService
	for _, s := range helpCatalogue {
		for _, c := range codes {
			if s.Helps(c) {
				out = append(out, s)
				break
			}
		}
	}
	return out
}

// servicesForTypes returns the services that deal with any of the concern
// types, in the help page's order.
func (wb *Web) servicesForTypes(types []lifeguard.ConcernType) []helpService {
	var out []helpService
	for _, s := range helpCatalogue {
		for _, t := range types {
			if s.Covers(t) {
				out = append(out, s)
				break
			}
		}
	}
	return out
}
