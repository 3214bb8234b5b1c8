package web

import (
	"github.com/lifeguard-scp/lifeguard"
)

// The words for codes live beside the codes in package lifeguard (Label
// methods); what is here is how the pages group and show a concern's facts.

func typeWords(types []lifeguard.ConcernType) []string {
	out := make([]string, len(types))
	for i, t := range types {
		if info, ok := lifeguard.LookupConcernType(t); ok {
			out[i] = info.Label
		} else {
			out[i] = string(t)
		}
	}
	return out
}

// factFlag is one yes-or-no fact of a concern: its path in the facts (and
// the form's field name), the group it belongs to and what it says.
type factFlag struct {
	Path  string
	Group string
	Label string
	get   func(*lifeguard.Facts) *bool
}

// Groups of flags, in the order the facts show them.
const (
	groupParties = "Who else is involved"
	groupRisk    = "Risk"
	groupImages  = "Images"
	groupDetails = "Details"
	groupStaff   = "A worker's conduct"
)

var flagGroups = []string{groupParties, groupRisk, groupImages, groupDetails, groupStaff}

var factFlags = []factFlag{
	{"parties.adult_involved", groupParties, "An adult is involved, or someone believed to be one", func(f *lifeguard.Facts) *bool { return &f.Parties.AdultInvolved }},
	{"parties.peer_involved", groupParties, "Another child or young person is involved", func(f *lifeguard.Facts) *bool { return &f.Parties.PeerInvolved }},
	{"parties.unknown_involved", groupParties, "Someone not known is involved", func(f *lifeguard.Facts) *bool { return &f.Parties.UnknownInvolved }},

	{"risk.immediate_danger", groupRisk, "The child is in immediate danger", func(f *lifeguard.Facts) *bool { return &f.Risk.ImmediateDanger }},
	{"risk.risk_to_life", groupRisk, "There is a risk to life", func(f *lifeguard.Facts) *bool { return &f.Risk.RiskToLife }},
	{"risk.additional_needs", groupRisk, "The child or family needs extra support", func(f *lifeguard.Facts) *bool { return &f.Risk.AdditionalNeeds }},
	{"risk.parents_pose_risk", groupRisk, "Parents or carers may be a risk to the child", func(f *lifeguard.Facts) *bool { return &f.Risk.ParentsPoseRisk }},

	{"images.involved", groupImages, "Images or videos are involved", func(f *lifeguard.Facts) *bool { return &f.Images.Involved }},
	{"images.self_generated", groupImages, "The child took the images of themself", func(f *lifeguard.Facts) *bool { return &f.Images.SelfGenerated }},
	{"images.online", groupImages, "The images are online", func(f *lifeguard.Facts) *bool { return &f.Images.Online }},
	{"images.sexual_acts", groupImages, "The images show sexual acts", func(f *lifeguard.Facts) *bool { return &f.Images.SexualActs }},
	{"images.atypical_or_violent", groupImages, "The images show violent or unusual acts", func(f *lifeguard.Facts) *bool { return &f.Images.AtypicalOrViolent }},
	{"images.under_13_depicted", groupImages, "A child under 13 is in the images", func(f *lifeguard.Facts) *bool { return &f.Images.Under13Depicted }},
	{"images.capacity_concern", groupImages, "There are doubts about the child's capacity to consent", func(f *lifeguard.Facts) *bool { return &f.Images.CapacityConcern }},
	{"images.known_child", groupImages, "A known child is in the images", func(f *lifeguard.Facts) *bool { return &f.Images.KnownChild }},
	{"images.malicious_sharing", groupImages, "Shared, or threatened, without consent: to hurt, scare or gain", func(f *lifeguard.Facts) *bool { return &f.Images.MaliciousSharing }},

	{"details.meeting_arranged", groupDetails, "A meeting in person has been arranged", func(f *lifeguard.Facts) *bool { return &f.Details.MeetingArranged }},
	{"details.coercion", groupDetails, "The child was pressured, tricked or blackmailed", func(f *lifeguard.Facts) *bool { return &f.Details.Coercion }},
	{"details.threats", groupDetails, "Threats were made", func(f *lifeguard.Facts) *bool { return &f.Details.Threats }},
	{"details.repeated", groupDetails, "It has happened more than once", func(f *lifeguard.Facts) *bool { return &f.Details.Repeated }},
	{"details.hate_motivated", groupDetails, "It was motivated by hate", func(f *lifeguard.Facts) *bool { return &f.Details.HateMotivated }},
	{"details.location_known", groupDetails, "We know where the material is online", func(f *lifeguard.Facts) *bool { return &f.Details.LocationKnown }},
	{"details.suspect_known", groupDetails, "We know who may have done it", func(f *lifeguard.Facts) *bool { return &f.Details.SuspectKnown }},
	{"details.encouraged_by_other", groupDetails, "Someone else is encouraging it", func(f *lifeguard.Facts) *bool { return &f.Details.EncouragedByOther }},
	{"details.supply", groupDetails, "Drugs are being supplied", func(f *lifeguard.Facts) *bool { return &f.Details.Supply }},
	{"details.on_organisation_network", groupDetails, "It happened on our own devices or network", func(f *lifeguard.Facts) *bool { return &f.Details.OnOrganisationNetwork }},
	{"details.other_settings_involved", groupDetails, "Children of other organisations are involved", func(f *lifeguard.Facts) *bool { return &f.Details.OtherSettingsInvolved }},

	{"staff.harmed_child", groupStaff, "The worker has harmed a child, or may have", func(f *lifeguard.Facts) *bool { return &f.Staff.HarmedChild }},
	{"staff.possible_offence", groupStaff, "The worker may have committed an offence against or related to a child", func(f *lifeguard.Facts) *bool { return &f.Staff.PossibleOffence }},
	{"staff.poses_risk", groupStaff, "The worker may pose a risk of harm to children", func(f *lifeguard.Facts) *bool { return &f.Staff.PosesRisk }},
	{"staff.unsuitable", groupStaff, "The worker may not be suitable to work with children", func(f *lifeguard.Facts) *bool { return &f.Staff.Unsuitable }},
	{"staff.private_contact", groupStaff, "The worker contacted a child through personal accounts, phone or messages", func(f *lifeguard.Facts) *bool { return &f.Staff.PrivateContact }},
}

// imageTypes are the concern types that are about images in themselves.
var imageTypes = []lifeguard.ConcernType{"nudes_sharing", "child_abuse_imagery", "sextortion"}

// imageBased reports whether a concern involves images of a child, which
// must never be uploaded, viewed or stored: only described.
func imageBased(f *lifeguard.Facts) bool {
	if f.Images.Involved {
		return true
	}
	for _, t := range imageTypes {
		if f.HasType(t) {
			return true
		}
	}
	return false
}
