package record

import (
	"context"
	"fmt"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// CaptureConcern records a concern from a monitoring capture in one step,
// for the DSL reviewing it (docs/monitor.md): the facts are those the
// capture's category means (lifeguard.MonitorCategory.ConcernType), the
// description is the capture's words with where and when they were typed
// and what matched, and the child is not identified (the monitor knows a
// device and a label, not a child), as for a filter's worry. The procedure
// in force triages it like any concern; the store records it and marks the
// capture a true positive linked to it, in one transaction.
func (rc *Recorder) CaptureConcern(ctx context.Context, id int64) (*lifeguard.Concern, error) {
	c, err := rc.Monitor.Capture(ctx, id)
	if err != nil {
		return nil, err
	}
	setting, err := rc.setting(ctx)
	if err != nil {
		return nil, err
	}
	f := CaptureFacts(c, rc.Now(), setting)
	vf, err := f.Check()
	if err != nil {
		return nil, err
	}
	t, err := rc.Triager.TriageValid(ctx, vf)
	if err != nil {
		return nil, err
	}
	return rc.Monitor.RecordCaptureConcern(ctx, id, lifeguard.NewConcern{Valid: vf, Triage: *t})
}

// CaptureFacts are the facts of a concern from capture c, reported at now
// in an organisation of setting.
func CaptureFacts(c *lifeguard.Capture, now time.Time, setting lifeguard.Setting) lifeguard.Facts {
	now = now.UTC().Truncate(time.Microsecond)
	who := "the device " + c.Device
	if c.User != "" {
		who += " (" + c.User + ")"
	}
	rule := ""
	for _, m := range c.Matches {
		if m.EntryID == c.EntryID && m.Rule != "" {
			rule = ", lowered by the rule " + m.Rule
		}
	}
	desc := fmt.Sprintf("From the school's monitoring: on %s, %s %s this on %s:\n\n“%s”\n\n"+
		"It matched “%s” (entry %s: %s, severity %d%s). The child is not identified yet: once you know who it is, "+
		"change the facts to describe them; the triage then runs again with the child's age.",
		c.Time.UTC().Format("2 January 2006 15:04 MST"), who, c.Kind.Label(), c.Site, c.Context, c.Phrase, c.EntryID,
		c.Category.Label(), c.Severity, rule)
	f := lifeguard.Facts{ReportedAt: now, Setting: setting, Description: desc,
		ConcernTypes: []lifeguard.ConcernType{c.Category.ConcernType()}, ChildUnidentified: true}
	switch c.Category {
	case "cse_grooming":
		// Who the child was writing to is unknown; the procedure counts an
		// unknown contact as an adult for the child's safety.
		f.Parties.UnknownInvolved = true
	}
	if at := c.Time.UTC(); !at.After(now) {
		f.OccurredAt = &at
	}
	return f
}
