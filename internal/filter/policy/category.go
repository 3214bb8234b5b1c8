package policy

import "math/bits"

// Category codes. They are stable: events, alerts and reports carry them.
// The first two are illegal content, which no policy can switch off and no
// allow list overrides.
const (
	CSAM           = "csam"
	Terrorism      = "terrorism"
	Pornography    = "pornography"
	Gambling       = "gambling"
	Drugs          = "drugs"
	Extremism      = "extremism"
	Hate           = "hate"
	MalwareHacking = "malware_hacking"
	Piracy         = "piracy"
	SelfHarm       = "self_harm"
	Violence       = "violence"
	FilterBypass   = "filter_bypass"
	SocialNetworks = "social_networks"
	Games          = "games"
	Chat           = "chat"
	Dating         = "dating"

	// Local is the category of a name blocked by the configuration's own
	// block entries (top level or a group's), not by a category list.
	Local = "local"
)

// Categories lists the category codes that lists can be given for, in the
// order of the UK Safer Internet Centre's definitions of appropriate filtering
// followed by the bypass and policy categories.
var Categories = []string{
	CSAM, Terrorism, Pornography, Gambling, Drugs, Extremism, Hate, MalwareHacking,
	Piracy, SelfHarm, Violence, FilterBypass, SocialNetworks, Games, Chat, Dating,
}

// priority is the order in which a name in several blocked categories is
// reported: illegal content first, then the categories that raise an alert,
// then by harm. A category's bit in a mask is its index here, so the lowest
// set bit of a mask is the category to report.
var priority = [...]string{
	CSAM, Terrorism, SelfHarm, Extremism, Pornography, Violence, Hate, Drugs,
	Gambling, MalwareHacking, FilterBypass, Piracy, Dating, Chat, SocialNetworks, Games,
}

const (
	numCategories = len(priority)
	illegalMask   = 1<<0 | 1<<1 // csam, terrorism
	categoryMask  = 1<<numCategories - 1
	// Allow lists take the bits above the categories.
	maxAllowLists = 64 - numCategories
)

func categoryBit(code string) (uint64, bool) {
	for i, c := range priority {
		if c == code {
			return 1 << i, true
		}
	}
	return 0, false
}

// firstCategory returns the code of the highest-priority category in mask.
func firstCategory(mask uint64) string {
	return priority[bits.TrailingZeros64(mask)]
}

// IsCategory reports whether code is a category lists can be given for.
func IsCategory(code string) bool {
	_, ok := categoryBit(code)
	return ok
}

// Illegal reports whether the category is illegal content: never switchable,
// never overridden by an allow list.
func Illegal(code string) bool { return code == CSAM || code == Terrorism }

// Alerting reports whether an attempt on the category must raise an alert to
// the organisation's safeguarding lead.
func Alerting(code string) bool {
	return code == CSAM || code == Terrorism || code == SelfHarm || code == Extremism
}

// reasons are the block page's explanations, written for a child to read.
var reasons = map[string]string{
	CSAM: "This site is blocked because it may show children being hurt. That is against the law. " +
		"If you saw something that upset or worried you, tell an adult you trust. You are not in trouble.",
	Terrorism: "This site is blocked because it may try to get people to hurt or kill others for a cause. " +
		"Sharing it is against the law. If something you saw worried you, tell an adult you trust.",
	Pornography: "This site shows grown-ups with no clothes on or doing sexual things. It is not meant for children.",
	Gambling:    "This site is for betting money on games, cards or sport. Betting is only for adults, and people can lose a lot of money.",
	Drugs:       "This site is about illegal drugs, or selling them. Drugs like these can badly harm your body and your mind.",
	Extremism: "This site may try to make you believe that hating or hurting people who are different is right. " +
		"If something you read online worries you, talk to an adult you trust.",
	Hate: "This site says hurtful and unfair things about people because of who they are, where they come from " +
		"or what they believe. Everyone deserves to be treated kindly.",
	MalwareHacking: "This site could harm your device or steal your information, or it shows how to break into other people's computers.",
	Piracy: "This site shares films, music, games or apps without the permission of the people who made them. " +
		"Files from sites like this often hide viruses.",
	SelfHarm: "This site talks about people hurting themselves in ways that are not safe. If you feel sad, worried " +
		"or want to hurt yourself, please talk to an adult you trust, or call Childline free on 0800 1111, any time.",
	Violence:     "This site shows or talks about hurting people or animals, or how to make weapons.",
	FilterBypass: "This site is a way to get around the filter that keeps this network safe, so it is blocked.",
	SocialNetworks: "Social media sites are switched off for your group on this network at the moment. " +
		"If you need one for your work, ask a member of staff.",
	Games:  "Games sites are switched off for your group at this time. They may be on at other times of the day.",
	Chat:   "Chat sites, where you can talk to people you do not know, are switched off for your group on this network.",
	Dating: "This site is for adults looking for a boyfriend or girlfriend. It is not for children.",
	Local:  "The people who look after this network have chosen to block this site.",
}

const defaultReason = "This site is blocked on this network."

// Reason returns the block page's explanation of a category, in words a child
// understands. An unknown or empty category gets a general sentence.
func Reason(category string) string {
	if r, ok := reasons[category]; ok {
		return r
	}
	return defaultReason
}
