package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestAlertsPageInChromium: the administrator's page of alert delivery,
// with the demo's alerts waiting (the demo server has no SMTP server), a
// webhook form that comes back with a problem, and a webhook made with its
// secret shown once, each checked with axe.
func TestAlertsPageInChromium(t *testing.T) {
	a := startApp(t)
	b := newBrowser(t)
	b.signIn(a.url, "admin@demo.test")
	b.run(chromedp.Navigate(a.url+"/admin/alerts"), chromedp.WaitVisible("main h1", chromedp.ByQuery))
	if text := b.text(); !strings.Contains(text, "Alert delivery") || !strings.Contains(text, "Waiting to be delivered") ||
		!strings.Contains(text, "New concern") {
		t.Fatalf("the alerts page:\n%.800s", text)
	}
	b.checkAccessible("alerts page")
	b.screenshot("admin-alerts")

	// Every event is ticked to begin with.
	b.run(chromedp.SendKeys("#webhook-url", "http://hooks.example.org/lifeguard", chromedp.ByQuery))
	b.submit(`form[action="/admin/webhooks"] button[type=submit]`)
	if text := b.text(); !strings.Contains(text, "Address must use https") {
		t.Fatalf("an http address:\n%.800s", text)
	}
	b.checkAccessible("alerts page with a problem")

	b.run(chromedp.SetValue("#webhook-url", "https://hooks.example.org/lifeguard", chromedp.ByQuery))
	b.submit(`form[action="/admin/webhooks"] button[type=submit]`)
	if text := b.text(); !strings.Contains(text, "copy its secret now") || !strings.Contains(text, "New concern, Escalated concern, Filter alert, Referral received, Referral answered, Monitoring capture") {
		t.Fatalf("making a webhook:\n%.800s", text)
	}
	b.checkAccessible("webhook made")
	b.screenshot("admin-webhook-made")

	b.submit(`form[action$="/remove"] button[type=submit]`)
	if text := b.text(); !strings.Contains(text, "The webhook is removed") {
		t.Errorf("removing the webhook:\n%.800s", text)
	}
}
