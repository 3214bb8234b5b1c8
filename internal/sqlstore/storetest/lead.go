package storetest

import (
	"context"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// The organisations' safeguarding and online-safety leads (lead.go).

func someLeads() []lifeguard.Lead {
	return []lifeguard.Lead{
		{Kind: lifeguard.LeadDSL, Name: "Asha Patel", Role: "Deputy head", Email: "a.patel@school.example", Phone: "01632 960 111"},
		{Kind: lifeguard.LeadDeputyDSL, Name: "Tom Reid", Role: "Head of year 9", Phone: "01632 960 112"},
		{Kind: lifeguard.LeadOnlineSafety, Name: "Mo Khan", Role: "Computing lead", Email: "m.khan@school.example"},
	}
}

// testOrganisationLeads: the manager keeps the organisation's own leads,
// the officer any organisation's of the partnership; they come back in the
// order given; the journal counts them without names; bad leads are refused
// naming the field, and nothing changes.
func testOrganisationLeads(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := t.Context()
	step(t, "the manager sets them", func(t *testing.T) {
		got, err := f.db.SetOrganisationLeads(as(ctx, f.manager), f.orgA.ID, someLeads())
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 {
			t.Fatalf("got %d leads, want 3", len(got))
		}
		for i, l := range got {
			if l.Lead != someLeads()[i] || l.OrganisationID != f.orgA.ID || l.Organisation != f.orgA.Name || l.UpdatedAt.IsZero() {
				t.Errorf("lead %d = %+v, want %+v of %s", i, l, someLeads()[i], f.orgA.Name)
			}
		}
		read, err := f.db.OrganisationLeads(as(ctx, f.staff), f.orgA.ID)
		if err != nil || len(read) != 3 || read[2].Name != "Mo Khan" {
			t.Fatalf("staff read %+v, %v", read, err)
		}
	})
	step(t, "the journal names no lead", func(t *testing.T) {
		es := journalAfter(t, f.db, 0)
		last := es[len(es)-1]
		if last.Detail != "leads dsl=1 deputy_dsl=1 online_safety=1" {
			t.Errorf("journal detail %q", last.Detail)
		}
		for _, e := range es {
			if strings.Contains(e.Detail, "Patel") || strings.Contains(e.Detail, "school.example") {
				t.Errorf("journal names a lead: %q", e.Detail)
			}
		}
	})
	step(t, "the officer sets another organisation's, and a list replaces the last", func(t *testing.T) {
		if _, err := f.db.SetOrganisationLeads(as(ctx, f.officer), f.orgB.ID, someLeads()[:1]); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.SetOrganisationLeads(as(ctx, f.officer), f.orgA.ID, someLeads()[2:]); err != nil {
			t.Fatal(err)
		}
		all, err := f.db.PartnershipLeads(as(ctx, f.dsl))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, l := range all {
			names = append(names, l.Organisation+": "+l.Name)
		}
		want := []string{f.orgA.Name + ": Mo Khan", f.orgB.Name + ": Asha Patel"}
		if f.orgB.Name < f.orgA.Name {
			want[0], want[1] = want[1], want[0]
		}
		if strings.Join(names, "|") != strings.Join(want, "|") {
			t.Errorf("partnership leads %q, want %q", names, want)
		}
		own, err := f.db.PartnershipLeads(as(ctx, f.staff))
		if err != nil || len(own) != 1 || own[0].OrganisationID != f.orgA.ID {
			t.Errorf("staff see %+v, %v; want their own organisation's only", own, err)
		}
	})
	step(t, "an empty list clears them", func(t *testing.T) {
		if _, err := f.db.SetOrganisationLeads(as(ctx, f.officer), f.orgB.ID, nil); err != nil {
			t.Fatal(err)
		}
		if got, err := f.db.OrganisationLeads(as(ctx, f.officer), f.orgB.ID); err != nil || len(got) != 0 {
			t.Errorf("after clearing: %+v, %v", got, err)
		}
	})
	step(t, "bad leads are refused naming the field", func(t *testing.T) {
		long := strings.Repeat("x", lifeguard.MaxLeadName+1)
		cases := []struct {
			name, path string
			edit       func(l *lifeguard.Lead)
		}{
			{"no kind", "leads[1].kind", func(l *lifeguard.Lead) { l.Kind = "" }},
			{"unknown kind", "leads[1].kind", func(l *lifeguard.Lead) { l.Kind = "head" }},
			{"no name", "leads[1].name", func(l *lifeguard.Lead) { l.Name = " " }},
			{"long name", "leads[1].name", func(l *lifeguard.Lead) { l.Name = long }},
			{"no role", "leads[1].role", func(l *lifeguard.Lead) { l.Role = "" }},
			{"bad email", "leads[1].email", func(l *lifeguard.Lead) { l.Email = "Asha <a@school.example>" }},
			{"not an email", "leads[1].email", func(l *lifeguard.Lead) { l.Email = "asha at school" }},
			{"bad phone", "leads[1].phone", func(l *lifeguard.Lead) { l.Phone = "ring the office" }},
			{"no way to reach", "leads[1].email", func(l *lifeguard.Lead) { l.Email, l.Phone = "", "" }},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				leads := someLeads()
				c.edit(&leads[1])
				entries := journalLen(t, f.db)
				_, err := f.db.SetOrganisationLeads(as(ctx, f.manager), f.orgA.ID, leads)
				wantProblem(t, err, c.path)
				if n := journalLen(t, f.db); n != entries {
					t.Errorf("journal grew on a refusal")
				}
				if got, _ := f.db.OrganisationLeads(as(ctx, f.manager), f.orgA.ID); len(got) != 1 {
					t.Errorf("the refusal changed the leads: %+v", got)
				}
			})
		}
		many := make([]lifeguard.Lead, lifeguard.MaxLeads+1)
		_, err := f.db.SetOrganisationLeads(as(ctx, f.manager), f.orgA.ID, many)
		wantProblem(t, err, "leads")
	})
}

// leadAccessCases are the leads' rows of the every-role table (access.go).
func leadAccessCases() []accessCase {
	return []accessCase{
		{"OrganisationLeads", []string{ok, ok, ok, ok, ok, ok, ok, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.OrganisationLeads(ctx, f.orgA.ID)
			return err
		}},
		{"OrganisationLeads(B)", []string{nf, nf, ok, ok, ok, ok, ok, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.OrganisationLeads(ctx, f.orgB.ID)
			return err
		}},
		{"OrganisationLeads(other partnership)", []string{nf, nf, nf, nf, nf, nf, nf, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.OrganisationLeads(ctx, f.orgC.ID)
			return err
		}},
		{"PartnershipLeads", []string{ok, ok, ok, ok, ok, ok, ok, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.PartnershipLeads(ctx)
			return err
		}},
		{"SetOrganisationLeads", []string{fb, fb, ok, fb, fb, ok, ok, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.SetOrganisationLeads(ctx, f.orgA.ID, someLeads())
			return err
		}},
		{"SetOrganisationLeads(B)", []string{nf, nf, fb, fb, fb, ok, ok, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.SetOrganisationLeads(ctx, f.orgB.ID, someLeads())
			return err
		}},
		{"SetOrganisationLeads(other partnership)", []string{nf, nf, nf, nf, nf, nf, nf, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.SetOrganisationLeads(ctx, f.orgC.ID, someLeads())
			return err
		}},
	}
}

// leadRuleCases are the leads' rule cases (access_rules.go).
func leadRuleCases() map[lifeguard.Op]ruleCase {
	org := lifeguard.ReachOrganisation
	return map[lifeguard.Op]ruleCase{
		lifeguard.OpReadLeads: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.OrganisationLeads(ctx, f.orgA.ID)
			return err
		}},
		lifeguard.OpKeepLeads: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.SetOrganisationLeads(ctx, f.orgA.ID, someLeads())
			return err
		}},
	}
}
