package procedure

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// easter returns Easter Sunday of year by the anonymous Gregorian
// (Meeus/Jones/Butcher) algorithm, independent of the shipped data.
func easter(year int) time.Time {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}

func TestEaster(t *testing.T) {
	// Known Easter Sundays, to check the algorithm before trusting it.
	for _, want := range []string{"2024-03-31", "2025-04-20", "2026-04-05", "2027-03-28", "2030-04-21", "2038-04-25", "2285-03-22"} {
		w, _ := time.Parse(time.DateOnly, want)
		if got := easter(w.Year()); !got.Equal(w) {
			t.Errorf("easter(%d) = %v, want %v", w.Year(), got.Format(time.DateOnly), want)
		}
	}
}

// firstMonday and lastMonday find the Monday-based holidays of a month.
func firstMonday(year int, month time.Month) time.Time {
	d := time.Date(year, month, 1, 0, 0, 0, 0, time.UTC)
	for d.Weekday() != time.Monday {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

func lastMonday(year int, month time.Month) time.Time {
	d := time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC)
	for d.Weekday() != time.Monday {
		d = d.AddDate(0, 0, -1)
	}
	return d
}

// expectedHolidays works out the eight usual bank holidays of England and
// Wales for a year from the rules, substitute days included.
func expectedHolidays(year int) map[lifeguard.Date]string {
	day := func(t time.Time) lifeguard.Date { return lifeguard.DateOf(t) }
	on := func(m time.Month, d int) time.Time { return time.Date(year, m, d, 0, 0, 0, 0, time.UTC) }
	e := easter(year)
	want := map[lifeguard.Date]string{
		day(e.AddDate(0, 0, -2)):           "Good Friday",
		day(e.AddDate(0, 0, 1)):            "Easter Monday",
		day(firstMonday(year, time.May)):   "Early May bank holiday",
		day(lastMonday(year, time.May)):    "Spring bank holiday",
		day(lastMonday(year, time.August)): "Summer bank holiday",
	}
	switch ny := on(time.January, 1); ny.Weekday() {
	case time.Saturday:
		want[day(on(time.January, 3))] = "New Year's Day (substitute day)"
	case time.Sunday:
		want[day(on(time.January, 2))] = "New Year's Day (substitute day)"
	default:
		want[day(ny)] = "New Year's Day"
	}
	switch on(time.December, 25).Weekday() {
	case time.Friday:
		want[day(on(time.December, 25))] = "Christmas Day"
		want[day(on(time.December, 28))] = "Boxing Day (substitute day)"
	case time.Saturday:
		want[day(on(time.December, 27))] = "Christmas Day (substitute day)"
		want[day(on(time.December, 28))] = "Boxing Day (substitute day)"
	case time.Sunday:
		want[day(on(time.December, 26))] = "Boxing Day"
		want[day(on(time.December, 27))] = "Christmas Day (substitute day)"
	default:
		want[day(on(time.December, 25))] = "Christmas Day"
		want[day(on(time.December, 26))] = "Boxing Day"
	}
	return want
}

// published2020to2023 are the bank holidays GOV.UK published for the years
// with one-off and moved holidays, before the data file began.
var published2020to2023 = map[string]string{
	"2020-01-01": "New Year's Day", "2020-04-10": "Good Friday", "2020-04-13": "Easter Monday",
	"2020-05-08": "Early May bank holiday (VE day)", "2020-05-25": "Spring bank holiday",
	"2020-08-31": "Summer bank holiday", "2020-12-25": "Christmas Day", "2020-12-28": "Boxing Day (substitute day)",
	"2021-01-01": "New Year's Day", "2021-04-02": "Good Friday", "2021-04-05": "Easter Monday",
	"2021-05-03": "Early May bank holiday", "2021-05-31": "Spring bank holiday", "2021-08-30": "Summer bank holiday",
	"2021-12-27": "Christmas Day (substitute day)", "2021-12-28": "Boxing Day (substitute day)",
	"2022-01-03": "New Year's Day (substitute day)", "2022-04-15": "Good Friday", "2022-04-18": "Easter Monday",
	"2022-05-02": "Early May bank holiday", "2022-06-02": "Spring bank holiday",
	"2022-06-03": "Platinum Jubilee bank holiday", "2022-08-29": "Summer bank holiday",
	"2022-09-19": "Bank holiday for the State Funeral of Queen Elizabeth II",
	"2022-12-26": "Boxing Day", "2022-12-27": "Christmas Day (substitute day)",
	"2023-01-02": "New Year's Day (substitute day)", "2023-04-07": "Good Friday", "2023-04-10": "Easter Monday",
	"2023-05-01": "Early May bank holiday", "2023-05-08": "Bank holiday for the coronation of King Charles III",
	"2023-05-29": "Spring bank holiday", "2023-08-28": "Summer bank holiday", "2023-12-25": "Christmas Day",
	"2023-12-26": "Boxing Day",
}

// TestShippedHolidays checks the default calendar year by year: the years
// GOV.UK published are exactly as published (2024 to 2030 as in the file
// Lifeguard used to ship, 2020 to 2023 with their one-off and moved
// holidays), and every later year has the eight usual holidays as an
// independent computation of the rules gives them.
func TestShippedHolidays(t *testing.T) {
	hs, err := DefaultHolidays()
	if err != nil {
		t.Fatal(err)
	}
	byYear := map[int]map[lifeguard.Date]string{}
	for _, h := range hs {
		if byYear[h.Date.Year] == nil {
			byYear[h.Date.Year] = map[lifeguard.Date]string{}
		}
		if prev, dup := byYear[h.Date.Year][h.Date]; dup {
			t.Errorf("%v is listed twice: %q and %q", h.Date, prev, h.Name)
		}
		byYear[h.Date.Year][h.Date] = h.Name
		if wd := h.Date.In(time.UTC).Weekday(); wd == time.Saturday || wd == time.Sunday {
			t.Errorf("%v %s falls on a %v", h.Date, h.Name, wd)
		}
	}
	same := func(year int, want map[lifeguard.Date]string) {
		t.Helper()
		got := byYear[year]
		for d, name := range want {
			if got[d] != name {
				t.Errorf("%v: %q, want %q", d, got[d], name)
			}
		}
		for d, name := range got {
			if _, ok := want[d]; !ok {
				t.Errorf("%v %q is not a bank holiday of %d", d, name, year)
			}
		}
	}

	published, err := os.ReadFile(filepath.Join("testdata", "holidays", "england-and-wales-2024-2030.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	listed, err := ParseHolidays("england-and-wales-2024-2030.yaml", published)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]map[lifeguard.Date]string{}
	add := func(d lifeguard.Date, name string) {
		if want[d.Year] == nil {
			want[d.Year] = map[lifeguard.Date]string{}
		}
		want[d.Year][d] = name
	}
	for _, h := range listed {
		add(h.Date, h.Name)
	}
	for s, name := range published2020to2023 {
		d, err := lifeguard.ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		add(d, name)
	}
	for year := firstRuleYear; year <= 2030; year++ {
		same(year, want[year])
	}
	for year := 2031; year <= lastRuleYear; year++ {
		same(year, expectedHolidays(year))
	}
	if len(byYear[firstRuleYear-1]) != 0 || len(byYear[lastRuleYear+1]) != 0 {
		t.Errorf("holidays outside %d-%d", firstRuleYear, lastRuleYear)
	}
	// Later years spelled out, as a calendar shows them.
	for _, s := range []string{"2026-12-28", "2027-12-27", "2027-12-28", "2028-01-03",
		"2031-01-01", "2031-04-11", "2031-04-14", "2031-05-05", "2031-05-26", "2031-08-25", "2031-12-25", "2031-12-26",
		"2032-03-26", "2032-03-29", "2032-12-27", "2032-12-28", "2033-01-03", "2034-01-02", "2035-03-23", "2035-03-26"} {
		d, _ := lifeguard.ParseDate(s)
		if _, ok := byYear[d.Year][d]; !ok {
			t.Errorf("%s is not a holiday", s)
		}
	}
}

// TestEasterMethodsAgree compares the calendar's Easter with the tests' own,
// computed by another method, over every year the rules are used for.
func TestEasterMethodsAgree(t *testing.T) {
	for year := firstRuleYear; year <= lastRuleYear; year++ {
		if got, want := easterSunday(year), easter(year); !got.Equal(want) {
			t.Errorf("%d: Easter %v, want %v", year, got.Format(time.DateOnly), want.Format(time.DateOnly))
		}
	}
}

func TestParseHolidays(t *testing.T) {
	got, err := ParseHolidays("local.yaml", []byte(`# Local closures
calendar: Exampleshire
holidays:
  - {date: 2026-11-20, name: Partnership training day}
  - date: "2027-06-07"
    name:  Local election day  
`))
	if err != nil {
		t.Fatal(err)
	}
	want := []Holiday{
		{Date: lifeguard.Date{Year: 2026, Month: 11, Day: 20}, Name: "Partnership training day"},
		{Date: lifeguard.Date{Year: 2027, Month: 6, Day: 7}, Name: "Local election day"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", got, want)
	}

	for _, s := range []string{"holidays: []\n", "calendar: x\nholidays: []\n", "holidays:\r\n  - {date: 2026-01-01, name: x}\r\n"} {
		if _, err := ParseHolidays("ok.yaml", []byte(s)); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
}

func TestParseHolidaysErrors(t *testing.T) {
	const head = "calendar: Test\nholidays:\n  - {date: 2026-01-01, name: New Year's Day}\n"
	for _, c := range []struct {
		name, in, want string
	}{
		{"bad date", head + "  - {date: 2026-02-30, name: Nothing}\n", `x.yaml:4: "2026-02-30" is not a date`},
		{"date with a time", head + "  - {date: 2026-02-03T10:00:00Z, name: X}\n", `x.yaml:4: "2026-02-03T10:00:00Z" is not a date`},
		{"short date", head + "  - {date: 2026-2-3, name: X}\n", `x.yaml:4: "2026-2-3" is not a date`},
		{"date on the next line", head + "  - name: X\n    date: 2026-13-01\n", `x.yaml:5: "2026-13-01" is not a date`},
		{"unknown key at the top", head + "region: wales\n", `x.yaml:4: unknown key "region"`},
		{"unknown key in a holiday", head + "  - {date: 2026-01-02, name: X, region: wales}\n", `x.yaml:4: unknown key "region"`},
		{"misspelt key", head + "  - date: 2026-01-02\n    nmae: X\n", `x.yaml:5: unknown key "nmae"`},
		{"no name", head + "  - {date: 2026-01-02}\n", "x.yaml:4: the holiday has no name"},
		{"no date", head + "  - {name: X}\n", "x.yaml:4: the holiday has no date"},
		{"empty name", head + "  - {date: 2026-01-02, name: }\n", "x.yaml:4: name: the value is empty"},
		{"null date", head + "  - {date: ~, name: X}\n", "x.yaml:4: date: the value is empty"},
		{"list as name", head + "  - {date: 2026-01-02, name: [a, b]}\n", "x.yaml:4: name: want a single value"},
		{"key twice in a holiday", head + "  - {date: 2026-01-02, date: 2026-01-03, name: X}\n", `x.yaml:4: "date" is given twice`},
		{"key twice at the top", head + "calendar: Again\n", `x.yaml:4: "calendar" is given twice (first on line 1)`},
		{"date twice", head + "  - {date: 2026-01-01, name: Again}\n", "x.yaml:4: 2026-01-01 is listed twice (first on line 3)"},
		{"holiday not a mapping", head + "  - 2026-01-02\n", "x.yaml:4: a holiday must be a mapping"},
		{"holidays not a list", "calendar: Test\nholidays: 2026-01-01\n", "x.yaml:2: holidays must be a list"},
		{"no holidays", "calendar: Test\n", "x.yaml:1: no holidays list"},
		{"not a mapping", "- 2026-01-01\n", "x.yaml:1: want a mapping"},
		{"calendar is a list", "calendar: [a]\nholidays: []\n", "x.yaml:1: calendar: want a single value"},
		{"empty file", "", "x.yaml:1: the file is empty"},
		{"only comments", "# nothing\n", "x.yaml:1: the file is empty"},
		{"second document", head + "---\nholidays: []\n", "x.yaml:4: a second YAML document"},
		{"alias", "calendar: Test\nholidays:\n  - &h {date: 2026-01-01, name: X}\n  - *h\n", "x.yaml:4: a holiday must be a mapping"},
		{"undefined alias", head + "  - *nowhere\n", "x.yaml:4: unknown anchor 'nowhere' referenced"},
		{"merge key", "calendar: Test\nholidays:\n  - &h {date: 2026-01-01, name: X}\n  - {<<: *h, date: 2026-01-02}\n", `x.yaml:4: unknown key "<<"`},
		// Scanner and parser errors: the YAML module numbers these two ways.
		{"tab indent", head + "\t- {date: 2026-01-02, name: X}\n", "x.yaml:4: found character that cannot start any token"},
		{"unclosed flow mapping", head + "  - {date: 2026-01-02 name: X\n", "x.yaml:4: did not find expected ',' or '}'"},
		{"stray sequence item", "calendar: Test\nholidays: []\nfoo: 1\n- x\n", "x.yaml:4: did not find expected key"},
		{"parser error on line 1", "]\n", "x.yaml:1: did not find expected node content"},
		{"unclosed quote", head + "  - {date: \"2026-01-02, name: X}\n", "x.yaml:4: found unexpected end of stream"},
		{"invalid UTF-8", head + "  - {date: 2026-01-02, name: \xff}\n", "x.yaml:4: the file is not valid UTF-8"},
		{"control character", head + "  - {date: 2026-01-02, name: a\x00b}\n", "x.yaml:4: character U+0000 is not allowed"},
		{"line separator", head + "  - {date: 2026-01-02, name: a\u2028b}\n", "x.yaml:4: character U+2028 is not allowed"},
		{"UTF-16", "\xff\xfec\x00a\x00", "x.yaml:1: the file is not valid UTF-8"},
		{"CR line endings", "calendar: Test\rholidays:\r  - {date: 2026-02-30, name: X}\r", `x.yaml:3: "2026-02-30" is not a date`},
	} {
		t.Run(c.name, func(t *testing.T) {
			hs, err := ParseHolidays("x.yaml", []byte(c.in))
			if err == nil {
				t.Fatalf("no error; got %v", hs)
			}
			if !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("error %q, want it to start %q", err, c.want)
			}
		})
	}
}

var errorLine = regexp.MustCompile(`^fuzz\.yaml:([0-9]+): \S`)

func FuzzParseHolidays(f *testing.F) {
	f.Add(englandAndWales)
	for _, s := range []string{
		"calendar: x\nholidays:\n  - {date: 2026-02-30, name: X}\n",
		"holidays:\n  - date: 2026-01-01\n    name: X\n    extra: 1\n",
		"holidays: [{date: 2026-01-01, name: X}, *a]\n",
		"holidays:\n  - &a {date: 2026-01-01, name: X}\n  - {<<: *a}\n",
		"a: 1\n---\nb: 2\n",
		"holidays:\r\n  - {date: 2026-01-01, name: \"x\ty\"}\r\n",
		"]\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		hs, err := ParseHolidays("fuzz.yaml", data)
		if err != nil {
			m := errorLine.FindStringSubmatch(err.Error())
			if m == nil {
				t.Fatalf("error does not name a line: %q", err)
			}
			// YAML may point just past a final line break, hence the +1.
			n, _ := strconv.Atoi(m[1])
			if last := lineAt(data, len(data)) + 1; n < 1 || n > last {
				t.Fatalf("error names line %d of %d: %q", n, last, err)
			}
			return
		}
		for _, h := range hs {
			if lifeguard.DateOf(h.Date.In(time.UTC)) != h.Date || strings.TrimSpace(h.Name) == "" {
				t.Fatalf("accepted a bad holiday %+v", h)
			}
		}
		if _, err := NewCalendar(time.UTC, Clock{9, 0}, Clock{17, 0}, hs); err != nil {
			t.Fatalf("parsed holidays rejected by NewCalendar: %v", err)
		}
	})
}

// TestShowSaysTheHolidayRules checks that procedure show states the rule
// once and lists only the holidays the rule does not give, not some
// fourteen hundred computed days.
func TestShowSaysTheHolidayRules(t *testing.T) {
	p, err := Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	out, err := p.YAML()
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	if !strings.Contains(s, "bank_holidays: ") || !strings.Contains(s, "coronation of King Charles III") {
		t.Errorf("procedure show lacks the holiday rule or the one-off holidays:\n%.2000s", s)
	}
	if n := strings.Count(s, "\n  - date: "); n > 20 {
		t.Errorf("procedure show lists %d holidays; the usual ones should be stated as a rule", n)
	}
}
