package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestReferralToTheFrontDoor is a school's referral to children's social
// care's front door, inside Lifeguard: the school's lead sends the
// concern's social care referral, choosing what to send; the front door
// (csc@demo.test) finds it in its referrals inbox, acknowledges it and
// records its decision; the school's lead sees the decision on the
// referral and on the concern. Every page passes axe, at desktop and phone
// width.
func TestReferralToTheFrontDoor(t *testing.T) {
	a := startApp(t)
	dsl, staff := a.school(t, "Brookfield Academy")

	sb := newBrowser(t)
	sb.signIn(a.url, staff)
	id := reportNudesByKeyboard(t, sb, a.url)
	concern := fmt.Sprintf("%s/concerns/%d", a.url, id)

	lead := newBrowser(t)
	lead.signInWithFactor(a.url, dsl)
	lead.run(chromedp.Navigate(concern), chromedp.WaitVisible("main", chromedp.ByQuery))
	if !strings.Contains(lead.text(), "Refer to children's social care") {
		// The triage did not give the route: the lead adds it, as a lead
		// would who judges the threshold met.
		lead.run(chromedp.Click(`details:has(form[action$="/routes"]) > summary`, chromedp.ByQuery),
			chromedp.SetValue(`#add-route`, "CSC_REFERRAL", chromedp.ByQuery),
			chromedp.SendKeys(`#add-route-reason`, "The parents are not protecting her; social care must decide.", chromedp.ByQuery))
		lead.submit(`form[action$="/routes"] button[type=submit]`)
	}
	if !strings.Contains(lead.text(), "Referrals to other agencies") || !strings.Contains(lead.text(), "Send to Riverside Children's Social Care") {
		t.Fatalf("the concern page offers no referral to the front door:\n%.3000s", lead.text())
	}
	lead.checkAccessible("concern page with referrals")
	lead.run(chromedp.Click(`#ref-CSC_REFERRAL ~ details > summary`, chromedp.ByQuery))
	lead.screenshot("referral-send")
	lead.screenshotOf(`section[aria-labelledby=referrals-heading]`, "referral-send-section")
	lead.submit(`form[action$="/referrals"]:has(input[name=route][value=CSC_REFERRAL]) button[type=submit]`)
	m := regexp.MustCompile(`/referrals/(\d+)$`).FindStringSubmatch(lead.location())
	if m == nil || !strings.Contains(lead.text(), "Sent to Riverside Children's Social Care") {
		t.Fatalf("sending led to %s:\n%.1500s", lead.location(), lead.text())
	}
	referral := "/referrals/" + m[1]
	lead.checkAccessible("referral page, sent")

	door := newBrowser(t)
	door.signIn(a.url, "csc@demo.test")
	door.run(chromedp.Navigate(a.url+"/referrals"), chromedp.WaitVisible("main", chromedp.ByQuery))
	if !strings.Contains(door.text(), "Referral "+m[1]+" from Brookfield Academy") {
		t.Fatalf("the front door's inbox does not list the referral:\n%.2000s", door.text())
	}
	door.checkAccessible("referrals inbox")
	door.screenshot("referrals-inbox")
	door.next(chromedp.Click(fmt.Sprintf(`main a[href=%q]`, referral), chromedp.ByQuery))
	text := door.text()
	if !strings.Contains(text, "She said a boy in Year 10") || !strings.Contains(text, "Brookfield Academy") {
		t.Errorf("the front door does not read what was sent:\n%.2000s", text)
	}
	if strings.Contains(text, "Your concern") {
		t.Error("the front door is offered the school's concern")
	}
	door.checkAccessible("referral page, received")
	door.screenshot("referral-received")
	door.submit(`form[action$="/acknowledge"] button[type=submit]`)
	if !strings.Contains(door.text(), "Acknowledged. The referrer can see the time.") {
		t.Fatalf("acknowledging said:\n%.1500s", door.text())
	}
	door.run(chromedp.Click(`#outcome-section_17`, chromedp.ByQuery),
		chromedp.SendKeys(`#answer-note`, "A social worker will visit this week.", chromedp.ByQuery))
	door.submit(`form[action$="/answer"] button[type=submit]`)
	if !strings.Contains(door.text(), "Your decision is recorded and the referrer has been told.") {
		t.Fatalf("answering said:\n%.1500s", door.text())
	}
	door.checkAccessible("referral page, decided")
	door.screenshot("referral-decided")

	lead.run(chromedp.Navigate(a.url+referral), chromedp.WaitVisible("main", chromedp.ByQuery))
	if text := lead.text(); !strings.Contains(text, "Assessment under section 17") || !strings.Contains(text, "A social worker will visit this week.") {
		t.Errorf("the school does not see the decision:\n%.2000s", text)
	}
	lead.checkAccessible("referral page, answered, at the school")
	lead.screenshot("referral-answered")
	lead.run(chromedp.Navigate(concern), chromedp.WaitVisible("main", chromedp.ByQuery))
	if !strings.Contains(lead.text(), "Their decision") {
		t.Errorf("the concern page does not show the agency's decision:\n%.3000s", lead.text())
	}

	// The partnership officer's directory names who receives each route.
	officer := newBrowser(t)
	officer.signIn(a.url, "partnership@demo.test")
	officer.run(chromedp.Navigate(a.url+"/referrals/directory"), chromedp.WaitVisible("main", chromedp.ByQuery))
	if !strings.Contains(officer.text(), "Riverside LADO") {
		t.Errorf("the directory does not name the LADO:\n%.2000s", officer.text())
	}
	officer.checkAccessible("directory of referrals")
	officer.screenshot("referral-directory")
}

// screenshotOf writes one element of the page at desktop and phone widths,
// for a long page whose full screenshot is too tall to look at.
func (b *browser) screenshotOf(selector, name string) {
	b.t.Helper()
	dir := filepath.Join(repoRoot(b.t), "internal", "e2e", "screenshots")
	for _, size := range []struct {
		label         string
		width, height int64
	}{{"desktop", 1280, 900}, {"phone", 320, 720}} {
		var png []byte
		b.run(chromedp.EmulateViewport(size.width, size.height), chromedp.Screenshot(selector, &png, chromedp.ByQuery))
		if err := os.WriteFile(filepath.Join(dir, name+"-"+size.label+".png"), png, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}
	b.run(chromedp.EmulateViewport(1280, 900))
}
