package procedure

import (
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

func london(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func newCalendar(t testing.TB, open, close Clock, extra ...Holiday) *Calendar {
	t.Helper()
	hs, err := DefaultHolidays()
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewCalendar(london(t), open, close, append(hs, extra...))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func defaultCalendar(t testing.TB) *Calendar {
	return newCalendar(t, Clock{9, 0}, Clock{17, 0})
}

func at(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Times are written as instants with the offset London has on that day, so
// each case reads as the local wall time the rule talks about.
type dueCase struct {
	name     string
	reported string
	urgency  lifeguard.Urgency
	days     int
	due      string // "" for no deadline
}

func runDue(t *testing.T, c *Calendar, cases []dueCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := c.Due(at(t, tc.reported), tc.urgency, tc.days)
			if tc.due == "" {
				if ok {
					t.Fatalf("due %v, want no deadline", got)
				}
				if !got.IsZero() {
					t.Errorf("no deadline but due is %v, want the zero time", got)
				}
				return
			}
			if !ok {
				t.Fatalf("no deadline, want %s", tc.due)
			}
			want := at(t, tc.due)
			if !got.Equal(want) {
				t.Errorf("due %v (%v in London), want %v", got, got.In(c.Location()), want)
			}
			if got.Location() != time.UTC {
				t.Errorf("due is in %v, want UTC", got.Location())
			}
		})
	}
}

func TestDue(t *testing.T) {
	runDue(t, defaultCalendar(t), []dueCase{
		// Scenario p14: Wednesday morning, closes at 17:00 GMT that day.
		{"p14 same working day", "2026-11-18T10:00:00Z", lifeguard.SameWorkingDay, 0, "2026-11-18T17:00:00Z"},
		// Scenario p06: Friday 16:00, one working day later is Monday 16:00.
		{"p06 one working day over a weekend", "2026-11-20T16:00:00Z", lifeguard.WorkingDays, 1, "2026-11-23T16:00:00Z"},
		// Monday 25 May 2026 is the spring bank holiday.
		{"one working day over a bank holiday Monday", "2026-05-22T16:00:00+01:00", lifeguard.WorkingDays, 1, "2026-05-26T16:00:00+01:00"},

		{"same working day before opening", "2026-11-18T07:00:00Z", lifeguard.SameWorkingDay, 0, "2026-11-18T17:00:00Z"},
		{"same working day one minute before close", "2026-11-18T16:59:00Z", lifeguard.SameWorkingDay, 0, "2026-11-18T17:00:00Z"},
		{"same working day at close", "2026-11-18T17:00:00Z", lifeguard.SameWorkingDay, 0, "2026-11-19T17:00:00Z"},
		{"same working day after close", "2026-11-18T17:30:00Z", lifeguard.SameWorkingDay, 0, "2026-11-19T17:00:00Z"},
		{"same working day after close on Friday", "2026-11-20T18:00:00Z", lifeguard.SameWorkingDay, 0, "2026-11-23T17:00:00Z"},
		{"same working day on Saturday", "2026-11-21T10:00:00Z", lifeguard.SameWorkingDay, 0, "2026-11-23T17:00:00Z"},
		{"same working day on Sunday night", "2026-11-22T23:30:00Z", lifeguard.SameWorkingDay, 0, "2026-11-23T17:00:00Z"},
		{"same working day on a bank holiday", "2026-05-25T10:00:00+01:00", lifeguard.SameWorkingDay, 0, "2026-05-26T17:00:00+01:00"},
		// 17:00 in summer time is 16:00 UTC.
		{"same working day in summer time", "2026-06-17T09:00:00+01:00", lifeguard.SameWorkingDay, 0, "2026-06-17T17:00:00+01:00"},
		// 23:30 UTC on a winter Wednesday is still Wednesday in London, but
		// 23:30 UTC in summer is already Thursday 00:30 there.
		{"same working day reads the London date", "2026-06-17T23:30:00Z", lifeguard.SameWorkingDay, 0, "2026-06-18T17:00:00+01:00"},

		// 25 Dec 2026 is a Friday, Boxing Day's substitute is Monday 28th.
		{"same working day over Christmas", "2026-12-24T17:30:00Z", lifeguard.SameWorkingDay, 0, "2026-12-29T17:00:00Z"},
		// 27 and 28 Dec 2027 are both substitute days.
		{"one working day over Christmas 2027", "2027-12-24T10:00:00Z", lifeguard.WorkingDays, 1, "2027-12-29T10:00:00Z"},
		// 3 Jan 2028 is New Year's Day's substitute.
		{"one working day over New Year 2028", "2027-12-31T10:00:00Z", lifeguard.WorkingDays, 1, "2028-01-04T10:00:00Z"},
		{"five working days over Christmas 2026", "2026-12-21T11:00:00Z", lifeguard.WorkingDays, 5, "2026-12-30T11:00:00Z"},

		// Clocks go forward on Sunday 29 March 2026: 10:00 stays 10:00.
		{"one working day over the spring clock change", "2026-03-27T10:00:00Z", lifeguard.WorkingDays, 1, "2026-03-30T09:00:00Z"},
		// Clocks go back on Sunday 25 October 2026.
		{"one working day over the autumn clock change", "2026-10-23T09:00:00Z", lifeguard.WorkingDays, 1, "2026-10-26T10:00:00Z"},
		{"same working day after close over the spring change", "2026-03-27T17:30:00Z", lifeguard.SameWorkingDay, 0, "2026-03-30T16:00:00Z"},

		{"one working day from Saturday counts from Monday 09:00", "2026-11-21T14:00:00Z", lifeguard.WorkingDays, 1, "2026-11-24T09:00:00Z"},
		{"one working day from Sunday in summer", "2026-06-21T13:00:00+01:00", lifeguard.WorkingDays, 1, "2026-06-23T09:00:00+01:00"},
		{"one working day from a bank holiday", "2026-08-31T10:00:00+01:00", lifeguard.WorkingDays, 1, "2026-09-02T09:00:00+01:00"},
		{"one working day from Saturday before a bank holiday", "2026-05-23T10:00:00+01:00", lifeguard.WorkingDays, 1, "2026-05-27T09:00:00+01:00"},
		// A working day outside office hours keeps its clock time.
		{"one working day from Friday evening", "2026-11-20T20:00:00Z", lifeguard.WorkingDays, 1, "2026-11-23T20:00:00Z"},
		{"two working days from early Wednesday", "2026-11-18T06:30:00Z", lifeguard.WorkingDays, 2, "2026-11-20T06:30:00Z"},
		{"seconds are kept", "2026-11-18T10:15:42Z", lifeguard.WorkingDays, 1, "2026-11-19T10:15:42Z"},
		{"zero working days on a working day", "2026-11-18T10:00:00Z", lifeguard.WorkingDays, 0, "2026-11-18T10:00:00Z"},
		{"zero working days on Saturday", "2026-11-21T10:00:00Z", lifeguard.WorkingDays, 0, "2026-11-23T09:00:00Z"},
		{"negative working days count as zero", "2026-11-18T10:00:00Z", lifeguard.WorkingDays, -3, "2026-11-18T10:00:00Z"},

		{"immediate", "2026-11-18T10:00:00Z", lifeguard.Immediate, 0, "2026-11-18T10:00:00Z"},
		{"immediate on Saturday night", "2026-11-21T23:59:00Z", lifeguard.Immediate, 0, "2026-11-21T23:59:00Z"},
		{"immediate in summer time", "2026-06-17T10:00:00+01:00", lifeguard.Immediate, 0, "2026-06-17T09:00:00Z"},
		{"as soon as possible", "2026-11-18T10:00:00Z", lifeguard.AsSoonAsPossible, 0, ""},
		{"advice", "2026-11-18T10:00:00Z", lifeguard.Advice, 0, ""},
		{"unknown urgency", "2026-11-18T10:00:00Z", lifeguard.Urgency("soonish"), 0, ""},
	})
}

func TestDueCustomHours(t *testing.T) {
	runDue(t, newCalendar(t, Clock{8, 0}, Clock{16, 30}), []dueCase{
		{"same working day closes at 16:30", "2026-11-18T10:00:00Z", lifeguard.SameWorkingDay, 0, "2026-11-18T16:30:00Z"},
		{"same working day after 16:30", "2026-11-18T16:45:00Z", lifeguard.SameWorkingDay, 0, "2026-11-19T16:30:00Z"},
		{"same working day at 16:30 in summer", "2026-06-17T16:29:00+01:00", lifeguard.SameWorkingDay, 0, "2026-06-17T16:30:00+01:00"},
		{"Saturday counts from opening at 08:00", "2026-11-21T14:00:00Z", lifeguard.WorkingDays, 1, "2026-11-24T08:00:00Z"},
	})
}

func TestDueLocalHoliday(t *testing.T) {
	local, err := ParseHolidays("local.yaml", []byte("calendar: Exampleshire\nholidays:\n  - {date: 2026-11-20, name: Partnership training day}\n  - {date: 2026-12-25, name: Christmas Day}\n"))
	if err != nil {
		t.Fatal(err)
	}
	runDue(t, newCalendar(t, Clock{9, 0}, Clock{17, 0}, local...), []dueCase{
		{"one working day over the local holiday", "2026-11-19T16:00:00Z", lifeguard.WorkingDays, 1, "2026-11-23T16:00:00Z"},
		{"same working day on the local holiday", "2026-11-20T10:00:00Z", lifeguard.SameWorkingDay, 0, "2026-11-23T17:00:00Z"},
		{"a repeated bank holiday is still one", "2026-12-24T17:30:00Z", lifeguard.SameWorkingDay, 0, "2026-12-29T17:00:00Z"},
	})
}

// Cairo moves its clocks at midnight on the last Friday of April, a working
// day here, so a wall time can fall in the gap. time.Date's normalisation
// gives one of the instants either side; either is on the right day and
// within the hour the clocks moved.
func TestDueInAGap(t *testing.T) {
	cairo, err := time.LoadLocation("Africa/Cairo")
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewCalendar(cairo, Clock{9, 0}, Clock{17, 0}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Thursday 23 April 2026 00:30 EET; Friday 00:30 does not exist.
	reported := time.Date(2026, 4, 23, 0, 30, 0, 0, cairo)
	if gap := time.Date(2026, 4, 24, 0, 30, 0, 0, cairo); gap.Hour() == 0 {
		t.Skip("the zone data has no clock change at midnight on 24 April 2026")
	}
	got, _ := c.Due(reported, lifeguard.WorkingDays, 1)
	earliest := time.Date(2026, 4, 23, 21, 30, 0, 0, time.UTC) // 00:30 EEST
	latest := time.Date(2026, 4, 23, 22, 30, 0, 0, time.UTC)   // 00:30 EET
	if got.Before(earliest) || got.After(latest) {
		t.Errorf("due %v, want between %v and %v", got, earliest, latest)
	}
	// The autumn change in Cairo is at midnight on the last Thursday of
	// October, so 23:30 that night exists twice; the same bounds apply.
	reported = time.Date(2026, 10, 28, 23, 30, 0, 0, cairo)
	got, _ = c.Due(reported, lifeguard.WorkingDays, 1)
	earliest = time.Date(2026, 10, 29, 20, 30, 0, 0, time.UTC) // 23:30 EEST
	latest = time.Date(2026, 10, 29, 21, 30, 0, 0, time.UTC)   // 23:30 EET
	if got.Before(earliest) || got.After(latest) {
		t.Errorf("due %v, want between %v and %v", got, earliest, latest)
	}
}

func TestAddWorkingDays(t *testing.T) {
	c := defaultCalendar(t)
	// The five-school-day transfer deadline: Wednesday to the next
	// Wednesday, and across Easter 2027 (Good Friday 26 March, Easter
	// Monday 29 March).
	for _, tc := range []struct{ from, want string }{
		{"2026-11-18T14:00:00Z", "2026-11-25T14:00:00Z"},
		{"2027-03-24T14:00:00Z", "2027-04-02T13:00:00Z"},
	} {
		if got := c.AddWorkingDays(at(t, tc.from), 5); !got.Equal(at(t, tc.want)) {
			t.Errorf("AddWorkingDays(%s, 5) = %v, want %s", tc.from, got, tc.want)
		}
	}
}

func TestWorkingDays(t *testing.T) {
	c := defaultCalendar(t)
	d := func(s string) lifeguard.Date {
		v, err := lifeguard.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		day     string
		working bool
		next    string
	}{
		{"2026-11-18", true, "2026-11-19"},
		{"2026-11-20", true, "2026-11-23"},
		{"2026-11-21", false, "2026-11-23"},
		{"2026-11-22", false, "2026-11-23"},
		{"2026-05-25", false, "2026-05-26"},
		{"2026-05-22", true, "2026-05-26"},
		{"2026-12-24", true, "2026-12-29"},
		{"2027-12-24", true, "2027-12-29"},
		{"2027-12-31", true, "2028-01-04"},
		// After the years once listed in a file: the rules still apply.
		{"2031-01-01", false, "2031-01-02"},
		{"2031-04-10", true, "2031-04-15"}, // Good Friday and Easter Monday
		{"2031-12-24", true, "2031-12-29"},
		{"2032-12-24", true, "2032-12-29"}, // Christmas on a Saturday
		{"2033-12-30", true, "2034-01-03"}, // New Year's Day on a Sunday
		{"2045-08-25", true, "2045-08-29"},
		// A usual holiday moved for one year is a working day that year.
		{"2020-05-04", true, "2020-05-05"},
		{"2020-05-07", true, "2020-05-11"},
		{"2022-05-30", true, "2022-05-31"},
		{"2022-06-01", true, "2022-06-06"},
	} {
		if got := c.IsWorkingDay(d(tc.day)); got != tc.working {
			t.Errorf("IsWorkingDay(%s) = %v", tc.day, got)
		}
		if got := c.NextWorkingDay(d(tc.day)); got != d(tc.next) {
			t.Errorf("NextWorkingDay(%s) = %v, want %s", tc.day, got, tc.next)
		}
	}
}

func TestParseClock(t *testing.T) {
	for s, want := range map[string]Clock{"17:00": {17, 0}, "09:30": {9, 30}, "00:00": {0, 0}, "23:59": {23, 59}} {
		got, err := ParseClock(s)
		if err != nil || got != want {
			t.Errorf("ParseClock(%q) = %v, %v; want %v", s, got, err, want)
		}
		if got.String() != s {
			t.Errorf("%v.String() = %q, want %q", got, got.String(), s)
		}
	}
	for _, s := range []string{"24:00", "9:5", "9:05", "09:5", "17:60", "17.00", "1700", "", "-1:00", "+9:00", "17:00 ", "１７:00", "17:00:00"} {
		if c, err := ParseClock(s); err == nil {
			t.Errorf("ParseClock(%q) = %v, want an error", s, c)
		}
	}
}

func TestNewCalendarErrors(t *testing.T) {
	loc := london(t)
	for _, tc := range []struct {
		name        string
		loc         *time.Location
		open, close Clock
		holidays    []Holiday
		want        string
	}{
		{"no zone", nil, Clock{9, 0}, Clock{17, 0}, nil, "no time zone"},
		{"open after close", loc, Clock{17, 0}, Clock{9, 0}, nil, "not before closing"},
		{"open at close", loc, Clock{9, 0}, Clock{9, 0}, nil, "not before closing"},
		{"bad open", loc, Clock{-1, 0}, Clock{17, 0}, nil, "opening time"},
		{"bad close", loc, Clock{9, 0}, Clock{24, 0}, nil, "closing time"},
		{"impossible holiday", loc, Clock{9, 0}, Clock{17, 0}, []Holiday{{Date: lifeguard.Date{Year: 2026, Month: 2, Day: 30}, Name: "Nothing"}}, "does not exist"},
		{"zero holiday", loc, Clock{9, 0}, Clock{17, 0}, []Holiday{{}}, "does not exist"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewCalendar(tc.loc, tc.open, tc.close, tc.holidays)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// Due runs in every triage, so it must not allocate.
func TestDueDoesNotAllocate(t *testing.T) {
	c := defaultCalendar(t)
	// Reports on different days and in both zones' offsets, so every path
	// through Due (holiday skipping included) is measured.
	cases := []struct {
		reported time.Time
		u        lifeguard.Urgency
		days     int
	}{
		{at(t, "2026-11-18T10:00:00Z"), lifeguard.Immediate, 0},
		{at(t, "2026-11-18T10:00:00Z"), lifeguard.SameWorkingDay, 0},
		{at(t, "2026-12-24T17:30:00Z"), lifeguard.SameWorkingDay, 0},
		{at(t, "2026-05-22T15:00:00Z"), lifeguard.WorkingDays, 1},
		{at(t, "2026-11-21T14:00:00Z"), lifeguard.WorkingDays, 5},
		{at(t, "2026-11-18T10:00:00Z"), lifeguard.Advice, 0},
	}
	for _, tc := range cases {
		if n := testing.AllocsPerRun(100, func() { c.Due(tc.reported, tc.u, tc.days) }); n != 0 {
			t.Errorf("Due(%v, %s, %d) allocates %v times", tc.reported, tc.u, tc.days, n)
		}
	}
}

func BenchmarkDue(b *testing.B) {
	c := defaultCalendar(b)
	for _, bc := range []struct {
		name     string
		reported time.Time
		u        lifeguard.Urgency
		days     int
	}{
		{"immediate", at(b, "2026-11-18T10:00:00Z"), lifeguard.Immediate, 0},
		{"same_working_day", at(b, "2026-11-18T10:00:00Z"), lifeguard.SameWorkingDay, 0},
		{"same_working_day_christmas", at(b, "2026-12-24T17:30:00Z"), lifeguard.SameWorkingDay, 0},
		{"working_days_1", at(b, "2026-11-20T16:00:00Z"), lifeguard.WorkingDays, 1},
		{"working_days_5", at(b, "2026-11-18T14:00:00Z"), lifeguard.WorkingDays, 5},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.Due(bc.reported, bc.u, bc.days)
			}
		})
	}
}
