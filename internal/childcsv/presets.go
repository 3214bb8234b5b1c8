package childcsv

import (
	"fmt"
	"slices"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// presets are the headers management information systems write for each
// field, in the form normHeader gives them: SIMS, Arbor and Bromcom
// exports, and the plain words people type.
var presets = map[string][]string{
	"upn":                {"upn", "unique pupil number", "pupil upn"},
	"legal_surname":      {"legal surname", "surname", "last name", "family name", "legal last name"},
	"legal_forename":     {"legal forename", "forename", "first name", "given name", "legal first name"},
	"preferred_forename": {"preferred forename", "preferred name", "preferred first name", "known as", "chosen name"},
	"date_of_birth":      {"date of birth", "dob", "birth date", "birthdate"},
	"year_group":         {"year", "year group", "nc year", "national curriculum year", "curriculum year", "yr"},
	"reg_group":          {"reg group", "registration group", "form", "form group", "tutor group", "reg", "class"},
	"left_on":            {"leaving date", "date of leaving", "leave date", "left", "date left", "end date"},
	"nhs_number":         {"nhs number", "nhs no"},
	"la_number":          {"la number", "la id", "la child id", "local authority number"},
}

// normHeader is a header as the presets and mappings compare it: lower
// case, spaces trimmed and runs of spaces, dots and underscores made one
// space ("Date_of_Birth", "D.O.B." and "date of  birth" alike).
func normHeader(h string) string {
	h = strings.ToLower(h)
	h = strings.Map(func(r rune) rune {
		switch r {
		case '_', '.', '-':
			return ' '
		}
		return r
	}, h)
	h = strings.Join(strings.Fields(h), " ")
	if h == "d o b" {
		return "dob"
	}
	return h
}

// matchHeader finds each field's column: by the mapping first, then the
// presets. It refuses a header where two columns give one field, and one
// with no column to find a child by (a UPN, or the legal names).
func matchHeader(header []string, m Mapping) (map[string]int, *File, error) {
	cols := map[string]int{}
	f := &File{Columns: map[string]string{}, Lines: []lifeguard.ChildImportLine{}}
	var probs []lifeguard.Problem
	for i, h := range header {
		if i == 0 {
			h = strings.TrimPrefix(h, "\uFEFF")
		}
		n := normHeader(h)
		field, ok := m[n]
		if !ok {
			for fl, names := range presets {
				if slices.Contains(names, n) {
					field, ok = fl, true
					break
				}
			}
		}
		if !ok || field == "" { // a mapping to "" ignores the column
			if n != "" {
				f.Ignored = append(f.Ignored, h)
			}
			continue
		}
		if j, dup := cols[field]; dup {
			probs = append(probs, lifeguard.Problem{Path: "file", Problem: fmt.Sprintf(
				"columns %q and %q both give %s; map one of them to nothing in a mapping file", header[j], h, field)})
			continue
		}
		cols[field] = i
		f.Columns[field] = h
	}
	_, upn := cols["upn"]
	_, sur := cols["legal_surname"]
	_, fore := cols["legal_forename"]
	if !upn && !(sur && fore) {
		probs = append(probs, lifeguard.Problem{Path: "file", Problem: "has no column for the UPN, nor for both the legal surname and forename; " +
			"check the header line, or give a mapping file"})
	}
	if len(probs) > 0 {
		return nil, nil, lifeguard.Invalid("The file cannot be read", probs)
	}
	for _, fl := range lifeguard.ChildIdentityFields() {
		if _, ok := cols[fl]; ok {
			f.Fields = append(f.Fields, fl)
		}
	}
	return cols, f, nil
}
