package lifeguard

import (
	"strings"
	"testing"
)

func TestAddCalendarMonths(t *testing.T) {
	for _, tc := range []struct {
		from   string
		months int
		want   string
	}{
		{"2026-03-14", 1, "2026-04-14"},
		{"2026-01-31", 1, "2026-02-28"},
		{"2028-01-31", 1, "2028-02-29"},
		{"2026-08-31", 1, "2026-09-30"},
		{"2026-12-15", 1, "2027-01-15"},
		{"2026-11-30", 3, "2027-02-28"},
	} {
		from, err := ParseDate(tc.from)
		if err != nil {
			t.Fatal(err)
		}
		if got := AddCalendarMonths(from, tc.months); got.String() != tc.want {
			t.Errorf("%s + %d months = %s, want %s", tc.from, tc.months, got, tc.want)
		}
	}
}

func TestBundleRedact(t *testing.T) {
	yes, no := true, false
	b := SubjectAccessBundle{Items: []BundleItem{{Title: "Note", By: "Sam TEACHER",
		Text: "Robin Quill said sam teacher saw Ash Lowther; ROBIN QUILL left.",
		Mentions: []Mention{{Key: "child:robin quill", Name: "Robin Quill", Kind: "child", Redact: &yes},
			{Key: "staff:sam teacher", Name: "Sam Teacher", Kind: "staff"},
			{Key: "child:ash lowther", Name: "Ash Lowther", Kind: "child", Redact: &no}}}}}
	b.Redact()
	it := b.Items[0]
	if strings.Contains(strings.ToLower(it.Text+it.By), "robin") || strings.Contains(strings.ToLower(it.Text+it.By), "sam") {
		t.Errorf("a redacted name is left: %q by %q", it.Text, it.By)
	}
	if !strings.Contains(it.Text, "Ash Lowther") || it.By != RedactionMark || !b.Disclosed {
		t.Errorf("text %q by %q disclosed %v", it.Text, it.By, b.Disclosed)
	}
	if it.Mentions[0].Name != "" || it.Mentions[2].Name != "Ash Lowther" {
		t.Errorf("mentions after redaction: %+v", it.Mentions)
	}
}

func TestErasureRefused(t *testing.T) {
	if !ErasureRefused(TargetChildFile, true) || !ErasureRefused(TargetConcern, false) || ErasureRefused(TargetConcern, true) ||
		ErasureRefused(TargetPreferences, false) {
		t.Error("the safeguarding records are not the ones refused")
	}
	r := DataRequest{Kind: RequestErase, Target: TargetChildFile, Outcome: OutcomeRefused, Basis: ErasureRefusalBasis,
		RequesterName: "Ms Parent", DecisionReason: "The file is kept by law."}
	if l := r.Letter("Riverside Academy"); !strings.Contains(l, "17(3)(b)") || !strings.Contains(l, "Schedule 1") ||
		!strings.Contains(l, "Dear Ms Parent") {
		t.Errorf("letter:\n%s", l)
	}
}
