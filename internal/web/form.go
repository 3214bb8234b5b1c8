package web

import (
	"net/http"

	"github.com/lifeguard-scp/lifeguard"
)

// Every form handler has one shape: read the form (plain fields, never a
// file), hand what was typed to a store, which enforces who may do it and
// every rule of the record, then either show the page again with the
// problems and what was typed, or redirect with a confirmation. post is
// that shape, written once; each handler gives it the two parts that are
// its own.

// saved is where a form leads once its store has taken it, and the
// confirmation shown there.
type saved struct {
	flash string
	to    string
}

// post reads the posted form and calls save, which reads the fields and
// hands them to the store. An EINVALID error, from the store or from the
// page's own reading of a field, goes to invalid, which shows the page
// again with the problems (a form whose only fields are buttons has none:
// nil). Any other error goes to the error page; success sets the
// confirmation and redirects.
func (wb *Web) post(w http.ResponseWriter, r *http.Request, save func() (saved, error), invalid func(error) error) error {
	if err := parsePlainForm(w, r); err != nil {
		return err
	}
	done, err := save()
	if invalid != nil && lifeguard.ErrorCode(err) == lifeguard.EINVALID {
		return invalid(err)
	}
	if err != nil {
		return err
	}
	wb.setPageFlash(w, pageFlash{Message: done.flash})
	return redirectAfterPost(w, r, done.to)
}

// postAbout is post for a form about one record, whose id is the path's
// {id}; anything but a positive whole number there is a page that does not
// exist, before the form is read.
func (wb *Web) postAbout(w http.ResponseWriter, r *http.Request, save func(id int64) (saved, error),
	invalid func(id int64, err error) error) error {
	id, err := idFromPath(r, "id")
	if err != nil {
		return err
	}
	var onInvalid func(error) error
	if invalid != nil {
		onInvalid = func(err error) error { return invalid(id, err) }
	}
	return wb.post(w, r, func() (saved, error) { return save(id) }, onInvalid)
}

// formDate reads a date typed in an optional field: the zero date when it
// is empty, or, when it is not a real date, an EINVALID error (message)
// naming the field, with an example of one that is.
func formDate(typed, field, message, example string) (lifeguard.Date, error) {
	if typed == "" {
		return lifeguard.Date{}, nil
	}
	d, err := lifeguard.ParseDate(typed)
	if err != nil {
		return lifeguard.Date{}, lifeguard.Invalid(message, []lifeguard.Problem{{Path: field,
			Problem: "must be a real date, for example " + example}})
	}
	return d, nil
}
