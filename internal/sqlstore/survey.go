package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

func (p *problems) survey(in *lifeguard.NewChildSurvey, today lifeguard.Date) {
	in.Title, in.YearGroups, in.Findings = strings.TrimSpace(in.Title), strings.TrimSpace(in.YearGroups),
		strings.TrimSpace(in.Findings)
	p.text("title", in.Title, lifeguard.MaxShortText, true)
	p.pastDate("on", in.On, today, "the date the survey closed")
	p.text("year_groups", in.YearGroups, lifeguard.MaxSurveyText, true)
	p.count("respondents", in.Respondents, lifeguard.MaxRespondents)
	p.text("findings", in.Findings, lifeguard.MaxParentNotes, false)
	switch {
	case len(in.Questions) == 0:
		p.add("questions", "at least one question with its answers is required")
	case len(in.Questions) > lifeguard.MaxSurveyQuestions:
		p.add("questions", "has %d questions; the most allowed is %d", len(in.Questions), lifeguard.MaxSurveyQuestions)
	}
	for i := range in.Questions {
		q := &in.Questions[i]
		path := fmt.Sprintf("questions[%d]", i)
		q.Text = strings.TrimSpace(q.Text)
		p.text(path+".text", q.Text, lifeguard.MaxSurveyText, true)
		switch {
		case len(q.Options) < 2:
			p.add(path+".options", "needs at least two answers, each with how many chose it")
		case len(q.Options) > lifeguard.MaxSurveyOptions:
			p.add(path+".options", "has %d answers; the most allowed is %d", len(q.Options), lifeguard.MaxSurveyOptions)
		}
		total := 0
		for j := range q.Options {
			o := &q.Options[j]
			opath := fmt.Sprintf("%s.options[%d]", path, j)
			o.Text = strings.TrimSpace(o.Text)
			p.text(opath+".text", o.Text, lifeguard.MaxSurveyText, true)
			p.count(opath+".count", o.Count, lifeguard.MaxRespondents)
			total += o.Count
		}
		// A question may allow more than one answer, so the counts may sum
		// to more than the respondents, but never to more than each of
		// them choosing every answer.
		if in.Respondents >= 0 && total > in.Respondents*len(q.Options) {
			p.add(path+".options", "count %d answers, more than %d respondents could give", total, in.Respondents)
		}
	}
}

// ChildSurveys lists an organisation's surveys with their answers.
func (db *DB) ChildSurveys(ctx context.Context, organisationID int64) ([]lifeguard.ChildSurvey, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	out := []lifeguard.ChildSurvey{}
	err = db.inRead(ctx, "child surveys", func(tx *tx) error {
		org, err := preventionOrg(ctx, tx, a, lifeguard.OpReadPrevention, organisationID)
		if err != nil {
			return err
		}
		out, err = readSurveys(ctx, tx, `s.organisation_id = ?`, org)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// readSurveys reads the surveys where where holds, newest first, with
// their answers in order.
func readSurveys(ctx context.Context, tx *tx, where string, arg any) ([]lifeguard.ChildSurvey, error) {
	out := []lifeguard.ChildSurvey{}
	index := map[int64]int{}
	err := each(ctx, tx, `SELECT s.id, s.organisation_id, s.title, s.held_on, s.year_groups, s.respondents, s.findings,
		s.recorded_by, s.created_at FROM child_surveys s WHERE `+where+` ORDER BY s.held_on DESC, s.id DESC`,
		[]any{arg}, func(scan func(...any) error) error {
			var s lifeguard.ChildSurvey
			var on string
			var by sql.NullInt64
			var at int64
			if err := scan(&s.ID, &s.OrganisationID, &s.Title, &on, &s.YearGroups, &s.Respondents, &s.Findings, &by,
				&at); err != nil {
				return err
			}
			d, err := parseDay(on)
			if err != nil {
				return err
			}
			s.On, s.RecordedBy, s.CreatedAt, s.Questions = d, by.Int64, fromMicros(at), []lifeguard.SurveyQuestion{}
			index[s.ID] = len(out)
			out = append(out, s)
			return nil
		})
	if err != nil || len(out) == 0 {
		return out, err
	}
	err = each(ctx, tx, `SELECT a.survey_id, a.question_no, a.question, a.answer, a.chosen FROM child_survey_answers a
		JOIN child_surveys s ON s.id = a.survey_id WHERE `+where+` ORDER BY a.survey_id, a.question_no, a.option_no`,
		[]any{arg}, func(scan func(...any) error) error {
			var id int64
			var qn, n int
			var q, ans string
			if err := scan(&id, &qn, &q, &ans, &n); err != nil {
				return err
			}
			s := &out[index[id]]
			if len(s.Questions) < qn {
				s.Questions = append(s.Questions, lifeguard.SurveyQuestion{Text: q})
			}
			last := &s.Questions[len(s.Questions)-1]
			last.Options = append(last.Options, lifeguard.SurveyOption{Text: ans, Count: n})
			return nil
		})
	return out, err
}

// RecordChildSurvey records a survey of the actor's organisation.
func (db *DB) RecordChildSurvey(ctx context.Context, in lifeguard.NewChildSurvey) (*lifeguard.ChildSurvey, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	now := db.now()
	var out *lifeguard.ChildSurvey
	err = db.inWrite(ctx, "record child survey", func(tx *tx) error {
		org, err := preventionOrg(ctx, tx, a, lifeguard.OpKeepPrevention, 0)
		if err != nil {
			return err
		}
		var p problems
		p.survey(&in, dayOf(now))
		if err := p.err("The survey is not valid"); err != nil {
			return err
		}
		id, err := tx.insert(ctx, `INSERT INTO child_surveys (organisation_id, title, held_on, year_groups, respondents,
			findings, recorded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, org, in.Title, in.On.String(),
			in.YearGroups, in.Respondents, in.Findings, nullID(a.UserID), micros(now))
		if err != nil {
			return err
		}
		for i, q := range in.Questions {
			for j, o := range q.Options {
				if _, err := tx.exec(ctx, `INSERT INTO child_survey_answers (survey_id, question_no, question, option_no,
					answer, chosen) VALUES (?, ?, ?, ?, ?, ?)`, id, i+1, q.Text, j+1, o.Text, o.Count); err != nil {
					return err
				}
			}
		}
		list, err := readSurveys(ctx, tx, `s.id = ?`, id)
		if err != nil {
			return err
		}
		out = &list[0]
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
