package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// TestAlertChoicesPage checks the alerts page: a DSL sees immediate alerts as
// always on and cannot turn them off even by posting the form without
// them; a member of staff chooses escalations only and sees nothing of the
// organisation's settings; a DSL sets the organisation's digest time,
// escalation time and list, and a bad value comes back naming the field
// with what was typed kept.
func TestAlertChoicesPage(t *testing.T) {
	f := newDSLFixture(t, nil)
	p := f.get("dsl", "/account/alerts")
	checkPage(t, p)
	mustContain(t, p, `id="immediate" checked disabled`, "Always on for safeguarding leads", `name="digest"`,
		`name="overdue_digest"`, "Your organisation's alerts", `value="16:00"`, `value="15"`,
		`<option value="`+strconv.FormatInt(f.users["staff"].ID, 10)+`">User staff (a member of staff)</option>`)

	// Posted without the immediate box, as a hand-made form would: the
	// store refuses, naming the field.
	bad := f.post("dsl", "/account/alerts", url.Values{"digest": {"on"}})
	if bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("immediate off for a DSL: %d, want 422", bad.status)
	}
	checkPage(t, bad)
	mustContain(t, bad, `href="#immediate"`, "cannot be turned off for a designated safeguarding lead")

	after := f.postThen("dsl", "/account/alerts", url.Values{"immediate": {"on"}, "escalations": {"on"}})
	mustContain(t, after, "Your alert choices are saved.")
	got, err := f.db.AlertPreferences(f.ctx("dsl"))
	if err != nil {
		t.Fatal(err)
	}
	if want := (lifeguard.AlertPreferences{Immediate: true, Escalations: true}); *got != want {
		t.Errorf("saved %+v, want %+v", *got, want)
	}

	// Staff choose escalations only, and see no organisation settings.
	sp := f.get("staff", "/account/alerts")
	checkPage(t, sp)
	mustContain(t, sp, `name="escalations"`)
	mustNotContain(t, sp, `name="digest"`, "Your organisation's alerts", `name="digest_at"`)
	f.postThen("staff", "/account/alerts", url.Values{})
	if got, err := f.db.AlertPreferences(f.ctx("staff")); err != nil || got.Escalations || !got.Digest {
		t.Errorf("staff after unticking escalations: %+v, %v", got, err)
	}
	if r := f.post("staff", "/account/alerts/organisation", url.Values{"digest_at": {"08:00"}, "zone": {"Europe/London"},
		"escalate_after_minutes": {"5"}}); r.status != http.StatusForbidden {
		t.Errorf("staff setting the organisation's alerts: %d, want 403", r.status)
	}

	// The DSL sets the organisation's settings.
	staff2 := strconv.FormatInt(f.users["staff2"].ID, 10)
	set := f.postThen("dsl", "/account/alerts/organisation", url.Values{"digest_at": {"07:45"}, "zone": {"Europe/London"},
		"escalate_after_minutes": {"10"}, "escalation_list[0]": {staff2}})
	mustContain(t, set, "The organisation&#39;s alert settings are saved.", `value="07:45"`, `value="10"`,
		`<option value="`+staff2+`" selected>`)
	s, err := f.db.AlertSettings(f.ctx("dsl"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if s.DigestAt != "07:45" || s.EscalateAfterMinutes != 10 || !slices.Equal(s.EscalationList, []int64{f.users["staff2"].ID}) {
		t.Errorf("saved %+v", s)
	}
	for _, c := range []struct {
		field, value, path string
	}{
		{"digest_at", "7pm", "digest_at"},
		{"escalate_after_minutes", "soon", "escalate_after_minutes"},
		{"escalate_after_minutes", "0", "escalate_after_minutes"},
		{"zone", "Mars/Olympus", "zone"},
		{"escalation_list[0]", strconv.FormatInt(f.users["dslB"].ID, 10), "escalation_list[0]"},
		// Chosen in the second place with the first left empty: the
		// problem is shown at the second.
		{"escalation_list[1]", strconv.FormatInt(f.users["dslB"].ID, 10), "escalation_list[1]"},
		{"escalation_list[2]", "somebody", "escalation_list[2]"},
	} {
		form := url.Values{"digest_at": {"07:45"}, "zone": {"Europe/London"}, "escalate_after_minutes": {"10"}}
		form.Set(c.field, c.value)
		r := f.post("dsl", "/account/alerts/organisation", form)
		if r.status != http.StatusUnprocessableEntity {
			t.Errorf("%s=%q: %d, want 422", c.field, c.value, r.status)
			continue
		}
		checkPage(t, r)
		mustContain(t, r, `href="#`+strings.ReplaceAll(strings.ReplaceAll(c.path, "[", "%5b"), "]", "%5d")+`"`,
			`id="`+c.path+`-error"`, `id="`+c.path+`"`)
		if !strings.HasPrefix(c.field, "escalation_list") {
			mustContain(t, r, `value="`+c.value+`"`, `aria-invalid="true"`)
		}
	}
}
