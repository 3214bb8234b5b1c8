package demo

import (
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

func TestDemoIdentity(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	age, asOf := 12, lifeguard.Date{Year: 2026, Month: 10, Day: 1}
	seen := map[string]bool{}
	for id := int64(1); id <= 200; id++ {
		c := lifeguard.Child{ID: id, Ref: "C-1", Age: &age, AgeAsOf: &asOf}
		got := demoIdentity(c, "school", now)
		if ps := got.Normalise().Problems("", lifeguard.DateOf(now)); len(ps) > 0 {
			t.Fatalf("child %d: %+v: %v", id, got, ps)
		}
		if a := got.DateOfBirth.AgeOn(asOf.In(time.UTC)); a != age {
			t.Errorf("child %d born %s is %d on %s, want %d", id, got.DateOfBirth, a, asOf, age)
		}
		if got.YearGroup != "7" && got.YearGroup != "8" {
			t.Errorf("child %d aged 12 in October is in year %q", id, got.YearGroup)
		}
		seen[got.LegalForename+" "+got.LegalSurname] = true
		if again := demoIdentity(c, "school", now); again.LegalSurname != got.LegalSurname {
			t.Errorf("child %d named differently twice", id)
		}
	}
	if len(seen) < 150 {
		t.Errorf("only %d different names for 200 children", len(seen))
	}
	if y := demoIdentity(lifeguard.Child{ID: 1, Age: &age, AgeAsOf: &asOf}, "police", now).YearGroup; y != "" {
		t.Errorf("a police force's child has year group %q", y)
	}
}

func TestYearGroupOf(t *testing.T) {
	now := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	for dob, want := range map[lifeguard.Date]string{
		{Year: 2014, Month: 9, Day: 1}:  "7", // 11 on 31 August 2026: Year 7 in 2026-27
		{Year: 2015, Month: 8, Day: 31}: "7",
		{Year: 2015, Month: 9, Day: 1}:  "6",
		{Year: 2021, Month: 9, Day: 1}:  "R",
		{Year: 2008, Month: 9, Day: 1}:  "13",
		{Year: 2007, Month: 9, Day: 1}:  "",
	} {
		if got := yearGroupOf(dob, now); got != want {
			t.Errorf("born %s: year %q, want %q", dob, got, want)
		}
	}
}

// TestDemoUPN: the demo's pupil numbers are valid UPNs and differ.
func TestDemoUPN(t *testing.T) {
	seen := map[string]bool{}
	for _, id := range []int64{1, 2, 37, 999, 123456, 987654321} {
		u := demoUPN(id)
		if p := lifeguard.UPNProblem(u); p != "" {
			t.Errorf("demoUPN(%d) = %s: %s", id, u, p)
		}
		if seen[u] {
			t.Errorf("demoUPN(%d) = %s twice", id, u)
		}
		seen[u] = true
	}
}
