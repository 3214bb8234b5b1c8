package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// The store's tests scan with a library of three phrases: what the store
// does with matches (keeping only captures that match, the text around
// them, exclusions, ordering, alerts) does not depend on how they were
// found. The real library's scanning is internal/monitor's to test, and
// the API's tests send captures through it.
var testPhrases = []lifeguard.CaptureMatch{
	{Category: "suicide", Severity: 5, EntryID: "sui-001", Phrase: "kill myself"},
	{Category: "bullying", Severity: 3, EntryID: "bul-001", Phrase: "nobody likes you"},
	{Category: "gambling", Severity: 2, EntryID: "gam-001", Phrase: "bet slip"},
}

func testScan(text, _ string) []lifeguard.CaptureMatch {
	var out []lifeguard.CaptureMatch
	lower := strings.ToLower(text)
	for _, p := range testPhrases {
		if i := strings.Index(lower, p.Phrase); i >= 0 {
			m := p
			m.Start, m.End = i, i+len(p.Phrase)
			out = append(out, m)
		}
	}
	return out
}

// capture is capture n typed on site.
func capture(n int, at time.Time, site, text string) lifeguard.NewCapture {
	return lifeguard.NewCapture{ID: uuid(n), Time: at, Kind: lifeguard.CaptureTyped, Site: site, Device: "laptop-17",
		User: "year9", Text: text}
}

// captureConcern is what the pages build from a capture: the facts of a
// concern about a child not identified, the capture as the words.
func (f *fixture) captureConcern(text string) lifeguard.NewConcern {
	return lifeguard.NewConcern{
		Facts: lifeguard.Facts{ReportedAt: f.now().UTC().Truncate(time.Second), Setting: "school",
			Description: text, ConcernTypes: []lifeguard.ConcernType{"self_harm"}, ChildUnidentified: true},
		Triage: f.triage(route{"DSL_REVIEW", time.Hour}),
	}
}

func testCaptures(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := t.Context()
	monA := as(ctx, f.user(t, f.orgA, lifeguard.RoleMonitor))
	monB := as(ctx, f.user(t, f.orgB, lifeguard.RoleMonitor))
	dsl, dslB := as(ctx, f.dsl), as(ctx, f.dslB)
	at := f.now().Add(-time.Minute)
	long := strings.Repeat("Lots of homework today and nothing else to say. ", 40)

	var ids map[string]int64
	step(t, "OnlyMatchesAreKept", func(t *testing.T) {
		rc, err := f.db.RecordCaptures(monA, []lifeguard.NewCapture{
			capture(1, at, "chat.example.org", long+"I want to kill myself tonight. "+long),
			capture(2, at.Add(time.Second), "www.bing.com", "maths homework answers"),
			capture(3, at.Add(2*time.Second), "games.example.org", "nobody likes you, leave the group"),
			capture(4, at.Add(3*time.Second), "bets.example.org", "where do I put my bet slip"),
		}, testScan)
		if err != nil {
			t.Fatal(err)
		}
		if *rc != (lifeguard.CaptureReceipt{Accepted: 4, Matched: 3}) {
			t.Fatalf("receipt %+v", rc)
		}
		list, err := f.db.Captures(dsl, lifeguard.CaptureFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 3 || list[0].Severity != 5 || list[1].Severity != 3 || list[2].Severity != 2 {
			t.Fatalf("queue not by severity: %+v", list)
		}
		ids = map[string]int64{}
		for _, c := range list {
			ids[c.EntryID] = c.ID
			if c.Verdict != lifeguard.VerdictNone || c.Device != "laptop-17" || c.User != "year9" {
				t.Errorf("capture %d: %+v", c.ID, c)
			}
			if !c.DeleteAfter.Equal(f.now().AddDate(0, 0, lifeguard.DefaultCaptureRetentionDays)) {
				t.Errorf("capture %d deleted after %v", c.ID, c.DeleteAfter)
			}
		}
		top := list[0]
		if len(top.Context) > len("kill myself")+2*lifeguard.CaptureContext+6 || strings.Count(top.Context, "homework") > 6 {
			t.Errorf("the whole text was kept (%d bytes)", len(top.Context))
		}
		if m := top.Matches[0]; top.Context[m.Start:m.End] != "kill myself" || top.Phrase != "kill myself" {
			t.Errorf("match %+v in %q", m, top.Context)
		}
	})

	step(t, "ReportCounts", func(t *testing.T) {
		day := lifeguard.DateOf(f.now())
		rc, err := f.db.ReportCounts(as(ctx, f.officer), lifeguard.ReportQuery{From: day, To: day})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int64{}
		for _, c := range rc.Captures {
			got[c.Key] = c.N
		}
		if got["suicide"] != 1 || got["bullying"] != 1 || got["gambling"] != 1 || len(got) != 3 {
			t.Errorf("capture counts %+v", rc.Captures)
		}
	})

	step(t, "Duplicates", func(t *testing.T) {
		rc, err := f.db.RecordCaptures(monA, []lifeguard.NewCapture{capture(3, at, "games.example.org",
			"nobody likes you, leave the group")}, testScan)
		if err != nil || rc.Duplicates != 1 || rc.Matched != 0 {
			t.Fatalf("resend: %+v, %v", rc, err)
		}
	})

	step(t, "OtherOrganisation", func(t *testing.T) {
		list, err := f.db.Captures(dslB, lifeguard.CaptureFilter{})
		if err != nil || len(list) != 0 {
			t.Fatalf("B's DSL sees A's captures: %v, %v", list, err)
		}
		_, err = f.db.Capture(dslB, ids["sui-001"])
		wantCode(t, err, lifeguard.ENOTFOUND)
		_, err = f.db.Capture(dslB, 1<<40)
		wantCode(t, err, lifeguard.ENOTFOUND)
		// The same ref from another organisation is its own capture.
		rc, err := f.db.RecordCaptures(monB, []lifeguard.NewCapture{capture(3, at, "games.example.org",
			"nobody likes you")}, testScan)
		if err != nil || rc.Matched != 1 {
			t.Fatalf("B's monitor: %+v, %v", rc, err)
		}
	})

	step(t, "ExcludedSite", func(t *testing.T) {
		s := lifeguard.DefaultMonitorSettings(f.orgA.ID)
		s.ExcludedSites = []string{"Counselling.Example.org"}
		if _, err := f.db.SetMonitorSettings(as(ctx, f.manager), s); err != nil {
			t.Fatal(err)
		}
		got, err := f.db.MonitorSettings(monA, 0)
		if err != nil || len(got.ExcludedSites) != 1 || got.ExcludedSites[0] != "counselling.example.org" {
			t.Fatalf("the monitor reads %+v, %v", got, err)
		}
		rc, err := f.db.RecordCaptures(monA, []lifeguard.NewCapture{
			capture(10, at, "www.counselling.example.org", "I want to kill myself")}, testScan)
		if err != nil || rc.Excluded != 1 || rc.Matched != 0 {
			t.Fatalf("excluded site: %+v, %v", rc, err)
		}
	})

	step(t, "Review", func(t *testing.T) {
		c, err := f.db.ReviewCapture(dsl, ids["gam-001"], lifeguard.VerdictFalse, "A maths lesson on probability.")
		if err != nil {
			t.Fatal(err)
		}
		if c.Verdict != lifeguard.VerdictFalse || c.ReviewedBy == nil || *c.ReviewedBy != f.dsl.ID {
			t.Errorf("reviewed: %+v", c)
		}
		_, err = f.db.ReviewCapture(dsl, ids["bul-001"], "maybe", "")
		wantProblem(t, err, "verdict")
		c, err = f.db.ReviewCapture(dsl, ids["bul-001"], lifeguard.VerdictTrue, "")
		if err != nil {
			t.Fatal(err)
		}
		if !c.DeleteAfter.Equal(f.now().AddDate(0, 0, lifeguard.DefaultTrueCaptureRetentionDays)) {
			t.Errorf("a true positive is deleted after %v", c.DeleteAfter)
		}
		list, err := f.db.Captures(dsl, lifeguard.CaptureFilter{})
		if err != nil || len(list) != 1 || list[0].ID != ids["sui-001"] {
			t.Errorf("unreviewed after review: %+v, %v", list, err)
		}
		all, err := f.db.Captures(dsl, lifeguard.CaptureFilter{Verdict: "all"})
		if err != nil || len(all) != 3 {
			t.Errorf("all: %d, %v", len(all), err)
		}
	})

	step(t, "Concern", func(t *testing.T) {
		seq := journalLen(t, f.db)
		c, err := f.db.RecordCaptureConcern(dsl, ids["sui-001"], f.captureConcern("I want to kill myself tonight."))
		if err != nil {
			t.Fatal(err)
		}
		if c.ReporterID != f.dsl.ID || c.OrganisationID != f.orgA.ID {
			t.Errorf("concern %+v", c)
		}
		got, err := f.db.Capture(dsl, ids["sui-001"])
		if err != nil {
			t.Fatal(err)
		}
		if got.Verdict != lifeguard.VerdictTrue || got.ConcernID == nil || *got.ConcernID != c.ID {
			t.Errorf("capture after concern: %+v", got)
		}
		_, err = f.db.RecordCaptureConcern(dsl, ids["sui-001"], f.captureConcern("again"))
		wantCode(t, err, lifeguard.ECONFLICT)
		_, err = f.db.ReviewCapture(dsl, ids["sui-001"], lifeguard.VerdictFalse, "")
		wantCode(t, err, lifeguard.ECONFLICT)
		var concern, read bool
		for _, e := range journalAfter(t, f.db, seq) {
			concern = concern || e.Record == "concern" && e.Action == "create" && e.RecordID == c.ID
			read = read || e.Record == "capture" && e.Action == "read" && e.RecordID == ids["sui-001"]
			if strings.Contains(e.Detail, "kill") {
				t.Errorf("the journal holds the text: %+v", e)
			}
		}
		if !concern || !read {
			t.Errorf("journal: concern created %v, capture read %v", concern, read)
		}
	})

	step(t, "Alerts", func(t *testing.T) {
		ms := outboxOf(t, f.db, lifeguard.AlertCapture)
		if len(ms) != 1 || ms[0].RecordID != ids["sui-001"] || ms[0].UserID != f.dsl.ID {
			t.Fatalf("capture alerts: %+v", ms)
		}
		// The same device typing it again within the hour alerts no more.
		if _, err := f.db.RecordCaptures(monA, []lifeguard.NewCapture{capture(20, at, "chat.example.org",
			"kill myself")}, testScan); err != nil {
			t.Fatal(err)
		}
		if ms := outboxOf(t, f.db, lifeguard.AlertCapture); len(ms) != 1 {
			t.Errorf("%d alerts after the same again", len(ms))
		}
	})

	step(t, "IgnorePhrase", func(t *testing.T) {
		rc, err := f.db.RecordCaptures(monA, []lifeguard.NewCapture{capture(30, at, "news.example.org",
			"the cup final bet slip")}, testScan)
		if err != nil || rc.Matched != 1 {
			t.Fatalf("%+v, %v", rc, err)
		}
		list, err := f.db.Captures(dsl, lifeguard.CaptureFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var id int64
		for _, c := range list {
			if c.Site == "news.example.org" {
				id = c.ID
			}
		}
		x, err := f.db.IgnoreCapturePhrase(dsl, id)
		if err != nil || x.EntryID != "gam-001" || x.Site != "news.example.org" {
			t.Fatalf("exclusion %+v, %v", x, err)
		}
		c, err := f.db.Capture(dsl, id)
		if err != nil || c.Verdict != lifeguard.VerdictFalse {
			t.Errorf("ignored capture: %+v, %v", c, err)
		}
		rc, err = f.db.RecordCaptures(monA, []lifeguard.NewCapture{
			capture(31, at, "sport.news.example.org", "another bet slip"),
			capture(32, at, "bets.example.org", "my bet slip")}, testScan)
		if err != nil || rc.Matched != 1 {
			t.Fatalf("after the exclusion: %+v, %v", rc, err)
		}
		xs, err := f.db.CaptureExclusions(dsl)
		if err != nil || len(xs) != 1 {
			t.Errorf("exclusions %+v, %v", xs, err)
		}
	})

	step(t, "Retention", func(t *testing.T) {
		f.clock.Advance((lifeguard.DefaultCaptureRetentionDays + 1) * 24 * time.Hour)
		n, err := f.db.PruneRecords(sys(ctx), lifeguard.RetainCapture, f.now(), 100)
		if err != nil {
			t.Fatal(err)
		}
		all, err := f.db.Captures(dsl, lifeguard.CaptureFilter{Verdict: "all"})
		if err != nil {
			t.Fatal(err)
		}
		// The two true positives stay for their longer period.
		if len(all) != 2 || n == 0 {
			t.Errorf("after retention: %d deleted, %d left", n, len(all))
		}
		for _, c := range all {
			if c.Verdict != lifeguard.VerdictTrue {
				t.Errorf("capture %d (%q) outlived its retention", c.ID, c.Verdict)
			}
		}
	})
}

// testCaptureValidation checks that every field of a capture is checked,
// naming it with its place in the batch, on both engines.
func testCaptureValidation(t *testing.T, open Opener) {
	f := newFixture(t, open)
	mon := as(t.Context(), f.user(t, f.orgA, lifeguard.RoleMonitor))
	at := f.now().Add(-time.Minute)
	good := capture(1, at, "www.example.org", "hello")
	cases := []struct {
		name, path string
		change     func(c *lifeguard.NewCapture)
	}{
		{"no id", "captures[0].id", func(c *lifeguard.NewCapture) { c.ID = "" }},
		{"bad id", "captures[0].id", func(c *lifeguard.NewCapture) { c.ID = "seven" }},
		{"no time", "captures[0].time", func(c *lifeguard.NewCapture) { c.Time = time.Time{} }},
		{"future", "captures[0].time", func(c *lifeguard.NewCapture) { c.Time = at.Add(3 * time.Hour) }},
		{"kind", "captures[0].kind", func(c *lifeguard.NewCapture) { c.Kind = "spoken" }},
		{"no site", "captures[0].site", func(c *lifeguard.NewCapture) { c.Site = "" }},
		{"bad site", "captures[0].site", func(c *lifeguard.NewCapture) { c.Site = "Not A Host" }},
		{"bad url", "captures[0].url", func(c *lifeguard.NewCapture) { c.URL = "ftp://x" }},
		{"url and site differ", "captures[0].site", func(c *lifeguard.NewCapture) { c.URL = "https://other.example/" }},
		{"no device", "captures[0].device", func(c *lifeguard.NewCapture) { c.Device = "" }},
		{"long user", "captures[0].user", func(c *lifeguard.NewCapture) { c.User = strings.Repeat("u", 200) }},
		{"no text", "captures[0].text", func(c *lifeguard.NewCapture) { c.Text = " " }},
		{"long text", "captures[0].text", func(c *lifeguard.NewCapture) {
			c.Text = strings.Repeat("a", lifeguard.MaxCaptureText+1)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x := good
			c.change(&x)
			_, err := f.db.RecordCaptures(mon, []lifeguard.NewCapture{x}, testScan)
			wantProblem(t, err, c.path)
		})
	}
	t.Run("Empty", func(t *testing.T) {
		_, err := f.db.RecordCaptures(mon, nil, testScan)
		wantProblem(t, err, "captures")
	})
	t.Run("TooMany", func(t *testing.T) {
		_, err := f.db.RecordCaptures(mon, make([]lifeguard.NewCapture, lifeguard.MaxCaptureBatch+1), testScan)
		wantProblem(t, err, "captures")
	})
	t.Run("SiteFromURL", func(t *testing.T) {
		x := good
		x.Site, x.URL, x.Text = "", "https://Chat.Example.org/room?id=4", "nobody likes you"
		rc, err := f.db.RecordCaptures(mon, []lifeguard.NewCapture{x}, testScan)
		if err != nil || rc.Matched != 1 {
			t.Fatalf("%+v, %v", rc, err)
		}
		list, err := f.db.Captures(as(t.Context(), f.dsl), lifeguard.CaptureFilter{})
		if err != nil || len(list) != 1 || list[0].Site != "chat.example.org" {
			t.Errorf("%+v, %v", list, err)
		}
	})
	settings := []struct {
		name, path string
		change     func(s *lifeguard.MonitorSettings)
	}{
		{"site", "excluded_sites[1]", func(s *lifeguard.MonitorSettings) { s.ExcludedSites = []string{"a.example", "not a site"} }},
		{"notice", "notice", func(s *lifeguard.MonitorSettings) { s.Notice = "" }},
		{"retention", "retention_days", func(s *lifeguard.MonitorSettings) { s.RetentionDays = 0 }},
		{"true retention", "true_retention_days", func(s *lifeguard.MonitorSettings) { s.TrueRetentionDays = 99999 }},
	}
	for _, c := range settings {
		t.Run("Settings "+c.name, func(t *testing.T) {
			s := lifeguard.DefaultMonitorSettings(f.orgA.ID)
			c.change(&s)
			_, err := f.db.SetMonitorSettings(as(t.Context(), f.dsl), s)
			wantProblem(t, err, c.path)
		})
	}
}

// captureTarget makes a capture of A for the access cases: one per call,
// since several cases change it.
func (f *fixture) captureTarget(ctx context.Context, t *testing.T) int64 {
	t.Helper()
	id, err := f.newCapture(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// monitorAccount is A's monitor's account, made the first time it is
// asked for.
func (f *fixture) monitorAccount(ctx context.Context) (*lifeguard.User, error) {
	if f.monitor == nil {
		u, err := f.db.CreateUser(sys(ctx), lifeguard.NewUser{Email: "monitor@example.org", Name: "Monitor",
			Role: lifeguard.RoleMonitor, OrganisationID: f.orgA.ID, PasswordHash: "$argon2id$test"})
		if err != nil {
			return nil, err
		}
		f.monitor = u
	}
	return f.monitor, nil
}

// newCapture records a new capture of A by A's monitor and returns its id.
func (f *fixture) newCapture(ctx context.Context) (int64, error) {
	f.nextCapture++
	if _, err := f.monitorAccount(ctx); err != nil {
		return 0, err
	}
	if _, err := f.db.RecordCaptures(as(ctx, f.monitor), []lifeguard.NewCapture{capture(5000+f.nextCapture,
		f.now().Add(-time.Minute), "chat.example.org", "nobody likes you")}, testScan); err != nil {
		return 0, err
	}
	list, err := f.db.Captures(as(ctx, f.dsl), lifeguard.CaptureFilter{Verdict: "all", Limit: 1})
	if err != nil {
		return 0, err
	}
	if len(list) == 0 {
		return 0, fmt.Errorf("the capture was not kept")
	}
	return list[0].ID, nil
}

// captureCases are the monitoring store's methods in the access table:
// only a monitor records (no column of the table is one: all refused);
// only A's DSL sees and reviews A's captures; A's DSL and manager set the
// settings.
func captureCases(t *testing.T, f *fixture) []accessCase {
	no := []string{fb, fb, fb, fb, fb, fb, fb, fb, ua}
	dslOnly := []string{fb, fb, fb, ok, nf, fb, fb, ok, ua}
	return []accessCase{
		{"RecordCaptures", no, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.RecordCaptures(ctx, []lifeguard.NewCapture{capture(9000, f.now(), "a.example", "x")}, testScan)
			return err
		}},
		{"MonitorSettings", []string{fb, fb, ok, ok, nf, fb, fb, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.MonitorSettings(ctx, f.orgA.ID)
			return err
		}},
		{"SetMonitorSettings", []string{fb, fb, ok, ok, nf, fb, fb, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.SetMonitorSettings(ctx, lifeguard.DefaultMonitorSettings(f.orgA.ID))
			return err
		}},
		{"Captures", []string{fb, fb, fb, ok, ok, fb, fb, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.Captures(ctx, lifeguard.CaptureFilter{})
			return err
		}},
		{"Capture", dslOnly, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.Capture(ctx, f.captureTarget(ctx, t))
			return err
		}},
		{"ReviewCapture", dslOnly, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.ReviewCapture(ctx, f.captureTarget(ctx, t), lifeguard.VerdictFalse, "")
			return err
		}},
		{"RecordCaptureConcern", []string{fb, fb, fb, ok, nf, fb, fb, inv, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.RecordCaptureConcern(ctx, f.captureTarget(ctx, t), f.captureConcern("nobody likes you"))
			return err
		}},
		{"IgnoreCapturePhrase", dslOnly, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.IgnoreCapturePhrase(ctx, f.captureTarget(ctx, t))
			return err
		}},
		{"CaptureExclusions", []string{fb, fb, fb, ok, ok, fb, fb, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.CaptureExclusions(ctx)
			return err
		}},
	}
}
