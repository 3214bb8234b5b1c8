package lifeguard

import (
	"time"
)

// ConcernType is a stable code for a kind of online-safety concern
// (procedure.md, "Concern types"). Stored records, the API and reports use it.
type ConcernType string

// Area and Nature place a concern type in the 4Cs (content, contact, conduct,
// commerce) and its nature (aggressive, sexual, values, commercial). A few
// types are cross-cutting or about adults at work.
type (
	Area   string
	Nature string
)

// ConcernTypeInfo describes one concern type for pages and reports.
type ConcernTypeInfo struct {
	Code   ConcernType `json:"code"`
	Area   Area        `json:"area"`
	Nature Nature      `json:"nature"`
	Label  string      `json:"label"`
	Covers string      `json:"covers"`
}

// concernTypes is the catalogue in procedure.md's order. It is unexported so
// that no caller can change it; ConcernTypes hands out a copy.
var concernTypes = [...]ConcernTypeInfo{
	{"grooming", "contact", "sexual", "Grooming", "someone building a relationship with a child online in order to abuse them sexually"},
	{"sexual_communication", "contact", "sexual", "Sexual messages from an adult", "sexual messages, requests or chat from an adult, or someone believed to be one, to a child"},
	{"sextortion", "contact", "sexual", "Sextortion", "threats to share a child's sexual image unless they pay or send more"},
	{"nudes_sharing", "conduct", "sexual", "Sharing nudes or semi-nudes", "a child creating, sending, receiving or holding nude or semi-nude images of under-18s"},
	{"child_abuse_imagery", "content", "sexual", "Child sexual abuse images", "indecent images of children found or seen online or on a device"},
	{"sexual_harassment", "conduct", "sexual", "Sexual harassment online", "unwanted sexual comments, cyberflashing, sexualised bullying"},
	{"pornography", "content", "sexual", "Pornography", "a child seeing or being shown pornography"},
	{"live_streaming", "contact", "sexual", "Live streaming and video chat", "risks through live streaming, video chat or sharing a location"},
	{"cyberbullying", "conduct", "aggressive", "Cyberbullying", "bullying through phones, games, social media or messaging"},
	{"threats_harassment", "contact", "aggressive", "Threats or harassment", "threats of violence, stalking, persistent harassment"},
	{"hate", "conduct", "aggressive", "Online hate", "hate or discrimination online against a protected characteristic"},
	{"violent_content", "content", "aggressive", "Violent content", "violent, gory or weapons content"},
	{"radicalisation", "contact", "values", "Radicalisation", "being drawn towards extremist ideology or terrorism online, including a mixed, unclear or unstable ideology, or a fixation on mass violence (such as school shootings) with no stated cause"},
	{"extremist_content", "content", "values", "Extremist or terrorist material", "terrorist or violent extremist material"},
	{"self_harm", "content", "values", "Self-harm or suicide", "content or contact encouraging self-harm, suicide or eating disorders"},
	{"criminal_exploitation", "contact", "aggressive", "Criminal exploitation", "gangs, county lines or other criminal recruitment through online contact"},
	{"drugs", "commerce", "commercial", "Drugs", "buying or being offered drugs or psychoactive substances online"},
	{"gambling", "commerce", "commercial", "Gambling", "gambling, loot boxes bought with money, betting"},
	{"scams_fraud", "commerce", "commercial", "Scams and fraud", "phishing, scams, identity theft, money muling"},
	{"cybercrime", "conduct", "commercial", "Hacking or other computer misuse", "a child hacking, taking over accounts, piracy or other computer misuse"},
	{"misinformation", "content", "values", "Harmful misinformation", "misinformation, disinformation or conspiracy content causing harm"},
	{"oversharing", "cross-cutting", "privacy", "Oversharing", "publishing too much personal information, location or images"},
	{"problematic_use", "cross-cutting", "health", "Problematic use", "excessive or compulsive use of the internet or games harming wellbeing"},
	{"inappropriate_access", "content", "values", "Unsuitable material on our devices", "unsuitable material reached on the organisation's own devices or network"},
	{"staff_conduct", "adults at work", "", "A worker's online conduct", "the online conduct of someone who works or volunteers with children"},
	{"professional_targeted", "adults at work", "", "A worker targeted online", "a member of staff abused, bullied or impersonated online"},
	{"other", "", "", "Something else", "anything else; the description carries it"},
}

// ConcernTypes returns the catalogue of concern types in procedure.md's order.
func ConcernTypes() []ConcernTypeInfo {
	out := make([]ConcernTypeInfo, len(concernTypes))
	copy(out, concernTypes[:])
	return out
}

// LookupConcernType returns the catalogue entry for code.
func LookupConcernType(code ConcernType) (ConcernTypeInfo, bool) {
	for _, t := range concernTypes {
		if t.Code == code {
			return t, true
		}
	}
	return ConcernTypeInfo{}, false
}

// Setting is the kind of organisation that reports a concern.
type Setting string

// settings, childRoles and vulnerabilities are the catalogues behind Settings,
// ChildRoles and Vulnerabilities, kept unexported so that validation can read
// them without a copy and no caller can change them.
var settings = [...]Setting{"school", "college", "early_years", "childrens_social_care", "police", "health",
	"youth_service", "youth_justice", "probation", "voluntary", "other"}

// Settings lists the valid settings in the schema's order.
func Settings() []Setting { return append([]Setting(nil), settings[:]...) }

// settingWords are what people read for each setting: one organisation of
// the kind, and the kind as a group of them, as a report's rows name them.
var settingWords = map[Setting]struct{ one, many string }{
	"school":                {"School", "Schools"},
	"college":               {"College", "Colleges"},
	"early_years":           {"Early years setting", "Early years settings"},
	"childrens_social_care": {"Children's social care", "Children's social care"},
	"police":                {"Police", "Police"},
	"health":                {"Health service", "Health services"},
	"youth_service":         {"Youth service", "Youth services"},
	"youth_justice":         {"Youth justice service", "Youth justice services"},
	"probation":             {"Probation service", "Probation services"},
	"voluntary":             {"Voluntary or community group", "Voluntary and community groups"},
	"other":                 {"Another kind of organisation", "Other organisations"},
}

// Label is the words for one organisation of the setting, or the code itself
// when there are none, so that a code added later still shows.
func (s Setting) Label() string {
	if w, ok := settingWords[s]; ok {
		return w.one
	}
	return string(s)
}

// GroupLabel is the words for organisations of the setting as a group, as a
// report's rows name them, or the code itself when there are none.
func (s Setting) GroupLabel() string {
	if w, ok := settingWords[s]; ok {
		return w.many
	}
	return string(s)
}

// wordsFor returns the words for code k in m, or the code itself when there
// are none, so that a code added later still shows.
func wordsFor[K ~string](m map[K]string, k K) string {
	if s, ok := m[k]; ok {
		return s
	}
	return string(k)
}

// ChildRole is the child's part in what happened.
type ChildRole string

var childRoles = [...]ChildRole{"victim", "perpetrator", "both", "witness", "unknown"}

// ChildRoles lists the valid roles; RoleUnknown is the default.
func ChildRoles() []ChildRole { return append([]ChildRole(nil), childRoles[:]...) }

var childRoleWords = map[ChildRole]string{
	"victim":      "Harmed or at risk of harm",
	"perpetrator": "Caused harm to someone else",
	"both":        "Both harmed and caused harm",
	"witness":     "Saw or knew about it",
	"unknown":     "Not known yet",
}

// Label is the words people read for the role, or the code itself.
func (r ChildRole) Label() string { return wordsFor(childRoleWords, r) }

// RoleUnknown is the child role when the reporter does not give one.
const RoleUnknown ChildRole = "unknown"

// Vulnerability is something about a child that raises their risk online or
// changes who must be told.
type Vulnerability string

var vulnerabilities = [...]Vulnerability{"looked_after", "care_leaver", "child_protection_plan", "child_in_need", "send",
	"not_in_education", "young_carer", "unaccompanied_asylum_seeker", "youth_justice", "disadvantaged",
	"isolated", "mental_health"}

// Vulnerabilities lists the valid vulnerabilities in the schema's order.
func Vulnerabilities() []Vulnerability { return append([]Vulnerability(nil), vulnerabilities[:]...) }

var vulnerabilityWords = map[Vulnerability]string{
	"looked_after":                "Looked after (in care)",
	"care_leaver":                 "Care leaver",
	"child_protection_plan":       "On a child protection plan",
	"child_in_need":               "Child in need",
	"send":                        "Special educational needs or a disability (SEND)",
	"not_in_education":            "Not in education",
	"young_carer":                 "Young carer",
	"unaccompanied_asylum_seeker": "Unaccompanied asylum-seeking child",
	"youth_justice":               "Known to youth justice",
	"disadvantaged":               "Disadvantaged",
	"isolated":                    "Isolated",
	"mental_health":               "Mental health needs",
}

// Label is the words people read for the vulnerability, or the code itself.
func (v Vulnerability) Label() string { return wordsFor(vulnerabilityWords, v) }

// Limits of free text in the facts.
const (
	MaxDescription = 20000
	MaxPlatform    = 200
)

// Facts are what the procedure engine reads about one concern
// (concern.schema.json). They hold no names: the child is described by age,
// vulnerabilities and role only. A false or absent flag means "not known to be
// so", which the procedure treats alike.
type Facts struct {
	ReportedAt   time.Time     `json:"reported_at"`
	OccurredAt   *time.Time    `json:"occurred_at,omitempty"`
	Setting      Setting       `json:"setting"`
	Description  string        `json:"description,omitempty"`
	Child        *ChildFacts   `json:"child,omitempty"`
	ChildRole    ChildRole     `json:"child_role,omitempty"`
	ConcernTypes []ConcernType `json:"concern_types"`
	Parties      Parties       `json:"parties,omitzero"`
	Risk         Risk          `json:"risk,omitzero"`
	Images       Images        `json:"images,omitzero"`
	Details      Details       `json:"details,omitzero"`
	Staff        Staff         `json:"staff,omitzero"`

	// ChildUnidentified says that a child is concerned but nobody knows yet
	// who: a worry sent from the DNS filter's block page comes from a device
	// address, not a child. It lets the facts have no child without
	// pretending the concern is about adults at work, and without inventing
	// an age. It is never read from or written to JSON: only Lifeguard sets
	// it, when it records such a worry, and facts sent by a user (a form, the
	// API, a DSL changing the facts) must describe the child as usual.
	ChildUnidentified bool `json:"-"`
}

// ChildFacts describe the child without naming them. Exactly one of Age and
// DateOfBirth is given.
type ChildFacts struct {
	Age             *int            `json:"age,omitempty"`
	DateOfBirth     *Date           `json:"date_of_birth,omitempty"`
	Vulnerabilities []Vulnerability `json:"vulnerabilities,omitempty"`
}

// Parties says who else is involved.
type Parties struct {
	AdultInvolved   bool `json:"adult_involved,omitempty"`
	PeerInvolved    bool `json:"peer_involved,omitempty"`
	UnknownInvolved bool `json:"unknown_involved,omitempty"`
}

// SignificantHarm is the reporter's view of whether the child is suffering, or
// likely to suffer, significant harm: "yes", "no", "unsure" or "" (not given).
type SignificantHarm string

var significantHarms = [...]SignificantHarm{"yes", "no", "unsure"}

// SignificantHarms lists the valid answers in the order a form offers them;
// "" (not answered) is not among them.
func SignificantHarms() []SignificantHarm {
	return append([]SignificantHarm(nil), significantHarms[:]...)
}

var significantHarmWords = map[SignificantHarm]string{
	"yes":    "Yes",
	"no":     "No",
	"unsure": "Not sure",
	"":       "Not answered",
}

// Label is the words people read for the answer, or the code itself.
func (h SignificantHarm) Label() string { return wordsFor(significantHarmWords, h) }

// Risk holds the facts that decide how fast anyone must act.
type Risk struct {
	ImmediateDanger bool            `json:"immediate_danger,omitempty"`
	RiskToLife      bool            `json:"risk_to_life,omitempty"`
	SignificantHarm SignificantHarm `json:"significant_harm,omitempty"`
	AdditionalNeeds bool            `json:"additional_needs,omitempty"`
	ParentsPoseRisk bool            `json:"parents_pose_risk,omitempty"`
}

// Images holds facts about images, never the images themselves.
type Images struct {
	Involved          bool `json:"involved,omitempty"`
	SelfGenerated     bool `json:"self_generated,omitempty"`
	Online            bool `json:"online,omitempty"`
	SexualActs        bool `json:"sexual_acts,omitempty"`
	AtypicalOrViolent bool `json:"atypical_or_violent,omitempty"`
	Under13Depicted   bool `json:"under_13_depicted,omitempty"`
	CapacityConcern   bool `json:"capacity_concern,omitempty"`
	KnownChild        bool `json:"known_child,omitempty"`
	MaliciousSharing  bool `json:"malicious_sharing,omitempty"`
}

// Details are further facts that some rules need.
type Details struct {
	MeetingArranged       bool   `json:"meeting_arranged,omitempty"`
	Coercion              bool   `json:"coercion,omitempty"`
	Threats               bool   `json:"threats,omitempty"`
	Repeated              bool   `json:"repeated,omitempty"`
	HateMotivated         bool   `json:"hate_motivated,omitempty"`
	LocationKnown         bool   `json:"location_known,omitempty"`
	SuspectKnown          bool   `json:"suspect_known,omitempty"`
	EncouragedByOther     bool   `json:"encouraged_by_other,omitempty"`
	Supply                bool   `json:"supply,omitempty"`
	OnOrganisationNetwork bool   `json:"on_organisation_network,omitempty"`
	OtherSettingsInvolved bool   `json:"other_settings_involved,omitempty"`
	Platform              string `json:"platform,omitempty"`
}

// Staff holds the four harm tests of allegations guidance, and private
// contact, for a staff_conduct concern.
type Staff struct {
	HarmedChild     bool `json:"harmed_child,omitempty"`
	PossibleOffence bool `json:"possible_offence,omitempty"`
	PosesRisk       bool `json:"poses_risk,omitempty"`
	Unsuitable      bool `json:"unsuitable,omitempty"`
	PrivateContact  bool `json:"private_contact,omitempty"`
}

// HasType reports whether the concern is of type t.
func (f *Facts) HasType(t ConcernType) bool {
	for _, c := range f.ConcernTypes {
		if c == t {
			return true
		}
	}
	return false
}

// Role returns the child's role, RoleUnknown when none was given.
func (f *Facts) Role() ChildRole {
	if f.ChildRole == "" {
		return RoleUnknown
	}
	return f.ChildRole
}

// ChildAge returns the child's age in whole years at the time of the report,
// from the age given or the date of birth, and false when there is no child.
func (f *Facts) ChildAge() (int, bool) {
	if f.Child == nil {
		return 0, false
	}
	if f.Child.Age != nil {
		return *f.Child.Age, true
	}
	if f.Child.DateOfBirth != nil {
		return f.Child.DateOfBirth.AgeOn(f.ReportedAt), true
	}
	return 0, false
}

// HasVulnerability reports whether the child has vulnerability v.
func (f *Facts) HasVulnerability(v Vulnerability) bool {
	if f.Child == nil {
		return false
	}
	for _, c := range f.Child.Vulnerabilities {
		if c == v {
			return true
		}
	}
	return false
}

// StaffOnly reports whether every concern type is about adults at work, the one
// case where a concern needs no child.
func (f *Facts) StaffOnly() bool {
	if len(f.ConcernTypes) == 0 {
		return false
	}
	for _, t := range f.ConcernTypes {
		if t != "staff_conduct" && t != "professional_targeted" {
			return false
		}
	}
	return true
}
