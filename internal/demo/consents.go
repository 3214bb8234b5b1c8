package demo

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// The demo's consents and staff training (docs/registers.md). In each
// school and college, the manager has recorded parents' consents for every
// child on roll: most gave all four, one child in six has internet access
// only (no image may be published), and one in seven had press consent
// withdrawn last month, so every class's do-not-photograph list has names
// on it. Every member of staff has training on record: most in date, one
// in four overdue, one in five due within the month, and a DSL whose
// yearly refresher has lapsed.
func seedConsents(ctx context.Context, s Stores, clock *Clock, managers map[string]*lifeguard.User,
	orgs map[string]*lifeguard.Organisation, now time.Time) error {
	if s.Consents == nil || s.Training == nil {
		return nil
	}
	users, err := s.Orgs.Users(lifeguard.WithActor(ctx, lifeguard.SystemActor()))
	if err != nil {
		return err
	}
	clock.at(now.AddDate(0, 0, -1))
	day := func(months, days int) lifeguard.Date { return lifeguard.DateOf(now.AddDate(0, -months, -days)) }
	for _, name := range slices.Sorted(maps.Keys(managers)) {
		mgr, o := managers[name], orgs[name]
		if o == nil || (o.Setting != "school" && o.Setting != "college") {
			continue
		}
		mctx := lifeguard.WithActor(ctx, actorOf(mgr))
		kids, err := s.Consents.ConsentList(mctx, lifeguard.ConsentGroup{})
		if err != nil {
			return fmt.Errorf("%s class lists: %w", name, err)
		}
		var given, withdrawn []lifeguard.ConsentChange
		for j, c := range kids {
			on := day(10, j%20) // the start-of-year forms
			for _, k := range lifeguard.ConsentKinds() {
				if j%6 == 5 && k != lifeguard.ConsentInternet {
					continue
				}
				given = append(given, lifeguard.ConsentChange{ChildID: c.ChildID, Kind: k, Given: true, On: on})
			}
			if j%7 == 3 && j%6 != 5 {
				withdrawn = append(withdrawn, lifeguard.ConsentChange{ChildID: c.ChildID, Kind: lifeguard.ConsentImagesPress,
					On: day(1, j%9)})
			}
		}
		for _, batch := range [][]lifeguard.ConsentChange{given, withdrawn} {
			if len(batch) == 0 {
				continue
			}
			if _, err := s.Consents.RecordConsents(mctx, batch); err != nil {
				return fmt.Errorf("%s consents: %w", name, err)
			}
		}
		j := 0
		for _, u := range users {
			if u.OrganisationID != o.ID || u.Disabled ||
				(u.Role != lifeguard.RoleStaff && u.Role != lifeguard.RoleDSL && u.Role != lifeguard.RoleManager) {
				continue
			}
			j++
			// How long ago the yearly training was done: most within the
			// year, one in four overdue, one in five about to run out.
			ago := func(k int) lifeguard.Date {
				switch {
				case j%4 == 2:
					return day(13, k)
				case j%5 == 4:
					return day(11, 20-k)
				}
				return day(1+(j+k)%8, j%25)
			}
			courses := []lifeguard.NewTraining{
				{Type: lifeguard.TrainingSafeguarding, Course: "Safeguarding and child protection: whole-staff update",
					Provider: "Northshire Safeguarding Children Partnership", CompletedOn: ago(0)},
				{Type: lifeguard.TrainingOnlineSafety, Course: "Online safety for all staff",
					Provider: "In house (online-safety lead)", CompletedOn: ago(3)},
			}
			if u.Role == lifeguard.RoleDSL {
				full := day(8, j)
				if j%2 == 1 {
					full = day(14, j) // the yearly refresher has lapsed
				}
				courses = append(courses, lifeguard.NewTraining{Type: lifeguard.TrainingDSL,
					Course: "Designated safeguarding lead: new to role and refresher", Provider: "Northshire Safeguarding Children Partnership",
					CompletedOn: full})
			}
			for _, c := range courses {
				c.UserID = u.ID
				if _, err := s.Training.RecordTraining(mctx, c); err != nil {
					return fmt.Errorf("%s training of user %d: %w", name, u.ID, err)
				}
			}
		}
	}
	return nil
}
