package export

import (
	"io"
	"strconv"

	"github.com/lifeguard-scp/lifeguard"
)

func date(d *lifeguard.Date) string {
	if d == nil {
		return ""
	}
	return d.String()
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// Consents writes one line per consent record, withdrawn ones too: the
// history a subject access or an inspector asks for. Children are named by
// id; the register holds who they are.
func Consents(w io.Writer, list []lifeguard.Consent) error {
	x := newWriter(w, "id", "child_id", "kind", "given_on", "withdrawn_on", "recorded_by", "recorded_at", "withdrawn_by", "withdrawn_at")
	for _, c := range list {
		at := c.RecordedAt
		x.row(id(c.ID), id(c.ChildID), string(c.Kind), c.GivenOn.String(), date(c.WithdrawnOn), id(c.RecordedBy),
			stamp(&at), id(c.WithdrawnBy), stamp(c.WithdrawnAt))
	}
	return x.done()
}

// PhotoList writes a class's do-not-photograph list: names and flags.
func PhotoList(w io.Writer, p *lifeguard.PhotoList) error {
	x := newWriter(w, "name", "reg_group", "do_not_photograph", "website", "social_media", "press")
	for _, e := range p.Entries {
		x.row(e.Name, e.RegGroup, yesNo(e.NoImages), yesNo(e.Website), yesNo(e.Social), yesNo(e.Press))
	}
	return x.done()
}

// Trainings writes one line per course recorded.
func Trainings(w io.Writer, list []lifeguard.Training) error {
	x := newWriter(w, "id", "user_id", "name", "type", "course", "provider", "completed_on", "expires_on")
	for _, t := range list {
		x.row(id(t.ID), id(t.UserID), t.UserName, string(t.Type), t.Course, t.Provider, t.CompletedOn.String(), t.ExpiresOn.String())
	}
	return x.done()
}

// TrainingMatrix writes one line per member of staff: their standing on
// each type of training, and the date it runs out.
func TrainingMatrix(w io.Writer, m *lifeguard.TrainingMatrix) error {
	header := []string{"user_id", "name", "role", "in_date"}
	for _, t := range m.Types {
		header = append(header, string(t), string(t)+"_expires_on")
	}
	x := newWriter(w, header...)
	for _, r := range m.Rows {
		cells := []string{strconv.FormatInt(r.UserID, 10), r.Name, string(r.Role), yesNo(r.InDate)}
		for _, c := range r.Cells {
			cells = append(cells, string(c.Status), date(c.ExpiresOn))
		}
		x.row(cells...)
	}
	return x.done()
}
