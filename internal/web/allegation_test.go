package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"
)

// TestLADOReferralAsksTheAdultsBirth: the form to refer an allegation to
// the LADO asks for the adult's date of birth (optional), which sets how
// long the records are kept; a date that is not real is refused naming
// the field.
func TestLADOReferralAsksTheAdultsBirth(t *testing.T) {
	f := newDSLFixture(t, nil)
	f.postThen("alertsadmin", "/referrals/directory", url.Values{"route": {"LADO_REFERRAL"},
		"organisation_id": {strconv.FormatInt(f.orgB.ID, 10)}})
	c := f.concern("staff", `{"setting":"school","concern_types":["staff_conduct"],"staff":{"private_contact":true,"unsuitable":true},`+
		`"description":"A teacher messaged a pupil at night."}`, dslStart)
	concern := "/concerns/" + strconv.FormatInt(c.ID, 10)
	p := f.get("dsl", concern)
	checkPage(t, p)
	mustContain(t, p, "Date of birth of the adult concerned", `name="subject_date_of_birth"`)
	bad := f.post("dsl", concern+"/referrals", url.Values{"route": {"LADO_REFERRAL"}, "subject_date_of_birth": {"1980-02-30"}})
	if bad.status != http.StatusUnprocessableEntity && bad.status != http.StatusBadRequest {
		t.Errorf("a date that is not real: %d", bad.status)
	}
	mustContain(t, bad, "subject_date_of_birth")
	p = f.postThen("dsl", concern+"/referrals", url.Values{"route": {"LADO_REFERRAL"}, "subject_date_of_birth": {"1980-05-17"}})
	mustContain(t, p, "Sent to "+f.orgB.Name)
}
