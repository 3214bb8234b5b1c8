package storetest

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// alertCases are the AlertStore's choices: a user's own alert preferences,
// which every signed-in user has, and the organisation's alert settings,
// which its DSLs and managers see and set; and the AlertJobStore's
// methods, for the system only.
func alertCases() []accessCase {
	own := []string{ok, ok, ok, ok, ok, ok, ok, fb, ua}
	orgLead := []string{fb, fb, ok, ok, nf, fb, fb, ok, ua}
	sysOnly := []string{fb, fb, fb, fb, fb, fb, fb, ok, ua}
	return []accessCase{
		{"EscalateUnopened", sysOnly, false, func(ctx context.Context, f *fixture, _ target) error {
			_, err := f.db.EscalateUnopened(ctx, f.now())
			return err
		}},
		{"SendDigests", sysOnly, false, func(ctx context.Context, f *fixture, _ target) error {
			_, err := f.db.SendDigests(ctx, lifeguard.DigestOverdue, f.now())
			return err
		}},
		{"Digest", sysOnly, false, func(ctx context.Context, f *fixture, _ target) error {
			_, err := f.db.Digest(ctx, 1<<40)
			if lifeguard.ErrorCode(err) == lifeguard.ENOTFOUND {
				return nil // let through, to a digest that does not exist
			}
			return err
		}},
		{"AlertPreferences", own, false, func(ctx context.Context, f *fixture, _ target) error {
			_, err := f.db.AlertPreferences(ctx)
			return err
		}},
		{"SetAlertPreferences", own, false, func(ctx context.Context, f *fixture, _ target) error {
			_, err := f.db.SetAlertPreferences(ctx, lifeguard.DefaultAlertPreferences())
			return err
		}},
		{"AlertSettings", orgLead, false, func(ctx context.Context, f *fixture, _ target) error {
			_, err := f.db.AlertSettings(ctx, f.orgA.ID)
			return err
		}},
		{"EscalationCandidates", orgLead, false, func(ctx context.Context, f *fixture, _ target) error {
			_, err := f.db.EscalationCandidates(ctx, f.orgA.ID)
			return err
		}},
		{"SetAlertSettings", orgLead, false, func(ctx context.Context, f *fixture, _ target) error {
			_, err := f.db.SetAlertSettings(ctx, lifeguard.DefaultAlertSettings(f.orgA.ID))
			return err
		}},
	}
}

// testAlertPreferences checks that each user has their own choice of
// alerts, every alert on until they choose, that a DSL cannot turn
// immediate alerts off while others can, and that each change is
// journalled.
func testAlertPreferences(t *testing.T, open Opener) {
	f := newFixture(t, open)
	staff, dsl := as(t.Context(), f.staff), as(t.Context(), f.dsl)
	get := func(ctx context.Context) lifeguard.AlertPreferences {
		t.Helper()
		p, err := f.db.AlertPreferences(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return *p
	}
	if p := get(dsl); p != lifeguard.DefaultAlertPreferences() {
		t.Errorf("new DSL's alerts %+v, want every one on", p)
	}
	before := journalLen(t, f.db)
	quiet := lifeguard.AlertPreferences{Escalations: true}
	if _, err := f.db.SetAlertPreferences(staff, quiet); err != nil {
		t.Fatalf("staff turning alerts off: %v", err)
	}
	if p := get(staff); p != quiet {
		t.Errorf("read back %+v, want %+v", p, quiet)
	}
	if p := get(dsl); p != lifeguard.DefaultAlertPreferences() {
		t.Errorf("another user's alerts changed too: %+v", p)
	}

	// A DSL keeps immediate alerts: refused, naming the field, and
	// nothing changes.
	_, err := f.db.SetAlertPreferences(dsl, lifeguard.AlertPreferences{Digest: true})
	wantProblem(t, err, "immediate")
	if p := get(dsl); p != lifeguard.DefaultAlertPreferences() {
		t.Errorf("after a refused change the DSL's alerts are %+v", p)
	}
	dslChoice := lifeguard.AlertPreferences{Immediate: true, Escalations: true}
	if _, err := f.db.SetAlertPreferences(dsl, dslChoice); err != nil {
		t.Fatalf("DSL turning the digests off: %v", err)
	}
	if p := get(dsl); p != dslChoice {
		t.Errorf("read back %+v, want %+v", p, dslChoice)
	}

	es := journalAfter(t, f.db, before)
	var details []string
	for _, e := range es {
		if e.Record == "alert_preferences" {
			details = append(details, e.Detail)
		}
	}
	want := []string{"on=escalations", "on=immediate,escalations"}
	if !slices.Equal(details, want) {
		t.Errorf("journal of preference changes %q, want %q", details, want)
	}
}

// testAlertSettings checks an organisation's alert settings: the defaults,
// a change read back and journalled, and every bad field refused with its
// name, alike on every engine.
func testAlertSettings(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := as(t.Context(), f.manager)
	got, err := f.db.AlertSettings(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got.DigestAt != "16:00" || got.Zone != "Europe/London" || got.EscalateAfterMinutes != 15 ||
		len(got.EscalationList) != 0 || got.OrganisationID != f.orgA.ID {
		t.Errorf("defaults %+v", got)
	}

	head := f.user(t, f.orgA, lifeguard.RoleManager)
	before := journalLen(t, f.db)
	s := lifeguard.AlertSettings{DigestAt: "07:30", Zone: "Europe/London", EscalateAfterMinutes: 10,
		EscalationList: []int64{head.ID, f.dsl.ID}}
	if _, err := f.db.SetAlertSettings(ctx, s); err != nil {
		t.Fatal(err)
	}
	got, err = f.db.AlertSettings(as(t.Context(), f.dsl), f.orgA.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.DigestAt != s.DigestAt || got.EscalateAfterMinutes != 10 || !slices.Equal(got.EscalationList, s.EscalationList) ||
		got.UpdatedBy != f.manager.ID || got.UpdatedAt == nil || !got.UpdatedAt.Equal(f.now()) {
		t.Errorf("read back %+v", got)
	}
	es := journalAfter(t, f.db, before)
	if len(es) != 1 || es[0].Record != "alert_settings" || es[0].RecordID != f.orgA.ID ||
		!strings.Contains(es[0].Detail, "escalation_list=") {
		t.Errorf("journal after the change: %+v", es)
	}

	disabled := f.user(t, f.orgA, lifeguard.RoleManager)
	if _, err := f.db.SetUserDisabled(sys(t.Context()), disabled.ID, true); err != nil {
		t.Fatal(err)
	}
	filterAccount := f.user(t, f.orgA, lifeguard.RoleFilter)
	bad := []struct {
		name string
		edit func(s *lifeguard.AlertSettings)
		path string
	}{
		{"no time", func(s *lifeguard.AlertSettings) { s.DigestAt = "" }, "digest_at"},
		{"25 o'clock", func(s *lifeguard.AlertSettings) { s.DigestAt = "25:00" }, "digest_at"},
		{"no leading zero", func(s *lifeguard.AlertSettings) { s.DigestAt = "7:30" }, "digest_at"},
		{"seconds", func(s *lifeguard.AlertSettings) { s.DigestAt = "07:30:00" }, "digest_at"},
		{"no zone", func(s *lifeguard.AlertSettings) { s.Zone = "" }, "zone"},
		{"unknown zone", func(s *lifeguard.AlertSettings) { s.Zone = "Europe/Atlantis" }, "zone"},
		{"server's zone", func(s *lifeguard.AlertSettings) { s.Zone = "Local" }, "zone"},
		{"NUL in zone", func(s *lifeguard.AlertSettings) { s.Zone = "Europe/\x00London" }, "zone"},
		{"zero minutes", func(s *lifeguard.AlertSettings) { s.EscalateAfterMinutes = 0 }, "escalate_after_minutes"},
		{"negative minutes", func(s *lifeguard.AlertSettings) { s.EscalateAfterMinutes = -5 }, "escalate_after_minutes"},
		{"over a day", func(s *lifeguard.AlertSettings) { s.EscalateAfterMinutes = 1441 }, "escalate_after_minutes"},
		{"someone twice", func(s *lifeguard.AlertSettings) { s.EscalationList = []int64{head.ID, head.ID} }, "escalation_list[1]"},
		{"no such user", func(s *lifeguard.AlertSettings) { s.EscalationList = []int64{1 << 40} }, "escalation_list[0]"},
		{"another school's DSL", func(s *lifeguard.AlertSettings) { s.EscalationList = []int64{head.ID, f.dslB.ID} }, "escalation_list[1]"},
		{"disabled", func(s *lifeguard.AlertSettings) { s.EscalationList = []int64{disabled.ID} }, "escalation_list[0]"},
		{"a filter's account", func(s *lifeguard.AlertSettings) { s.EscalationList = []int64{filterAccount.ID} }, "escalation_list[0]"},
		{"too many", func(s *lifeguard.AlertSettings) {
			s.EscalationList = make([]int64, lifeguard.MaxEscalationList+1)
			for i := range s.EscalationList {
				s.EscalationList[i] = int64(i + 1)
			}
		}, "escalation_list"},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			in := s
			b.edit(&in)
			_, err := f.db.SetAlertSettings(ctx, in)
			wantProblem(t, err, b.path)
		})
	}
	got, err = f.db.AlertSettings(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got.DigestAt != s.DigestAt || !slices.Equal(got.EscalationList, s.EscalationList) {
		t.Errorf("after refused changes: %+v", got)
	}

	// Another organisation's settings are beyond a DSL, whoever's id is
	// asked for.
	_, err = f.db.SetAlertSettings(as(t.Context(), f.dslB), lifeguard.AlertSettings{OrganisationID: f.orgA.ID,
		DigestAt: "09:00", Zone: "Europe/London", EscalateAfterMinutes: 5})
	wantCode(t, err, lifeguard.ENOTFOUND)
	_, err = f.db.AlertSettings(as(t.Context(), f.dsl), 1<<40)
	wantCode(t, err, lifeguard.ENOTFOUND)
}
