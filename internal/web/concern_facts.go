package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// Changing the facts: the DSL corrects or adds to what was reported, the
// procedure works out the routes again, and the concern page then says
// which routes the new facts added and which they removed. Decisions
// already made stay on the record.

type factsView struct {
	ID        int64
	URL       string
	Types     string
	Reported  string
	Errs      map[string]string
	Occurred  dslField
	Desc      dslField
	Age       dslField
	Born      dslField
	Platform  dslField
	Settings  []factChoice
	Kinds     []factChoice
	Vulns     []factChoice
	Roles     []factChoice
	Harms     []factChoice
	Groups    []flagGroupView
	HasChild  bool
	ChildNote string
}

// factChoice is one option of a select, a radio group or a set of
// checkboxes.
type factChoice struct {
	ID      string
	Value   string
	Label   string
	Hint    string
	Checked bool
}

type flagGroupView struct {
	ID    string
	Name  string
	Flags []factChoice
}

// dateTimeLocal is the form of an <input type="datetime-local">.
const dateTimeLocal = "2006-01-02T15:04"

func (wb *Web) factsForm(w http.ResponseWriter, r *http.Request) error {
	id, c, err := wb.concernToChange(r)
	if err != nil {
		return err
	}
	v := wb.factsView(c, &c.Facts, nil)
	if c.Facts.OccurredAt != nil {
		v.Occurred.Value = c.Facts.OccurredAt.In(wb.zone()).Format(dateTimeLocal)
	}
	return wb.render(w, r, http.StatusOK, "facts.html", page{Title: "Change the facts of concern " + strconv.FormatInt(id, 10),
		Nav: "inbox", Data: v})
}

// concernToChange loads a concern whose facts the DSL is about to change:
// a closed one cannot change, which the page says before anyone fills in
// the form.
func (wb *Web) concernToChange(r *http.Request) (int64, *lifeguard.Concern, error) {
	if err := requireRule(r, lifeguard.OpWorkConcern, "change the facts of a concern"); err != nil {
		return 0, nil, err
	}
	id, err := idFromPath(r, "id")
	if err != nil {
		return 0, nil, err
	}
	c, err := wb.cfg.Stores.Concerns.Concern(r.Context(), id)
	if err != nil {
		return 0, nil, err
	}
	if c.Status == lifeguard.StatusClosed {
		return 0, nil, lifeguard.Errorf(lifeguard.ECONFLICT, "The concern is closed and cannot be changed.")
	}
	return id, c, nil
}

func (wb *Web) saveFacts(w http.ResponseWriter, r *http.Request) error {
	id, c, err := wb.concernToChange(r)
	if err != nil {
		return err
	}
	if err := parsePlainForm(w, r); err != nil {
		return err
	}
	f, problems := wb.factsFromForm(r.PostForm, c.Facts.ReportedAt)
	// Every problem at once: the form's own, then the facts' rules about
	// the fields the form could read.
	bad := map[string]bool{}
	for _, p := range problems {
		bad[p.Path] = true
	}
	if bad["child.age"] || bad["child.date_of_birth"] {
		bad["child"] = true
	}
	var changed *lifeguard.Concern
	if len(problems) > 0 {
		for _, p := range f.Validate() {
			if !bad[p.Path] {
				problems = append(problems, p)
			}
		}
	} else {
		changed, err = wb.recorder().ChangeFacts(r.Context(), id, *f)
		// An invalid error names its fields; one that names none is shown
		// as the error it is, never as saved facts.
		if e, ok := invalidError(err); ok && len(e.Problems) > 0 {
			problems = append(problems, e.Problems...)
		} else if err != nil {
			return err
		}
	}
	if len(problems) > 0 {
		ps, errs := fieldProblems(lifeguard.Invalid("The facts are not valid", problems), factTargets())
		for i := range ps {
			ps[i].Problem = factWords.Replace(ps[i].Problem)
		}
		for k, m := range errs {
			errs[k] = factWords.Replace(m)
		}
		v := wb.factsView(c, f, errs)
		v.Occurred.Value = r.PostForm.Get("occurred_at")
		v.Age.Value, v.Born.Value = r.PostForm.Get("child.age"), r.PostForm.Get("child.date_of_birth")
		return wb.render(w, r, http.StatusUnprocessableEntity, "facts.html", page{
			Title: "Change the facts of concern " + strconv.FormatInt(id, 10) + ": there is a problem", Nav: "inbox",
			Data: v, Problem: ps})
	}
	t := &changed.Triage
	added, removed := routeChanges(&c.Triage, t)
	fl := pageFlash{Message: "The facts are saved and the routes worked out again.",
		Added: added, Removed: removed, Same: len(added) == 0 && len(removed) == 0}
	// A concern keeps the triage of the procedure it was recorded under
	// until its facts change; then the procedure in force works the routes
	// out, and the DSL needs to know when that is a new version.
	if before, after := c.Triage.Procedure, t.Procedure; before != after {
		fl.Procedure = fmt.Sprintf("The routes were worked out under %s %s before, and now under %s %s: some of these changes come from the new version of the procedure, not from the facts.",
			before.Name, before.Version, after.Name, after.Version)
	}
	wb.setPageFlash(w, fl)
	return redirectAfterPost(w, r, concernURL(id))
}

// factsFromForm reads the facts from the form. It checks only what the
// form's own fields need (a number, a date); the facts' rules are checked
// once, by the recorder (record.Recorder), whose proof the triage and the
// store take.
func (wb *Web) factsFromForm(form url.Values, reported time.Time) (*lifeguard.Facts, []lifeguard.Problem) {
	var problems []lifeguard.Problem
	f := &lifeguard.Facts{
		ReportedAt:  reported,
		Setting:     lifeguard.Setting(form.Get("setting")),
		Description: strings.TrimSpace(form.Get("description")),
		ChildRole:   lifeguard.ChildRole(form.Get("child_role")),
	}
	f.Details.Platform = strings.TrimSpace(form.Get("details.platform"))
	f.Risk.SignificantHarm = lifeguard.SignificantHarm(form.Get("risk.significant_harm"))
	if s := strings.TrimSpace(form.Get("occurred_at")); s != "" {
		t, err := time.ParseInLocation(dateTimeLocal, s, wb.zone())
		if err != nil {
			t, err = time.ParseInLocation(dateTimeLocal+":05", s, wb.zone())
		}
		if err != nil {
			problems = append(problems, lifeguard.Problem{Path: "occurred_at", Problem: "must be a date and a time"})
		} else {
			f.OccurredAt = &t
		}
	}
	f.ConcernTypes = []lifeguard.ConcernType{}
	for _, s := range form["concern_types"] {
		f.ConcernTypes = append(f.ConcernTypes, lifeguard.ConcernType(s))
	}
	ageText, bornText := strings.TrimSpace(form.Get("child.age")), strings.TrimSpace(form.Get("child.date_of_birth"))
	vulns := form["child.vulnerabilities"]
	if ageText != "" || bornText != "" || len(vulns) > 0 {
		ch := &lifeguard.ChildFacts{}
		if ageText != "" {
			n, err := strconv.Atoi(ageText)
			if err != nil {
				problems = append(problems, lifeguard.Problem{Path: "child.age", Problem: "must be a whole number from 0 to 17"})
			} else {
				ch.Age = &n
			}
		}
		if bornText != "" {
			d, err := lifeguard.ParseDate(bornText)
			if err != nil {
				problems = append(problems, lifeguard.Problem{Path: "child.date_of_birth", Problem: "must be a real date"})
			} else {
				ch.DateOfBirth = &d
			}
		}
		for _, s := range vulns {
			ch.Vulnerabilities = append(ch.Vulnerabilities, lifeguard.Vulnerability(s))
		}
		f.Child = ch
	}
	for _, fl := range factFlags {
		*fl.get(f) = form.Get(fl.Path) != ""
	}
	return f, problems
}

// factTargets says which field each problem of the facts belongs to.
func factTargets() map[string]problemTarget {
	t := map[string]problemTarget{
		"occurred_at":           {"occurred_at", "When it happened:"},
		"setting":               {"setting", "Kind of organisation:"},
		"description":           {"description", "What happened:"},
		"child":                 {"child.age", "The child:"},
		"child.age":             {"child.age", "Age:"},
		"child.date_of_birth":   {"child.date_of_birth", "Date of birth:"},
		"child.vulnerabilities": {"child.vulnerabilities", "Vulnerabilities:"},
		"child_role":            {"child_role", "The child's part:"},
		"concern_types":         {"concern_types", "Type of concern:"},
		"risk.significant_harm": {"risk.significant_harm", "Significant harm:"},
		"details.platform":      {"details.platform", "App, game or site:"},
	}
	for _, fl := range factFlags {
		t[fl.Path] = problemTarget{fl.Path, fl.Group + ":"}
		group, _, _ := strings.Cut(fl.Path, ".")
		if _, ok := t[group]; !ok {
			t[group] = problemTarget{fl.Path, fl.Group + ":"}
		}
	}
	return t
}

// factWords turns the field names in the facts' problems into words.
var factWords = strings.NewReplacer("date_of_birth", "date of birth", "reported_at", "the time it was reported",
	"occurred_at", "the time it happened", "child_role", "the child's part", "images.self_generated",
	"\"the child took the images of themself\"", "staff_conduct", "a worker's online conduct",
	"professional_targeted", "a worker targeted online", "adult_involved, peer_involved and unknown_involved",
	"who else is involved")

func (wb *Web) factsView(c *lifeguard.Concern, f *lifeguard.Facts, errs map[string]string) *factsView {
	if errs == nil {
		errs = map[string]string{}
	}
	v := &factsView{ID: c.ID, URL: concernURL(c.ID), Types: strings.Join(typeWords(c.Facts.ConcernTypes), "; "),
		Reported: wb.showTime(c.Facts.ReportedAt), Errs: errs, HasChild: f.Child != nil,
		Occurred: dslField{ID: "occurred_at", Name: "occurred_at", Err: errs["occurred_at"]},
		Desc:     dslField{ID: "description", Name: "description", Value: f.Description, Err: errs["description"]},
		Age:      dslField{ID: "child.age", Name: "child.age", Err: errs["child.age"]},
		Born:     dslField{ID: "child.date_of_birth", Name: "child.date_of_birth", Err: errs["child.date_of_birth"]},
		Platform: dslField{ID: "details.platform", Name: "details.platform", Value: f.Details.Platform, Err: errs["details.platform"]},
	}
	if ch := f.Child; ch != nil {
		if ch.Age != nil {
			v.Age.Value = strconv.Itoa(*ch.Age)
		}
		if ch.DateOfBirth != nil {
			v.Born.Value = ch.DateOfBirth.String()
		}
	}
	for _, s := range lifeguard.Settings() {
		v.Settings = append(v.Settings, factChoice{Value: string(s), Label: s.Label(), Checked: s == f.Setting})
	}
	for i, t := range lifeguard.ConcernTypes() {
		v.Kinds = append(v.Kinds, factChoice{ID: choiceID("concern_types", i, string(t.Code)), Value: string(t.Code),
			Label: t.Label, Hint: t.Covers, Checked: f.HasType(t.Code)})
	}
	for i, x := range lifeguard.Vulnerabilities() {
		v.Vulns = append(v.Vulns, factChoice{ID: choiceID("child.vulnerabilities", i, string(x)), Value: string(x),
			Label: x.Label(), Checked: f.HasVulnerability(x)})
	}
	for i, x := range lifeguard.ChildRoles() {
		v.Roles = append(v.Roles, factChoice{ID: choiceID("child_role", i, string(x)), Value: string(x),
			Label: x.Label(), Checked: f.ChildRole == x})
	}
	// The form offers "not answered" after the answers.
	for i, h := range append(lifeguard.SignificantHarms(), "") {
		v.Harms = append(v.Harms, factChoice{ID: choiceID("risk.significant_harm", i, string(h)), Value: string(h),
			Label: h.Label(), Checked: f.Risk.SignificantHarm == h})
	}
	for _, g := range flagGroups {
		gv := flagGroupView{Name: g}
		for _, fl := range factFlags {
			if fl.Group == g {
				if gv.ID == "" {
					gv.ID = "group-" + strings.Split(fl.Path, ".")[0]
				}
				gv.Flags = append(gv.Flags, factChoice{ID: fl.Path, Value: "yes", Label: fl.Label, Checked: *fl.get(f)})
			}
		}
		v.Groups = append(v.Groups, gv)
	}
	return v
}

// choiceID gives the first choice of a group the group's own id, which a
// problem about the group links to, and the others ids of their own.
func choiceID(group string, i int, value string) string {
	if i == 0 {
		return group
	}
	if value == "" {
		value = "none"
	}
	return group + "-" + value
}
