package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// The self-audit pages. A manager or safeguarding lead fills in their
// organisation's audit one strand per form, so that each post saves what
// was answered and the audit can be left and taken up again; the overview
// shows what is left and completes the audit. The organisation's page puts
// its audits side by side. The partnership reads every organisation's
// levels and scores, never the evidence or comments (the store empties
// them).

// auditsHome sends a manager or safeguarding lead to their organisation's
// audits and shows the partnership the organisations' latest scores.
func (wb *Web) auditsHome(w http.ResponseWriter, r *http.Request) error {
	u := fromRequest(r).user
	switch {
	case may(u, lifeguard.OpWorkAudit, u.OrganisationID):
		http.Redirect(w, r, orgAuditsURL(u.OrganisationID), http.StatusSeeOther)
		return nil
	case u.Role.May(lifeguard.OpReadAudit) != lifeguard.ReachPartnership:
		return lifeguard.Errorf(lifeguard.EFORBIDDEN,
			"The self-audit is for your organisation's manager, online safety lead or safeguarding lead.")
	}
	orgs, err := wb.cfg.Stores.Orgs.Organisations(r.Context())
	if err != nil {
		return err
	}
	fw := wb.cfg.Framework
	v := auditOverview{}
	for _, s := range fw.Strands {
		v.Strands = append(v.Strands, s.Title)
	}
	for _, o := range orgs {
		list, err := wb.cfg.Stores.Audits.Audits(r.Context(), o.ID)
		if err != nil {
			return err
		}
		row := overviewRow{Name: o.Name, URL: orgAuditsURL(o.ID), Kind: o.Setting.Label()}
		for i := len(list) - 1; i >= 0; i-- {
			if list[i].Status == lifeguard.AuditCompleted {
				row.Last = wb.showDay(*list[i].CompletedAt)
				row.Scores = strandCells(fw, &list[i])
				break
			}
		}
		if row.Last == "" {
			row.Scores = make([]string, len(fw.Strands))
		}
		v.Rows = append(v.Rows, row)
	}
	return wb.render(w, r, http.StatusOK, "audit_overview.html", page{Title: "Self-audits", Nav: "audit", Data: &v})
}

type auditOverview struct {
	Strands []string
	Rows    []overviewRow
}

type overviewRow struct {
	Name, URL, Kind, Last string
	Scores                []string
}

func orgAuditsURL(id int64) string { return "/organisations/" + strconv.FormatInt(id, 10) + "/audits" }
func auditURL(id int64) string     { return "/audits/" + strconv.FormatInt(id, 10) }

// strandCells is an audit's score per strand of the framework, "" where it
// has none.
func strandCells(fw *lifeguard.Framework, a *lifeguard.Audit) []string {
	out := make([]string, len(fw.Strands))
	for i, s := range fw.Strands {
		for _, sc := range a.Scores {
			if sc.Strand == s.Code {
				out[i] = sc.String()
			}
		}
	}
	return out
}

// showDay shows the date of a time in the partnership's zone.
func (wb *Web) showDay(t time.Time) string { return t.In(wb.zone()).Format("2 Jan 2006") }

// orgAudits is an organisation's audits side by side: a table of the
// framework's aspects against its audits, oldest on the left, then its
// improvement actions.
func (wb *Web) orgAudits(w http.ResponseWriter, r *http.Request) error {
	id, err := idFromPath(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	list, err := wb.cfg.Stores.Audits.Audits(ctx, id)
	if err != nil {
		return err
	}
	org, err := wb.cfg.Stores.Orgs.Organisation(ctx, id)
	if err != nil {
		return err
	}
	acts, err := wb.cfg.Stores.Audits.ImprovementActions(ctx, id)
	if err != nil {
		return err
	}
	u := fromRequest(r).user
	fw := wb.cfg.Framework
	v := orgAuditsView{Org: org.Name, CSV: "/organisations/" + strconv.FormatInt(id, 10), Mine: may(u, lifeguard.OpWorkAudit, id),
		Partnership: !u.Role.Can(lifeguard.OpReadAuditText)}
	for i := range list {
		a := &list[i]
		col := auditColumn{URL: auditURL(a.ID), Version: a.FrameworkVersion}
		if a.Status == lifeguard.AuditCompleted {
			col.Label = "Completed " + wb.showDay(*a.CompletedAt)
		} else {
			col.Label = "In progress (started " + wb.showDay(a.StartedAt) + ")"
			v.OpenURL = col.URL
		}
		v.Audits = append(v.Audits, col)
	}
	// Rows: every aspect of the framework in force, then any aspect an
	// older audit answered that the framework no longer has.
	seen := map[string]bool{}
	for _, s := range fw.Strands {
		sr := strandRows{Title: s.Code + ". " + s.Title}
		sr.Score = make([]string, len(list))
		for i := range list {
			sr.Score[i] = strandCells(fw, &list[i])[indexOfStrand(fw, s.Code)]
		}
		for _, asp := range s.Aspects {
			seen[asp.ID] = true
			if !asp.AppliesToOrg(org) && !answered(list, asp.ID) {
				continue
			}
			row := aspectRow{ID: asp.ID, Text: asp.Text, Retired: asp.Retired}
			for i := range list {
				row.Cells = append(row.Cells, levelCell(fw, &list[i], asp.ID))
			}
			sr.Rows = append(sr.Rows, row)
		}
		v.Strands = append(v.Strands, sr)
	}
	var gone strandRows
	for i := range list {
		for _, x := range list[i].Answers {
			if seen[x.AspectID] {
				continue
			}
			seen[x.AspectID] = true
			row := aspectRow{ID: x.AspectID, Text: "No longer in the framework", Retired: true}
			for j := range list {
				row.Cells = append(row.Cells, levelCell(fw, &list[j], x.AspectID))
			}
			gone.Rows = append(gone.Rows, row)
		}
	}
	if len(gone.Rows) > 0 {
		gone.Title = "Aspects no longer in the framework"
		v.Strands = append(v.Strands, gone)
	}
	today := wb.todayHere()
	for _, x := range acts {
		it := improvementItem{Aspect: x.AspectID, Text: x.Title, Owner: x.Owner, Due: showDate(x.Due),
			Level: fw.LevelName(x.Level), Open: x.Status == lifeguard.ImprovementOpen, URL: improvementURL(x.ID),
			Status: improvementStatus(x.Status)}
		it.Overdue = it.Open && x.Due.Before(today)
		v.Actions = append(v.Actions, it)
	}
	p := page{Title: "Self-audits of " + org.Name, Nav: "audit", Data: &v}
	if fl := wb.takePageFlash(w, r); fl != nil {
		p.Flash = fl.Message
	}
	return wb.render(w, r, http.StatusOK, "audits.html", p)
}

type orgAuditsView struct {
	Org         string
	CSV         string // the start of the CSV downloads' addresses
	Mine        bool
	Partnership bool
	OpenURL     string
	Audits      []auditColumn
	Strands     []strandRows
	Actions     []improvementItem
}

type auditColumn struct{ URL, Label, Version string }

type strandRows struct {
	Title string
	Score []string
	Rows  []aspectRow
}

type aspectRow struct {
	ID, Text string
	Retired  bool
	Cells    []string
}

type improvementItem struct {
	Aspect, Text, Owner, Due, Level, Status, URL string
	Open, Overdue                                bool
}

func indexOfStrand(fw *lifeguard.Framework, code string) int {
	for i, s := range fw.Strands {
		if s.Code == code {
			return i
		}
	}
	return 0
}

func answered(list []lifeguard.Audit, id string) bool {
	for i := range list {
		if _, ok := list[i].Answer(id); ok {
			return true
		}
	}
	return false
}

func levelCell(fw *lifeguard.Framework, a *lifeguard.Audit, id string) string {
	x, ok := a.Answer(id)
	if !ok {
		return ""
	}
	return strconv.Itoa(int(x.Level)) + " " + fw.LevelName(x.Level)
}

// startAudit begins a new audit of the user's organisation.
func (wb *Web) startAudit(w http.ResponseWriter, r *http.Request) error {
	return wb.post(w, r, func() (saved, error) {
		a, err := wb.cfg.Stores.Audits.StartAudit(r.Context(), wb.cfg.Framework)
		if err != nil {
			return saved{}, err
		}
		return saved{"A new audit is started. Each strand is saved when you press its button, so you can stop and come back.",
			auditURL(a.ID)}, nil
	}, nil)
}

// auditView is the audit's overview: progress per strand, and completion.
type auditView struct {
	ID        int64
	URL       string
	Org       string
	Version   string
	Done      bool
	ReadOnly  bool
	Hidden    bool // the partnership: no evidence or comments
	Rated     int
	Total     int
	Strands   []strandProgress
	Owner     dslField
	Completed string
}

type strandProgress struct {
	Code, Title, URL, Score string
	Rated, Total            int
}

func (wb *Web) auditPage(w http.ResponseWriter, r *http.Request) error {
	return wb.showAudit(w, r, http.StatusOK, nil, "")
}

// showAudit renders the overview, with the completion form's problems
// when there are some.
func (wb *Web) showAudit(w http.ResponseWriter, r *http.Request, status int, problems []lifeguard.Problem, owner string) error {
	id, err := idFromPath(r, "id")
	if err != nil {
		return err
	}
	a, org, err := wb.loadAudit(r, id)
	if err != nil {
		return err
	}
	u := fromRequest(r).user
	fw := wb.cfg.Framework
	v := auditView{ID: a.ID, URL: auditURL(a.ID), Org: a.OrganisationName, Version: a.FrameworkVersion,
		Done: a.Status == lifeguard.AuditCompleted, Hidden: !u.Role.Can(lifeguard.OpReadAuditText)}
	v.ReadOnly = v.Done || !may(u, lifeguard.OpWorkAudit, a.OrganisationID)
	if v.Done {
		v.Completed = wb.showDay(*a.CompletedAt)
	}
	for _, s := range fw.Strands {
		sp := strandProgress{Code: s.Code, Title: s.Title, URL: v.URL + "/strands/" + s.Code}
		for _, asp := range s.Aspects {
			if !asp.AppliesToOrg(org) {
				continue
			}
			sp.Total++
			if _, ok := a.Answer(asp.ID); ok {
				sp.Rated++
			}
		}
		if sp.Total == 0 {
			continue
		}
		for _, sc := range a.Scores {
			if sc.Strand == s.Code {
				sp.Score = sc.String()
			}
		}
		v.Rated, v.Total = v.Rated+sp.Rated, v.Total+sp.Total
		v.Strands = append(v.Strands, sp)
	}
	if owner == "" {
		owner = u.Name
	}
	v.Owner = dslField{ID: "complete-owner", Name: "owner", Value: owner}
	for _, p := range problems {
		if p.Path == v.Owner.ID {
			v.Owner.Err = p.Problem
		}
	}
	p := page{Title: "Self-audit of " + a.OrganisationName, Nav: "audit", Data: &v, Problem: problems}
	if len(problems) > 0 {
		p.Title = "Self-audit: there is a problem"
	}
	if fl := wb.takePageFlash(w, r); fl != nil {
		p.Flash = fl.Message
	}
	return wb.render(w, r, status, "audit.html", p)
}

// loadAudit reads an audit and the organisation it is of.
func (wb *Web) loadAudit(r *http.Request, id int64) (*lifeguard.Audit, *lifeguard.Organisation, error) {
	a, err := wb.cfg.Stores.Audits.Audit(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	org, err := wb.cfg.Stores.Orgs.Organisation(r.Context(), a.OrganisationID)
	if err != nil {
		return nil, nil, err
	}
	return a, org, nil
}

// strandView is one strand's form: each applicable aspect with its level,
// evidence and comment.
type strandView struct {
	AuditURL  string
	Action    string
	Org       string
	Code      string
	Title     string
	ReadOnly  bool
	Hidden    bool
	Levels    []lifeguard.LevelDescriptor
	Aspects   []aspectForm
	Next      string
	Prev      string
	Position  string
	NextTitle string
}

type aspectForm struct {
	ID       string
	Text     string
	Level    string // "1".."4" or ""
	LevelErr string
	Options  []levelOption
	Evidence dslField
	Comment  dslField
	Answered bool
	// Register is what the policy library says of the aspect now, and
	// Suggest the level its figures suggest (lifeguard.RegisterEvidence).
	Register, Suggest string
	// Source names the register the figures come from, when it is not
	// the policy library ("teaching register").
	Source string
}

type levelOption struct {
	ID, Name, Value, Label, Hint string
	Checked                      bool
}

func (wb *Web) auditStrand(w http.ResponseWriter, r *http.Request) error {
	return wb.showStrand(w, r, http.StatusOK, nil, nil)
}

// showStrand renders a strand's form; typed, when not nil, is what the
// user sent, shown again with problems.
func (wb *Web) showStrand(w http.ResponseWriter, r *http.Request, status int, problems []lifeguard.Problem,
	typed url.Values) error {
	id, err := idFromPath(r, "id")
	if err != nil {
		return err
	}
	fw := wb.cfg.Framework
	s, ok := fw.Strand(r.PathValue("strand"))
	if !ok {
		return errNoPage
	}
	a, org, err := wb.loadAudit(r, id)
	if err != nil {
		return err
	}
	u := fromRequest(r).user
	v := strandView{AuditURL: auditURL(a.ID), Org: a.OrganisationName, Code: s.Code, Title: s.Title,
		ReadOnly: a.Status != lifeguard.AuditInProgress || !may(u, lifeguard.OpWorkAudit, a.OrganisationID),
		Hidden:   !u.Role.Can(lifeguard.OpReadAuditText),
		Levels:   fw.Levels}
	v.Action = v.AuditURL + "/strands/" + s.Code
	// The strands that apply, for the previous and next links.
	var codes []string
	for _, x := range fw.Strands {
		for _, asp := range x.Aspects {
			if asp.AppliesToOrg(org) {
				codes = append(codes, x.Code)
				break
			}
		}
	}
	for i, c := range codes {
		if c != s.Code {
			continue
		}
		v.Position = strconv.Itoa(i+1) + " of " + strconv.Itoa(len(codes))
		if i > 0 {
			v.Prev = v.AuditURL + "/strands/" + codes[i-1]
		}
		if i+1 < len(codes) {
			v.Next = v.AuditURL + "/strands/" + codes[i+1]
			n, _ := fw.Strand(codes[i+1])
			v.NextTitle = n.Title
		}
	}
	errs := map[string]string{}
	for _, p := range problems {
		if _, seen := errs[p.Path]; !seen {
			errs[p.Path] = p.Problem
		}
	}
	for _, asp := range s.Aspects {
		if !asp.AppliesToOrg(org) {
			continue
		}
		f := aspectForm{ID: asp.ID, Text: asp.Text,
			Evidence: dslField{ID: asp.ID + "-evidence", Name: "evidence-" + asp.ID},
			Comment:  dslField{ID: asp.ID + "-comment", Name: "comment-" + asp.ID}}
		if x, ok := a.Answer(asp.ID); ok {
			f.Level, f.Evidence.Value, f.Comment.Value, f.Answered = strconv.Itoa(int(x.Level)), x.Evidence, x.Comment, true
		}
		if typed != nil {
			f.Level = typed.Get("level-" + asp.ID)
			f.Evidence.Value, f.Comment.Value = typed.Get(f.Evidence.Name), typed.Get(f.Comment.Name)
		}
		f.LevelErr = errs[asp.ID+"-level-1"]
		f.Evidence.Err, f.Comment.Err = errs[f.Evidence.ID], errs[f.Comment.ID]
		for _, d := range fw.Levels {
			val := strconv.Itoa(int(d.Level))
			f.Options = append(f.Options, levelOption{ID: asp.ID + "-level-" + val, Name: "level-" + asp.ID, Value: val,
				Label: val + " " + d.Name, Hint: d.Meaning, Checked: f.Level == val})
		}
		v.Aspects = append(v.Aspects, f)
	}
	if len(v.Aspects) == 0 {
		return lifeguard.Errorf(lifeguard.ENOTFOUND, "No aspect of this strand applies to the organisation.")
	}
	if err := wb.registerEvidence(r, org, v.Aspects); err != nil {
		return err
	}
	if err := wb.consentTrainingEvidence(r, org, v.Aspects); err != nil {
		return err
	}
	if err := wb.preventionEvidence(r, org, v.Aspects); err != nil {
		return err
	}
	p := page{Title: s.Title + ": self-audit", Nav: "audit", Data: &v, Problem: problems}
	if len(problems) > 0 {
		p.Title = s.Title + ": there is a problem"
	}
	if fl := wb.takePageFlash(w, r); fl != nil {
		p.Flash = fl.Message
	}
	return wb.render(w, r, status, "audit_strand.html", p)
}

// saveStrand saves the answers of one strand's form: every aspect given a
// level. Evidence or a comment typed without a level is kept on the form
// with a problem, never dropped.
func (wb *Web) saveStrand(w http.ResponseWriter, r *http.Request) error {
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		fw := wb.cfg.Framework
		s, ok := fw.Strand(r.PathValue("strand"))
		if !ok {
			return saved{}, errNoPage
		}
		var in []lifeguard.AnswerInput
		var problems []lifeguard.Problem
		for _, asp := range s.Aspects {
			level := strings.TrimSpace(r.PostForm.Get("level-" + asp.ID))
			evidence := strings.TrimSpace(r.PostForm.Get("evidence-" + asp.ID))
			comment := strings.TrimSpace(r.PostForm.Get("comment-" + asp.ID))
			if level == "" {
				if evidence != "" || comment != "" {
					problems = append(problems, lifeguard.Problem{Path: asp.ID + "-level-1",
						Problem: asp.ID + ": choose a level, so that what you wrote can be saved"})
				}
				continue
			}
			n, err := strconv.Atoi(level)
			if err != nil {
				n = 0 // the store names it: a level from 1 to 4
			}
			in = append(in, lifeguard.AnswerInput{AspectID: asp.ID, Level: lifeguard.Level(n), Evidence: evidence, Comment: comment})
		}
		if len(problems) == 0 {
			_, err := wb.cfg.Stores.Audits.SaveAuditAnswers(r.Context(), id, fw, in)
			if e, ok := invalidError(err); ok {
				for _, p := range e.Problems {
					problems = append(problems, answerProblem(p, in))
				}
			} else if err != nil {
				return saved{}, err
			}
		}
		if len(problems) > 0 {
			return saved{}, lifeguard.Invalid("The strand is not saved", problems)
		}
		next := auditURL(id)
		if to := r.PostForm.Get("next"); to != "" && strings.HasPrefix(to, auditURL(id)+"/strands/") {
			next = to
		}
		return saved{s.Title + ": saved.", next}, nil
	}, func(id int64, err error) error {
		e, _ := invalidError(err)
		return wb.showStrand(w, r, http.StatusUnprocessableEntity, e.Problems, r.PostForm)
	})
}

// answerProblem turns the store's answers[i].field into the form's field
// of that aspect, in words that name the aspect.
func answerProblem(p lifeguard.Problem, in []lifeguard.AnswerInput) lifeguard.Problem {
	i, field, ok := answerPath(p.Path)
	if !ok || i < 0 || i >= len(in) {
		return lifeguard.Problem{Problem: capitalise(p.String())}
	}
	id := in[i].AspectID
	switch field {
	case "evidence":
		return lifeguard.Problem{Path: id + "-evidence", Problem: id + ": evidence " + p.Problem}
	case "comment":
		return lifeguard.Problem{Path: id + "-comment", Problem: id + ": the comment " + p.Problem}
	}
	return lifeguard.Problem{Path: id + "-level-1", Problem: id + ": the level " + p.Problem}
}

// answerPath reads "answers[3].evidence" as 3 and "evidence".
func answerPath(path string) (int, string, bool) {
	rest, ok := strings.CutPrefix(path, "answers[")
	num, field, ok2 := strings.Cut(rest, "].")
	n, err := strconv.Atoi(num)
	return n, field, ok && ok2 && err == nil
}

// completeAudit scores the audit and creates its improvement actions.
func (wb *Web) completeAudit(w http.ResponseWriter, r *http.Request) error {
	var owner string
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		owner = strings.TrimSpace(r.PostForm.Get("owner"))
		res, err := wb.cfg.Stores.Audits.CompleteAudit(r.Context(), id, wb.cfg.Framework, lifeguard.AuditCompletion{Owner: owner})
		if err != nil {
			return saved{}, err
		}
		msg := "The audit is completed. "
		switch n := len(res.Created); n {
		case 0:
			msg += "No aspect is below level 3, so there are no new improvement actions."
		case 1:
			msg += "1 improvement action is added."
		default:
			msg += strconv.Itoa(n) + " improvement actions are added."
		}
		if n := len(res.Closed); n > 0 {
			msg += " " + strconv.Itoa(n) + " earlier actions are closed."
		}
		return saved{msg, orgAuditsURL(res.Audit.OrganisationID)}, nil
	}, func(id int64, err error) error {
		e, _ := invalidError(err)
		var problems []lifeguard.Problem
		for _, p := range e.Problems {
			switch {
			case p.Path == "owner":
				problems = append(problems, lifeguard.Problem{Path: "complete-owner",
					Problem: "Who owns the improvement actions " + p.Problem})
			case strings.HasPrefix(p.Path, "aspects."):
				asp := strings.TrimPrefix(p.Path, "aspects.")
				s := ""
				if a, ok := wb.cfg.Framework.Aspect(asp); ok {
					s = a.Strand
				}
				// The link goes to the strand's page, where the aspect is.
				problems = append(problems, lifeguard.Problem{Problem: "Aspect " + asp + " (strand " + s + ") has no level yet"})
			default:
				problems = append(problems, lifeguard.Problem{Problem: capitalise(p.String())})
			}
		}
		return wb.showAudit(w, r, http.StatusUnprocessableEntity, problems, owner)
	})
}

// registerEvidence puts the policy library's current figures beside the
// aspects they evidence, with the level they suggest.
func (wb *Web) registerEvidence(r *http.Request, org *lifeguard.Organisation, aspects []aspectForm) error {
	var fig *lifeguard.PolicyFigures
	today := wb.todayHere()
	for i := range aspects {
		if aspects[i].ID != lifeguard.AspectPolicy && aspects[i].ID != lifeguard.AspectAgreements {
			continue
		}
		if fig == nil {
			var err error
			if fig, err = wb.cfg.Stores.Policies.PolicyFigures(r.Context(), org.ID); err != nil {
				return err
			}
		}
		line, level, ok := fig.RegisterEvidence(aspects[i].ID, org.Setting, today)
		if !ok {
			continue
		}
		aspects[i].Register = line
		if level != 0 {
			aspects[i].Suggest = strconv.Itoa(int(level)) + " " + wb.cfg.Framework.LevelName(level)
		}
	}
	return nil
}
