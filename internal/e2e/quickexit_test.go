package e2e

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/lifeguard-scp/lifeguard/internal/quickexit"
)

// neutralSite stands in for the quick exit's neutral site, which the test
// machine cannot reach: Chromium is told that its name is this loopback
// server, and to take the test certificate.
func neutralSite(t *testing.T) (flags []chromedp.ExecAllocatorOption) {
	t.Helper()
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!DOCTYPE html><html lang="en"><head><title>Weather</title></head><body><main><h1>Weather</h1></main></body></html>`)
	}))
	t.Cleanup(ts.Close)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(ts.URL, "https://"))
	host := strings.TrimPrefix(quickexit.URL, "https://")
	host = host[:strings.IndexByte(host, '/')]
	return []chromedp.ExecAllocatorOption{
		chromedp.Flag("host-resolver-rules", fmt.Sprintf("MAP %s 127.0.0.1:%s, MAP %s 127.0.0.1, MAP elsewhere.test 127.0.0.1", host, port, blockedName)),
		chromedp.Flag("ignore-certificate-errors", true),
	}
}

// quickExitInSight reports whether the quick exit is on screen, whole and
// at least 44 px high, at the top of the page and again scrolled to its end.
func (b *browser) quickExitInSight(width, height int64) bool {
	b.t.Helper()
	const inSight = `(() => {
		const a = document.querySelector("a[data-quick-exit]");
		if (!a) return false;
		const r = a.getBoundingClientRect(), s = getComputedStyle(a);
		return r.width > 0 && r.height >= 44 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth &&
			s.visibility === "visible" && s.display !== "none" && a.textContent.includes("Leave this page quickly");
	})()`
	var top, end bool
	b.run(chromedp.EmulateViewport(width, height),
		chromedp.Evaluate(`window.scrollTo(0, 0)`, nil),
		chromedp.Evaluate(inSight, &top),
		chromedp.Evaluate(`window.scrollTo(0, document.documentElement.scrollHeight)`, nil),
		chromedp.Evaluate(inSight, &end),
		chromedp.Evaluate(`window.scrollTo(0, 0)`, nil),
		chromedp.EmulateViewport(1280, 900))
	return top && end
}

// screenshotAt writes the page at the given widths to
// internal/e2e/screenshots/NAME-WIDTH.png.
func (b *browser) screenshotAt(name string, widths ...int64) {
	b.t.Helper()
	dir := filepath.Join(repoRoot(b.t), "internal", "e2e", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	for _, w := range widths {
		var png []byte
		b.run(chromedp.EmulateViewport(w, 844), chromedp.FullScreenshot(&png, 100))
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, w)), png, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}
	b.run(chromedp.EmulateViewport(1280, 900))
}

// leaving runs an action that leaves the page, such as a key press or a
// click: Chromium may answer its dispatch only once the page is gone, which
// is what the test wants, so that answer is not an error here (b.next then
// waits for the next page).
func leaving(a chromedp.Action) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		err := a.Do(ctx)
		if err != nil && strings.Contains(err.Error(), "navigated or closed") {
			return nil
		}
		return err
	})
}

// TestQuickExit checks "Leave this page quickly" on the help page and the
// block page: in sight at desktop and phone widths, first in the keyboard
// order, and leaving for the neutral site by Enter or Escape without the
// page staying in the history; without script it is a plain link there.
func TestQuickExit(t *testing.T) {
	a := startApp(t)
	f := a.attachFilter(t)
	b := newBrowserWith(t, neutralSite(t)...)
	pages := []struct{ name, url string }{
		{"help", a.url + "/help"},
		{"block page", f.blockURL + "/a/page"},
	}
	for _, p := range pages {
		b.run(chromedp.Navigate(p.url), chromedp.WaitVisible("a[data-quick-exit]", chromedp.ByQuery))
		var key bool
		b.run(chromedp.Evaluate(`!document.querySelector("[data-quick-exit-key]").hidden`, &key))
		if !key {
			t.Errorf("%s: the quick exit does not say Esc leaves too", p.name)
		}
		for _, size := range [][2]int64{{1280, 900}, {390, 844}, {320, 720}} {
			if !b.quickExitInSight(size[0], size[1]) {
				t.Errorf("%s: the quick exit is not in sight at %d×%d", p.name, size[0], size[1])
			}
		}
		b.checkAccessible(p.name + " with the quick exit")
		b.screenshotAt(strings.ReplaceAll(p.name, " ", "-"), 1280, 390)
	}

	// leaves opens page p after the sign-in page, leaves it with the
	// actions, and checks that Back returns to the sign-in page, not p.
	leaves := func(p struct{ name, url string }, how string, actions ...chromedp.Action) {
		t.Helper()
		before := a.url + "/signin"
		b.run(chromedp.Navigate(before), chromedp.WaitVisible("main h1", chromedp.ByQuery))
		b.run(chromedp.Navigate(p.url), chromedp.WaitVisible("a[data-quick-exit]", chromedp.ByQuery))
		b.next(actions...)
		if got := b.location(); got != quickexit.URL {
			t.Errorf("%s, %s: at %s, want the neutral site %s", p.name, how, got, quickexit.URL)
			return
		}
		// Back may restore a page from the browser's cache without loading
		// it, so wait for the address to change rather than for a load.
		b.run(leaving(chromedp.Evaluate(`history.back()`, nil)))
		got := quickexit.URL
		for deadline := time.Now().Add(30 * time.Second); got == quickexit.URL && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			chromedp.Run(b.ctx, chromedp.Location(&got))
		}
		if got != before {
			t.Errorf("%s, %s: Back went to %s, want %s: the page stayed in the history", p.name, how, got, before)
		}
	}
	for _, p := range pages {
		// The first Tab reaches the control, and Enter follows it.
		leaves(p, "Tab then Enter", chromedp.KeyEvent(kb.Tab), chromedp.ActionFunc(func(ctx context.Context) error {
			var focused string
			if err := chromedp.Evaluate(`document.activeElement.textContent`, &focused).Do(ctx); err != nil {
				return err
			}
			if !strings.HasPrefix(focused, "Leave this page quickly") {
				t.Errorf("%s: the first Tab reaches %q, not the quick exit", p.name, focused)
			}
			return nil
		}), leaving(chromedp.KeyEvent(kb.Enter)))
		leaves(p, "Escape", leaving(chromedp.KeyEvent(kb.Escape)))
		leaves(p, "a click", leaving(chromedp.Click("a[data-quick-exit]", chromedp.ByQuery)))
	}

	// Without script the control is an ordinary link to the neutral site.
	b.run(emulation.SetScriptExecutionDisabled(true))
	for _, p := range pages {
		b.run(chromedp.Navigate(p.url), chromedp.WaitVisible("a[data-quick-exit]", chromedp.ByQuery))
		var scripted bool
		b.run(chromedp.Evaluate(`!document.querySelector("[data-quick-exit-key]").hidden`, &scripted))
		if scripted {
			t.Fatalf("%s: the quick exit's script ran with script turned off", p.name)
		}
		b.next(leaving(chromedp.Click("a[data-quick-exit]", chromedp.ByQuery)))
		if got := b.location(); got != quickexit.URL {
			t.Errorf("%s without script: the quick exit went to %s", p.name, got)
		}
	}
}
