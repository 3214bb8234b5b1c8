package procedure

import (
	"errors"
	"fmt"
	"time"

	// Deadlines are computed in the partnership's zone (Europe/London by
	// default); embedding the zone database means a container without
	// /usr/share/zoneinfo still gets them right instead of failing at start.
	_ "time/tzdata"

	"github.com/lifeguard-scp/lifeguard"
)

// Clock is a local time of day.
type Clock struct{ Hour, Minute int }

// ParseClock parses a time of day written HH:MM on the 24-hour clock, such as
// "17:00" or "09:30". It rejects "24:00" and short forms such as "9:5" or
// "9:05", so a procedure file has one way to write each time.
func ParseClock(s string) (Clock, error) {
	if len(s) != 5 || s[2] != ':' || !isDigit(s[0]) || !isDigit(s[1]) || !isDigit(s[3]) || !isDigit(s[4]) {
		return Clock{}, fmt.Errorf("%q is not a time of day in the form HH:MM", s)
	}
	c := Clock{int(s[0]-'0')*10 + int(s[1]-'0'), int(s[3]-'0')*10 + int(s[4]-'0')}
	if !c.valid() {
		return Clock{}, fmt.Errorf("%q is not a time of day: hours run from 00 to 23 and minutes from 00 to 59", s)
	}
	return c, nil
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", c.Hour, c.Minute) }

func (c Clock) valid() bool {
	return 0 <= c.Hour && c.Hour < 24 && 0 <= c.Minute && c.Minute < 60
}

func (c Clock) minutes() int { return c.Hour*60 + c.Minute }

// Calendar knows the partnership's working days and office hours and turns an
// urgency into a deadline (procedure.md, "Deadlines"). It is safe for
// concurrent use; it never changes after NewCalendar.
type Calendar struct {
	loc         *time.Location
	open, close Clock
	// Keyed by date so that the check done on every triage is a single map
	// lookup with no allocation.
	holidays map[lifeguard.Date]struct{}
}

// NewCalendar returns a calendar in loc whose working days run from open to
// close and exclude weekends and the holidays. Holidays may repeat (a local
// file may list a day the default calendar already has).
func NewCalendar(loc *time.Location, open, close Clock, holidays []Holiday) (*Calendar, error) {
	if loc == nil {
		return nil, errors.New("calendar: no time zone")
	}
	if !open.valid() {
		return nil, fmt.Errorf("calendar: opening time %02d:%02d is not a time of day", open.Hour, open.Minute)
	}
	if !close.valid() {
		return nil, fmt.Errorf("calendar: closing time %02d:%02d is not a time of day", close.Hour, close.Minute)
	}
	if open.minutes() >= close.minutes() {
		return nil, fmt.Errorf("calendar: opening time %v is not before closing time %v", open, close)
	}
	set := make(map[lifeguard.Date]struct{}, len(holidays))
	for _, h := range holidays {
		// Date is a plain struct, so a caller can build one that does not
		// exist; it would never match a real day and the holiday would be
		// lost without a word.
		if lifeguard.DateOf(h.Date.In(time.UTC)) != h.Date {
			return nil, fmt.Errorf("calendar: holiday %q has a date that does not exist (%v)", h.Name, h.Date)
		}
		set[h.Date] = struct{}{}
	}
	// A holiday moved for a year leaves its usual day a working day.
	for _, h := range holidays {
		if !h.Replaces.IsZero() {
			delete(set, h.Replaces)
		}
	}
	return &Calendar{loc: loc, open: open, close: close, holidays: set}, nil
}

// Location returns the calendar's time zone.
func (c *Calendar) Location() *time.Location { return c.loc }

// IsWorkingDay reports whether d is a weekday that is not a holiday. A date
// that does not exist (2026-02-30) is normalised as time.Date does.
func (c *Calendar) IsWorkingDay(d lifeguard.Date) bool {
	return c.isWorkingDay(midnightUTC(d))
}

// NextWorkingDay returns the first working day strictly after d.
func (c *Calendar) NextWorkingDay(d lifeguard.Date) lifeguard.Date {
	return lifeguard.DateOf(c.nextWorkingDay(midnightUTC(d)))
}

// Day arithmetic is done at midnight UTC, where every day has 24 hours, so
// stepping a day never lands on a clock change of the partnership's zone.
func midnightUTC(d lifeguard.Date) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

func (c *Calendar) isWorkingDay(day time.Time) bool {
	if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	_, holiday := c.holidays[lifeguard.DateOf(day)]
	return !holiday
}

// nextWorkingDay ends because the holiday set is finite and every week has
// weekdays.
func (c *Calendar) nextWorkingDay(day time.Time) time.Time {
	for {
		day = day.AddDate(0, 0, 1)
		if c.isWorkingDay(day) {
			return day
		}
	}
}

// at returns the instant of the local wall time clock on day (a midnight UTC).
func (c *Calendar) at(day time.Time, h, m, s, ns int) time.Time {
	y, mo, d := day.Date()
	// If the wall time does not exist (it falls in the gap of a clock change
	// forward) or exists twice (a change back), time.Date picks one of the
	// zones either side of the change. Either answer is within the hour the
	// clocks moved, which is acceptable for a deadline; in the UK the clocks
	// change at 01:00 on a Sunday, which is never a working day, so it does
	// not arise there.
	return time.Date(y, mo, d, h, m, s, ns, c.loc)
}

// Due returns when a route with urgency u must be acted on for a concern
// reported at reported; days is N for lifeguard.WorkingDays and ignored
// otherwise. ok is false when the urgency has no deadline
// (as_soon_as_possible, advice) and also for an unknown urgency, which the
// procedure loader rejects with Urgency.Valid before any triage runs. The
// deadline is in UTC. Due does not allocate.
func (c *Calendar) Due(reported time.Time, u lifeguard.Urgency, days int) (due time.Time, ok bool) {
	switch u {
	case lifeguard.Immediate:
		return reported.UTC(), true
	case lifeguard.SameWorkingDay:
		local := reported.In(c.loc)
		day := midnightUTC(lifeguard.DateOf(local))
		if c.isWorkingDay(day) {
			// "Before close" is strict: a report at 17:00 is after the
			// working day has ended.
			if end := c.at(day, c.close.Hour, c.close.Minute, 0, 0); local.Before(end) {
				return end.UTC(), true
			}
		}
		return c.at(c.nextWorkingDay(day), c.close.Hour, c.close.Minute, 0, 0).UTC(), true
	case lifeguard.WorkingDays:
		return c.AddWorkingDays(reported, days), true
	}
	return time.Time{}, false
}

// AddWorkingDays returns the same local wall-clock time n working days after
// from, in UTC: the semantics of the working_days urgency. Across a clock
// change the wall time is kept and the UTC offset changes with it. n < 0
// counts as 0.
//
// A time on a day that is not a working day counts from the opening time of
// the next working day. A time on a working day keeps its own wall time even
// outside office hours (a report at 20:00 on Friday with n = 1 is due at
// 20:00 on Monday, not 09:00 on Tuesday): procedure.md only moves reports
// made "outside a working day", and the literal reading gives the stricter
// deadline, which is the safer error for safeguarding.
func (c *Calendar) AddWorkingDays(from time.Time, n int) time.Time {
	local := from.In(c.loc)
	day := midnightUTC(lifeguard.DateOf(local))
	h, m, s := local.Clock()
	ns := local.Nanosecond()
	if !c.isWorkingDay(day) {
		day = c.nextWorkingDay(day)
		h, m, s, ns = c.open.Hour, c.open.Minute, 0, 0
	}
	for range n {
		day = c.nextWorkingDay(day)
	}
	return c.at(day, h, m, s, ns).UTC()
}
