package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// uuid returns a well-formed UUID made from n, so tests can resend one.
func uuid(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }

func event(n int, at time.Time, client, category, name string) lifeguard.FilterEvent {
	return lifeguard.FilterEvent{ID: uuid(n), Time: at, Client: client, Group: "secondary", Name: name,
		Category: lifeguard.FilterCategory(category)}
}

// worryConcern is what the API builds from a worry: the facts of a concern
// about a child not identified, with the child's words.
func (f *fixture) worryConcern(text string) lifeguard.NewConcern {
	return lifeguard.NewConcern{
		Facts: lifeguard.Facts{ReportedAt: f.now().UTC().Truncate(time.Second), Setting: "school",
			Description: text, ConcernTypes: []lifeguard.ConcernType{"other"}, ChildUnidentified: true},
		Triage: f.triage(route{"DSL_REVIEW", time.Hour}),
	}
}

func testFilterPolicy(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := t.Context()
	filterA := f.user(t, f.orgA, lifeguard.RoleFilter)
	filterB := f.user(t, f.orgB, lifeguard.RoleFilter)

	_, err := f.db.FilterPolicy(as(ctx, filterA), 0)
	wantCode(t, err, lifeguard.ENOTFOUND)

	doc := []byte(`{"groups":{"secondary":{"categories":["gambling"]}}}`)
	for _, u := range []*lifeguard.User{f.dsl, f.manager, filterA, f.officer} {
		_, err := f.db.SetFilterPolicy(as(ctx, u), f.orgA.ID, doc)
		wantCode(t, err, lifeguard.EFORBIDDEN)
	}
	_, err = f.db.SetFilterPolicy(as(ctx, f.adminC), f.orgA.ID, doc)
	wantCode(t, err, lifeguard.ENOTFOUND)
	_, err = f.db.SetFilterPolicy(as(ctx, f.admin), 999999, doc)
	wantCode(t, err, lifeguard.ENOTFOUND)

	p1, err := f.db.SetFilterPolicy(as(ctx, f.admin), f.orgA.ID, doc)
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.db.FilterPolicy(as(ctx, filterA), 0)
	if err != nil {
		t.Fatal(err)
	}
	if string(got.Document) != string(doc) || got.ETag != p1.ETag || got.UpdatedBy != f.admin.ID {
		t.Errorf("policy read back %s %s by %d, want %s %s by %d", got.Document, got.ETag, got.UpdatedBy, doc, p1.ETag, f.admin.ID)
	}
	// Another organisation's filter does not see it; school B has none.
	_, err = f.db.FilterPolicy(as(ctx, filterB), f.orgA.ID)
	wantCode(t, err, lifeguard.ENOTFOUND)
	_, err = f.db.FilterPolicy(as(ctx, filterB), 0)
	wantCode(t, err, lifeguard.ENOTFOUND)
	_, err = f.db.FilterPolicy(as(ctx, f.dsl), f.orgA.ID)
	wantCode(t, err, lifeguard.EFORBIDDEN)
	if _, err := f.db.FilterPolicy(as(ctx, f.admin), f.orgA.ID); err != nil {
		t.Errorf("administrator reads the policy: %v", err)
	}

	// The same document keeps its tag; a change gives a new one.
	same, err := f.db.SetFilterPolicy(as(ctx, f.admin), f.orgA.ID, doc)
	if err != nil || same.ETag != p1.ETag {
		t.Errorf("same document: %v, tag %s, want %s", err, same.ETag, p1.ETag)
	}
	changed, err := f.db.SetFilterPolicy(as(ctx, f.admin), f.orgA.ID, []byte(`{"groups":{}}`))
	if err != nil || changed.ETag == p1.ETag {
		t.Errorf("changed document: %v, tag %s unchanged", err, changed.ETag)
	}

	for name, bad := range map[string][]byte{
		"array":     []byte(`[1,2]`),
		"null":      []byte(`null`),
		"malformed": []byte(`{"a":`),
		"too large": []byte(`{"a":"` + strings.Repeat("x", lifeguard.MaxFilterPolicy) + `"}`),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := f.db.SetFilterPolicy(as(ctx, f.admin), f.orgA.ID, bad)
			wantProblem(t, err, "policy")
		})
	}
	got, err = f.db.FilterPolicy(as(ctx, filterA), 0)
	if err != nil || got.ETag != changed.ETag {
		t.Errorf("a refused document changed the policy: %v %s", err, got.ETag)
	}
}

func testFilterEvents(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := t.Context()
	filterA := f.user(t, f.orgA, lifeguard.RoleFilter)
	filterB := f.user(t, f.orgB, lifeguard.RoleFilter)
	hour := f.now().UTC().Truncate(time.Hour).Add(-2 * time.Hour)

	batch := []lifeguard.FilterEvent{
		event(1, hour.Add(5*time.Minute), "10.0.0.7", "self_harm", "a.example"),
		event(2, hour.Add(9*time.Minute), "10.0.0.7", "self_harm", "b.example"),
		event(3, hour.Add(7*time.Minute), "10.0.0.7", "self_harm", "a.example"),
		event(4, hour.Add(8*time.Minute), "10.0.0.7", "gambling", "bet.example"), // no alert
		event(5, hour.Add(70*time.Minute), "10.0.0.7", "self_harm", "a.example"), // next hour
		event(6, hour.Add(10*time.Minute), "::ffff:10.0.0.8", "csam", "c.example"),
	}
	for _, u := range []*lifeguard.User{f.staff, f.dsl, f.admin} {
		_, err := f.db.RecordFilterEvents(as(ctx, u), batch)
		wantCode(t, err, lifeguard.EFORBIDDEN)
	}
	r, err := f.db.RecordFilterEvents(as(ctx, filterA), batch)
	if err != nil {
		t.Fatal(err)
	}
	if r.Accepted != 6 || r.Duplicates != 0 {
		t.Errorf("first send: %+v", r)
	}
	// The same batch again, and one with two old events and a new one:
	// nothing is counted twice.
	if r, err = f.db.RecordFilterEvents(as(ctx, filterA), batch); err != nil || r.Duplicates != 6 {
		t.Errorf("resend: %+v %v", r, err)
	}
	again := []lifeguard.FilterEvent{batch[0], event(7, hour.Add(20*time.Minute), "10.0.0.7", "self_harm", "c.example"), batch[1]}
	if r, err = f.db.RecordFilterEvents(as(ctx, filterA), again); err != nil || r.Accepted != 3 || r.Duplicates != 2 {
		t.Errorf("partial resend: %+v %v", r, err)
	}
	// The same ids from another organisation's filter are its own events.
	if r, err = f.db.RecordFilterEvents(as(ctx, filterB), batch[:1]); err != nil || r.Duplicates != 0 {
		t.Errorf("school B's filter: %+v %v", r, err)
	}

	for _, u := range []*lifeguard.User{f.staff, f.manager, f.admin, filterA} {
		_, err := f.db.FilterAlerts(as(ctx, u), "")
		wantCode(t, err, lifeguard.EFORBIDDEN)
	}
	alerts, err := f.db.FilterAlerts(as(ctx, f.dsl), lifeguard.FilterOpen)
	if err != nil {
		t.Fatal(err)
	}
	type key struct {
		client   string
		category lifeguard.FilterCategory
		hour     time.Time
	}
	byKey := map[key]lifeguard.FilterAlert{}
	for _, a := range alerts {
		byKey[key{a.Client, a.Category, a.Hour}] = a
	}
	if len(alerts) != 3 || len(byKey) != 3 {
		t.Fatalf("alerts: %+v, want 3: two hours of 10.0.0.7's self-harm and 10.0.0.8's csam", alerts)
	}
	first := byKey[key{"10.0.0.7", "self_harm", hour}]
	if first.Attempts != 4 || !first.FirstAt.Equal(hour.Add(5*time.Minute)) || !first.LastAt.Equal(hour.Add(20*time.Minute)) ||
		!slices.Equal(first.Names, []string{"a.example", "b.example", "c.example"}) || first.Group != "secondary" {
		t.Errorf("grouped alert: %+v", first)
	}
	if a := byKey[key{"10.0.0.7", "self_harm", hour.Add(time.Hour)}]; a.Attempts != 1 {
		t.Errorf("next hour's alert: %+v", a)
	}
	if a := byKey[key{"10.0.0.8", "csam", hour}]; a.Attempts != 1 || a.Status != lifeguard.FilterOpen {
		t.Errorf("mapped IPv4 address's alert: %+v", a)
	}
	if other, err := f.db.FilterAlerts(as(ctx, f.dslB), ""); err != nil || len(other) != 1 {
		t.Errorf("school B's DSL sees %d alerts (%v), want their own 1", len(other), err)
	}
	_, err = f.db.FilterAlert(as(ctx, f.dslB), first.ID)
	wantCode(t, err, lifeguard.ENOTFOUND)

	// Dealt with, with a concern of another organisation: refused; with
	// one of its own: closed, and once only.
	otherConcern := f.report(t, f.staffB)
	_, err = f.db.CloseFilterAlert(as(ctx, f.dsl), first.ID, otherConcern.ID)
	wantProblem(t, err, "concern_id")
	_, err = f.db.CloseFilterAlert(as(ctx, f.dslB), first.ID, 0)
	wantCode(t, err, lifeguard.ENOTFOUND)
	c := f.report(t, f.dsl)
	closed, err := f.db.CloseFilterAlert(as(ctx, f.dsl), first.ID, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if closed.Status != lifeguard.FilterClosed || closed.ConcernID == nil || *closed.ConcernID != c.ID ||
		closed.ClosedBy == nil || *closed.ClosedBy != f.dsl.ID {
		t.Errorf("closed alert: %+v", closed)
	}
	_, err = f.db.CloseFilterAlert(as(ctx, f.dsl), first.ID, 0)
	wantCode(t, err, lifeguard.ECONFLICT)
	if open, _ := f.db.FilterAlerts(as(ctx, f.dsl), lifeguard.FilterOpen); len(open) != 2 {
		t.Errorf("open alerts after closing one: %d, want 2", len(open))
	}
	// Another attempt in the same hour opens it again, with the count going on.
	if _, err := f.db.RecordFilterEvents(as(ctx, filterA), []lifeguard.FilterEvent{
		event(8, hour.Add(30*time.Minute), "10.0.0.7", "self_harm", "d.example")}); err != nil {
		t.Fatal(err)
	}
	reopened, err := f.db.FilterAlert(as(ctx, f.dsl), first.ID)
	if err != nil || reopened.Status != lifeguard.FilterOpen || reopened.Attempts != 5 {
		t.Errorf("alert after a new attempt: %+v %v", reopened, err)
	}
}

func testFilterEventValidation(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := as(t.Context(), f.user(t, f.orgA, lifeguard.RoleFilter))
	now := f.now().UTC()
	good := event(1, now, "10.0.0.7", "gambling", "bet.example")
	tests := []struct {
		name   string
		change func(e *lifeguard.FilterEvent)
		path   string
	}{
		{"no id", func(e *lifeguard.FilterEvent) { e.ID = "" }, "events[1].id"},
		{"id not a uuid", func(e *lifeguard.FilterEvent) { e.ID = "12" }, "events[1].id"},
		{"no time", func(e *lifeguard.FilterEvent) { e.Time = time.Time{} }, "events[1].time"},
		{"time far ahead", func(e *lifeguard.FilterEvent) { e.Time = now.Add(3 * time.Hour) }, "events[1].time"},
		{"client not an address", func(e *lifeguard.FilterEvent) { e.Client = "laptop-7" }, "events[1].client"},
		{"client with a zone", func(e *lifeguard.FilterEvent) { e.Client = "fe80::1%eth0" }, "events[1].client"},
		{"group with spaces", func(e *lifeguard.FilterEvent) { e.Group = "year 7" }, "events[1].group"},
		{"name upper case", func(e *lifeguard.FilterEvent) { e.Name = "Bet.example" }, "events[1].name"},
		{"name with a final dot", func(e *lifeguard.FilterEvent) { e.Name = "bet.example." }, "events[1].name"},
		{"name too long", func(e *lifeguard.FilterEvent) { e.Name = strings.Repeat("a.", 127) + "com" }, "events[1].name"},
		{"unknown category", func(e *lifeguard.FilterEvent) { e.Category = "shopping" }, "events[1].category"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := event(100+i, now, "10.0.0.7", "gambling", "bet.example")
			tt.change(&bad)
			_, err := f.db.RecordFilterEvents(ctx, []lifeguard.FilterEvent{good, bad})
			wantProblem(t, err, tt.path)
		})
	}
	_, err := f.db.RecordFilterEvents(ctx, nil)
	wantProblem(t, err, "events")
	big := make([]lifeguard.FilterEvent, lifeguard.MaxFilterBatch+1)
	for i := range big {
		big[i] = event(1000+i, now, "10.0.0.7", "gambling", "bet.example")
	}
	_, err = f.db.RecordFilterEvents(ctx, big)
	wantProblem(t, err, "events")
	// A refused batch stores nothing: its good event is still new.
	if r, err := f.db.RecordFilterEvents(ctx, []lifeguard.FilterEvent{good}); err != nil || r.Duplicates != 0 {
		t.Errorf("after refused batches: %+v %v", r, err)
	}
}

func testFilterRetention(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := t.Context()
	filterA := f.user(t, f.orgA, lifeguard.RoleFilter)
	now := f.now().UTC()
	batch := []lifeguard.FilterEvent{
		event(1, now.Add(-100*24*time.Hour), "10.0.0.7", "self_harm", "a.example"),
		event(2, now.Add(-91*24*time.Hour), "10.0.0.7", "gambling", "a.example"),
		event(3, now.Add(-89*24*time.Hour), "10.0.0.7", "gambling", "a.example"),
		event(4, now, "10.0.0.7", "gambling", "a.example"),
	}
	if _, err := f.db.RecordFilterEvents(as(ctx, filterA), batch); err != nil {
		t.Fatal(err)
	}
	cutoff := now.Add(-90 * 24 * time.Hour)
	for _, u := range []*lifeguard.User{f.admin, f.dsl, filterA} {
		_, err := f.db.PruneRecords(as(ctx, u), lifeguard.RetainFilterRecord, cutoff, 100)
		wantCode(t, err, lifeguard.EFORBIDDEN)
	}
	_, err := f.db.PruneRecords(sys(ctx), lifeguard.RetainChildFile, cutoff, 100)
	wantProblem(t, err, "kind")
	_, err = f.db.PruneRecords(sys(ctx), lifeguard.RetainFilterRecord, cutoff, 0)
	wantProblem(t, err, "batch")
	seq := journalLen(t, f.db)
	// A batch of one: two transactions, each journalled with its count.
	n, err := f.db.PruneRecords(sys(ctx), lifeguard.RetainFilterRecord, cutoff, 1)
	if err != nil || n != 2 {
		t.Fatalf("pruned %d (%v), want 2", n, err)
	}
	var counts []string
	for _, e := range journalAfter(t, f.db, seq) {
		if e.Action == "erase" && e.Record == "retention" {
			counts = append(counts, e.Detail)
		}
	}
	if len(counts) != 2 || counts[0] != "filter_records=1" || counts[1] != "filter_records=1" {
		t.Errorf("journalled %q, want two batches of one", counts)
	}
	// The kept ones are still known; the pruned ones would be new again.
	r, err := f.db.RecordFilterEvents(as(ctx, filterA), batch[2:])
	if err != nil || r.Duplicates != 2 {
		t.Errorf("kept events: %+v %v", r, err)
	}
	// The alert raised by the pruned attempt stays.
	if alerts, err := f.db.FilterAlerts(as(ctx, f.dsl), ""); err != nil || len(alerts) != 1 {
		t.Errorf("alerts after pruning: %d %v, want 1", len(alerts), err)
	}
}

func testFilterReviews(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := t.Context()
	filterA := f.user(t, f.orgA, lifeguard.RoleFilter)
	in := lifeguard.NewFilterReview{FilterAttempt: event(1, f.now(), "10.0.0.7", "games", "chess.example"),
		Comment: "It is for the chess club."}
	_, _, err := f.db.RecordFilterReview(as(ctx, f.staff), in)
	wantCode(t, err, lifeguard.EFORBIDDEN)
	r, created, err := f.db.RecordFilterReview(as(ctx, filterA), in)
	if err != nil || !created || r.Status != lifeguard.FilterOpen || r.Comment != in.Comment {
		t.Fatalf("review: %+v %v %v", r, created, err)
	}
	again, created, err := f.db.RecordFilterReview(as(ctx, filterA), in)
	if err != nil || created || again.ID != r.ID {
		t.Errorf("resent review: %+v created=%v %v", again, created, err)
	}
	bad := in
	bad.Comment = strings.Repeat("x", lifeguard.MaxFilterComment+1)
	bad.ID = uuid(2)
	_, _, err = f.db.RecordFilterReview(as(ctx, filterA), bad)
	wantProblem(t, err, "comment")

	for _, tc := range []struct {
		u    *lifeguard.User
		code string
		n    int
	}{
		{f.dsl, "", 1}, {f.manager, "", 1}, {f.admin, "", 1}, {f.dslB, "", 0}, {f.adminC, "", 0},
		{f.staff, lifeguard.EFORBIDDEN, 0}, {f.officer, lifeguard.EFORBIDDEN, 0}, {filterA, lifeguard.EFORBIDDEN, 0},
	} {
		list, err := f.db.FilterReviews(as(ctx, tc.u), "")
		if lifeguard.ErrorCode(err) != tc.code || len(list) != tc.n {
			t.Errorf("reviews as %s of %d: %d, %v; want %d, %q", tc.u.Role, tc.u.OrganisationID, len(list), err, tc.n, tc.code)
		}
	}
	_, err = f.db.CloseFilterReview(as(ctx, f.dslB), r.ID, "Allowed.")
	wantCode(t, err, lifeguard.ENOTFOUND)
	_, err = f.db.CloseFilterReview(as(ctx, f.manager), r.ID, " ")
	wantProblem(t, err, "outcome")
	closed, err := f.db.CloseFilterReview(as(ctx, f.manager), r.ID, "Allowed chess.example for secondary.")
	if err != nil || closed.Status != lifeguard.FilterClosed || closed.ClosedBy == nil || *closed.ClosedBy != f.manager.ID {
		t.Fatalf("closed: %+v %v", closed, err)
	}
	_, err = f.db.CloseFilterReview(as(ctx, f.dsl), r.ID, "Again.")
	wantCode(t, err, lifeguard.ECONFLICT)
	if open, err := f.db.FilterReviews(as(ctx, f.dsl), lifeguard.FilterOpen); err != nil || len(open) != 0 {
		t.Errorf("open reviews after closing: %d %v", len(open), err)
	}
}

func testFilterWorries(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := t.Context()
	filterA := f.user(t, f.orgA, lifeguard.RoleFilter)
	words := "Someone in a game keeps asking me to send photos"
	in := lifeguard.NewFilterWorry{FilterAttempt: event(1, f.now(), "10.0.0.7", "chat", "chat.example"), Text: words}
	before := journalLen(t, f.db)

	_, err := f.db.RecordFilterWorry(as(ctx, f.staff), in, f.worryConcern(words))
	wantCode(t, err, lifeguard.EFORBIDDEN)
	// Facts that neither describe a child nor say the child is not
	// identified are refused, as for any concern.
	plain := f.worryConcern(words)
	plain.Facts.ChildUnidentified = false
	_, err = f.db.RecordFilterWorry(as(ctx, filterA), in, plain)
	wantProblem(t, err, "child")
	empty := in
	empty.Text = "  "
	_, err = f.db.RecordFilterWorry(as(ctx, filterA), empty, f.worryConcern(words))
	wantProblem(t, err, "text")
	unknown := in
	unknown.About = "ponies"
	_, err = f.db.RecordFilterWorry(as(ctx, filterA), unknown, f.worryConcern(words))
	wantProblem(t, err, "about")

	got, err := f.db.RecordFilterWorry(as(ctx, filterA), in, f.worryConcern(words))
	if err != nil || !got.Created || got.ConcernID == 0 {
		t.Fatalf("worry: %+v %v", got, err)
	}
	again, err := f.db.RecordFilterWorry(as(ctx, filterA), in, f.worryConcern(words))
	if err != nil || again.Created || again.ConcernID != got.ConcernID {
		t.Errorf("resent worry: %+v %v", again, err)
	}
	if n := journalLen(t, f.db); n != before+1 {
		t.Errorf("journal grew by %d, want 1 (the concern's creation)", n-before)
	}

	// It is in the DSL's inbox, with the child's words, reported by the
	// filter's account and about no recorded child.
	page, err := f.db.ListConcerns(as(ctx, f.dsl), lifeguard.ConcernFilter{Status: lifeguard.StatusOpen, Order: lifeguard.OrderDue})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(page.Concerns, func(s lifeguard.ConcernSummary) bool { return s.ID == got.ConcernID }) {
		t.Errorf("the worry's concern %d is not in the DSL's inbox", got.ConcernID)
	}
	c, err := f.db.Concern(as(ctx, f.dsl), got.ConcernID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Facts.Description != words || c.ReporterID != filterA.ID || c.ChildID != nil || c.Facts.Child != nil ||
		c.Status != lifeguard.StatusNew {
		t.Errorf("concern from a worry: %+v", c)
	}
	// The worry made no choice: the note says "something else".
	if len(c.Notes) != 1 || !strings.Contains(c.Notes[0].Text, "10.0.0.7") || !strings.Contains(c.Notes[0].Text, "chat.example") ||
		!strings.Contains(c.Notes[0].Text, "The child chose “Something else”.") || strings.Contains(c.Notes[0].Text, words) {
		t.Errorf("the concern's note should say what the filter knows, without the child's words: %+v", c.Notes)
	}
	// The filter's account cannot read it back, nor list concerns.
	_, err = f.db.Concern(as(ctx, filterA), got.ConcernID)
	wantCode(t, err, lifeguard.ENOTFOUND)
	_, err = f.db.ListConcerns(as(ctx, filterA), lifeguard.ConcernFilter{})
	wantCode(t, err, lifeguard.EFORBIDDEN)
	// School B's DSL does not see it.
	_, err = f.db.Concern(as(ctx, f.dslB), got.ConcernID)
	wantCode(t, err, lifeguard.ENOTFOUND)
	// Once the DSL knows the child, the facts are changed as for any
	// concern: with the child described.
	nf := facts(f.now())
	nf.Description = words
	if _, err := f.db.UpdateFacts(as(ctx, f.dsl), got.ConcernID, nf, f.defaultTriage()); err != nil {
		t.Errorf("DSL describes the child: %v", err)
	}
}

// testFilterAccountScope checks that a filter's account sees no user but
// itself.
func testFilterAccountScope(t *testing.T, open Opener) {
	f := newFixture(t, open)
	filterA := f.user(t, f.orgA, lifeguard.RoleFilter)
	ctx := as(t.Context(), filterA)
	if _, err := f.db.User(ctx, filterA.ID); err != nil {
		t.Errorf("own user: %v", err)
	}
	_, err := f.db.User(ctx, f.dsl.ID)
	wantCode(t, err, lifeguard.ENOTFOUND)
	_, err = f.db.Users(ctx)
	wantCode(t, err, lifeguard.EFORBIDDEN)
	_, err = f.db.FindChildren(ctx, "C")
	wantCode(t, err, lifeguard.EFORBIDDEN)
	_, err = f.db.CreateConcern(ctx, lifeguard.NewConcern{Facts: facts(f.now()), Triage: f.defaultTriage()})
	wantCode(t, err, lifeguard.EFORBIDDEN)
}
