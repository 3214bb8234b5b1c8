package api

import (
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/export"
)

// The policy library and agreements (docs/registers.md). Staff acknowledge
// the staff agreement on the pages only, so the API has no endpoint for it.

func (a *API) policyStore() (lifeguard.PolicyStore, error) {
	if a.Policies == nil {
		return nil, lifeguard.Errorf(lifeguard.ENOTFOUND, "This server does not offer the policy library through the API.")
	}
	return a.Policies, nil
}

// listPolicies lists an organisation's policies, or with organisation_id
// 0 the partnership's models.
func (a *API) listPolicies(w http.ResponseWriter, r *http.Request) error {
	st, err := a.policyStore()
	if err != nil {
		return err
	}
	q, err := query(r.URL, "organisation_id")
	if err != nil {
		return err
	}
	var org int64
	if s := q.Get("organisation_id"); s != "" {
		if org, err = strconv.ParseInt(s, 10, 64); err != nil || org < 0 {
			return lifeguard.Invalid("invalid request", []lifeguard.Problem{{Path: "organisation_id",
				Problem: "must be an organisation's id, or 0 for the partnership's model policies"}})
		}
	} else if act := lifeguard.ActorFrom(r.Context()); act != nil {
		org = act.OrganisationID
	}
	list, err := st.Policies(r.Context(), org)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		Policies []lifeguard.Policy `json:"policies"`
	}{nonNil(list)})
	return nil
}

// policyInput is a new policy as the API takes it: the review date as a
// string, so that a date that is not one is named review_due.
type policyInput struct {
	Kind      lifeguard.PolicyKind `json:"kind"`
	AgeGroup  string               `json:"age_group"`
	Title     string               `json:"title"`
	ReviewDue string               `json:"review_due"`
}

func optionalDate(s, field string) (*lifeguard.Date, error) {
	if s = strings.TrimSpace(s); s == "" {
		return nil, nil
	}
	d, err := lifeguard.ParseDate(s)
	if err != nil {
		return nil, lifeguard.Invalid("invalid request", []lifeguard.Problem{{Path: field, Problem: "must be a real date as YYYY-MM-DD"}})
	}
	return &d, nil
}

func (a *API) createPolicy(w http.ResponseWriter, r *http.Request) error {
	return createWith(a.policyStore, func(st lifeguard.PolicyStore, ctx context.Context, in policyInput) (*lifeguard.Policy, error) {
		due, err := optionalDate(in.ReviewDue, "review_due")
		if err != nil {
			return nil, err
		}
		return st.CreatePolicy(ctx, lifeguard.NewPolicy{Kind: in.Kind, AgeGroup: in.AgeGroup, Title: in.Title, ReviewDue: due})
	})(w, r)
}

func (a *API) getPolicy(w http.ResponseWriter, r *http.Request) error {
	return readByID(a.policyStore, lifeguard.PolicyStore.Policy)(w, r)
}

type versionInput struct {
	Text       string `json:"text"`
	Link       string `json:"link"`
	ApprovedBy string `json:"approved_by"`
	ApprovedOn string `json:"approved_on"`
	ReviewDue  string `json:"review_due"`
}

func (in versionInput) version() (lifeguard.NewPolicyVersion, error) {
	out := lifeguard.NewPolicyVersion{Text: in.Text, Link: in.Link, ApprovedBy: in.ApprovedBy}
	on, err := optionalDate(in.ApprovedOn, "approved_on")
	if err != nil {
		return out, err
	}
	if on != nil {
		out.ApprovedOn = *on
	}
	out.ReviewDue, err = optionalDate(in.ReviewDue, "review_due")
	return out, err
}

func (a *API) addPolicyVersion(w http.ResponseWriter, r *http.Request) error {
	return changeByID(a.policyStore, http.StatusCreated, withVersion(lifeguard.PolicyStore.AddPolicyVersion))(w, r)
}

func (a *API) adoptPolicy(w http.ResponseWriter, r *http.Request) error {
	return changeByID(a.policyStore, http.StatusCreated, withVersion(lifeguard.PolicyStore.AdoptPolicy))(w, r)
}

// withVersion turns the body into a version (its dates checked by name)
// before call.
func withVersion(call func(lifeguard.PolicyStore, context.Context, int64, lifeguard.NewPolicyVersion) (*lifeguard.Policy, error)) func(lifeguard.PolicyStore, context.Context, int64, versionInput) (*lifeguard.Policy, error) {
	return func(st lifeguard.PolicyStore, ctx context.Context, id int64, body versionInput) (*lifeguard.Policy, error) {
		in, err := body.version()
		if err != nil {
			return nil, err
		}
		return call(st, ctx, id, in)
	}
}

// agreementStatus says who has and has not agreed; ?format=csv downloads it.
func (a *API) agreementStatus(w http.ResponseWriter, r *http.Request) error {
	st, err := a.policyStore()
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	q, err := query(r.URL, "reg_group", "format")
	if err != nil {
		return err
	}
	format := q.Get("format")
	if format != "" && format != "json" && format != "csv" {
		return lifeguard.Invalid("invalid request", []lifeguard.Problem{{Path: "format", Problem: "must be json or csv"}})
	}
	s, err := st.AgreementStatus(r.Context(), id, q.Get("reg_group"))
	if err != nil {
		return err
	}
	if format == "csv" {
		return writeCSV(w, "agreements-"+strconv.FormatInt(id, 10)+".csv", func(w io.Writer) error { return agreementsCSV(w, s) })
	}
	writeJSON(w, http.StatusOK, s)
	return nil
}

func agreementsCSV(w io.Writer, s *lifeguard.AgreementStatus) error {
	cw := csv.NewWriter(w)
	version := ""
	if s.Version != nil {
		version = strconv.Itoa(s.Version.Number)
	}
	cw.Write([]string{"policy_id", "version", "user_id", "child_id", "name", "reg_group", "agreed_on"})
	write := func(x lifeguard.AgreementParty) {
		on := ""
		if x.AgreedOn != nil {
			on = x.AgreedOn.String()
		}
		cw.Write([]string{strconv.FormatInt(s.Policy.ID, 10), version, idText(x.UserID), idText(x.ChildID),
			export.Cell(x.Name), export.Cell(x.RegGroup), on})
	}
	for _, x := range s.Agreed {
		write(x)
	}
	for _, x := range s.Missing {
		write(x)
	}
	cw.Flush()
	return cw.Error()
}

func idText(n int64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

type agreementsInput struct {
	Agreements []struct {
		ChildID  int64  `json:"child_id"`
		Name     string `json:"name"`
		AgreedOn string `json:"agreed_on"`
	} `json:"agreements"`
}

type recorded struct {
	Recorded int `json:"recorded"`
}

func (a *API) recordAgreements(w http.ResponseWriter, r *http.Request) error {
	return changeByID(a.policyStore, http.StatusCreated, func(st lifeguard.PolicyStore, ctx context.Context, id int64, body agreementsInput) (recorded, error) {
		in := make([]lifeguard.AgreementInput, len(body.Agreements))
		for i, x := range body.Agreements {
			on, err := optionalDate(x.AgreedOn, "agreements["+strconv.Itoa(i)+"].agreed_on")
			if err != nil {
				return recorded{}, err
			}
			in[i] = lifeguard.AgreementInput{ChildID: x.ChildID, Name: x.Name}
			if on != nil {
				in[i].AgreedOn = *on
			}
		}
		n, err := st.RecordAgreements(ctx, id, in)
		return recorded{n}, err
	})(w, r)
}
