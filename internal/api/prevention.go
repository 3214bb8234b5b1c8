package api

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/export"
)

// The teaching, parents' and children's voice, and internet access
// registers (issue 17, items 5 to 7; docs/registers.md). Lists take
// organisation_id (the caller's own when absent) and ?format=csv; dates
// are strings in the body, so that one that is not a date is named. The
// routes are in api.go with every other.

func (a *API) preventionStore() (lifeguard.PreventionStore, error) {
	if a.Prevention == nil {
		return nil, lifeguard.Errorf(lifeguard.ENOTFOUND, "This server does not offer these registers through the API.")
	}
	return a.Prevention, nil
}

// listParams reads a list's query: organisation_id (0: the caller's),
// format, and the others named.
func listParams(r *http.Request, more ...string) (url.Values, int64, bool, error) {
	q, err := query(r.URL, append([]string{"organisation_id", "format"}, more...)...)
	if err != nil {
		return nil, 0, false, err
	}
	var org int64
	if s := q.Get("organisation_id"); s != "" {
		if org, err = strconv.ParseInt(s, 10, 64); err != nil || org <= 0 {
			return nil, 0, false, lifeguard.Invalid("invalid request", []lifeguard.Problem{{Path: "organisation_id",
				Problem: "must be an organisation's id"}})
		}
	}
	switch q.Get("format") {
	case "", "json":
		return q, org, false, nil
	case "csv":
		return q, org, true, nil
	}
	return nil, 0, false, lifeguard.Invalid("invalid request", []lifeguard.Problem{{Path: "format", Problem: "must be json or csv"}})
}

// schoolYear reads school_year, the calendar year a school year starts
// in; the current one when absent.
func (a *API) schoolYear(q url.Values) (int, error) {
	now := lifeguard.DateOf(a.now().UTC())
	cur := lifeguard.SchoolYearOf(now)
	s := q.Get("school_year")
	if s == "" {
		return cur, nil
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < 2000 || y > cur {
		return 0, lifeguard.Invalid("invalid request", []lifeguard.Problem{{Path: "school_year",
			Problem: "must be the year a school year starts in, from 2000 to " + strconv.Itoa(cur)}})
	}
	return y, nil
}

func (a *API) listTeaching(w http.ResponseWriter, r *http.Request) error {
	st, err := a.preventionStore()
	if err != nil {
		return err
	}
	q, org, csv, err := listParams(r, "school_year")
	if err != nil {
		return err
	}
	year, err := a.schoolYear(q)
	if err != nil {
		return err
	}
	list, err := st.TeachingEntries(r.Context(), org, year)
	if err != nil {
		return err
	}
	if csv {
		return writeCSV(w, "teaching-"+strconv.Itoa(year)+".csv", func(w io.Writer) error { return export.Teaching(w, list) })
	}
	writeJSON(w, http.StatusOK, struct {
		SchoolYear int                       `json:"school_year"`
		Entries    []lifeguard.TeachingEntry `json:"entries"`
	}{year, nonNil(list)})
	return nil
}

func (a *API) teachingCoverage(w http.ResponseWriter, r *http.Request) error {
	st, err := a.preventionStore()
	if err != nil {
		return err
	}
	q, org, csv, err := listParams(r, "school_year")
	if err != nil {
		return err
	}
	year, err := a.schoolYear(q)
	if err != nil {
		return err
	}
	cov, err := st.TeachingCoverage(r.Context(), org, year)
	if err != nil {
		return err
	}
	if csv {
		return writeCSV(w, "teaching-coverage-"+strconv.Itoa(year)+".csv", func(w io.Writer) error { return export.Coverage(w, cov) })
	}
	writeJSON(w, http.StatusOK, cov)
	return nil
}

type teachingInput struct {
	YearGroup string                   `json:"year_group"`
	Strand    lifeguard.TeachingStrand `json:"strand"`
	TaughtOn  string                   `json:"taught_on"`
	Taught    string                   `json:"taught"`
	TaughtBy  string                   `json:"taught_by"`
}

// teaching turns the body into the store's input; a date that is not one
// is a problem named by its field.
func (in teachingInput) teaching() (lifeguard.NewTeaching, error) {
	on, err := requiredDate(in.TaughtOn, "taught_on")
	return lifeguard.NewTeaching{YearGroup: in.YearGroup, Strand: in.Strand, TaughtOn: on, Taught: in.Taught,
		TaughtBy: in.TaughtBy}, err
}

func (a *API) createTeaching(w http.ResponseWriter, r *http.Request) error {
	return createWith(a.preventionStore, func(st lifeguard.PreventionStore, ctx context.Context, in teachingInput) (*lifeguard.TeachingEntry, error) {
		t, err := in.teaching()
		if err != nil {
			return nil, err
		}
		return st.RecordTeaching(ctx, t)
	})(w, r)
}

func (a *API) getTeaching(w http.ResponseWriter, r *http.Request) error {
	return readByID(a.preventionStore, lifeguard.PreventionStore.TeachingEntry)(w, r)
}

func (a *API) updateTeaching(w http.ResponseWriter, r *http.Request) error {
	return changeByID(a.preventionStore, http.StatusOK, func(st lifeguard.PreventionStore, ctx context.Context, id int64, in teachingInput) (*lifeguard.TeachingEntry, error) {
		t, err := in.teaching()
		if err != nil {
			return nil, err
		}
		return st.EditTeaching(ctx, id, t)
	})(w, r)
}

func (a *API) listParentContacts(w http.ResponseWriter, r *http.Request) error {
	return listByOrg(a.preventionStore, lifeguard.PreventionStore.ParentContacts, "contacts", "parent-contacts", export.ParentContacts)(w, r)
}

type parentContactInput struct {
	On      string                      `json:"on"`
	Topic   string                      `json:"topic"`
	Kind    lifeguard.ParentContactKind `json:"kind"`
	Reached int                         `json:"reached"`
	Notes   string                      `json:"notes"`
}

// contact turns the body into the store's input; a date that is not one
// is a problem named by its field.
func (in parentContactInput) contact() (lifeguard.NewParentContact, error) {
	on, err := requiredDate(in.On, "on")
	return lifeguard.NewParentContact{On: on, Topic: in.Topic, Kind: in.Kind, Reached: in.Reached, Notes: in.Notes}, err
}

func (a *API) createParentContact(w http.ResponseWriter, r *http.Request) error {
	return createWith(a.preventionStore, func(st lifeguard.PreventionStore, ctx context.Context, in parentContactInput) (*lifeguard.ParentContact, error) {
		c, err := in.contact()
		if err != nil {
			return nil, err
		}
		return st.RecordParentContact(ctx, c)
	})(w, r)
}

func (a *API) getParentContact(w http.ResponseWriter, r *http.Request) error {
	return readByID(a.preventionStore, lifeguard.PreventionStore.ParentContact)(w, r)
}

func (a *API) updateParentContact(w http.ResponseWriter, r *http.Request) error {
	return changeByID(a.preventionStore, http.StatusOK, func(st lifeguard.PreventionStore, ctx context.Context, id int64, in parentContactInput) (*lifeguard.ParentContact, error) {
		c, err := in.contact()
		if err != nil {
			return nil, err
		}
		return st.EditParentContact(ctx, id, c)
	})(w, r)
}

func (a *API) listChildSurveys(w http.ResponseWriter, r *http.Request) error {
	return listByOrg(a.preventionStore, lifeguard.PreventionStore.ChildSurveys, "surveys", "child-surveys", export.Surveys)(w, r)
}

type childSurveyInput struct {
	Title       string                     `json:"title"`
	On          string                     `json:"on"`
	YearGroups  string                     `json:"year_groups"`
	Respondents int                        `json:"respondents"`
	Findings    string                     `json:"findings"`
	Questions   []lifeguard.SurveyQuestion `json:"questions"`
}

func (a *API) createChildSurvey(w http.ResponseWriter, r *http.Request) error {
	st, err := a.preventionStore()
	if err != nil {
		return err
	}
	var in childSurveyInput
	if err := decodeInto(w, r, &in); err != nil {
		return err
	}
	on, err := requiredDate(in.On, "on")
	if err != nil {
		return err
	}
	s, err := st.RecordChildSurvey(r.Context(), lifeguard.NewChildSurvey{Title: in.Title, On: on, YearGroups: in.YearGroups,
		Respondents: in.Respondents, Findings: in.Findings, Questions: in.Questions})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, s)
	return nil
}

func (a *API) accessRecord(w http.ResponseWriter, r *http.Request) error {
	st, err := a.preventionStore()
	if err != nil {
		return err
	}
	_, org, csv, err := listParams(r)
	if err != nil {
		return err
	}
	rec, err := st.AccessRecord(r.Context(), org)
	if err != nil {
		return err
	}
	if csv {
		return writeCSV(w, "internet-access.csv", func(w io.Writer) error { return export.AccessRecord(w, rec) })
	}
	writeJSON(w, http.StatusOK, rec)
	return nil
}

func (a *API) createAccessGroup(w http.ResponseWriter, r *http.Request) error {
	return createWith(a.preventionStore, lifeguard.PreventionStore.RecordAccessGroup)(w, r)
}

func (a *API) updateAccessGroup(w http.ResponseWriter, r *http.Request) error {
	return changeByID(a.preventionStore, http.StatusOK, lifeguard.PreventionStore.EditAccessGroup)(w, r)
}

func (a *API) preventionFigures(w http.ResponseWriter, r *http.Request) error {
	st, err := a.preventionStore()
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := query(r.URL); err != nil {
		return err
	}
	fig, err := st.PreventionFigures(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, fig)
	return nil
}
