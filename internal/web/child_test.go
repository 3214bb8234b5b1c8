package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestChildPage(t *testing.T) {
	f := newDSLFixture(t, nil)
	first := f.concern("staff", dslBullying, dslStart.Add(-48*time.Hour))
	child := *first.ChildID
	second := f.concernOf("staff", dslGambling, dslStart.Add(-24*time.Hour), child)
	f.postThen("dsl", concernPath(first)+"/notes", url.Values{"text": {"First note"}})
	f.clock.Advance(time.Hour)
	f.postThen("dsl", concernPath(second)+"/decisions", url.Values{"route": {"DSL_REVIEW"}, "decision": {"done"}})
	f.clock.Advance(time.Hour)
	f.postThen("dsl", concernPath(first)+"/notes", url.Values{"text": {"Second note"}})
	// Another child's concern stays off this record.
	f.concern("staff", dslMisinfo, dslStart)

	path := "/children/" + strconv.FormatInt(child, 10)
	p := f.get("dsl", path)
	if p.status != http.StatusOK {
		t.Fatalf("status %d\n%s", p.status, p.body)
	}
	checkPage(t, p)
	ref := f.childRef(first)
	mustContain(t, p, "<h1>Child "+ref+"</h1>", "About 13", "Chronology")

	t.Run("the chronology is in time order and links to each concern", func(t *testing.T) {
		entries := regexp.MustCompile(`(?s)<li class="card">\s*<p class="record-title"><time datetime="([^"]+)">.*?</li>`).
			FindAllStringSubmatch(p.body, -1)
		if len(entries) < 7 {
			t.Fatalf("%d entries, want at least 7", len(entries))
		}
		var last time.Time
		for _, e := range entries {
			at, err := time.Parse(time.RFC3339, e[1])
			if err != nil {
				t.Fatal(err)
			}
			if at.Before(last) {
				t.Errorf("entry at %s comes after one at %s", at, last)
			}
			last = at
			if !strings.Contains(e[0], `<a href="/concerns/`) {
				t.Errorf("entry without a link to its concern: %s", e[0])
			}
		}
		order := []string{"Concern reported: Cyberbullying", "Concern reported: Gambling", "First note", "Safeguarding lead reviews and records a decision: Done", "Second note"}
		pos := -1
		for _, s := range order {
			i := strings.Index(p.body, s)
			if i <= pos {
				t.Errorf("%q is out of order (at %d, after %d)", s, i, pos)
			}
			pos = i
		}
		mustContain(t, p, `href="`+concernPath(second)+`"`, "Note", "Decision on a route", "By a safeguarding lead",
			"By a member of staff")
		mustNotContain(t, p, "Harmful misinformation", "misinformation", "DSL_REVIEW done")
	})

	t.Run("only the organisation's DSL", func(t *testing.T) {
		if p := f.get("staff", path); p.status != http.StatusForbidden {
			t.Errorf("staff: %d, want 403", p.status)
		}
		if p := f.get("dslB", path); p.status != http.StatusNotFound {
			t.Errorf("another school's DSL: %d, want 404", p.status)
		}
		if p := f.get("dsl", "/children/999999"); p.status != http.StatusNotFound {
			t.Errorf("no such child: %d, want 404", p.status)
		}
	})
}
