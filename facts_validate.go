package lifeguard

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// field numbers every field name of concern.schema.json. The names are unique
// across the schema's objects, so one 64-bit set can say which fields a
// document gave, whatever object they sit in.
type field uint8

const (
	fReportedAt field = iota
	fOccurredAt
	fSetting
	fDescription
	fChild
	fChildRole
	fConcernTypes
	fParties
	fRisk
	fImages
	fDetails
	fStaff

	fAge
	fDateOfBirth
	fVulnerabilities

	fAdultInvolved
	fPeerInvolved
	fUnknownInvolved

	fImmediateDanger
	fRiskToLife
	fSignificantHarm
	fAdditionalNeeds
	fParentsPoseRisk

	fImagesInvolved
	fSelfGenerated
	fOnline
	fSexualActs
	fAtypicalOrViolent
	fUnder13Depicted
	fCapacityConcern
	fKnownChild
	fMaliciousSharing

	fMeetingArranged
	fCoercion
	fThreats
	fRepeated
	fHateMotivated
	fLocationKnown
	fSuspectKnown
	fEncouragedByOther
	fSupply
	fOnOrganisationNetwork
	fOtherSettingsInvolved
	fPlatform

	fHarmedChild
	fPossibleOffence
	fPosesRisk
	fUnsuitable
	fPrivateContact

	numFields

	// fRoot is the document itself: the object that holds the top-level fields.
	fRoot = numFields
)

// A fieldSet must hold every field in one word.
var _ [64 - numFields]struct{}

type fieldSet uint64

func (s fieldSet) has(k field) bool { return s&(1<<k) != 0 }
func (s *fieldSet) add(k field)     { *s |= 1 << k }

// fieldInfo is a field's JSON name, its path in problems, and the object that
// holds it (fRoot for the top level).
type fieldInfo struct {
	name string
	path string
	in   field
}

var fields = [numFields]fieldInfo{
	fReportedAt:   {"reported_at", "reported_at", fRoot},
	fOccurredAt:   {"occurred_at", "occurred_at", fRoot},
	fSetting:      {"setting", "setting", fRoot},
	fDescription:  {"description", "description", fRoot},
	fChild:        {"child", "child", fRoot},
	fChildRole:    {"child_role", "child_role", fRoot},
	fConcernTypes: {"concern_types", "concern_types", fRoot},
	fParties:      {"parties", "parties", fRoot},
	fRisk:         {"risk", "risk", fRoot},
	fImages:       {"images", "images", fRoot},
	fDetails:      {"details", "details", fRoot},
	fStaff:        {"staff", "staff", fRoot},

	fAge:             {"age", "child.age", fChild},
	fDateOfBirth:     {"date_of_birth", "child.date_of_birth", fChild},
	fVulnerabilities: {"vulnerabilities", "child.vulnerabilities", fChild},

	fAdultInvolved:   {"adult_involved", "parties.adult_involved", fParties},
	fPeerInvolved:    {"peer_involved", "parties.peer_involved", fParties},
	fUnknownInvolved: {"unknown_involved", "parties.unknown_involved", fParties},

	fImmediateDanger: {"immediate_danger", "risk.immediate_danger", fRisk},
	fRiskToLife:      {"risk_to_life", "risk.risk_to_life", fRisk},
	fSignificantHarm: {"significant_harm", "risk.significant_harm", fRisk},
	fAdditionalNeeds: {"additional_needs", "risk.additional_needs", fRisk},
	fParentsPoseRisk: {"parents_pose_risk", "risk.parents_pose_risk", fRisk},

	fImagesInvolved:    {"involved", "images.involved", fImages},
	fSelfGenerated:     {"self_generated", "images.self_generated", fImages},
	fOnline:            {"online", "images.online", fImages},
	fSexualActs:        {"sexual_acts", "images.sexual_acts", fImages},
	fAtypicalOrViolent: {"atypical_or_violent", "images.atypical_or_violent", fImages},
	fUnder13Depicted:   {"under_13_depicted", "images.under_13_depicted", fImages},
	fCapacityConcern:   {"capacity_concern", "images.capacity_concern", fImages},
	fKnownChild:        {"known_child", "images.known_child", fImages},
	fMaliciousSharing:  {"malicious_sharing", "images.malicious_sharing", fImages},

	fMeetingArranged:       {"meeting_arranged", "details.meeting_arranged", fDetails},
	fCoercion:              {"coercion", "details.coercion", fDetails},
	fThreats:               {"threats", "details.threats", fDetails},
	fRepeated:              {"repeated", "details.repeated", fDetails},
	fHateMotivated:         {"hate_motivated", "details.hate_motivated", fDetails},
	fLocationKnown:         {"location_known", "details.location_known", fDetails},
	fSuspectKnown:          {"suspect_known", "details.suspect_known", fDetails},
	fEncouragedByOther:     {"encouraged_by_other", "details.encouraged_by_other", fDetails},
	fSupply:                {"supply", "details.supply", fDetails},
	fOnOrganisationNetwork: {"on_organisation_network", "details.on_organisation_network", fDetails},
	fOtherSettingsInvolved: {"other_settings_involved", "details.other_settings_involved", fDetails},
	fPlatform:              {"platform", "details.platform", fDetails},

	fHarmedChild:     {"harmed_child", "staff.harmed_child", fStaff},
	fPossibleOffence: {"possible_offence", "staff.possible_offence", fStaff},
	fPosesRisk:       {"poses_risk", "staff.poses_risk", fStaff},
	fUnsuitable:      {"unsuitable", "staff.unsuitable", fStaff},
	fPrivateContact:  {"private_contact", "staff.private_contact", fStaff},
}

// fieldByName finds a field by its JSON name; the fast decoder looks keys up
// here straight from the input bytes.
var fieldByName = func() map[string]field {
	m := make(map[string]field, numFields)
	for k, info := range fields {
		m[info.name] = field(k)
	}
	return m
}()

// flag returns the boolean field k of f, or nil when k is not a boolean.
func (f *Facts) flag(k field) *bool {
	switch k {
	case fAdultInvolved:
		return &f.Parties.AdultInvolved
	case fPeerInvolved:
		return &f.Parties.PeerInvolved
	case fUnknownInvolved:
		return &f.Parties.UnknownInvolved
	case fImmediateDanger:
		return &f.Risk.ImmediateDanger
	case fRiskToLife:
		return &f.Risk.RiskToLife
	case fAdditionalNeeds:
		return &f.Risk.AdditionalNeeds
	case fParentsPoseRisk:
		return &f.Risk.ParentsPoseRisk
	case fImagesInvolved:
		return &f.Images.Involved
	case fSelfGenerated:
		return &f.Images.SelfGenerated
	case fOnline:
		return &f.Images.Online
	case fSexualActs:
		return &f.Images.SexualActs
	case fAtypicalOrViolent:
		return &f.Images.AtypicalOrViolent
	case fUnder13Depicted:
		return &f.Images.Under13Depicted
	case fCapacityConcern:
		return &f.Images.CapacityConcern
	case fKnownChild:
		return &f.Images.KnownChild
	case fMaliciousSharing:
		return &f.Images.MaliciousSharing
	case fMeetingArranged:
		return &f.Details.MeetingArranged
	case fCoercion:
		return &f.Details.Coercion
	case fThreats:
		return &f.Details.Threats
	case fRepeated:
		return &f.Details.Repeated
	case fHateMotivated:
		return &f.Details.HateMotivated
	case fLocationKnown:
		return &f.Details.LocationKnown
	case fSuspectKnown:
		return &f.Details.SuspectKnown
	case fEncouragedByOther:
		return &f.Details.EncouragedByOther
	case fSupply:
		return &f.Details.Supply
	case fOnOrganisationNetwork:
		return &f.Details.OnOrganisationNetwork
	case fOtherSettingsInvolved:
		return &f.Details.OtherSettingsInvolved
	case fHarmedChild:
		return &f.Staff.HarmedChild
	case fPossibleOffence:
		return &f.Staff.PossibleOffence
	case fPosesRisk:
		return &f.Staff.PosesRisk
	case fUnsuitable:
		return &f.Staff.Unsuitable
	case fPrivateContact:
		return &f.Staff.PrivateContact
	}
	return nil
}

// needsOtherPerson are the concern types that cannot happen without someone
// besides the child: a groomer, a sender, a bully, an exploiter.
var needsOtherPerson = [...]ConcernType{"grooming", "sexual_communication", "sextortion",
	"threats_harassment", "cyberbullying", "criminal_exploitation"}

func knownConcernType(t ConcernType) bool {
	_, ok := LookupConcernType(t)
	return ok
}

func knownVulnerability(v Vulnerability) bool { return slices.Contains(vulnerabilities[:], v) }

// Problem texts used by more than one check.
const (
	msgRequired     = "is required"
	msgNoTypes      = "must list at least one concern type"
	msgNotUTF8      = msgTextNotUTF8
	msgAgeRange     = "must be a whole number from 0 to 17"
	msgAdult        = "; an adult (18 or over) is out of scope for Lifeguard"
	msgChildNeither = "must give the child's age or date_of_birth"
	msgChildBoth    = "must give the child's age or date_of_birth, not both"
	msgTimeForm     = "a date and time in RFC 3339 form, such as 2026-11-18T10:00:00Z"
	msgDateForm     = "a date in the form YYYY-MM-DD"
)

// maxQuoted is how much of a bad value a problem repeats: enough to recognise
// a typo, never enough to carry someone's words into a log.
const maxQuoted = 40

// quote returns s in double quotes, cut to maxQuoted characters.
func quote[T ~string](s T) string {
	str := string(s)
	if utf8.RuneCountInString(str) > maxQuoted {
		n := 0
		for i := range str {
			if n == maxQuoted {
				str = str[:i] + "…"
				break
			}
			n++
		}
	}
	return strconv.Quote(str)
}

func listCodes[T ~string](codes []T) string {
	var b strings.Builder
	for i, c := range codes {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(c))
	}
	return b.String()
}

func unknownSetting(s Setting) string {
	return fmt.Sprintf("%s is not a known setting; use one of %s", quote(s), listCodes(settings[:]))
}

func unknownChildRole(r ChildRole) string {
	return fmt.Sprintf("%s is not a known child role; use one of %s", quote(r), listCodes(childRoles[:]))
}

func unknownSignificantHarm(h SignificantHarm) string {
	return fmt.Sprintf(`%s is not a known answer; use "yes", "no" or "unsure"`, quote(h))
}

func ageProblem(whole bool, n int64) string {
	if whole && n >= 18 {
		return msgAgeRange + msgAdult
	}
	return msgAgeRange
}

// realDate reports whether d is a day on the calendar with a four-digit year,
// which is what a YYYY-MM-DD date of birth can say.
func realDate(d Date) bool {
	return d.Year >= 0 && d.Year <= 9999 && DateOf(d.In(time.UTC)) == d
}

// normTime keeps a time's instant and UTC offset and drops the rest. Parsing
// RFC 3339 picks the machine's local zone when the offset happens to match
// it, which would make the same input decode differently on two servers and
// differ from its own JSON encoding; an offset of zero becomes UTC for the
// same reason.
func normTime(t time.Time) time.Time {
	_, off := t.Zone()
	if off == 0 {
		return t.UTC()
	}
	return t.In(time.FixedZone("", off))
}

// checker collects problems and remembers which fields are broken, so that a
// rule relating two fields stays quiet when either is already a problem.
type checker struct {
	problems []Problem
	bad      fieldSet
}

func (c *checker) add(k field, msg string) { c.addAt(fields[k].path, k, msg) }

// addAt records a problem at path, which lies within field k: an item of a
// list, or an unknown member of an object. k is fRoot when the problem
// belongs to no field of the schema.
func (c *checker) addAt(path string, k field, msg string) {
	c.problems = append(c.problems, Problem{Path: path, Problem: msg})
	if k < numFields {
		c.bad.add(k)
	}
}

// text checks a free-text field: text a store keeps on every engine (see
// CheckText) and at most max characters.
func (c *checker) text(k field, s string, max int) {
	if msg := TextProblem(s); msg != "" {
		c.add(k, msg)
		return
	}
	if len(s) <= max {
		return // cannot have more characters than bytes
	}
	if n := utf8.RuneCountInString(s); n > max {
		c.add(k, fmt.Sprintf("is %d characters long; the most allowed is %d", n, max))
	}
}

// codeList checks the items of a list of catalogue codes one by one, in the
// order of the input: each must be known and listed once.
type codeList[T ~string] struct {
	k     field
	noun  string
	known func(T) bool
	// codes holds each known code seen and firsts the index where it was
	// first seen. There cannot be more of them than codes in the catalogue,
	// so they fit in arrays, cost no allocation, and finding a duplicate
	// stays linear in the length of the list however long it is.
	n      int
	codes  [len(concernTypes)]T
	firsts [len(concernTypes)]int
}

// The concern types are the largest catalogue a codeList holds.
var _ [len(concernTypes) - len(vulnerabilities)]struct{}

func (l *codeList[T]) check(c *checker, i int, v T) {
	if !l.known(v) {
		c.addAt(itemPath(l.k, i), l.k, fmt.Sprintf("%s is not a known %s", quote(v), l.noun))
		return
	}
	if j := slices.Index(l.codes[:l.n], v); j >= 0 {
		c.addAt(itemPath(l.k, i), l.k, fmt.Sprintf("repeats %s; list each %s once", itemPath(l.k, l.firsts[j]), l.noun))
		return
	}
	l.codes[l.n], l.firsts[l.n] = v, i
	l.n++
}

func itemPath(k field, i int) string { return fmt.Sprintf("%s[%d]", fields[k].path, i) }

func concernTypeList() codeList[ConcernType] {
	return codeList[ConcernType]{k: fConcernTypes, noun: "concern type", known: knownConcernType}
}

func vulnerabilityList() codeList[Vulnerability] {
	return codeList[Vulnerability]{k: fVulnerabilities, noun: "vulnerability", known: knownVulnerability}
}

// childOneOf checks that the child is described by exactly one of age and
// date of birth.
func (c *checker) childOneOf(age, dob bool) {
	switch {
	case age && dob:
		c.add(fChild, msgChildBoth)
	case !age && !dob:
		c.add(fChild, msgChildNeither)
	}
}

// Validate checks facts built in code, such as from a web form, with the same
// rules as DecodeFacts, and returns every problem found, or nil when the facts
// are valid. An empty ChildRole or SignificantHarm means "not given", as it
// does in Facts. Validate cannot tell a false flag from an absent one, so it
// skips the one rule that needs to (see DecodeFacts, contradictory parties).
func (f *Facts) Validate() []Problem {
	var c checker
	c.checkFields(f)
	c.checkRelations(f, nil)
	return c.problems
}

// checkFields checks each field of f on its own.
func (c *checker) checkFields(f *Facts) {
	if f.ReportedAt.IsZero() {
		c.add(fReportedAt, msgRequired)
	}
	switch {
	case f.Setting == "":
		c.add(fSetting, msgRequired)
	case !slices.Contains(settings[:], f.Setting):
		c.add(fSetting, unknownSetting(f.Setting))
	}
	c.text(fDescription, f.Description, MaxDescription)
	if ch := f.Child; ch != nil {
		c.childOneOf(ch.Age != nil, ch.DateOfBirth != nil)
		if ch.Age != nil && (*ch.Age < 0 || *ch.Age > 17) {
			c.add(fAge, ageProblem(true, int64(*ch.Age)))
		}
		if ch.DateOfBirth != nil && !realDate(*ch.DateOfBirth) {
			c.add(fDateOfBirth, "must be a real date")
		}
		vl := vulnerabilityList()
		for i, v := range ch.Vulnerabilities {
			vl.check(c, i, v)
		}
	}
	if f.ChildRole != "" && !slices.Contains(childRoles[:], f.ChildRole) {
		c.add(fChildRole, unknownChildRole(f.ChildRole))
	}
	if f.ConcernTypes == nil {
		c.add(fConcernTypes, msgRequired)
	} else if len(f.ConcernTypes) == 0 {
		c.add(fConcernTypes, msgNoTypes)
	} else {
		tl := concernTypeList()
		for i, t := range f.ConcernTypes {
			tl.check(c, i, t)
		}
	}
	if h := f.Risk.SignificantHarm; h != "" && !slices.Contains(significantHarms[:], h) {
		c.add(fSignificantHarm, unknownSignificantHarm(h))
	}
	c.text(fPlatform, f.Details.Platform, MaxPlatform)
}

// checkRelations checks the rules that tie fields together. Fields already found
// broken are left out so one mistake gives one problem. given says which
// fields the input document gave, nil when f was built in code.
func (c *checker) checkRelations(f *Facts, given *fieldSet) {
	reported := !f.ReportedAt.IsZero() && !c.bad.has(fReportedAt)
	typesOK := len(f.ConcernTypes) > 0 && !c.bad.has(fConcernTypes)

	if reported && f.OccurredAt != nil && !c.bad.has(fOccurredAt) && f.OccurredAt.After(f.ReportedAt) {
		c.add(fOccurredAt, "is after reported_at; a concern cannot happen after it was reported")
	}

	if reported && f.Child != nil && f.Child.DateOfBirth != nil && !c.bad.has(fDateOfBirth) {
		dob := *f.Child.DateOfBirth
		if DateOf(f.ReportedAt).Before(dob) {
			c.add(fDateOfBirth, "is after reported_at; the child must be born by the date of the report")
		} else if age := dob.AgeOn(f.ReportedAt); age > 17 {
			c.add(fDateOfBirth, fmt.Sprintf("gives an age of %d at reported_at%s", age, msgAdult))
		}
	}

	// A child given in the wrong form is already a problem; do not also say
	// that it is missing.
	noChild := f.Child == nil && !c.bad.has(fChild)
	if f.ChildUnidentified && f.Child != nil {
		c.add(fChild, "is given, but the child is marked as not identified; give one or the other")
	}
	if noChild && typesOK && !f.StaffOnly() && !f.ChildUnidentified {
		c.add(fChild, "is required unless every concern type is staff_conduct or professional_targeted")
	}
	if noChild && f.ChildRole != "" {
		c.add(fChildRole, "is given but there is no child; give child with the child's age or date_of_birth, or leave child_role out")
	}

	// Contradictory party roles: see DecodeFacts.
	if f.ChildRole == "witness" && f.Images.SelfGenerated {
		c.add(fChildRole, `is "witness", but images.self_generated says the images are the child's own, `+
			"which makes the child a subject, not a witness")
	}
	if given != nil && typesOK && nobodyElse(f, *given, c.bad) {
		for _, t := range needsOtherPerson {
			if f.HasType(t) {
				c.add(fParties, fmt.Sprintf("says nobody else is involved (adult_involved, peer_involved and "+
					"unknown_involved all false), but %s always involves another person", quote(t)))
				break
			}
		}
	}
	if typesOK && f.Staff != (Staff{}) && !f.HasType("staff_conduct") {
		c.add(fStaff, `has a harm test or private contact set, but "staff_conduct" is not among the concern types`)
	}
}

// nobodyElse reports whether the input said, in so many words, that no adult,
// no peer and no unknown person is involved.
func nobodyElse(f *Facts, given, bad fieldSet) bool {
	for _, k := range [...]field{fAdultInvolved, fPeerInvolved, fUnknownInvolved} {
		if !given.has(k) || bad.has(k) || *f.flag(k) {
			return false
		}
	}
	return true
}
