package policy

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

const (
	minutesPerDay  = 24 * 60
	minutesPerWeek = 7 * minutesPerDay
)

// dayNames maps a day word to the days it means (time.Weekday numbers).
var dayNames = map[string][]time.Weekday{
	"mon": {time.Monday}, "tue": {time.Tuesday}, "wed": {time.Wednesday}, "thu": {time.Thursday},
	"fri": {time.Friday}, "sat": {time.Saturday}, "sun": {time.Sunday},
	"weekdays": {time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday},
	"weekend":  {time.Saturday, time.Sunday},
	"daily":    {time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday},
}

// parseClock reads "HH:MM" as minutes after midnight; "24:00" only when
// endOfDay.
func parseClock(s string, endOfDay bool) (int, error) {
	bad := fmt.Errorf("%q: give a time as HH:MM, such as 16:00", s)
	if len(s) != 5 || s[2] != ':' {
		return 0, bad
	}
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return 0, bad
		}
	}
	h := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[3]-'0')*10 + int(s[4]-'0')
	if endOfDay && h == 24 && m == 0 {
		return minutesPerDay, nil
	}
	if h > 23 || m > 59 {
		if endOfDay {
			return 0, fmt.Errorf("%q is not a time of day (00:00 to 23:59, or 24:00)", s)
		}
		return 0, fmt.Errorf("%q is not a time of day (00:00 to 23:59)", s)
	}
	return h*60 + m, nil
}

// timeline is a group's blocked categories over the week: from minute
// at[i] of the week (Sunday 00:00 is minute 0) until at[i+1], mask[i] is
// blocked. at[0] is always 0.
type timeline struct {
	at   []int32
	mask []uint64
}

type weekRange struct{ from, to int } // [from, to) in minutes of the week, to ≤ minutesPerWeek

type window struct {
	ranges       []weekRange
	allow, block uint64
}

// compileSchedules turns a group's schedules into a timeline; base is what
// the group blocks outside every window. Config.Check has passed.
func compileSchedules(base uint64, scheds []Schedule) timeline {
	if len(scheds) == 0 {
		return timeline{at: []int32{0}, mask: []uint64{base}}
	}
	var windows []window
	cuts := []int{0}
	for _, s := range scheds {
		var w window
		for _, c := range s.Allow {
			b, _ := categoryBit(c)
			w.allow |= b
		}
		for _, c := range s.Block {
			b, _ := categoryBit(c)
			w.block |= b
		}
		from, _ := parseClock(s.From, false)
		to, _ := parseClock(s.To, true)
		days := s.Days
		if len(days) == 0 {
			days = []string{"daily"}
		}
		for _, d := range days {
			for _, wd := range dayNames[strings.ToLower(d)] {
				start := int(wd)*minutesPerDay + from
				end := int(wd)*minutesPerDay + to
				if to < from {
					end += minutesPerDay // past midnight into the next day
				}
				if end > minutesPerWeek { // Saturday night into Sunday morning
					w.ranges = append(w.ranges, weekRange{0, end - minutesPerWeek})
					end = minutesPerWeek
				}
				w.ranges = append(w.ranges, weekRange{start, end})
			}
		}
		for _, r := range w.ranges {
			cuts = append(cuts, r.from, r.to)
		}
		windows = append(windows, w)
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	var tl timeline
	for _, c := range cuts {
		if c >= minutesPerWeek {
			break
		}
		var allow, block uint64
		for _, w := range windows {
			for _, r := range w.ranges {
				if c >= r.from && c < r.to {
					allow |= w.allow
					block |= w.block
					break
				}
			}
		}
		// Blocking wins where windows disagree; illegal content stays
		// blocked whatever a window says.
		m := (base&^allow | block) | illegalMask
		if n := len(tl.mask); n > 0 && tl.mask[n-1] == m {
			continue
		}
		tl.at = append(tl.at, int32(c))
		tl.mask = append(tl.mask, m)
	}
	return tl
}

// at returns the mask blocked at minute m of the week.
func (tl *timeline) maskAt(m int32) uint64 {
	lo, hi := 0, len(tl.at)
	for hi-lo > 1 { // at[lo] <= m < at[hi]
		mid := int(uint(lo+hi) >> 1)
		if tl.at[mid] <= m {
			lo = mid
		} else {
			hi = mid
		}
	}
	return tl.mask[lo]
}

// minuteOfWeek returns the wall-clock minute of the week of t in loc.
func minuteOfWeek(t time.Time, loc *time.Location) int32 {
	t = t.In(loc)
	h, m, _ := t.Clock()
	return int32(int(t.Weekday())*minutesPerDay + h*60 + m)
}
