package storetest

import (
	"context"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// The teaching, parents', survey and access registers (issue 17, items 5
// to 7, h-teaching).

func teachingIn(f *fixture, group string, strand lifeguard.TeachingStrand) lifeguard.NewTeaching {
	return lifeguard.NewTeaching{YearGroup: group, Strand: strand, TaughtOn: lifeguard.DateOf(f.now()),
		Taught: "Strong passwords and not sharing them", TaughtBy: "Computing, Mr Hale"}
}

func parentIn(f *fixture) lifeguard.NewParentContact {
	return lifeguard.NewParentContact{On: lifeguard.DateOf(f.now()), Topic: "Gaming and chat", Kind: lifeguard.ParentSession,
		Reached: 42}
}

func surveyIn(f *fixture) lifeguard.NewChildSurvey {
	return lifeguard.NewChildSurvey{Title: "Our online lives", On: lifeguard.DateOf(f.now()), YearGroups: "Years 5 and 6",
		Respondents: 50, Questions: []lifeguard.SurveyQuestion{{Text: "Do you play games online with people you don't know?",
			Options: []lifeguard.SurveyOption{{Text: "Yes", Count: 21}, {Text: "No", Count: 29}}}}}
}

func accessIn(name string, kind lifeguard.AccessGroupKind, filterGroup string) lifeguard.NewAccessGroup {
	return lifeguard.NewAccessGroup{Name: name, Kind: kind, Members: "Everyone in the group", Count: 30,
		Devices: "Class laptops", HowGiven: "Own login", Agreement: lifeguard.AgreementPupils, FilterGroup: filterGroup}
}

// preventionRuleCases are the cases of the two operations in ruleCases;
// r.teaching is an entry of A recorded by its manager.
func preventionRuleCases() map[lifeguard.Op]ruleCase {
	org := lifeguard.ReachOrganisation
	return map[lifeguard.Op]ruleCase{
		lifeguard.OpReadPrevention: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.TeachingEntry(ctx, r.teaching)
			return err
		}},
		lifeguard.OpKeepPrevention: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.EditTeaching(ctx, r.teaching, teachingIn(f, "6", lifeguard.StrandPrivacy))
			return err
		}},
	}
}

// preventionRecords makes the records of preventionRuleCases.
func (f *fixture) preventionRecords(t *testing.T, r *ruleRecords) {
	t.Helper()
	e, err := f.db.RecordTeaching(as(t.Context(), f.manager), teachingIn(f, "5", lifeguard.StrandPrivacy))
	if err != nil {
		t.Fatal(err)
	}
	r.teaching = e.ID
}

func testPrevention(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := t.Context()
	mgr, dsl, staff := as(ctx, f.manager), as(ctx, f.dsl), as(ctx, f.staff)

	step(t, "teaching entries and the coverage map", func(t *testing.T) {
		e, err := f.db.RecordTeaching(mgr, teachingIn(f, "Year 5", lifeguard.StrandPrivacy))
		if err != nil {
			t.Fatal(err)
		}
		if e.YearGroup != "5" || e.OrganisationID != f.orgA.ID {
			t.Fatalf("entry = %+v, want year group 5 of A", e)
		}
		in := teachingIn(f, "5", lifeguard.StrandBullying)
		in.Taught = "What online bullying is and whom to tell"
		if e, err = f.db.EditTeaching(dsl, e.ID, in); err != nil || e.Strand != lifeguard.StrandBullying || e.Taught != in.Taught {
			t.Fatalf("edit = %+v, %v", e, err)
		}
		if _, err := f.db.RecordTeaching(mgr, teachingIn(f, "R", lifeguard.StrandSelfImage)); err != nil {
			t.Fatal(err)
		}
		list, err := f.db.TeachingEntries(staff, 0, lifeguard.SchoolYearOf(lifeguard.DateOf(f.now())))
		if err != nil || len(list) != 2 {
			t.Fatalf("staff read %d entries, %v; want 2", len(list), err)
		}
		cov, err := f.db.TeachingCoverage(staff, f.orgA.ID, lifeguard.SchoolYearOf(lifeguard.DateOf(f.now())))
		if err != nil {
			t.Fatal(err)
		}
		if len(cov.Rows) != 2 || cov.Rows[0].YearGroup != "R" || cov.Rows[1].YearGroup != "5" {
			t.Fatalf("rows = %+v, want R then 5", cov.Rows)
		}
		if g := cov.Rows[1].Gaps(); g != 7 {
			t.Errorf("year 5 has %d gaps, want 7", g)
		}
		if c := cov.Rows[1].Cells[3]; c.Strand != lifeguard.StrandBullying || c.Entries != 1 {
			t.Errorf("year 5 bullying = %+v", c)
		}
		// A year before: nothing.
		if cov, err = f.db.TeachingCoverage(staff, 0, lifeguard.SchoolYearOf(lifeguard.DateOf(f.now()))-1); err != nil ||
			len(cov.Rows) != 0 {
			t.Fatalf("last year = %+v, %v; want no rows", cov, err)
		}
	})

	step(t, "teaching input refused by field", func(t *testing.T) {
		for _, c := range []struct {
			path string
			edit func(*lifeguard.NewTeaching)
		}{
			{"year_group", func(in *lifeguard.NewTeaching) { in.YearGroup = "14" }},
			{"year_group", func(in *lifeguard.NewTeaching) { in.YearGroup = "" }},
			{"strand", func(in *lifeguard.NewTeaching) { in.Strand = "astronomy" }},
			{"taught_on", func(in *lifeguard.NewTeaching) { in.TaughtOn = lifeguard.DateOf(f.now().AddDate(0, 0, 2)) }},
			{"taught_on", func(in *lifeguard.NewTeaching) { in.TaughtOn = lifeguard.Date{} }},
			{"taught", func(in *lifeguard.NewTeaching) { in.Taught = "  " }},
			{"taught_by", func(in *lifeguard.NewTeaching) { in.TaughtBy = string(make([]byte, 201)) }},
		} {
			in := teachingIn(f, "3", lifeguard.StrandHealth)
			c.edit(&in)
			_, err := f.db.RecordTeaching(mgr, in)
			wantProblem(t, err, c.path)
		}
	})

	step(t, "who may keep and read", func(t *testing.T) {
		_, err := f.db.RecordTeaching(staff, teachingIn(f, "5", lifeguard.StrandHealth))
		wantCode(t, err, lifeguard.EFORBIDDEN)
		_, err = f.db.TeachingEntries(as(ctx, f.officer), f.orgA.ID, 2026)
		wantCode(t, err, lifeguard.ENOTFOUND)
		_, err = f.db.ParentContacts(as(ctx, f.dslB), f.orgA.ID)
		wantCode(t, err, lifeguard.ENOTFOUND)
		_, err = f.db.RecordParentContact(as(ctx, f.officer), parentIn(f))
		wantCode(t, err, lifeguard.EFORBIDDEN)
		list, err := f.db.TeachingEntries(mgr, 0, lifeguard.SchoolYearOf(lifeguard.DateOf(f.now())))
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.db.EditTeaching(as(ctx, f.dslB), list[0].ID, teachingIn(f, "5", lifeguard.StrandHealth))
		wantCode(t, err, lifeguard.ENOTFOUND)
	})

	step(t, "parents and surveys", func(t *testing.T) {
		c, err := f.db.RecordParentContact(mgr, parentIn(f))
		if err != nil || c.Reached != 42 || c.Kind != lifeguard.ParentSession {
			t.Fatalf("contact = %+v, %v", c, err)
		}
		in := parentIn(f)
		in.Kind, in.Reached = lifeguard.ParentNewsletter, 300
		if c, err = f.db.EditParentContact(dsl, c.ID, in); err != nil || c.Reached != 300 {
			t.Fatalf("edit = %+v, %v", c, err)
		}
		for path, edit := range map[string]func(*lifeguard.NewParentContact){
			"kind":    func(in *lifeguard.NewParentContact) { in.Kind = "carrier_pigeon" },
			"reached": func(in *lifeguard.NewParentContact) { in.Reached = -1 },
			"topic":   func(in *lifeguard.NewParentContact) { in.Topic = "" },
			"on":      func(in *lifeguard.NewParentContact) { in.On = lifeguard.Date{} },
		} {
			in := parentIn(f)
			edit(&in)
			_, err := f.db.RecordParentContact(mgr, in)
			wantProblem(t, err, path)
		}
		s, err := f.db.RecordChildSurvey(mgr, surveyIn(f))
		if err != nil || len(s.Questions) != 1 || len(s.Questions[0].Options) != 2 || s.Questions[0].Options[1].Count != 29 {
			t.Fatalf("survey = %+v, %v", s, err)
		}
		bad := surveyIn(f)
		bad.Questions[0].Options[0].Count = 500
		_, err = f.db.RecordChildSurvey(mgr, bad)
		wantProblem(t, err, "questions[0].options")
		bad = surveyIn(f)
		bad.Questions[0].Options = bad.Questions[0].Options[:1]
		_, err = f.db.RecordChildSurvey(mgr, bad)
		wantProblem(t, err, "questions[0].options")
		bad = surveyIn(f)
		bad.Questions = nil
		_, err = f.db.RecordChildSurvey(mgr, bad)
		wantProblem(t, err, "questions")
		list, err := f.db.ChildSurveys(staff, 0)
		if err != nil || len(list) != 1 || list[0].Questions[0].Text != surveyIn(f).Questions[0].Text {
			t.Fatalf("surveys = %+v, %v", list, err)
		}
	})

	step(t, "access record against the filter's groups", func(t *testing.T) {
		rec, err := f.db.AccessRecord(staff, 0)
		if err != nil || rec.FilterAttached || len(rec.Groups) != 0 {
			t.Fatalf("empty record = %+v, %v", rec, err)
		}
		if _, err := f.db.SetFilterPolicy(as(ctx, f.admin), f.orgA.ID,
			[]byte(`{"groups":{"pupils":{"categories":["adult","gambling"]},"staff":{}},"default_group":""}`)); err != nil {
			t.Fatal(err)
		}
		g, err := f.db.RecordAccessGroup(mgr, accessIn("Key stage 2", lifeguard.AccessPupils, "pupils"))
		if err != nil || g.Filter == nil || g.Filter.Group != "pupils" || len(g.Filter.Categories) != 2 {
			t.Fatalf("group = %+v, %v; want covered by the filter's pupils group", g, err)
		}
		if _, err := f.db.RecordAccessGroup(mgr, accessIn("Staff", lifeguard.AccessStaff, "")); err != nil {
			t.Fatal(err)
		}
		guests, err := f.db.RecordAccessGroup(dsl, accessIn("Guest Wi-Fi", lifeguard.AccessVisitors, "guests"))
		if err != nil || guests.Filter != nil {
			t.Fatalf("guests = %+v, %v; want no filter (no such group in the policy)", guests, err)
		}
		_, err = f.db.RecordAccessGroup(mgr, accessIn("Staff", lifeguard.AccessStaff, "staff"))
		wantProblem(t, err, "name")
		_, err = f.db.RecordAccessGroup(mgr, accessIn("Bad", lifeguard.AccessStaff, "Not A Group"))
		wantProblem(t, err, "filter_group")
		_, err = f.db.RecordAccessGroup(mgr, accessIn("Bad", "robots", ""))
		wantProblem(t, err, "kind")
		rec, err = f.db.AccessRecord(staff, f.orgA.ID)
		if err != nil || !rec.FilterAttached || len(rec.Groups) != 3 || rec.Unfiltered() != 2 {
			t.Fatalf("record = %+v, %v; want 3 groups, 2 with no filter", rec, err)
		}
		if rec.Groups[0].Kind != lifeguard.AccessPupils || rec.Groups[2].Kind != lifeguard.AccessVisitors {
			t.Errorf("groups not in kind order: %+v", rec.Groups)
		}
		in := accessIn("Guest Wi-Fi", lifeguard.AccessVisitors, "staff")
		in.Agreement = ""
		if guests, err = f.db.EditAccessGroup(mgr, guests.ID, in); err != nil || guests.Filter == nil {
			t.Fatalf("edited guests = %+v, %v", guests, err)
		}
		_, err = f.db.EditAccessGroup(staff, guests.ID, in)
		wantCode(t, err, lifeguard.EFORBIDDEN)
	})

	step(t, "figures for the self-audit", func(t *testing.T) {
		fig, err := f.db.PreventionFigures(as(ctx, f.officer), f.orgA.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := lifeguard.PreventionFigures{Today: lifeguard.DateOf(f.now()), SchoolYear: lifeguard.SchoolYearOf(lifeguard.DateOf(f.now())),
			YearGroups: 2, Cells: 16, Covered: 2, ParentContacts: 1, ParentSessions: 0, ParentsReached: 300, Surveys: 1,
			Respondents: 50, AccessGroups: 3, Unfiltered: 1, NoAgreement: 1, FilterAttached: true}
		if *fig != want {
			t.Fatalf("figures = %+v\nwant %+v", *fig, want)
		}
		if _, level, _ := fig.PreventionEvidence(lifeguard.AspectTeaching); level != lifeguard.LevelDeveloping {
			t.Errorf("teaching suggests %d, want developing", level)
		}
		_, err = f.db.PreventionFigures(staff, f.orgA.ID)
		if code := lifeguard.ErrorCode(err); code != lifeguard.EFORBIDDEN && code != lifeguard.ENOTFOUND {
			t.Errorf("staff read the figures: %v", err)
		}
	})
}

// testPreventionReport checks the board report's prevention counts: by
// type of organisation, and teaching by key stage and strand.
func testPreventionReport(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := t.Context()
	mgr := as(ctx, f.manager)
	for _, in := range []lifeguard.NewTeaching{teachingIn(f, "R", lifeguard.StrandSelfImage),
		teachingIn(f, "5", lifeguard.StrandBullying), teachingIn(f, "5", lifeguard.StrandBullying)} {
		if _, err := f.db.RecordTeaching(mgr, in); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.db.RecordTeaching(as(ctx, f.dslB), teachingIn(f, "6", lifeguard.StrandPrivacy)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.RecordParentContact(mgr, parentIn(f)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.RecordChildSurvey(mgr, surveyIn(f)); err != nil {
		t.Fatal(err)
	}
	// One member of staff trained in both things staff need: in date.
	for _, ty := range []lifeguard.TrainingType{lifeguard.TrainingSafeguarding, lifeguard.TrainingOnlineSafety} {
		if _, err := f.db.RecordTraining(mgr, lifeguard.NewTraining{UserID: f.staff.ID, Type: ty, Course: "Course",
			Provider: "In house", CompletedOn: lifeguard.DateOf(f.now().AddDate(0, -2, 0))}); err != nil {
			t.Fatal(err)
		}
	}
	today := lifeguard.DateOf(f.now())
	rc, err := f.db.ReportCounts(as(ctx, f.officer), lifeguard.ReportQuery{From: lifeguard.DateOf(f.now().AddDate(0, -1, 0)), To: today})
	if err != nil {
		t.Fatal(err)
	}
	p := rc.Prevention
	if p == nil || p.SchoolYear != lifeguard.SchoolYearOf(today) {
		t.Fatalf("prevention = %+v", p)
	}
	got := map[string]lifeguard.PreventionTally{}
	for _, m := range p.Measures {
		got[m.Measure+"/"+string(m.Setting)] = m
	}
	for k, want := range map[string][2]int64{
		"policy_in_date/school": {0, 2}, "parent_contacts/school": {1, 1}, "parents_reached/school": {42, 0},
		"child_surveys/school": {1, 1}, "survey_answers/school": {50, 0}, "staff_agreement/school": {0, 6},
		"training_in_date/school": {1, 6},
	} {
		if g := got[k]; g.N != want[0] || g.Of != want[1] {
			t.Errorf("%s = %d of %d, want %d of %d", k, g.N, g.Of, want[0], want[1])
		}
	}
	teach := map[string]lifeguard.TeachingTally{}
	for _, x := range p.Teaching {
		teach[x.Stage+"/"+string(x.Strand)] = x
	}
	for k, want := range map[string][2]int64{"EYFS/self_image": {1, 1}, "KS2/bullying": {1, 2}, "KS2/privacy": {1, 2},
		"KS2/health": {0, 2}} {
		if g := teach[k]; g.N != want[0] || g.Of != want[1] {
			t.Errorf("teaching %s = %d of %d, want %d of %d", k, g.N, g.Of, want[0], want[1])
		}
	}
	// An organisation's own report counts its own only.
	own, err := f.db.ReportCounts(mgr, lifeguard.ReportQuery{From: today, To: today, OrganisationID: f.orgA.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range own.Prevention.Teaching {
		if x.Stage == "KS2" && x.Of != 1 {
			t.Errorf("A's own report counts %d KS2 year groups, want 1", x.Of)
		}
	}
}

// preventionTextCases are the registers' free-text fields for the bad-text
// table.
func preventionTextCases() []textCase {
	teaching := func(edit func(*lifeguard.NewTeaching, string)) func(context.Context, *fixture, textWorld, string) error {
		return func(ctx context.Context, f *fixture, w textWorld, s string) error {
			in := teachingIn(f, "4", lifeguard.StrandHealth)
			edit(&in, s)
			_, err := f.db.RecordTeaching(as(ctx, f.manager), in)
			return err
		}
	}
	parent := func(edit func(*lifeguard.NewParentContact, string)) func(context.Context, *fixture, textWorld, string) error {
		return func(ctx context.Context, f *fixture, w textWorld, s string) error {
			in := parentIn(f)
			edit(&in, s)
			_, err := f.db.RecordParentContact(as(ctx, f.manager), in)
			return err
		}
	}
	survey := func(edit func(*lifeguard.NewChildSurvey, string)) func(context.Context, *fixture, textWorld, string) error {
		return func(ctx context.Context, f *fixture, w textWorld, s string) error {
			in := surveyIn(f)
			edit(&in, s)
			_, err := f.db.RecordChildSurvey(as(ctx, f.manager), in)
			return err
		}
	}
	access := func(edit func(*lifeguard.NewAccessGroup, string)) func(context.Context, *fixture, textWorld, string) error {
		return func(ctx context.Context, f *fixture, w textWorld, s string) error {
			in := accessIn("Year 6", lifeguard.AccessPupils, "")
			edit(&in, s)
			_, err := f.db.RecordAccessGroup(as(ctx, f.manager), in)
			return err
		}
	}
	return []textCase{
		{"teaching year group", "year_group", teaching(func(in *lifeguard.NewTeaching, s string) { in.YearGroup = s })},
		{"teaching strand", "strand", teaching(func(in *lifeguard.NewTeaching, s string) { in.Strand = lifeguard.TeachingStrand(s) })},
		{"teaching taught", "taught", teaching(func(in *lifeguard.NewTeaching, s string) { in.Taught = s })},
		{"teaching taught by", "taught_by", teaching(func(in *lifeguard.NewTeaching, s string) { in.TaughtBy = s })},
		{"parents topic", "topic", parent(func(in *lifeguard.NewParentContact, s string) { in.Topic = s })},
		{"parents kind", "kind", parent(func(in *lifeguard.NewParentContact, s string) { in.Kind = lifeguard.ParentContactKind(s) })},
		{"parents notes", "notes", parent(func(in *lifeguard.NewParentContact, s string) { in.Notes = s })},
		{"survey title", "title", survey(func(in *lifeguard.NewChildSurvey, s string) { in.Title = s })},
		{"survey year groups", "year_groups", survey(func(in *lifeguard.NewChildSurvey, s string) { in.YearGroups = s })},
		{"survey findings", "findings", survey(func(in *lifeguard.NewChildSurvey, s string) { in.Findings = s })},
		{"survey question", "questions[0].text", survey(func(in *lifeguard.NewChildSurvey, s string) { in.Questions[0].Text = s })},
		{"survey answer", "questions[0].options[1].text", survey(func(in *lifeguard.NewChildSurvey, s string) {
			in.Questions[0].Options[1].Text = s
		})},
		{"access name", "name", access(func(in *lifeguard.NewAccessGroup, s string) { in.Name = s })},
		{"access kind", "kind", access(func(in *lifeguard.NewAccessGroup, s string) { in.Kind = lifeguard.AccessGroupKind(s) })},
		{"access members", "members", access(func(in *lifeguard.NewAccessGroup, s string) { in.Members = s })},
		{"access devices", "devices", access(func(in *lifeguard.NewAccessGroup, s string) { in.Devices = s })},
		{"access how given", "how_given", access(func(in *lifeguard.NewAccessGroup, s string) { in.HowGiven = s })},
		{"access agreement", "agreement", access(func(in *lifeguard.NewAccessGroup, s string) { in.Agreement = lifeguard.PolicyKind(s) })},
		{"access filter group", "filter_group", access(func(in *lifeguard.NewAccessGroup, s string) { in.FilterGroup = s })},
	}
}

// preventionSnapshot is what the registers of A hold, for the bad-text
// table's check that a refusal stored nothing.
func preventionSnapshot(t *testing.T, f *fixture) any {
	t.Helper()
	ctx := as(t.Context(), f.manager)
	year := lifeguard.SchoolYearOf(lifeguard.DateOf(f.now()))
	var snap struct {
		Teaching []lifeguard.TeachingEntry
		Parents  []lifeguard.ParentContact
		Surveys  []lifeguard.ChildSurvey
		Access   *lifeguard.AccessRecord
	}
	var err error
	if snap.Teaching, err = f.db.TeachingEntries(ctx, 0, year); err != nil {
		t.Fatal(err)
	}
	if snap.Parents, err = f.db.ParentContacts(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if snap.Surveys, err = f.db.ChildSurveys(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if snap.Access, err = f.db.AccessRecord(ctx, 0); err != nil {
		t.Fatal(err)
	}
	return snap
}
