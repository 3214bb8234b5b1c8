package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/quickexit"
)

//go:embed templates
var templateFS embed.FS

// templates holds one parsed template per page: the page's own file on top
// of the layout and the partials it shares.
type templates struct {
	pages map[string]*template.Template
}

// london is the zone pages show times in; the procedure's zone when there
// is one is used instead (see Web.zone).
func funcs(st *assets) template.FuncMap {
	return template.FuncMap{
		"asset":        st.url,
		"quickExitURL": func() string { return quickexit.URL },
		"typeLabel": func(t lifeguard.ConcernType) string {
			if info, ok := lifeguard.LookupConcernType(t); ok {
				return info.Label
			}
			return string(t)
		},
		"join": strings.Join,
		// dict builds the argument of a shared template from pairs.
		"dict": func(pairs ...any) (map[string]any, error) {
			if len(pairs)%2 != 0 {
				return nil, fmt.Errorf("dict needs pairs of key and value")
			}
			m := make(map[string]any, len(pairs)/2)
			for i := 0; i < len(pairs); i += 2 {
				k, ok := pairs[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict key %v is not a string", pairs[i])
				}
				m[k] = pairs[i+1]
			}
			return m, nil
		},
		"add":  func(a, b int) int { return a + b },
		"itoa": func(i int64) string { return strconv.FormatInt(i, 10) },
		"urgencyLabel": func(u lifeguard.Urgency) string {
			switch u {
			case lifeguard.Immediate:
				return "Now"
			case lifeguard.SameWorkingDay:
				return "Today"
			case lifeguard.WorkingDays:
				return "Within working days"
			case lifeguard.AsSoonAsPossible:
				return "As soon as possible"
			case lifeguard.Advice:
				return "Advice"
			}
			return string(u)
		},
	}
}

func parseTemplates(st *assets) (*templates, error) {
	t := &templates{pages: map[string]*template.Template{}}
	pages, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	for _, p := range pages {
		name := path.Base(p)
		tmpl, err := template.New(name).Funcs(funcs(st)).ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html", p)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		t.pages[name] = tmpl
	}
	return t, nil
}

// page is what every page's template receives: the signed-in user and
// their settings for the layout, and the page's own data.
type page struct {
	Title   string
	User    *lifeguard.User
	Prefs   lifeguard.Preferences
	Nav     string // which navigation item is current
	Flash   string // a one-line confirmation after a change
	Zone    *time.Location
	Now     time.Time
	Demo    bool
	Data    any
	Problem []lifeguard.Problem
	// FormTo is an origin, other than Lifeguard's, that the page's forms
	// may lead to (a sign-in provider's); the policy allows only 'self'
	// otherwise, and browsers hold a form's redirects to it too.
	FormTo string
	// QuickExit puts the "Leave this page quickly" control on the page,
	// for pages that children and people at risk read.
	QuickExit bool
	// Script is a script of the page's own (a static file's name), for
	// pages that work without it and better with it.
	Script string
}

// render executes a page into a buffer first, so that a template error
// becomes a proper error page rather than half a page.
func (wb *Web) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) error {
	tmpl, ok := wb.templates.pages[name]
	if !ok {
		return fmt.Errorf("no page template %q", name)
	}
	ctx := fromRequest(r)
	if ctx != nil {
		p.User, p.Prefs = ctx.user, ctx.prefs
	}
	if p.Prefs.TextSize == "" {
		p.Prefs.TextSize = lifeguard.TextMedium
	}
	p.Zone, p.Now, p.Demo = wb.zone(), wb.cfg.Now(), wb.cfg.Demo
	var buf bytes.Buffer
	if err := tmpl.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		return fmt.Errorf("rendering %s: %w", name, err)
	}
	setPageHeaders(w)
	if p.FormTo != "" {
		w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"form-action 'self' "+p.FormTo+"; frame-ancestors 'none'; base-uri 'none'")
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
	return nil
}

// setPageHeaders gives a page its content security policy: scripts and
// styles only from Lifeguard's own hashed files, nothing inline, no frames.
func setPageHeaders(w http.ResponseWriter) {
	w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "+
		"form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
}

func (wb *Web) zone() *time.Location {
	if wb.cfg.Procedure != nil {
		return wb.cfg.Procedure.Calendar().Location()
	}
	return time.UTC
}
