package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/consentcsv"
)

// The import of parents' consents from the school's management
// information system (docs/consents-and-training.md): the file is checked
// first, line by line, and imported only when the manager or DSL presses
// Import on a file that checked clean, as the register's import does.

type consentImportView struct {
	// CSV is the text of a file checked clean, carried to the Import.
	CSV      string
	Header   string
	Summary  string
	Imported bool
	BadLines []importBadLine
}

func requireConsentImport(r *http.Request) error {
	if u := fromRequest(r).user; !may(u, lifeguard.OpRecordConsents, u.OrganisationID) {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only the organisation's manager or safeguarding lead imports parents' consents.")
	}
	return nil
}

func (wb *Web) consentImportPage(w http.ResponseWriter, r *http.Request) error {
	if err := requireConsentImport(r); err != nil {
		return err
	}
	v := consentImportView{Header: consentcsv.Header}
	return wb.render(w, r, http.StatusOK, "consents_import.html", page{Title: "Import parents' consents", Nav: "consents", Data: &v})
}

// importConsents checks the file chosen (or imports the one checked) and
// shows what it did or would do.
func (wb *Web) importConsents(w http.ResponseWriter, r *http.Request) error {
	if err := requireConsentImport(r); err != nil {
		return err
	}
	v := consentImportView{Header: consentcsv.Header}
	problem := func(msg string) error {
		return wb.render(w, r, http.StatusUnprocessableEntity, "consents_import.html", page{Title: "Import parents' consents: there is a problem",
			Nav: "consents", Data: &v, Problem: []lifeguard.Problem{{Path: "consents-file", Problem: msg}}})
	}
	r.Body = http.MaxBytesReader(w, r.Body, consentcsv.MaxSize+1<<20)
	if err := r.ParseMultipartForm(consentcsv.MaxSize + 1<<20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return problem("The file is larger than 5 MB; export only the UPN and consent columns.")
		}
		if err := r.ParseForm(); err != nil {
			return lifeguard.Errorf(lifeguard.EINVALID, "The form could not be read. Go back and try again.")
		}
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	text, err := importText(r)
	if err != nil {
		return err
	}
	if text == "" {
		return problem("Choose the CSV file of consents exported from your management information system.")
	}
	lines, err := consentcsv.Read(strings.NewReader(text))
	if err != nil {
		return problem(problemText(err))
	}
	dry := r.FormValue("go") != "import"
	res, err := wb.cfg.Stores.Consents.ImportConsents(r.Context(), lines, dry)
	if lifeguard.ErrorCode(err) == lifeguard.EINVALID {
		return problem(problemText(err))
	}
	if err != nil {
		return err
	}
	children := func(n int) string {
		if n == 1 {
			return "1 child"
		}
		return strconv.Itoa(n) + " children"
	}
	verb := map[bool]string{true: "would change", false: "changed"}[dry]
	v.Summary = "Consents " + verb + " for " + children(res.Changed) + "; " + children(res.Unchanged) +
		" already as the file says; " + count(res.Bad, "line") + " with problems."
	status := http.StatusOK
	switch {
	case res.Bad > 0:
		status = http.StatusUnprocessableEntity
		v.Summary += " Nothing was imported: correct the lines below in your management information system, export the file again and check it."
		for _, l := range res.Lines {
			if l.Outcome != lifeguard.ImportBad {
				continue
			}
			b := importBadLine{Line: l.Line}
			for _, p := range l.Problems {
				b.Problems = append(b.Problems, p.String())
			}
			v.BadLines = append(v.BadLines, b)
		}
	case dry:
		v.CSV = text
	default:
		v.Imported = true
	}
	return wb.render(w, r, status, "consents_import.html", page{Title: "Import parents' consents", Nav: "consents", Data: &v})
}
