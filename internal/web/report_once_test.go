package web

import (
	"html"
	"net/http"
	"net/url"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// reportForm is the form on a page as a browser would send it, with the
// answers added and the button pressed.
func reportFormOf(t *testing.T, page reportPage, answers url.Values, button string) url.Values {
	t.Helper()
	form := url.Values{}
	for _, m := range reportHiddenInput.FindAllStringSubmatch(page.body, -1) {
		form.Add(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	for k, vs := range answers {
		form[k] = append(form[k], vs...)
	}
	form.Set("go", button)
	return form
}

// TestReportReplayRecordsOnce sends the last step of a report again, as a
// browser does on "Confirm form resubmission" or back and reload: every
// replay lands on the first report's confirmation, and there is one concern
// and one child.
func TestReportReplayRecordsOnce(t *testing.T) {
	f := newReportFixture(t)
	b := f.signIn("staff")
	last := b.stepsTo(t, "no",
		url.Values{"child": {"new"}, "child_ref": {"ONCE-7"}, "child_age": {"13"}},
		url.Values{"description": {reportGroomingWords}},
		url.Values{"type": {"grooming"}})
	final := reportFormOf(t, last, url.Values{"detail": {"threats"}}, "next")
	if final.Get("report_token") == "" {
		t.Fatal("the form carries no report token")
	}

	first := b.post("/report", final)
	first.wantStatus(t, http.StatusSeeOther)
	id := reportConcernID(t, first.location)
	for range 3 {
		again := b.post("/report", final)
		again.wantStatus(t, http.StatusSeeOther)
		if again.location != first.location {
			t.Fatalf("replay went to %s, want %s", again.location, first.location)
		}
	}
	b.get(first.location).wantStatus(t, http.StatusOK)

	dsl := lifeguard.WithActor(t.Context(), &lifeguard.Actor{UserID: f.users["dsl"].ID, Role: lifeguard.RoleDSL,
		OrganisationID: f.users["dsl"].OrganisationID, PartnershipID: f.users["dsl"].PartnershipID, Via: "session"})
	page, err := f.db.ListConcerns(dsl, lifeguard.ConcernFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Concerns) != 1 || page.Concerns[0].ID != id {
		t.Fatalf("%d concerns recorded, want the one (%d)", len(page.Concerns), id)
	}
	kids, err := f.db.FindChildren(dsl, "ONCE-")
	if err != nil {
		t.Fatal(err)
	}
	if len(kids) != 1 {
		t.Fatalf("%d children recorded, want 1", len(kids))
	}

	// A new report, from a new form, is a new concern.
	second := b.next(b.stepsTo(t, "no", url.Values{"child": {"new"}, "child_age": {"12"}},
		url.Values{"description": {"Another worry."}}, url.Values{"type": {"grooming"}}), nil, "next")
	second.wantStatus(t, http.StatusSeeOther)
	if second.location == first.location {
		t.Fatal("a new form's report went to the first one's confirmation")
	}

	// Another user replaying the first form's post records their own.
	other := f.signIn("staff2").post("/report", final)
	if other.status == http.StatusSeeOther && other.location == first.location {
		t.Fatal("another user's post with the same token was taken for the first user's report")
	}
}
