package lifeguard

import (
	"strings"
	"unicode/utf8"
)

// Text that a database cannot keep as it was given. PostgreSQL refuses a NUL
// character in a text column and invalid UTF-8 in a UTF-8 database, while
// SQLite keeps both, so without one rule here the same input would be a
// server error on one engine and a record on the other. Every free-text
// value a store writes or looks up passes CheckText, through each input's
// validation, so that the refusal names the field; internal/sqlstore also
// checks every text argument of every statement, as a net under a field a
// later change forgets.
const (
	msgTextNotUTF8 = "must be valid UTF-8 text"
	msgTextNUL     = "must not contain a NUL character (U+0000)"
)

// TextProblem says what is wrong with s as text Lifeguard keeps or looks
// up, or "" when nothing is.
func TextProblem(s string) string {
	switch {
	case !utf8.ValidString(s):
		return msgTextNotUTF8
	case strings.IndexByte(s, 0) >= 0:
		return msgTextNUL
	}
	return ""
}

// CheckText returns the problem with the text s at path, or nil when it is
// text a store can keep on every engine.
func CheckText(path, s string) *Problem {
	if msg := TextProblem(s); msg != "" {
		return &Problem{Path: path, Problem: msg}
	}
	return nil
}
