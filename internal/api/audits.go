package api

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/export"
)

// The self-audit, its improvement actions and the strategy action plan
// (docs/audit.md). The stores decide who may read and change them, as on
// the pages; lists also download as CSV with ?format=csv, made by the same
// code as the pages' downloads (internal/export).

func (a *API) auditStore() (lifeguard.AuditStore, error) {
	if a.Audits == nil || a.Framework == nil {
		return nil, lifeguard.Errorf(lifeguard.ENOTFOUND, "This server does not offer the self-audit through the API.")
	}
	return a.Audits, nil
}

func (a *API) planStore() (lifeguard.PlanStore, error) {
	if a.Plan == nil {
		return nil, lifeguard.Errorf(lifeguard.ENOTFOUND, "This server does not offer the action plan through the API.")
	}
	return a.Plan, nil
}

// wantsCSV reads the one parameter of a list that downloads: format, json
// (the default) or csv.
func wantsCSV(r *http.Request) (bool, error) {
	q, err := query(r.URL, "format")
	if err != nil {
		return false, err
	}
	switch q.Get("format") {
	case "", "json":
		return false, nil
	case "csv":
		return true, nil
	}
	return false, lifeguard.Invalid("invalid request", []lifeguard.Problem{{Path: "format", Problem: "must be json or csv"}})
}

// writeCSV sends what write writes as a CSV file named name.
func writeCSV(w http.ResponseWriter, name string, write func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", export.ContentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
	return nil
}

func (a *API) framework(w http.ResponseWriter, r *http.Request) error {
	if _, err := actor(r.Context()); err != nil {
		return err
	}
	if _, err := a.auditStore(); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a.Framework)
	return nil
}

func (a *API) orgAudits(w http.ResponseWriter, r *http.Request) error {
	return listByID(a.auditStore, lifeguard.AuditStore.Audits, "audits", "self-audits", export.Audits)(w, r)
}

func (a *API) startAudit(w http.ResponseWriter, r *http.Request) error {
	st, err := a.auditStore()
	if err != nil {
		return err
	}
	au, err := st.StartAudit(r.Context(), a.Framework)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, au)
	return nil
}

func (a *API) getAudit(w http.ResponseWriter, r *http.Request) error {
	return readByID(a.auditStore, lifeguard.AuditStore.Audit)(w, r)
}

type answersInput struct {
	Answers []lifeguard.AnswerInput `json:"answers"`
}

func (a *API) saveAnswers(w http.ResponseWriter, r *http.Request) error {
	return changeByID(a.auditStore, http.StatusOK, func(st lifeguard.AuditStore, ctx context.Context, id int64, in answersInput) (*lifeguard.Audit, error) {
		if len(in.Answers) == 0 {
			return nil, lifeguard.Invalid("invalid request", []lifeguard.Problem{{Path: "answers", Problem: "is required: at least one answer"}})
		}
		return st.SaveAuditAnswers(ctx, id, a.Framework, in.Answers)
	})(w, r)
}

func (a *API) completeAudit(w http.ResponseWriter, r *http.Request) error {
	return changeByID(a.auditStore, http.StatusOK, func(st lifeguard.AuditStore, ctx context.Context, id int64, in lifeguard.AuditCompletion) (*lifeguard.AuditResult, error) {
		return st.CompleteAudit(ctx, id, a.Framework, in)
	})(w, r)
}

func (a *API) orgImprovements(w http.ResponseWriter, r *http.Request) error {
	return listByID(a.auditStore, lifeguard.AuditStore.ImprovementActions, "improvement_actions", "improvement-actions", export.Improvements)(w, r)
}

func (a *API) getImprovement(w http.ResponseWriter, r *http.Request) error {
	return readByID(a.auditStore, lifeguard.AuditStore.ImprovementAction)(w, r)
}

// updateImprovement takes the due date as a string, so that a date that is
// not one is a problem named due, like every other field.
type improvementInput struct {
	Title string `json:"title"`
	Owner string `json:"owner"`
	Due   string `json:"due"`
}

func (a *API) updateImprovement(w http.ResponseWriter, r *http.Request) error {
	return changeByID(a.auditStore, http.StatusOK, func(st lifeguard.AuditStore, ctx context.Context, id int64, in improvementInput) (*lifeguard.ImprovementAction, error) {
		due, err := requiredDate(in.Due, "due")
		if err != nil {
			return nil, err
		}
		return st.UpdateImprovementAction(ctx, id, lifeguard.ImprovementChange{Title: in.Title, Owner: in.Owner, Due: due})
	})(w, r)
}

func (a *API) closeImprovement(w http.ResponseWriter, r *http.Request) error {
	return changeByID(a.auditStore, http.StatusOK, lifeguard.AuditStore.CloseImprovementAction)(w, r)
}

func (a *API) plan(w http.ResponseWriter, r *http.Request) error {
	st, err := a.planStore()
	if err != nil {
		return err
	}
	csv, err := wantsCSV(r)
	if err != nil {
		return err
	}
	objs, err := st.Plan(r.Context())
	if err != nil {
		return err
	}
	if csv {
		return writeCSV(w, "action-plan.csv", func(w io.Writer) error { return export.Plan(w, objs) })
	}
	writeJSON(w, http.StatusOK, struct {
		Objectives []lifeguard.Objective `json:"objectives"`
	}{nonNil(objs)})
	return nil
}

func (a *API) planAction(w http.ResponseWriter, r *http.Request) error {
	return readByID(a.planStore, lifeguard.PlanStore.PlanAction)(w, r)
}

// addProgressNote takes the date as a string, for the reason
// updateImprovement does; an empty date is today.
type progressInput struct {
	On   string `json:"on"`
	Text string `json:"text"`
}

func (a *API) addProgressNote(w http.ResponseWriter, r *http.Request) error {
	return changeByID(a.planStore, http.StatusCreated, func(st lifeguard.PlanStore, ctx context.Context, id int64, in progressInput) (*lifeguard.ProgressNote, error) {
		on, err := requiredDate(in.On, "on")
		if err != nil {
			return nil, err
		}
		return st.AddProgressNote(ctx, id, lifeguard.NewProgressNote{On: on, Text: in.Text})
	})(w, r)
}

// requiredDate reads a date typed as text, so that one that is not a date
// is a problem named field like every other; empty is the zero date, which
// the store refuses or takes as today, as it documents.
func requiredDate(s, field string) (lifeguard.Date, error) {
	d, err := optionalDate(s, field)
	if err != nil || d == nil {
		return lifeguard.Date{}, err
	}
	return *d, nil
}
