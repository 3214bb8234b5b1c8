package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/childcsv"
)

// The import of the register from the organisation's management
// information system: the one form of Lifeguard that takes a file, a CSV
// export of pupils' names, never evidence. Choose the file and check it (a
// dry run, line by line); the page then holds the file's text in the form,
// and "Import" imports that same text.

// importView is the import page: the form, and a dry run's or an import's
// outcome.
type importView struct {
	FullRoll bool
	Mapping  string
	CSV      string // the checked file's text, for "Import"
	Result   *importResult
}

type importResult struct {
	DryRun   bool
	Imported bool
	Summary  string
	Columns  []string
	Ignored  string
	Lines    []importLine
}

type importLine struct {
	Line     int
	Outcome  string
	Class    string
	Name     string
	Ref      string
	URL      string
	Fields   string
	Problems []string
}

// maxImportBody bounds the request: the file, the mapping and the fields.
const maxImportBody = childcsv.MaxSize + 1<<20

func (wb *Web) importForm(w http.ResponseWriter, r *http.Request) error {
	if err := requireImport(r); err != nil {
		return err
	}
	return wb.render(w, r, http.StatusOK, "children_import.html",
		page{Title: "Import the register of children", Nav: "children", Data: &importView{FullRoll: true}})
}

func requireImport(r *http.Request) error {
	return requireRuleFor(r, lifeguard.OpImportChildren,
		"Only your organisation's designated safeguarding lead or manager can import the register of children.")
}

func (wb *Web) importPost(w http.ResponseWriter, r *http.Request) error {
	if err := requireImport(r); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxImportBody)
	if err := r.ParseMultipartForm(maxImportBody); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return wb.importProblem(w, r, &importView{}, "file", "The file is larger than 10 MB; split it, or export only the columns Lifeguard reads.")
		}
		if err := r.ParseForm(); err != nil {
			return lifeguard.Errorf(lifeguard.EINVALID, "The form could not be read. Go back and try again.")
		}
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	v := &importView{FullRoll: r.FormValue("full_roll") == "yes", Mapping: r.FormValue("mapping")}
	text, err := importText(r)
	if err != nil {
		return err
	}
	if text == "" {
		return wb.importProblem(w, r, v, "file", "Choose the CSV file exported from your management information system.")
	}
	var m childcsv.Mapping
	if strings.TrimSpace(v.Mapping) != "" {
		if m, err = childcsv.ReadMapping(strings.NewReader(v.Mapping)); err != nil {
			return wb.importProblem(w, r, v, "mapping", problemText(err))
		}
	}
	file, err := childcsv.Read(strings.NewReader(text), m)
	if err != nil {
		return wb.importProblem(w, r, v, "file", problemText(err))
	}
	dry := r.FormValue("go") != "import"
	u := fromRequest(r).user
	res, err := wb.cfg.Stores.Children.ImportChildren(r.Context(), lifeguard.ChildImport{OrganisationID: u.OrganisationID,
		Lines: file.Lines, FullRoll: v.FullRoll, DryRun: dry, Fields: file.Fields})
	if res == nil {
		return err
	}
	if err != nil && lifeguard.ErrorCode(err) != lifeguard.EINVALID {
		return err
	}
	v.Result = importResultView(file, res, u.Role.Can(lifeguard.OpReadChild))
	status := http.StatusOK
	if res.Bad > 0 {
		status = http.StatusUnprocessableEntity
	} else if dry {
		v.CSV = text
	}
	p := page{Title: "Import the register of children", Nav: "children", Data: v}
	if res.Bad > 0 {
		p.Problem = []lifeguard.Problem{{Path: "result-heading", Problem: "The file has bad lines, listed below; nothing was imported. " +
			"Correct them in your management information system, export the file again and check it."}}
	}
	return wb.render(w, r, status, "children_import.html", p)
}

// importText is the CSV to read: the file chosen, or the text of a file
// already checked.
func importText(r *http.Request) (string, error) {
	if r.MultipartForm != nil {
		if fhs := r.MultipartForm.File["file"]; len(fhs) > 0 && fhs[0].Size > 0 {
			f, err := fhs[0].Open()
			if err != nil {
				return "", err
			}
			defer f.Close()
			var b bytes.Buffer
			if _, err := io.Copy(&b, io.LimitReader(f, childcsv.MaxSize+1)); err != nil {
				return "", err
			}
			return b.String(), nil
		}
	}
	return r.FormValue("csv"), nil
}

// problemText is the problems of an EINVALID error as one sentence each.
func problemText(err error) string {
	le, ok := err.(*lifeguard.Error)
	if !ok || len(le.Problems) == 0 {
		return err.Error()
	}
	var parts []string
	for _, p := range le.Problems {
		switch {
		case p.Path == "file":
			parts = append(parts, "The file "+p.Problem+".")
		case p.Path != "":
			parts = append(parts, "The "+p.Path+" "+p.Problem+".")
		default:
			parts = append(parts, p.Problem)
		}
	}
	return strings.Join(parts, " ")
}

func (wb *Web) importProblem(w http.ResponseWriter, r *http.Request, v *importView, field, msg string) error {
	return wb.render(w, r, http.StatusUnprocessableEntity, "children_import.html", page{
		Title: "Import the register of children: there is a problem", Nav: "children", Data: v,
		Problem: []lifeguard.Problem{{Path: "import-" + field, Problem: msg}}})
}

// importResultView turns the store's result into the page's table.
func importResultView(file *childcsv.File, res *lifeguard.ChildImportResult, canRead bool) *importResult {
	out := &importResult{DryRun: res.DryRun, Imported: res.Imported, Ignored: strings.Join(file.Ignored, ", ")}
	for _, f := range file.Fields {
		out.Columns = append(out.Columns, file.Columns[f]+" ("+strings.ReplaceAll(f, "_", " ")+")")
	}
	would := !res.Imported
	word := func(o lifeguard.ImportOutcome) string {
		switch o {
		case lifeguard.ImportAdded:
			return map[bool]string{true: "To add", false: "Added"}[would]
		case lifeguard.ImportChanged:
			return map[bool]string{true: "To change", false: "Changed"}[would]
		case lifeguard.ImportLeft:
			return map[bool]string{true: "To mark as left", false: "Marked as left"}[would]
		case lifeguard.ImportUnchanged:
			return "Unchanged"
		}
		return "Bad line"
	}
	for _, l := range res.Lines {
		if l.Outcome == lifeguard.ImportUnchanged {
			continue // counted in the summary: a register of 2,000 is mostly unchanged
		}
		it := importLine{Line: l.Line, Outcome: word(l.Outcome), Class: string(l.Outcome), Name: l.Name, Ref: l.Ref,
			Fields: strings.ReplaceAll(strings.Join(l.Fields, ", "), "_", " ")}
		if l.ChildID != 0 && canRead {
			it.URL = "/children/" + strconv.FormatInt(l.ChildID, 10)
		}
		for _, p := range l.Problems {
			path := p.Path
			if i := strings.Index(path, "]."); i >= 0 {
				path = path[i+2:]
			}
			it.Problems = append(it.Problems, strings.ReplaceAll(path, "_", " ")+": "+p.Problem)
		}
		out.Lines = append(out.Lines, it)
	}
	switch {
	case res.Imported:
		out.Summary = fmt.Sprintf("Imported: %d added, %d changed, %d unchanged, %d marked as left.", res.Added, res.Changed, res.Unchanged, res.Left)
	case res.Bad > 0:
		out.Summary = fmt.Sprintf("Nothing imported: %d bad lines. Without them the import would add %d, change %d and mark %d as left; %d unchanged.",
			res.Bad, res.Added, res.Changed, res.Left, res.Unchanged)
	default:
		out.Summary = fmt.Sprintf("Checked, nothing changed yet: the import would add %d, change %d and mark %d as left; %d unchanged.",
			res.Added, res.Changed, res.Left, res.Unchanged)
	}
	return out
}
