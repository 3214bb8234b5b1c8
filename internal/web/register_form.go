package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// A small form model for the teaching, parents' and access registers
// (teaching.go, parents.go, access_record.go): each field's name is the
// store's input path, so a refusal from the store lands on its field.

type regField struct {
	dslField
	Label, Hint string
	// Kind is text, area, date, number or select.
	Kind    string
	Max     int
	Options []option
}

type regForm struct {
	ID, Action, Heading, Button string
	Fields                      []*regField
}

func textField(prefix, name, label string, max int) *regField {
	return &regField{dslField: dslField{ID: prefix + "-" + strings.ReplaceAll(name, "_", "-"), Name: name},
		Label: label, Kind: "text", Max: max}
}

func (f *regField) as(kind string) *regField        { f.Kind = kind; return f }
func (f *regField) hint(h string) *regField         { f.Hint = h; return f }
func (f *regField) choose(o []option) *regField     { f.Kind, f.Options = "select", o; return f }
func (f *regField) set(v string) *regField          { f.Value = v; return f }
func (f *regForm) field(name string) *regField      { return f.find(name) }
func (f *regForm) value(name string) string         { return f.find(name).Value }
func (f *regForm) add(fields ...*regField) *regForm { f.Fields = append(f.Fields, fields...); return f }

func (f *regForm) find(name string) *regField {
	for _, x := range f.Fields {
		if x.Name == name {
			return x
		}
	}
	return &regField{}
}

// fill takes what was typed, trimmed.
func (f *regForm) fill(v url.Values) {
	for _, x := range f.Fields {
		x.Value = strings.TrimSpace(v.Get(x.Name))
	}
}

// selectChosen marks the chosen option of each select.
func (f *regForm) selectChosen() {
	for _, x := range f.Fields {
		for i := range x.Options {
			x.Options[i].Selected = x.Options[i].Value == x.Value
		}
	}
}

// date reads a date field: the zero date when empty (the store says it is
// required), EINVALID naming the field when it is not a real date.
func (f *regForm) date(name, message string) (lifeguard.Date, error) {
	return formDate(f.value(name), name, message, "2026-10-14")
}

// number reads a whole-number field: 0 when empty.
func (f *regForm) number(name, message string) (int, error) {
	s := f.value(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, lifeguard.Invalid(message, []lifeguard.Problem{{Path: name, Problem: "must be a whole number, such as 30"}})
	}
	return n, nil
}

// problems puts the store's problems on their fields and returns the list
// for the top of the page.
func (f *regForm) problems(err error) []lifeguard.Problem {
	specs := map[string]problemTarget{}
	for _, x := range f.Fields {
		specs[x.Name] = problemTarget{x.ID, x.Label}
	}
	ps, byID := fieldProblems(err, specs)
	for _, x := range f.Fields {
		if msg, ok := byID[x.ID]; ok {
			x.Err = msg
		}
	}
	return ps
}

// registerPage renders one of the registers' pages.
func (wb *Web) registerPage(w http.ResponseWriter, r *http.Request, status int, tmpl, title string, data any,
	problems []lifeguard.Problem) error {
	pg := page{Title: title, Nav: "registers", Data: data, Problem: problems}
	if len(problems) > 0 {
		pg.Title += ": there is a problem"
	}
	if fl := wb.takePageFlash(w, r); fl != nil {
		pg.Flash = fl.Message
	}
	return wb.render(w, r, status, tmpl, pg)
}

// canKeepRegisters reports whether the user keeps their organisation's
// registers.
func canKeepRegisters(u *lifeguard.User) bool {
	return may(u, lifeguard.OpKeepPrevention, u.OrganisationID)
}

func mustReadRegisters(u *lifeguard.User) error {
	if !may(u, lifeguard.OpReadPrevention, u.OrganisationID) {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN,
			"These registers are kept by each organisation; the partnership sees their figures in the board report.")
	}
	return nil
}
