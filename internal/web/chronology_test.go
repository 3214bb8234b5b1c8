package web

import (
	"testing"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/procedure"
)

func TestChronologyInWords(t *testing.T) {
	p, err := procedure.Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		kind, summary, want string
	}{
		{lifeguard.ChronDecision, "POLICE_101 done (reference POL-1): Reported by phone", "Report to the police on 101: Done (reference POL-1): Reported by phone"},
		{lifeguard.ChronDecision, "INFORM_PARENTS declined: Parents pose a risk", "Tell parents or carers: Declined: Parents pose a risk"},
		{lifeguard.ChronDecision, "PROPOSED_DECISION accepted: No referral needed", "Proposed decision: Confirmed: No referral needed"},
		{lifeguard.ChronClosed, "Closed: referred_police. Referred and supported.", "Closed: Referred to the police. Referred and supported."},
		{lifeguard.ChronReported, "Concern reported: grooming, sextortion", "Concern reported: Grooming; Sextortion"},
		{lifeguard.ChronNote, "Note: spoke to the child", "Note: spoke to the child"},
	}
	for _, c := range cases {
		if got := chronologySummary(p, lifeguard.ChronologyEntry{Kind: c.kind, Summary: c.summary}); got != c.want {
			t.Errorf("%s %q:\n got %q\nwant %q", c.kind, c.summary, got, c.want)
		}
	}
}
