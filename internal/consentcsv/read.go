// Package consentcsv reads a CSV file of parents' consents, as a school's
// management information system exports them, into the lines of
// lifeguard.ConsentStore.ImportConsents, on the conventions of the
// register's and the training's imports (internal/childcsv,
// internal/trainingcsv): UTF-8 text (a byte-order mark is dropped), a
// header line naming the columns in any order and case, a line number on
// every line, and a file that cannot be read refused naming the line.
// Columns it does not know (names, classes) are not read, so nothing more
// about the child reaches Lifeguard than the register holds.
package consentcsv

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/csvin"
)

// MaxSize bounds a file, in bytes.
const MaxSize = 5 << 20

// Header is the header line of a file Lifeguard reads.
const Header = "upn,internet,images_website,images_social,images_press,on"

// columns are the headers read, each with the other spellings accepted;
// a kind's code and its label are accepted too.
var columns = map[string][]string{
	"upn":                                  {"upn", "unique pupil number", "pupil upn"},
	"on":                                   {"on", "date", "consent date", "date recorded", "recorded on"},
	string(lifeguard.ConsentInternet):      {"internet use", "internet consent", "acceptable use"},
	string(lifeguard.ConsentImagesWebsite): {"website", "photos on the website", "website photos"},
	string(lifeguard.ConsentImagesSocial):  {"social media", "photos on social media", "social media photos"},
	string(lifeguard.ConsentImagesPress):   {"press", "photos in the press", "press photos"},
}

// yes and no are the cells read as given and not given; an empty cell
// changes nothing.
var (
	yes = []string{"y", "yes", "true", "1", "given", "granted", "consent given"}
	no  = []string{"n", "no", "false", "0", "withdrawn", "refused", "declined", "not given", "no consent"}
)

// headerField is the field a header names, or "".
func headerField(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	for _, k := range lifeguard.ConsentKinds() {
		if h == string(k) || h == strings.ToLower(k.Label()) {
			return string(k)
		}
	}
	for field, names := range columns {
		for _, n := range names {
			if h == n {
				return field
			}
		}
	}
	return ""
}

// Read reads the file. A line whose cells cannot be read (a date that is
// not one, a cell that says neither yes nor no) comes back with its
// problems, for the import to report with the rest; a line of empty
// cells is skipped.
func Read(r io.Reader) ([]lifeguard.ConsentImportLine, error) {
	in, err := csvin.Open(r, MaxSize, fmt.Sprintf("is empty; it needs a header line such as %q and a line for each child", Header))
	if err != nil {
		return nil, err
	}
	cols := map[string]int{}
	var kinds []lifeguard.ConsentKind
	for i, h := range in.Header {
		field := headerField(h)
		if field == "" {
			continue
		}
		if _, dup := cols[field]; dup {
			return nil, csvin.Problem("has two columns for %s", field)
		}
		cols[field] = i
		if k := lifeguard.ConsentKind(field); k.Valid() {
			kinds = append(kinds, k)
		}
	}
	if _, ok := cols["upn"]; !ok {
		return nil, csvin.Problem("has no upn column; the header line should be like %q", Header)
	}
	if len(kinds) == 0 {
		return nil, csvin.Problem("has no column for any consent (%s); the header line should be like %q",
			strings.Join(kindCodes(), ", "), Header)
	}
	return csvin.Lines(in, lifeguard.MaxConsentImportLines, "of consents", func(line int, rec []string) lifeguard.ConsentImportLine {
		return readLine(line, rec, cols, kinds, len(in.Header))
	})
}

func kindCodes() []string {
	var out []string
	for _, k := range lifeguard.ConsentKinds() {
		out = append(out, string(k))
	}
	return out
}

// readLine reads one line.
func readLine(line int, rec []string, cols map[string]int, kinds []lifeguard.ConsentKind, width int) lifeguard.ConsentImportLine {
	l := lifeguard.ConsentImportLine{Line: line, Consents: []lifeguard.ConsentImport{}}
	if p := csvin.WidthProblem(rec, width); p != nil {
		l.Problems = append(l.Problems, *p)
	}
	cell := csvin.Cells(rec, cols)
	l.UPN = cell("upn")
	for _, k := range kinds {
		v := strings.ToLower(cell(string(k)))
		switch {
		case v == "":
		case slices.Contains(yes, v):
			l.Consents = append(l.Consents, lifeguard.ConsentImport{Kind: k, Given: true})
		case slices.Contains(no, v):
			l.Consents = append(l.Consents, lifeguard.ConsentImport{Kind: k})
		default:
			l.Problems = append(l.Problems, lifeguard.Problem{Path: string(k),
				Problem: fmt.Sprintf("says %q; write yes or no (or leave it empty to change nothing)", cell(string(k)))})
		}
	}
	if d, err := lifeguard.ParseChildDate(cell("on")); err != nil {
		l.Problems = append(l.Problems, lifeguard.Problem{Path: "on", Problem: err.Error()})
	} else if d != nil {
		l.On = *d
	}
	return l
}
