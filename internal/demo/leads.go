package demo

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// Each demo organisation's safeguarding and online-safety leads, for the
// partnership's directory (lead.go in the root package). The names are
// invented; the addresses use the reserved .example domain and the numbers
// Ofcom's drama range (01632 960xxx), so none reaches anyone.

// leadNames are invented staff names, given out in turn.
var leadNames = []string{"Asha Patel", "Tom Reid", "Mo Khan", "Grace Okafor", "Ben Hughes", "Priya Shah", "Owen Price",
	"Leah Morgan", "Sam Carter", "Nadia Ali", "Joe Evans", "Ruth Kelly"}

func seedLeads(ctx context.Context, s Stores) error {
	if s.Leads == nil {
		return nil
	}
	sys := lifeguard.WithActor(ctx, lifeguard.SystemActor())
	all, err := s.Orgs.Organisations(sys)
	if err != nil {
		return err
	}
	orgs := map[string]*lifeguard.Organisation{}
	var names []string
	for i := range all {
		if all[i].Setting == lifeguard.Setting("other") {
			continue // the partnership's own team refers nobody
		}
		orgs[all[i].Name] = &all[i]
		names = append(names, all[i].Name)
	}
	sort.Strings(names)
	next := 0
	person := func() (string, string) {
		n := leadNames[next%len(leadNames)]
		next++
		return n, strings.ToLower(strings.ReplaceAll(n, " ", "."))
	}
	for i, name := range names {
		o := orgs[name]
		domain := strings.ToLower(strings.NewReplacer(" ", "-", "'", "").Replace(name)) + ".example"
		roles := [3]string{"Deputy headteacher", "Head of pastoral care", "Computing lead"}
		switch o.Setting {
		case "school", "college":
		case "early_years":
			roles = [3]string{"Nursery manager", "Room leader", "Deputy manager"}
		default:
			roles = [3]string{"Team manager", "Senior practitioner", "Digital safeguarding officer"}
		}
		dslName, dslMail := person()
		deputyName, _ := person()
		osName, osMail := person()
		leads := []lifeguard.Lead{
			{Kind: lifeguard.LeadDSL, Name: dslName, Role: roles[0], Email: dslMail + "@" + domain,
				Phone: fmt.Sprintf("01632 960 %03d", 200+3*i)},
			{Kind: lifeguard.LeadDeputyDSL, Name: deputyName, Role: roles[1], Phone: fmt.Sprintf("01632 960 %03d", 201+3*i)},
			{Kind: lifeguard.LeadOnlineSafety, Name: osName, Role: roles[2], Email: osMail + "@" + domain},
		}
		if _, err := s.Leads.SetOrganisationLeads(sys, o.ID, leads); err != nil {
			return fmt.Errorf("leads of %s: %w", name, err)
		}
	}
	return nil
}
