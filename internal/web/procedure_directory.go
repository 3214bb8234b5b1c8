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
	"github.com/lifeguard-scp/lifeguard/internal/procedure"
)

// The partnership's directory kept on pages (issue 16 item 1): the local
// procedure (each route's title, contact and action, which hold the
// agencies' front-door numbers and hours; the close of business; the
// early-help timescale) edited in a form or loaded from a YAML file, shown
// against the spec's scenarios before it is saved, and saved as a numbered
// version that new concerns are triaged under.

type procDirView struct {
	Current     int
	CurrentName string
	Name        string
	Close       string
	EarlyHelp   string
	Routes      []procDirRoute
	Errs        map[string]string
	Versions    []lifeguard.DirectoryVersion
	// The preview of a change, before it is saved.
	Preview  bool
	Next     int
	Document string
	Summary  string
	Changes  []procedure.ScenarioChange
	Local    []string
	// Shown is one older version, read.
	Shown *lifeguard.DirectoryVersion
}

type procDirRoute struct {
	Code                            string
	Baseline, BaselineContact       string
	BaselineAction                  string
	Title, Contact, Action          string
	TitleErr, ContactErr, ActionErr string
}

func requireDirectory(r *http.Request) error {
	if rc := fromRequest(r); rc == nil || !rc.user.Role.Can(lifeguard.OpKeepDirectory) {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN,
			"Only the partnership officer or an administrator keeps the partnership's directory.")
	}
	return nil
}

// procDirForm is the form filled from the current version.
func (wb *Web) procDirForm(r *http.Request, v *procDirView) (lifeguard.DirectoryVersion, error) {
	ctx := r.Context()
	cur, err := wb.cfg.Stores.Directory.CurrentDirectory(ctx, 0)
	if err != nil {
		return cur, err
	}
	v.Current = cur.Version
	if v.Versions, err = wb.cfg.Stores.Directory.DirectoryVersions(ctx, 0); err != nil {
		return cur, err
	}
	doc := wb.cfg.Procedure.StartingFile(cur)
	fields, err := wb.cfg.Procedure.DirectoryFields(doc)
	if err != nil {
		return cur, err
	}
	v.Name, v.Close = fields.Name, fields.Close
	v.CurrentName = fields.Name
	if fields.EarlyHelpDays > 0 {
		v.EarlyHelp = strconv.Itoa(fields.EarlyHelpDays)
	}
	base, err := procedure.BaselineRoutes()
	if err != nil {
		return cur, err
	}
	for _, b := range base {
		rt := procDirRoute{Code: string(b.Code), Baseline: b.Title, BaselineAction: b.Action}
		if b.Contact != nil {
			rt.BaselineContact = *b.Contact
		}
		t := fields.Routes[b.Code]
		rt.Title, rt.Contact, rt.Action = t.Title, t.Contact, t.Action
		v.Routes = append(v.Routes, rt)
	}
	return cur, nil
}

func (wb *Web) procedureDirectory(w http.ResponseWriter, r *http.Request) error {
	if err := requireDirectory(r); err != nil {
		return err
	}
	v := &procDirView{}
	if _, err := wb.procDirForm(r, v); err != nil {
		return err
	}
	p := page{Title: "Local procedure", Nav: "procedure", Data: v}
	if fl := wb.takePageFlash(w, r); fl != nil {
		p.Flash = fl.Message
	}
	return wb.render(w, r, http.StatusOK, "procedure_directory.html", p)
}

// procedureDirectoryPreview reads the form, checks every field and shows
// what the change does to the scenarios' triage, without saving.
func (wb *Web) procedureDirectoryPreview(w http.ResponseWriter, r *http.Request) error {
	if err := requireDirectory(r); err != nil {
		return err
	}
	if err := parsePlainForm(w, r); err != nil {
		return err
	}
	v := &procDirView{}
	cur, err := wb.procDirForm(r, v)
	if err != nil {
		return err
	}
	if base, err := strconv.Atoi(r.PostFormValue("base")); err != nil || base != cur.Version {
		return lifeguard.Errorf(lifeguard.ECONFLICT,
			"Version %d of the directory was saved after you opened the form: open it again and make your change there.", cur.Version)
	}
	edit := procedure.DirectoryEdit{Routes: map[lifeguard.RouteCode]procedure.RouteText{}}
	field := func(name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
	v.Name, v.Close, v.EarlyHelp = r.PostFormValue("name"), r.PostFormValue("close"), r.PostFormValue("early_help_days")
	edit.Name, edit.Close = field("name"), field("close")
	// The form's own problem: a number that is not one. The rest are the
	// edit's, the same as the API's (procedure.DirectoryEdit.Problems).
	var ps []lifeguard.Problem
	if s := strings.TrimSpace(v.EarlyHelp); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			ps = append(ps, lifeguard.Problem{Path: "early_help_days", Problem: "must be a whole number of working days from 1 to 60, or empty for the baseline's"})
		} else {
			edit.EarlyHelpDays = n
		}
	}
	for i := range v.Routes {
		rt := &v.Routes[i]
		id := "route-" + rt.Code + "-"
		rt.Title, rt.Contact, rt.Action = r.PostFormValue(id+"title"), r.PostFormValue(id+"contact"), r.PostFormValue(id+"action")
		edit.Routes[lifeguard.RouteCode(rt.Code)] = procedure.RouteText{Title: field(id + "title"), Contact: field(id + "contact"), Action: field(id + "action")}
	}
	ps = append(ps, edit.Problems(formRoutePath)...)
	if len(ps) > 0 {
		return wb.procDirProblems(w, r, v, ps)
	}
	prop, err := wb.cfg.Procedure.ProposeEdit(r.Context(), cur, edit, formRoutePath)
	if err != nil {
		return wb.procDirRefused(w, r, v, err)
	}
	return wb.procDirPreview(w, r, v, prop, "")
}

// formRoutePath is the form's name for a route's field.
func formRoutePath(code lifeguard.RouteCode, field string) string {
	return "route-" + string(code) + "-" + field
}

// procDirProblems shows the form again with its problems by field.
func (wb *Web) procDirProblems(w http.ResponseWriter, r *http.Request, v *procDirView, ps []lifeguard.Problem) error {
	v.Errs = map[string]string{}
	for _, pr := range ps {
		v.Errs[pr.Path] = pr.Problem
	}
	for i := range v.Routes {
		rt := &v.Routes[i]
		id := "route-" + rt.Code + "-"
		rt.TitleErr, rt.ContactErr, rt.ActionErr = v.Errs[id+"title"], v.Errs[id+"contact"], v.Errs[id+"action"]
	}
	return wb.render(w, r, http.StatusUnprocessableEntity, "procedure_directory.html",
		page{Title: "Local procedure", Nav: "procedure", Data: v, Problem: ps})
}

// procDirRefused shows a proposal's problems: the next version's file
// with its problems by line, or the fields' problems.
func (wb *Web) procDirRefused(w http.ResponseWriter, r *http.Request, v *procDirView, err error) error {
	if ps := procedure.LoadProblems(err, "document"); ps != nil {
		return wb.render(w, r, http.StatusUnprocessableEntity, "procedure_directory.html",
			page{Title: "Local procedure", Nav: "procedure", Data: v, Problem: ps})
	}
	if le, ok := errors.AsType[*lifeguard.Error](err); ok && le.Code == lifeguard.EINVALID {
		return wb.procDirProblems(w, r, v, le.Problems)
	}
	return err
}

// procDirPreview shows what a proposed version changes, to be saved.
func (wb *Web) procDirPreview(w http.ResponseWriter, r *http.Request, v *procDirView, prop *procedure.DirectoryProposal, summary string) error {
	v.Preview, v.Next, v.Document, v.Summary, v.Changes, v.Local = true, prop.Next, prop.Document, summary, prop.Changes, prop.Local
	return wb.render(w, r, http.StatusOK, "procedure_directory.html", page{Title: "Local procedure: check the change", Nav: "procedure", Data: v})
}

// procedureDirectoryLoad reads a local procedure YAML file, uploaded or
// pasted, and previews it as the next version.
func (wb *Web) procedureDirectoryLoad(w http.ResponseWriter, r *http.Request) error {
	if err := requireDirectory(r); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, lifeguard.MaxDirectoryDocument+64<<10)
	if err := r.ParseMultipartForm(lifeguard.MaxDirectoryDocument + 64<<10); err != nil {
		return lifeguard.Invalid("The file could not be read", []lifeguard.Problem{{Path: "file",
			Problem: fmt.Sprintf("must be a local procedure YAML file of at most %d KB", lifeguard.MaxDirectoryDocument>>10)}})
	}
	defer r.MultipartForm.RemoveAll()
	v := &procDirView{}
	cur, err := wb.procDirForm(r, v)
	if err != nil {
		return err
	}
	var text []byte
	if fhs := r.MultipartForm.File["file"]; len(fhs) > 0 && fhs[0].Size > 0 {
		f, err := fhs[0].Open()
		if err != nil {
			return err
		}
		defer f.Close()
		var b bytes.Buffer
		if _, err := io.Copy(&b, io.LimitReader(f, lifeguard.MaxDirectoryDocument+1)); err != nil {
			return err
		}
		text = b.Bytes()
	}
	if len(bytes.TrimSpace(text)) == 0 || len(text) > lifeguard.MaxDirectoryDocument {
		return wb.render(w, r, http.StatusUnprocessableEntity, "procedure_directory.html",
			page{Title: "Local procedure", Nav: "procedure", Data: v, Problem: []lifeguard.Problem{{Path: "file",
				Problem: fmt.Sprintf("Choose a local procedure YAML file (at most %d KB).", lifeguard.MaxDirectoryDocument>>10)}}})
	}
	prop, err := wb.cfg.Procedure.ProposeDirectory(r.Context(), cur, text)
	if err != nil {
		if ps := procedure.LoadProblems(err, "document"); ps != nil {
			v.Document = string(text)
		}
		return wb.procDirRefused(w, r, v, err)
	}
	return wb.procDirPreview(w, r, v, prop, "Loaded from a file")
}

// procedureDirectorySave saves the document previewed as the next
// version, checking it again.
func (wb *Web) procedureDirectorySave(w http.ResponseWriter, r *http.Request) error {
	if err := requireDirectory(r); err != nil {
		return err
	}
	return wb.post(w, r, func() (saved, error) {
		base, err := strconv.Atoi(r.PostFormValue("base"))
		if err != nil || base < 0 {
			return saved{}, lifeguard.Invalid("The directory version is not valid", []lifeguard.Problem{{Path: "base", Problem: "must be a version number"}})
		}
		v, err := procedure.SaveDirectory(r.Context(), wb.cfg.Stores.Directory, 0, base, r.PostFormValue("document"), r.PostFormValue("summary"))
		if err != nil {
			return saved{}, err
		}
		return saved{fmt.Sprintf("Saved as version %d. Concerns reported from now on are triaged under it; earlier ones keep theirs.", v.Version),
			"/directory/procedure"}, nil
	}, nil)
}

// procedureDirectoryVersion shows one saved version as its YAML.
func (wb *Web) procedureDirectoryVersion(w http.ResponseWriter, r *http.Request) error {
	if err := requireDirectory(r); err != nil {
		return err
	}
	n, err := idFromPath(r, "n")
	if err != nil {
		return err
	}
	dv, err := wb.cfg.Stores.Directory.DirectoryVersionAt(r.Context(), 0, int(n))
	if err != nil {
		return err
	}
	return wb.render(w, r, http.StatusOK, "procedure_directory.html", page{Title: fmt.Sprintf("Local procedure, version %d", dv.Version),
		Nav: "procedure", Data: &procDirView{Shown: &dv}})
}

// procedureDirectoryExport downloads a version (the newest without
// ?version) as a local procedure file that `lifeguard procedure check`
// accepts.
func (wb *Web) procedureDirectoryExport(w http.ResponseWriter, r *http.Request) error {
	if err := requireDirectory(r); err != nil {
		return err
	}
	ctx := r.Context()
	var dv lifeguard.DirectoryVersion
	var err error
	if typed := r.URL.Query().Get("version"); typed != "" {
		n, perr := strconv.Atoi(typed)
		if perr != nil || n <= 0 {
			return lifeguard.Invalid("The version is not valid", []lifeguard.Problem{{Path: "version", Problem: "must be a version number, 1 or more"}})
		}
		dv, err = wb.cfg.Stores.Directory.DirectoryVersionAt(ctx, 0, n)
	} else {
		dv, err = wb.cfg.Stores.Directory.CurrentDirectory(ctx, 0)
	}
	if err != nil {
		return err
	}
	if dv.Version == 0 {
		if src := wb.cfg.Procedure.LocalSource(); src != nil {
			dv.Document = string(src) // the server's own file, while no version is saved
		} else {
			return lifeguard.Errorf(lifeguard.ENOTFOUND, "No version of the directory has been saved yet, and the server runs on the England baseline alone.")
		}
	}
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="local-procedure-v%d.yaml"`, dv.Version))
	_, err = io.WriteString(w, dv.Document)
	return err
}
