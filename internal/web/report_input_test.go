package web

import (
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// TestReportHiddenQuestionsNeverMatter checks the follow-up questions against the
// procedure: for each concern type alone, a question that the form does not
// show changes nothing that the procedure gives, so hiding it loses nothing.
func TestReportHiddenQuestionsNeverMatter(t *testing.T) {
	proc, err := reportProcedure()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 18, 10, 0, 0, 0, time.UTC)
	summary := func(tr *lifeguard.Triage) string {
		var b strings.Builder
		for _, r := range tr.Routes {
			b.WriteString(string(r.Code) + " ")
		}
		b.WriteString(strings.Join(tr.Guidance, "|"))
		for _, o := range tr.Offences {
			b.WriteString("|" + o.Section)
		}
		return b.String()
	}
	for _, info := range lifeguard.ConcernTypes() {
		for _, party := range []lifeguard.Parties{{}, {PeerInvolved: true}} {
			base := lifeguard.Facts{ReportedAt: now, Setting: "school", ConcernTypes: []lifeguard.ConcernType{info.Code}, Parties: party}
			if !base.StaffOnly() {
				age := 14
				base.Child = &lifeguard.ChildFacts{Age: &age}
				base.ChildRole = "victim"
			}
			want, err := proc.Triage(t.Context(), &base)
			if err != nil {
				t.Fatalf("%s: %v", info.Code, err)
			}
			sel := typeSelection{types: base.ConcernTypes, adultUnknown: party.AdultInvolved || party.UnknownInvolved}
			for _, q := range followUps() {
				if q.shown(sel) {
					continue
				}
				f := base
				q.set(&f)
				got, err := proc.Triage(t.Context(), &f)
				if err != nil {
					continue // invalid facts can never be recorded
				}
				if summary(got) != summary(want) {
					t.Errorf("%s: hidden question %s.%s changes the triage:\n%s\n%s", info.Code, q.group, q.code, summary(want), summary(got))
				}
			}
		}
	}
}

// TestReportQuestionsShown pins which follow-up groups each kind of concern asks.
func TestReportQuestionsShown(t *testing.T) {
	groups := func(types ...lifeguard.ConcernType) (img, staff bool) {
		for _, q := range followUps() {
			if q.shown(typeSelection{types: types}) {
				img = img || q.group == "img"
				staff = staff || q.group == "staff"
			}
		}
		return img, staff
	}
	for _, tc := range []struct {
		types      []lifeguard.ConcernType
		img, staff bool
	}{
		{[]lifeguard.ConcernType{"nudes_sharing"}, true, false},
		{[]lifeguard.ConcernType{"grooming"}, true, false},
		{[]lifeguard.ConcernType{"child_abuse_imagery"}, true, false},
		{[]lifeguard.ConcernType{"staff_conduct"}, false, true},
		{[]lifeguard.ConcernType{"gambling"}, false, false},
		{[]lifeguard.ConcernType{"professional_targeted"}, false, false},
		{[]lifeguard.ConcernType{"staff_conduct", "sextortion"}, true, true},
	} {
		img, staff := groups(tc.types...)
		if img != tc.img || staff != tc.staff {
			t.Errorf("%v: images %v, staff %v; want %v, %v", tc.types, img, staff, tc.img, tc.staff)
		}
	}
}

func TestReadReportLeavesOutUnaskedAnswers(t *testing.T) {
	now := time.Date(2026, 11, 18, 10, 0, 0, 0, time.UTC)
	a := reportAnswers{"danger": {"no"}, "child_age": {"9"}, "description": {"x"}, "type": {"gambling"},
		"img": {"online"}, "staff": {"harmed_child"}, "detail": {"supply", "other_settings_involved"}}
	in := readReport(a, now, time.UTC)
	if s := in.firstProblem(); s != 0 {
		t.Fatalf("problems on step %d: %v", s, in.problems[s])
	}
	f := in.facts
	f.Setting = "school"
	if f.Images != (lifeguard.Images{}) || f.Staff != (lifeguard.Staff{}) || f.Details.Supply || !f.Details.OtherSettingsInvolved {
		t.Errorf("facts kept answers the form did not ask: %+v", f)
	}
	if ps := f.Validate(); len(ps) > 0 {
		t.Errorf("facts do not validate: %v", ps)
	}
}

func TestReportFieldProblem(t *testing.T) {
	for _, tc := range []struct {
		path, problem string
		step          reportStep
		id, contains  string
	}{
		{"child.age", "must be a whole number from 0 to 17", stepChild, "child-age", "The child's age: must be"},
		{"child", "must give the child's age or date_of_birth", stepChild, "child-age", "The child's age"},
		{"child_ref", "is already the reference of a child in your organisation", stepChild, "child-ref", "already used"},
		{"child_id", "is not a child recorded in your organisation", stepChild, "child-new", "The child chosen"},
		{"occurred_at", "is after reported_at", stepWhat, "occurred-date", "When it happened"},
		{"concern_types[2]", "repeats concern_types[0]", stepTypes, firstTypeFieldID(), "Kinds of concern"},
		{"images.online", "is not a boolean", stepMore, "img-involved", "About the images"},
		{"staff", "has a harm test", stepMore, "staff-harmed_child", "About the adult"},
		{"risk.immediate_danger", "x", stepDanger, "danger-yes", "Immediate danger"},
		{"setting", "is required", lastStep, "", "setting: is required"},
	} {
		s, p := reportFieldProblem(lifeguard.Problem{Path: tc.path, Problem: tc.problem})
		if s != tc.step || p.Path != tc.id || !strings.Contains(p.Problem, tc.contains) {
			t.Errorf("%s: step %d, %+v; want step %d at %q saying %q", tc.path, s, p, tc.step, tc.id, tc.contains)
		}
	}
}

func TestReportAnswersCarried(t *testing.T) {
	form := map[string][]string{"danger": {"no"}, "description": {"words"}, "type": {"gambling", "drugs"},
		"go": {"next"}, "step": {"3"}, "password": {"x"}, "vuln": make([]string, 100)}
	a := reportAnswersFrom(form)
	if a["go"] != nil || a["password"] != nil || a["step"] != nil {
		t.Errorf("kept fields that are not answers: %v", a)
	}
	if len(a["vuln"]) != maxReportValues {
		t.Errorf("kept %d values of one field, want at most %d", len(a["vuln"]), maxReportValues)
	}
	carried := func(s reportStep) string {
		var out []string
		for _, h := range a.hiddenExcept(s) {
			out = append(out, h.Name+"="+h.Value)
		}
		return strings.Join(out, " ")
	}
	if got := carried(stepTypes); strings.Contains(got, "type=") || !strings.Contains(got, "danger=no") ||
		!strings.Contains(got, "description=words") {
		t.Errorf("step 4 carries %q: it must carry every answer but its own", got)
	}
	if got := carried(stepDanger); !strings.Contains(got, "type=gambling type=drugs") || strings.Contains(got, "danger=") {
		t.Errorf("step 1 carries %q", got)
	}
}
