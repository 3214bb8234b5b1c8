package filter

import (
	"bytes"
	"embed"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"unicode/utf8"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/filter/policy"
	"github.com/lifeguard-scp/lifeguard/internal/quickexit"
)

// The block page. A blocked name resolves to the filter's address, so the
// browser comes here with the blocked name in its Host header; the page asks
// the policy again (for this client, now) why, and says so in words a child
// understands. Its two forms send a review request or a worry. Every view
// carries the quick exit ("Leave this page quickly"), whose one small script
// is a file of its own: pages have no inline script or style, under a
// strict Content-Security-Policy, and forms are protected from other sites
// by http.CrossOriginProtection.
//
// HTTPS sites cannot show it (the browser rightly refuses the filter's
// certificate for someone else's name); docs/filter.md says so.

//go:embed blockpage/page.html blockpage/style.css
var blockPageFS embed.FS

var blockPageTmpl = template.Must(template.ParseFS(blockPageFS, "blockpage/page.html"))

const (
	maxComment = 2000 // characters of a review request's comment
	maxWorry   = 5000 // characters of a worry
	// blockPagePrefix holds the page's own paths, out of the way of any path
	// a blocked site might have.
	blockPagePrefix = "/.lifeguard/"
)

type blockPageData struct {
	View       string // blocked, thanks or clear
	Title      string
	Name       string
	Reason     string
	Kind       string
	Error      string
	Attached   bool
	MaxComment int
	MaxWorry   int
	QuickExit  string // where "Leave this page quickly" goes
	// Choices are what a worry can be about, in the child's words, with
	// About the one checked: the child's own choice when the page comes
	// back with a problem, "something else" at first.
	Choices []worryChoice
	About   lifeguard.WorryAbout
	Text    string // the child's words, kept when the page comes back
}

// worryChoice is one of the worry form's radio buttons.
type worryChoice struct {
	Code  lifeguard.WorryAbout
	Words string
}

// worryChoices are the choices in the order the form offers them.
func worryChoices() []worryChoice {
	var out []worryChoice
	for _, a := range lifeguard.WorryChoices() {
		out = append(out, worryChoice{Code: a, Words: a.Label()})
	}
	return out
}

// BlockPageHandler returns the block page's HTTP handler.
func (f *Filter) BlockPageHandler() http.Handler {
	css, err := blockPageFS.ReadFile("blockpage/style.css")
	if err != nil {
		panic(err) // embedded at build time
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+blockPagePrefix+"style.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=86400")
		w.Write(css)
	})
	mux.HandleFunc("GET "+blockPagePrefix+"quick-exit.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=86400")
		w.Write(quickexit.Script())
	})
	mux.HandleFunc("POST "+blockPagePrefix+"review", func(w http.ResponseWriter, r *http.Request) { f.blockPageReport(w, r, "review") })
	mux.HandleFunc("POST "+blockPagePrefix+"worry", func(w http.ResponseWriter, r *http.Request) { f.blockPageReport(w, r, "worry") })
	mux.HandleFunc("GET /", f.blockPageShow)
	// Any other method on any path: without this the mux would answer a
	// line of plain text.
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		f.blockPageError(w, http.StatusMethodNotAllowed, "This page cannot do that",
			"This address only shows the page. Open it again and use its buttons.")
	})
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.blockPageError(w, http.StatusForbidden, "This message was not sent",
			"It came from another site, not from this page, so it was refused. If you want to tell someone something, use the form on this page.")
	}))
	return securityHeaders(cop.Handler(mux))
}

// securityHeaders sets what every answer of the block page carries.
//
// Referrer-Policy is same-origin, not no-referrer: with no-referrer a
// browser sends "Origin: null" with the page's own form posts, and the
// block page is plain HTTP, where browsers send no Sec-Fetch-Site, so
// http.CrossOriginProtection could not tell the page's own forms from
// another site's and refused them. With same-origin the browser names the
// page's own origin to the page and still tells other sites nothing.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("X-Robots-Tag", "noindex, nofollow")
		h.ServeHTTP(w, r)
	})
}

// hostName returns the lower-case name from a Host header, or "" when it is
// an address or not a name the filter could have answered.
func hostName(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if _, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		return ""
	}
	if _, err := appendWireName(nil, host); err != nil || host == "" {
		return ""
	}
	for _, c := range []byte(host) {
		if c <= ' ' || c >= 0x7F || c == '\\' {
			return ""
		}
	}
	return host
}

func remoteAddr(r *http.Request) netip.Addr {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}

// verdict asks the policy in force about name for the page's visitor.
func (f *Filter) verdict(r *http.Request, name string) (policy.Verdict, Decider) {
	d := f.Policy()
	if name == "" {
		return policy.Verdict{}, d
	}
	return d.Decide(policy.Query{Client: remoteAddr(r), Name: name, Time: f.now()}), d
}

func (f *Filter) blockPageShow(w http.ResponseWriter, r *http.Request) {
	name := hostName(r.Host)
	v, d := f.verdict(r, name)
	data := blockPageData{Name: name, Attached: f.attached, MaxComment: maxComment, MaxWorry: maxWorry}
	status := http.StatusOK
	if v.Action == policy.Block {
		data.View, data.Title, data.Reason = "blocked", "This website is blocked", d.Reason(v.Category)
		status = http.StatusForbidden
	} else {
		data.View, data.Title = "clear", "Nothing is blocked here"
	}
	f.renderBlockPage(w, status, data)
}

func (f *Filter) blockPageReport(w http.ResponseWriter, r *http.Request, kind string) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		f.blockPageError(w, http.StatusBadRequest, "Your message could not be read",
			"Please go back, check your message and send it again.")
		return
	}
	name := hostName(r.PostForm.Get("name"))
	v, d := f.verdict(r, name)
	data := blockPageData{Name: name, Attached: f.attached, MaxComment: maxComment, MaxWorry: maxWorry}
	// Both forms belong to a blocked attempt: the server files them under
	// its category.
	if name == "" || v.Action != policy.Block {
		data.View, data.Title = "clear", "Nothing is blocked here"
		f.renderBlockPage(w, http.StatusOK, data)
		return
	}
	field, limit := "comment", maxComment
	var about lifeguard.WorryAbout
	if kind == "worry" {
		field, limit = "text", maxWorry
		// A page without the choices (an old copy in a browser's cache)
		// sends none: that is "something else", as it was then.
		about = lifeguard.WorryAbout(r.PostForm.Get("about")).OrElse()
	}
	text := strings.TrimSpace(r.PostForm.Get(field))
	var problem string
	switch {
	case !about.Valid() && kind == "worry":
		// Only a form not made by this page sends another value.
		problem = "Please choose what your worry is about from the list."
		about = lifeguard.WorrySomethingElse
	case lifeguard.TextProblem(text) != "":
		// A NUL or invalid UTF-8: the server would refuse the message, so
		// it would never reach anyone. Ask now, while the child is here.
		problem = "Your message has characters we cannot read. Please type it again."
		text = ""
	case about == lifeguard.WorrySomethingElse && text == "":
		problem = "Please write what you saw or what happened, so that someone can help."
	case utf8.RuneCountInString(text) > limit:
		problem = "Your message is too long. Please make it shorter."
	}
	if problem != "" {
		data.View, data.Title, data.Reason, data.Error = "blocked", "Please check your message", d.Reason(v.Category), problem
		if kind == "worry" {
			data.About, data.Text = about, text
		}
		f.renderBlockPage(w, http.StatusUnprocessableEntity, data)
		return
	}
	rep := Report{Kind: kind, Time: f.now(), Client: remoteAddr(r), Group: v.Group, Name: name, Category: v.Category,
		About: string(about), Text: text}
	if err := f.reports.Report(r.Context(), rep); err != nil {
		f.log.Error("a block page report could not be kept", slog.String("kind", kind), slog.String("error", err.Error()))
		f.blockPageError(w, http.StatusServiceUnavailable, "Your message could not be sent",
			"Sorry, something went wrong here. Please tell an adult you trust instead.")
		return
	}
	data.View, data.Title, data.Kind, data.About = "thanks", "Thank you", kind, about
	f.renderBlockPage(w, http.StatusOK, data)
}

// blockPageError answers a problem as a page of its own, in words a
// child understands, never as a line of plain text.
func (f *Filter) blockPageError(w http.ResponseWriter, status int, title, message string) {
	f.renderBlockPage(w, status, blockPageData{View: "error", Title: title, Error: message})
}

// blockPageBroken is the answer when the page's template itself fails:
// fixed HTML with the same landmarks, which cannot fail in turn.
const blockPageBroken = `<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>This page could not be shown</title><link rel="stylesheet" href="/.lifeguard/style.css"></head>
<body><main id="main"><h1>This page could not be shown</h1>
<p>Sorry, something went wrong. If you want to talk to someone, call Childline free on 0800 1111. If you are in danger right now, call 999.</p>
</main></body></html>
`

func (f *Filter) renderBlockPage(w http.ResponseWriter, status int, data blockPageData) {
	data.QuickExit = quickexit.URL
	data.Choices = worryChoices()
	if data.About == "" {
		data.About = lifeguard.WorrySomethingElse
	}
	var buf bytes.Buffer
	if err := blockPageTmpl.Execute(&buf, data); err != nil {
		f.log.Error("rendering the block page", slog.String("error", err.Error()))
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(blockPageBroken)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
