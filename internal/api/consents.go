package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/consentcsv"
	"github.com/lifeguard-scp/lifeguard/internal/export"
	"github.com/lifeguard-scp/lifeguard/internal/trainingcsv"
)

// Parents' consents and staff training (docs/registers.md): lists that
// download as CSV with ?format=csv, recording, and the imports.

func (a *API) consentStore() (lifeguard.ConsentStore, error) {
	if a.Consents == nil {
		return nil, lifeguard.Errorf(lifeguard.ENOTFOUND, "This server does not offer consents through the API.")
	}
	return a.Consents, nil
}

func (a *API) trainingStore() (lifeguard.TrainingStore, error) {
	if a.Training == nil {
		return nil, lifeguard.Errorf(lifeguard.ENOTFOUND, "This server does not offer training records through the API.")
	}
	return a.Training, nil
}

// csvQuery reads a list's query: the names allowed besides format, and
// whether CSV is wanted.
func csvQuery(r *http.Request, allowed ...string) (map[string]string, bool, error) {
	q, err := query(r.URL, append(allowed, "format")...)
	if err != nil {
		return nil, false, err
	}
	out := map[string]string{}
	for _, k := range allowed {
		out[k] = q.Get(k)
	}
	switch q.Get("format") {
	case "", "json":
		return out, false, nil
	case "csv":
		return out, true, nil
	}
	return nil, false, lifeguard.Invalid("invalid request", []lifeguard.Problem{{Path: "format", Problem: "must be json or csv"}})
}

// idParam reads an optional id of the query; "" is 0.
func idParam(s, name string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, lifeguard.Invalid("invalid request", []lifeguard.Problem{{Path: name, Problem: "must be a positive whole number"}})
	}
	return n, nil
}

func (a *API) listConsents(w http.ResponseWriter, r *http.Request) error {
	st, err := a.consentStore()
	if err != nil {
		return err
	}
	q, csv, err := csvQuery(r, "child_id")
	if err != nil {
		return err
	}
	child, err := idParam(q["child_id"], "child_id")
	if err != nil {
		return err
	}
	list, err := st.Consents(r.Context(), child)
	if err != nil {
		return err
	}
	if csv {
		return writeCSV(w, "consents.csv", func(w io.Writer) error { return export.Consents(w, list) })
	}
	writeJSON(w, http.StatusOK, struct {
		Consents []lifeguard.Consent `json:"consents"`
	}{nonNil(list)})
	return nil
}

// consentInput is a change as the API takes it: the date as a string, so
// that one that is not a date is named.
type consentInput struct {
	ChildID int64                 `json:"child_id"`
	Kind    lifeguard.ConsentKind `json:"kind"`
	Given   *bool                 `json:"given"`
	On      string                `json:"on"`
}

func (a *API) recordConsents(w http.ResponseWriter, r *http.Request) error {
	st, err := a.consentStore()
	if err != nil {
		return err
	}
	var in struct {
		Consents []consentInput `json:"consents"`
	}
	if err := decodeInto(w, r, &in); err != nil {
		return err
	}
	var problems []lifeguard.Problem
	changes := make([]lifeguard.ConsentChange, 0, len(in.Consents))
	for i, c := range in.Consents {
		x := lifeguard.ConsentChange{ChildID: c.ChildID, Kind: c.Kind}
		if c.Given == nil {
			problems = append(problems, lifeguard.Problem{Path: fmt.Sprintf("consents[%d].given", i),
				Problem: "is required: true when consent is given, false when it is withdrawn"})
		} else {
			x.Given = *c.Given
		}
		if d, err := lifeguard.ParseDate(strings.TrimSpace(c.On)); err == nil {
			x.On = d
		} else {
			problems = append(problems, lifeguard.Problem{Path: fmt.Sprintf("consents[%d].on", i),
				Problem: "must be a real date as YYYY-MM-DD"})
		}
		changes = append(changes, x)
	}
	if len(problems) > 0 {
		return lifeguard.Invalid("The consents are not valid", problems)
	}
	n, err := st.RecordConsents(r.Context(), changes)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		Changed int `json:"changed"`
	}{n})
	return nil
}

func (a *API) consentClass(w http.ResponseWriter, r *http.Request) error {
	st, err := a.consentStore()
	if err != nil {
		return err
	}
	q, err := query(r.URL, "reg_group", "year_group")
	if err != nil {
		return err
	}
	list, err := st.ConsentList(r.Context(), lifeguard.ConsentGroup{RegGroup: q.Get("reg_group"), YearGroup: q.Get("year_group")})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		Children []lifeguard.ChildConsents `json:"children"`
	}{nonNil(list)})
	return nil
}

func (a *API) photoList(w http.ResponseWriter, r *http.Request) error {
	st, err := a.consentStore()
	if err != nil {
		return err
	}
	q, csv, err := csvQuery(r, "reg_group", "year_group")
	if err != nil {
		return err
	}
	pl, err := st.PhotoList(r.Context(), lifeguard.ConsentGroup{RegGroup: q["reg_group"], YearGroup: q["year_group"]})
	if err != nil {
		return err
	}
	if csv {
		return writeCSV(w, "do-not-photograph.csv", func(w io.Writer) error { return export.PhotoList(w, pl) })
	}
	writeJSON(w, http.StatusOK, pl)
	return nil
}

func (a *API) listTraining(w http.ResponseWriter, r *http.Request) error {
	st, err := a.trainingStore()
	if err != nil {
		return err
	}
	q, csv, err := csvQuery(r, "user_id")
	if err != nil {
		return err
	}
	user, err := idParam(q["user_id"], "user_id")
	if err != nil {
		return err
	}
	list, err := st.Trainings(r.Context(), user)
	if err != nil {
		return err
	}
	if csv {
		return writeCSV(w, "training.csv", func(w io.Writer) error { return export.Trainings(w, list) })
	}
	writeJSON(w, http.StatusOK, struct {
		Training []lifeguard.Training `json:"training"`
	}{nonNil(list)})
	return nil
}

type trainingInput struct {
	UserID      int64                  `json:"user_id"`
	Type        lifeguard.TrainingType `json:"type"`
	Course      string                 `json:"course"`
	Provider    string                 `json:"provider"`
	CompletedOn string                 `json:"completed_on"`
}

func (a *API) recordTraining(w http.ResponseWriter, r *http.Request) error {
	st, err := a.trainingStore()
	if err != nil {
		return err
	}
	var in trainingInput
	if err := decodeInto(w, r, &in); err != nil {
		return err
	}
	d, err := lifeguard.ParseDate(strings.TrimSpace(in.CompletedOn))
	if err != nil {
		return lifeguard.Invalid("The training is not valid", []lifeguard.Problem{{Path: "completed_on",
			Problem: "must be a real date as YYYY-MM-DD"}})
	}
	x, err := st.RecordTraining(r.Context(), lifeguard.NewTraining{UserID: in.UserID, Type: in.Type, Course: in.Course,
		Provider: in.Provider, CompletedOn: d})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, x)
	return nil
}

func (a *API) trainingMatrix(w http.ResponseWriter, r *http.Request) error {
	st, err := a.trainingStore()
	if err != nil {
		return err
	}
	q, csv, err := csvQuery(r, "on")
	if err != nil {
		return err
	}
	on := lifeguard.DateOf(a.now())
	if s := q["on"]; s != "" {
		if on, err = lifeguard.ParseDate(s); err != nil {
			return lifeguard.Invalid("invalid request", []lifeguard.Problem{{Path: "on", Problem: "must be a real date as YYYY-MM-DD"}})
		}
	}
	m, err := st.TrainingMatrix(r.Context(), on)
	if err != nil {
		return err
	}
	if csv {
		return writeCSV(w, "training-matrix.csv", func(w io.Writer) error { return export.TrainingMatrix(w, m) })
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

// csvUpload reads an import's request: the CSV file as the body
// (text/csv, at most max bytes; what names it in the answer), with
// ?dry_run=true to see what it would do.
func csvUpload(w http.ResponseWriter, r *http.Request, max int64, what string) (body string, dry bool, err error) {
	q, err := query(r.URL, "dry_run")
	if err != nil {
		return "", false, err
	}
	switch q.Get("dry_run") {
	case "", "false":
	case "true":
		dry = true
	default:
		return "", false, lifeguard.Invalid("invalid request", []lifeguard.Problem{{Path: "dry_run", Problem: "must be true or false"}})
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "text/csv" {
		return "", false, &httpError{status: http.StatusUnsupportedMediaType, code: "unsupported_media_type",
			msg: "Send the " + what + " file as text/csv."}
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max+1))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return "", false, lifeguard.Invalid("The file cannot be read", []lifeguard.Problem{{Path: "file",
				Problem: fmt.Sprintf("is larger than %d MB", max>>20)}})
		}
		return "", false, err
	}
	return string(b), dry, nil
}

// importTraining takes the training CSV file (csvImport).
func (a *API) importTraining(w http.ResponseWriter, r *http.Request) error {
	st, err := a.trainingStore()
	if err != nil {
		return err
	}
	return csvImport(w, r, trainingcsv.MaxSize, "training", trainingcsv.Read, st.ImportTraining,
		func(res *lifeguard.TrainingImportResult) int { return res.Bad })
}

// importConsents takes the consents CSV file (csvImport).
func (a *API) importConsents(w http.ResponseWriter, r *http.Request) error {
	st, err := a.consentStore()
	if err != nil {
		return err
	}
	return csvImport(w, r, consentcsv.MaxSize, "consents", consentcsv.Read, st.ImportConsents,
		func(res *lifeguard.ConsentImportResult) int { return res.Bad })
}

// csvImport runs an import of a CSV file sent as the body (csvUpload):
// read turns it into lines, imp checks or writes them, and the result is
// the answer, 422 when a line was bad (bad counts them) and so nothing
// was written.
func csvImport[L, R any](w http.ResponseWriter, r *http.Request, max int64, what string,
	read func(io.Reader) ([]L, error), imp func(context.Context, []L, bool) (*R, error), bad func(*R) int) error {
	body, dry, err := csvUpload(w, r, max, what)
	if err != nil {
		return err
	}
	lines, err := read(strings.NewReader(body))
	if err != nil {
		return err
	}
	res, err := imp(r.Context(), lines, dry)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if bad(res) > 0 {
		status = http.StatusUnprocessableEntity
	}
	writeJSON(w, status, res)
	return nil
}
