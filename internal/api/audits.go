package api

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"

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
	st, err := a.auditStore()
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	csv, err := wantsCSV(r)
	if err != nil {
		return err
	}
	list, err := st.Audits(r.Context(), id)
	if err != nil {
		return err
	}
	if csv {
		return writeCSV(w, "self-audits-"+strconv.FormatInt(id, 10)+".csv", func(w io.Writer) error { return export.Audits(w, list) })
	}
	writeJSON(w, http.StatusOK, struct {
		Audits []lifeguard.Audit `json:"audits"`
	}{nonNil(list)})
	return nil
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
	st, err := a.auditStore()
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	au, err := st.Audit(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, au)
	return nil
}

func (a *API) saveAnswers(w http.ResponseWriter, r *http.Request) error {
	st, err := a.auditStore()
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Answers []lifeguard.AnswerInput `json:"answers"`
	}
	if err := decodeInto(w, r, &in); err != nil {
		return err
	}
	if len(in.Answers) == 0 {
		return lifeguard.Invalid("invalid request", []lifeguard.Problem{{Path: "answers", Problem: "is required: at least one answer"}})
	}
	au, err := st.SaveAuditAnswers(r.Context(), id, a.Framework, in.Answers)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, au)
	return nil
}

func (a *API) completeAudit(w http.ResponseWriter, r *http.Request) error {
	st, err := a.auditStore()
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in lifeguard.AuditCompletion
	if err := decodeInto(w, r, &in); err != nil {
		return err
	}
	res, err := st.CompleteAudit(r.Context(), id, a.Framework, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (a *API) orgImprovements(w http.ResponseWriter, r *http.Request) error {
	st, err := a.auditStore()
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	csv, err := wantsCSV(r)
	if err != nil {
		return err
	}
	acts, err := st.ImprovementActions(r.Context(), id)
	if err != nil {
		return err
	}
	if csv {
		return writeCSV(w, "improvement-actions-"+strconv.FormatInt(id, 10)+".csv", func(w io.Writer) error {
			return export.Improvements(w, acts)
		})
	}
	writeJSON(w, http.StatusOK, struct {
		Actions []lifeguard.ImprovementAction `json:"improvement_actions"`
	}{nonNil(acts)})
	return nil
}

func (a *API) getImprovement(w http.ResponseWriter, r *http.Request) error {
	st, err := a.auditStore()
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	x, err := st.ImprovementAction(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, x)
	return nil
}

// updateImprovement takes the due date as a string, so that a date that is
// not one is a problem named due, like every other field.
func (a *API) updateImprovement(w http.ResponseWriter, r *http.Request) error {
	st, err := a.auditStore()
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Title string `json:"title"`
		Owner string `json:"owner"`
		Due   string `json:"due"`
	}
	if err := decodeInto(w, r, &in); err != nil {
		return err
	}
	var due lifeguard.Date
	if s := strings.TrimSpace(in.Due); s != "" {
		if due, err = lifeguard.ParseDate(s); err != nil {
			return lifeguard.Invalid("invalid request", []lifeguard.Problem{{Path: "due", Problem: "must be a real date as YYYY-MM-DD"}})
		}
	}
	x, err := st.UpdateImprovementAction(r.Context(), id, lifeguard.ImprovementChange{Title: in.Title, Owner: in.Owner, Due: due})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, x)
	return nil
}

func (a *API) closeImprovement(w http.ResponseWriter, r *http.Request) error {
	st, err := a.auditStore()
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in lifeguard.ImprovementClosing
	if err := decodeInto(w, r, &in); err != nil {
		return err
	}
	x, err := st.CloseImprovementAction(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, x)
	return nil
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
	st, err := a.planStore()
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	x, err := st.PlanAction(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, x)
	return nil
}

// addProgressNote takes the date as a string, for the reason
// updateImprovement does; an empty date is today.
func (a *API) addProgressNote(w http.ResponseWriter, r *http.Request) error {
	st, err := a.planStore()
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		On   string `json:"on"`
		Text string `json:"text"`
	}
	if err := decodeInto(w, r, &in); err != nil {
		return err
	}
	var on lifeguard.Date
	if s := strings.TrimSpace(in.On); s != "" {
		if on, err = lifeguard.ParseDate(s); err != nil {
			return lifeguard.Invalid("invalid request", []lifeguard.Problem{{Path: "on", Problem: "must be a real date as YYYY-MM-DD"}})
		}
	}
	n, err := st.AddProgressNote(r.Context(), id, lifeguard.NewProgressNote{On: on, Text: in.Text})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, n)
	return nil
}
