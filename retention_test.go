package lifeguard_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

func TestShippedRetentionSchedule(t *testing.T) {
	s := lifeguard.ShippedRetentionSchedule()
	if r := s.Rule(lifeguard.RetainChildFile); r.UntilAge != 25 || r.Source == "" {
		t.Errorf("child file rule %+v, want until the 25th birthday with a source", r)
	}
	if r := s.Rule(lifeguard.RetainAllegation); r.Years != 10 {
		t.Errorf("allegation rule %+v, want 10 years", r)
	}
}

func TestParseRetentionScheduleProblems(t *testing.T) {
	tests := []struct {
		name, text, path string
	}{
		{"UnknownKind", "# c\n\npupil_file years=3 source=x\n", "line 3: kind"},
		{"UnknownField", "allegation years=3 months=2 source=x\n", "line 1: months"},
		{"NotANumber", "allegation years=ten source=x\n", "line 1: years"},
		{"Negative", "allegation years=-1 source=x\n", "line 1: years"},
		{"TooLong", "allegation years=101 source=x\n", "line 1: years"},
		{"NoSource", "allegation years=10\n", "line 1: source"},
		{"Missing", "child_file until_age=25 source=x\n", "line 1: otherwise_years"},
		{"Twice", "allegation years=10 source=x\nallegation years=12 source=x\n", "line 2: kind"},
		{"FieldTwice", "allegation years=10 years=11 source=x\n", "line 1: years"},
		{"NoValue", "allegation years= source=x\n", "line 1: years"},
		{"MaliciousKept", "allegation_malicious years=1 source=x\n", "line 1: years"},
		{"FilterDaysZero", "filter_record days=0 source=x\n", "line 1: days"},
		{"FilterDaysWords", "filter_record days=a-year source=x\n", "line 1: days"},
		{"CaptureMoved", "capture by=filter-retention source=x\n", "line 1: by"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := lifeguard.ParseRetentionSchedule(strings.NewReader(tc.text))
			var le *lifeguard.Error
			if !errors.As(err, &le) || le.Code != lifeguard.EINVALID {
				t.Fatalf("err %v, want EINVALID", err)
			}
			for _, p := range le.Problems {
				if p.Path == tc.path {
					return
				}
			}
			t.Errorf("problems %+v, want one at %q", le.Problems, tc.path)
		})
	}
}

func TestRetentionAdapt(t *testing.T) {
	local, err := lifeguard.ParseRetentionSchedule(strings.NewReader("allegation years=15 source=local-policy\n"))
	if err != nil {
		t.Fatal(err)
	}
	s := lifeguard.ShippedRetentionSchedule().Adapt(local)
	if r := s.Rule(lifeguard.RetainAllegation); r.Years != 15 || r.Source != "local-policy" {
		t.Errorf("adapted rule %+v", r)
	}
	if r := s.Rule(lifeguard.RetainChildFile); r.UntilAge != 25 {
		t.Errorf("the other rules went: %+v", r)
	}
	referred := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	if got := s.AllegationUntil(referred); !got.Equal(time.Date(2041, 3, 1, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("allegation until %v", got)
	}
}

// TestFilterRecordRule: blocked attempts are kept the rule's days, which a
// local file changes and serve's deprecated --filter-retention overrides
// (0 keeping them for ever).
func TestFilterRecordRule(t *testing.T) {
	s := lifeguard.ShippedRetentionSchedule()
	if keep := s.Rule(lifeguard.RetainFilterRecord).Keep; keep != 365*24*time.Hour {
		t.Errorf("shipped: %v, want 365 days", keep)
	}
	local, err := lifeguard.ParseRetentionSchedule(strings.NewReader("filter_record days=90 source=local-policy\n"))
	if err != nil {
		t.Fatal(err)
	}
	if keep := s.Adapt(local).Rule(lifeguard.RetainFilterRecord).Keep; keep != 90*24*time.Hour {
		t.Errorf("local: %v, want 90 days", keep)
	}
	if keep := s.WithFilterRetention(0).Rule(lifeguard.RetainFilterRecord).Keep; keep != 0 {
		t.Errorf("flag 0: %v, want for ever", keep)
	}
	if keep := s.Rule(lifeguard.RetainFilterRecord).Keep; keep != 365*24*time.Hour {
		t.Errorf("the override changed the schedule it was given: %v", keep)
	}
}

func TestChildFileUntil(t *testing.T) {
	s := lifeguard.ShippedRetentionSchedule()
	closed := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	birth := lifeguard.Date{Year: 2014, Month: 2, Day: 3}
	age := 12
	asOf := lifeguard.Date{Year: 2026, Month: 9, Day: 1}
	tests := []struct {
		name string
		got  *time.Time
		want time.Time
	}{
		{"Birth", s.ChildFileUntil(&birth, nil, nil, closed), time.Date(2039, 2, 3, 0, 0, 0, 0, time.UTC)},
		// The latest birth an age of 12 on 1 September 2026 allows.
		{"Age", s.ChildFileUntil(nil, &age, &asOf, closed), time.Date(2039, 9, 1, 0, 0, 0, 0, time.UTC)},
		{"Neither", s.ChildFileUntil(nil, nil, nil, closed), time.Date(2051, 6, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, tc := range tests {
		if tc.got == nil || !tc.got.Equal(tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	if got := s.ChildFileUntil(nil, nil, nil, time.Time{}); got != nil {
		t.Errorf("nothing known: %v, want no date", got)
	}
}

// TestStatePensionDate checks the table at the edges of its bands.
func TestStatePensionDate(t *testing.T) {
	for _, tc := range []struct{ born, want string }{
		{"1950-07-01", "2015-07-01"}, // 65
		{"1955-01-10", "2021-01-10"}, // 66
		{"1960-04-05", "2026-04-05"}, // 66, the day before the phase-in
		{"1960-04-06", "2026-05-06"}, // 66 and 1 month
		{"1961-03-05", "2028-02-05"}, // 66 and 11 months
		{"1961-03-06", "2028-03-06"}, // 67 from 6 March 1961
		{"1977-04-05", "2044-04-05"}, // 67
		{"1977-04-06", "2045-04-06"}, // 68
		{"1990-01-01", "2058-01-01"}, // 68
	} {
		born, err := lifeguard.ParseDate(tc.born)
		if err != nil {
			t.Fatal(err)
		}
		if got := lifeguard.StatePensionDate(born).String(); got != tc.want {
			t.Errorf("born %s: %s, want %s", tc.born, got, tc.want)
		}
	}
}

// TestShippedScheduleSources: every kind the schedule covers has a shipped
// rule, and each rule's source is a section of docs/retention.md.
func TestShippedScheduleSources(t *testing.T) {
	doc, err := os.ReadFile("docs/retention.md")
	if err != nil {
		t.Fatal(err)
	}
	anchors := map[string]bool{}
	for _, line := range strings.Split(string(doc), "\n") {
		if !strings.HasPrefix(line, "#") {
			continue
		}
		h := strings.ToLower(strings.TrimSpace(strings.TrimLeft(line, "#")))
		anchors[strings.Map(func(r rune) rune {
			switch {
			case r == ' ':
				return '-'
			case r == '-' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
				return r
			}
			return -1
		}, h)] = true
	}
	s := lifeguard.ShippedRetentionSchedule()
	kinds := append([]lifeguard.RetentionKind{lifeguard.RetainChildFile, lifeguard.RetainAllegation,
		lifeguard.RetainAllegationMalicious, lifeguard.RetainTransfer, lifeguard.RetainCapture,
		lifeguard.RetainFilterRecord, lifeguard.RetainSession}, lifeguard.YearsKinds...)
	for _, k := range kinds {
		r := s.Rule(k)
		if r.Line == 0 {
			t.Errorf("%s has no shipped rule", k)
			continue
		}
		if !anchors[r.Source] {
			t.Errorf("%s's source %q is not a section of docs/retention.md", k, r.Source)
		}
	}
}
