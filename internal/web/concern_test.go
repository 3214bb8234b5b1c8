package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

func concernPath(c *lifeguard.Concern) string { return "/concerns/" + strconv.FormatInt(c.ID, 10) }

// postForms lists where the page's forms post.
func postForms(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<form method="post" action="([^"]+)"`).FindAllStringSubmatch(body, -1) {
		if m[1] != "/signout" {
			out = append(out, m[1])
		}
	}
	return out
}

func TestConcernAccess(t *testing.T) {
	f := newDSLFixture(t, nil)
	c := f.concern("staff", dslGrooming, dslStart)
	path := concernPath(c)
	for _, tc := range []struct {
		who    string
		status int
	}{
		{"dsl", http.StatusOK},
		{"staff", http.StatusOK},
		// Another school's DSL, and a colleague who did not report it,
		// get the same answer as for a concern that does not exist.
		{"dslB", http.StatusNotFound},
		{"staff2", http.StatusNotFound},
	} {
		t.Run(tc.who, func(t *testing.T) {
			p := f.get(tc.who, path)
			if p.status != tc.status {
				t.Fatalf("status %d, want %d", p.status, tc.status)
			}
			if tc.status == http.StatusNotFound {
				missing := f.get(tc.who, "/concerns/999999")
				if missing.status != http.StatusNotFound || pageTitle(missing.body) != pageTitle(p.body) {
					t.Error("another organisation's concern does not answer exactly as a missing one")
				}
				mustNotContain(t, p, "Grooming", "game chat")
				post := f.post(tc.who, path+"/notes", url.Values{"text": {"Hello"}})
				if post.status != http.StatusNotFound {
					t.Errorf("a note on it: status %d, want 404", post.status)
				}
			}
		})
	}
	t.Run("not signed in", func(t *testing.T) {
		res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Get(f.url + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/signin") {
			t.Errorf("status %d to %q, want the sign-in page", res.StatusCode, res.Header.Get("Location"))
		}
	})
}

func TestConcernPage(t *testing.T) {
	f := newDSLFixture(t, nil)
	c := f.concern("staff", dslGrooming, dslStart)
	p := f.get("dsl", concernPath(c))
	checkPage(t, p)
	mustContain(t, p,
		"<h1>Concern "+strconv.FormatInt(c.ID, 10)+": Grooming</h1>",
		// Facts in plain English.
		`<dt>Child&#39;s age</dt><dd>12 when reported</dd>`,
		"An adult is involved, or someone believed to be one",
		"Harmed or at risk of harm",
		// Routes with urgency, deadline, reasons, rules.
		"Refer to children&#39;s social care", "Wed 18 Nov 2026, 10:00", "Wed 18 Nov 2026, 17:00", "ADULT_SEXUAL",
		"Today: by the end of the working day",
		// Who recorded it, and the child's record.
		"User staff", `href="/children/`+strconv.FormatInt(*c.ChildID, 10)+`"`,
		`href="`+concernPath(c)+`/facts"`,
		// The service each reporting route uses, linked to its help card.
		`<a href="/help#svc-ceop">`,
	)
	for _, want := range []string{"/decisions", "/actions", "/evidence", "/notes", "/close"} {
		if !slicesHasSuffix(postForms(p.body), want) {
			t.Errorf("the DSL has no form posting to …%s", want)
		}
	}
	// A grooming concern is not about images: no notice.
	mustNotContain(t, p, "Never upload, view or keep the images")

	t.Run("overdue routes say so", func(t *testing.T) {
		// Past the procedure's window of "now" (an hour) after the report.
		f.clock.Advance(time.Hour + time.Minute)
		p := f.get("dsl", concernPath(c))
		route := section(t, p.body, `id="route-CSC_REFERRAL"`, "</article>")
		if !strings.Contains(route, `<span class="tag overdue">Overdue</span>`) || !strings.Contains(route, "(overdue)") {
			t.Errorf("an immediate route an hour and a minute on is not marked overdue:\n%s", route)
		}
		route = section(t, p.body, `id="route-DSL_REVIEW"`, "</article>")
		if strings.Contains(route, "Overdue") {
			t.Error("a route due at 17:00 is marked overdue at 11:01")
		}
	})
}

func slicesHasSuffix(list []string, suffix string) bool {
	for _, s := range list {
		if strings.HasSuffix(s, suffix) {
			return true
		}
	}
	return false
}

// section is the part of body from the first start to the next end after it.
func section(t *testing.T, body, start, end string) string {
	t.Helper()
	i := strings.Index(body, start)
	if i < 0 {
		t.Fatalf("page lacks %q", start)
	}
	rest := body[i:]
	if j := strings.Index(rest, end); j >= 0 {
		return rest[:j]
	}
	return rest
}

func TestDecisions(t *testing.T) {
	f := newDSLFixture(t, nil)
	c := f.concern("staff", dslGrooming, dslStart)
	path := concernPath(c)

	t.Run("decline without a reason is shown again with the problem", func(t *testing.T) {
		p := f.post("dsl", path+"/decisions", url.Values{"route": {"INFORM_PARENTS"}, "decision": {"declined"},
			"reason": {""}, "reference": {"kept-1"}})
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422", p.status)
		}
		checkPage(t, p)
		mustContain(t, p, "There is a problem",
			// The summary names the route; the field's own message sits by it.
			`<a href="#d-INFORM_PARENTS-reason">Tell parents or carers: reason for declining is required</a>`,
			`</span>Reason for declining is required</p>`,
			`id="d-INFORM_PARENTS-reason-error"`, `aria-invalid="true"`,
			// What was chosen and typed is kept, and the form is open.
			`value="declined" checked`, `value="kept-1"`)
		form := section(t, p.body, `id="route-INFORM_PARENTS"`, "</article>")
		if !strings.Contains(form, `<details class="decide" open>`) {
			t.Error("the route's form with the problem is not open")
		}
		if n := len(f.reload(c.ID).Decisions); n != 0 {
			t.Errorf("%d decisions stored", n)
		}
	})

	t.Run("decline with a reason", func(t *testing.T) {
		p := f.postThen("dsl", path+"/decisions", url.Values{"route": {"INFORM_PARENTS"}, "decision": {"declined"},
			"reason": {"The child's father is the suspected adult."}})
		mustContain(t, p, "Your decision is recorded.", "The child&#39;s father is the suspected adult.", "Declined", "User dsl (you)")
		route := section(t, p.body, `id="route-INFORM_PARENTS"`, "</article>")
		if strings.Contains(route, "<form") {
			t.Error("a declined route still has a decision form")
		}
	})

	t.Run("done with a reference is recorded and shown", func(t *testing.T) {
		// Ten minutes after the report: the immediate route's deadline has
		// passed, but not the window of "now", so the referral is on time.
		f.clock.Advance(10 * time.Minute)
		p := f.postThen("dsl", path+"/decisions", url.Values{"route": {"CSC_REFERRAL"}, "decision": {"done"},
			"reference": {"MASH-2026-0042"}})
		mustContain(t, p, "Recorded as done, with its reference.")
		route := section(t, p.body, `id="route-CSC_REFERRAL"`, "</article>")
		for _, want := range []string{"<strong>Done</strong> by User dsl (you), Wed 18 Nov 2026, 10:10", "Reference: MASH-2026-0042",
			`<span class="tag">On time</span>`, "Decided"} {
			if !strings.Contains(route, want) {
				t.Errorf("route lacks %q", want)
			}
		}
		d := f.reload(c.ID).Decisions
		if len(d) != 2 || d[1].Reference != "MASH-2026-0042" || d[1].Decision != lifeguard.DecisionDone {
			t.Errorf("decisions stored: %+v", d)
		}
	})

	t.Run("accepted on time, then done", func(t *testing.T) {
		p := f.postThen("dsl", path+"/decisions", url.Values{"route": {"DSL_REVIEW"}, "decision": {"accepted"}})
		route := section(t, p.body, `id="route-DSL_REVIEW"`, "</article>")
		if !strings.Contains(route, `<span class="tag">On time</span>`) || !strings.Contains(route, "<form") {
			t.Errorf("an accepted route: want on time, and a form to mark it done:\n%s", route)
		}
	})

	t.Run("staff cannot decide", func(t *testing.T) {
		p := f.post("staff", path+"/decisions", url.Values{"route": {"DSL_REVIEW"}, "decision": {"done"}})
		if p.status != http.StatusForbidden {
			t.Errorf("status %d, want 403", p.status)
		}
	})
}

func TestProposedDecision(t *testing.T) {
	f := newDSLFixture(t, nil)
	c := f.concern("staff", dslNudes, dslStart)
	path := concernPath(c)
	p := f.get("dsl", path)
	mustContain(t, p, "Proposed decision: Handled within the setting", "Do you confirm the proposed decision")
	p = f.post("dsl", path+"/decisions", url.Values{"route": {"PROPOSED_DECISION"}, "decision": {"accepted"}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("confirm without a reason: status %d", p.status)
	}
	mustContain(t, p, `href="#d-PROPOSED_DECISION-reason"`)
	p = f.postThen("dsl", path+"/decisions", url.Values{"route": {"PROPOSED_DECISION"}, "decision": {"accepted"},
		"reason": {"Two 15-year-olds, consensual, no aggravating factor."}})
	proposal := section(t, p.body, `id="proposal-heading"`, "</article>")
	if !strings.Contains(proposal, "<strong>Confirmed</strong>") || strings.Contains(proposal, "<form") {
		t.Errorf("a confirmed proposal:\n%s", proposal)
	}
}

func TestActions(t *testing.T) {
	f := newDSLFixture(t, nil)
	c := f.concern("staff", dslBullying, dslStart)
	path := concernPath(c)

	p := f.post("dsl", path+"/actions", url.Values{"title": {"Meet the parents"}, "owner": {""}, "due": {"2026-02-30"}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("a bad date: status %d", p.status)
	}
	checkPage(t, p)
	mustContain(t, p, `href="#action-due"`, `value="Meet the parents"`, `value="2026-02-30"`)

	p = f.post("dsl", path+"/actions", url.Values{"title": {"Meet the parents"}, "owner": {""}, "due": {"2026-11-20"}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("no owner: status %d", p.status)
	}
	mustContain(t, p, `<a href="#action-owner">Who will do it is required</a>`)

	p = f.postThen("dsl", path+"/actions", url.Values{"title": {"Meet the parents"}, "owner": {"Head of year 8"}, "due": {"2026-11-20"}})
	mustContain(t, p, "The action is added.", "Meet the parents", "Head of year 8", "Fri 20 Nov 2026", "To do")
	done := regexp1(p.body, `<form method="post" action="(/concerns/\d+/actions/\d+/done)">`)
	if done == "" {
		t.Fatal("no Mark done form")
	}
	p = f.postThen("dsl", done, nil)
	mustContain(t, p, "The action is marked done.", `<dt>Done</dt><dd>Wed 18 Nov 2026, 10:00</dd>`)
	if regexp1(p.body, `action="(/concerns/\d+/actions/\d+/done)"`) != "" {
		t.Error("a done action can still be marked done")
	}

	t.Run("an action past its date is overdue", func(t *testing.T) {
		p := f.postThen("dsl", path+"/actions", url.Values{"title": {"Call the platform"}, "owner": {"DSL"}, "due": {"2026-11-19"}})
		f.clock.Advance(48 * time.Hour)
		p = f.get("dsl", path)
		item := section(t, p.body, "Call the platform", "</li>")
		if !strings.Contains(item, "Overdue") {
			t.Errorf("an action due yesterday is not overdue:\n%s", item)
		}
	})
}

func TestEvidence(t *testing.T) {
	f := newDSLFixture(t, nil)
	nudes := f.concern("staff", dslNudes, dslStart)
	bullying := f.concern("staff", dslBullying, dslStart)

	t.Run("image concerns say images are never uploaded", func(t *testing.T) {
		for _, who := range []string{"dsl", "staff"} {
			p := f.get(who, concernPath(nudes))
			checkPage(t, p)
			mustContain(t, p, "Never upload, view or keep the images", "Describe the images in words only.")
		}
		// A concern of another type with images.involved is about images too.
		img := f.concern("staff", `{"setting":"school","concern_types":["cyberbullying"],"child":{"age":13},"child_role":"victim","images":{"involved":true}}`, dslStart)
		mustContain(t, f.get("dsl", concernPath(img)), "Never upload, view or keep the images")
		p := f.get("dsl", concernPath(bullying))
		mustNotContain(t, p, "Never upload, view or keep the images")
		// Every concern page says that Lifeguard takes no file.
		mustContain(t, p, "has no way to upload a file")
	})

	t.Run("a file is refused", func(t *testing.T) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("what", "Photo")
		mw.WriteField("location", "Here")
		mw.WriteField("held_by", "Me")
		fw, _ := mw.CreateFormFile("file", "image.jpg")
		fw.Write([]byte("\xff\xd8\xff not really an image"))
		mw.Close()
		req, _ := http.NewRequestWithContext(t.Context(), "POST", f.url+concernPath(nudes)+"/evidence", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		res, err := f.client("dsl").Do(req)
		if err != nil {
			t.Fatal(err)
		}
		p := f.read(res)
		if p.status != http.StatusUnprocessableEntity {
			t.Errorf("status %d, want 422", p.status)
		}
		mustContain(t, p, "Lifeguard never accepts files")
		if n := len(f.reload(nudes.ID).Evidence); n != 0 {
			t.Errorf("%d evidence records stored", n)
		}
	})

	t.Run("a description is recorded", func(t *testing.T) {
		p := f.post("dsl", concernPath(nudes)+"/evidence", url.Values{"what": {"Phone with the image"}, "location": {""},
			"held_by": {""}, "sha256": {"abc"}})
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", p.status)
		}
		mustContain(t, p, `href="#evidence-location"`, `href="#evidence-held_by"`, `href="#evidence-sha256"`,
			`value="Phone with the image"`)
		sum := strings.Repeat("AB", 32)
		p = f.postThen("dsl", concernPath(nudes)+"/evidence", url.Values{"what": {"Phone with the image"},
			"location": {"Locked in the head's safe"}, "held_by": {"Head teacher"}, "sha256": {sum}})
		mustContain(t, p, "The evidence record is added.", "Locked in the head&#39;s safe", "Head teacher",
			strings.ToLower(sum))
	})
}

func TestNotes(t *testing.T) {
	f := newDSLFixture(t, nil)
	c := f.concern("staff", dslBullying, dslStart)
	p := f.post("dsl", concernPath(c)+"/notes", url.Values{"text": {"   "}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", p.status)
	}
	mustContain(t, p, `<a href="#note-text">Note is required</a>`)
	p = f.postThen("dsl", concernPath(c)+"/notes", url.Values{"text": {"Spoke to the form tutor.\nShe will watch the group chat."}})
	mustContain(t, p, "Your note is added.", "Spoke to the form tutor.\nShe will watch the group chat.", "User dsl (you)")
}

func TestStaffOnTheirConcern(t *testing.T) {
	f := newDSLFixture(t, nil)
	c := f.concern("staff", dslGrooming, dslStart)
	path := concernPath(c)
	// The DSL works it first: the reporter must not see that work.
	f.postThen("dsl", path+"/notes", url.Values{"text": {"DSL's private note"}})
	f.postThen("dsl", path+"/actions", url.Values{"title": {"Ring the front door"}, "owner": {"DSL"}, "due": {"2026-11-18"}})
	f.postThen("dsl", path+"/decisions", url.Values{"route": {"INFORM_PARENTS"}, "decision": {"declined"}, "reason": {"Risk at home."}})

	p := f.get("staff", path)
	checkPage(t, p)
	forms := postForms(p.body)
	if len(forms) != 2 || !slicesHasSuffix(forms, "/notes") || !slicesHasSuffix(forms, "/evidence") {
		t.Errorf("staff see forms %v, want notes and evidence only", forms)
	}
	mustContain(t, p, "Refer to children&#39;s social care", "A man in a game chat")
	mustNotContain(t, p, "DSL&#39;s private note", "Ring the front door", "Risk at home.", "Change the facts", "/children/")

	p = f.postThen("staff", path+"/notes", url.Values{"text": {"She told me more today."}})
	mustContain(t, p, "Your note is added.", "She told me more today.")
	mustNotContain(t, p, "DSL&#39;s private note")
	p = f.postThen("staff", path+"/evidence", url.Values{"what": {"Screenshots"}, "location": {"Pastoral office"}, "held_by": {"Me"}})
	mustContain(t, p, "Screenshots")

	for _, tc := range []struct{ path, form string }{
		{"/actions", "title=x&owner=y&due=2026-11-20"},
		{"/close", "code=no_further_action&summary=x"},
	} {
		vals, _ := url.ParseQuery(tc.form)
		if p := f.post("staff", path+tc.path, vals); p.status != http.StatusForbidden {
			t.Errorf("staff POST %s: %d, want 403", tc.path, p.status)
		}
	}
}

func TestClose(t *testing.T) {
	f := newDSLFixture(t, nil)
	c := f.concern("staff", dslBullying, dslStart)
	path := concernPath(c)

	p := f.post("dsl", path+"/close", url.Values{"code": {"handled_in_setting"}, "summary": {""}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("no summary: status %d", p.status)
	}
	mustContain(t, p, `<a href="#close-summary">Summary is required</a>`, `value="handled_in_setting" checked`)
	p = f.post("dsl", path+"/close", url.Values{"summary": {"Done."}})
	mustContain(t, p, `href="#close-code"`, `id="close-code"`)

	// Routes undecided: refused, with each named, and the reason asked for.
	p = f.get("dsl", path)
	mustContain(t, p, "Not finished yet", "Route not decided: Safeguarding lead reviews and records a decision",
		`id="close-anyway"`)
	p = f.post("dsl", path+"/close", url.Values{"code": {"handled_in_setting", "referred_police"},
		"summary": {"Restorative meeting held; the group chat was closed."}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("closing with routes undecided: status %d, want 422", p.status)
	}
	checkPage(t, p)
	mustContain(t, p, `<a href="#close-anyway">A reason for closing anyway is required while`,
		"Safeguarding lead reviews and records a decision", `value="handled_in_setting" checked`,
		`value="referred_police" checked`, "Restorative meeting held; the group chat was closed.")

	p = f.postThen("dsl", path+"/close", url.Values{"code": {"handled_in_setting", "referred_police"},
		"summary":      {"Restorative meeting held; the group chat was closed."},
		"close_anyway": {"The review happened at the restorative meeting; recorded there."}})
	checkPage(t, p)
	mustContain(t, p, "The concern is closed.", "Outcomes", "Handled within our organisation", "Referred to the police",
		"Restorative meeting held", "Status: Closed", "Closed with work left, because",
		"The review happened at the restorative meeting")
	// Nothing is left to work; the lead's legal hold stays, as it matters
	// most once a file is closed.
	if forms := postForms(p.body); len(forms) != 1 || forms[0] != path+"/holds" {
		t.Errorf("a closed concern has forms %v, want only its legal hold's", forms)
	}
	mustNotContain(t, p, "Change the facts")

	for _, sub := range []string{"/notes", "/decisions", "/evidence", "/close"} {
		p := f.post("dsl", path+sub, url.Values{"text": {"Late note"}, "route": {"DSL_REVIEW"}, "decision": {"done"},
			"what": {"x"}, "location": {"y"}, "held_by": {"z"}, "code": {"no_further_action"}, "summary": {"x"}})
		if p.status != http.StatusConflict {
			t.Errorf("POST %s on a closed concern: %d, want 409", sub, p.status)
		}
		mustContain(t, p, "That cannot be changed now", "The concern is closed and cannot be changed.")
	}
	// The reporter sees that it is closed, not the DSL's summary.
	p = f.get("staff", path)
	mustContain(t, p, "Status: Closed")
	mustNotContain(t, p, "Restorative meeting held")
	if forms := postForms(p.body); len(forms) != 0 {
		t.Errorf("the reporter still has forms on a closed concern: %v", forms)
	}
}
