package lifeguard

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func paths(ps []Problem) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Path
	}
	slices.Sort(out)
	return out
}

func TestValidate(t *testing.T) {
	age := func(n int) *int { return &n }
	valid := func() *Facts {
		return &Facts{
			ReportedAt:   time.Date(2026, 11, 18, 10, 0, 0, 0, time.UTC),
			Setting:      "school",
			ConcernTypes: []ConcernType{"grooming"},
			Child:        &ChildFacts{Age: age(12)},
		}
	}
	tests := []struct {
		name string
		edit func(f *Facts)
		want []string
	}{
		{"valid", func(f *Facts) {}, nil},
		{"nothing", func(f *Facts) { *f = Facts{} }, []string{"concern_types", "reported_at", "setting"}},
		{"unknown codes", func(f *Facts) {
			f.Setting, f.ChildRole, f.Risk.SignificantHarm = "pub", "bystander", "maybe"
			f.ConcernTypes = []ConcernType{"grooming", "sexting", "grooming"}
			f.Child.Vulnerabilities = []Vulnerability{"tall"}
		}, []string{"child.vulnerabilities[0]", "child_role", "concern_types[1]", "concern_types[2]", "risk.significant_harm", "setting"}},
		{"empty concern types", func(f *Facts) { f.ConcernTypes = []ConcernType{} }, []string{"concern_types"}},
		{"adult", func(f *Facts) { f.Child.Age = age(18) }, []string{"child.age"}},
		{"both age and date of birth", func(f *Facts) { f.Child.DateOfBirth = &Date{2014, 1, 1} }, []string{"child"}},
		{"date of birth not a day", func(f *Facts) { f.Child = &ChildFacts{DateOfBirth: &Date{2014, 2, 30}} }, []string{"child.date_of_birth"}},
		{"text too long and not UTF-8", func(f *Facts) {
			f.Description = strings.Repeat("x", MaxDescription+1)
			f.Details.Platform = "\xff"
		}, []string{"description", "details.platform"}},
		{"no child", func(f *Facts) { f.Child = nil }, []string{"child"}},
		{"occurred after reported", func(f *Facts) { t := f.ReportedAt.Add(time.Second); f.OccurredAt = &t }, []string{"occurred_at"}},
		{"witness to their own image", func(f *Facts) { f.ChildRole = "witness"; f.Images.SelfGenerated = true }, []string{"child_role"}},
		{"staff flag without staff_conduct", func(f *Facts) { f.Staff.PrivateContact = true }, []string{"staff"}},
		// A struct cannot say "false" apart from "not given".
		{"parties all false", func(f *Facts) { f.Parties = Parties{} }, nil},
	}
	for _, tt := range tests {
		f := valid()
		tt.edit(f)
		got := paths(f.Validate())
		if want := slices.Sorted(slices.Values(tt.want)); !slices.Equal(got, want) {
			t.Errorf("%s: problem paths = %q, want %q", tt.name, got, want)
		}
	}
}
