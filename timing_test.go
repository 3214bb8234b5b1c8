package lifeguard

import (
	"testing"
	"time"
)

func TestJudgeRoute(t *testing.T) {
	reported := time.Date(2026, 11, 18, 10, 0, 0, 0, time.UTC)
	close := time.Date(2026, 11, 18, 17, 0, 0, 0, time.UTC)
	now := Route{Code: "CSC_REFERRAL", Urgency: Immediate, Due: &reported}
	today := Route{Code: "POLICE_101", Urgency: SameWorkingDay, Due: &close}
	advice := Route{Code: "REPORT_HARMFUL_CONTENT", Urgency: Advice}
	for _, c := range []struct {
		name   string
		r      Route
		window time.Duration
		at     time.Time
		want   Timing
	}{
		{"immediate at the report", now, time.Hour, reported, DueNow},
		{"immediate a minute later", now, time.Hour, reported.Add(time.Minute), DueNow},
		{"immediate at the end of the window", now, time.Hour, reported.Add(time.Hour), DueNow},
		{"immediate after the window", now, time.Hour, reported.Add(time.Hour + time.Second), Overdue},
		{"immediate under a shorter window", now, 30 * time.Minute, reported.Add(31 * time.Minute), Overdue},
		{"same day before its deadline", today, time.Hour, reported, NotYetDue},
		{"same day at its deadline", today, time.Hour, close, DueNow},
		{"same day after its deadline: no window", today, time.Hour, close.Add(time.Minute), Overdue},
		{"no deadline", advice, time.Hour, close, NoDeadline},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.r.JudgeAt(c.window, c.at); got != c.want {
				t.Errorf("JudgeAt = %v, want %v", got, c.want)
			}
			on := c.r.OnTimeAt(c.window, c.at)
			if (on == nil) != (c.want == NoDeadline) || on != nil && *on != (c.want != Overdue) {
				t.Errorf("OnTimeAt = %v for %v", on, c.want)
			}
		})
	}
}

func TestTriageLateAt(t *testing.T) {
	reported := time.Date(2026, 11, 18, 16, 30, 0, 0, time.UTC)
	close := time.Date(2026, 11, 18, 17, 0, 0, 0, time.UTC)
	tr := Triage{NowWindow: time.Hour, Routes: []Route{
		{Code: "CSC_REFERRAL", Urgency: Immediate, Due: &reported},
		{Code: "POLICE_101", Urgency: SameWorkingDay, Due: &close},
	}}
	// The same-day route falls due before "now" has passed.
	if at := tr.LateAt(nil); at == nil || !at.Equal(close) {
		t.Errorf("LateAt = %v, want %v", at, close)
	}
	if at := tr.LateAt(map[RouteCode]bool{"POLICE_101": true}); at == nil || !at.Equal(reported.Add(time.Hour)) {
		t.Errorf("LateAt with the same-day route decided = %v", at)
	}
	if at := tr.LateAt(map[RouteCode]bool{"POLICE_101": true, "CSC_REFERRAL": true}); at != nil {
		t.Errorf("LateAt with everything decided = %v", at)
	}
	if got := tr.NowRoutes(nil, reported.Add(10*time.Minute)); len(got) != 1 || got[0].Code != "CSC_REFERRAL" {
		t.Errorf("NowRoutes = %+v", got)
	}
	// A triage that does not say judges with the default.
	tr.NowWindow = 0
	if tr.Window() != DefaultNowWindow {
		t.Errorf("Window() = %v", tr.Window())
	}
}
