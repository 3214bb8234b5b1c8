package record_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/factsjson"
	"github.com/lifeguard-scp/lifeguard/internal/record"
)

// checks records which entry points of the triager and the stores the
// recorder used: those that check the facts again (unchecked) or those
// that take the proof, and which proofs they were given. Everything is
// passed on to the real procedure and store.
type checks struct {
	unchecked int
	proofs    []lifeguard.ValidFacts
}

func (c *checks) took(f lifeguard.ValidFacts) { c.proofs = append(c.proofs, f) }

// newConcern notes how a new concern's facts came: as proof alone, or
// given to be checked.
func (c *checks) newConcern(nc *lifeguard.NewConcern) {
	if nc.Valid.IsZero() || !nc.Facts.IsZero() {
		c.unchecked++
		return
	}
	c.took(nc.Valid)
}

type spyTriager struct {
	lifeguard.Triager
	*checks
}

func (s spyTriager) Triage(ctx context.Context, f *lifeguard.Facts) (*lifeguard.Triage, error) {
	s.unchecked++
	return s.Triager.Triage(ctx, f)
}

func (s spyTriager) TriageValid(ctx context.Context, f lifeguard.ValidFacts) (*lifeguard.Triage, error) {
	s.took(f)
	return s.Triager.TriageValid(ctx, f)
}

type spyConcerns struct {
	lifeguard.ConcernStore
	*checks
}

func (s spyConcerns) CreateConcern(ctx context.Context, in lifeguard.NewConcern) (*lifeguard.Concern, error) {
	s.newConcern(&in)
	return s.ConcernStore.CreateConcern(ctx, in)
}

func (s spyConcerns) CreateConcernOnce(ctx context.Context, key lifeguard.ConcernKey, in lifeguard.NewConcern) (*lifeguard.Concern, bool, error) {
	s.newConcern(&in)
	return s.ConcernStore.CreateConcernOnce(ctx, key, in)
}

func (s spyConcerns) UpdateFacts(ctx context.Context, id int64, f lifeguard.Facts, t lifeguard.Triage) (*lifeguard.Concern, error) {
	s.unchecked++
	return s.ConcernStore.UpdateFacts(ctx, id, f, t)
}

func (s spyConcerns) UpdateValidFacts(ctx context.Context, id int64, f lifeguard.ValidFacts, t lifeguard.Triage) (*lifeguard.Concern, error) {
	s.took(f)
	return s.ConcernStore.UpdateValidFacts(ctx, id, f, t)
}

type spyFilter struct {
	lifeguard.FilterStore
	*checks
}

func (s spyFilter) RecordFilterWorry(ctx context.Context, in lifeguard.NewFilterWorry, nc lifeguard.NewConcern) (*lifeguard.FilterWorryReceipt, error) {
	s.newConcern(&nc)
	return s.FilterStore.RecordFilterWorry(ctx, in, nc)
}

// spy puts the fixture's recorder behind the spies.
func (f *fixture) spy() *checks {
	c := &checks{}
	f.rec = &record.Recorder{Concerns: spyConcerns{f.db, c}, Orgs: f.db, Filter: spyFilter{f.db, c},
		Triager: spyTriager{f.proc, c}, Now: f.rec.Now}
	return c
}

// once asserts that the triager and the store were each given the same
// proof, want when not zero, and never facts to check again: the facts were
// checked once, where the proof was made.
func (c *checks) once(t *testing.T, want lifeguard.ValidFacts) {
	t.Helper()
	if c.unchecked != 0 {
		t.Errorf("%d calls to an entry point that checks the facts again, want none", c.unchecked)
	}
	if len(c.proofs) != 2 || c.proofs[0] != c.proofs[1] || c.proofs[0].IsZero() {
		t.Fatalf("proofs %v: want one proof, given to the triager and then the store", c.proofs)
	}
	if !want.IsZero() && c.proofs[0] != want {
		t.Error("the recorder made a proof of its own: the facts the decoder checked were checked again")
	}
}

// decode is the API's reading of a report: the decoder checks the facts.
func (f *fixture) decode(t *testing.T, body string) lifeguard.ValidFacts {
	t.Helper()
	vf, err := factsjson.DecodeValidFacts([]byte(body), factsjson.DecodeOptions{ReportedAt: f.now})
	if err != nil {
		t.Fatal(err)
	}
	return vf
}

const groomingJSON = `{"setting":"school","child":{"age":13},"child_role":"victim","concern_types":["grooming"],"parties":{"unknown_involved":true}}`

// names reports whether err is EINVALID with a problem naming path.
func names(err error, path string) bool {
	e, ok := err.(*lifeguard.Error)
	return ok && e.Code == lifeguard.EINVALID && slices.ContainsFunc(e.Problems, func(p lifeguard.Problem) bool { return p.Path == path })
}

func TestFactsCheckedOnce(t *testing.T) {
	t.Run("API report: the decoder's check only", func(t *testing.T) {
		f := newFixture(t)
		c := f.spy()
		vf := f.decode(t, groomingJSON)
		if _, _, err := f.rec.Concern(f.staff, record.Report{Valid: vf, Key: &lifeguard.ConcernKey{Key: "api:1"}}); err != nil {
			t.Fatal(err)
		}
		c.once(t, vf)
	})
	t.Run("form report: one check, with the organisation's setting", func(t *testing.T) {
		f := newFixture(t)
		c := f.spy()
		if _, _, err := f.rec.Concern(f.staff, record.Report{Facts: f.grooming(), SettingFromOrganisation: true}); err != nil {
			t.Fatal(err)
		}
		c.once(t, lifeguard.ValidFacts{})
		if got := c.proofs[0].Facts().Setting; got != f.org.Setting {
			t.Errorf("checked facts have setting %q, want the organisation's %q", got, f.org.Setting)
		}
	})
	t.Run("demo report: one check", func(t *testing.T) {
		f := newFixture(t)
		c := f.spy()
		in := f.grooming()
		in.Setting = "school"
		if _, _, err := f.rec.Concern(f.staff, record.Report{Facts: in}); err != nil {
			t.Fatal(err)
		}
		c.once(t, lifeguard.ValidFacts{})
	})
	t.Run("changed facts: one check from a form, the decoder's from the API", func(t *testing.T) {
		f := newFixture(t)
		made, _, err := f.rec.Concern(f.staff, record.Report{Facts: f.grooming(), SettingFromOrganisation: true})
		if err != nil {
			t.Fatal(err)
		}
		c := f.spy()
		nf := made.Facts
		nf.ConcernTypes = []lifeguard.ConcernType{"sextortion"}
		if _, err := f.rec.ChangeFacts(f.dsl, made.ID, nf); err != nil {
			t.Fatal(err)
		}
		c.once(t, lifeguard.ValidFacts{})

		c = f.spy()
		vf, err := factsjson.DecodeValidFacts([]byte(groomingJSON), factsjson.DecodeOptions{ReportedAt: made.Facts.ReportedAt})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.rec.ChangeValidFacts(f.dsl, made.ID, vf); err != nil {
			t.Fatal(err)
		}
		c.once(t, vf)
	})
	t.Run("worry: one check", func(t *testing.T) {
		f := newFixture(t)
		c := f.spy()
		if _, err := f.rec.FilterWorry(f.guard, f.worry()); err != nil {
			t.Fatal(err)
		}
		c.once(t, lifeguard.ValidFacts{})
	})
}

func (f *fixture) worry() lifeguard.NewFilterWorry {
	return lifeguard.NewFilterWorry{FilterAttempt: lifeguard.FilterAttempt{ID: "00000000-0000-4000-8000-000000000002",
		Time: f.now.Add(-time.Minute), Client: "10.0.0.8", Group: "students", Name: "example.com", Category: "gambling"},
		Text: "Someone keeps messaging me."}
}

func TestInvalidFactsRefusedOnEveryPath(t *testing.T) {
	f := newFixture(t)
	bad := f.grooming()
	bad.ConcernTypes = nil

	t.Run("API", func(t *testing.T) {
		_, err := factsjson.DecodeValidFacts([]byte(`{"setting":"school","child":{"age":13},"concern_types":[]}`),
			factsjson.DecodeOptions{ReportedAt: f.now})
		if !names(err, "concern_types") {
			t.Fatalf("err %v, want EINVALID naming concern_types", err)
		}
	})
	t.Run("form", func(t *testing.T) {
		_, _, err := f.rec.Concern(f.staff, record.Report{Facts: bad, SettingFromOrganisation: true})
		if !names(err, "concern_types") {
			t.Fatalf("err %v, want EINVALID naming concern_types", err)
		}
	})
	t.Run("demo", func(t *testing.T) {
		in := bad
		in.Setting = "nowhere"
		_, _, err := f.rec.Concern(f.staff, record.Report{Facts: in})
		if !names(err, "concern_types") || !names(err, "setting") {
			t.Fatalf("err %v, want EINVALID naming concern_types and setting", err)
		}
	})
	t.Run("API report given facts both ways", func(t *testing.T) {
		_, _, err := f.rec.Concern(f.staff, record.Report{Facts: f.grooming(), Valid: f.decode(t, groomingJSON)})
		if !names(err, "facts") {
			t.Fatalf("err %v, want EINVALID naming facts", err)
		}
	})
	t.Run("worry", func(t *testing.T) {
		w := f.worry()
		w.Text = " "
		_, err := f.rec.FilterWorry(f.guard, w)
		if !names(err, "text") {
			t.Fatalf("err %v, want EINVALID naming text", err)
		}
	})
	if n := f.concerns(t); n != 0 {
		t.Errorf("%d concerns stored, want none", n)
	}

	// The entry points that take no proof still check, for any other caller.
	t.Run("the triager without proof", func(t *testing.T) {
		if _, err := f.proc.Triage(t.Context(), &bad); !names(err, "concern_types") {
			t.Fatalf("err %v, want EINVALID naming concern_types", err)
		}
		if _, err := f.proc.TriageValid(t.Context(), lifeguard.ValidFacts{}); lifeguard.ErrorCode(err) != lifeguard.EINVALID {
			t.Fatalf("err %v, want EINVALID for no proof", err)
		}
	})
	t.Run("the store without proof", func(t *testing.T) {
		good := f.grooming()
		good.Setting = "school"
		tr, err := f.proc.Triage(t.Context(), &good)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.CreateConcern(f.staff, lifeguard.NewConcern{Facts: bad, Triage: *tr}); !names(err, "concern_types") {
			t.Fatalf("CreateConcern: err %v, want EINVALID naming concern_types", err)
		}
		vf, err := good.Check()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.CreateConcern(f.staff, lifeguard.NewConcern{Facts: good, Valid: vf, Triage: *tr}); !names(err, "facts") {
			t.Fatalf("CreateConcern with both: err %v, want EINVALID naming facts", err)
		}
		c, err := f.db.CreateConcern(f.staff, lifeguard.NewConcern{Valid: vf, Triage: *tr})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.UpdateFacts(f.dsl, c.ID, bad, *tr); !names(err, "concern_types") {
			t.Fatalf("UpdateFacts: err %v, want EINVALID naming concern_types", err)
		}
		if _, err := f.db.UpdateValidFacts(f.dsl, c.ID, lifeguard.ValidFacts{}, *tr); !names(err, "facts") {
			t.Fatalf("UpdateValidFacts without proof: err %v, want EINVALID naming facts", err)
		}
	})
}
