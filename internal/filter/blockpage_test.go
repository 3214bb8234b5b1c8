package filter

import (
	"context"
	"errors"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// pageRequest asks the block page for host from a loopback address.
func pageRequest(t *testing.T, h *harness, from, method, host, path string, form url.Values, header map[string]string) (int, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, h.page+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := dohClient(from).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if csp := res.Header.Get("Content-Security-Policy"); res.StatusCode < 400 || res.StatusCode == 403 || res.StatusCode == 422 {
		if !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("no strict Content-Security-Policy: %q", csp)
		}
	}
	return res.StatusCode, string(b)
}

func TestBlockPage(t *testing.T) {
	h := newHarness(t, nil)
	t.Run("a blocked name says why, in words a child understands", func(t *testing.T) {
		status, body := pageRequest(t, h, "127.0.0.1", "GET", "www.bad.test", "/some/page?q=1", nil, nil)
		if status != http.StatusForbidden {
			t.Errorf("status %d, want 403", status)
		}
		for _, want := range []string{"This website is blocked", "www.bad.test", "only for adults",
			"Leave this page quickly", `href="https://www.bbc.co.uk/weather"`, "Childline", "0800 1111", `href="tel:999"`, "I think this is wrong", "I saw something that worried me", `action="/.lifeguard/review"`, `action="/.lifeguard/worry"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
	})
	t.Run("the reason follows the visitor's group and time", func(t *testing.T) {
		_, body := pageRequest(t, h, "127.0.0.3", "GET", "games.test", "/", nil, nil)
		if !strings.Contains(body, "Games are not allowed at this time of day.") {
			t.Error("the secondary group's games block is not explained")
		}
		_, body = pageRequest(t, h, "127.0.0.3", "GET", "chat.test", "/", nil, nil)
		if !strings.Contains(body, "Nothing is blocked here") || strings.Contains(body, "<form") {
			t.Error("a name allowed for the visitor shows a block page")
		}
	})
	t.Run("no inline script or style", func(t *testing.T) {
		_, body := pageRequest(t, h, "127.0.0.1", "GET", "bad.test", "/", nil, nil)
		if regexp.MustCompile(`(?i)<style|\sstyle=|\son[a-z]+=|javascript:`).MatchString(body) {
			t.Error("the page has inline script or style")
		}
		for _, tag := range regexp.MustCompile(`(?i)<script[^>]*>`).FindAllString(body, -1) {
			if tag != `<script src="/.lifeguard/quick-exit.js" defer>` {
				t.Errorf("the page has a script that is not the quick exit's file: %s", tag)
			}
		}
		status, js := pageRequest(t, h, "127.0.0.1", "GET", "bad.test", "/.lifeguard/quick-exit.js", nil, nil)
		if status != 200 || !strings.Contains(js, "location.replace") {
			t.Errorf("the quick exit's script: %d", status)
		}
		status, css := pageRequest(t, h, "127.0.0.1", "GET", "bad.test", "/.lifeguard/style.css", nil, nil)
		if status != 200 || !strings.Contains(css, "main {") {
			t.Errorf("the stylesheet: %d", status)
		}
	})
	t.Run("a review request is passed on with the policy's category", func(t *testing.T) {
		status, body := pageRequest(t, h, "127.0.0.2", "POST", "chat.test", "/.lifeguard/review",
			url.Values{"name": {"chat.test"}, "comment": {"I need it for homework"}}, nil)
		if status != 200 || !strings.Contains(body, "Thank you") {
			t.Fatalf("status %d:\n%s", status, body)
		}
		reps := h.reports.all()
		if len(reps) != 1 {
			t.Fatalf("%d reports", len(reps))
		}
		r := reps[0]
		if r.Kind != "review" || r.Name != "chat.test" || r.Category != "chat" || r.Group != "primary" || r.Client.String() != "127.0.0.2" || r.Text != "I need it for homework" {
			t.Errorf("report %+v", r)
		}
		if !strings.Contains(body, "tell a teacher") {
			t.Error("a standalone filter's thanks does not send the child to an adult")
		}
	})
	t.Run("a worry is passed on in the child's words", func(t *testing.T) {
		before := len(h.reports.all())
		status, body := pageRequest(t, h, "127.0.0.1", "POST", "bad.test", "/.lifeguard/worry",
			url.Values{"name": {"bad.test"}, "text": {"Someone sent me a link"}}, nil)
		if status != 200 || !strings.Contains(body, "tell an adult you trust") {
			t.Fatalf("status %d:\n%s", status, body)
		}
		reps := h.reports.all()[before:]
		if len(reps) != 1 || reps[0].Kind != "worry" || reps[0].Text != "Someone sent me a link" || reps[0].Category != "pornography" {
			t.Errorf("reports %+v", reps)
		}
	})
	t.Run("the worry form offers the choices, something else checked", func(t *testing.T) {
		_, body := pageRequest(t, h, "127.0.0.1", "GET", "bad.test", "/", nil, nil)
		for _, a := range lifeguard.WorryChoices() {
			radio := `<input type="radio" id="about-` + string(a) + `" name="about" value="` + string(a) + `"`
			if !strings.Contains(body, radio) || !strings.Contains(body, `<label for="about-`+string(a)+`">`+html.EscapeString(a.Label())+`</label>`) {
				t.Errorf("the form lacks the choice %s", a)
			}
		}
		if !strings.Contains(body, `value="something_else" aria-describedby="about-hint" checked>`) || strings.Count(body, " checked>") != 1 {
			t.Error("something else is not the one choice checked")
		}
		if !strings.Contains(body, "<legend>What is your worry about?</legend>") {
			t.Error("the choices have no legend")
		}
	})
	t.Run("a worry is passed on with the child's choice, words or none", func(t *testing.T) {
		for _, a := range lifeguard.WorryChoices() {
			before := len(h.reports.all())
			form := url.Values{"name": {"bad.test"}, "about": {string(a)}}
			if a == lifeguard.WorrySomethingElse {
				form.Set("text", "A pop-up would not go away")
			}
			status, body := pageRequest(t, h, "127.0.0.1", "POST", "bad.test", "/.lifeguard/worry", form, nil)
			if status != 200 || !strings.Contains(body, "Thank you") {
				t.Fatalf("%s: status %d:\n%s", a, status, body)
			}
			reps := h.reports.all()[before:]
			if len(reps) != 1 || reps[0].About != string(a) || reps[0].Text != form.Get("text") {
				t.Errorf("%s: reports %+v", a, reps)
			}
			// A child who wants to hurt themselves is told, once more, who
			// can help now.
			if now := strings.Contains(body, "might hurt yourself soon"); now != (a == "hurt_myself") {
				t.Errorf("%s: the thanks say who can help now: %v", a, now)
			}
		}
		// A page from before the choices sends none: something else.
		before := len(h.reports.all())
		pageRequest(t, h, "127.0.0.1", "POST", "bad.test", "/.lifeguard/worry", url.Values{"name": {"bad.test"}, "text": {"x"}}, nil)
		if reps := h.reports.all()[before:]; len(reps) != 1 || reps[0].About != string(lifeguard.WorrySomethingElse) {
			t.Errorf("reports %+v, want one about something else", reps)
		}
	})
	t.Run("a worry that comes back keeps the child's choice and words", func(t *testing.T) {
		status, body := pageRequest(t, h, "127.0.0.1", "POST", "bad.test", "/.lifeguard/worry",
			url.Values{"name": {"bad.test"}, "about": {"meeting"}, "text": {strings.Repeat("a", maxWorry+1)}}, nil)
		if status != 422 || !strings.Contains(body, `value="meeting" aria-describedby="about-hint" checked>`) ||
			!strings.Contains(body, strings.Repeat("a", maxWorry+1)+"</textarea>") {
			t.Errorf("status %d; the page lost the choice or the words", status)
		}
	})
	t.Run("bad forms are refused, named, and nothing is kept", func(t *testing.T) {
		before := len(h.reports.all())
		tests := []struct {
			name   string
			path   string
			form   url.Values
			status int
			want   string
		}{
			{"an empty worry", "/.lifeguard/worry", url.Values{"name": {"bad.test"}, "text": {"   "}}, 422, "Please write what you saw"},
			{"an empty worry about something else", "/.lifeguard/worry", url.Values{"name": {"bad.test"}, "about": {"something_else"}}, 422, "Please write what you saw"},
			{"a worry about no known choice", "/.lifeguard/worry", url.Values{"name": {"bad.test"}, "about": {"ponies"}, "text": {"x"}}, 422, "Please choose what your worry is about"},
			// The server refuses these on every engine; a worry that
			// holds one would never reach a DSL, so the child is asked here.
			{"a worry with a NUL", "/.lifeguard/worry", url.Values{"name": {"bad.test"}, "text": {"a\x00b"}}, 422, "characters we cannot read"},
			{"a comment not UTF-8", "/.lifeguard/review", url.Values{"name": {"bad.test"}, "comment": {"a\xffb"}}, 422, "characters we cannot read"},
			{"a comment too long", "/.lifeguard/review", url.Values{"name": {"bad.test"}, "comment": {strings.Repeat("a", maxComment+1)}}, 422, "too long"},
			{"a review of a name that is not blocked", "/.lifeguard/review", url.Values{"name": {"allowed.test"}, "comment": {"x"}}, 200, "Nothing is blocked here"},
			{"no name", "/.lifeguard/worry", url.Values{"text": {"x"}}, 200, "Nothing is blocked here"},
			{"a worry about a name that is not blocked", "/.lifeguard/worry", url.Values{"name": {"allowed.test"}, "text": {"x"}}, 200, "Nothing is blocked here"},
		}
		for _, tc := range tests {
			status, body := pageRequest(t, h, "127.0.0.1", "POST", "bad.test", tc.path, tc.form, nil)
			if status != tc.status || !strings.Contains(body, tc.want) {
				t.Errorf("%s: status %d, want %d with %q", tc.name, status, tc.status, tc.want)
			}
		}
		if n := len(h.reports.all()) - before; n != 0 {
			t.Errorf("%d reports kept from bad forms", n)
		}
	})
	t.Run("a form posted from another site is refused", func(t *testing.T) {
		before := len(h.reports.all())
		status, _ := pageRequest(t, h, "127.0.0.1", "POST", "bad.test", "/.lifeguard/worry",
			url.Values{"name": {"bad.test"}, "text": {"x"}}, map[string]string{"Sec-Fetch-Site": "cross-site"})
		if status != http.StatusForbidden || len(h.reports.all()) != before {
			t.Errorf("status %d, want 403 and nothing kept", status)
		}
	})
}

func TestBlockPageAttachedWords(t *testing.T) {
	h := newHarness(t, nil, func(o *Options) { o.Attached = true })
	_, body := pageRequest(t, h, "127.0.0.1", "POST", "bad.test", "/.lifeguard/worry", url.Values{"name": {"bad.test"}, "text": {"x"}}, nil)
	if !strings.Contains(body, "sent to an adult whose job is to keep children safe") {
		t.Error("an attached filter's thanks does not say the worry reached someone")
	}
}

func TestHostName(t *testing.T) {
	tests := map[string]string{
		"Bad.Test":                        "bad.test",
		"bad.test:80":                     "bad.test",
		"bad.test.":                       "bad.test",
		"192.0.2.1":                       "",
		"[2001:db8::1]:80":                "",
		"":                                "",
		"a..b":                            "",
		"a b.test":                        "",
		strings.Repeat("a", 64) + ".test": "",
	}
	for in, want := range tests {
		if got := hostName(in); got != want {
			t.Errorf("hostName(%q) = %q, want %q", in, got, want)
		}
	}
}

// failingReports keeps nothing: the server and the spool are both out of
// reach.
type failingReports struct{}

func (failingReports) Report(context.Context, Report) error {
	return errors.New("no room in the spool")
}

// isPage reports what an answer lacks of a page a browser can show: a
// language, a title, a main landmark and a heading.
func isPage(body string) []string {
	var missing []string
	for what, re := range map[string]string{
		"lang":    `<html[^>]* lang="[a-z]{2}`,
		"title":   `<title>[^<]+</title>`,
		"main":    `<main[\s>]`,
		"heading": `<h1[^>]*>[^<]+</h1>`,
	} {
		if !regexp.MustCompile(re).MatchString(body) {
			missing = append(missing, what)
		}
	}
	return missing
}

// TestBlockPageErrorsArePages walks every error the block page can answer
// and checks each is a page in the child's words, not a line of plain text.
func TestBlockPageErrorsArePages(t *testing.T) {
	h := newHarness(t, nil)
	broken := newHarness(t, nil, func(o *Options) { o.Reports = failingReports{} })
	worry := url.Values{"name": {"bad.test"}, "text": {"Someone sent me a link"}}
	tests := []struct {
		name    string
		h       *harness
		method  string
		path    string
		body    string
		header  map[string]string
		status  int
		want    string
		noticed bool // the report was kept
	}{
		{"a form from another site", h, "POST", "/.lifeguard/worry", worry.Encode(), map[string]string{"Sec-Fetch-Site": "cross-site"}, 403, "another site", false},
		{"a form from another site, old browser", h, "POST", "/.lifeguard/worry", worry.Encode(), map[string]string{"Origin": "http://elsewhere.test"}, 403, "another site", false},
		{"a form from a page that hid its origin", h, "POST", "/.lifeguard/worry", worry.Encode(), map[string]string{"Origin": "null"}, 403, "another site", false},
		{"a method the page does not take", h, "POST", "/", worry.Encode(), nil, 405, "only shows the page", false},
		{"a method on the stylesheet", h, "DELETE", "/.lifeguard/style.css", "", nil, 405, "only shows the page", false},
		{"a form that cannot be read", h, "POST", "/.lifeguard/worry", "name=bad.test&text=%zz", nil, 400, "could not be read", false},
		{"nowhere to keep the worry", broken, "POST", "/.lifeguard/worry", worry.Encode(), nil, 503, "tell an adult you trust", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := len(tc.h.reports.all())
			req, err := http.NewRequest(tc.method, tc.h.page+tc.path, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Host = "bad.test"
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			res, err := dohClient("127.0.0.1").Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			body := string(b)
			if res.StatusCode != tc.status || !strings.Contains(body, tc.want) {
				t.Errorf("status %d, want %d saying %q:\n%s", res.StatusCode, tc.status, tc.want, body)
			}
			if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			if missing := isPage(body); len(missing) > 0 {
				t.Errorf("the answer is not a page: it has no %v:\n%s", missing, body)
			}
			if kept := len(tc.h.reports.all()) > before; kept != tc.noticed {
				t.Errorf("report kept: %v", kept)
			}
		})
	}
}

// TestBlockPageOwnFormsPass sends the page's forms as browsers send them
// from the page itself: with its origin, which the page's Referrer-Policy
// lets them name, or with Sec-Fetch-Site where they send it.
func TestBlockPageOwnFormsPass(t *testing.T) {
	h := newHarness(t, nil)
	status, _ := pageRequest(t, h, "127.0.0.1", "GET", "bad.test", "/", nil, nil)
	if status != http.StatusForbidden {
		t.Fatalf("the block page: %d", status)
	}
	req, _ := http.NewRequest("GET", h.page+"/", nil)
	req.Host = "bad.test"
	res, err := dohClient("127.0.0.1").Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if xr := res.Header.Get("X-Robots-Tag"); !strings.Contains(xr, "noindex") {
		t.Errorf("X-Robots-Tag %q: the block page is nothing for a search engine", xr)
	}
	if rp := res.Header.Get("Referrer-Policy"); rp != "same-origin" {
		t.Errorf("Referrer-Policy %q: a browser must be let name the page's origin in its own posts, and no other site's", rp)
	}
	for _, header := range []map[string]string{
		{"Origin": "http://bad.test"},
		{"Sec-Fetch-Site": "same-origin", "Origin": "http://bad.test"},
	} {
		status, body := pageRequest(t, h, "127.0.0.1", "POST", "bad.test", "/.lifeguard/worry",
			url.Values{"name": {"bad.test"}, "text": {"Someone sent me a link"}}, header)
		if status != 200 || !strings.Contains(body, "Thank you") {
			t.Errorf("%v: status %d:\n%s", header, status, body)
		}
	}
}
