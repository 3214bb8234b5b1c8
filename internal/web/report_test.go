package web

import (
	"bytes"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

var reportHiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`)

// next submits the report form on the page with the answers given, as a
// browser would: the page's hidden fields, the answers, and the button.
func (b *reportBrowser) next(prev reportPage, answers url.Values, button string) reportPage {
	b.t.Helper()
	form := url.Values{}
	for _, m := range reportHiddenInput.FindAllStringSubmatch(prev.body, -1) {
		form.Add(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	if form.Get("step") == "" {
		b.t.Fatalf("the page has no report form:\n%s", prev.body)
	}
	for k, vs := range answers {
		form[k] = append(form[k], vs...)
	}
	form.Set("go", button)
	return b.post("/report", form)
}

// stepsTo walks the form from the start to the last step, with the answers
// for each of the first four steps, checking each page as it goes.
func (b *reportBrowser) stepsTo(t *testing.T, danger string, child, what, types url.Values) reportPage {
	t.Helper()
	r := b.get("/report")
	r.wantStatus(t, http.StatusOK)
	r.wantIn(t, "Is anyone in immediate danger?")
	r.noFileInput(t)
	for i, ans := range []url.Values{{"danger": {danger}}, child, what, types} {
		r = b.next(r, ans, "next")
		r.wantStatus(t, http.StatusOK)
		r.noFileInput(t)
		if want := "step " + strconv.Itoa(i+2) + " of 5"; !strings.Contains(r.body, want) {
			t.Fatalf("after step %d, page lacks %q:\n%s", i+1, want, r.body)
		}
	}
	return r
}

func reportYesterday() string {
	return time.Now().Add(-24 * time.Hour).Format(time.DateOnly)
}

const reportGroomingWords = `He asked me to go on a private app and said "send me a picture, our secret".`

// concernID reads the concern's id from the confirmation's address.
func reportConcernID(t *testing.T, location string) int64 {
	t.Helper()
	m := regexp.MustCompile(`^/report/(\d+)/done$`).FindStringSubmatch(location)
	if m == nil {
		t.Fatalf("redirect to %q, want /report/{id}/done", location)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

func TestReportGroomingWithImages(t *testing.T) {
	f := newReportFixture(t)
	b := f.signIn("staff")
	r := b.stepsTo(t, "no",
		url.Values{"child": {"new"}, "child_ref": {"Y8-JB"}, "child_age": {"13"}, "vuln": {"send"}},
		url.Values{"description": {reportGroomingWords}, "occurred_date": {reportYesterday()}, "occurred_time": {"19:30"}, "platform": {"GameChat"}},
		url.Values{"type": {"grooming"}, "role": {"victim"}, "party": {"adult"}, "harm": {"unsure"}})
	r.wantIn(t, "About the images", "Never look at, copy, print, forward, save or delete", "Lifeguard never stores images",
		`name="img" value="involved"`, `name="img" value="malicious_sharing"`, `name="detail" value="meeting_arranged"`)
	r.wantNotIn(t, `name="staff"`, "Call 999 now")

	r = b.next(r, url.Values{"img": {"involved", "self_generated"}, "detail": {"threats"}}, "next")
	r.wantStatus(t, http.StatusSeeOther)
	id := reportConcernID(t, r.location)

	done := b.get(r.location)
	done.wantStatus(t, http.StatusOK)
	// An adult's sexual contact with a child is referred now: the
	// confirmation says, first, to find the safeguarding lead in person.
	done.wantIn(t, "<h1>Find your safeguarding lead now</h1>", "Your report is recorded. Concern number <strong>"+strconv.FormatInt(id, 10)+"</strong>",
		"designated safeguarding lead (DSL), or their deputy, in person now", "What to do now", "What never to do",
		"Do not look at, copy, forward or delete the image", "Grooming")
	done.wantNotIn(t, "Call 999 now")
	done.noFileInput(t)

	c, err := f.db.Concern(lifeguard.WithActor(t.Context(), lifeguard.SystemActor()), id)
	if err != nil {
		t.Fatal(err)
	}
	fa := c.Facts
	if fa.Setting != "school" || !slices.Equal(fa.ConcernTypes, []lifeguard.ConcernType{"grooming"}) ||
		fa.Description != reportGroomingWords || fa.ChildRole != "victim" || !fa.Parties.AdultInvolved ||
		fa.Risk.SignificantHarm != "unsure" || !fa.Images.Involved || !fa.Images.SelfGenerated ||
		!fa.Details.Threats || fa.Details.Platform != "GameChat" || fa.OccurredAt == nil || fa.Risk.ImmediateDanger {
		t.Errorf("stored facts are not what was entered: %+v", fa)
	}
	if age, ok := fa.ChildAge(); !ok || age != 13 || !fa.HasVulnerability("send") {
		t.Errorf("stored child: %+v", fa.Child)
	}
	if c.ReporterID != f.users["staff"].ID || c.ChildID == nil {
		t.Errorf("reporter %d, child %v", c.ReporterID, c.ChildID)
	}
	for _, code := range []lifeguard.RouteCode{"DO_NOT_VIEW_IMAGES", "CEOP_REPORT", "DSL_REVIEW"} {
		if !c.Triage.HasRoute(code) {
			t.Errorf("stored triage lacks %s", code)
		}
	}
	// Nothing the reporter wrote reaches the log.
	for _, s := range []string{"private app", "our secret", "GameChat", "Y8-JB"} {
		if strings.Contains(f.logs.String(), s) {
			t.Errorf("the log holds %q", s)
		}
	}

	// Another member of staff cannot read it; the DSL can.
	(f.signIn("staff2").get(r.location)).wantStatus(t, http.StatusNotFound)
	dsl := f.signIn("dsl").get(r.location)
	dsl.wantStatus(t, http.StatusOK)
	dsl.wantIn(t, "safeguarding inbox")
}

func TestReportImmediateDanger(t *testing.T) {
	f := newReportFixture(t)
	b := f.signIn("staff")
	r := b.get("/report")
	r = b.next(r, url.Values{"danger": {"yes"}}, "next")
	r.wantStatus(t, http.StatusOK)
	// The 999 call comes above everything else, and the form goes on.
	call, main := strings.Index(r.body, "Call 999 now"), strings.Index(r.body, `id="main"`)
	h1 := strings.Index(r.body, "<h1>")
	if call < 0 || call < main || call > h1 || !strings.Contains(r.body, `class="emergency"`) {
		t.Fatalf("the 999 banner is not first on the page:\n%s", r.body)
	}
	r.wantIn(t, "step 2 of 5", `name="child_age"`)
	// It stays on every later page.
	r = b.next(r, url.Values{"child_age": {"15"}}, "next")
	r.wantIn(t, "Call 999 now", "step 3 of 5")
	r = b.next(r, url.Values{"description": {"She said she is going to meet him tonight."}}, "next")
	r = b.next(r, url.Values{"type": {"grooming"}, "party": {"adult"}}, "next")
	r.wantIn(t, "Call 999 now", "step 5 of 5")
	r = b.next(r, url.Values{"detail": {"meeting_arranged"}}, "next")
	r.wantStatus(t, http.StatusSeeOther)
	done := b.get(r.location)
	done.wantStatus(t, http.StatusOK)
	if call, h1 := strings.Index(done.body, "Call 999 now"), strings.Index(done.body, "<h1>"); call < 0 || call > h1 {
		t.Errorf("the confirmation does not say to call 999 first:\n%s", done.body)
	}
	c, err := f.db.Concern(lifeguard.WithActor(t.Context(), lifeguard.SystemActor()), reportConcernID(t, r.location))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Facts.Risk.ImmediateDanger || !c.Triage.HasRoute("EMERGENCY_999") || !c.Facts.Details.MeetingArranged {
		t.Errorf("facts %+v, routes %+v", c.Facts, c.Triage.Routes)
	}
}

// TestReportFollowUps checks that the last step asks only what the chosen
// types need.
func TestReportFollowUps(t *testing.T) {
	f := newReportFixture(t)
	b := f.signIn("manager")
	child := url.Values{"child_age": {"14"}}
	what := url.Values{"description": {"Something happened."}}
	for _, tc := range []struct {
		name      string
		child     url.Values
		types     url.Values
		want, not []string
	}{
		{"nudes sharing asks about the images", child, url.Values{"type": {"nudes_sharing"}},
			[]string{"About the images", "Never look at", `value="under_13_depicted"`, `value="capacity_concern"`,
				`value="malicious_sharing"`, `value="coercion"`},
			[]string{"About the adult", `name="staff"`, `value="meeting_arranged"`}},
		{"staff conduct asks the harm tests", url.Values{"child": {"none"}}, url.Values{"type": {"staff_conduct"}},
			[]string{"About the adult", `value="harmed_child"`, `value="possible_offence"`, `value="poses_risk"`,
				`value="unsuitable"`, `value="private_contact"`},
			[]string{"About the images", `name="img"`}},
		{"gambling asks neither", child, url.Values{"type": {"gambling"}},
			[]string{"Anything else", `value="other_settings_involved"`},
			[]string{"About the images", `name="img"`, "About the adult", `name="staff"`, `value="supply"`, `value="coercion"`}},
		{"drugs asks about supply", child, url.Values{"type": {"drugs"}},
			[]string{`value="supply"`}, []string{`name="img"`, `value="encouraged_by_other"`}},
		{"self-harm asks who encourages it", child, url.Values{"type": {"self_harm"}},
			[]string{`value="encouraged_by_other"`}, []string{`value="supply"`}},
		{"abuse images ask where they are", child, url.Values{"type": {"child_abuse_imagery"}},
			[]string{`value="location_known"`, `value="suspect_known"`, `value="known_child"`}, nil},
		{"bullying asks if repeated and hateful", child, url.Values{"type": {"cyberbullying"}},
			[]string{`value="repeated"`, `value="hate_motivated"`}, []string{`name="img"`}},
		{"pornography asks about our network", child, url.Values{"type": {"pornography"}},
			[]string{`value="on_organisation_network"`}, []string{`name="img"`}},
		// Since the England baseline 2026.2 a filtering review follows any
		// harmful content reached on the organisation's own devices.
		{"self-harm asks about our network", child, url.Values{"type": {"self_harm"}},
			[]string{`value="on_organisation_network"`}, nil},
		{"gambling asks about our network", child, url.Values{"type": {"gambling"}},
			[]string{`value="on_organisation_network"`}, nil},
		{"bullying does not ask about our network", child, url.Values{"type": {"cyberbullying"}},
			nil, []string{`value="on_organisation_network"`}},
		// and coercion matters for a live stream of the child.
		{"live streaming asks about coercion", child, url.Values{"type": {"live_streaming"}},
			[]string{`value="coercion"`, `value="known_child"`}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := b.stepsTo(t, "no", tc.child, what, tc.types)
			r.wantIn(t, tc.want...)
			r.wantNotIn(t, tc.not...)
		})
	}
}

func TestReportProblemsKeepValues(t *testing.T) {
	f := newReportFixture(t)
	b := f.signIn("staff")
	r := b.get("/report")

	// Step 1 needs an answer.
	r1 := b.next(r, nil, "next")
	r1.wantStatus(t, http.StatusUnprocessableEntity)
	r1.wantIn(t, "There is a problem", `href="#danger-yes"`, `id="danger-yes"`, "step 1 of 5")

	r = b.next(r, url.Values{"danger": {"no"}}, "next")
	// An adult's age and a reference: the problem links to the field, and
	// both values are kept.
	r2 := b.next(r, url.Values{"child_ref": {"Y11-Q"}, "child_age": {"19"}, "vuln": {"young_carer"}}, "next")
	r2.wantStatus(t, http.StatusUnprocessableEntity)
	r2.wantIn(t, `href="#child-age"`, `id="child-age"`, "under 18", `value="19"`, `value="Y11-Q"`,
		`value="young_carer" checked`, "<title>Error: ",
		// The message is beside the field too, and the field points to it.
		`<p class="error-message" id="child-age-error">`, `aria-describedby="child-age-hint child-age-error" aria-invalid="true"`)
	// Age and date of birth together.
	r2 = b.next(r2, url.Values{"child_age": {"12"}, "child_dob": {"2014-01-02"}}, "next")
	r2.wantStatus(t, http.StatusUnprocessableEntity)
	r2.wantIn(t, "not both")

	r3 := b.next(r, url.Values{"child_age": {"12"}}, "next")
	r3.wantStatus(t, http.StatusOK)
	// No description, and a time without a date.
	r4 := b.next(r3, url.Values{"occurred_time": {"10:00"}, "platform": {"ChatApp"}}, "next")
	r4.wantStatus(t, http.StatusUnprocessableEntity)
	r4.wantIn(t, `href="#description"`, `href="#occurred-date"`, `value="ChatApp"`, `value="10:00"`)
	// A date in the future.
	r4 = b.next(r3, url.Values{"description": {"Words & <things>"}, "occurred_date": {"2999-01-01"}}, "next")
	r4.wantStatus(t, http.StatusUnprocessableEntity)
	r4.wantIn(t, "cannot be in the future", "Words &amp; &lt;things&gt;</textarea>")

	r5 := b.next(r3, url.Values{"description": {"Words & <things>"}}, "next")
	r5.wantStatus(t, http.StatusOK)
	// No type.
	r6 := b.next(r5, url.Values{"role": {"victim"}}, "next")
	r6.wantStatus(t, http.StatusUnprocessableEntity)
	r6.wantIn(t, "Tick at least one kind of concern", `href="#`+firstTypeFieldID()+`"`, `value="victim" checked`)

	// Going back keeps everything.
	back := b.next(r5, nil, "back")
	back.wantStatus(t, http.StatusOK)
	back.wantIn(t, "step 3 of 5", "Words &amp; &lt;things&gt;</textarea>")

	// A tampered last step whose description was removed goes back to the
	// step that asks it, and nothing is recorded.
	last := b.next(r5, url.Values{"type": {"cyberbullying"}}, "next")
	last.wantStatus(t, http.StatusOK)
	form := url.Values{}
	for _, m := range reportHiddenInput.FindAllStringSubmatch(last.body, -1) {
		if m[1] != "description" {
			form.Add(m[1], html.UnescapeString(m[2]))
		}
	}
	form.Set("go", "next")
	sent := b.post("/report", form)
	sent.wantStatus(t, http.StatusUnprocessableEntity)
	sent.wantIn(t, "step 3 of 5", `href="#description"`)

	// No child for a child's concern is refused on the types step.
	noChild := b.stepsTo(t, "no", url.Values{"child": {"none"}}, url.Values{"description": {"x"}}, url.Values{"type": {"staff_conduct"}})
	back = b.next(noChild, nil, "back")
	r7 := b.next(back, url.Values{"type": {"gambling"}}, "next")
	r7.wantStatus(t, http.StatusUnprocessableEntity)
	r7.wantIn(t, "without a child")
}

func TestReportFindChild(t *testing.T) {
	f := newReportFixture(t)
	b := f.signIn("staff")
	what := url.Values{"description": {"First concern."}}
	types := url.Values{"type": {"gambling"}}
	r := b.stepsTo(t, "no", url.Values{"child_ref": {"Y7-AB"}, "child_age": {"11"}}, what, types)
	r = b.next(r, nil, "next")
	r.wantStatus(t, http.StatusSeeOther)
	first, err := f.db.Concern(lifeguard.WithActor(t.Context(), lifeguard.SystemActor()), reportConcernID(t, r.location))
	if err != nil {
		t.Fatal(err)
	}

	r = b.next(b.get("/report"), url.Values{"danger": {"no"}}, "next")
	found := b.next(r, url.Values{"find": {"Y7"}, "child_age": {"11"}}, "find")
	found.wantStatus(t, http.StatusOK)
	value := strconv.FormatInt(*first.ChildID, 10) + " Y7-AB"
	found.wantIn(t, "1 found", `value="`+value+`"`, `value="11"`, "step 2 of 5")
	none := b.next(r, url.Values{"find": {"Z9"}}, "find")
	none.wantIn(t, "No child of your organisation matches that")

	// The age is asked again: staff cannot read a child's record, and the
	// advice depends on the age now.
	r = b.next(found, url.Values{"child": {value}, "child_age": {"11"}}, "next")
	r.wantStatus(t, http.StatusOK)
	// Back on the child step, the child chosen is still chosen.
	back := b.next(r, nil, "back")
	back.wantIn(t, `value="`+value+`" checked`, "Y7-AB")
	r = b.next(r, what, "next")
	r = b.next(r, types, "next")
	r = b.next(r, nil, "next")
	r.wantStatus(t, http.StatusSeeOther)
	second, err := f.db.Concern(lifeguard.WithActor(t.Context(), lifeguard.SystemActor()), reportConcernID(t, r.location))
	if err != nil {
		t.Fatal(err)
	}
	if second.ChildID == nil || *second.ChildID != *first.ChildID {
		t.Errorf("second concern's child %v, want %d", second.ChildID, *first.ChildID)
	}

	// A reference already used, for a new child, is a problem on the child step.
	r = b.stepsTo(t, "no", url.Values{"child_ref": {"Y7-AB"}, "child_age": {"11"}}, what, types)
	r = b.next(r, nil, "next")
	r.wantStatus(t, http.StatusUnprocessableEntity)
	r.wantIn(t, "step 2 of 5", `href="#child-ref"`, "already used")
}

func TestReportStaffOnlyNeedsNoChild(t *testing.T) {
	f := newReportFixture(t)
	b := f.signIn("staff")
	r := b.stepsTo(t, "no", url.Values{"child": {"none"}}, url.Values{"description": {"A parent posted abuse about me."}},
		url.Values{"type": {"professional_targeted"}})
	r.wantNotIn(t, `name="img"`, `name="staff"`)
	r = b.next(r, nil, "next")
	r.wantStatus(t, http.StatusSeeOther)
	c, err := f.db.Concern(lifeguard.WithActor(t.Context(), lifeguard.SystemActor()), reportConcernID(t, r.location))
	if err != nil {
		t.Fatal(err)
	}
	if c.ChildID != nil || c.Facts.Child != nil || !c.Triage.HasRoute("PROFESSIONALS_HELPLINE") {
		t.Errorf("child %v, facts %+v, routes %+v", c.ChildID, c.Facts.Child, c.Triage.Routes)
	}
}

func TestReportRefusals(t *testing.T) {
	f := newReportFixture(t)
	t.Run("signed out goes to sign in", func(t *testing.T) {
		r := f.visitor().get("/report")
		r.wantStatus(t, http.StatusSeeOther)
		if !strings.HasPrefix(r.location, "/signin") {
			t.Errorf("redirect to %q", r.location)
		}
	})
	t.Run("partnership officer gets 403", func(t *testing.T) {
		b := f.signIn("partnership")
		for _, r := range []reportPage{b.get("/report"), b.post("/report", url.Values{"step": {"1"}, "danger": {"no"}}),
			b.get("/report/1/done")} {
			r.wantStatus(t, http.StatusForbidden)
			r.wantIn(t, "You cannot do that")
		}
	})
	t.Run("cross-site post is refused", func(t *testing.T) {
		b := f.signIn("staff")
		r := b.postFrom("/report", url.Values{"step": {"1"}, "danger": {"no"}}, "cross-site")
		r.wantStatus(t, http.StatusForbidden)
		r.wantIn(t, "sent from another site")
		// The same post from Lifeguard's own page goes on.
		b.post("/report", url.Values{"step": {"1"}, "danger": {"no"}}).wantStatus(t, http.StatusOK)
	})
	t.Run("files are refused", func(t *testing.T) {
		b := f.signIn("staff")
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("step", "1")
		mw.WriteField("danger", "no")
		fw, _ := mw.CreateFormFile("image", "photo.jpg")
		fw.Write([]byte("not an image"))
		mw.Close()
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, f.url+"/report", &body)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		r := b.do(req)
		r.wantStatus(t, http.StatusUnprocessableEntity)
		r.wantIn(t, "does not take files")
	})
	t.Run("no such concern", func(t *testing.T) {
		b := f.signIn("staff")
		(b.get("/report/999/done")).wantStatus(t, http.StatusNotFound)
		(b.get("/report/x/done")).wantStatus(t, http.StatusNotFound)
	})
}

func TestReportSplitGuidance(t *testing.T) {
	do, never := splitReporterGuidance([]string{"Write down what the child said.", "Do not promise to keep it secret.",
		"Never take a device away.", "Keep the messages, but never an image."})
	if len(do) != 2 || len(never) != 2 || never[0] != "Do not promise to keep it secret." {
		t.Errorf("do %q, never %q", do, never)
	}
}

// TestReportRadicalisationDefinition checks that the form describes
// radicalisation as the England baseline 2026.2 defines it.
func TestReportRadicalisationDefinition(t *testing.T) {
	f := newReportFixture(t)
	b := f.signIn("staff")
	r := b.get("/report")
	for _, ans := range []url.Values{{"danger": {"no"}}, {"child_age": {"14"}}, {"description": {"Posts about school shootings."}}} {
		r = b.next(r, ans, "next")
	}
	r.wantIn(t, "step 4 of 5", `value="radicalisation"`, "a mixed, unclear or unstable ideology",
		"a fixation on mass violence (such as school shootings) with no stated cause")
}
