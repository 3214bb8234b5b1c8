package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// testOrganisations checks partnerships, organisations and users beyond
// access: what is stored, and the rules of their inputs.
func testOrganisations(t *testing.T, open Opener) {
	f := newFixture(t, open)
	admin := as(t.Context(), f.admin)

	t.Run("organisation read back", func(t *testing.T) {
		o, err := f.db.Organisation(as(t.Context(), f.staff), f.orgA.ID)
		if err != nil {
			t.Fatal(err)
		}
		if o.Name != "Riverside Primary" || o.Setting != "school" || !o.ProvidesInternet || o.PartnershipID != f.p1.ID {
			t.Errorf("organisation %+v", o)
		}
		os, err := f.db.Organisations(as(t.Context(), f.staff))
		if err != nil {
			t.Fatal(err)
		}
		if len(os) != 3 {
			t.Errorf("partnership 1 has %d organisations, want 3", len(os))
		}
		for _, o := range os {
			if o.PartnershipID != f.p1.ID {
				t.Errorf("organisation %d of partnership %d listed", o.ID, o.PartnershipID)
			}
		}
	})

	t.Run("own partnership only", func(t *testing.T) {
		p, err := f.db.Partnership(as(t.Context(), f.staff), f.p1.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.ID != f.p1.ID || p.Name != f.p1.Name || p.Name == "" {
			t.Errorf("partnership %+v, want %+v", p, f.p1)
		}
		_, err = f.db.Partnership(as(t.Context(), f.staff), f.p2.ID)
		wantCode(t, err, lifeguard.ENOTFOUND)
		_, err = f.db.Partnership(t.Context(), f.p1.ID)
		wantCode(t, err, lifeguard.EUNAUTHORIZED)
	})

	t.Run("admin creates in own partnership only", func(t *testing.T) {
		o, err := f.db.CreateOrganisation(admin, lifeguard.Organisation{Name: "Youth club", Setting: "youth_service"})
		if err != nil {
			t.Fatal(err)
		}
		if o.PartnershipID != f.p1.ID {
			t.Errorf("created in partnership %d", o.PartnershipID)
		}
		_, err = f.db.CreateOrganisation(admin, lifeguard.Organisation{PartnershipID: f.p2.ID, Name: "X", Setting: "school"})
		wantProblem(t, err, "partnership_id")
		_, err = f.db.CreateOrganisation(admin, lifeguard.Organisation{Name: "", Setting: "pub"})
		wantProblem(t, err, "name")
		wantProblem(t, err, "setting")
		_, err = f.db.CreateUser(admin, lifeguard.NewUser{Email: "x@example.org", Name: "X", Role: "staff",
			OrganisationID: f.orgC.ID})
		wantProblem(t, err, "organisation_id")
	})

	t.Run("safeguarding phone", func(t *testing.T) {
		o, err := f.db.CreateOrganisation(admin, lifeguard.Organisation{Name: "Riverside Nursery", Setting: "early_years",
			SafeguardingPhone: "01632 960 001"})
		if err != nil {
			t.Fatal(err)
		}
		if o.SafeguardingPhone != "01632 960 001" {
			t.Errorf("created with %q", o.SafeguardingPhone)
		}
		_, err = f.db.CreateOrganisation(admin, lifeguard.Organisation{Name: "X", Setting: "school", SafeguardingPhone: "ask Mrs Patel"})
		wantProblem(t, err, "safeguarding_phone")
		if _, err := f.db.SetSafeguardingPhone(admin, o.ID, "+44 1632 960002"); err != nil {
			t.Fatal(err)
		}
		got, err := f.db.Organisation(as(t.Context(), f.staff), o.ID)
		if err != nil || got.SafeguardingPhone != "+44 1632 960002" {
			t.Errorf("read back %+v (%v)", got, err)
		}
		for _, bad := range []string{"dsl@school.example", "0163", " 01632 960002", "01632\x00960002"} {
			_, err := f.db.SetSafeguardingPhone(admin, o.ID, bad)
			wantProblem(t, err, "safeguarding_phone")
		}
		// Cleared: the organisation has no number.
		if o, err = f.db.SetSafeguardingPhone(admin, o.ID, ""); err != nil || o.SafeguardingPhone != "" {
			t.Errorf("cleared: %+v (%v)", o, err)
		}
		// Another partnership's organisation is not there to the admin.
		_, err = f.db.SetSafeguardingPhone(admin, f.orgC.ID, "01632 960003")
		wantCode(t, err, lifeguard.ENOTFOUND)
	})

	t.Run("children count", func(t *testing.T) {
		o, err := f.db.CreateOrganisation(admin, lifeguard.Organisation{Name: "Castle Mead Primary", Setting: "school"})
		if err != nil {
			t.Fatal(err)
		}
		if o.ChildrenCount != nil || o.ChildrenCountAt != nil {
			t.Errorf("a new organisation has a number of children: %+v", o)
		}
		n := int64(312)
		if o, err = f.db.SetChildrenCount(admin, o.ID, &n); err != nil || o.ChildrenCount == nil || *o.ChildrenCount != 312 ||
			o.ChildrenCountAt == nil || !o.ChildrenCountAt.Equal(f.now()) {
			t.Fatalf("set: %+v (%v)", o, err)
		}
		got, err := f.db.Organisation(as(t.Context(), f.staff), o.ID)
		if err != nil || got.ChildrenCount == nil || *got.ChildrenCount != 312 || got.ChildrenCountAt == nil {
			t.Errorf("read back %+v (%v)", got, err)
		}
		for _, bad := range []int64{0, -1, lifeguard.MaxChildrenCount + 1, 1 << 40} {
			_, err := f.db.SetChildrenCount(admin, o.ID, &bad)
			wantProblem(t, err, "children_count")
		}
		for _, good := range []int64{1, lifeguard.MaxChildrenCount} {
			if _, err := f.db.SetChildrenCount(admin, o.ID, &good); err != nil {
				t.Errorf("%d: %v", good, err)
			}
		}
		// Cleared: the organisation has not given a number.
		if o, err = f.db.SetChildrenCount(admin, o.ID, nil); err != nil || o.ChildrenCount != nil || o.ChildrenCountAt != nil {
			t.Errorf("cleared: %+v (%v)", o, err)
		}
		got, err = f.db.Organisation(admin, o.ID)
		if err != nil || got.ChildrenCount != nil || got.ChildrenCountAt != nil {
			t.Errorf("read back cleared %+v (%v)", got, err)
		}
		// Each change is journaled, with the number and nothing else.
		var details []string
		for after := int64(0); ; {
			es, err := f.db.JournalEntries(sys(t.Context()), after, 1000)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range es {
				if e.Record == "organisation" && e.RecordID == o.ID {
					details = append(details, e.Detail)
				}
				after = e.Seq
			}
			if len(es) < 1000 {
				break
			}
		}
		want := []string{"children_count=312", "children_count=1", "children_count=1000000", "children_count=none"}
		if !slices.Equal(details, want) {
			t.Errorf("journal %q, want %q", details, want)
		}
	})

	t.Run("email unique whatever its case", func(t *testing.T) {
		u, err := f.db.CreateUser(admin, lifeguard.NewUser{Email: " Jo.Bloggs@School.Example ", Name: "Jo Bloggs",
			Role: lifeguard.RoleDSL, OrganisationID: f.orgB.ID})
		if err != nil {
			t.Fatal(err)
		}
		if u.Email != "jo.bloggs@school.example" || u.PartnershipID != f.p1.ID || u.Disabled {
			t.Errorf("user %+v", u)
		}
		_, err = f.db.CreateUser(admin, lifeguard.NewUser{Email: "JO.BLOGGS@school.example", Name: "Jo",
			Role: lifeguard.RoleStaff, OrganisationID: f.orgB.ID})
		wantProblem(t, err, "email")
		_, err = f.db.CreateUser(admin, lifeguard.NewUser{Email: "not an address", Name: "", Role: "boss",
			OrganisationID: f.orgB.ID})
		for _, p := range []string{"email", "name", "role"} {
			wantProblem(t, err, p)
		}
		c, err := f.db.CredentialsByEmail(sys(t.Context()), "Jo.Bloggs@SCHOOL.example")
		if err != nil {
			t.Fatal(err)
		}
		if c.User.ID != u.ID || c.PasswordHash != "" {
			t.Errorf("credentials %+v", c)
		}
	})

	t.Run("users of the partnership", func(t *testing.T) {
		us, err := f.db.Users(admin)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range us {
			if u.PartnershipID != f.p1.ID {
				t.Errorf("admin lists user %d of partnership %d", u.ID, u.PartnershipID)
			}
		}
		if len(us) < 8 {
			t.Errorf("admin lists %d users", len(us))
		}
		_, err = f.db.User(admin, f.adminC.ID)
		wantCode(t, err, lifeguard.ENOTFOUND)
		_, err = f.db.SetUserDisabled(as(t.Context(), f.adminC), f.staff.ID, true)
		wantCode(t, err, lifeguard.ENOTFOUND)
	})

	t.Run("disabling ends sessions", func(t *testing.T) {
		ctx := sys(t.Context())
		u := f.user(t, f.orgA, lifeguard.RoleStaff)
		s, err := f.db.CreateSession(ctx, lifeguard.Session{UserID: u.ID, TokenHash: []byte("disable-me"),
			ExpiresAt: f.now().Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.db.SetUserDisabled(admin, u.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Disabled {
			t.Error("not disabled")
		}
		_, _, err = f.db.SessionByHash(ctx, s.TokenHash, f.now())
		wantCode(t, err, lifeguard.ENOTFOUND)
		got, err = f.db.SetUserDisabled(admin, u.ID, false)
		if err != nil || got.Disabled {
			t.Fatalf("enable: %+v, %v", got, err)
		}
	})
}

// testAuth checks sessions, tokens and sign-in failures as the auth package
// uses them.
func testAuth(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := sys(t.Context())
	now := f.now().UTC().Truncate(time.Microsecond)

	t.Run("credentials", func(t *testing.T) {
		if err := f.db.SetPasswordHash(ctx, f.staff.ID, "$argon2id$v2"); err != nil {
			t.Fatal(err)
		}
		if err := f.db.RecordSignIn(ctx, f.staff.ID, now); err != nil {
			t.Fatal(err)
		}
		c, err := f.db.CredentialsByEmail(ctx, f.staff.Email)
		if err != nil {
			t.Fatal(err)
		}
		if c.PasswordHash != "$argon2id$v2" || c.User.LastSignInAt == nil || !c.User.LastSignInAt.Equal(now) {
			t.Errorf("credentials %+v", c)
		}
		_, err = f.db.CredentialsByEmail(ctx, "nobody@example.org")
		wantCode(t, err, lifeguard.ENOTFOUND)
		wantCode(t, f.db.SetPasswordHash(ctx, 1<<40, "x"), lifeguard.ENOTFOUND)
	})

	t.Run("sessions", func(t *testing.T) {
		s, err := f.db.CreateSession(ctx, lifeguard.Session{UserID: f.dsl.ID, TokenHash: []byte("session-1"),
			CreatedAt: now, ExpiresAt: now.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		got, u, err := f.db.SessionByHash(ctx, []byte("session-1"), now)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != s.ID || u.ID != f.dsl.ID || u.Role != lifeguard.RoleDSL || got.SecondFactor || !got.ExpiresAt.Equal(now.Add(time.Hour)) {
			t.Errorf("session %+v user %+v", got, u)
		}
		_, _, err = f.db.SessionByHash(ctx, []byte("session-1"), now.Add(2*time.Hour))
		wantCode(t, err, lifeguard.ENOTFOUND) // expired
		if err := f.db.TouchSession(ctx, s.ID, now.Add(time.Minute), now.Add(3*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := f.db.SetSessionSecondFactor(ctx, s.ID); err != nil {
			t.Fatal(err)
		}
		got, _, err = f.db.SessionByHash(ctx, []byte("session-1"), now.Add(2*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if !got.SecondFactor || !got.LastSeen.Equal(now.Add(time.Minute)) {
			t.Errorf("touched session %+v", got)
		}
		wantCode(t, f.db.TouchSession(ctx, 1<<40, now, now), lifeguard.ENOTFOUND)
		if err := f.db.DeleteSession(ctx, []byte("session-1")); err != nil {
			t.Fatal(err)
		}
		if err := f.db.DeleteSession(ctx, []byte("session-1")); err != nil {
			t.Errorf("signing out twice: %v", err)
		}
		_, _, err = f.db.SessionByHash(ctx, []byte("session-1"), now)
		wantCode(t, err, lifeguard.ENOTFOUND)

		for _, h := range []string{"a", "b"} {
			if _, err := f.db.CreateSession(ctx, lifeguard.Session{UserID: f.dsl.ID, TokenHash: []byte(h),
				ExpiresAt: now.Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.db.DeleteUserSessions(ctx, f.dsl.ID); err != nil {
			t.Fatal(err)
		}
		_, _, err = f.db.SessionByHash(ctx, []byte("b"), now)
		wantCode(t, err, lifeguard.ENOTFOUND)
		_, err = f.db.CreateSession(ctx, lifeguard.Session{UserID: f.dsl.ID, ExpiresAt: now.Add(time.Hour)})
		wantProblem(t, err, "token_hash")
	})

	t.Run("tokens", func(t *testing.T) {
		tk, err := f.db.CreateToken(ctx, f.dsl.ID, "Monitoring feed", "lg_12ab", []byte("token-1"))
		if err != nil {
			t.Fatal(err)
		}
		got, u, err := f.db.TokenByHash(ctx, []byte("token-1"), now)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != tk.ID || u.ID != f.dsl.ID || got.LastUsedAt == nil || !got.LastUsedAt.Equal(now) || got.Name != "Monitoring feed" {
			t.Errorf("token %+v user %+v", got, u)
		}
		list, err := f.db.Tokens(ctx, f.dsl.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].LastUsedAt == nil || list[0].Prefix != "lg_12ab" {
			t.Errorf("tokens %+v", list)
		}
		if err := f.db.RevokeToken(ctx, tk.ID, now); err != nil {
			t.Fatal(err)
		}
		if err := f.db.RevokeToken(ctx, tk.ID, now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		_, _, err = f.db.TokenByHash(ctx, []byte("token-1"), now)
		wantCode(t, err, lifeguard.ENOTFOUND)
		list, err = f.db.Tokens(ctx, f.dsl.ID)
		if err != nil {
			t.Fatal(err)
		}
		if list[0].RevokedAt == nil || !list[0].RevokedAt.Equal(now) {
			t.Errorf("revoked at %v, want the first revocation %v", list[0].RevokedAt, now)
		}
		wantCode(t, f.db.RevokeToken(ctx, 1<<40, now), lifeguard.ENOTFOUND)

		// A disabled user's token does not work.
		if _, err := f.db.CreateToken(ctx, f.staff2.ID, "t", "lg_x", []byte("token-2")); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.SetUserDisabled(ctx, f.staff2.ID, true); err != nil {
			t.Fatal(err)
		}
		_, _, err = f.db.TokenByHash(ctx, []byte("token-2"), now)
		wantCode(t, err, lifeguard.ENOTFOUND)
	})

	t.Run("failures", func(t *testing.T) {
		const key = "jo@example.org"
		for i := range 3 {
			if err := f.db.RecordFailure(ctx, key, now.Add(time.Duration(i)*time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		n, err := f.db.CountFailures(ctx, key, now.Add(30*time.Second))
		if err != nil || n != 2 {
			t.Errorf("CountFailures = %d, %v; want 2", n, err)
		}
		// A failure two days later forgets the old ones.
		if err := f.db.RecordFailure(ctx, key, now.Add(48*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if n, _ := f.db.CountFailures(ctx, key, now.Add(-time.Hour)); n != 1 {
			t.Errorf("after a day: %d failures, want 1", n)
		}
		if err := f.db.ClearFailures(ctx, key); err != nil {
			t.Fatal(err)
		}
		if n, _ := f.db.CountFailures(ctx, key, time.Time{}); n != 0 {
			t.Errorf("after clearing: %d failures", n)
		}
	})
}
