package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// tabTo presses Tab until the element matching selector has focus, as a
// keyboard user would, and fails if it is not reached.
func (b *browser) tabTo(selector string) {
	b.t.Helper()
	for range 40 {
		var ok bool
		b.run(chromedp.Evaluate(fmt.Sprintf(`document.activeElement === document.querySelector(%q)`, selector), &ok))
		if ok {
			return
		}
		b.run(chromedp.KeyEvent(kb.Tab))
	}
	b.t.Fatalf("%s cannot be reached with the Tab key on %s:\n%.1500s", selector, b.location(), b.text())
}

func (b *browser) typeKeys(s string) { b.t.Helper(); b.run(chromedp.KeyEvent(s)) }

func (b *browser) press(key string) {
	b.t.Helper()
	b.next(chromedp.KeyEvent(key))
}

func TestSignInByKeyboardAndSettingsPersist(t *testing.T) {
	a := startApp(t)
	b := newBrowser(t)
	b.run(chromedp.Navigate(a.url+"/signin"), chromedp.WaitVisible("#email", chromedp.ByQuery))
	b.checkAccessible("sign-in page")
	b.screenshot("signin")
	b.noHorizontalScroll("sign-in page")

	// The first Tab reaches the skip link, so keyboard users can jump past
	// the header on every page.
	b.run(chromedp.KeyEvent(kb.Tab))
	var first string
	b.run(chromedp.Evaluate(`document.activeElement.textContent`, &first))
	if !strings.Contains(first, "Skip to main content") {
		t.Errorf("the first Tab stop is %q, want the skip link", first)
	}
	b.tabTo("#email")
	b.typeKeys("staff@demo.test")
	b.tabTo("#password")
	b.typeKeys(demoPassword)
	b.press(kb.Enter)
	if strings.Contains(b.location(), "/signin") {
		t.Fatalf("still on the sign-in page after signing in by keyboard: %s", b.text())
	}

	b.run(chromedp.Navigate(a.url+"/account/settings"), chromedp.WaitVisible("#text_large", chromedp.ByQuery))
	b.checkAccessible("settings page")
	b.screenshot("settings")
	// Choose large text and high visibility with the keyboard only: a radio
	// group is one Tab stop, at its checked button, and the arrow keys move
	// the choice within it.
	b.tabTo("#text_medium")
	b.run(chromedp.KeyEvent(kb.ArrowDown))
	b.tabTo("#high_visibility")
	b.run(chromedp.KeyEvent(" "))
	b.press(kb.Enter)
	var class string
	b.run(chromedp.WaitVisible(".flash", chromedp.ByQuery), chromedp.AttributeValue("html", "class", &class, nil, chromedp.ByQuery))
	if class != "text-large hi-vis" {
		t.Errorf("after saving, <html class=%q>, want text-large hi-vis", class)
	}
	b.checkAccessible("settings page, large text and high visibility")
	b.screenshot("settings-large-hi-vis")

	// The settings belong to the user, not the browser: a new browser
	// signing in as the same user gets them.
	b2 := newBrowser(t)
	b2.signIn(a.url, "staff@demo.test")
	b2.run(chromedp.Navigate(a.url+"/account/settings"), chromedp.WaitVisible("main", chromedp.ByQuery),
		chromedp.AttributeValue("html", "class", &class, nil, chromedp.ByQuery))
	if class != "text-large hi-vis" {
		t.Errorf("in a second browser, <html class=%q>, want the user's saved settings", class)
	}
	// Put them back for other tests that sign in as this user.
	b2.run(chromedp.Click("#text_medium", chromedp.ByQuery), chromedp.Click("#high_visibility", chromedp.ByQuery))
	b2.submit("main button[type=submit]")
	b2.run(chromedp.AttributeValue("html", "class", &class, nil, chromedp.ByQuery))
	if class != "text-medium" {
		t.Errorf("after resetting, <html class=%q>", class)
	}
}

func TestWrongPasswordIsRefused(t *testing.T) {
	a := startApp(t)
	b := newBrowser(t)
	b.run(chromedp.Navigate(a.url+"/signin"), chromedp.WaitVisible("#email", chromedp.ByQuery),
		chromedp.SendKeys("#email", "dsl@demo.test", chromedp.ByQuery),
		chromedp.SendKeys("#password", "not the password", chromedp.ByQuery))
	b.submit(`main button[type=submit]`)
	if !strings.Contains(b.text(), "not right") {
		t.Errorf("no clear refusal: %s", b.text())
	}
	b.checkAccessible("sign-in page with an error")
}

// TestSecondFactor enrols a new safeguarding lead (not a demo account, so
// not exempt) in a second factor through the pages, with a code computed as
// an authenticator app would, then signs in again with a recovery code.
func TestSecondFactor(t *testing.T) {
	a := startApp(t)
	admin := a.token(t, "admin@demo.test")
	email := fmt.Sprintf("new.dsl.%d@riverside.example", time.Now().UnixNano())
	body, _ := json.Marshal(map[string]any{"email": email, "name": "New Lead", "role": "dsl", "organisation_id": 1, "password": demoPassword})
	req, _ := http.NewRequest("POST", a.url+"/api/v1/users", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+admin)
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 201 {
		t.Fatalf("create user: %v %v", err, res.Status)
	}
	res.Body.Close()

	b := newBrowser(t)
	b.signIn(a.url, email)
	if !strings.Contains(b.location(), "/account/second-factor") {
		t.Fatalf("a DSL without a second factor was not sent to set one up: %s", b.location())
	}
	b.checkAccessible("second-factor set-up page")
	b.screenshot("second-factor-setup")
	// Until the second factor is passed, no other page opens.
	b.run(chromedp.Navigate(a.url+"/account/settings"), chromedp.WaitVisible("main", chromedp.ByQuery))
	if !strings.Contains(b.location(), "/account/second-factor") {
		t.Fatalf("the settings page opened before the second factor: %s", b.location())
	}
	var secret string
	b.run(chromedp.Text("#secret", &secret, chromedp.ByQuery))
	b.run(chromedp.SendKeys("#code", totp(strings.TrimSpace(secret), time.Now()), chromedp.ByQuery))
	b.submit("main button[type=submit]")
	var codes []string
	b.run(chromedp.Evaluate(`[...document.querySelectorAll(".codes code")].map(c => c.textContent)`, &codes))
	if len(codes) != 10 {
		t.Fatalf("%d recovery codes shown, want 10", len(codes))
	}
	b.checkAccessible("recovery codes page")
	b.run(chromedp.Navigate(a.url+"/account/settings"), chromedp.WaitVisible("main", chromedp.ByQuery))
	// A new member of the demo school owes its staff agreement: every page
	// waits for it (registers_test.go), then the settings page opens.
	if !strings.Contains(b.location(), "/agreement") {
		t.Fatalf("after enrolling, a new lead was not asked for the staff agreement: %s", b.location())
	}
	b.run(chromedp.Click("#agree", chromedp.ByQuery))
	b.submit(`form[action="/agreement"] button[type=submit]`)
	b.run(chromedp.Navigate(a.url+"/account/settings"), chromedp.WaitVisible("main", chromedp.ByQuery))
	if !strings.Contains(b.location(), "/account/settings") {
		t.Fatalf("after enrolling and agreeing, the settings page did not open: %s", b.location())
	}

	// Sign out and in again: now the code is asked for; a recovery code works.
	b.submit(`form[action="/signout"] button`)
	b.signIn(a.url, email)
	if !strings.Contains(b.location(), "/signin/second-factor") {
		t.Fatalf("the second sign-in did not ask for the code: %s", b.location())
	}
	b.checkAccessible("second-factor page")
	b.run(chromedp.SendKeys("#code", codes[0], chromedp.ByQuery))
	b.submit("main button[type=submit]")
	if strings.Contains(b.location(), "/signin") {
		t.Fatalf("a recovery code did not let the user in: %s", b.text())
	}
}
