package web

import (
	"slices"

	"github.com/lifeguard-scp/lifeguard"
)

// Sets of concern types, as the England baseline procedure names them
// (internal/procedure/baseline.yaml, "sets").
var (
	baselineSexualTypes = []lifeguard.ConcernType{"grooming", "sexual_communication", "sextortion", "nudes_sharing",
		"child_abuse_imagery", "sexual_harassment", "live_streaming"}
	// baselineNetworkTypes are the types whose material reached on the
	// organisation's own devices or network calls for a filtering review
	// (rule INAPPROPRIATE_ACCESS, widened in 2026.2).
	baselineNetworkTypes = []lifeguard.ConcernType{"pornography", "violent_content", "extremist_content", "self_harm",
		"child_abuse_imagery", "gambling", "drugs", "hate"}
	// coercionTypes are the types where coercion changes the routes: the
	// child's own image in nudes, a live stream or abuse imagery (rules
	// NUDES_REFER, EVIDENCE and ADULT_SEXUAL).
	coercionTypes = []lifeguard.ConcernType{"nudes_sharing", "live_streaming", "child_abuse_imagery"}
	// imagesOnlineTypes are the types for which it matters whether images
	// are online: the sexual types, and oversharing.
	imagesOnlineTypes = slices.Concat(baselineSexualTypes, []lifeguard.ConcernType{"oversharing"})
)

// typeSelection is what the follow-up questions depend on: the concern types
// chosen and whether an adult or unknown person is involved.
type typeSelection struct {
	types        []lifeguard.ConcernType
	adultUnknown bool
}

func (s typeSelection) any(types ...lifeguard.ConcernType) bool {
	for _, t := range types {
		if slices.Contains(s.types, t) {
			return true
		}
	}
	return false
}

// followUp is one follow-up question on the last step: a checkbox that sets
// one flag of the facts. A question is shown only when the answer can change
// what the procedure gives for the types chosen, so that a reporter is never
// asked what does not matter. Which types each one matters for comes from
// the baseline's rules, named beside each; TestReportHiddenQuestionsNeverMatter
// checks it against the procedure.
type followUp struct {
	group string // the form field: img, staff or detail
	code  string // the value of its checkbox
	label string
	hint  string
	shown func(typeSelection) bool
	set   func(f *lifeguard.Facts)
}

func askAlways(typeSelection) bool { return true }

func askForTypes(types ...lifeguard.ConcernType) func(typeSelection) bool {
	return func(s typeSelection) bool { return s.any(types...) }
}

// imageFollowUps are the images block, shown with any sexual type (the
// image types are among them). Whether an image is online also matters for
// oversharing (rule PRIVACY). Any of them ticked means images are involved.
var imageFollowUps = [...]followUp{
	{"img", "involved", "Images or videos are part of this", "", askForTypes(imagesOnlineTypes...),
		func(f *lifeguard.Facts) { f.Images.Involved = true }},
	{"img", "self_generated", "A child took the images of themselves", "", askForTypes(baselineSexualTypes...),
		func(f *lifeguard.Facts) { f.Images.SelfGenerated = true }},
	{"img", "online", "The images are posted online, or may be", "On a website or an app's public pages, or shared widely.",
		askForTypes(imagesOnlineTypes...), func(f *lifeguard.Facts) { f.Images.Online = true }},
	{"img", "sexual_acts", "They show sexual acts", "", askForTypes(baselineSexualTypes...),
		func(f *lifeguard.Facts) { f.Images.SexualActs = true }},
	{"img", "atypical_or_violent", "What they show is violent, or unusual for the child's age and development", "",
		askForTypes(baselineSexualTypes...), func(f *lifeguard.Facts) { f.Images.AtypicalOrViolent = true }},
	{"img", "under_13_depicted", "A child under 13 is in them", "", askForTypes(baselineSexualTypes...),
		func(f *lifeguard.Facts) { f.Images.Under13Depicted = true }},
	{"img", "capacity_concern", "There is doubt whether a child involved could agree to it", "For example because of their age, a learning disability, or pressure.",
		askForTypes(baselineSexualTypes...), func(f *lifeguard.Facts) { f.Images.CapacityConcern = true }},
	{"img", "known_child", "A child known to us is in them", "", askForTypes(baselineSexualTypes...),
		func(f *lifeguard.Facts) { f.Images.KnownChild = true }},
	{"img", "malicious_sharing", "They were shared, or there were threats to share them, to hurt, shame, threaten or get something from someone", "",
		askForTypes(baselineSexualTypes...), func(f *lifeguard.Facts) { f.Images.MaliciousSharing = true }},
}

// staffFollowUps are the four harm tests of allegations guidance, and
// private contact, for a worker's conduct (rules STAFF_HARM_TEST and
// STAFF_CONDUCT).
var staffFollowUps = [...]followUp{
	{"staff", "harmed_child", "They have behaved in a way that has harmed a child, or may have", "", askForTypes("staff_conduct"),
		func(f *lifeguard.Facts) { f.Staff.HarmedChild = true }},
	{"staff", "possible_offence", "They may have committed a crime against a child, or one related to a child", "", askForTypes("staff_conduct"),
		func(f *lifeguard.Facts) { f.Staff.PossibleOffence = true }},
	{"staff", "poses_risk", "They have behaved towards a child in a way that suggests they may be a risk to children", "", askForTypes("staff_conduct"),
		func(f *lifeguard.Facts) { f.Staff.PosesRisk = true }},
	{"staff", "unsuitable", "They have behaved in a way that suggests they may not be suitable to work with children", "", askForTypes("staff_conduct"),
		func(f *lifeguard.Facts) { f.Staff.Unsuitable = true }},
	{"staff", "private_contact", "They have been in touch with a child privately", "Through personal social media, a personal phone or messaging, outside the organisation's own channels.",
		askForTypes("staff_conduct"), func(f *lifeguard.Facts) { f.Staff.PrivateContact = true }},
}

// detailFollowUps are the other facts some rules need.
var detailFollowUps = [...]followUp{
	// MEETING: any type, when an adult or an unknown person is involved.
	{"detail", "meeting_arranged", "A meeting in person with someone met online is arranged, or has happened", "",
		func(s typeSelection) bool { return s.adultUnknown }, func(f *lifeguard.Facts) { f.Details.MeetingArranged = true }},
	// NUDES_REFER, EVIDENCE and ADULT_SEXUAL.
	{"detail", "coercion", "A child was pressured, tricked, blackmailed or threatened into it", "", askForTypes(coercionTypes...),
		func(f *lifeguard.Facts) { f.Details.Coercion = true }},
	// CRIMINAL_THREAT: threats make any concern one for the police.
	{"detail", "threats", "Someone has made threats", "Of violence, to share something, or any other threat.", askAlways,
		func(f *lifeguard.Facts) { f.Details.Threats = true }},
	// CRIMINAL_THREAT: bullying that is repeated and hate-motivated.
	{"detail", "repeated", "It has happened more than once", "", askForTypes("cyberbullying"),
		func(f *lifeguard.Facts) { f.Details.Repeated = true }},
	{"detail", "hate_motivated", "It targets who the child is", "Their race, religion, disability, sexual orientation or gender identity.", askForTypes("cyberbullying"),
		func(f *lifeguard.Facts) { f.Details.HateMotivated = true }},
	// ABUSE_IMAGERY.
	{"detail", "location_known", "We know the web address where the images are", "Write it in the description. Do not visit it again to check.", askForTypes("child_abuse_imagery"),
		func(f *lifeguard.Facts) { f.Details.LocationKnown = true }},
	{"detail", "suspect_known", "We know or suspect who has the images or made them", "", askForTypes("child_abuse_imagery"),
		func(f *lifeguard.Facts) { f.Details.SuspectKnown = true }},
	// SELF_HARM.
	{"detail", "encouraged_by_other", "Another person is encouraging the child to harm themselves", "", askForTypes("self_harm"),
		func(f *lifeguard.Facts) { f.Details.EncouragedByOther = true }},
	// DRUGS.
	{"detail", "supply", "Drugs were sold or supplied, not only seen or talked about", "", askForTypes("drugs"),
		func(f *lifeguard.Facts) { f.Details.Supply = true }},
	// INAPPROPRIATE_ACCESS.
	{"detail", "on_organisation_network", "It was seen on our own devices, wifi or network", "", askForTypes(baselineNetworkTypes...),
		func(f *lifeguard.Facts) { f.Details.OnOrganisationNetwork = true }},
	// OTHER_SETTINGS: any type.
	{"detail", "other_settings_involved", "Children from other schools or organisations are involved", "", askAlways,
		func(f *lifeguard.Facts) { f.Details.OtherSettingsInvolved = true }},
}

// reportVulnerabilities say each vulnerability in plain English.
var reportVulnerabilities = map[lifeguard.Vulnerability]string{
	"looked_after":                "Looked after by the local authority (in care)",
	"care_leaver":                 "A care leaver",
	"child_protection_plan":       "Has a child protection plan",
	"child_in_need":               "A child in need, with a social worker",
	"send":                        "Special educational needs or a disability (SEND)",
	"not_in_education":            "Not in school or education",
	"young_carer":                 "A young carer",
	"unaccompanied_asylum_seeker": "An unaccompanied asylum-seeking child",
	"youth_justice":               "Known to the youth justice service",
	"disadvantaged":               "Disadvantaged, for example eligible for free school meals",
	"isolated":                    "Isolated, with few friends or little support",
	"mental_health":               "Has mental health needs",
}

// reportRoles say the child's part in plain English, in the catalogue's order.
var reportRoles = [...]struct {
	role  lifeguard.ChildRole
	label string
}{
	{"victim", "Harmed, or at risk of harm"},
	{"perpetrator", "Caused harm to someone else"},
	{"both", "Both harmed and caused harm"},
	{"witness", "Saw it or was told about it"},
	{"unknown", "Not known yet"},
}

var reportParties = [...]struct{ code, label string }{
	{"adult", "An adult, or someone the child believes is an adult"},
	{"peer", "Another child"},
	{"unknown", "Someone whose age or identity is not known"},
}

var reportHarms = [...]struct{ code, label string }{
	{"yes", "Yes"},
	{"no", "No"},
	{"unsure", "Not sure"},
}

// reportRisks are the other risk questions about the child.
var reportRisks = [...]struct{ code, label, hint string }{
	{"life", "The child's life may be at risk", "For example they have talked about ending their life."},
	{"early_help", "The child or family may need extra support", "Early help, below the level of significant harm."},
	{"parents", "Telling the parents or carers could put the child at risk", ""},
}
