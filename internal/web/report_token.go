package web

import (
	"crypto/rand"
	"encoding/base64"
)

// A report form is issued with a random token that travels with its
// answers from page to page. The store keeps it with the concern the form
// records, unique per user, so the same form sent again cannot record a
// second concern. It is not a secret: it only names one filling-in of the
// form, and only its own user's concerns are looked up by it.

const reportTokenBytes = 16

func newReportToken() string {
	b := make([]byte, reportTokenBytes)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// validReportToken reports whether s is a token as newReportToken makes
// them; anything else in the field is ignored and replaced.
func validReportToken(s string) bool {
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	return err == nil && len(b) == reportTokenBytes
}
