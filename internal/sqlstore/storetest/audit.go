package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/framework"
)

func baseline(t *testing.T) *lifeguard.Framework {
	t.Helper()
	fw, err := framework.Baseline()
	if err != nil {
		t.Fatal(err)
	}
	return fw
}

// rateAll answers every aspect that applies to o at the level level gives
// it (by id), with evidence wherever the level needs it.
func rateAll(fw *lifeguard.Framework, o *lifeguard.Organisation, level func(id string) lifeguard.Level) []lifeguard.AnswerInput {
	var out []lifeguard.AnswerInput
	for _, a := range fw.Applicable(o) {
		l := level(a.ID)
		in := lifeguard.AnswerInput{AspectID: a.ID, Level: l, Comment: "Comment on " + a.ID}
		if l.NeedsEvidence() {
			in.Evidence = "Policy document, reviewed 2026-09-01, for " + a.ID
		}
		out = append(out, in)
	}
	return out
}

// testAuditAccess checks who may do what to an organisation's audits.
func testAuditAccess(t *testing.T, open Opener) {
	f := newFixture(t, open)
	fw := baseline(t)
	ctx := t.Context()

	for _, u := range []*lifeguard.User{f.staff, f.officer, f.admin} {
		_, err := f.db.StartAudit(as(ctx, u), fw)
		wantCode(t, err, lifeguard.EFORBIDDEN)
	}
	_, err := f.db.StartAudit(ctx, fw)
	wantCode(t, err, lifeguard.EUNAUTHORIZED)

	au, err := f.db.StartAudit(as(ctx, f.manager), fw)
	if err != nil {
		t.Fatal(err)
	}
	if au.OrganisationID != f.orgA.ID || au.Status != lifeguard.AuditInProgress || au.FrameworkVersion != fw.Version ||
		au.OrganisationName != "Riverside Primary" || au.StartedBy != f.manager.ID {
		t.Errorf("started %+v", au)
	}
	_, err = f.db.StartAudit(as(ctx, f.dsl), fw)
	wantCode(t, err, lifeguard.ECONFLICT)

	// The DSL of the organisation fills it in as well as its manager.
	answer := []lifeguard.AnswerInput{{AspectID: "L1", Level: 3, Evidence: "Named in the policy", Comment: "Jo Bloggs leads"}}
	if _, err := f.db.SaveAuditAnswers(as(ctx, f.dsl), au.ID, fw, answer); err != nil {
		t.Fatal(err)
	}

	t.Run("read", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			u    *lifeguard.User
			code string
		}{
			{"manager", f.manager, ""},
			{"dsl", f.dsl, ""},
			{"officer", f.officer, ""},
			{"staff of the organisation", f.staff, lifeguard.EFORBIDDEN},
			{"admin", f.admin, lifeguard.ENOTFOUND},
			{"dsl of another school", f.dslB, lifeguard.ENOTFOUND},
			{"admin of another partnership", f.adminC, lifeguard.ENOTFOUND},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := f.db.Audit(as(ctx, tc.u), au.ID)
				list, lerr := f.db.Audits(as(ctx, tc.u), f.orgA.ID)
				acts, aerr := f.db.ImprovementActions(as(ctx, tc.u), f.orgA.ID)
				if tc.code != "" {
					wantCode(t, err, tc.code)
					wantCode(t, lerr, tc.code)
					wantCode(t, aerr, tc.code)
					return
				}
				if err != nil || lerr != nil || aerr != nil {
					t.Fatal(err, lerr, aerr)
				}
				if len(list) != 1 || len(got.Answers) != 1 || acts == nil {
					t.Fatalf("audit %+v, list %d", got, len(list))
				}
				x := got.Answers[0]
				if tc.u == f.officer {
					if x.Evidence != "" || x.Comment != "" || list[0].Answers[0].Comment != "" {
						t.Errorf("the partnership reads free text: %+v", x)
					}
				} else if x.Evidence != "Named in the policy" || x.Comment != "Jo Bloggs leads" {
					t.Errorf("answer %+v", x)
				}
				if x.Level != 3 || x.Strand != "L" || x.UpdatedBy != f.dsl.ID {
					t.Errorf("answer %+v", x)
				}
			})
		}
		// The admin is of the partnership team's organisation, not A: A's
		// audit is another organisation's to them. Staff of A get
		// EFORBIDDEN since they know their organisation audits itself.
		_, err := f.db.Audit(as(ctx, f.staff), 999999)
		wantCode(t, err, lifeguard.ENOTFOUND)
		_, err = f.db.Audits(as(ctx, f.manager), 999999)
		wantCode(t, err, lifeguard.ENOTFOUND)
	})

	t.Run("change", func(t *testing.T) {
		for _, u := range []*lifeguard.User{f.staff, f.officer} {
			_, err := f.db.SaveAuditAnswers(as(ctx, u), au.ID, fw, answer)
			wantCode(t, err, lifeguard.EFORBIDDEN)
			_, err = f.db.CompleteAudit(as(ctx, u), au.ID, fw, lifeguard.AuditCompletion{Owner: "x"})
			wantCode(t, err, lifeguard.EFORBIDDEN)
		}
		for _, u := range []*lifeguard.User{f.dslB, f.adminC} {
			_, err := f.db.SaveAuditAnswers(as(ctx, u), au.ID, fw, answer)
			wantCode(t, err, lifeguard.ENOTFOUND)
		}
	})
}

// testAuditAnswers checks the rules of an answer.
func testAuditAnswers(t *testing.T, open Opener) {
	f := newFixture(t, open)
	fw := baseline(t)
	ctx := t.Context()
	// The partnership team's organisation is neither a school nor gives
	// internet access: E3 and the (E) aspects are not asked of it.
	team := f.user(t, f.orgT, lifeguard.RoleManager)
	au, err := f.db.StartAudit(as(ctx, team), fw)
	if err != nil {
		t.Fatal(err)
	}
	long := string(make([]byte, lifeguard.MaxComment+1))
	for _, tc := range []struct {
		name string
		in   lifeguard.AnswerInput
		path string
	}{
		{"evidence at level 3", lifeguard.AnswerInput{AspectID: "L1", Level: 3}, "answers[0].evidence"},
		{"evidence at level 4", lifeguard.AnswerInput{AspectID: "L1", Level: 4, Evidence: "  "}, "answers[0].evidence"},
		{"level 0", lifeguard.AnswerInput{AspectID: "L1"}, "answers[0].level"},
		{"level 5", lifeguard.AnswerInput{AspectID: "L1", Level: 5, Evidence: "x"}, "answers[0].level"},
		{"unknown aspect", lifeguard.AnswerInput{AspectID: "Z1", Level: 1}, "answers[0].aspect_id"},
		{"no aspect", lifeguard.AnswerInput{Level: 1}, "answers[0].aspect_id"},
		{"schools only", lifeguard.AnswerInput{AspectID: "E3", Level: 1}, "answers[0].aspect_id"},
		{"internet only", lifeguard.AnswerInput{AspectID: "T1", Level: 2}, "answers[0].aspect_id"},
		{"comment too long", lifeguard.AnswerInput{AspectID: "L1", Level: 1, Comment: long}, "answers[0].comment"},
		{"not UTF-8", lifeguard.AnswerInput{AspectID: "L1", Level: 1, Comment: "\xff"}, "answers[0].comment"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.db.SaveAuditAnswers(as(ctx, team), au.ID, fw, []lifeguard.AnswerInput{tc.in})
			wantProblem(t, err, tc.path)
		})
	}
	t.Run("twice in one save", func(t *testing.T) {
		_, err := f.db.SaveAuditAnswers(as(ctx, team), au.ID, fw, []lifeguard.AnswerInput{
			{AspectID: "L2", Level: 1}, {AspectID: "L2", Level: 2}})
		wantProblem(t, err, "answers[1].aspect_id")
	})
	t.Run("a retired aspect", func(t *testing.T) {
		local, err := framework.Load("local.yaml", []byte("version: r1\nretire:\n  - {id: L9, reason: covered by L2}\n"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.db.SaveAuditAnswers(as(ctx, team), au.ID, local, []lifeguard.AnswerInput{{AspectID: "L9", Level: 1}})
		wantProblem(t, err, "answers[0].aspect_id")
	})
	got, err := f.db.Audit(as(ctx, team), au.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Answers) != 0 {
		t.Fatalf("a refused save kept answers: %+v", got.Answers)
	}

	// A later save replaces the answer, and keeps what was saved before.
	save := func(in ...lifeguard.AnswerInput) *lifeguard.Audit {
		t.Helper()
		a, err := f.db.SaveAuditAnswers(as(ctx, team), au.ID, fw, in)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	save(lifeguard.AnswerInput{AspectID: "L1", Level: 1, Comment: "Nobody yet"},
		lifeguard.AnswerInput{AspectID: "L2", Level: 2})
	a := save(lifeguard.AnswerInput{AspectID: "L1", Level: 4, Evidence: "Board minutes, 2026-10-02", Comment: "Now named"})
	if len(a.Answers) != 2 {
		t.Fatalf("answers %+v", a.Answers)
	}
	l1, _ := a.Answer("L1")
	l2, _ := a.Answer("L2")
	if l1.Level != 4 || l1.Evidence != "Board minutes, 2026-10-02" || l1.Comment != "Now named" || l2.Level != 2 {
		t.Errorf("answers %+v", a.Answers)
	}
	if a := save(); len(a.Answers) != 2 {
		t.Errorf("an empty save changed the answers: %+v", a.Answers)
	}
}

// testAuditComplete completes two audits one after the other and checks
// the scores, the improvement actions created, and those the second closes.
// The steps build on each other, in order.
func testAuditComplete(t *testing.T, open Opener) {
	f := newFixture(t, open)
	fw := baseline(t)
	ctx := as(t.Context(), f.manager)

	first, err := f.db.StartAudit(ctx, fw)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("completing with aspects not rated or no owner names each problem", func(t *testing.T) {
		if _, err := f.db.SaveAuditAnswers(ctx, first.ID, fw, []lifeguard.AnswerInput{{AspectID: "L1", Level: 2}}); err != nil {
			t.Fatal(err)
		}
		_, err := f.db.CompleteAudit(ctx, first.ID, fw, lifeguard.AuditCompletion{Owner: " "})
		wantProblem(t, err, "aspects.L2")
		wantProblem(t, err, "aspects.I3")
		wantProblem(t, err, "owner")
	})

	// School A: every aspect applies. L1–L10 at 1 and 2 by turns (1,2,1,…),
	// T at 3, E at 4 except E8 at 2, I at 2.
	level := func(id string) lifeguard.Level {
		switch id[0] {
		case 'L':
			var n int
			fmt.Sscanf(id[1:], "%d", &n)
			return lifeguard.Level(2 - n%2)
		case 'T':
			return 3
		case 'E':
			if id == "E8" {
				return 2
			}
			return 4
		}
		return 2
	}
	step(t, "the first audit scores each strand and makes an action, due by its level, for every aspect that needs one", func(t *testing.T) {
		if _, err := f.db.SaveAuditAnswers(ctx, first.ID, fw, rateAll(fw, f.orgA, level)); err != nil {
			t.Fatal(err)
		}
		res, err := f.db.CompleteAudit(ctx, first.ID, fw, lifeguard.AuditCompletion{Owner: "Online safety lead"})
		if err != nil {
			t.Fatal(err)
		}
		// L: five at 1, five at 2 → 1.5; T 3.0; E (7·4 + 2)/8 = 3.75 → 3.8; I 2.0.
		wantScores(t, res.Audit.Scores, "E:3.8/8", "I:2.0/3", "L:1.5/10", "T:3.0/7")
		if res.Audit.Status != lifeguard.AuditCompleted || res.Audit.CompletedAt == nil || res.Audit.CompletedBy != f.manager.ID {
			t.Errorf("completed audit %+v", res.Audit)
		}
		if len(res.Closed) != 0 {
			t.Errorf("the first audit closed %+v", res.Closed)
		}
		// Ten L, E8, I1–I3: fourteen gaps.
		var created []string
		for _, x := range res.Created {
			created = append(created, x.AspectID)
			today := lifeguard.DateOf(*res.Audit.CompletedAt)
			if x.Owner != "Online safety lead" || x.Status != lifeguard.ImprovementOpen || x.AuditID != first.ID ||
				x.Due != lifeguard.ImprovementDue(x.Level, today) || x.Title == "" || !x.Level.NeedsAction() {
				t.Errorf("action %+v", x)
			}
		}
		want := []string{"L1", "L2", "L3", "L4", "L5", "L6", "L7", "L8", "L9", "L10", "E8", "I1", "I2", "I3"}
		if !slices.Equal(created, want) {
			t.Errorf("actions for %v, want %v", created, want)
		}
	})

	t.Run("a completed audit cannot be changed or completed again", func(t *testing.T) {
		_, err := f.db.SaveAuditAnswers(ctx, first.ID, fw, []lifeguard.AnswerInput{{AspectID: "L1", Level: 1}})
		wantCode(t, err, lifeguard.ECONFLICT)
		_, err = f.db.CompleteAudit(ctx, first.ID, fw, lifeguard.AuditCompletion{Owner: "x"})
		wantCode(t, err, lifeguard.ECONFLICT)
	})

	// The second audit, on a local framework that retires I3: L1–L5 now
	// at 3, L6–L10 unchanged, E8 at 4, I1 and I2 still at 2.
	var second *lifeguard.Audit
	step(t, "the second audit, on a local framework retiring an aspect, closes the actions met and supersedes the rest", func(t *testing.T) {
		local, err := framework.Load("local.yaml", []byte("version: r1\nretire:\n  - {id: I3, reason: measured by the partnership survey}\n"))
		if err != nil {
			t.Fatal(err)
		}
		if second, err = f.db.StartAudit(as(t.Context(), f.dsl), local); err != nil {
			t.Fatal(err)
		}
		level2 := func(id string) lifeguard.Level {
			switch id {
			case "L1", "L2", "L3", "L4", "L5":
				return 3
			case "E8":
				return 4
			}
			return level(id)
		}
		if _, err := f.db.SaveAuditAnswers(ctx, second.ID, local, rateAll(local, f.orgA, level2)); err != nil {
			t.Fatal(err)
		}
		res2, err := f.db.CompleteAudit(ctx, second.ID, local, lifeguard.AuditCompletion{Owner: "Deputy head"})
		if err != nil {
			t.Fatal(err)
		}
		if res2.Audit.FrameworkVersion != "2026.1+r1" {
			t.Errorf("framework version %q", res2.Audit.FrameworkVersion)
		}
		// L: 3·5 + (2+1+2+1+2) = 23 / 10 = 2.3; I: 2 and 2 → 2.0 over two.
		wantScores(t, res2.Audit.Scores, "E:4.0/8", "I:2.0/2", "L:2.3/10", "T:3.0/7")
		closed := map[string]lifeguard.ImprovementStatus{}
		for _, x := range res2.Closed {
			closed[x.AspectID] = x.Status
			if x.ClosedByAudit != second.ID || x.ClosedAt == nil {
				t.Errorf("closed %+v", x)
			}
		}
		wantClosed := map[string]lifeguard.ImprovementStatus{
			"L1": "met", "L2": "met", "L3": "met", "L4": "met", "L5": "met", "E8": "met",
			"L6": "superseded", "L7": "superseded", "L8": "superseded", "L9": "superseded", "L10": "superseded",
			"I1": "superseded", "I2": "superseded",
		}
		if fmt.Sprint(closed) != fmt.Sprint(wantClosed) {
			t.Errorf("closed %v\nwant   %v", closed, wantClosed)
		}
		var created []string
		for _, x := range res2.Created {
			created = append(created, x.AspectID)
		}
		if want := []string{"L6", "L7", "L8", "L9", "L10", "I1", "I2"}; !slices.Equal(created, want) {
			t.Errorf("second audit's actions %v, want %v", created, want)
		}
	})

	// The plan: the seven new actions and the I3 action (its aspect is
	// retired, so no audit closes it) open; the rest closed.
	t.Run("the school's plan lists open actions first, each with its owner, whom the partnership does not see", func(t *testing.T) {
		acts, err := f.db.ImprovementActions(ctx, f.orgA.ID)
		if err != nil {
			t.Fatal(err)
		}
		var stillOpen []string
		for i, x := range acts {
			if x.Status == lifeguard.ImprovementOpen {
				stillOpen = append(stillOpen, x.AspectID)
				if i > 0 && acts[i-1].Status != lifeguard.ImprovementOpen {
					t.Errorf("open action %d listed after a closed one", x.ID)
				}
			}
		}
		slices.Sort(stillOpen)
		if want := []string{"I1", "I2", "I3", "L10", "L6", "L7", "L8", "L9"}; !slices.Equal(stillOpen, want) {
			t.Errorf("open actions %v, want %v", stillOpen, want)
		}
		if len(acts) != 14+7 {
			t.Errorf("%d actions, want 21", len(acts))
		}
		for _, x := range acts {
			if x.Owner == "" {
				t.Errorf("action %d has no owner", x.ID)
			}
		}
		off, err := f.db.ImprovementActions(as(t.Context(), f.officer), f.orgA.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range off {
			if x.Owner != "" {
				t.Errorf("the partnership reads the owner %q", x.Owner)
			}
		}
	})

	t.Run("both audits are listed side by side, oldest first, with their scores", func(t *testing.T) {
		list, err := f.db.Audits(ctx, f.orgA.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].ID != first.ID || list[1].ID != second.ID || len(list[0].Scores) != 4 ||
			len(list[1].Answers) != 27 || len(list[0].Answers) != 28 {
			t.Errorf("audits %+v", list)
		}
	})

	t.Run("another school's improvement plan is its own", func(t *testing.T) {
		acts, err := f.db.ImprovementActions(as(t.Context(), f.dslB), f.orgB.ID)
		if err != nil || len(acts) != 0 {
			t.Errorf("school B's actions: %v %v", acts, err)
		}
	})
}

func wantScores(t *testing.T, scores []lifeguard.StrandScore, want ...string) {
	t.Helper()
	var got []string
	for _, s := range scores {
		got = append(got, fmt.Sprintf("%s:%s/%d", s.Strand, s, s.Aspects))
	}
	if !slices.Equal(got, want) {
		t.Errorf("scores %v, want %v", got, want)
	}
}
