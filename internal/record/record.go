// Package record is the one place a concern is recorded: the report form,
// the API, a child's worry sent by the DNS filter, a DSL's change of the
// facts and the demo seed all come here, so that "take the setting from the
// organisation, triage with the procedure in force, create" is written once.
//
// It sits beside procedure and report, above the root package: it knows the
// procedure only as a lifeguard.Triager and the stores only by their
// interfaces, which keeps the root package to the domain and leaves the
// root free of internal/procedure.
//
// The facts are checked once on each path: by the API's JSON decoder
// (factsjson.DecodeValidFacts), or here (lifeguard.Facts.Check) for facts
// built in code. Either gives a lifeguard.ValidFacts, the proof that the
// triager (TriageValid) and the store (NewConcern.Valid, UpdateValidFacts)
// take in place of checking again. Their entry points for facts without
// the proof keep checking, for any other caller.
package record

import (
	"context"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// Recorder records concerns through the stores, which enforce access from
// the actor in the context and journal every write. Concerns and Triager
// are needed by every operation, Orgs by a report that takes the setting
// from the organisation and by a worry, Filter and Now by a worry.
type Recorder struct {
	Concerns lifeguard.ConcernStore
	// Orgs gives the reporter's organisation, whose setting a report form
	// and a filter's worry do not carry.
	Orgs   lifeguard.OrgStore
	Filter lifeguard.FilterStore
	// Monitor is needed by a concern from a monitoring capture.
	Monitor lifeguard.MonitorStore
	Triager lifeguard.Triager
	// Now is the server's clock: the time a filter's worry is reported.
	Now func() time.Time
}

// Report is a new concern as a caller has read it.
type Report struct {
	// Facts are checked here; Valid, facts the caller has had checked
	// already (the API's decoder), is given in place of them.
	Facts lifeguard.Facts
	Valid lifeguard.ValidFacts
	// ChildID links a child already recorded; ChildRef names a new one.
	ChildID  int64
	ChildRef string
	// ChildLegalForename, ChildLegalSurname and DifferentChild name a new
	// child and confirm it is not one on record: see lifeguard.NewConcern.
	ChildLegalForename, ChildLegalSurname string
	DifferentChild                        bool
	// SettingFromOrganisation takes the facts' setting from the reporter's
	// organisation, for a caller that does not ask for it (the report form);
	// an API client and the demo give it in the facts.
	SettingFromOrganisation bool
	// Key, when not nil, makes the report idempotent: the same key again
	// gives back the concern recorded the first time (replayed).
	Key *lifeguard.ConcernKey
}

// Concern records a report as a new concern: the setting from the
// organisation when asked, the triage of the procedure in force, then the
// store. Invalid facts give an EINVALID error, with every problem, and
// nothing is stored.
func (rc *Recorder) Concern(ctx context.Context, in Report) (c *lifeguard.Concern, replayed bool, err error) {
	vf := in.Valid
	if !vf.IsZero() && !in.Facts.IsZero() {
		return nil, false, lifeguard.Invalid("invalid concern", []lifeguard.Problem{{Path: "facts",
			Problem: "give the facts or the checked facts, not both"}})
	}
	// The organisation's setting changes the facts, so they are checked
	// with it, even if they were checked before without it.
	if vf.IsZero() || in.SettingFromOrganisation {
		f := in.Facts
		if !vf.IsZero() {
			f = vf.Facts()
		}
		if in.SettingFromOrganisation {
			if f.Setting, err = rc.setting(ctx); err != nil {
				return nil, false, err
			}
		}
		if vf, err = f.Check(); err != nil {
			return nil, false, err
		}
	}
	t, err := rc.Triager.TriageValid(ctx, vf)
	if err != nil {
		return nil, false, err
	}
	nc := lifeguard.NewConcern{Valid: vf, Triage: *t, ChildID: in.ChildID, ChildRef: in.ChildRef,
		ChildLegalForename: in.ChildLegalForename, ChildLegalSurname: in.ChildLegalSurname, DifferentChild: in.DifferentChild}
	if in.Key != nil {
		return rc.Concerns.CreateConcernOnce(ctx, *in.Key, nc)
	}
	c, err = rc.Concerns.CreateConcern(ctx, nc)
	return c, false, err
}

// setting is the kind of organisation the actor works in.
func (rc *Recorder) setting(ctx context.Context) (lifeguard.Setting, error) {
	a := lifeguard.ActorFrom(ctx)
	if a == nil {
		return "", lifeguard.Errorf(lifeguard.EUNAUTHORIZED, "Sign in to record a concern.")
	}
	org, err := rc.Orgs.Organisation(ctx, a.OrganisationID)
	if err != nil {
		return "", err
	}
	return org.Setting, nil
}

// ChangeFacts replaces the facts of concern id and works its routes out
// again under the procedure in force; decisions already made stay (see
// lifeguard.ConcernStore.UpdateFacts). Invalid facts give an EINVALID
// error and change nothing.
func (rc *Recorder) ChangeFacts(ctx context.Context, id int64, f lifeguard.Facts) (*lifeguard.Concern, error) {
	vf, err := f.Check()
	if err != nil {
		return nil, err
	}
	return rc.ChangeValidFacts(ctx, id, vf)
}

// ChangeValidFacts is ChangeFacts for facts already checked (the API's
// decoder), which are not checked again.
func (rc *Recorder) ChangeValidFacts(ctx context.Context, id int64, f lifeguard.ValidFacts) (*lifeguard.Concern, error) {
	t, err := rc.Triager.TriageValid(ctx, f)
	if err != nil {
		return nil, err
	}
	return rc.Concerns.UpdateValidFacts(ctx, id, f, *t)
}

// FilterWorry records a child's worry, sent from the DNS filter's block
// page, as a concern of the filter's organisation (docs/filter-server.md).
// The child is not identified: the facts have no child and say so, the
// concern types and flags are those of what the child chose the worry is
// about (lifeguard.WorryAbout; "other" for "something else", when the
// child's words say what it is), the description is the child's words, and
// the procedure in force triages it like any concern. A worry whose id was received before gives back its
// concern (Created false).
func (rc *Recorder) FilterWorry(ctx context.Context, in lifeguard.NewFilterWorry) (*lifeguard.FilterWorryReceipt, error) {
	now := rc.Now()
	if ps := in.Validate(now); len(ps) > 0 {
		return nil, lifeguard.Invalid("The worry is not valid", ps)
	}
	setting, err := rc.setting(ctx)
	if err != nil {
		return nil, err
	}
	f := lifeguard.Facts{ReportedAt: now.UTC().Truncate(time.Microsecond), Setting: setting, Description: in.Description(),
		ChildUnidentified: true}
	in.SetFacts(&f)
	// When it happened is the filter's clock; a time a little ahead of the
	// server's cannot be "after the report", so it is left out, not moved.
	if at := in.Time.UTC(); !at.After(f.ReportedAt) {
		f.OccurredAt = &at
	}
	vf, err := f.Check()
	if err != nil {
		return nil, err
	}
	t, err := rc.Triager.TriageValid(ctx, vf)
	if err != nil {
		return nil, err
	}
	return rc.Filter.RecordFilterWorry(ctx, in, lifeguard.NewConcern{Valid: vf, Triage: *t})
}
