package web

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lifeguard-scp/lifeguard"
)

// reportStep is one page of the report form. The form is a short sequence
// of pages that all post to /report; each page carries the answers of the
// others in hidden fields, so nothing is kept on the server between pages
// and nothing a reporter writes reaches an address bar or a log. (A page
// posted after the session ended is the exception: see report_draft.go.)
type reportStep int

const (
	stepDanger reportStep = iota + 1
	stepChild
	stepWhat
	stepTypes
	stepMore
	lastStep = stepMore
)

// stepHeadings are each page's heading.
var stepHeadings = [...]string{
	stepDanger: "Is anyone in immediate danger?",
	stepChild:  "The child",
	stepWhat:   "What happened",
	stepTypes:  "What kind of concern is it?",
	stepMore:   "Last questions",
}

// reportFields are the form's fields and the step that asks each. Every
// other step carries the field in a hidden input. Values of fields not
// listed here are dropped.
var reportFields = [...]struct {
	name string
	step reportStep
}{
	{"danger", stepDanger},
	{"child", stepChild}, {"child_ref", stepChild}, {"child_forename", stepChild}, {"child_surname", stepChild},
	{"child_different", stepChild}, {"child_age", stepChild}, {"child_dob", stepChild}, {"vuln", stepChild},
	{"description", stepWhat}, {"occurred_date", stepWhat}, {"occurred_time", stepWhat}, {"platform", stepWhat},
	{"type", stepTypes}, {"role", stepTypes}, {"party", stepTypes}, {"harm", stepTypes}, {"risk", stepTypes},
	{"img", stepMore}, {"staff", stepMore}, {"detail", stepMore},
	// The token the form was issued with, on every page (no step asks
	// it): sending the last step again with it records nothing new.
	{"report_token", 0},
}

// maxReportValues bounds the values kept of one field: more than the largest
// group of checkboxes (the concern types), so a tampered form cannot make
// every page carry thousands of fields.
const maxReportValues = 40

// reportAnswers are the form's answers so far, by field name.
type reportAnswers url.Values

func reportAnswersFrom(form url.Values) reportAnswers {
	a := reportAnswers{}
	for _, f := range reportFields {
		vs := form[f.name]
		if len(vs) > maxReportValues {
			vs = vs[:maxReportValues]
		}
		if len(vs) > 0 {
			a[f.name] = slices.Clone(vs)
		}
	}
	return a
}

func (a reportAnswers) get(k string) string {
	if vs := a[k]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

func (a reportAnswers) has(k, v string) bool { return slices.Contains(a[k], v) }

type reportHidden struct{ Name, Value string }

// hiddenExcept returns the answers that the step s does not ask, for its
// page to carry on.
func (a reportAnswers) hiddenExcept(s reportStep) []reportHidden {
	var out []reportHidden
	for _, f := range reportFields {
		if f.step == s {
			continue
		}
		for _, v := range a[f.name] {
			out = append(out, reportHidden{f.name, v})
		}
	}
	return out
}

// reportInput is the answers read into facts, with the problems of each
// step in plain English. A problem's Path is the id of the field to fix,
// so the problems partial links to it.
type reportInput struct {
	facts lifeguard.Facts
	// childID links an existing child; childRef names a new one (empty
	// for a generated reference); noChild is a concern about adults only.
	childID   int64
	childRef  string
	pickedRef string // the reference of the existing child chosen, to show it again
	// forename and surname name a new child; different confirms it is
	// not the child on record of the same name and date of birth.
	forename, surname string
	different         bool
	noChild           bool
	sel               typeSelection
	problems          [lastStep + 1][]lifeguard.Problem
}

func (in *reportInput) problem(s reportStep, id, msg string) {
	in.problems[s] = append(in.problems[s], lifeguard.Problem{Path: id, Problem: msg})
}

// text notes a problem at the field id when value is not text that every
// store keeps (lifeguard.TextProblem): a NUL character or invalid UTF-8,
// which form decoding passes on as sent. It reports whether value is text.
func (in *reportInput) text(s reportStep, id, label, value string) bool {
	if msg := lifeguard.TextProblem(value); msg != "" {
		in.problem(s, id, label+" "+msg+".")
		return false
	}
	return true
}

// firstProblem returns the first step with a problem, or 0.
func (in *reportInput) firstProblem() reportStep {
	for s := stepDanger; s <= lastStep; s++ {
		if len(in.problems[s]) > 0 {
			return s
		}
	}
	return 0
}

const msgReportAdult = "Lifeguard is for concerns about children under 18. For an adult, follow your organisation's procedure for adults at risk."

// readReport reads every answer into facts reported at now, noting what is
// missing or wrong step by step. Follow-up questions count only when the
// types chosen show them, so an answer left over from a type the reporter
// later unticked is dropped. zone is where the reporter's dates and times
// are.
func readReport(a reportAnswers, now time.Time, zone *time.Location) *reportInput {
	in := &reportInput{}
	f := &in.facts
	f.ReportedAt = now

	switch a.get("danger") {
	case "yes":
		f.Risk.ImmediateDanger = true
	case "no":
	default:
		in.problem(stepDanger, "danger-yes", "Say whether anyone is in immediate danger.")
	}

	in.readChild(a, now)
	in.readWhat(a, now, zone)
	in.readTypes(a)

	images := false
	for _, q := range followUps() {
		if q.shown(in.sel) && a.has(q.group, q.code) {
			q.set(f)
			images = images || q.group == "img"
		}
	}
	// Any fact about images says that there are images.
	f.Images.Involved = f.Images.Involved || images
	return in
}

func (in *reportInput) readChild(a reportAnswers, now time.Time) {
	switch choice := a.get("child"); choice {
	case "none":
		in.noChild = true
		return
	case "", "new":
		in.childRef = strings.TrimSpace(a.get("child_ref"))
		if !in.text(stepChild, "child-ref", "The reference", in.childRef) {
			break
		}
		if n := utf8.RuneCountInString(in.childRef); n > lifeguard.MaxChildRef {
			in.problem(stepChild, "child-ref", fmt.Sprintf("Shorten the reference to %d characters or fewer.", lifeguard.MaxChildRef))
		}
		in.forename = strings.TrimSpace(a.get("child_forename"))
		in.surname = strings.TrimSpace(a.get("child_surname"))
		in.different = a.get("child_different") == "yes"
		for _, n := range []struct{ id, label, value string }{
			{"child-forename", "The legal forename", in.forename}, {"child-surname", "The legal surname", in.surname}} {
			if msg := lifeguard.NameProblem(n.value, lifeguard.MaxChildName); msg != "" {
				in.problem(stepChild, n.id, n.label+" "+msg+".")
			}
		}
	default:
		idText, ref, _ := strings.Cut(choice, " ")
		id, err := strconv.ParseInt(idText, 10, 64)
		if err != nil || id <= 0 {
			in.problem(stepChild, "child-new", "Choose the child again: find them by their reference.")
			break
		}
		in.childID, in.pickedRef = id, ref
	}
	ch := &lifeguard.ChildFacts{}
	age, dob := strings.TrimSpace(a.get("child_age")), strings.TrimSpace(a.get("child_dob"))
	switch {
	case age != "" && dob != "":
		in.problem(stepChild, "child-age", "Give the child's age or their date of birth, not both.")
	case age == "" && dob == "":
		in.problem(stepChild, "child-age", "Give the child's age, or their date of birth.")
	case age != "":
		n, err := strconv.Atoi(age)
		switch {
		case err != nil || n < 0:
			in.problem(stepChild, "child-age", "Give the age as a whole number of years, such as 12.")
		case n > 17:
			in.problem(stepChild, "child-age", msgReportAdult)
		default:
			ch.Age = &n
		}
	default:
		d, err := lifeguard.ParseDate(dob)
		switch {
		case err != nil:
			in.problem(stepChild, "child-dob", "Give the date of birth as a real date.")
		case lifeguard.DateOf(now).Before(d):
			in.problem(stepChild, "child-dob", "The date of birth cannot be after today.")
		case d.AgeOn(now) > 17:
			in.problem(stepChild, "child-dob", msgReportAdult)
		default:
			ch.DateOfBirth = &d
		}
	}
	for _, v := range lifeguard.Vulnerabilities() {
		if a.has("vuln", string(v)) {
			ch.Vulnerabilities = append(ch.Vulnerabilities, v)
		}
	}
	in.facts.Child = ch
}

func (in *reportInput) readWhat(a reportAnswers, now time.Time, zone *time.Location) {
	f := &in.facts
	f.Description = strings.TrimSpace(a.get("description"))
	switch n := utf8.RuneCountInString(f.Description); {
	case !in.text(stepWhat, "description", "What happened", f.Description):
	case n == 0:
		in.problem(stepWhat, "description", "Write what happened, even in a few words.")
	case n > lifeguard.MaxDescription:
		in.problem(stepWhat, "description", fmt.Sprintf("Shorten what happened to %d characters or fewer; it has %d.", lifeguard.MaxDescription, n))
	}
	date, clock := strings.TrimSpace(a.get("occurred_date")), strings.TrimSpace(a.get("occurred_time"))
	switch {
	case date == "" && clock != "":
		in.problem(stepWhat, "occurred-date", "Give the date as well as the time, or leave both empty.")
	case date != "":
		day, err := time.ParseInLocation(time.DateOnly, date, zone)
		if err != nil {
			in.problem(stepWhat, "occurred-date", "Give the date as a real date.")
			break
		}
		at := day
		if clock != "" {
			c, err := time.Parse("15:04", clock)
			if err != nil {
				c, err = time.Parse("15:04:05", clock)
			}
			if err != nil {
				in.problem(stepWhat, "occurred-time", "Give the time in hours and minutes, such as 14:30.")
				break
			}
			at = time.Date(day.Year(), day.Month(), day.Day(), c.Hour(), c.Minute(), 0, 0, zone)
		}
		if at.After(now) {
			in.problem(stepWhat, "occurred-date", "The date and time it happened cannot be in the future.")
			break
		}
		at = at.UTC()
		f.OccurredAt = &at
	}
	f.Details.Platform = strings.TrimSpace(a.get("platform"))
	if !in.text(stepWhat, "platform", "The app, game or website", f.Details.Platform) {
		return
	}
	if utf8.RuneCountInString(f.Details.Platform) > lifeguard.MaxPlatform {
		in.problem(stepWhat, "platform", fmt.Sprintf("Shorten the app, game or website to %d characters or fewer.", lifeguard.MaxPlatform))
	}
}

func (in *reportInput) readTypes(a reportAnswers) {
	f := &in.facts
	for _, t := range lifeguard.ConcernTypes() {
		if a.has("type", string(t.Code)) {
			f.ConcernTypes = append(f.ConcernTypes, t.Code)
		}
	}
	switch {
	case len(f.ConcernTypes) == 0:
		in.problem(stepTypes, firstTypeFieldID(), "Tick at least one kind of concern.")
	case in.noChild && !f.StaffOnly():
		in.problem(stepTypes, firstTypeFieldID(), "You said no child is involved. Only “A worker's online conduct” and "+
			"“A worker targeted online” can be recorded without a child: untick the others, or go back and choose the child.")
	}
	f.Parties = lifeguard.Parties{AdultInvolved: a.has("party", "adult"), PeerInvolved: a.has("party", "peer"),
		UnknownInvolved: a.has("party", "unknown")}
	in.sel = typeSelection{types: f.ConcernTypes, adultUnknown: f.Parties.AdultInvolved || f.Parties.UnknownInvolved}
	if f.Child == nil {
		return
	}
	if role := lifeguard.ChildRole(a.get("role")); role != "" {
		if slices.Contains(lifeguard.ChildRoles(), role) {
			f.ChildRole = role
		} else {
			in.problem(stepTypes, "role-victim", "Choose the child's part from the list.")
		}
	}
	switch h := lifeguard.SignificantHarm(a.get("harm")); h {
	case "", "yes", "no", "unsure":
		f.Risk.SignificantHarm = h
	default:
		in.problem(stepTypes, "harm-yes", "Choose yes, no or not sure.")
	}
	f.Risk.RiskToLife = a.has("risk", "life")
	f.Risk.AdditionalNeeds = a.has("risk", "early_help")
	f.Risk.ParentsPoseRisk = a.has("risk", "parents")
}

// followUps returns the follow-up questions in the order the last step
// asks them.
func followUps() []followUp {
	return slices.Concat(imageFollowUps[:], staffFollowUps[:], detailFollowUps[:])
}

// firstTypeFieldID is the id of the first concern type's checkbox, where a
// problem with the types links to.
func firstTypeFieldID() string {
	return "type-" + string(fourCsGroups()[0].Types[0].Code)
}

// reportFieldProblem places a problem that the facts' validation or the store
// found (its path in the facts' notation, such as child.age) on the step
// and field that ask it. Most are caught earlier in plain words; these are
// the rest.
func reportFieldProblem(p lifeguard.Problem) (reportStep, lifeguard.Problem) {
	path, _, _ := strings.Cut(p.Path, "[")
	type target struct {
		step      reportStep
		id, label string
	}
	var t target
	switch {
	case path == "child_id":
		t = target{stepChild, "child-new", "The child chosen"}
	case path == "child_legal_forename":
		t = target{stepChild, "child-forename", "The legal forename"}
	case path == "child_legal_surname":
		t = target{stepChild, "child-surname", "The legal surname"}
	case path == "child_ref":
		t = target{stepChild, "child-ref", "The reference"}
		if strings.Contains(p.Problem, "already") {
			return stepChild, lifeguard.Problem{Path: "child-ref", Problem: "That reference is already used for a child here. " +
				"Find that child by their reference and choose them, or give another reference."}
		}
	case path == "child" || path == "child.age":
		t = target{stepChild, "child-age", "The child's age"}
	case path == "child.date_of_birth":
		t = target{stepChild, "child-dob", "The date of birth"}
	case path == "child.vulnerabilities":
		t = target{stepChild, "vuln-looked_after", "Vulnerabilities"}
	case path == "description":
		t = target{stepWhat, "description", "What happened"}
	case path == "occurred_at":
		t = target{stepWhat, "occurred-date", "When it happened"}
	case path == "details.platform":
		t = target{stepWhat, "platform", "The app, game or website"}
	case path == "risk.immediate_danger":
		t = target{stepDanger, "danger-yes", "Immediate danger"}
	case path == "concern_types":
		t = target{stepTypes, firstTypeFieldID(), "Kinds of concern"}
	case path == "child_role":
		t = target{stepTypes, "role-victim", "The child's part"}
	case strings.HasPrefix(path, "parties"):
		t = target{stepTypes, "party-adult", "Who else is involved"}
	case strings.HasPrefix(path, "risk"):
		t = target{stepTypes, "harm-yes", "Risk to the child"}
	case strings.HasPrefix(path, "images"):
		t = target{stepMore, "img-involved", "About the images"}
	case strings.HasPrefix(path, "staff"):
		t = target{stepMore, "staff-harmed_child", "About the adult"}
	case strings.HasPrefix(path, "details"):
		t = target{stepMore, "detail-threats", "More details"}
	default:
		// reported_at and setting come from the server, not the form.
		return lastStep, lifeguard.Problem{Problem: p.String()}
	}
	return t.step, lifeguard.Problem{Path: t.id, Problem: t.label + ": " + p.Problem}
}
