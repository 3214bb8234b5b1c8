package lifeguard

import (
	"testing"
	"time"
)

// TestLastDigest checks the digest's moment in the organisation's zone,
// across the end of summer time: 16:00 in London is 15:00 UTC before the
// clocks go back and 16:00 UTC after.
func TestLastDigest(t *testing.T) {
	s := DefaultAlertSettings(1)
	utc := func(d, h, m int) time.Time { return time.Date(2026, 10, d, h, m, 0, 0, time.UTC) }
	cases := []struct{ now, want time.Time }{
		{utc(24, 14, 59), utc(23, 15, 0)},
		{utc(24, 15, 0), utc(24, 15, 0)},
		{utc(25, 15, 30), utc(24, 15, 0)}, // the clocks went back that morning: not 16:00 yet
		{utc(25, 16, 0), utc(25, 16, 0)},
		{utc(26, 9, 0), utc(25, 16, 0)},
	}
	for _, c := range cases {
		got, err := s.LastDigest(c.now)
		if err != nil || !got.Equal(c.want) {
			t.Errorf("LastDigest(%s) = %s, %v; want %s", c.now, got, err, c.want)
		}
	}
}

func TestAlertPreferencesValidate(t *testing.T) {
	off := AlertPreferences{Digest: true}
	if ps := off.Validate(RoleDSL); len(ps) != 1 || ps[0].Path != "immediate" {
		t.Errorf("a DSL turning immediate alerts off: %v", ps)
	}
	for _, r := range []Role{RoleStaff, RoleManager} {
		if ps := off.Validate(r); len(ps) != 0 {
			t.Errorf("%s: %v", r, ps)
		}
	}
	p := AlertPreferences{Immediate: true, OverdueDigest: true}
	if !p.Wants(AlertNewConcern, "") || p.Wants(AlertDigest, DigestNew) || !p.Wants(AlertDigest, DigestOverdue) ||
		p.Wants(AlertEscalation, "") || p.Wants(AlertFilterAlert, "") || p.Wants("weekly", "") {
		t.Errorf("Wants is wrong for %+v", p)
	}
}
