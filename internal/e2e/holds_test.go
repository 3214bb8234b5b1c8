package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestLegalHold: a DSL sets a legal hold on a pupil's file from the child
// page, the administrator sees it on the retention page (what is held and
// why, never the reason's words), and the DSL releases it; axe finds
// nothing on either page.
func TestLegalHold(t *testing.T) {
	a := startApp(t)
	school := fmt.Sprintf("Hold Test School %d", time.Now().UnixNano())
	_, dsl, _ := a.registerSchool(t, school)
	lead := newBrowser(t)
	lead.signInWithFactor(a.url, dsl)
	lead.run(chromedp.Navigate(a.url+"/children?q=bertie+thistle"), chromedp.WaitVisible("main", chromedp.ByQuery))
	lead.next(chromedp.Click(`main .found-children a`, chromedp.ByQuery))
	record := lead.location()
	lead.run(chromedp.Click("#hold-basis-police_investigation", chromedp.ByQuery),
		chromedp.SendKeys("#hold-reason", "Police ref 55/2026: keep until the trial.", chromedp.ByQuery))
	lead.submit(`form[action$="/holds"] button[type=submit]`)
	text := lead.text()
	for _, want := range []string{"The legal hold is set", "Held: The child's whole file", "Police investigation", "Police ref 55/2026"} {
		if !strings.Contains(text, want) {
			t.Errorf("the child page after the hold lacks %q:\n%.2500s", want, text)
		}
	}
	lead.checkAccessible("child page with a legal hold")
	lead.screenshot("child-legal-hold")

	admin := newBrowser(t)
	admin.signIn(a.url, "admin@demo.test")
	admin.run(chromedp.Navigate(a.url+"/admin/retention"), chromedp.WaitVisible("#holds-heading", chromedp.ByQuery))
	text = admin.text()
	if !strings.Contains(text, school+": the child's whole file") || !strings.Contains(text, "Police investigation") {
		t.Errorf("the retention page does not list the hold:\n%s", text)
	}
	if strings.Contains(text, "Police ref 55") {
		t.Error("the administrator sees the hold's reason")
	}
	admin.checkAccessible("retention page with a legal hold")
	admin.screenshot("retention-legal-holds")

	lead.submit(`form[action$="/release"] button[type=submit]`)
	if lead.location() != record {
		t.Errorf("after the release the DSL is on %s, not the child's page %s", lead.location(), record)
	}
	if text := lead.text(); !strings.Contains(text, "The legal hold is released") || !strings.Contains(text, "Nothing here is held.") {
		t.Errorf("after the release:\n%.2500s", text)
	}
	admin.run(chromedp.Navigate(a.url+"/admin/retention"), chromedp.WaitVisible("#holds-heading", chromedp.ByQuery))
	if strings.Contains(admin.text(), school) {
		t.Error("the released hold is still listed")
	}
}
