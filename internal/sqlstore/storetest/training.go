package storetest

import (
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// cellOf is u's standing on type typ in m.
func cellOf(t *testing.T, m *lifeguard.TrainingMatrix, u *lifeguard.User, typ lifeguard.TrainingType) lifeguard.TrainingStatus {
	t.Helper()
	for _, r := range m.Rows {
		if r.UserID != u.ID {
			continue
		}
		for _, c := range r.Cells {
			if c.Type == typ {
				return c.Status
			}
		}
	}
	t.Fatalf("no cell for user %d and %s", u.ID, typ)
	return ""
}

// testTraining records training on the page's terms and the import's,
// and checks the matrix, the coverage, the access rules and the reminders.
func testTraining(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := t.Context()
	today := lifeguard.DateOf(f.now())
	ago := func(months, days int) lifeguard.Date { return lifeguard.DateOf(f.now().AddDate(0, -months, -days)) }
	rec := func(by, of *lifeguard.User, typ lifeguard.TrainingType, on lifeguard.Date) {
		t.Helper()
		x, err := f.db.RecordTraining(as(ctx, by), lifeguard.NewTraining{UserID: of.ID, Type: typ, Course: string(typ) + " course",
			Provider: "Northshire SCP", CompletedOn: on})
		if err != nil {
			t.Fatal(err)
		}
		if r, _ := lifeguard.TrainingRuleOf(typ); x.ExpiresOn != r.Expiry(on) {
			t.Errorf("expires %s, want %s", x.ExpiresOn, r.Expiry(on))
		}
	}
	// Staff record their own; the manager anyone's of the organisation.
	rec(f.staff, f.staff, lifeguard.TrainingSafeguarding, ago(2, 0))
	rec(f.staff, f.staff, lifeguard.TrainingOnlineSafety, ago(11, 20)) // due within 30 days
	rec(f.manager, f.dsl, lifeguard.TrainingDSL, ago(13, 0))           // full training in date, refresher overdue
	rec(f.manager, f.staff2, lifeguard.TrainingSafeguarding, ago(14, 0))
	if _, err := f.db.RecordTraining(as(ctx, f.staff), lifeguard.NewTraining{UserID: f.staff2.ID, Type: lifeguard.TrainingSafeguarding,
		Course: "x", Provider: "y", CompletedOn: today}); lifeguard.ErrorCode(err) != lifeguard.EFORBIDDEN {
		t.Errorf("staff recorded another's training: %v", err)
	}
	if _, err := f.db.RecordTraining(as(ctx, f.manager), lifeguard.NewTraining{UserID: f.staffB.ID, Type: lifeguard.TrainingSafeguarding,
		Course: "x", Provider: "y", CompletedOn: today}); lifeguard.ErrorCode(err) != lifeguard.ENOTFOUND {
		t.Errorf("a manager recorded another organisation's: %v", err)
	}
	_, err := f.db.RecordTraining(as(ctx, f.staff), lifeguard.NewTraining{Type: "first_aid", Course: "", Provider: "y",
		CompletedOn: lifeguard.DateOf(f.now().AddDate(0, 0, 3))})
	for _, path := range []string{"type", "course", "completed_on"} {
		wantProblem(t, err, path)
	}

	m, err := f.db.TrainingMatrix(as(ctx, f.dsl), today)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		u    *lifeguard.User
		typ  lifeguard.TrainingType
		want lifeguard.TrainingStatus
	}{
		{f.staff, lifeguard.TrainingSafeguarding, lifeguard.TrainingInDate},
		{f.staff, lifeguard.TrainingOnlineSafety, lifeguard.TrainingDueSoon},
		{f.staff, lifeguard.TrainingDSL, lifeguard.TrainingNotDue},
		{f.dsl, lifeguard.TrainingDSL, lifeguard.TrainingInDate},
		{f.dsl, lifeguard.TrainingDSLRefresher, lifeguard.TrainingOverdue},
		{f.dsl, lifeguard.TrainingSafeguarding, lifeguard.TrainingOverdue}, // met by the full training, for 12 months
		{f.staff2, lifeguard.TrainingSafeguarding, lifeguard.TrainingOverdue},
		{f.manager, lifeguard.TrainingOnlineSafety, lifeguard.TrainingNone},
	} {
		if got := cellOf(t, m, c.u, c.typ); got != c.want {
			t.Errorf("user %d, %s: %s, want %s", c.u.ID, c.typ, got, c.want)
		}
	}
	if m.Staff != 4 || m.InDate != 1 {
		t.Errorf("in date %d of %d, want 1 of 4", m.InDate, m.Staff)
	}
	own, err := f.db.TrainingMatrix(as(ctx, f.staff), today)
	if err != nil || len(own.Rows) != 1 || own.Rows[0].UserID != f.staff.ID {
		t.Errorf("a member of staff's matrix: %+v %v", own, err)
	}
	if xs, err := f.db.Trainings(as(ctx, f.staff), 0); err != nil || len(xs) != 2 {
		t.Errorf("staff's own records: %d %v", len(xs), err)
	}
	if _, err := f.db.Trainings(as(ctx, f.staff), f.dsl.ID); lifeguard.ErrorCode(err) != lifeguard.EFORBIDDEN {
		t.Errorf("staff read another's training: %v", err)
	}

	// Coverage: the organisation's for those who read its audits, the
	// partnership's by setting for the partnership only.
	cov, err := f.db.TrainingCoverage(as(ctx, f.officer), 0, f.orgA.ID, today)
	if err != nil || len(cov) != 1 || cov[0].InDate != 1 || cov[0].Staff != 4 {
		t.Errorf("A's coverage: %+v %v", cov, err)
	}
	cov, err = f.db.TrainingCoverage(as(ctx, f.officer), f.p1.ID, 0, today)
	if err != nil || len(cov) != 2 || cov[1].Setting != "school" || cov[1].Organisations != 2 || cov[1].Staff != 6 {
		t.Errorf("the partnership's coverage: %+v %v", cov, err)
	}
	if _, err := f.db.TrainingCoverage(as(ctx, f.dsl), f.p1.ID, 0, today); lifeguard.ErrorCode(err) != lifeguard.EFORBIDDEN {
		t.Errorf("a DSL read the partnership's coverage: %v", err)
	}
	if _, err := f.db.TrainingCoverage(as(ctx, f.staff), 0, f.orgA.ID, today); err == nil {
		t.Error("staff read the organisation's coverage")
	}

	// The import: one bad line stops it all; fixed, it adds; again, nothing.
	lines := []lifeguard.TrainingImportLine{
		{Line: 2, Email: f.manager.Email, Training: lifeguard.NewTraining{Type: lifeguard.TrainingOnlineSafety,
			Course: "Online safety", Provider: "In house", CompletedOn: ago(1, 0)}},
		{Line: 3, Email: "nobody@example.org", Training: lifeguard.NewTraining{Type: lifeguard.TrainingSafeguarding,
			Course: "Safeguarding", Provider: "In house", CompletedOn: ago(1, 0)}},
	}
	res, err := f.db.ImportTraining(as(ctx, f.manager), lines, false)
	if err != nil || res.Imported || res.Bad != 1 || res.Lines[1].Line != 3 || res.Lines[1].Problems[0].Path != "email" {
		t.Fatalf("an import with a bad line: %+v %v", res, err)
	}
	lines[1].Email = f.staffB.Email // another organisation's
	if res, _ := f.db.ImportTraining(as(ctx, f.manager), lines, false); res.Bad != 1 {
		t.Errorf("another organisation's member of staff was imported: %+v", res)
	}
	lines[1].Email = f.staff2.Email
	if res, err := f.db.ImportTraining(as(ctx, f.manager), lines, true); err != nil || res.Added != 2 || res.Imported {
		t.Errorf("dry run: %+v %v", res, err)
	}
	if xs, _ := f.db.Trainings(as(ctx, f.manager), f.manager.ID); len(xs) != 0 {
		t.Errorf("the dry run wrote %d", len(xs))
	}
	if res, err := f.db.ImportTraining(as(ctx, f.manager), lines, false); err != nil || res.Added != 2 || !res.Imported {
		t.Errorf("import: %+v %v", res, err)
	}
	if res, err := f.db.ImportTraining(as(ctx, f.manager), lines, false); err != nil || res.Unchanged != 2 || res.Added != 0 {
		t.Errorf("the same import again: %+v %v", res, err)
	}
	if _, err := f.db.ImportTraining(as(ctx, f.staff), lines, false); lifeguard.ErrorCode(err) != lifeguard.EFORBIDDEN {
		t.Errorf("staff imported: %v", err)
	}

	// Reminders: to the person and the manager, once.
	if _, err := f.db.RaiseTrainingReminders(as(ctx, f.manager), today); lifeguard.ErrorCode(err) != lifeguard.EFORBIDDEN {
		t.Errorf("a manager raised reminders: %v", err)
	}
	n, err := f.db.RaiseTrainingReminders(sys(ctx), today)
	if err != nil || n == 0 {
		t.Fatalf("reminders: %d %v", n, err)
	}
	if again, err := f.db.RaiseTrainingReminders(sys(ctx), today); err != nil || again != 0 {
		t.Errorf("reminders raised again: %d %v", again, err)
	}
	to := map[int64]bool{}
	for _, msg := range outboxOf(t, f.db, lifeguard.AlertTraining) {
		if msg.RecordID == f.staff.ID {
			to[msg.UserID] = true
		}
	}
	if !to[f.staff.ID] || !to[f.manager.ID] || len(to) != 2 {
		t.Errorf("the reminder of staff's training went to %v, want them and the manager", to)
	}
}
