package storetest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
)

// testMigrations checks that migrating is idempotent and that a database
// newer than the binary is refused.
func testMigrations(t *testing.T, open Opener) {
	db, _ := openOnClock(t, open)
	ctx := sys(t.Context())
	current, latest, err := db.MigrationStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if current != 0 || latest < 1 {
		t.Fatalf("fresh database: current %d, latest %d", current, latest)
	}
	for range 2 {
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		current, latest, err = db.MigrationStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if current != latest {
			t.Fatalf("after Migrate: current %d, latest %d", current, latest)
		}
	}
	// The store works after migrating twice.
	if _, err := db.CreatePartnership(ctx, "P"); err != nil {
		t.Fatal(err)
	}

	// A newer binary has migrated this database: this one must not touch it.
	if err := db.UncheckedExec(t.Context(), `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`,
		latest+1, 0); err != nil {
		t.Fatal(err)
	}
	wantCode(t, db.Migrate(ctx), lifeguard.ECONFLICT)
	current, _, err = db.MigrationStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if current != latest+1 {
		t.Errorf("status of the newer database: %d, want %d", current, latest+1)
	}
}

// testJournalCounts checks that each read and write of a concern or a child
// appends exactly its entries, naming the actor, and that a refused or
// invalid call appends none.
func testJournalCounts(t *testing.T, open Opener) {
	f := newFixture(t, open)
	staff, dsl := as(t.Context(), f.staff), as(t.Context(), f.dsl)
	c := f.report(t, f.staff)
	var action int64

	type want = journalWant
	cases := []journalCase{
		{"create with a new child", staff, func(ctx context.Context) (string, error) {
			_, err := f.db.CreateConcern(ctx, lifeguard.NewConcern{Facts: facts(f.now()), Triage: f.defaultTriage()})
			return "", err
		}, []want{{"create", "child", ""}, {"create", "concern", "child="}}},
		{"create linking a child", staff, func(ctx context.Context) (string, error) {
			_, err := f.db.CreateConcern(ctx, lifeguard.NewConcern{Facts: facts(f.now()), Triage: f.defaultTriage(),
				ChildID: *c.ChildID})
			return "", err
			// The referral is due the same working day: the entry names
			// the alerts written with the concern.
		}, []want{{"create", "concern", fmt.Sprintf("child=%d types=grooming routes=CSC_REFERRAL,ADVICE_PARENTS alert=new_concern urgency=same_working_day outbox=", *c.ChildID)}}},
		{"create linking with a new vulnerability", staff, func(ctx context.Context) (string, error) {
			fx := facts(f.now())
			fx.Child.Vulnerabilities = []lifeguard.Vulnerability{"young_carer"}
			_, err := f.db.CreateConcern(ctx, lifeguard.NewConcern{Facts: fx, Triage: f.defaultTriage(), ChildID: *c.ChildID})
			return "", err
		}, []want{{"update", "child", "vulnerabilities=young_carer"}, {"create", "concern", ""}}},
		{"read", staff, func(ctx context.Context) (string, error) {
			_, err := f.db.Concern(ctx, c.ID)
			return "", err
		}, []want{{"read", "concern", ""}}},
		{"list", dsl, func(ctx context.Context) (string, error) {
			page, err := f.db.ListConcerns(ctx, lifeguard.ConcernFilter{Limit: 3})
			if err != nil {
				return "", err
			}
			var ids []string
			for _, s := range page.Concerns {
				ids = append(ids, fmt.Sprint(s.ID))
			}
			return "ids=" + strings.Join(ids, ","), nil
		}, []want{{"list", "concern", "*"}}},
		{"note", staff, func(ctx context.Context) (string, error) {
			_, err := f.db.AddNote(ctx, c.ID, "More detail.")
			return "", err
		}, []want{{"update", "concern", "note="}}},
		{"evidence", staff, func(ctx context.Context) (string, error) {
			_, err := f.db.AddEvidence(ctx, c.ID, lifeguard.NewEvidence{What: "a", Location: "b", HeldBy: "c"})
			return "", err
		}, []want{{"update", "concern", "evidence="}}},
		{"decision", dsl, func(ctx context.Context) (string, error) {
			_, err := f.db.AddDecision(ctx, c.ID, lifeguard.NewDecision{Route: "CSC_REFERRAL", Decision: "accepted"})
			return "", err
		}, []want{{"update", "concern", "decision="}}},
		{"action", dsl, func(ctx context.Context) (string, error) {
			x, err := f.db.AddAction(ctx, c.ID, lifeguard.NewAction{Title: "a", Owner: "b", Due: lifeguard.DateOf(f.now())})
			if err == nil {
				action = x.ID
			}
			return "", err
		}, []want{{"update", "concern", "action="}}},
		{"complete action", dsl, func(ctx context.Context) (string, error) {
			_, err := f.db.CompleteAction(ctx, c.ID, action)
			return "", err
		}, []want{{"update", "concern", "action="}}},
		{"cancel action", dsl, func(ctx context.Context) (string, error) {
			x, err := f.db.AddAction(ctx, c.ID, lifeguard.NewAction{Title: "c", Owner: "d", Due: lifeguard.DateOf(f.now())})
			if err != nil {
				return "", err
			}
			_, err = f.db.CancelAction(ctx, c.ID, x.ID, "Not needed after all.")
			return fmt.Sprintf("action=%d cancelled", x.ID), err
		}, []want{{"update", "concern", "action="}, {"update", "concern", "*"}}},
		{"add route", dsl, func(ctx context.Context) (string, error) {
			_, err := f.db.AddRoute(ctx, c.ID, lifeguard.NewRoute{Route: lifeguard.Route{Code: "POLICE_101",
				Title: "Tell the police", Urgency: lifeguard.SameWorkingDay}, Reason: "The child was threatened."})
			return "", err
		}, []want{{"update", "concern", "route added=POLICE_101"}}},
		{"decide added route", dsl, func(ctx context.Context) (string, error) {
			_, err := f.db.AddDecision(ctx, c.ID, lifeguard.NewDecision{Route: "POLICE_101", Decision: "done"})
			return "", err
		}, []want{{"update", "concern", "decision="}}},
		{"update facts", dsl, func(ctx context.Context) (string, error) {
			_, err := f.db.UpdateFacts(ctx, c.ID, facts(f.now()), f.defaultTriage())
			return "", err
		}, []want{{"update", "concern", "facts types=grooming routes=CSC_REFERRAL,ADVICE_PARENTS"}}},
		{"child", dsl, func(ctx context.Context) (string, error) {
			_, err := f.db.Child(ctx, *c.ChildID)
			return "", err
		}, []want{{"read", "child", ""}}},
		{"find children", staff, func(ctx context.Context) (string, error) {
			cs, err := f.db.FindChildren(ctx, "")
			if err != nil {
				return "", err
			}
			var ids []string
			for _, c := range cs {
				ids = append(ids, fmt.Sprint(c.ID))
			}
			return "ids=" + strings.Join(ids, ","), nil
		}, []want{{"list", "child", "*"}}},
		{"chronology", dsl, func(ctx context.Context) (string, error) {
			_, err := f.db.Chronology(ctx, *c.ChildID)
			return "", err
		}, []want{{"read", "child", "chronology concerns="}}},
		// The child's page: the three reads above in one call, journaled
		// as each of them is.
		{"child record", dsl, func(ctx context.Context) (string, error) {
			_, err := f.db.ChildRecord(ctx, *c.ChildID)
			return "", err
		}, []want{{"read", "child", ""}, {"read", "child", "chronology concerns="}, {"read", "child", "merges="}}},
		{"close", dsl, func(ctx context.Context) (string, error) {
			_, err := f.db.CloseConcern(ctx, c.ID, lifeguard.NewOutcome{Code: "early_help", Summary: "Early help.", CloseAnyway: "Closed for the test with work left."})
			return "", err
		}, []want{{"update", "concern", "closed outcome=early_help anyway undecided=ADVICE_PARENTS"}}},
		// Refused, invalid and conflicting calls leave no entry: their
		// transaction is rolled back.
		{"refused read", as(t.Context(), f.dslB), func(ctx context.Context) (string, error) {
			_, err := f.db.Concern(ctx, c.ID)
			return "", ignore(err, lifeguard.ENOTFOUND)
		}, nil},
		{"refused chronology", staff, func(ctx context.Context) (string, error) {
			_, err := f.db.Chronology(ctx, *c.ChildID)
			return "", ignore(err, lifeguard.EFORBIDDEN)
		}, nil},
		{"refused child record", staff, func(ctx context.Context) (string, error) {
			_, err := f.db.ChildRecord(ctx, *c.ChildID)
			return "", ignore(err, lifeguard.EFORBIDDEN)
		}, nil},
		{"note on closed", staff, func(ctx context.Context) (string, error) {
			_, err := f.db.AddNote(ctx, c.ID, "x")
			return "", ignore(err, lifeguard.ECONFLICT)
		}, nil},
		{"invalid", staff, func(ctx context.Context) (string, error) {
			_, err := f.db.CreateConcern(ctx, lifeguard.NewConcern{Facts: facts(f.now())})
			return "", ignore(err, lifeguard.EINVALID)
		}, nil},
		{"organisations are not journaled", staff, func(ctx context.Context) (string, error) {
			_, err := f.db.Organisations(ctx)
			return "", err
		}, nil},
	}
	runJournalCases(t, f.db, cases)
}

// journalWant is one journal entry a call must append: its action, record
// and detail. Detail "" is not checked, "*" must equal the detail the call
// returns, and a detail ending in "=" is checked as a prefix.
type journalWant struct{ action, record, detail string }

// journalCase is a call and the entries it must append, in order; none
// when want is empty.
type journalCase struct {
	name string
	ctx  context.Context
	call func(ctx context.Context) (detail string, err error)
	want []journalWant
}

// runJournalCases runs each call in turn and checks what it appended, and
// that every entry names the actor.
func runJournalCases(t *testing.T, db *sqlstore.DB, cases []journalCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := journalLen(t, db)
			detail, err := tc.call(tc.ctx)
			if err != nil {
				t.Fatal(err)
			}
			es := journalAfter(t, db, before)
			if len(es) != len(tc.want) {
				t.Fatalf("%d entries, want %d: %+v", len(es), len(tc.want), es)
			}
			a := lifeguard.ActorFrom(tc.ctx)
			for i, e := range es {
				w := tc.want[i]
				if e.Action != w.action || e.Record != w.record {
					t.Errorf("entry %d: %s %s, want %s %s", i, e.Action, e.Record, w.action, w.record)
				}
				switch {
				case w.detail == "*":
					if e.Detail != detail {
						t.Errorf("entry %d: detail %q, want %q", i, e.Detail, detail)
					}
				case strings.HasSuffix(w.detail, "="):
					if !strings.HasPrefix(e.Detail, w.detail) {
						t.Errorf("entry %d: detail %q, want it to start %q", i, e.Detail, w.detail)
					}
				case w.detail != "":
					if e.Detail != w.detail {
						t.Errorf("entry %d: detail %q, want %q", i, e.Detail, w.detail)
					}
				}
				if e.UserID != a.UserID || e.Role != a.Role || e.OrganisationID != a.OrganisationID || e.Via != a.Via {
					t.Errorf("entry %d names %d/%s/%d/%s, want the actor %+v", i, e.UserID, e.Role, e.OrganisationID, e.Via, a)
				}
				if e.At.IsZero() || len(e.Hash) != 64 {
					t.Errorf("entry %d: at %v, hash %q", i, e.At, e.Hash)
				}
			}
		})
	}
}

// ignore turns the expected error code into success, so a case can say
// "this fails, and appends nothing".
func ignore(err error, code string) error {
	if lifeguard.ErrorCode(err) == code {
		return nil
	}
	if err == nil {
		return fmt.Errorf("succeeded; want %s", code)
	}
	return err
}

// testJournalTamper changes, and deletes, a journal row behind the store's
// back and checks that verification names the entry.
func testJournalTamper(t *testing.T, open Opener) {
	build := func(t *testing.T) *fixture {
		f := newFixture(t, open)
		for range 3 {
			c := f.report(t, f.staff)
			if _, err := f.db.Concern(as(t.Context(), f.dsl), c.ID); err != nil {
				t.Fatal(err)
			}
		}
		return f
	}
	tests := []struct {
		name    string
		tamper  string
		seq     int64
		problem string
	}{
		{"changed detail", `UPDATE journal SET detail = 'ids=' WHERE seq = ?`, 4, "changed"},
		{"changed reader", `UPDATE journal SET user_id = user_id + 1 WHERE seq = ?`, 6, "changed"},
		{"deleted", `DELETE FROM journal WHERE seq = ?`, 5, "missing"},
		{"deleted last", `DELETE FROM journal WHERE seq = ?`, 9, "missing"},
		{"rehashed", `UPDATE journal SET detail = 'x', hash = prev_hash WHERE seq = ?`, 3, "changed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := build(t)
			r, err := f.db.VerifyJournal(sys(t.Context()))
			if err != nil {
				t.Fatal(err)
			}
			if r.FirstBroken != 0 || r.Entries != 9 {
				t.Fatalf("before tampering: %+v, want 9 whole entries", r)
			}
			if err := f.db.UncheckedExec(t.Context(), tc.tamper, tc.seq); err != nil {
				t.Fatal(err)
			}
			r, err = f.db.VerifyJournal(sys(t.Context()))
			if err != nil {
				t.Fatal(err)
			}
			if r.FirstBroken != tc.seq || !strings.Contains(r.Problem, tc.problem) {
				t.Errorf("report %+v, want first broken %d (%s)", r, tc.seq, tc.problem)
			}
		})
	}
}

// testConcurrentWriters has several goroutines record and read concerns at
// once and checks that the journal is still one whole chain.
func testConcurrentWriters(t *testing.T, open Opener) {
	f := newFixture(t, open)
	const writers, each = 8, 5
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		u := f.staff
		if w%2 == 1 {
			u = f.dslB
		}
		wg.Go(func() {
			ctx := as(t.Context(), u)
			for range each {
				c, err := f.db.CreateConcern(ctx, lifeguard.NewConcern{Facts: facts(f.now()), Triage: f.defaultTriage()})
				if err != nil {
					errs <- err
					return
				}
				if _, err := f.db.Concern(ctx, c.ID); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// Each concern: a child, the concern, a read.
	if n := journalLen(t, f.db); n != writers*each*3 {
		t.Errorf("%d journal entries, want %d", n, writers*each*3)
	}
}
