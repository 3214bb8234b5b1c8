package e2e

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// sent is what the extension sent to the monitoring endpoint, as a
// recording proxy in front of the demo server saw it.
type sent struct {
	mu       sync.Mutex
	bodies   []string
	accepted []string // the server's answers to the requests it took
}

func (s *sent) all() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.bodies, "\n")
}

func (s *sent) answers() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.accepted, "\n")
}

// TestExtensionInChromium loads the school's extension (extension/) into
// real Chromium, configured for the demo school's monitor account, and
// types into pages served under made-up names: text typed into a page
// arrives, after the server was unreachable for a while (the queue keeps
// it); a password field's text is never sent; a site the school excludes
// sends nothing; a search is sent as a search; and the pupil is shown the
// school's notice.
func TestExtensionInChromium(t *testing.T) {
	a := startApp(t)
	token := a.token(t, "monitor@demo.test")

	// The school excludes a site and words its own notice.
	m := newBrowser(t)
	m.signIn(a.url, "manager@demo.test")
	m.run(chromedp.Navigate(a.url+"/monitor/settings"), chromedp.WaitVisible("#excluded_sites", chromedp.ByQuery),
		chromedp.SetValue("#excluded_sites", "excluded.test", chromedp.ByQuery),
		chromedp.SetValue("#notice", "Riverside Academy monitors this laptop to keep you safe.", chromedp.ByQuery))
	m.submit(`main form button[type=submit]`)
	if text := m.text(); !strings.Contains(text, "The monitoring settings are saved") {
		t.Fatalf("saving the settings:\n%.800s", text)
	}

	// A proxy that records what reaches the monitoring endpoint, and can
	// play the server being unreachable.
	target0, err := url.Parse(a.url)
	if err != nil {
		t.Fatal(err)
	}
	var down atomic.Bool
	rec := &sent{}
	rp := httputil.NewSingleHostReverseProxy(target0)
	rp.ModifyResponse = func(res *http.Response) error {
		if res.Request.URL.Path != "/api/v1/monitor/captures" {
			return nil
		}
		b, err := io.ReadAll(res.Body)
		if err != nil {
			return err
		}
		res.Body = io.NopCloser(bytes.NewReader(b))
		rec.mu.Lock()
		rec.accepted = append(rec.accepted, fmt.Sprintf("%d %s", res.StatusCode, b))
		rec.mu.Unlock()
		return nil
	}
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v1/monitor/captures" {
			b, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(b))
			rec.mu.Lock()
			rec.bodies = append(rec.bodies, string(b))
			rec.mu.Unlock()
		}
		if down.Load() {
			http.Error(w, "down for the test", http.StatusServiceUnavailable)
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(proxy.Close)

	// The pages the pupil types into.
	pages := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!DOCTYPE html><html lang="en"><title>Form</title><main><form onsubmit="return false">
<label>Message <input type="text" id="msg"></label>
<label>Essay <textarea id="essay"></textarea></label>
<label>Password <input type="password" id="pw"></label>
<label>Other <input type="text" id="other"></label>
</form></main>`)
	}))
	t.Cleanup(pages.Close)
	port := pages.URL[strings.LastIndex(pages.URL, ":")+1:]

	dir := filepath.Join(repoRoot(t), "extension")
	b := newBrowserWith(t,
		chromedp.Flag("load-extension", dir),
		chromedp.Flag("disable-extensions-except", dir),
		chromedp.Flag("host-resolver-rules", "MAP school.test 127.0.0.1, MAP excluded.test 127.0.0.1"))

	// The extension's id, from its service worker; then its configuration,
	// given as a school's policy would give it (docs/monitor.md). Managed
	// storage needs an enterprise policy on the machine, which a test must
	// not write, so it goes in the extension's development setting.
	var id string
	deadline := time.Now().Add(30 * time.Second)
	for id == "" && time.Now().Before(deadline) {
		infos, err := chromedp.Targets(b.ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, ti := range infos {
			if ti.Type == "service_worker" && strings.HasPrefix(ti.URL, "chrome-extension://") {
				id = strings.TrimPrefix(ti.URL, "chrome-extension://")
				id = id[:strings.IndexByte(id, '/')]
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	if id == "" {
		t.Fatal("the extension's service worker did not start")
	}
	notice := "chrome-extension://" + id + "/notice.html"
	b.run(chromedp.Navigate(notice), chromedp.WaitVisible("#notice", chromedp.ByQuery),
		chromedp.Evaluate(fmt.Sprintf(`chrome.storage.local.set({devConfig: {server_url: %q, token: %q, device: "E2E-LAPTOP", user: "9B"}})`,
			proxy.URL, token), nil))
	defer func() {
		if t.Failed() {
			var dump string
			chromedp.Run(b.ctx, chromedp.Navigate(notice), chromedp.WaitVisible("#notice", chromedp.ByQuery),
				chromedp.Evaluate(`chrome.storage.local.get(null).then(JSON.stringify)`, &dump,
					func(p *cdpruntime.EvaluateParams) *cdpruntime.EvaluateParams { return p.WithAwaitPromise(true) }))
			t.Logf("the extension's storage: %s\nsent: %s\nanswers: %s", dump, rec.all(), rec.answers())
		}
	}()
	b.eventually("the school's notice", func() bool {
		var s string
		b.run(chromedp.Navigate(notice), chromedp.WaitVisible("#notice", chromedp.ByQuery),
			chromedp.Text("#notice", &s, chromedp.ByQuery))
		return strings.Contains(s, "Riverside Academy monitors this laptop")
	})
	b.checkAccessible("the extension's notice")

	// Typed while the server cannot be reached: queued, sent when it can.
	down.Store(true)
	form := "http://school.test:" + port + "/form"
	b.run(chromedp.Navigate(form), chromedp.WaitVisible("#essay", chromedp.ByQuery))
	time.Sleep(300 * time.Millisecond) // the content script asks whether the site is monitored
	b.run(chromedp.SendKeys("#essay", "tonight I want to kill myself queued-marker", chromedp.ByQuery),
		chromedp.SendKeys("#pw", "kill myself secretpw-marker", chromedp.ByQuery),
		chromedp.SendKeys("#other", "homework about volcanoes plain-marker", chromedp.ByQuery),
		chromedp.Focus("#msg", chromedp.ByQuery))
	b.eventually("an attempt while the server is down", func() bool { return strings.Contains(rec.all(), "queued-marker") })
	down.Store(false)
	b.eventually("the queued capture stored", func() bool {
		return strings.Contains(rec.answers(), `200 {"accepted"`) && strings.Contains(rec.answers(), `"matched":1`)
	})

	// An excluded site sends nothing; a search is sent as one.
	b.run(chromedp.Navigate("http://excluded.test:"+port+"/form"), chromedp.WaitVisible("#essay", chromedp.ByQuery))
	time.Sleep(300 * time.Millisecond)
	b.run(chromedp.SendKeys("#essay", "kill myself excluded-marker", chromedp.ByQuery), chromedp.Focus("#msg", chromedp.ByQuery))
	b.run(chromedp.Navigate("http://school.test:" + port + "/search?q=how+to+kill+myself+search-marker"))
	b.eventually("the search", func() bool {
		all := rec.all()
		return strings.Contains(all, "search-marker") && strings.Contains(all, `"kind":"search"`)
	})
	time.Sleep(2 * time.Second) // time for anything still queued to go
	all := rec.all()
	for _, never := range []string{"secretpw-marker", "excluded-marker", "excluded.test"} {
		if strings.Contains(all, never) {
			t.Errorf("the extension sent %q:\n%s", never, all)
		}
	}
	if !strings.Contains(all, "plain-marker") || !strings.Contains(all, `"device":"E2E-LAPTOP"`) {
		t.Errorf("what was sent:\n%s", all)
	}
}

// eventually retries check until it holds, for up to 30 seconds.
func (b *browser) eventually(what string, check func() bool) {
	b.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if check() {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	b.t.Fatalf("%s: not within 30 seconds", what)
}
