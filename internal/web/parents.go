package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/export"
)

// Parents and children's voice (issue 17, item 6): the sessions and
// communications for parents, and the surveys of children kept as their
// aggregate answers. A survey's questions are typed as plain text, a
// question on one line and each answer below it as "answer = count", with
// a blank line between questions, so the page needs no script.

type parentItem struct {
	Date, Kind, Topic, Notes, EditURL string
	Reached                           int
}

type surveyAnswer struct {
	Text, Share string
	Count       int
}

type surveyQuestionItem struct {
	Text    string
	Answers []surveyAnswer
}

type surveyItem struct {
	Title, Date, YearGroups, Findings string
	Respondents                       int
	Questions                         []surveyQuestionItem
}

type parentsView struct {
	Contacts     []parentItem
	Reached      int
	Surveys      []surveyItem
	CanKeep      bool
	Form, Survey *regForm
}

func parentKindOptions() []option {
	var out []option
	for _, k := range lifeguard.ParentContactKinds() {
		out = append(out, option{Value: string(k), Label: k.Label()})
	}
	return out
}

func parentForm(action, heading, button string) *regForm {
	f := &regForm{ID: "parents", Action: action, Heading: heading, Button: button}
	return f.add(
		textField("parents", "on", "Date held or sent", 0).as("date"),
		textField("parents", "kind", "Kind", 0).choose(parentKindOptions()),
		textField("parents", "topic", "Topic", lifeguard.MaxParentTopic).hint("For example Gaming, chat and who children talk to"),
		textField("parents", "reached", "Parents and carers reached", 0).as("number").
			hint("How many attended, or were sent it; 0 if not known"),
		textField("parents", "notes", "Notes (optional)", lifeguard.MaxParentNotes).as("area"),
	)
}

func surveyForm() *regForm {
	f := &regForm{ID: "survey", Action: "/surveys", Heading: "Record a survey of children", Button: "Record the survey"}
	return f.add(
		textField("survey", "title", "Title", lifeguard.MaxShortText),
		textField("survey", "on", "Date it closed", 0).as("date"),
		textField("survey", "year_groups", "Who was asked", lifeguard.MaxSurveyText).hint("For example Years 5 and 6"),
		textField("survey", "respondents", "How many children answered", 0).as("number"),
		textField("survey", "questions", "Questions and how many gave each answer", 20000).as("area").
			hint("A question on one line, then each answer on its own line as: answer = how many. Leave a blank line "+
				"between questions. Counts only: never a child's name."),
		textField("survey", "findings", "What it tells you (optional)", lifeguard.MaxParentNotes).as("area"),
	)
}

func (wb *Web) parentsPage(w http.ResponseWriter, r *http.Request) error {
	return wb.showParents(w, r, http.StatusOK, nil, nil, nil)
}

func (wb *Web) showParents(w http.ResponseWriter, r *http.Request, status int, problems []lifeguard.Problem,
	form, survey *regForm) error {
	u := fromRequest(r).user
	if err := mustReadRegisters(u); err != nil {
		return err
	}
	ctx := r.Context()
	contacts, err := wb.cfg.Stores.Prevention.ParentContacts(ctx, 0)
	if err != nil {
		return err
	}
	surveys, err := wb.cfg.Stores.Prevention.ChildSurveys(ctx, 0)
	if err != nil {
		return err
	}
	v := parentsView{CanKeep: canKeepRegisters(u)}
	for _, c := range contacts {
		it := parentItem{Date: showDate(c.On), Kind: c.Kind.Label(), Topic: c.Topic, Notes: c.Notes, Reached: c.Reached}
		if v.CanKeep {
			it.EditURL = "/parents/" + strconv.FormatInt(c.ID, 10)
		}
		v.Reached += c.Reached
		v.Contacts = append(v.Contacts, it)
	}
	for _, s := range surveys {
		it := surveyItem{Title: s.Title, Date: showDate(s.On), YearGroups: s.YearGroups, Findings: s.Findings,
			Respondents: s.Respondents}
		for _, q := range s.Questions {
			qi := surveyQuestionItem{Text: q.Text}
			for _, o := range q.Options {
				a := surveyAnswer{Text: o.Text, Count: o.Count}
				if s.Respondents > 0 {
					a.Share = strconv.Itoa((o.Count*100+s.Respondents/2)/s.Respondents) + "%"
				}
				qi.Answers = append(qi.Answers, a)
			}
			it.Questions = append(it.Questions, qi)
		}
		v.Surveys = append(v.Surveys, it)
	}
	if v.CanKeep {
		v.Form, v.Survey = form, survey
		if v.Form == nil {
			v.Form = parentForm("/parents", "Record a session or communication for parents", "Record it")
			v.Form.field("on").set(wb.todayHere().String())
		}
		if v.Survey == nil {
			v.Survey = surveyForm()
		}
		v.Form.selectChosen()
	}
	return wb.registerPage(w, r, status, "parents.html", "Parents and children's voice", &v, problems)
}

func parentInput(f *regForm) (lifeguard.NewParentContact, error) {
	const msg = "The session or communication is not valid"
	on, err := f.date("on", msg)
	if err != nil {
		return lifeguard.NewParentContact{}, err
	}
	n, err := f.number("reached", msg)
	return lifeguard.NewParentContact{On: on, Kind: lifeguard.ParentContactKind(f.value("kind")), Topic: f.value("topic"),
		Reached: n, Notes: f.value("notes")}, err
}

func (wb *Web) recordParentContact(w http.ResponseWriter, r *http.Request) error {
	f := parentForm("/parents", "Record a session or communication for parents", "Record it")
	return wb.post(w, r, func() (saved, error) {
		f.fill(r.PostForm)
		in, err := parentInput(f)
		if err != nil {
			return saved{}, err
		}
		if _, err := wb.cfg.Stores.Prevention.RecordParentContact(r.Context(), in); err != nil {
			return saved{}, err
		}
		return saved{"Recorded: " + in.Topic + ".", "/parents"}, nil
	}, func(err error) error {
		return wb.showParents(w, r, http.StatusUnprocessableEntity, f.problems(err), f, nil)
	})
}

type registerEditView struct {
	Form    *regForm
	BackURL string
}

func (wb *Web) parentContactPage(w http.ResponseWriter, r *http.Request) error {
	id, err := idFromPath(r, "id")
	if err != nil {
		return err
	}
	c, err := wb.cfg.Stores.Prevention.ParentContact(r.Context(), id)
	if err != nil {
		return err
	}
	if !canKeepRegisters(fromRequest(r).user) {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only the organisation's manager or safeguarding lead keeps this register.")
	}
	f := parentForm(r.URL.Path, "Change the session or communication", "Save changes")
	f.field("on").set(c.On.String())
	f.field("kind").set(string(c.Kind))
	f.field("topic").set(c.Topic)
	f.field("reached").set(strconv.Itoa(c.Reached))
	f.field("notes").set(c.Notes)
	f.selectChosen()
	return wb.registerPage(w, r, http.StatusOK, "register_edit.html", "Change the session or communication",
		&registerEditView{Form: f, BackURL: "/parents"}, nil)
}

func (wb *Web) editParentContact(w http.ResponseWriter, r *http.Request) error {
	f := parentForm(r.URL.Path, "Change the session or communication", "Save changes")
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		f.fill(r.PostForm)
		in, err := parentInput(f)
		if err != nil {
			return saved{}, err
		}
		if _, err := wb.cfg.Stores.Prevention.EditParentContact(r.Context(), id, in); err != nil {
			return saved{}, err
		}
		return saved{"Saved.", "/parents"}, nil
	}, func(id int64, err error) error {
		ps := f.problems(err)
		f.selectChosen()
		return wb.registerPage(w, r, http.StatusUnprocessableEntity, "register_edit.html",
			"Change the session or communication", &registerEditView{Form: f, BackURL: "/parents"}, ps)
	})
}

// parseSurveyQuestions reads the questions field: blocks separated by
// blank lines, each a question then "answer = count" lines.
func parseSurveyQuestions(s string) ([]lifeguard.SurveyQuestion, error) {
	var out []lifeguard.SurveyQuestion
	var cur *lifeguard.SurveyQuestion
	bad := func(line int, format string, args ...any) error {
		return lifeguard.Invalid("The survey is not valid", []lifeguard.Problem{{Path: "questions",
			Problem: fmt.Sprintf("line %d: ", line) + fmt.Sprintf(format, args...)}})
	}
	for i, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
			cur = nil
		case cur == nil:
			out = append(out, lifeguard.SurveyQuestion{Text: line})
			cur = &out[len(out)-1]
		default:
			k := strings.LastIndexAny(line, "=:")
			if k < 0 {
				return nil, bad(i+1, "write the answer and how many gave it as: answer = 12")
			}
			n, err := strconv.Atoi(strings.TrimSpace(line[k+1:]))
			if err != nil {
				return nil, bad(i+1, "after the %q comes how many gave the answer, a whole number", line[k:k+1])
			}
			cur.Options = append(cur.Options, lifeguard.SurveyOption{Text: strings.TrimSpace(line[:k]), Count: n})
		}
	}
	return out, nil
}

func (wb *Web) recordSurvey(w http.ResponseWriter, r *http.Request) error {
	f := surveyForm()
	return wb.post(w, r, func() (saved, error) {
		f.fill(r.PostForm)
		const msg = "The survey is not valid"
		on, err := f.date("on", msg)
		if err != nil {
			return saved{}, err
		}
		n, err := f.number("respondents", msg)
		if err != nil {
			return saved{}, err
		}
		qs, err := parseSurveyQuestions(f.value("questions"))
		if err != nil {
			return saved{}, err
		}
		if _, err := wb.cfg.Stores.Prevention.RecordChildSurvey(r.Context(), lifeguard.NewChildSurvey{Title: f.value("title"),
			On: on, YearGroups: f.value("year_groups"), Respondents: n, Findings: f.value("findings"), Questions: qs}); err != nil {
			return saved{}, err
		}
		return saved{"The survey is recorded.", "/parents#surveys-heading"}, nil
	}, func(err error) error {
		return wb.showParents(w, r, http.StatusUnprocessableEntity, f.problems(err), nil, f)
	})
}

func (wb *Web) parentsCSV(w http.ResponseWriter, r *http.Request) error {
	list, err := wb.cfg.Stores.Prevention.ParentContacts(r.Context(), 0)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := export.ParentContacts(&buf, list); err != nil {
		return err
	}
	download(w, export.ContentType, "parents.csv", buf.Bytes())
	return nil
}

func (wb *Web) surveysCSV(w http.ResponseWriter, r *http.Request) error {
	list, err := wb.cfg.Stores.Prevention.ChildSurveys(r.Context(), 0)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := export.Surveys(&buf, list); err != nil {
		return err
	}
	download(w, export.ContentType, "surveys.csv", buf.Bytes())
	return nil
}
