package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// navRole is what one demo role's navigation should lead to: top, the
// entries at the top of a wide screen in order; hub, the pages on the hub;
// primary, what a phone shows beside its menu.
type navRole struct {
	email, hubLabel string
	top, hub        []string
	primary         []string
}

var navRoles = []navRole{
	{email: "staff@demo.test", hubLabel: "Registers",
		top: []string{"/report", "/my-reports", "/children"}, primary: []string{"/report"},
		hub: []string{"/consents", "/training", "/teaching", "/policies", "/plan"}},
	{email: "dsl@demo.test", hubLabel: "Registers",
		top: []string{"/inbox", "/report", "/children", "/referrals"}, primary: []string{"/inbox", "/report"},
		hub: []string{"/consents", "/training", "/teaching", "/audits", "/reports", "/policies", "/plan", "/transfers", "/data-rights", "/directory/leads"}},
	{email: "manager@demo.test", hubLabel: "Registers",
		top: []string{"/report", "/my-reports", "/children"}, primary: []string{"/report"},
		hub: []string{"/consents", "/training", "/teaching", "/audits", "/reports", "/policies", "/plan", "/directory/leads"}},
	{email: "partnership@demo.test", hubLabel: "Directories",
		top: []string{"/reports", "/audits", "/partnership-access"}, primary: []string{"/reports"},
		hub: []string{"/plan", "/policies", "/directory/leads", "/referrals/directory", "/directory/procedure"}},
	{email: "admin@demo.test", hubLabel: "Directories",
		top: []string{"/admin/alerts", "/data-rights", "/admin/retention"}, primary: []string{"/admin/alerts"},
		hub: []string{"/directory/leads", "/referrals/directory", "/directory/procedure", "/policies", "/plan", "/admin/sign-in"}},
}

// phone is the width and height of a common phone's screen in CSS pixels.
const phoneWidth, phoneHeight = 390, 844

// TestNavigationEveryRole signs in as each role of the demo and reaches
// every page of its navigation in real Chromium: on a desktop, through the
// entries at the top and the hub page (two clicks at most), with the
// entry of the page, or the hub's, marked current; on a phone, through the
// Menu disclosure (two taps), with the navigation on at most two lines
// and the page's heading on the first screen. axe-core checks the hub and
// the page with the menu open; signing out is done from the phone's menu.
func TestNavigationEveryRole(t *testing.T) {
	a := startApp(t)
	for _, r := range navRoles {
		t.Run(strings.TrimSuffix(r.email, "@demo.test"), func(t *testing.T) {
			name := strings.TrimSuffix(r.email, "@demo.test")
			b := newBrowser(t)
			b.signIn(a.url, r.email)

			// Desktop: one line, the role's entries in order, then the hub,
			// help, settings and signing out with the user's name.
			var wide []string
			var lines int
			b.run(chromedp.EmulateViewport(1280, 900),
				chromedp.Evaluate(`[...document.querySelectorAll('.nav-wide > li')].map(li => {
					const a = li.querySelector('a'); return a ? a.getAttribute('href') : li.textContent.trim().split(/\s+/).slice(0, 2).join(' ') })`, &wide),
				chromedp.Evaluate(navLines(".brand, .nav-wide > li"), &lines))
			want := append(slices.Clone(r.top), "/registers", "/help", "/account/settings", "Sign out")
			if !slices.Equal(wide, want) {
				t.Errorf("desktop entries %q, want %q", wide, want)
			}
			if lines != 1 {
				t.Errorf("desktop navigation on %d lines", lines)
			}
			for _, href := range append(slices.Clone(r.top), "/help", "/account/settings") {
				b.next(chromedp.Click(`.nav-wide a[href="`+href+`"]`, chromedp.ByQuery))
				b.reached(href, `.nav-wide a[href="`+href+`"][aria-current="page"]`)
			}
			for _, href := range r.hub {
				b.next(chromedp.Click(`.nav-wide a[href="/registers"]`, chromedp.ByQuery))
				b.reached("/registers", `.nav-wide a[href="/registers"][aria-current="page"]`)
				b.next(chromedp.Click(`main .hub-list a[href="`+href+`"]`, chromedp.ByQuery))
				b.reached(href, `.nav-wide a[href="/registers"][aria-current="true"]`)
			}
			b.run(chromedp.Navigate(a.url + "/registers"))
			var h1 string
			b.run(chromedp.Text("h1", &h1, chromedp.ByQuery))
			if h1 != r.hubLabel {
				t.Errorf("hub heading %q, want %q", h1, r.hubLabel)
			}
			var hubLinks []string
			b.run(chromedp.Evaluate(`[...document.querySelectorAll('main .hub-list a')].map(a => a.getAttribute('href'))`, &hubLinks))
			if !sameHrefs(hubLinks, r.hub) {
				t.Errorf("hub lists %q, want %q", hubLinks, r.hub)
			}
			b.checkAccessible(name + " hub")
			b.navShot("nav-"+name+"-hub-desktop", 1280, 900)

			// Phone: the main task and the menu, on two lines at most, with
			// the page's own heading on the first screen.
			b.run(chromedp.EmulateViewport(phoneWidth, phoneHeight))
			b.next(chromedp.Click(`.nav-narrow .nav-primary a[href="`+r.primary[0]+`"]`, chromedp.ByQuery))
			b.reached(r.primary[0], `.nav-narrow .nav-primary a[href="`+r.primary[0]+`"][aria-current="page"]`)
			var shown []string
			var h1Bottom float64
			b.run(chromedp.Evaluate(`[...document.querySelectorAll('.nav-narrow .nav-primary a, .nav-narrow summary')]
					.filter(e => e.getClientRects().length).map(e => e.getAttribute('href') || e.textContent.trim())`, &shown),
				chromedp.Evaluate(navLines(".brand, .nav-narrow .nav-primary a, .nav-narrow summary"), &lines),
				chromedp.Evaluate(`document.querySelector('main h1').getBoundingClientRect().bottom`, &h1Bottom))
			if !slices.Equal(shown, append(slices.Clone(r.primary), "Menu")) {
				t.Errorf("phone shows %q, want %q and the menu", shown, r.primary)
			}
			if lines > 2 {
				t.Errorf("phone navigation on %d lines", lines)
			}
			// The same at the largest text size (a setting of the user's,
			// which is a class of the page: set here for this page only).
			var old string
			b.run(chromedp.Evaluate(`document.documentElement.className`, &old),
				chromedp.Evaluate(`document.documentElement.className = 'text-large'`, nil),
				chromedp.Evaluate(navLines(".brand, .nav-narrow .nav-primary a, .nav-narrow summary"), &lines))
			b.navShot("nav-"+name+"-phone-large", phoneWidth, phoneHeight)
			b.run(chromedp.Evaluate(fmt.Sprintf(`document.documentElement.className = %q`, old), nil))
			if lines > 2 {
				t.Errorf("phone navigation in large text on %d lines", lines)
			}
			if h1Bottom > phoneHeight/2 {
				t.Errorf("the page's heading ends %.0f px down a %d px screen", h1Bottom, phoneHeight)
			}
			b.navShot("nav-"+name+"-phone", phoneWidth, phoneHeight)
			b.openMenu()
			b.navShot("nav-"+name+"-phone-menu", phoneWidth, phoneHeight)
			b.checkAccessible(name + " with the menu open")
			b.run(chromedp.EmulateViewport(phoneWidth, phoneHeight))
			var menu []string
			b.run(chromedp.Evaluate(`[...document.querySelectorAll('.menu-list a')].map(a => a.getAttribute('href'))`, &menu))
			all := append(append(slices.Clone(r.top), r.hub...), "/registers", "/help", "/account/settings")
			if !sameHrefs(append(menu, r.primary...), all) {
				t.Errorf("the menu and beside it lead to %q, want %q", append(menu, r.primary...), all)
			}
			for _, href := range menu {
				b.openMenu()
				b.next(chromedp.Click(`.menu-list a[href="`+href+`"]`, chromedp.ByQuery))
				b.reached(href, `.menu-list a[href="`+href+`"][aria-current="page"]`)
			}
			var who string
			b.openMenu()
			b.run(chromedp.Text(`.menu-list button .who`, &who, chromedp.ByQuery))
			if who == "" {
				t.Error("the menu does not name who is signed in")
			}
			b.next(chromedp.Click(`.menu-list form[action="/signout"] button`, chromedp.ByQuery))
			if p := b.path(); p != "/signin" && p != "/" {
				t.Errorf("signed out to %s", p)
			}
		})
	}
}

// navLines counts the lines the elements matched by sel take on screen:
// an element starts a new line when it begins below the bottom of the line
// so far.
func navLines(sel string) string {
	return fmt.Sprintf(`(() => {
		const rs = [...document.querySelectorAll(%q)].filter(e => e.getClientRects().length)
			.map(e => e.getBoundingClientRect()).sort((a, b) => a.top - b.top);
		let lines = 0, bottom = -Infinity;
		for (const r of rs) {
			if (r.top >= bottom - 1) { lines++; bottom = r.bottom; } else { bottom = Math.max(bottom, r.bottom); }
		}
		return lines;
	})()`, sel)
}

// reached checks that the browser is on the page at href, not an error
// page, with the element current marking it in the navigation.
func (b *browser) reached(href, current string) {
	b.t.Helper()
	var ok, errPage bool
	b.run(chromedp.Evaluate(fmt.Sprintf(`!!document.querySelector(%q)`, current), &ok),
		chromedp.Evaluate(`/^(Page not found|You cannot do that|Something went wrong|Please sign in|This page cannot do that)/.test(document.querySelector('main h1')?.textContent ?? '')`, &errPage))
	p := b.path()
	if href == "/audits" && strings.HasPrefix(p, "/organisations/") {
		p = href // an organisation's own audits: /organisations/ID/audits
	}
	if p != href && !strings.HasPrefix(p, href+"/") {
		b.t.Errorf("followed %s to %s", href, p)
	}
	if !ok || errPage {
		b.t.Errorf("on %s: %s marked %v, an error page %v", href, current, ok, errPage)
	}
}

// openMenu opens the phone's menu by its summary, as a person taps it,
// unless it is open already.
func (b *browser) openMenu() {
	b.t.Helper()
	var open bool
	b.run(chromedp.Evaluate(`document.querySelector('.nav-narrow details.menu').open`, &open))
	if !open {
		b.run(chromedp.Click(`.nav-narrow summary`, chromedp.ByQuery))
	}
	b.run(chromedp.WaitVisible(`.menu-list a[href="/help"]`, chromedp.ByQuery))
}

func (b *browser) path() string {
	var p string
	b.run(chromedp.Evaluate(`location.pathname`, &p))
	return p
}

// navShot writes a screenshot of the page at the size given to
// internal/e2e/screenshots/NAME.png, for a person to look at.
func (b *browser) navShot(name string, width, height int64) {
	b.t.Helper()
	dir := filepath.Join(repoRoot(b.t), "internal", "e2e", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	var png []byte
	b.run(chromedp.EmulateViewport(width, height), chromedp.CaptureScreenshot(&png))
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

func sameHrefs(a, b []string) bool {
	return slices.Equal(slices.Compact(slices.Sorted(slices.Values(a))), slices.Compact(slices.Sorted(slices.Values(b))))
}
