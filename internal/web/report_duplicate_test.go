package web

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// TestReportOffersDuplicateChild records a new child by name and date of
// birth, then reports again about a "new" child of the same name and date
// of birth: the form, without script, comes back to the child step with
// that child offered and everything typed kept, records nothing, and then
// records either onto the child offered or, once confirmed, a new child.
func TestReportOffersDuplicateChild(t *testing.T) {
	f := newReportFixture(t)
	b := f.signIn("staff")
	dob := "2014-02-11"
	child := url.Values{"child": {"new"}, "child_forename": {"Perpetua"}, "child_surname": {"Ollerenshaw"}, "child_dob": {dob}}
	report := func() reportPage {
		last := b.stepsTo(t, "no", child, url.Values{"description": {reportGroomingWords}}, url.Values{"type": {"grooming"}})
		return b.next(last, nil, "next")
	}
	first := report()
	first.wantStatus(t, http.StatusSeeOther)
	firstID := reportConcernID(t, first.location)
	dsl := lifeguard.WithActor(t.Context(), &lifeguard.Actor{UserID: f.users["dsl"].ID, Role: lifeguard.RoleDSL,
		OrganisationID: f.users["dsl"].OrganisationID, PartnershipID: f.users["dsl"].PartnershipID, Via: "session"})
	c, err := f.db.Concern(dsl, firstID)
	if err != nil {
		t.Fatal(err)
	}
	kept, err := f.db.Child(dsl, *c.ChildID)
	if err != nil {
		t.Fatal(err)
	}
	if kept.LegalSurname != "Ollerenshaw" || kept.LegalForename != "Perpetua" {
		t.Fatalf("the new child's names are not kept: %+v", kept)
	}

	// The same name and date of birth again, as a new child.
	child.Set("child_surname", "OLLERENSHAW")
	offer := report()
	offer.wantStatus(t, http.StatusConflict)
	offer.wantIn(t, "step 2 of 5", "already recorded here", kept.Ref, "This is a different child",
		`value="`+strconv.FormatInt(kept.ID, 10)+" "+kept.Ref+`"`, `value="OLLERENSHAW"`, `value="`+dob+`"`,
		"private app") // the later steps' answers travel on, hidden
	page, err := f.db.ListConcerns(dsl, lifeguard.ConcernFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Concerns) != 1 {
		t.Fatalf("%d concerns after the offer, want 1", len(page.Concerns))
	}

	walk := func(answers url.Values) reportPage {
		// The page shows each step's own answers in its fields, which a
		// browser sends as they are; here they are given again.
		r := b.next(offer, answers, "next")
		for _, ans := range []url.Values{{"description": {reportGroomingWords}}, {"type": {"grooming"}}, nil} {
			r.wantStatus(t, http.StatusOK)
			r = b.next(r, ans, "next")
		}
		return r
	}
	t.Run("Confirmed different", func(t *testing.T) {
		ans := url.Values{"child": {"new"}, "child_different": {"yes"}, "child_forename": {"Perpetua"},
			"child_surname": {"Ollerenshaw"}, "child_dob": {dob}}
		done := walk(ans)
		done.wantStatus(t, http.StatusSeeOther)
		c2, err := f.db.Concern(dsl, reportConcernID(t, done.location))
		if err != nil {
			t.Fatal(err)
		}
		if *c2.ChildID == kept.ID {
			t.Errorf("confirmed a different child, but the concern is on child %d", kept.ID)
		}
	})
	t.Run("Chose the child offered", func(t *testing.T) {
		// A fresh form: the first one's token now stands for its concern.
		offer = report()
		offer.wantStatus(t, http.StatusConflict)
		done := walk(url.Values{"child": {strconv.FormatInt(kept.ID, 10) + " " + kept.Ref}, "child_dob": {dob}})
		done.wantStatus(t, http.StatusSeeOther)
		c3, err := f.db.Concern(dsl, reportConcernID(t, done.location))
		if err != nil {
			t.Fatal(err)
		}
		if *c3.ChildID != kept.ID {
			t.Errorf("chose child %d, the concern is on %d", kept.ID, *c3.ChildID)
		}
	})
}
