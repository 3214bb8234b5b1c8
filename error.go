package lifeguard

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Error codes. Each has one HTTP status, in the table below, which the API
// and the pages both answer by; the stores and the domain return codes and
// never choose a status themselves.
const (
	EINVALID      = "invalid"      // the input breaks a rule; Problems says which
	ENOTFOUND     = "not_found"    // no such record, or one the actor may not know exists
	EFORBIDDEN    = "forbidden"    // the record is visible but the action is not allowed
	EUNAUTHORIZED = "unauthorized" // no actor, or bad credentials
	ECONFLICT     = "conflict"     // the record's state does not allow the change
	EUNAVAILABLE  = "unavailable"  // a dependency (the database) is down; try again
	EINTERNAL     = "internal"     // a bug or an unexpected failure
)

// httpStatus is the HTTP status of each error code: the one table, so that
// the API and the pages cannot answer the same error differently.
var httpStatus = map[string]int{
	EINVALID:      http.StatusUnprocessableEntity,
	ENOTFOUND:     http.StatusNotFound,
	EFORBIDDEN:    http.StatusForbidden,
	EUNAUTHORIZED: http.StatusUnauthorized,
	ECONFLICT:     http.StatusConflict,
	EUNAVAILABLE:  http.StatusServiceUnavailable,
	EINTERNAL:     http.StatusInternalServerError,
}

// HTTPStatus returns the HTTP status of err's code (ErrorCode): 500 for an
// error that is not an *Error, or whose code is not one of those above.
func HTTPStatus(err error) int {
	if s, ok := httpStatus[ErrorCode(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Error is an error a user can act on. Message is safe to show to the user who
// caused it; it never carries concern text or personal data, so it is also safe
// to log.
type Error struct {
	Code     string
	Message  string
	Problems []Problem
}

func (e *Error) Error() string {
	if len(e.Problems) == 0 {
		return e.Message
	}
	parts := make([]string, 0, len(e.Problems))
	for _, p := range e.Problems {
		parts = append(parts, p.String())
	}
	return e.Message + ": " + strings.Join(parts, "; ")
}

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err: the message of its
// *Error, or a generic sentence for anything else, so internal details never
// reach a user.
func ErrorMessage(err error) string {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Message
	}
	return "Something went wrong on our side. It has been logged; please try again."
}

// Problem is one thing wrong with an input: the path of the field in the
// input's own notation (child.age, concern_types[0]) and what is wrong with it.
type Problem struct {
	Path    string `json:"path"`
	Problem string `json:"problem"`
	// ChildID and ChildRef name the child on record that a new child would
	// duplicate (DuplicateChild), for the caller to offer; empty otherwise.
	ChildID  int64  `json:"child_id,omitempty"`
	ChildRef string `json:"child_ref,omitempty"`
}

func (p Problem) String() string {
	if p.Path == "" {
		return p.Problem
	}
	return p.Path + ": " + p.Problem
}

// Invalid returns an EINVALID error listing every problem found.
func Invalid(message string, problems []Problem) *Error {
	return &Error{Code: EINVALID, Message: message, Problems: problems}
}

// DuplicateChild is the refusal of a new child who matches child id
// (reference ref) on record in the organisation by name and date of birth:
// ECONFLICT, with one problem at path naming the child.
func DuplicateChild(path string, id int64, ref string) *Error {
	return &Error{Code: ECONFLICT, Message: "A child with this name and date of birth is on record", Problems: []Problem{{
		Path: path, ChildID: id, ChildRef: ref, Problem: fmt.Sprintf("has the name and date of birth of child %d (%s) on record: "+
			"choose that child, or confirm that this is a different child", id, ref)}}}
}

// DuplicateOf returns the problem of err (from DuplicateChild) that names
// the child on record, and whether there is one.
func DuplicateOf(err error) (Problem, bool) {
	e, ok := errors.AsType[*Error](err)
	if !ok || e.Code != ECONFLICT {
		return Problem{}, false
	}
	for _, p := range e.Problems {
		if p.ChildID != 0 {
			return p, true
		}
	}
	return Problem{}, false
}
