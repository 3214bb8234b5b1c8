package lifeguard

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ChildIdentity is who a child is, as their organisation records it: what
// an import line, the register's form or the API sets on a child's record.
// Every field is optional; an empty string is none.
type ChildIdentity struct {
	LegalForename     string `json:"legal_forename,omitempty"`
	LegalSurname      string `json:"legal_surname,omitempty"`
	PreferredForename string `json:"preferred_forename,omitempty"`
	DateOfBirth       *Date  `json:"date_of_birth,omitempty"`
	YearGroup         string `json:"year_group,omitempty"`
	RegGroup          string `json:"reg_group,omitempty"`
	UPN               string `json:"upn,omitempty"`
	NHSNumber         string `json:"nhs_number,omitempty"`
	LANumber          string `json:"la_number,omitempty"`
	LeftOn            *Date  `json:"left_on,omitempty"`
}

// Identity returns the identity fields of c.
func (c Child) Identity() ChildIdentity {
	return ChildIdentity{LegalForename: c.LegalForename, LegalSurname: c.LegalSurname,
		PreferredForename: c.PreferredForename, DateOfBirth: c.DateOfBirth, YearGroup: c.YearGroup,
		RegGroup: c.RegGroup, UPN: c.UPN, NHSNumber: c.NHSNumber, LANumber: c.LANumber, LeftOn: c.LeftOn}
}

// Bounds of the identity fields, in characters.
const (
	MaxChildName     = 100
	MaxChildRegGroup = 30
	MaxChildLANumber = 30
)

// Normalise returns id with the spaces around each field trimmed, the year
// group in its one form (NormaliseYearGroup; left as given when it is not
// one), letters of the UPN in capitals and the spaces inside an NHS number
// removed, so that the same child written two ways matches.
func (id ChildIdentity) Normalise() ChildIdentity {
	id.LegalForename = strings.TrimSpace(id.LegalForename)
	id.LegalSurname = strings.TrimSpace(id.LegalSurname)
	id.PreferredForename = strings.TrimSpace(id.PreferredForename)
	id.RegGroup = strings.TrimSpace(id.RegGroup)
	id.LANumber = strings.TrimSpace(id.LANumber)
	id.UPN = strings.ToUpper(strings.TrimSpace(id.UPN))
	id.NHSNumber = strings.Join(strings.Fields(id.NHSNumber), "")
	if y, ok := NormaliseYearGroup(id.YearGroup); ok {
		id.YearGroup = y
	} else {
		id.YearGroup = strings.TrimSpace(id.YearGroup)
	}
	return id
}

// Problems lists what is wrong with id (normalised first by the caller), each
// at prefix + the field's JSON name. today bounds the dates: a child is born
// by today, and not more than 30 years before it.
func (id ChildIdentity) Problems(prefix string, today Date) []Problem {
	var out []Problem
	add := func(field, msg string) { out = append(out, Problem{Path: prefix + field, Problem: msg}) }
	text := func(field, s string, max int) {
		if msg := NameProblem(s, max); msg != "" {
			add(field, msg)
		}
	}
	text("legal_forename", id.LegalForename, MaxChildName)
	text("legal_surname", id.LegalSurname, MaxChildName)
	text("preferred_forename", id.PreferredForename, MaxChildName)
	text("reg_group", id.RegGroup, MaxChildRegGroup)
	text("la_number", id.LANumber, MaxChildLANumber)
	if id.YearGroup != "" {
		if _, ok := NormaliseYearGroup(id.YearGroup); !ok {
			add("year_group", "must be a year group: N1, N2, R, or 1 to 13")
		}
	}
	if id.UPN != "" {
		if msg := UPNProblem(id.UPN); msg != "" {
			add("upn", msg)
		}
	}
	if id.NHSNumber != "" {
		if msg := NHSNumberProblem(id.NHSNumber); msg != "" {
			add("nhs_number", msg)
		}
	}
	if d := id.DateOfBirth; d != nil {
		switch {
		case !realDate(*d):
			add("date_of_birth", "must be a real date")
		case today.Before(*d):
			add("date_of_birth", "is after today; a child on the register is born already")
		case d.Before(Date{today.Year - 30, today.Month, today.Day}):
			add("date_of_birth", "is more than 30 years ago; check the date")
		}
	}
	if d := id.LeftOn; d != nil && !realDate(*d) {
		add("left_on", "must be a real date")
	}
	return out
}

// NameProblem says what is wrong with a name or other short text of a
// child's record, or "" when nothing is: it must be text a store keeps,
// hold no control character (a tab, a new line, an escape: an export of a
// management information system holds none in a name, and a name carrying
// one would spoil the lists it shows in), and be at most max characters.
func NameProblem(s string, max int) string {
	if msg := TextProblem(s); msg != "" {
		return msg
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return fmt.Sprintf("must not contain a control character (%U)", r)
		}
	}
	if n := utf8.RuneCountInString(s); n > max {
		return fmt.Sprintf("is %d characters long; the most allowed is %d", n, max)
	}
	return ""
}

// NormaliseYearGroup returns the one form of an English school year group
// (N1 and N2 for nursery, R for reception, 1 to 13), reading the forms
// management information systems export ("Year 7", "Y7", "07", "Rec",
// "Reception", "n1"), and false for anything else.
func NormaliseYearGroup(s string) (string, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	switch s {
	case "N1", "N2", "R":
		return s, true
	case "REC", "RECEPTION", "YR", "YEAR R":
		return "R", true
	}
	for _, p := range []string{"YEAR ", "YEAR", "Y"} {
		if rest, ok := strings.CutPrefix(s, p); ok {
			s = strings.TrimSpace(rest)
			break
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 13 || len(s) > 2 {
		return "", false
	}
	return strconv.Itoa(n), true
}

// upnLetters are the check letters of a unique pupil number, in the order
// of the remainders they stand for: the alphabet without I, O and S, which
// read too like 1, 0 and 5.
const upnLetters = "ABCDEFGHJKLMNPQRTUVWXYZ"

// UPNProblem says what is wrong with a unique pupil number, or "" when it
// is one. The Department for Education's format: 13 characters, a check
// letter then twelve, of which the first eleven are digits (local
// authority, establishment, year of issue, serial) and the last a digit or,
// in a temporary number, one of the check letters. The check letter is the
// remainder on dividing by 23 the sum of each later character's value times
// its position (2 to 13), a letter in the last place counting as its place
// in upnLetters.
func UPNProblem(upn string) string {
	if msg := TextProblem(upn); msg != "" {
		return msg
	}
	if utf8.RuneCountInString(upn) != 13 || len(upn) != 13 {
		return "must be 13 characters: a check letter and twelve more"
	}
	want, problem := UPNCheckLetter(upn[1:])
	if problem != "" {
		return problem
	}
	if upn[0] != want {
		return "has the wrong check letter; check the number against the pupil's records"
	}
	return ""
}

// UPNCheckLetter is the check letter of the twelve characters that follow
// it in a unique pupil number (UPNProblem says how it is worked out), or
// what is wrong with them.
func UPNCheckLetter(rest string) (byte, string) {
	if len(rest) != 12 {
		return 0, "must be 13 characters: a check letter and twelve more"
	}
	sum := 0
	for i := range 12 {
		c := rest[i]
		var v int
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case i == 11 && strings.IndexByte(upnLetters, c) >= 0:
			v = strings.IndexByte(upnLetters, c)
		case i == 11:
			return 0, "must end in a digit, or in a letter other than I, O or S"
		default:
			return 0, fmt.Sprintf("must have a digit as character %d", i+2)
		}
		sum += v * (i + 2)
	}
	return upnLetters[sum%23], ""
}

// NHSNumberProblem says what is wrong with an NHS number (spaces removed),
// or "" when it is one: ten digits, the last a check digit. The first nine
// are weighted 10 down to 2 and summed; eleven less the remainder on
// dividing by 11 is the check digit (11 counts as 0, and a number whose
// check would be 10 is never issued).
func NHSNumberProblem(n string) string {
	if msg := TextProblem(n); msg != "" {
		return msg
	}
	if len(n) != 10 {
		return "must be 10 digits"
	}
	sum := 0
	for i := 0; i < 10; i++ {
		if n[i] < '0' || n[i] > '9' {
			return "must be 10 digits"
		}
		if i < 9 {
			sum += int(n[i]-'0') * (10 - i)
		}
	}
	check := 11 - sum%11
	if check == 11 {
		check = 0
	}
	if check == 10 || check != int(n[9]-'0') {
		return "has the wrong check digit; check the number"
	}
	return ""
}

// ParseChildDate parses an optional date as an import or form gives it:
// YYYY-MM-DD, or DD/MM/YYYY as English systems write it. "" is none.
func ParseChildDate(s string) (*Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	for _, layout := range []string{time.DateOnly, "02/01/2006", "2/1/2006", "02-01-2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			d := DateOf(t)
			return &d, nil
		}
	}
	return nil, fmt.Errorf("is not a date: write it as YYYY-MM-DD or DD/MM/YYYY")
}
