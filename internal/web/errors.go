package web

import (
	"errors"
	"fmt"
	"html"
	"log/slog"
	"net/http"

	"github.com/lifeguard-scp/lifeguard"
)

// handlerFunc is a page handler: it writes a response or returns an error.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (wb *Web) handle(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			wb.renderError(w, r, err)
		}
	})
}

var errNoPage = &lifeguard.Error{Code: lifeguard.ENOTFOUND, Message: "There is no such page."}

// errMethod is a known page asked with a method it does not take, such as
// a form's address opened as a link.
var errMethod = errMethodNotAllowed{}

type errMethodNotAllowed struct{}

func (errMethodNotAllowed) Error() string { return "method not allowed" }

var errCrossOrigin = &lifeguard.Error{Code: lifeguard.EFORBIDDEN,
	Message: "This form was sent from another site, so it was refused. Open Lifeguard and try again from its own page."}

// statusOf gives an error its page's status: 405 for a known page asked
// with the wrong method, otherwise the status of its code from
// lifeguard.HTTPStatus, the table the API uses too.
func statusOf(err error) int {
	if errors.Is(err, errMethod) {
		return http.StatusMethodNotAllowed
	}
	return lifeguard.HTTPStatus(err)
}

type errorData struct {
	Status  int
	Heading string
	Message string
}

// renderError shows an error page in plain words. The cause of a server
// error is logged with the request's id; the user sees a general sentence.
func (wb *Web) renderError(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	if status >= 500 {
		wb.cfg.Logger.ErrorContext(r.Context(), "page failed", slog.String("error", err.Error()), slog.Int("status", status))
	}
	heading := map[int]string{
		http.StatusUnprocessableEntity: "Something needs changing",
		http.StatusUnauthorized:        "Please sign in",
		http.StatusForbidden:           "You cannot do that",
		http.StatusNotFound:            "Page not found",
		http.StatusConflict:            "That cannot be changed now",
		http.StatusServiceUnavailable:  "Lifeguard is not available just now",
		http.StatusMethodNotAllowed:    "This page cannot do that",
	}[status]
	if heading == "" {
		heading = "Something went wrong"
	}
	msg := lifeguard.ErrorMessage(err)
	switch status {
	case http.StatusNotFound:
		msg = "There is no such page, or it is not one you can see. Check the address, or go back to your home page."
	case http.StatusMethodNotAllowed:
		msg = "This address is for a form or a page, and was reached the other way. Go back and use the page's own links and buttons."
	}
	var pe *lifeguard.Error
	if errors.As(err, &pe) && len(pe.Problems) > 0 {
		msg = pe.Error()
	}
	if rerr := wb.render(w, r, status, "error.html", page{Title: heading, Data: errorData{status, heading, msg}}); rerr != nil {
		wb.cfg.Logger.ErrorContext(r.Context(), "error page failed", slog.String("error", rerr.Error()))
		setPageHeaders(w)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		fmt.Fprintf(w, brokenPage, html.EscapeString(heading))
	}
}

// RenderError answers err with an error page; the server calls it for a
// page whose handler panicked, so that a browser sees a page, not JSON.
func (wb *Web) RenderError(w http.ResponseWriter, r *http.Request, err error) {
	wb.renderError(w, r, err)
}

// brokenPage is the error page when the error template itself fails:
// fixed HTML with the landmarks every page has.
const brokenPage = `<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>%[1]s – Lifeguard</title></head>
<body><main id="main"><h1>%[1]s</h1>
<p>Lifeguard could not show this page. Please try again in a moment. If a child is in immediate danger, call 999.</p>
<p><a href="/">Go to your home page</a></p></main></body></html>
`
