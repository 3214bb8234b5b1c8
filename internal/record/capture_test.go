package record_test

import (
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/procedure"
	"github.com/lifeguard-scp/lifeguard/internal/record"
)

// TestCaptureFactsEveryCategory checks that a capture of every category
// makes facts that pass the schema's checks and that the default
// procedure triages, so that "record a concern from this capture" works
// whatever matched.
func TestCaptureFactsEveryCategory(t *testing.T) {
	proc, err := procedure.Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 18, 10, 0, 0, 0, time.UTC)
	for _, cat := range lifeguard.MonitorCategories() {
		t.Run(string(cat), func(t *testing.T) {
			c := &lifeguard.Capture{Time: now.Add(-time.Hour), Kind: lifeguard.CaptureTyped, Site: "chat.example.org",
				Device: "laptop-17", User: "9B", Context: "some words", Category: cat, Severity: 4, EntryID: "x-1",
				Phrase: "words"}
			f := record.CaptureFacts(c, now, "school")
			vf, err := f.Check()
			if err != nil {
				t.Fatalf("facts: %v", err)
			}
			if f.ConcernTypes[0] != cat.ConcernType() || f.OccurredAt == nil {
				t.Errorf("facts %+v", f)
			}
			tr, err := proc.TriageValid(t.Context(), vf)
			if err != nil || len(tr.Routes) == 0 {
				t.Errorf("triage: %v, %v", tr, err)
			}
		})
	}
}
