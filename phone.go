package lifeguard

import (
	"strings"
	"unicode/utf8"
)

// MaxPhone is the longest phone number kept, in characters.
const MaxPhone = 30

// PhoneProblem says what is wrong with a phone number as someone would
// write it down to ring it, or "" when it has the shape of one: digits,
// with spaces, hyphens or brackets between them, an optional + at the
// start, and 6 to 15 digits (the longest international number). It cannot
// say whether the number works; it stops a reporter being shown an email
// address, a name or half a number when a concern cannot wait.
func PhoneProblem(s string) string {
	const example = ", such as 01632 960 123"
	if s == "" {
		return "is required"
	}
	if strings.TrimSpace(s) != s || utf8.RuneCountInString(s) > MaxPhone {
		return "must be a phone number of at most 30 characters, without spaces at either end" + example
	}
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0:
		case r == ' ' || r == '-' || r == '(' || r == ')':
		default:
			return "must be a phone number: digits, with spaces, hyphens or brackets between them and an optional + at the start" + example
		}
	}
	if digits < 6 || digits > 15 {
		return "must be a phone number of 6 to 15 digits" + example
	}
	return ""
}
