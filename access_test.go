package lifeguard

import "testing"

// TestAccessTable checks that every operation has a row and that the table
// has a column for every role, so that an operation added to Ops without a
// rule, or a role added without its column, fails here.
func TestAccessTable(t *testing.T) {
	if n := len(rule{}); n != len(Roles()) {
		t.Fatalf("the table has %d columns for %d roles", n, len(Roles()))
	}
	seen := map[Op]bool{}
	for _, op := range Ops() {
		if seen[op] {
			t.Errorf("%q is listed twice", op)
		}
		seen[op] = true
		if _, ok := op.rule(); !ok {
			t.Errorf("%q has no row in the access table", op)
		}
	}
	if _, ok := Op("fly").rule(); ok {
		t.Error("an unknown operation has a row")
	}
}

func TestActorMay(t *testing.T) {
	staff := &Actor{UserID: 1, Role: RoleStaff, OrganisationID: 10, PartnershipID: 100}
	cases := []struct {
		name string
		a    *Actor
		op   Op
		want Reach
	}{
		{"no actor", nil, OpReadConcern, ReachNone},
		{"system", SystemActor(), OpChangePlan, ReachAll},
		{"staff reads what they reported", staff, OpReadConcern, ReachOwn},
		{"staff does not work a concern", staff, OpWorkConcern, ReachNone},
		{"unknown role", &Actor{Role: "visitor"}, OpReadUser, ReachNone},
		{"officer reads the partnership's audits", &Actor{Role: RolePartnership}, OpReadAudit, ReachPartnership},
	}
	for _, c := range cases {
		if got := c.a.May(c.op); got != c.want {
			t.Errorf("%s: May(%q) = %d, want %d", c.name, c.op, got, c.want)
		}
	}
}

func TestActorNear(t *testing.T) {
	a := &Actor{UserID: 1, OrganisationID: 10, PartnershipID: 100}
	cases := []struct {
		owner, org, p int64
		want          Reach
	}{
		{1, 10, 100, ReachOwn},
		{2, 10, 100, ReachOrganisation},
		{1, 11, 100, ReachPartnership},
		{0, 11, 0, ReachAll},
		{0, 11, 101, ReachAll},
	}
	for _, c := range cases {
		if got := a.Near(c.owner, c.org, c.p); got != c.want {
			t.Errorf("Near(%d, %d, %d) = %d, want %d", c.owner, c.org, c.p, got, c.want)
		}
	}
	if !ReachOrganisation.Covers(ReachOwn) || ReachOwn.Covers(ReachOrganisation) || ReachNone.Covers(ReachNone) {
		t.Error("Covers is wrong")
	}
}
