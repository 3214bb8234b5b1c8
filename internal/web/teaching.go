package web

import (
	"bytes"
	"net/http"
	"strconv"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/export"
)

// What children are taught about online safety (issue 17, item 5). The
// page shows the coverage map of a school year, a row per year group and a
// column per strand of Education for a Connected World, each gap written
// as "Not taught" (not shown by colour alone), then the year's entries and,
// for the manager and DSL, the form to record one.

type coverageCell struct {
	Taught bool
	Text   string
}

type coverageRow struct {
	Label, Stage string
	Cells        []coverageCell
	Gaps         int
}

type teachingEntryItem struct {
	Date, Term, Group, Strand, Taught, By, EditURL string
}

type teachingView struct {
	Year, PrevURL, NextURL, CSVURL, CoverageCSVURL string
	Strands                                        []string
	Rows                                           []coverageRow
	Covered, Cells                                 int
	Entries                                        []teachingEntryItem
	CanKeep                                        bool
	Form                                           *regForm
}

func yearGroupOptions() []option {
	var out []option
	for _, g := range lifeguard.YearGroups() {
		out = append(out, option{Value: g, Label: lifeguard.YearGroupLabel(g)})
	}
	return out
}

func strandOptions() []option {
	var out []option
	for _, s := range lifeguard.TeachingStrands() {
		out = append(out, option{Value: string(s), Label: s.Label()})
	}
	return out
}

func teachingForm(action, heading, button string) *regForm {
	f := &regForm{ID: "teaching", Action: action, Heading: heading, Button: button}
	return f.add(
		textField("teaching", "year_group", "Year group", 0).choose(yearGroupOptions()),
		textField("teaching", "strand", "Strand of Education for a Connected World", 0).choose(strandOptions()),
		textField("teaching", "taught_on", "Date taught", 0).as("date").hint("The term is worked out from the date."),
		textField("teaching", "taught", "What was taught", lifeguard.MaxTeachingText).as("area"),
		textField("teaching", "taught_by", "By whom, or in which subject", lifeguard.MaxTaughtBy).
			hint("For example Computing, Mrs Patel, or PSHE"),
	)
}

// schoolYearParam reads ?year=, the school year by the calendar year it
// starts in; the current school year when absent.
func (wb *Web) schoolYearParam(r *http.Request) (int, error) {
	cur := lifeguard.SchoolYearOf(wb.todayHere())
	s := r.URL.Query().Get("year")
	if s == "" {
		return cur, nil
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < 2000 || y > cur {
		return 0, lifeguard.Invalid("The school year is not valid", []lifeguard.Problem{{Path: "year",
			Problem: "must be the year a school year starts in, from 2000 to " + strconv.Itoa(cur)}})
	}
	return y, nil
}

func (wb *Web) teachingPage(w http.ResponseWriter, r *http.Request) error {
	return wb.showTeaching(w, r, http.StatusOK, nil, nil)
}

func (wb *Web) showTeaching(w http.ResponseWriter, r *http.Request, status int, problems []lifeguard.Problem,
	form *regForm) error {
	u := fromRequest(r).user
	if err := mustReadRegisters(u); err != nil {
		return err
	}
	year, err := wb.schoolYearParam(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	st := wb.cfg.Stores.Prevention
	cov, err := st.TeachingCoverage(ctx, 0, year)
	if err != nil {
		return err
	}
	entries, err := st.TeachingEntries(ctx, 0, year)
	if err != nil {
		return err
	}
	q := "?year=" + strconv.Itoa(year)
	v := teachingView{Year: lifeguard.SchoolYearLabel(year), CanKeep: canKeepRegisters(u),
		PrevURL: "/teaching?year=" + strconv.Itoa(year-1), CSVURL: "/teaching.csv" + q, CoverageCSVURL: "/teaching/coverage.csv" + q}
	if year < lifeguard.SchoolYearOf(wb.todayHere()) {
		v.NextURL = "/teaching?year=" + strconv.Itoa(year+1)
	}
	for _, s := range lifeguard.TeachingStrands() {
		v.Strands = append(v.Strands, s.Label())
	}
	for _, row := range cov.Rows {
		cr := coverageRow{Label: lifeguard.YearGroupLabel(row.YearGroup), Stage: lifeguard.KeyStage(row.YearGroup), Gaps: row.Gaps()}
		for _, c := range row.Cells {
			cell := coverageCell{Text: "Not taught"}
			if c.Entries > 0 {
				cell.Taught = true
				cell.Text = "Taught"
				if c.Entries > 1 {
					cell.Text += " ×" + strconv.Itoa(c.Entries)
				}
				cell.Text += ", last " + c.Last.In(time.UTC).Format("2 Jan")
			}
			cr.Cells = append(cr.Cells, cell)
		}
		v.Cells += len(row.Cells)
		v.Covered += len(row.Cells) - row.Gaps()
		v.Rows = append(v.Rows, cr)
	}
	for _, e := range entries {
		it := teachingEntryItem{Date: showDate(e.TaughtOn), Term: lifeguard.TermOf(e.TaughtOn),
			Group: lifeguard.YearGroupLabel(e.YearGroup), Strand: e.Strand.Label(), Taught: e.Taught, By: e.TaughtBy}
		if v.CanKeep {
			it.EditURL = "/teaching/" + strconv.FormatInt(e.ID, 10)
		}
		v.Entries = append(v.Entries, it)
	}
	if v.CanKeep {
		v.Form = form
		if v.Form == nil {
			v.Form = teachingForm("/teaching", "Record what was taught", "Record it")
			v.Form.field("taught_on").set(wb.todayHere().String())
		}
		v.Form.selectChosen()
	}
	return wb.registerPage(w, r, status, "teaching.html", "Teaching about online safety", &v, problems)
}

// teachingInput reads the form into the store's input.
func teachingInput(f *regForm) (lifeguard.NewTeaching, error) {
	on, err := f.date("taught_on", "The teaching entry is not valid")
	return lifeguard.NewTeaching{YearGroup: f.value("year_group"), Strand: lifeguard.TeachingStrand(f.value("strand")),
		TaughtOn: on, Taught: f.value("taught"), TaughtBy: f.value("taught_by")}, err
}

func (wb *Web) recordTeaching(w http.ResponseWriter, r *http.Request) error {
	f := teachingForm("/teaching", "Record what was taught", "Record it")
	return wb.post(w, r, func() (saved, error) {
		f.fill(r.PostForm)
		in, err := teachingInput(f)
		if err != nil {
			return saved{}, err
		}
		e, err := wb.cfg.Stores.Prevention.RecordTeaching(r.Context(), in)
		if err != nil {
			return saved{}, err
		}
		return saved{"Recorded: " + lifeguard.YearGroupLabel(e.YearGroup) + ", " + e.Strand.Label() + ".",
			"/teaching?year=" + strconv.Itoa(lifeguard.SchoolYearOf(e.TaughtOn))}, nil
	}, func(err error) error {
		ps := f.problems(err)
		return wb.showTeaching(w, r, http.StatusUnprocessableEntity, ps, f)
	})
}

func (wb *Web) teachingEntryPage(w http.ResponseWriter, r *http.Request) error {
	id, err := idFromPath(r, "id")
	if err != nil {
		return err
	}
	e, err := wb.cfg.Stores.Prevention.TeachingEntry(r.Context(), id)
	if err != nil {
		return err
	}
	if !canKeepRegisters(fromRequest(r).user) {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only the organisation's manager or safeguarding lead keeps this register.")
	}
	f := teachingForm(r.URL.Path, "Change the teaching entry", "Save changes")
	f.field("year_group").set(e.YearGroup)
	f.field("strand").set(string(e.Strand))
	f.field("taught_on").set(e.TaughtOn.String())
	f.field("taught").set(e.Taught)
	f.field("taught_by").set(e.TaughtBy)
	f.selectChosen()
	return wb.registerPage(w, r, http.StatusOK, "register_edit.html", "Change the teaching entry",
		&registerEditView{Form: f, BackURL: "/teaching?year=" + strconv.Itoa(lifeguard.SchoolYearOf(e.TaughtOn))}, nil)
}

func (wb *Web) editTeaching(w http.ResponseWriter, r *http.Request) error {
	f := teachingForm(r.URL.Path, "Change the teaching entry", "Save changes")
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		f.fill(r.PostForm)
		in, err := teachingInput(f)
		if err != nil {
			return saved{}, err
		}
		e, err := wb.cfg.Stores.Prevention.EditTeaching(r.Context(), id, in)
		if err != nil {
			return saved{}, err
		}
		return saved{"The teaching entry is saved.", "/teaching?year=" + strconv.Itoa(lifeguard.SchoolYearOf(e.TaughtOn))}, nil
	}, func(id int64, err error) error {
		ps := f.problems(err)
		f.selectChosen()
		return wb.registerPage(w, r, http.StatusUnprocessableEntity, "register_edit.html", "Change the teaching entry",
			&registerEditView{Form: f, BackURL: "/teaching"}, ps)
	})
}

func (wb *Web) teachingCSV(w http.ResponseWriter, r *http.Request) error {
	year, err := wb.schoolYearParam(r)
	if err != nil {
		return err
	}
	list, err := wb.cfg.Stores.Prevention.TeachingEntries(r.Context(), 0, year)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := export.Teaching(&buf, list); err != nil {
		return err
	}
	download(w, export.ContentType, "teaching-"+strconv.Itoa(year)+".csv", buf.Bytes())
	return nil
}

func (wb *Web) coverageCSV(w http.ResponseWriter, r *http.Request) error {
	year, err := wb.schoolYearParam(r)
	if err != nil {
		return err
	}
	cov, err := wb.cfg.Stores.Prevention.TeachingCoverage(r.Context(), 0, year)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := export.Coverage(&buf, cov); err != nil {
		return err
	}
	download(w, export.ContentType, "teaching-coverage-"+strconv.Itoa(year)+".csv", buf.Bytes())
	return nil
}
