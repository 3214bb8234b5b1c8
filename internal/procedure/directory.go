package procedure

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
	"go.yaml.in/yaml/v3"
)

// The partnership's directory kept on pages (lifeguard.DirectoryVersion):
// each version is a local procedure file, loaded here over the baseline and
// named by its version number, so that a triage records which version made
// it.

// DirectoryFile is the file name that load errors give for version n.
func DirectoryFile(n int) string { return fmt.Sprintf("directory v%d", n) }

// LoadDirectory loads version n of a partnership's directory over the
// baseline. Its procedure is named, for example, "England baseline 2026.2 +
// Riverside Safeguarding Children Partnership directory v3".
func LoadDirectory(n int, doc []byte) (*Procedure, error) {
	p, err := Load(DirectoryFile(n), doc)
	if err != nil {
		return nil, err
	}
	p.ref = lifeguard.ProcedureRef{
		Name:    fmt.Sprintf("%s %s + %s directory v%d", p.baseline.Name, p.baseline.Version, p.local.Name, n),
		Version: fmt.Sprintf("%s+directory.%d", p.baseline.Version, n),
	}
	return p, nil
}

// LocalSource is the local file the procedure was loaded with, as read;
// nil for the baseline alone. A partnership's first directory version
// starts from it, so that the server's own file is not lost.
func (p *Procedure) LocalSource() []byte { return p.source }

// RouteText is what a partnership sets of one route: empty keeps the
// baseline's.
type RouteText struct {
	Title, Contact, Action string
}

// DirectoryEdit is a change made on the directory's pages.
type DirectoryEdit struct {
	// Name is the partnership's name for its procedure.
	Name string
	// Close is the close of business, "HH:MM"; empty keeps the baseline's.
	Close string
	// EarlyHelpDays is the early-help timescale in working days; 0 keeps
	// the baseline's.
	EarlyHelpDays int
	Routes        map[lifeguard.RouteCode]RouteText
}

// DirectoryFields reads the fields the pages edit from a local file: nil
// doc gives an empty edit with every route of the baseline.
func (p *Procedure) DirectoryFields(doc []byte) (DirectoryEdit, error) {
	e := DirectoryEdit{Routes: map[lifeguard.RouteCode]RouteText{}}
	if doc != nil {
		var loc localDoc
		if _, err := decodeStrict("directory", doc, &loc); err != nil {
			return e, err
		}
		e.Name, e.Close, e.EarlyHelpDays = loc.Name, loc.WorkingDay.Close, loc.EarlyHelpDays
		for code, r := range loc.Routes {
			e.Routes[lifeguard.RouteCode(code)] = RouteText{Title: r.Title, Contact: r.Contact, Action: r.Action}
		}
	}
	return e, nil
}

// BaselineRoutes lists the baseline's routes in order, with the baseline's
// title, contact and action, for the pages to show beside the local ones.
func BaselineRoutes() ([]lifeguard.Route, error) {
	p, err := Load("", nil)
	if err != nil {
		return nil, err
	}
	var out []lifeguard.Route
	for _, r := range p.doc.Routes {
		lr := lifeguard.Route{Code: lifeguard.RouteCode(r.Code), Title: r.Title, Action: r.Action,
			Urgency: lifeguard.Urgency(r.Urgency)}
		if r.Contact != nil {
			c := *r.Contact
			lr.Contact = &c
		}
		out = append(out, lr)
	}
	return out, nil
}

// EditDirectory applies e to the local file doc (nil for none yet) and
// returns the new file, its version field set to version. What the pages do
// not edit (rules, overrides, holidays, guidance) is kept as it was; the
// file's comments are not.
func EditDirectory(doc []byte, version int, e DirectoryEdit) ([]byte, error) {
	var loc localDoc
	if doc != nil {
		if _, err := decodeStrict("directory", doc, &loc); err != nil {
			return nil, err
		}
	}
	loc.Name = strings.TrimSpace(e.Name)
	loc.Version = fmt.Sprintf("v%d", version)
	loc.WorkingDay.Close = strings.TrimSpace(e.Close)
	loc.EarlyHelpDays = e.EarlyHelpDays
	loc.Routes = map[string]localRouteDoc{}
	for code, r := range e.Routes {
		lr := localRouteDoc{Title: strings.TrimSpace(r.Title), Contact: strings.TrimSpace(r.Contact), Action: strings.TrimSpace(r.Action)}
		if lr != (localRouteDoc{}) {
			loc.Routes[string(code)] = lr
		}
	}
	return encodeLocal(&loc)
}

func encodeLocal(loc *localDoc) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("# The partnership's directory, kept on Lifeguard's pages and exported as a\n" +
		"# local procedure file: check it with `lifeguard procedure check FILE`.\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(loc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
