package web

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// What the safeguarding lead's forms share: reading a form, fields that
// keep their value and show their problem, the flash after a change, and
// the words for times.

// maxPlainForm bounds a form's body: the longest field, a concern's
// description, is 20,000 characters.
const maxPlainForm = 1 << 20

// errNoUploads answers any attempt to send a file: Lifeguard keeps
// descriptions of evidence, never the thing itself, and never an image of
// a child.
var errNoUploads = lifeguard.Invalid("Lifeguard does not accept files", []lifeguard.Problem{{
	Problem: "Lifeguard never accepts files. Describe the evidence: what it is, where it is held and who holds it. " +
		"Never upload, copy or keep an image of a child.",
}})

// parsePlainForm parses a posted form of plain fields. A multipart body,
// the only way a browser sends a file, is refused before it is read.
func parsePlainForm(w http.ResponseWriter, r *http.Request) error {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); strings.HasPrefix(mt, "multipart/") {
		return errNoUploads
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxPlainForm)
	if err := r.ParseForm(); err != nil {
		return lifeguard.Errorf(lifeguard.EINVALID, "The form could not be read. Go back and try again.")
	}
	return nil
}

// idFromPath reads a positive whole number from the URL path; anything
// else is a page that does not exist.
func idFromPath(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNoPage
	}
	return id, nil
}

// dslField is one input of a form: its id (which problems link to), its
// name, the value to show and its problem, if any.
type dslField struct {
	ID    string
	Name  string
	Value string
	Err   string
}

// problemTarget says where a problem of the store's input path belongs on a
// form, and what the field is called there.
type problemTarget struct {
	id    string
	label string
}

// fieldProblems turns the problems of an EINVALID error into problems that
// link to the form's fields, each starting with the field's name, and the
// message of each field by id for the field itself.
func fieldProblems(err error, specs map[string]problemTarget) ([]lifeguard.Problem, map[string]string) {
	e, ok := invalidError(err)
	if !ok {
		return nil, nil
	}
	ps := e.Problems
	if len(ps) == 0 {
		ps = []lifeguard.Problem{{Problem: e.Message}}
	}
	out := make([]lifeguard.Problem, 0, len(ps))
	byID := map[string]string{}
	for _, p := range ps {
		spec, ok := specs[p.Path]
		if !ok {
			// concern_types[2] belongs to concern_types.
			if i := strings.IndexByte(p.Path, '['); i > 0 {
				spec, ok = specs[p.Path[:i]]
			}
		}
		if !ok {
			out = append(out, lifeguard.Problem{Problem: capitalise(p.String())})
			continue
		}
		msg := spec.label + " " + p.Problem
		if _, seen := byID[spec.id]; !seen {
			byID[spec.id] = msg
		}
		out = append(out, lifeguard.Problem{Path: spec.id, Problem: msg})
	}
	return out, byID
}

func invalidError(err error) (*lifeguard.Error, bool) {
	e, ok := errors.AsType[*lifeguard.Error](err)
	if !ok || e.Code != lifeguard.EINVALID {
		return nil, false
	}
	return e, true
}

// capitalise gives s a capital letter.
func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// The flash is a confirmation shown once on the page a change redirects
// to. It travels in a short-lived cookie, so it can say what changed (the
// routes a new triage added or removed) in the procedure's own words
// without putting them in the address. It holds no personal data.
const flashCookie = "lifeguard_flash"

type pageFlash struct {
	Message string   `json:"m"`
	Added   []string `json:"a,omitempty"`
	Removed []string `json:"r,omitempty"`
	// Same is true after a change of facts that left the routes as they were.
	Same bool `json:"s,omitempty"`
	// Procedure says, after a change of facts, that the routes were worked
	// out under a different version of the procedure from the one before,
	// so some of the changes come from the procedure, not the facts.
	Procedure string `json:"p,omitempty"`
}

func (wb *Web) setPageFlash(w http.ResponseWriter, f pageFlash) {
	b, err := json.Marshal(f)
	if err != nil {
		return
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: base64.RawURLEncoding.EncodeToString(b), Path: "/",
		HttpOnly: true, Secure: wb.cfg.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: 60})
}

// takePageFlash reads the flash, if there is one, and clears it.
func (wb *Web) takePageFlash(w http.ResponseWriter, r *http.Request) *pageFlash {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return nil
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", HttpOnly: true,
		Secure: wb.cfg.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: -1})
	b, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil {
		return nil
	}
	var f pageFlash
	if json.Unmarshal(b, &f) != nil || f.Message == "" {
		return nil
	}
	return &f
}

// redirectAfterPost ends a successful POST: the browser goes to the page,
// and a reload does not send the form again.
func redirectAfterPost(w http.ResponseWriter, r *http.Request, url string) error {
	http.Redirect(w, r, url, http.StatusSeeOther)
	return nil
}

// showTime shows a time in the partnership's zone, as people say it.
func (wb *Web) showTime(t time.Time) string {
	return t.In(wb.zone()).Format("Mon 2 Jan 2006, 15:04")
}

// showDate shows a date as people say it.
func showDate(d lifeguard.Date) string {
	return d.In(time.UTC).Format("Mon 2 Jan 2006")
}

// todayHere is the date in the partnership's zone.
func (wb *Web) todayHere() lifeguard.Date {
	return lifeguard.DateOf(wb.cfg.Now().In(wb.zone()))
}

func concernURL(id int64) string { return "/concerns/" + strconv.FormatInt(id, 10) }
