// Package e2e drives Lifeguard's pages in a real Chromium, against a real
// server on a real SQLite file with the demo partnership, as users would:
// by mouse and by keyboard, at desktop and phone widths, with axe-core
// checking every page for accessibility problems.
package e2e

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/lifeguard-scp/lifeguard/internal/cli"
)

const demoPassword = "a demo passphrase for e2e"

// repoRoot is the module's root, for the axe-core script and screenshots.
func repoRoot(t testing.TB) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// chromiumPath finds the browser. In CI a missing browser is a failure, not
// a skip: .ci/run installs Debian's chromium before the tests.
func chromiumPath(t testing.TB) string {
	t.Helper()
	for _, p := range []string{os.Getenv("LIFEGUARD_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("Chromium is not installed; .ci/run installs it from Debian's packages (apt-get install chromium)")
	}
	t.Skip("Chromium is not installed (apt-get install chromium, or set LIFEGUARD_CHROMIUM); CI runs these tests")
	return ""
}

// axeScript is axe-core, installed from npm by .ci/run into tools/axe.
func axeScript(t testing.TB) string {
	t.Helper()
	p := os.Getenv("LIFEGUARD_AXE")
	if p == "" {
		p = filepath.Join(repoRoot(t), "tools", "axe", "node_modules", "axe-core", "axe.min.js")
	}
	b, err := os.ReadFile(p)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("axe-core is not installed at %s: %v", p, err)
		}
		t.Skipf("axe-core is not installed (npm install --prefix tools/axe axe-core@4.14.1): %v", err)
	}
	return string(b)
}

// app is a Lifeguard server with the demo partnership, started as
// "lifeguard serve --demo" would start it, in this process.
type app struct {
	url  string
	data string
}

var runningAt = regexp.MustCompile(`Lifeguard is running at (http://\S+)`)

var (
	sharedOnce sync.Once
	sharedApp  *app
	sharedErr  error
)

// startApp starts one demo server for the whole package: seeding the whole
// demo takes tens of seconds, and the tests work on different records of it.
func startApp(t testing.TB) *app {
	t.Helper()
	sharedOnce.Do(func() {
		dir, err := os.MkdirTemp("", "lifeguard-e2e-")
		if err != nil {
			sharedErr = err
			return
		}
		pr, pw := io.Pipe()
		go cli.Run(context.Background(), []string{"serve", "--demo", "--demo-size", demoSize, "--demo-password", demoPassword,
			"--data", filepath.Join(dir, "data"), "--listen", "127.0.0.1:0"}, strings.NewReader(""), pw, io.Discard)
		sc := bufio.NewScanner(pr)
		found := make(chan string, 1)
		go func() {
			// The full demo adds the partnership's year after it listens;
			// the tests read the board report whole, so they wait for it.
			var u string
			for sc.Scan() {
				if m := runningAt.FindStringSubmatch(sc.Text()); m != nil {
					u = m[1]
					if demoSize != "full" {
						found <- u
					}
				}
				if strings.HasPrefix(sc.Text(), "Demo history added") {
					found <- u
				}
			}
		}()
		select {
		case u := <-found:
			sharedApp = &app{url: u, data: filepath.Join(dir, "data")}
		case <-time.After(5 * time.Minute):
			sharedErr = fmt.Errorf("the demo server did not start within five minutes")
		}
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return sharedApp
}

// token makes an API token for a demo user, through the command line.
func (a *app) token(t testing.TB, email string) string {
	t.Helper()
	var out, errb strings.Builder
	if code := cli.Run(context.Background(), []string{"token", "create", "--data", a.data, "--email", email}, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("token for %s: %s", email, errb.String())
	}
	return strings.TrimSpace(out.String())
}

// browser is one Chromium with a fresh profile: its own cookies, so each
// test signs in as its own user.
type browser struct {
	t   testing.TB
	ctx context.Context
	axe string
}

func newBrowser(t testing.TB) *browser {
	t.Helper()
	return newBrowserWith(t)
}

// newBrowserWith starts a browser with extra Chromium options, such as
// host-resolver-rules that send made-up names to loopback.
func newBrowserWith(t testing.TB, extra ...chromedp.ExecAllocatorOption) *browser {
	t.Helper()
	path := chromiumPath(t)
	axe := axeScript(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(profileDir(t)),
		// The machine has no network but loopback: stop Chromium's own
		// background requests, which would only fail.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(1280, 900),
	}
	opts = append(opts, extra...)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(cancelTimeout)
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return &browser{t: t, ctx: ctx, axe: axe}
}

func (b *browser) run(actions ...chromedp.Action) {
	b.t.Helper()
	if err := chromedp.Run(b.ctx, actions...); err != nil {
		b.t.Fatal(err)
	}
}

// text returns the visible text of the page's main content.
func (b *browser) text() string {
	b.t.Helper()
	var s string
	b.run(chromedp.Text("main", &s, chromedp.ByQuery))
	return s
}

func (b *browser) location() string {
	var s string
	b.run(chromedp.Location(&s))
	return s
}

// profileDir is a fresh Chromium profile. Not t.TempDir: Chromium may
// still be writing to it as the test ends, and that must not fail the test.
func profileDir(t testing.TB) string {
	dir, err := os.MkdirTemp("", "lifeguard-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		time.Sleep(200 * time.Millisecond)
		os.RemoveAll(dir)
	})
	return dir
}

// next runs the actions that leave the page (a click on a submit button, a
// key press) and waits until the next page has loaded: it marks the current
// document and waits for a document without the mark.
func (b *browser) next(actions ...chromedp.Action) {
	b.t.Helper()
	b.run(chromedp.Evaluate(`window.__lifeguardOld = true`, nil))
	b.run(actions...)
	// Evaluating while the page navigates can fail; that only means "not
	// yet", so errors are retried until the deadline.
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		var loaded bool
		err := chromedp.Run(b.ctx, chromedp.Evaluate(`!window.__lifeguardOld && document.readyState === "complete"`, &loaded))
		if err == nil && loaded {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.t.Fatalf("the next page did not load within 30 seconds; still on %s:\n%.800s", b.location(), b.text())
}

// submit clicks the submit button matched by selector and waits for the
// page it leads to.
func (b *browser) submit(selector string) {
	b.t.Helper()
	b.next(chromedp.Click(selector, chromedp.ByQuery))
}

// signIn signs in on the sign-in page with the demo password.
func (b *browser) signIn(base, email string) {
	b.t.Helper()
	b.run(
		chromedp.Navigate(base+"/signin"),
		chromedp.WaitVisible("#email", chromedp.ByQuery),
		chromedp.SendKeys("#email", email, chromedp.ByQuery),
		chromedp.SendKeys("#password", demoPassword, chromedp.ByQuery),
	)
	b.submit(`main button[type=submit]`)
}

// checkAccessible runs axe-core on the page as it is and fails the test on
// any violation of WCAG 2.x A and AA rules.
func (b *browser) checkAccessible(name string) {
	b.t.Helper()
	var res struct {
		Violations []struct {
			ID          string `json:"id"`
			Impact      string `json:"impact"`
			Description string `json:"description"`
			Nodes       []struct {
				Target []any  `json:"target"`
				HTML   string `json:"html"`
			} `json:"nodes"`
		} `json:"violations"`
	}
	// The page's policy forbids inline script; DevTools evaluation is not
	// subject to it, and bypassing it here touches only the test browser.
	b.run(
		page.SetBypassCSP(true),
		chromedp.Evaluate(b.axe, nil),
		chromedp.Evaluate(`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}})`, &res,
			func(p *cdpruntime.EvaluateParams) *cdpruntime.EvaluateParams { return p.WithAwaitPromise(true) }),
	)
	b.noHorizontalScroll(name)
	for _, v := range res.Violations {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprintf("%v %s", n.Target, n.HTML))
		}
		b.t.Errorf("%s: axe %s (%s): %s\n  %s", name, v.ID, v.Impact, v.Description, strings.Join(where, "\n  "))
	}
}

// screenshot writes the page at desktop and phone widths to
// internal/e2e/screenshots/NAME-desktop.png and NAME-phone.png.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	dir := filepath.Join(repoRoot(b.t), "internal", "e2e", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	for _, size := range []struct {
		label         string
		width, height int64
	}{{"desktop", 1280, 900}, {"phone", 320, 720}} {
		var png []byte
		b.run(chromedp.EmulateViewport(size.width, size.height), chromedp.FullScreenshot(&png, 100))
		if err := os.WriteFile(filepath.Join(dir, name+"-"+size.label+".png"), png, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}
	b.run(chromedp.EmulateViewport(1280, 900))
}

// noHorizontalScroll checks that the page fits a 320 px wide screen.
func (b *browser) noHorizontalScroll(name string) {
	b.t.Helper()
	var wide bool
	b.run(chromedp.EmulateViewport(320, 720),
		chromedp.Evaluate(`document.documentElement.scrollWidth > document.documentElement.clientWidth + 1`, &wide),
		chromedp.EmulateViewport(1280, 900))
	if wide {
		b.t.Errorf("%s scrolls sideways at 320 px wide", name)
	}
}

// totp computes an RFC 6238 code for a base32 secret, as an authenticator
// app would.
func totp(secret string, at time.Time) string {
	key, _ := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(secret))
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(at.Unix()/30))
	m := hmac.New(sha1.New, key)
	m.Write(msg[:])
	h := m.Sum(nil)
	off := h[len(h)-1] & 0x0f
	v := binary.BigEndian.Uint32(h[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", v%1000000)
}
