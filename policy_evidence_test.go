package lifeguard

import (
	"testing"
	"time"
)

func TestRegisterEvidence(t *testing.T) {
	today := Date{2026, time.December, 7}
	d := func(y int, m time.Month, day int) *Date { x := Date{y, m, day}; return &x }
	for _, tc := range []struct {
		name    string
		f       PolicyFigures
		aspect  string
		setting Setting
		line    string
		suggest Level
	}{
		{"no policy", PolicyFigures{}, "L2", "school", "No online-safety policy in the policy library yet.", 1},
		{"in date", PolicyFigures{Policy: 2, Approved: d(2026, 3, 1), ReviewDue: d(2027, 3, 1)}, "L2", "school",
			"Online-safety policy v2, approved 2026-03-01; review by 2027-03-01.", 3},
		{"review overdue", PolicyFigures{Policy: 1, Approved: d(2026, 3, 1), ReviewDue: d(2026, 11, 1)}, "L2", "school",
			"Online-safety policy v1, approved 2026-03-01; review overdue since 2026-11-01.", 2},
		{"approved long ago", PolicyFigures{Policy: 1, Approved: d(2025, 11, 1)}, "L2", "school",
			"Online-safety policy v1, approved 2025-11-01: approved more than 12 months ago.", 2},
		{"no staff agreement", PolicyFigures{}, "L3", "school", "No staff acceptable use agreement in the policy library yet.", 1},
		{"46 of 50 staff, pupils few", PolicyFigures{StaffVersion: 3, StaffAgreed: 46, StaffTotal: 50, PupilAgreements: 1,
			ChildrenAgreed: 80, ChildrenOnRoll: 120}, "L3", "school",
			"staff agreement v3: 46 of 50 staff; pupils' agreements: 80 of 120 children on roll.", 2},
		{"45 of 50 staff and 108 of 120 pupils", PolicyFigures{StaffVersion: 3, StaffAgreed: 45, StaffTotal: 50, PupilAgreements: 1,
			ChildrenAgreed: 108, ChildrenOnRoll: 120}, "L3", "school",
			"staff agreement v3: 45 of 50 staff; pupils' agreements: 108 of 120 children on roll.", 3},
		{"a health setting has no pupils", PolicyFigures{StaffVersion: 1, StaffAgreed: 9, StaffTotal: 10}, "L3", "health",
			"staff agreement v1: 9 of 10 staff.", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			line, suggest, ok := tc.f.RegisterEvidence(tc.aspect, tc.setting, today)
			if !ok || line != tc.line || suggest != tc.suggest {
				t.Errorf("got %q %d %v\nwant %q %d", line, suggest, ok, tc.line, tc.suggest)
			}
		})
	}
	if _, _, ok := (&PolicyFigures{}).RegisterEvidence("T1", "school", today); ok {
		t.Error("T1 has register evidence")
	}
}
