package web_test

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// position is where concern id's entry starts on the inbox page, -1 when
// it is not there.
func position(body string, id int64) int {
	return strings.Index(body, `href="/concerns/`+strconv.FormatInt(id, 10)+`"`)
}

// item is the inbox entry of concern id.
func item(t *testing.T, body string, id int64) string {
	t.Helper()
	i := position(body, id)
	if i < 0 {
		t.Fatalf("concern %d is not in the inbox", id)
	}
	rest := body[i:]
	if j := strings.Index(rest, "</li>"); j > 0 {
		rest = rest[:j]
	}
	return rest
}

func TestInbox(t *testing.T) {
	f := newDSLFixture(t, nil)
	// Two days ago, before the close of the day: its same-day routes are
	// now overdue.
	old := f.concern("staff", dslBullying, dslStart.Add(-48*time.Hour))
	// Reported now: due at 17:00 today.
	today := f.concern("staff", dslGambling, dslStart)
	// Yesterday, so overdue since 17:00 yesterday; and worked on, so no
	// longer new.
	worked := f.concern("staff", dslMisinfo, dslStart.Add(-24*time.Hour))
	ctx := f.ctx("dsl")
	if _, err := f.db.AddNote(ctx, worked.ID, "Spoke to the form tutor."); err != nil {
		t.Fatal(err)
	}
	closed := f.concern("staff", dslGambling, dslStart.Add(-72*time.Hour))
	if _, err := f.db.CloseConcern(ctx, closed.ID, lifeguard.NewOutcome{Code: "no_further_action", Summary: "Resolved.",
		CloseAnyway: "Closed for the test with work left."}); err != nil {
		t.Fatal(err)
	}
	// Another school's concern never shows.
	other := f.concern("dslB", dslGambling, dslStart.Add(-96*time.Hour))

	t.Run("order and overdue first", func(t *testing.T) {
		p := f.get("dsl", "/inbox")
		if p.status != http.StatusOK {
			t.Fatalf("status %d\n%s", p.status, p.body)
		}
		checkPage(t, p)
		a, b, c := position(p.body, old.ID), position(p.body, worked.ID), position(p.body, today.ID)
		if a < 0 || b < 0 || c < 0 || !(a < b && b < c) {
			t.Errorf("order: overdue %d, worked %d, today %d; want the overdue concern first, then by deadline", a, b, c)
		}
		if !strings.Contains(item(t, p.body, old.ID), `<span class="tag overdue">Overdue</span>`) {
			t.Error("the overdue concern is not marked Overdue in words")
		}
		if strings.Contains(item(t, p.body, today.ID), "Overdue") {
			t.Error("a concern due later today is marked overdue")
		}
		for _, id := range []int64{closed.ID, other.ID} {
			if position(p.body, id) >= 0 {
				t.Errorf("concern %d is in the open inbox", id)
			}
		}
		mustContain(t, p, "Concern "+strconv.FormatInt(old.ID, 10)+": Cyberbullying", "Wed 18 Nov 2026, 17:00",
			"Tue 17 Nov 2026, 17:00")
	})

	t.Run("title counts the new concerns", func(t *testing.T) {
		p := f.get("dsl", "/inbox")
		// old and today are new; worked is in progress.
		if got := pageTitle(p.body); got != "Inbox (2 new) – Lifeguard" {
			t.Errorf("title %q", got)
		}
	})

	t.Run("filters", func(t *testing.T) {
		for _, tc := range []struct {
			name  string
			query url.Values
			want  []int64
			not   []int64
		}{
			{"closed", url.Values{"status": {"closed"}}, []int64{closed.ID}, []int64{old.ID, today.ID}},
			{"all", url.Values{"status": {"all"}}, []int64{closed.ID, old.ID, today.ID, worked.ID}, []int64{other.ID}},
			{"in progress", url.Values{"status": {"in_progress"}}, []int64{worked.ID}, []int64{old.ID, today.ID}},
			{"type", url.Values{"type": {"gambling"}}, []int64{today.ID}, []int64{old.ID, worked.ID, closed.ID}},
			{"type and status", url.Values{"type": {"gambling"}, "status": {"all"}}, []int64{today.ID, closed.ID}, []int64{old.ID}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				p := f.get("dsl", "/inbox?"+tc.query.Encode())
				if p.status != http.StatusOK {
					t.Fatalf("status %d", p.status)
				}
				for _, id := range tc.want {
					if position(p.body, id) < 0 {
						t.Errorf("concern %d missing", id)
					}
				}
				for _, id := range tc.not {
					if position(p.body, id) >= 0 {
						t.Errorf("concern %d shown", id)
					}
				}
			})
		}
	})

	t.Run("filter by child", func(t *testing.T) {
		ref := f.childRef(old)
		p := f.get("dsl", "/inbox?"+url.Values{"child": {ref}}.Encode())
		if p.status != http.StatusOK {
			t.Fatalf("status %d\n%s", p.status, p.body)
		}
		if position(p.body, old.ID) < 0 || position(p.body, today.ID) >= 0 {
			t.Error("the child filter does not select the child's concerns alone")
		}
		mustContain(t, p, `value="`+ref+`"`)
	})

	t.Run("bad filters are problems", func(t *testing.T) {
		p := f.get("dsl", "/inbox?status=lost&type=knitting&child=nobody")
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", p.status)
		}
		checkPage(t, p)
		mustContain(t, p, "There is a problem", `href="#status"`, `href="#type"`, `href="#child"`,
			`aria-describedby="child-hint child-error"`, `value="nobody"`)
	})

	t.Run("a stale page is a problem, not an error", func(t *testing.T) {
		p := f.get("dsl", "/inbox?cursor=not-a-cursor")
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", p.status)
		}
		mustContain(t, p, "Start again from the first page", `href="/inbox"`)
	})

	t.Run("only a DSL", func(t *testing.T) {
		p := f.get("staff", "/inbox")
		if p.status != http.StatusForbidden {
			t.Errorf("staff: status %d, want 403", p.status)
		}
	})
}

func TestInboxPages(t *testing.T) {
	f := newDSLFixture(t, nil)
	ids := map[int64]bool{}
	for i := range 53 {
		c := f.concern("staff", dslGambling, dslStart.Add(-time.Duration(i)*time.Minute))
		ids[c.ID] = true
	}
	p := f.get("dsl", "/inbox")
	next := regexp1(p.body, `<a href="([^"]+)" rel="next">Next page</a>`)
	if next == "" {
		t.Fatal("no Next page link on the first page")
	}
	seen := strings.Count(p.body, `<li class="card`)
	next = strings.ReplaceAll(next, "&amp;", "&")
	p2 := f.get("dsl", next)
	if p2.status != http.StatusOK {
		t.Fatalf("next page: %d", p2.status)
	}
	seen += strings.Count(p2.body, `<li class="card`)
	if seen != 53 {
		t.Errorf("two pages show %d concerns, want 53", seen)
	}
	mustContain(t, p2, "First page")
	mustNotContain(t, p2, "Next page")
}

// BenchmarkInboxPage is the whole inbox request over HTTP with a full first
// page of 50 concerns: session, one ListConcerns call, and the template.
// The store's own figure at a million concerns is BenchmarkListInbox1M in
// internal/sqlstore; the page adds this on top.
func BenchmarkInboxPage(b *testing.B) {
	f := newDSLFixture(b, nil)
	for i := range 60 {
		f.concern("staff", dslBullying, dslStart.Add(-time.Duration(i)*time.Hour))
	}
	c := f.client("dsl")
	for b.Loop() {
		res, err := c.Get(f.url + "/inbox")
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			b.Fatal(res.Status)
		}
	}
}
