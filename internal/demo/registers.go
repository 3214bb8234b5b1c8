package demo

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// The demo's prevention registers (docs/registers.md): the partnership's
// model policies, adopted by each school and college with its own review
// date (one of them overdue), a staff agreement most of each
// organisation's users have acknowledged, and pupils' and visitors'
// agreements recorded by staff. Every demo login has acknowledged its
// staff agreement, so that signing in to the demo goes straight to work;
// the third generated member of staff of each organisation has not, so
// that "who has not agreed" has someone in it.
func seedRegisters(ctx context.Context, s Stores, clock *Clock, officer *lifeguard.User,
	managers map[string]*lifeguard.User, orgs map[string]*lifeguard.Organisation, children map[string][]int64, now time.Time) error {
	if s.Policies == nil {
		return nil
	}
	approved := now.AddDate(0, -10, 0)
	clock.at(approved.AddDate(0, 0, -14))
	off := lifeguard.WithActor(ctx, actorOf(officer))
	day := func(t time.Time) lifeguard.Date { return lifeguard.DateOf(t) }
	models := map[lifeguard.PolicyKind]int64{}
	for _, m := range []struct {
		kind       lifeguard.PolicyKind
		age, title string
		text       string
	}{
		{lifeguard.PolicyOnlineSafety, "", "Model online-safety policy",
			"Every setting names an online-safety lead, teaches online safety in every year, filters and monitors its internet, and records and acts on every concern through its safeguarding lead."},
		{lifeguard.AgreementStaff, "", "Model acceptable use agreement for staff and volunteers",
			"I use the setting's devices and accounts for my work. I keep my passwords to myself. I do not contact children through personal accounts. I report any worry about a child's safety online to the safeguarding lead at once."},
		{lifeguard.AgreementPupils, "Key stage 2", "Model acceptable use agreement for key stage 2",
			"I ask a grown-up before I go online. I keep my passwords secret. I tell a trusted adult if anything online worries me."},
		{lifeguard.AgreementVisitors, "", "Model acceptable use agreement for visitors",
			"I use the guest network only. I do not photograph or film children. I hand any worry about a child to the safeguarding lead."},
	} {
		p, err := s.Policies.CreatePolicy(off, lifeguard.NewPolicy{Kind: m.kind, AgeGroup: m.age, Title: m.title})
		if err != nil {
			return fmt.Errorf("model %s: %w", m.title, err)
		}
		if _, err := s.Policies.AddPolicyVersion(off, p.ID, lifeguard.NewPolicyVersion{Text: m.text,
			ApprovedBy: "Partnership board", ApprovedOn: day(approved.AddDate(0, 0, -14))}); err != nil {
			return fmt.Errorf("model %s: %w", m.title, err)
		}
		models[m.kind] = p.ID
	}
	users, err := s.Orgs.Users(lifeguard.WithActor(ctx, lifeguard.SystemActor()))
	if err != nil {
		return err
	}
	i := 0
	for _, name := range slices.Sorted(maps.Keys(managers)) {
		mgr, o := managers[name], orgs[name]
		if o == nil || (o.Setting != "school" && o.Setting != "college") {
			continue
		}
		i++
		clock.at(approved.AddDate(0, 0, i))
		mctx := lifeguard.WithActor(ctx, actorOf(mgr))
		// One school is two months past its review date; the rest fall
		// due over the coming months.
		review := day(now.AddDate(0, 2+i%4, 0))
		if i == 2 {
			review = day(now.AddDate(0, -2, 0))
		}
		v := lifeguard.NewPolicyVersion{ApprovedBy: "Governing board", ApprovedOn: day(approved.AddDate(0, 0, i)), ReviewDue: &review}
		kinds := []lifeguard.PolicyKind{lifeguard.PolicyOnlineSafety, lifeguard.AgreementStaff, lifeguard.AgreementVisitors}
		if o.Setting == "school" {
			kinds = append(kinds, lifeguard.AgreementPupils)
		}
		adopted := map[lifeguard.PolicyKind]*lifeguard.Policy{}
		for _, k := range kinds {
			p, err := s.Policies.AdoptPolicy(mctx, models[k], v)
			if err != nil {
				return fmt.Errorf("%s adopts %s: %w", name, k, err)
			}
			adopted[k] = p
		}
		staffVersion := adopted[lifeguard.AgreementStaff].Versions[0].ID
		clock.at(approved.AddDate(0, 0, 7+i))
		for _, u := range users {
			if u.OrganisationID != o.ID || u.Role == lifeguard.RoleFilter || u.Role == lifeguard.RoleMonitor || strings.HasSuffix(u.Email, ".2@demo.test") {
				continue
			}
			if _, err := s.Policies.Acknowledge(lifeguard.WithActor(ctx, actorOf(&u)), staffVersion); err != nil {
				return fmt.Errorf("%s acknowledges: %w", u.Email, err)
			}
		}
		clock.at(approved.AddDate(0, 3, i)) // after the dates the agreements were given
		if p := adopted[lifeguard.AgreementPupils]; p != nil {
			// Two in three of the school's children have a signed
			// agreement on file.
			var in []lifeguard.AgreementInput
			for j, id := range children[name] {
				if j%3 != 2 {
					in = append(in, lifeguard.AgreementInput{ChildID: id, AgreedOn: day(approved.AddDate(0, 0, 10+i))})
				}
			}
			if len(in) > 0 {
				if _, err := s.Policies.RecordAgreements(mctx, p.ID, in); err != nil {
					return fmt.Errorf("%s pupils' agreements: %w", name, err)
				}
			}
		}
		if _, err := s.Policies.RecordAgreements(mctx, adopted[lifeguard.AgreementVisitors].ID, []lifeguard.AgreementInput{
			{Name: "Visiting author (fictional)", AgreedOn: day(approved.AddDate(0, 1, i))},
			{Name: "Supply teacher (fictional)", AgreedOn: day(approved.AddDate(0, 2, i))}}); err != nil {
			return fmt.Errorf("%s visitors' agreements: %w", name, err)
		}
	}
	return nil
}
