package storetest

import (
	"bytes"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/sqltest"
)

// JournalSeal runs the tests of the journal's sealed head on stores opened
// with a journal key, which it sets in the Config it gives open.
//
// The attack they reproduce: someone with write access to the database
// but not the key deletes the newest entries and points the head row at
// the last one left. The chain that remains is whole, so without the seal
// journal verify passed it.
func JournalSeal(t *testing.T, engine sqltest.Engine) {
	open := opener(engine)
	key := bytes.Repeat([]byte{7}, sqlstore.JournalKeySize)
	keyed := func(t *testing.T, cfg sqlstore.Config) *sqlstore.DB {
		cfg.JournalKey = key
		return open(t, cfg)
	}
	// build seals a new journal (entry 1) and records three concerns, each
	// read once: a child, a concern and a read each, entries 2 to 10.
	build := func(t *testing.T) *fixture {
		f := newFixture(t, keyed)
		head, rep, err := f.db.SealJournal(sys(t.Context()))
		if err != nil || rep.FirstBroken != 0 || head != 1 {
			t.Fatalf("sealing a new journal: head %d, %+v, %v", head, rep, err)
		}
		for range 3 {
			c := f.report(t, f.staff)
			if _, err := f.db.Concern(as(t.Context(), f.dsl), c.ID); err != nil {
				t.Fatal(err)
			}
		}
		return f
	}
	type stmt struct {
		q    string
		args []any
	}
	cut := func(after int64) stmt { return stmt{`DELETE FROM journal WHERE seq > ?`, []any{after}} }
	rewind := func(to int64) stmt {
		return stmt{`UPDATE journal_head SET seq = ?, hash = (SELECT hash FROM journal WHERE seq = ?) WHERE id = 1`,
			[]any{to, to}}
	}
	tests := []struct {
		name    string
		tamper  []stmt
		first   int64
		problem string
		// headUnsealed: the head no longer carries its seal, so the store
		// must refuse to append to it.
		headUnsealed bool
	}{
		{"intact", nil, 0, "", false},
		{"newest cut off, head rewound", []stmt{cut(7), rewind(7)}, 8, "cut off", true},
		{"newest cut off, head rewound, seal cleared", []stmt{cut(7), rewind(7),
			{`UPDATE journal_head SET seal = '' WHERE id = 1`, nil}}, 8, "not sealed", true},
		{"all cut off, head emptied", []stmt{cut(0),
			{`UPDATE journal_head SET seq = 0, hash = '', seal = '' WHERE id = 1`, nil}}, 1, "not sealed", true},
		{"newest cut off, head left", []stmt{cut(7)}, 8, "entry 8 is missing", false},
		{"middle entry changed", []stmt{{`UPDATE journal SET detail = 'ids=' WHERE seq = ?`, []any{5}}}, 5, "changed", false},
		{"head moved back one", []stmt{rewind(9)}, 10, "past the journal's head", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := build(t)
			r, err := f.db.VerifyJournal(sys(t.Context()))
			if err != nil {
				t.Fatal(err)
			}
			if r.FirstBroken != 0 || r.Entries != 10 || r.Head != 10 || !r.Sealed {
				t.Fatalf("before tampering: %+v, want 10 whole entries under a sealed head", r)
			}
			for _, st := range tc.tamper {
				if err := f.db.UncheckedExec(t.Context(), st.q, st.args...); err != nil {
					t.Fatal(err)
				}
			}
			r, err = f.db.VerifyJournal(sys(t.Context()))
			if err != nil {
				t.Fatal(err)
			}
			if r.FirstBroken != tc.first || !strings.Contains(r.Problem, tc.problem) {
				t.Fatalf("report %+v, want first broken %d (%q)", r, tc.first, tc.problem)
			}
			if !tc.headUnsealed {
				return
			}
			// The next write must not seal the shortened journal and so
			// make it whole again: the store refuses to append to it.
			_, err = f.db.CreateConcern(as(t.Context(), f.staff), lifeguard.NewConcern{Facts: facts(f.now()),
				Triage: f.defaultTriage()})
			if err == nil {
				t.Fatal("a concern was recorded on a tampered journal")
			}
			if !strings.Contains(err.Error(), "journal verify") {
				t.Errorf("recording on a tampered journal: %v, want it to name journal verify", err)
			}
			if r2, err := f.db.VerifyJournal(sys(t.Context())); err != nil || r2.FirstBroken != tc.first {
				t.Errorf("after a refused write: %+v, %v; want first broken %d still", r2, err, tc.first)
			}
			// Sealing again, the operator's explicit act, refuses a chain
			// with a changed or missing entry, and seals one that is whole
			// but was cut short (after the operator has read the report).
			_, rep, err := f.db.SealJournal(sys(t.Context()))
			if err != nil {
				t.Fatal(err)
			}
			chainBroken := strings.Contains(tc.problem, "past")
			if chainBroken != (rep.FirstBroken != 0) {
				t.Errorf("sealing after %q: %+v", tc.name, rep)
			}
		})
	}

	t.Run("only administrators seal", func(t *testing.T) {
		f := build(t)
		if _, _, err := f.db.SealJournal(as(t.Context(), f.dsl)); lifeguard.ErrorCode(err) != lifeguard.EFORBIDDEN {
			t.Fatalf("a DSL sealing the journal: %v, want forbidden", err)
		}
	})

	t.Run("sealing is journalled", func(t *testing.T) {
		f := build(t)
		es := journalAfter(t, f.db, 0)
		if len(es) == 0 || es[0].Record != "journal" || es[0].Action != "seal" ||
			es[0].Detail != "key="+sqlstore.KeyFingerprint(key) {
			t.Fatalf("first entry %+v, want the seal with the key's fingerprint", es[0])
		}
	})

	t.Run("a new journal must be sealed before it is written", func(t *testing.T) {
		f := newFixture(t, keyed)
		_, err := f.db.CreateConcern(as(t.Context(), f.staff), lifeguard.NewConcern{Facts: facts(f.now()),
			Triage: f.defaultTriage()})
		if err == nil {
			t.Fatal("a keyed store appended to a journal never sealed")
		}
		hasSeal, matches, err := f.db.JournalHeadSealed(t.Context())
		if err != nil || hasSeal || matches {
			t.Fatalf("head of a new journal: sealed %v, matches %v, %v", hasSeal, matches, err)
		}
	})
}
