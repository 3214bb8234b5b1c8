package web

import (
	"errors"
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

var errCrossOrigin = &lifeguard.Error{Code: lifeguard.EFORBIDDEN,
	Message: "This form was sent from another site, so it was refused. Open Lifeguard and try again from its own page."}

// statusOf maps an error code to the page's status.
func statusOf(err error) int {
	switch lifeguard.ErrorCode(err) {
	case lifeguard.EINVALID:
		return http.StatusUnprocessableEntity
	case lifeguard.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case lifeguard.EFORBIDDEN:
		return http.StatusForbidden
	case lifeguard.ENOTFOUND:
		return http.StatusNotFound
	case lifeguard.ECONFLICT:
		return http.StatusConflict
	case lifeguard.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
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
	}[status]
	if heading == "" {
		heading = "Something went wrong"
	}
	msg := lifeguard.ErrorMessage(err)
	if status == http.StatusNotFound {
		msg = "There is no such page, or it is not one you can see. Check the address, or go back to your home page."
	}
	var pe *lifeguard.Error
	if errors.As(err, &pe) && len(pe.Problems) > 0 {
		msg = pe.Error()
	}
	if rerr := wb.render(w, r, status, "error.html", page{Title: heading, Data: errorData{status, heading, msg}}); rerr != nil {
		wb.cfg.Logger.ErrorContext(r.Context(), "error page failed", slog.String("error", rerr.Error()))
		http.Error(w, heading, status)
	}
}
