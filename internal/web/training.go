package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/export"
	"github.com/lifeguard-scp/lifeguard/internal/trainingcsv"
)

// Staff training: the matrix of staff by type of training (a member of
// staff sees their own row), the records, a form to record a course, and
// the import of a CSV file pasted into the page.

var trainingStatusWords = map[lifeguard.TrainingStatus]string{
	lifeguard.TrainingInDate: "In date", lifeguard.TrainingDueSoon: "Due soon", lifeguard.TrainingOverdue: "Overdue",
	lifeguard.TrainingNone: "None recorded", lifeguard.TrainingNotDue: "Not needed",
}

type trainingCellView struct {
	Status, Words, Expires string
}

type trainingRowView struct {
	Name, Role string
	InDate     bool
	Cells      []trainingCellView
}

type trainingRecordView struct {
	Name, Type, Course, Provider, Completed, Expires string
}

type trainingView struct {
	Whole         bool // the organisation's matrix, for its manager and DSL
	InDate, Staff int
	Percent       int
	Types         []string
	Rows          []trainingRowView
	Records       []trainingRecordView
	People        []option
	TypeOptions   []option
	Person, Type  dslField
	Course, Prov  dslField
	Completed     dslField
	RecordOthers  bool
	ImportAllowed bool
}

func (wb *Web) trainingPage(w http.ResponseWriter, r *http.Request) error {
	return wb.showTraining(w, r, http.StatusOK, nil, nil)
}

func (wb *Web) showTraining(w http.ResponseWriter, r *http.Request, status int, problems []lifeguard.Problem, typed func(v *trainingView)) error {
	u := fromRequest(r).user
	m, err := wb.cfg.Stores.Training.TrainingMatrix(r.Context(), wb.todayHere())
	if err != nil {
		return err
	}
	recs, err := wb.cfg.Stores.Training.Trainings(r.Context(), 0)
	if err != nil {
		return err
	}
	v := trainingView{Whole: may(u, lifeguard.OpReadTraining, u.OrganisationID), InDate: m.InDate, Staff: m.Staff,
		RecordOthers: may(u, lifeguard.OpRecordTraining, u.OrganisationID),
		Person:       dslField{ID: "training-person", Name: "user_id"}, Type: dslField{ID: "training-type", Name: "type"},
		Course: dslField{ID: "training-course", Name: "course"}, Prov: dslField{ID: "training-provider", Name: "provider"},
		Completed: dslField{ID: "training-completed", Name: "completed_on"}}
	v.ImportAllowed = v.RecordOthers
	if m.Staff > 0 {
		v.Percent = m.InDate * 100 / m.Staff
	}
	for _, t := range m.Types {
		v.Types = append(v.Types, t.Label())
	}
	for _, row := range m.Rows {
		rv := trainingRowView{Name: row.Name, Role: row.Role.Label(), InDate: row.InDate}
		for _, c := range row.Cells {
			cv := trainingCellView{Status: string(c.Status), Words: trainingStatusWords[c.Status]}
			if c.Status == lifeguard.TrainingNotDue {
				cv.Status = "na"
			}
			if c.ExpiresOn != nil {
				cv.Expires = showDate(*c.ExpiresOn)
			}
			rv.Cells = append(rv.Cells, cv)
		}
		v.Rows = append(v.Rows, rv)
		v.People = append(v.People, option{Value: strconv.FormatInt(row.UserID, 10), Label: row.Name})
	}
	for _, x := range recs {
		v.Records = append(v.Records, trainingRecordView{Name: x.UserName, Type: x.Type.Label(), Course: x.Course,
			Provider: x.Provider, Completed: showDate(x.CompletedOn), Expires: showDate(x.ExpiresOn)})
	}
	if typed != nil {
		typed(&v)
	}
	for i := range v.People {
		v.People[i].Selected = v.People[i].Value == v.Person.Value
	}
	for _, rule := range lifeguard.TrainingRules() {
		v.TypeOptions = append(v.TypeOptions, option{Value: string(rule.Type), Label: rule.Label, Selected: string(rule.Type) == v.Type.Value})
	}
	for _, p := range problems {
		for _, f := range []*dslField{&v.Person, &v.Type, &v.Course, &v.Prov, &v.Completed} {
			if p.Path == f.ID && f.Err == "" {
				f.Err = p.Problem
			}
		}
	}
	pg := page{Title: "Training", Nav: "training", Data: &v, Problem: problems}
	if len(problems) > 0 {
		pg.Title += ": there is a problem"
	}
	if fl := wb.takePageFlash(w, r); fl != nil {
		pg.Flash = fl.Message
	}
	return wb.render(w, r, status, "training.html", pg)
}

// recordTraining records a course from the page's form.
func (wb *Web) recordTraining(w http.ResponseWriter, r *http.Request) error {
	var person, typ, course, prov, done string
	return wb.post(w, r, func() (saved, error) {
		f := r.PostForm
		person, typ, course, prov, done = f.Get("user_id"), f.Get("type"), f.Get("course"), f.Get("provider"), strings.TrimSpace(f.Get("completed_on"))
		var uid int64
		if person != "" {
			var err error
			if uid, err = strconv.ParseInt(person, 10, 64); err != nil || uid <= 0 {
				return saved{}, lifeguard.Invalid("The training is not valid", []lifeguard.Problem{{Path: "user_id",
					Problem: "is not a member of staff on the list"}})
			}
		}
		d, err := formDate(done, "completed_on", "The training is not valid", "2026-09-01")
		if err != nil {
			return saved{}, err
		}
		if _, err := wb.cfg.Stores.Training.RecordTraining(r.Context(), lifeguard.NewTraining{UserID: uid,
			Type: lifeguard.TrainingType(typ), Course: course, Provider: prov, CompletedOn: d}); err != nil {
			return saved{}, err
		}
		return saved{"The training is recorded.", "/training"}, nil
	}, func(err error) error {
		problems, _ := fieldProblems(err, map[string]problemTarget{
			"user_id": {"training-person", "The member of staff"}, "type": {"training-type", "The type of training"},
			"course": {"training-course", "The course"}, "provider": {"training-provider", "The provider"},
			"completed_on": {"training-completed", "The date completed"}})
		return wb.showTraining(w, r, http.StatusUnprocessableEntity, problems, func(v *trainingView) {
			v.Person.Value, v.Type.Value, v.Course.Value, v.Prov.Value, v.Completed.Value = person, typ, course, prov, done
		})
	})
}

// trainingCSV downloads the training records the user may read.
func (wb *Web) trainingCSV(w http.ResponseWriter, r *http.Request) error {
	list, err := wb.cfg.Stores.Training.Trainings(r.Context(), 0)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := export.Trainings(&buf, list); err != nil {
		return err
	}
	download(w, export.ContentType, "training.csv", buf.Bytes())
	return nil
}

// trainingMatrixCSV downloads the matrix.
func (wb *Web) trainingMatrixCSV(w http.ResponseWriter, r *http.Request) error {
	m, err := wb.cfg.Stores.Training.TrainingMatrix(r.Context(), wb.todayHere())
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := export.TrainingMatrix(&buf, m); err != nil {
		return err
	}
	download(w, export.ContentType, "training-matrix.csv", buf.Bytes())
	return nil
}

type trainingImportView struct {
	CSV      dslField
	DryRun   bool
	Header   string
	Result   *lifeguard.TrainingImportResult
	Summary  string
	BadLines []importBadLine
}

// importBadLine is a bad line of an imported file (training, consents)
// and its problems, as the import page lists them.
type importBadLine struct {
	Line     int
	Problems []string
}

func (wb *Web) trainingImportPage(w http.ResponseWriter, r *http.Request) error {
	if u := fromRequest(r).user; !may(u, lifeguard.OpRecordTraining, u.OrganisationID) {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only the organisation's manager or safeguarding lead imports training.")
	}
	v := trainingImportView{CSV: dslField{ID: "training-csv", Name: "csv"}, DryRun: true, Header: trainingcsv.Header}
	return wb.render(w, r, http.StatusOK, "training_import.html", page{Title: "Import training", Nav: "training", Data: &v})
}

// importTraining checks or imports the pasted file and shows what it did.
func (wb *Web) importTraining(w http.ResponseWriter, r *http.Request) error {
	if err := parsePlainForm(w, r); err != nil {
		return err
	}
	v := trainingImportView{CSV: dslField{ID: "training-csv", Name: "csv", Value: r.PostForm.Get("csv")},
		DryRun: r.PostForm.Get("dry_run") == "yes", Header: trainingcsv.Header}
	status := http.StatusOK
	var problems []lifeguard.Problem
	lines, err := trainingcsv.Read(strings.NewReader(v.CSV.Value))
	if err == nil {
		v.Result, err = wb.cfg.Stores.Training.ImportTraining(r.Context(), lines, v.DryRun)
	}
	switch {
	case lifeguard.ErrorCode(err) == lifeguard.EINVALID:
		status = http.StatusUnprocessableEntity
		e, _ := invalidError(err)
		for _, p := range e.Problems {
			problems = append(problems, lifeguard.Problem{Path: v.CSV.ID, Problem: "The file " + p.Problem})
		}
		if len(problems) > 0 {
			v.CSV.Err = problems[0].Problem
		}
	case err != nil:
		return err
	default:
		res := v.Result
		verb := "are added"
		if v.DryRun {
			verb = "would be added"
		}
		v.Summary = strconv.Itoa(res.Added) + " courses " + verb + "; " + strconv.Itoa(res.Unchanged) + " are recorded already; " +
			strconv.Itoa(res.Bad) + " lines have problems."
		if res.Bad > 0 {
			status = http.StatusUnprocessableEntity
			v.Summary += " Nothing was imported: correct the lines below and check again."
		}
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
	}
	pg := page{Title: "Import training", Nav: "training", Data: &v, Problem: problems}
	if len(problems) > 0 {
		pg.Title += ": there is a problem"
	}
	return wb.render(w, r, status, "training_import.html", pg)
}
