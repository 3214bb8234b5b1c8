package demo

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestOfficeHoursNeverLaterThanNow moves report times into office hours as
// the seed does, for a "now" at every half hour of a week (a weekday
// morning, a weekend), and finds none moved past now: the demo would
// otherwise hold concerns reported later than it was started. A time moved
// is on a weekday between 08:30 and 16:30; one not moved is where it fell.
func TestOfficeHoursNeverLaterThanNow(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	monday := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	for now := monday; now.Before(monday.AddDate(0, 0, 7)); now = now.Add(30 * time.Minute) {
		// The seed's report times: up to a month back, at least two hours
		// before now.
		for range 200 {
			at := now.Add(-2*time.Hour - time.Duration(rng.Int64N(int64(30*24*time.Hour))))
			got := officeHours(at, now, rng)
			if got.After(now) {
				t.Fatalf("now %s: %s moved to %s, after now", now.Format(time.RFC3339), at.Format(time.RFC3339), got.Format(time.RFC3339))
			}
			if got.Equal(at) {
				continue
			}
			wd, mins := got.Weekday(), got.Hour()*60+got.Minute()
			if wd == time.Saturday || wd == time.Sunday || mins < 8*60+30 || mins >= 16*60+30 {
				t.Fatalf("%s moved to %s, outside office hours", at.Format(time.RFC3339), got.Format(time.RFC3339))
			}
		}
	}
}
