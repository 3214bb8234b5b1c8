package procedure

import (
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// The usual bank holidays of England and Wales follow fixed rules (the
// Banking and Financial Dealings Act 1971 and the royal proclamations made
// under it each year), so they are computed rather than listed: a list runs
// out, and a deadline after its last year would silently ignore Christmas.
// What the rules cannot know (a jubilee, a coronation, a holiday moved for
// an anniversary) is in holidays/england-and-wales.yaml.

// First and last years the rules are applied to. Before firstRuleYear the
// one-off file is not kept; after lastRuleYear no deadline is set.
const (
	firstRuleYear = 2020
	lastRuleYear  = 2199
)

// englandAndWalesRules returns the eight usual bank holidays of year, with
// the substitute weekday for one that falls at a weekend.
func englandAndWalesRules(year int) []Holiday {
	day := func(m time.Month, d int) time.Time { return time.Date(year, m, d, 0, 0, 0, 0, time.UTC) }
	h := func(t time.Time, name string) Holiday { return Holiday{Date: lifeguard.DateOf(t), Name: name} }
	sunday := easterSunday(year)
	out := make([]Holiday, 0, 8)

	// New Year's Day at a weekend moves to the Monday after.
	switch ny := day(time.January, 1); ny.Weekday() {
	case time.Saturday:
		out = append(out, h(ny.AddDate(0, 0, 2), "New Year's Day (substitute day)"))
	case time.Sunday:
		out = append(out, h(ny.AddDate(0, 0, 1), "New Year's Day (substitute day)"))
	default:
		out = append(out, h(ny, "New Year's Day"))
	}
	out = append(out,
		h(sunday.AddDate(0, 0, -2), "Good Friday"),
		h(sunday.AddDate(0, 0, 1), "Easter Monday"),
		h(mondayOnOrAfter(day(time.May, 1)), "Early May bank holiday"),
		h(mondayOnOrAfter(day(time.May, 25)), "Spring bank holiday"),
		h(mondayOnOrAfter(day(time.August, 25)), "Summer bank holiday"))

	// Christmas and Boxing Day at a weekend move to the first weekdays
	// after them that are not holidays already.
	christmas := day(time.December, 25)
	switch christmas.Weekday() {
	case time.Friday:
		out = append(out, h(christmas, "Christmas Day"), h(christmas.AddDate(0, 0, 3), "Boxing Day (substitute day)"))
	case time.Saturday:
		out = append(out, h(christmas.AddDate(0, 0, 2), "Christmas Day (substitute day)"),
			h(christmas.AddDate(0, 0, 3), "Boxing Day (substitute day)"))
	case time.Sunday:
		out = append(out, h(christmas.AddDate(0, 0, 1), "Boxing Day"),
			h(christmas.AddDate(0, 0, 2), "Christmas Day (substitute day)"))
	default:
		out = append(out, h(christmas, "Christmas Day"), h(christmas.AddDate(0, 0, 1), "Boxing Day"))
	}
	return out
}

// mondayOnOrAfter returns the first Monday on or after t. The last Monday of
// May is the first on or after the 25th, and of August likewise.
func mondayOnOrAfter(t time.Time) time.Time {
	return t.AddDate(0, 0, (int(time.Monday)-int(t.Weekday())+7)%7)
}

// easterSunday returns Easter Sunday of year in the Gregorian calendar by
// Gauss's method: d is the days from 22 March to the paschal full moon, e
// the days from it to the Sunday after, and two exceptions keep Easter on or
// before 25 April. (The tests check it against a different method and
// against published dates.)
func easterSunday(year int) time.Time {
	a, b, c := year%19, year%4, year%7
	k := year / 100
	p := (13 + 8*k) / 25
	q := k / 4
	m := (15 - p + k - q) % 30
	n := (4 + k - q) % 7
	d := (19*a + m) % 30
	e := (2*b + 4*c + 6*d + n) % 7
	switch {
	case d == 29 && e == 6:
		return time.Date(year, time.April, 19, 0, 0, 0, 0, time.UTC)
	case d == 28 && e == 6 && (11*m+11)%30 < 19:
		return time.Date(year, time.April, 18, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(year, time.March, 22+d+e, 0, 0, 0, 0, time.UTC)
}
