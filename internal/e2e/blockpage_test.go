package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lifeguard-scp/lifeguard/internal/cli"
)

// syncLog collects a command's output while the test reads it.
type syncLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// filtered is a school of the running demo with a DNS filter attached to
// the demo server, as lifeguard filter --server runs it: the school's
// administrator sets the policy, and the filter's block page answers for
// selfharm.test.
type filtered struct {
	app      *app
	blockURL string // the block page as a browser reaches it for selfharm.test
	dsl      string // the school's DSL's API token
}

// blockedName is on the school's self-harm list.
const blockedName = "selfharm.test"

func (a *app) attachFilter(t *testing.T) *filtered {
	t.Helper()
	slug := fmt.Sprintf("%d", time.Now().UnixNano())
	run := func(stdin string, args ...string) string {
		t.Helper()
		var out, errb strings.Builder
		if code := cli.Run(context.Background(), append(args, "--data", a.data), strings.NewReader(stdin), &out, &errb); code != 0 {
			t.Fatalf("%v: %s", args, errb.String())
		}
		return strings.TrimSpace(out.String())
	}
	out := run("", "org", "add", "--name", "Filtered School "+slug, "--setting", "school", "--internet")
	m := regexp.MustCompile(`Organisation (\d+) added`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("org add said %q", out)
	}
	org := m[1]
	tokens := map[string]string{}
	for _, role := range []string{"admin", "dsl", "filter"} {
		email := role + "." + slug + "@filtered.example"
		run(demoPassword+"\n", "user", "add", "--email", email, "--name", "The "+role, "--role", role, "--org", org)
		tokens[role] = run("", "token", "create", "--email", email, "--name", "e2e")
	}

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "self_harm.txt"), []byte(blockedName+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	policy := `{"categories":{"self_harm":{"lists":["self_harm.txt"]}},` +
		`"groups":{"everyone":{"categories":["self_harm"],"networks":["127.0.0.0/8"]}},"default_group":"everyone"}`
	if code, body := apiJSON(t, "PUT", a.url+"/api/v1/filter/organisations/"+org+"/policy", tokens["admin"], policy, nil); code != 200 {
		t.Fatalf("the administrator set the filter's policy: %d %s", code, body)
	}
	// The filter never asks its upstream: the test visits only the block
	// page, whose address it reads from the filter's log.
	config := filepath.Join(dir, "filter.yaml")
	if err := os.WriteFile(config, []byte(`dns:
  listen: ["127.0.0.1:0"]
  upstreams: ["127.0.0.1:9"]
block_answer: {ipv4: 192.0.2.1}
block_page: {listen: "127.0.0.1:0"}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	stderr := &syncLog{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- cli.Run(ctx, []string{"filter", "--config", config, "--server", a.url, "--token", tokens["filter"]}, strings.NewReader(""), io.Discard, stderr)
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("the filter exited %d:\n%s", code, stderr.String())
		}
	})
	var page string
	for deadline := time.Now().Add(time.Minute); page == ""; time.Sleep(50 * time.Millisecond) {
		sc := bufio.NewScanner(strings.NewReader(stderr.String()))
		for sc.Scan() {
			var line struct {
				Msg       string
				BlockPage string `json:"block_page"`
				Attached  bool
			}
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "filtering" && line.Attached {
				page = line.BlockPage
			}
		}
		select {
		case code := <-done:
			done <- code
			t.Fatalf("the filter stopped (exit %d):\n%s", code, stderr.String())
		default:
		}
		if page == "" && time.Now().After(deadline) {
			t.Fatalf("the filter did not start within a minute:\n%s", stderr.String())
		}
	}
	_, port, err := net.SplitHostPort(page)
	if err != nil {
		t.Fatal(err)
	}
	return &filtered{app: a, blockURL: "http://" + blockedName + ":" + port, dsl: tokens["dsl"]}
}

// apiJSON sends a JSON request with a bearer token and decodes a
// successful answer into out when it is not nil.
func apiJSON(t *testing.T, method, url, token, body string, out any) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if out != nil && res.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v\n%s", method, url, err, b)
		}
	}
	return res.StatusCode, string(b)
}

// worries returns the descriptions of the open concerns in the DSL's inbox.
func (f *filtered) worries(t *testing.T) []string {
	t.Helper()
	var inbox struct{ Concerns []struct{ ID int64 } }
	if code, body := apiJSON(t, "GET", f.app.url+"/api/v1/concerns?status=open", f.dsl, "", &inbox); code != 200 {
		t.Fatalf("the DSL's inbox: %d %s", code, body)
	}
	var out []string
	for _, c := range inbox.Concerns {
		var concern struct{ Facts struct{ Description string } }
		if code, body := apiJSON(t, "GET", fmt.Sprintf("%s/api/v1/concerns/%d", f.app.url, c.ID), f.dsl, "", &concern); code != 200 {
			t.Fatalf("concern %d: %d %s", c.ID, code, body)
		}
		out = append(out, concern.Facts.Description)
	}
	return out
}

// types returns the concern types of the open concern in the DSL's inbox
// whose description is words.
func (f *filtered) types(t *testing.T, words string) []string {
	t.Helper()
	var inbox struct{ Concerns []struct{ ID int64 } }
	if code, body := apiJSON(t, "GET", f.app.url+"/api/v1/concerns?status=open", f.dsl, "", &inbox); code != 200 {
		t.Fatalf("the DSL's inbox: %d %s", code, body)
	}
	for _, c := range inbox.Concerns {
		var concern struct {
			Facts struct {
				Description  string
				ConcernTypes []string `json:"concern_types"`
			}
		}
		if code, body := apiJSON(t, "GET", fmt.Sprintf("%s/api/v1/concerns/%d", f.app.url, c.ID), f.dsl, "", &concern); code != 200 {
			t.Fatalf("concern %d: %d %s", c.ID, code, body)
		}
		if concern.Facts.Description == words {
			return concern.Facts.ConcernTypes
		}
	}
	return nil
}

// reviews returns the DSL's open review requests, as JSON text.
func (f *filtered) reviews(t *testing.T) string {
	t.Helper()
	code, body := apiJSON(t, "GET", f.app.url+"/api/v1/filter/reviews", f.dsl, "", nil)
	if code != 200 {
		t.Fatalf("the DSL's review requests: %d %s", code, body)
	}
	return body
}

// blockPageBrowser is a Chromium that resolves the made-up names of these
// tests to loopback, as a filtered network resolves a blocked name to the
// filter.
func blockPageBrowser(t *testing.T) *browser {
	return newBrowserWith(t, chromedp.Flag("host-resolver-rules", "MAP "+blockedName+" 127.0.0.1, MAP elsewhere.test 127.0.0.1"))
}

// answer returns the status and the whole visible text of the page the
// browser has just loaded, whatever its shape.
func (b *browser) answer() (int64, string) {
	b.t.Helper()
	var status int64
	var text string
	b.run(chromedp.Evaluate(`performance.getEntriesByType("navigation")[0].responseStatus`, &status),
		chromedp.Evaluate(`document.body ? document.body.innerText : document.documentElement.textContent`, &text))
	return status, text
}

// TestBlockPageFormsInChromium opens the block page in Chromium, as a
// child sent there by the filter would, and sends both of its forms: the
// worry reaches the DSL's inbox and the review request the DSL's list.
// Chromium sends no Sec-Fetch-Site to a plain-HTTP name, so the forms pass
// the cross-origin check only if the page lets the browser send its Origin.
// First, the same forms posted from a page on another site, as an
// attacker's page would post them, are refused with a readable page; the
// forged worry is not in the inbox once the genuine one sent after it is.
func TestBlockPageFormsInChromium(t *testing.T) {
	a := startApp(t)
	f := a.attachFilter(t)
	b := blockPageBrowser(t)

	const forged = "a worry forged by another site"
	// Forms posted from another site are refused.
	{
		other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<!DOCTYPE html><html lang="en"><head><title>Another site</title></head><body><main>
<form id="worry" method="post" action="%s/.lifeguard/worry"><input name="name" value="%s"><input name="text" value="%s"><button>Send</button></form>
<form id="report" method="post" action="%s/report"><input name="step" value="1"><button>Report</button></form>
</main></body></html>`, f.blockURL, blockedName, forged, a.url)
		}))
		defer other.Close()
		_, port, _ := net.SplitHostPort(strings.TrimPrefix(other.URL, "http://"))
		for _, form := range []string{"worry", "report"} {
			b.run(chromedp.Navigate("http://elsewhere.test:"+port+"/"), chromedp.WaitVisible("#"+form, chromedp.ByQuery))
			b.submit("#" + form + " button")
			status, text := b.answer()
			if status != http.StatusForbidden || !strings.Contains(text, "another site") {
				t.Errorf("the %s form posted from another site answered %d, want 403 saying why:\n%s", form, status, text)
			}
			b.checkAccessible("cross-site " + form + " form refused")
		}
	}

	b.run(chromedp.Navigate(f.blockURL+"/a/page"), chromedp.WaitVisible("main h1", chromedp.ByQuery))
	text := b.text()
	for _, want := range []string{"This website is blocked", blockedName, "Childline", "0800 1111", "999"} {
		if !strings.Contains(text, want) {
			t.Errorf("the block page does not show %q before anything is sent:\n%s", want, text)
		}
	}
	b.checkAccessible("block page")

	// "I think this is wrong".
	const comment = "I need it for a school project"
	b.run(chromedp.SendKeys("#comment", comment, chromedp.ByQuery))
	b.submit(`form[action$="/review"] button[type=submit]`)
	if status, text := b.answer(); status != 200 || !strings.Contains(text, "asked for "+blockedName+" to be checked") {
		t.Fatalf("the review form answered %d:\n%s", status, text)
	}
	b.checkAccessible("block page: review sent")

	// "Send my worry", choosing what it is about by its words, as a child
	// clicks them.
	worry := fmt.Sprintf("Someone in a game told me to hurt myself (%d)", time.Now().UnixNano())
	b.run(chromedp.Navigate(f.blockURL+"/"), chromedp.WaitVisible("#text", chromedp.ByQuery))
	var checked string
	b.run(chromedp.Evaluate(`document.querySelector('input[name=about]:checked').value`, &checked))
	if checked != "something_else" {
		t.Errorf("the choice checked at first is %q, want something_else", checked)
	}
	b.run(chromedp.Click(`label[for="about-hurt_myself"]`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('input[name=about]:checked').value`, &checked))
	if checked != "hurt_myself" {
		t.Errorf("clicking the words checked %q, want hurt_myself", checked)
	}
	b.checkAccessible("block page: a worry's choices")
	b.noHorizontalScroll("block page: a worry's choices")
	b.screenshot("blockpage-worry-choices")
	b.run(chromedp.SendKeys("#text", worry, chromedp.ByQuery))
	b.submit(`form[action$="/worry"] button[type=submit]`)
	if status, text := b.answer(); status != 200 || !strings.Contains(text, "Your worry has been sent") {
		t.Fatalf("the worry form answered %d:\n%s", status, text)
	}
	b.checkAccessible("block page: worry sent")

	var inbox []string
	for deadline := time.Now().Add(time.Minute); !slices.Contains(inbox, worry); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the worry did not reach the DSL's inbox within a minute: %q", inbox)
		}
		inbox = f.worries(t)
	}
	if types := f.types(t, worry); !slices.Equal(types, []string{"self_harm"}) {
		t.Errorf("the worry about hurting myself has the types %v, want self_harm", types)
	}
	if slices.Contains(inbox, forged) {
		t.Error("the worry posted from another site reached the DSL's inbox")
	}
	if r := f.reviews(t); !strings.Contains(r, comment) {
		t.Errorf("the review request is not in the DSL's list: %s", r)
	}
}
