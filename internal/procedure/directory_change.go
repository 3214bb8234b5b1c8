package procedure

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/lifeguard-scp/lifeguard"
)

// One code path for changing the partnership's directory, used by its pages
// (internal/web/procedure_directory.go) and by the JSON API
// (internal/api/directory.go): check the fields of an edit, make the next
// version's file, show what it does to the spec's scenarios, and save it.

// Limits of the directory's fields, in characters.
const (
	MaxDirectoryName = 200
	MaxRouteTitle    = 200
	MaxRouteContact  = 500
	MaxRouteAction   = 1000
	MaxEarlyHelpDays = 60
)

var closePattern = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

// Problems checks an edit, as given (spaces at either end are trimmed when
// it is applied). routePath names a route's field in the problems ("title",
// "contact" or "action" of code): the pages and the API name them their own
// way. A route code the baseline does not have is refused at routePath(code,
// "").
func (e DirectoryEdit) Problems(routePath func(code lifeguard.RouteCode, field string) string) []lifeguard.Problem {
	var ps []lifeguard.Problem
	text := func(path, s string, max int) {
		if pr := lifeguard.CheckText(path, s); pr != nil {
			ps = append(ps, *pr)
		} else if n := utf8.RuneCountInString(strings.TrimSpace(s)); n > max {
			ps = append(ps, lifeguard.Problem{Path: path, Problem: fmt.Sprintf("is %d characters; at most %d", n, max)})
		}
	}
	text("name", e.Name, MaxDirectoryName)
	if strings.TrimSpace(e.Name) == "" && lifeguard.TextProblem(e.Name) == "" {
		ps = append(ps, lifeguard.Problem{Path: "name", Problem: "is required: the partnership's name for its procedure"})
	}
	if c := strings.TrimSpace(e.Close); lifeguard.TextProblem(e.Close) != "" {
		text("close", e.Close, 5)
	} else if c != "" && !closePattern.MatchString(c) {
		ps = append(ps, lifeguard.Problem{Path: "close", Problem: "must be a time of day such as 16:30, or empty for the baseline's 17:00"})
	}
	if e.EarlyHelpDays < 0 || e.EarlyHelpDays > MaxEarlyHelpDays {
		ps = append(ps, lifeguard.Problem{Path: "early_help_days", Problem: fmt.Sprintf(
			"must be a whole number of working days from 1 to %d, or empty for the baseline's", MaxEarlyHelpDays)})
	}
	base, err := BaselineRoutes()
	if err != nil {
		return append(ps, lifeguard.Problem{Path: "routes", Problem: err.Error()})
	}
	known := map[lifeguard.RouteCode]bool{}
	for _, r := range base {
		known[r.Code] = true
		t, ok := e.Routes[r.Code]
		if !ok {
			continue
		}
		text(routePath(r.Code, "title"), t.Title, MaxRouteTitle)
		text(routePath(r.Code, "contact"), t.Contact, MaxRouteContact)
		text(routePath(r.Code, "action"), t.Action, MaxRouteAction)
	}
	for code := range e.Routes {
		if !known[code] {
			path := routePath(code, "")
			if lifeguard.CheckText(path, string(code)) != nil {
				path = "routes"
			}
			ps = append(ps, lifeguard.Problem{Path: path, Problem: "is not a route of the procedure"})
		}
	}
	return ps
}

// StartingFile is the local file a change starts from: the newest
// version's, or the server's own local file while none is saved.
func (p *Procedure) StartingFile(cur lifeguard.DirectoryVersion) []byte {
	if cur.Version > 0 {
		return []byte(cur.Document)
	}
	return p.LocalSource()
}

// DirectoryProposal is a next version of the directory, not yet saved, and
// what it does.
type DirectoryProposal struct {
	// Base is the version it follows, Next its number.
	Base, Next int
	Document   string
	// Changes are the spec's scenarios whose triage it changes.
	Changes []ScenarioChange
	// Local says how the procedure differs from the England baseline.
	Local []string
}

// ProposeDirectory loads next as the version after cur, over the server's
// procedure p when no version is saved yet, and triages the spec's
// scenarios under both. A file that does not load is a *LoadError with its
// problems by line.
func (p *Procedure) ProposeDirectory(ctx context.Context, cur lifeguard.DirectoryVersion, next []byte) (*DirectoryProposal, error) {
	after, err := LoadDirectory(cur.Version+1, next)
	if err != nil {
		return nil, err
	}
	before := p
	if cur.Version > 0 {
		if before, err = LoadDirectory(cur.Version, []byte(cur.Document)); err != nil {
			return nil, err
		}
	}
	scenarios, err := lifeguard.SpecScenarios()
	if err != nil {
		return nil, err
	}
	changes, err := Preview(ctx, before, after, scenarios)
	if err != nil {
		return nil, err
	}
	return &DirectoryProposal{Base: cur.Version, Next: cur.Version + 1, Document: string(next), Changes: changes,
		Local: after.Local().Changes}, nil
}

// ProposeEdit checks e (EINVALID naming each field by routePath for the
// routes), applies it to the newest version's file and proposes the result
// as the next version.
func (p *Procedure) ProposeEdit(ctx context.Context, cur lifeguard.DirectoryVersion, e DirectoryEdit,
	routePath func(code lifeguard.RouteCode, field string) string) (*DirectoryProposal, error) {
	if ps := e.Problems(routePath); len(ps) > 0 {
		return nil, lifeguard.Invalid("The directory is not valid", ps)
	}
	next, err := EditDirectory(p.StartingFile(cur), cur.Version+1, e)
	if err != nil {
		return nil, err
	}
	return p.ProposeDirectory(ctx, cur, next)
}

// LoadProblems turns a file's problems by line into problems of field,
// each saying its line.
func LoadProblems(err error, field string) []lifeguard.Problem {
	var le *LoadError
	if !errors.As(err, &le) {
		return nil
	}
	var ps []lifeguard.Problem
	for _, p := range le.Problems {
		text := p.Problem
		if p.Rule != "" {
			text = "rule " + p.Rule + ": " + text
		}
		if p.Line > 0 {
			text = fmt.Sprintf("Line %d: %s", p.Line, text)
		}
		ps = append(ps, lifeguard.Problem{Path: field, Problem: text})
	}
	return ps
}

// SaveDirectory checks document again (it may have been changed since its
// preview) and saves it in store as the version after base.
func SaveDirectory(ctx context.Context, store lifeguard.DirectoryStore, partnership int64, base int, document, summary string) (lifeguard.DirectoryVersion, error) {
	if base < 0 {
		return lifeguard.DirectoryVersion{}, lifeguard.Invalid("The directory version is not valid",
			[]lifeguard.Problem{{Path: "base", Problem: "must be a version number"}})
	}
	if _, err := LoadDirectory(base+1, []byte(document)); err != nil {
		ps := LoadProblems(err, "document")
		if ps == nil {
			ps = []lifeguard.Problem{{Path: "document", Problem: err.Error()}}
		}
		return lifeguard.DirectoryVersion{}, lifeguard.Invalid("The directory has problems", ps)
	}
	return store.SaveDirectoryVersion(ctx, partnership, base, document, strings.TrimSpace(summary))
}
