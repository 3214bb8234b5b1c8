package lifeguard

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// needsOtherPerson are the concern types that cannot happen without someone
// besides the child: a groomer, a sender, a bully, an exploiter.
var needsOtherPerson = [...]ConcernType{"grooming", "sexual_communication", "sextortion",
	"threats_harassment", "cyberbullying", "criminal_exploitation"}

func knownConcernType(t ConcernType) bool {
	_, ok := LookupConcernType(t)
	return ok
}

func knownVulnerability(v Vulnerability) bool { return slices.Contains(vulnerabilities[:], v) }

// Problem texts the decoder shares with Validate.
const (
	// ProblemRequired is the problem with a required field left out.
	ProblemRequired = "is required"
	// ProblemNoTypes is the problem with an empty list of concern types.
	ProblemNoTypes = "must list at least one concern type"
	// ProblemNotUTF8 is the problem with text that is not valid UTF-8.
	ProblemNotUTF8 = msgTextNotUTF8
)

// Problem texts used by more than one check.
const (
	msgAgeRange     = "must be a whole number from 0 to 17"
	msgAdult        = "; an adult (18 or over) is out of scope for Lifeguard"
	msgChildNeither = "must give the child's age or date_of_birth"
	msgChildBoth    = "must give the child's age or date_of_birth, not both"
)

// MaxQuoted is how much of a bad value a problem repeats: enough to recognise
// a typo, never enough to carry someone's words into a log.
const MaxQuoted = 40

// QuoteValue is how a problem repeats a bad value s: in double quotes, cut to
// MaxQuoted characters.
func QuoteValue(s string) string { return quote(s) }

// quote returns s in double quotes, cut to MaxQuoted characters.
func quote[T ~string](s T) string {
	str := string(s)
	if utf8.RuneCountInString(str) > MaxQuoted {
		n := 0
		for i := range str {
			if n == MaxQuoted {
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

// AgeProblem is the problem with an age of n; whole says whether n is a whole
// number. AgeProblem(false, 0) says what an age must be.
func AgeProblem(whole bool, n int64) string {
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

// FactsProblems collects problems and remembers which fields are broken, so
// that a rule relating two fields stays quiet when either is already a
// problem. Validate and the decoder in internal/factsjson both collect theirs
// here.
type FactsProblems struct {
	problems []Problem
	bad      FactFieldSet
}

// Problems returns the problems collected, nil when there are none.
func (c *FactsProblems) Problems() []Problem { return c.problems }

// Add records a problem with field k.
func (c *FactsProblems) Add(k FactField, msg string) { c.AddAt(fields[k].path, k, msg) }

// Code checks the code v given for the field k, which is setting, child_role
// or risk.significant_harm, records a problem when it is not one of the
// field's codes, and reports whether it is.
func (c *FactsProblems) Code(k FactField, v string) bool {
	var msg string
	switch k {
	case FieldSetting:
		if !slices.Contains(settings[:], Setting(v)) {
			msg = unknownSetting(Setting(v))
		}
	case FieldChildRole:
		if !slices.Contains(childRoles[:], ChildRole(v)) {
			msg = unknownChildRole(ChildRole(v))
		}
	case FieldSignificantHarm:
		if !slices.Contains(significantHarms[:], SignificantHarm(v)) {
			msg = unknownSignificantHarm(SignificantHarm(v))
		}
	default:
		panic(fmt.Sprintf("lifeguard: %s is not a field of codes", k.Path()))
	}
	if msg != "" {
		c.Add(k, msg)
	}
	return msg == ""
}

// AddAt records a problem at path, which lies within field k: an item of a
// list, or an unknown member of an object. k is FactsDocument when the problem
// belongs to no field of the schema.
func (c *FactsProblems) AddAt(path string, k FactField, msg string) {
	c.problems = append(c.problems, Problem{Path: path, Problem: msg})
	if k < numFactFields {
		c.bad.Add(k)
	}
}

// Text checks a free-text field: text a store keeps on every engine (see
// CheckText) and at most max characters.
func (c *FactsProblems) Text(k FactField, s string, max int) {
	if msg := TextProblem(s); msg != "" {
		c.Add(k, msg)
		return
	}
	if len(s) <= max {
		return // cannot have more characters than bytes
	}
	if n := utf8.RuneCountInString(s); n > max {
		c.Add(k, fmt.Sprintf("is %d characters long; the most allowed is %d", n, max))
	}
}

// CodeList checks the items of a list of catalogue codes one by one, in the
// order of the input: each must be known and listed once.
type CodeList[T ~string] struct {
	k     FactField
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

// The concern types are the largest catalogue a CodeList holds.
var _ [len(concernTypes) - len(vulnerabilities)]struct{}

// Field is the list field l checks.
func (l *CodeList[T]) Field() FactField { return l.k }

// Check checks item i of the list, v, and records any problem in c.
func (l *CodeList[T]) Check(c *FactsProblems, i int, v T) {
	if !l.known(v) {
		c.AddAt(itemPath(l.k, i), l.k, fmt.Sprintf("%s is not a known %s", quote(v), l.noun))
		return
	}
	if j := slices.Index(l.codes[:l.n], v); j >= 0 {
		c.AddAt(itemPath(l.k, i), l.k, fmt.Sprintf("repeats %s; list each %s once", itemPath(l.k, l.firsts[j]), l.noun))
		return
	}
	l.codes[l.n], l.firsts[l.n] = v, i
	l.n++
}

func itemPath(k FactField, i int) string { return fmt.Sprintf("%s[%d]", fields[k].path, i) }

// ConcernTypeList checks a list of concern types.
func ConcernTypeList() CodeList[ConcernType] {
	return CodeList[ConcernType]{k: FieldConcernTypes, noun: "concern type", known: knownConcernType}
}

// VulnerabilityList checks a list of a child's vulnerabilities.
func VulnerabilityList() CodeList[Vulnerability] {
	return CodeList[Vulnerability]{k: FieldVulnerabilities, noun: "vulnerability", known: knownVulnerability}
}

// ChildOneOf checks that the child is described by exactly one of age and
// date of birth.
func (c *FactsProblems) ChildOneOf(age, dob bool) {
	switch {
	case age && dob:
		c.Add(FieldChild, msgChildBoth)
	case !age && !dob:
		c.Add(FieldChild, msgChildNeither)
	}
}

// Validate checks facts built in code, such as from a web form, with the same
// rules as factsjson.DecodeFacts, and returns every problem found, or nil
// when the facts are valid. An empty ChildRole or SignificantHarm means "not
// given", as it does in Facts. Validate cannot tell a false flag from an
// absent one, so it skips the one rule that needs to (see
// factsjson.DecodeFacts, contradictory parties).
func (f *Facts) Validate() []Problem {
	var c FactsProblems
	c.CheckFields(f)
	c.CheckRelations(f, nil)
	return c.problems
}

// CheckFields checks each field of f on its own.
func (c *FactsProblems) CheckFields(f *Facts) {
	if f.ReportedAt.IsZero() {
		c.Add(FieldReportedAt, ProblemRequired)
	}
	switch {
	case f.Setting == "":
		c.Add(FieldSetting, ProblemRequired)
	case !slices.Contains(settings[:], f.Setting):
		c.Add(FieldSetting, unknownSetting(f.Setting))
	}
	c.Text(FieldDescription, f.Description, MaxDescription)
	if ch := f.Child; ch != nil {
		c.ChildOneOf(ch.Age != nil, ch.DateOfBirth != nil)
		if ch.Age != nil && (*ch.Age < 0 || *ch.Age > 17) {
			c.Add(FieldAge, AgeProblem(true, int64(*ch.Age)))
		}
		if ch.DateOfBirth != nil && !realDate(*ch.DateOfBirth) {
			c.Add(FieldDateOfBirth, "must be a real date")
		}
		vl := VulnerabilityList()
		for i, v := range ch.Vulnerabilities {
			vl.Check(c, i, v)
		}
	}
	if f.ChildRole != "" && !slices.Contains(childRoles[:], f.ChildRole) {
		c.Add(FieldChildRole, unknownChildRole(f.ChildRole))
	}
	if f.ConcernTypes == nil {
		c.Add(FieldConcernTypes, ProblemRequired)
	} else if len(f.ConcernTypes) == 0 {
		c.Add(FieldConcernTypes, ProblemNoTypes)
	} else {
		tl := ConcernTypeList()
		for i, t := range f.ConcernTypes {
			tl.Check(c, i, t)
		}
	}
	if h := f.Risk.SignificantHarm; h != "" && !slices.Contains(significantHarms[:], h) {
		c.Add(FieldSignificantHarm, unknownSignificantHarm(h))
	}
	c.Text(FieldPlatform, f.Details.Platform, MaxPlatform)
}

// CheckRelations checks the rules that tie fields together. Fields already found
// broken are left out so one mistake gives one problem. given says which
// fields the input document gave, nil when f was built in code.
func (c *FactsProblems) CheckRelations(f *Facts, given *FactFieldSet) {
	reported := !f.ReportedAt.IsZero() && !c.bad.Has(FieldReportedAt)
	typesOK := len(f.ConcernTypes) > 0 && !c.bad.Has(FieldConcernTypes)

	if reported && f.OccurredAt != nil && !c.bad.Has(FieldOccurredAt) && f.OccurredAt.After(f.ReportedAt) {
		c.Add(FieldOccurredAt, "is after reported_at; a concern cannot happen after it was reported")
	}

	if reported && f.Child != nil && f.Child.DateOfBirth != nil && !c.bad.Has(FieldDateOfBirth) {
		dob := *f.Child.DateOfBirth
		if DateOf(f.ReportedAt).Before(dob) {
			c.Add(FieldDateOfBirth, "is after reported_at; the child must be born by the date of the report")
		} else if age := dob.AgeOn(f.ReportedAt); age > 17 {
			c.Add(FieldDateOfBirth, fmt.Sprintf("gives an age of %d at reported_at%s", age, msgAdult))
		}
	}

	// A child given in the wrong form is already a problem; do not also say
	// that it is missing.
	noChild := f.Child == nil && !c.bad.Has(FieldChild)
	if f.ChildUnidentified && f.Child != nil {
		c.Add(FieldChild, "is given, but the child is marked as not identified; give one or the other")
	}
	if noChild && typesOK && !f.StaffOnly() && !f.ChildUnidentified {
		c.Add(FieldChild, "is required unless every concern type is staff_conduct or professional_targeted")
	}
	if noChild && f.ChildRole != "" {
		c.Add(FieldChildRole, "is given but there is no child; give child with the child's age or date_of_birth, or leave child_role out")
	}

	// Contradictory party roles: see factsjson.DecodeFacts.
	if f.ChildRole == "witness" && f.Images.SelfGenerated {
		c.Add(FieldChildRole, `is "witness", but images.self_generated says the images are the child's own, `+
			"which makes the child a subject, not a witness")
	}
	if given != nil && typesOK && nobodyElse(f, *given, c.bad) {
		for _, t := range needsOtherPerson {
			if f.HasType(t) {
				c.Add(FieldParties, fmt.Sprintf("says nobody else is involved (adult_involved, peer_involved and "+
					"unknown_involved all false), but %s always involves another person", quote(t)))
				break
			}
		}
	}
	if typesOK && f.Staff != (Staff{}) && !f.HasType("staff_conduct") {
		c.Add(FieldStaff, `has a harm test or private contact set, but "staff_conduct" is not among the concern types`)
	}
}

// nobodyElse reports whether the input said, in so many words, that no adult,
// no peer and no unknown person is involved.
func nobodyElse(f *Facts, given, bad FactFieldSet) bool {
	for _, k := range [...]FactField{FieldAdultInvolved, FieldPeerInvolved, FieldUnknownInvolved} {
		if !given.Has(k) || bad.Has(k) || *f.Flag(k) {
			return false
		}
	}
	return true
}

// Normalise gives equal facts one form, so that both decoders and a decode of
// the facts' own JSON encoding agree.
func (f *Facts) Normalise() {
	if !f.ReportedAt.IsZero() {
		f.ReportedAt = normTime(f.ReportedAt)
	}
	if f.OccurredAt != nil {
		*f.OccurredAt = normTime(*f.OccurredAt)
	}
	if f.Child != nil && len(f.Child.Vulnerabilities) == 0 {
		f.Child.Vulnerabilities = nil // an empty list is not encoded
	}
}
