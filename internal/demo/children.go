package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// The demo knows its children: every child of every demo organisation gets
// an invented name, a date of birth that fits the age its reports gave,
// and, in a school, the year group of that age. The names come from the
// lists below, chosen to be plainly made up (no one is called Puddleby
// Thistlewood), so that no screenshot of the demo can be taken for a real
// child. NameChildren names whatever children exist, so it keeps working
// whatever the seed makes.

var demoForenames = []string{
	"Amara", "Bertie", "Clemmie", "Dexter", "Elowen", "Fergus", "Gwendolyn", "Hal", "Ivy", "Jasper", "Kit",
	"Lark", "Marigold", "Nico", "Orla", "Piers", "Quilla", "Rufus", "Saffi", "Tobin", "Una", "Wilf", "Xanthe",
	"Yusuf", "Zinnia", "Alfie", "Briony", "Cosmo", "Dilys", "Ezra", "Fenn", "Greer", "Hamish", "Isla", "Juno",
}

var demoSurnames = []string{
	"Puddleby", "Thistlewood", "Marchbank", "Quillfeather", "Bramblecombe", "Lanternfield", "Ottersby",
	"Fennimore", "Wickerly", "Hollowmere", "Crumblethwaite", "Dapplegrove", "Nettlebed", "Pebblesworth",
	"Tumbledown", "Mossbottom", "Larkspur", "Gingerbrook", "Hazelnutt", "Kettleby", "Snapdragon", "Wobbleton",
}

// ChildNamer is what NameChildren writes through.
type ChildNamer interface {
	ListChildren(ctx context.Context, org, after int64, limit int) ([]lifeguard.Child, error)
	SetChildIdentity(ctx context.Context, childID int64, id lifeguard.ChildIdentity) (*lifeguard.Child, error)
}

// NameChildren gives every unnamed child of the partnership's organisations
// an invented identity, as of now. It is quick: one write per child.
func NameChildren(ctx context.Context, orgs lifeguard.OrgStore, children ChildNamer, now time.Time) error {
	sys := lifeguard.WithActor(ctx, lifeguard.SystemActor())
	os, err := orgs.Organisations(sys)
	if err != nil {
		return fmt.Errorf("demo children: organisations: %w", err)
	}
	for _, o := range os {
		var after int64
		for {
			page, err := children.ListChildren(sys, o.ID, after, 500)
			if err != nil {
				return fmt.Errorf("demo children of %s: %w", o.Name, err)
			}
			if len(page) == 0 {
				break
			}
			for _, c := range page {
				after = c.ID
				if c.HasIdentity() {
					continue
				}
				if _, err := children.SetChildIdentity(sys, c.ID, demoIdentity(c, o.Setting, now)); err != nil {
					return fmt.Errorf("demo child %d: %w", c.ID, err)
				}
			}
		}
	}
	return nil
}

// demoIdentity invents who child c is, the same every time for the same
// record: a name from the lists, a date of birth giving the age recorded,
// and a year group in a school or college.
func demoIdentity(c lifeguard.Child, setting lifeguard.Setting, now time.Time) lifeguard.ChildIdentity {
	n := int(c.ID)
	id := lifeguard.ChildIdentity{
		LegalForename: demoForenames[n%len(demoForenames)],
		LegalSurname:  demoSurnames[(n/len(demoForenames)+n*7)%len(demoSurnames)],
		DateOfBirth:   c.DateOfBirth,
	}
	if n%9 == 0 {
		id.PreferredForename = id.LegalForename[:3]
	}
	if id.DateOfBirth == nil {
		age, asOf := 11, lifeguard.DateOf(now)
		if c.Age != nil {
			age = *c.Age
			if c.AgeAsOf != nil {
				asOf = *c.AgeAsOf
			}
		}
		// Born age years and some days before asOf: the age on asOf stays
		// the one recorded.
		born := lifeguard.DateOf(asOf.In(time.UTC).AddDate(-age, 0, -(1 + n*37%360)))
		id.DateOfBirth = &born
	}
	if setting == "school" || setting == "college" {
		// Schools know their pupils by UPN, as the consents import does.
		id.UPN = demoUPN(c.ID)
		id.YearGroup = yearGroupOf(*id.DateOfBirth, now)
		if id.YearGroup != "" {
			id.RegGroup = id.YearGroup + string(rune('A'+n%4))
		}
	}
	return id
}

// demoUPN is a unique pupil number for the demo's child id: local
// authority 999, which no real authority has, then the id's digits, with
// its check letter.
func demoUPN(id int64) string {
	digits := fmt.Sprintf("999%09d", id%1_000_000_000)
	letter, _ := lifeguard.UPNCheckLetter(digits)
	return string(letter) + digits
}

// yearGroupOf is an English school's year group for a child born on dob in
// the school year of now: a child is in Year 1 in the September after
// their fifth birthday, reckoned on 31 August.
func yearGroupOf(dob lifeguard.Date, now time.Time) string {
	start := now.Year()
	if now.Month() < time.September {
		start--
	}
	ageOn31Aug := start - dob.Year
	if dob.Month > time.August {
		ageOn31Aug--
	}
	switch y := ageOn31Aug - 4; {
	case y >= 1 && y <= 13:
		return fmt.Sprint(y)
	case y == 0:
		return "R"
	}
	return ""
}
