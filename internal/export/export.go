// Package export writes Lifeguard's records as CSV for spreadsheets: the
// self-audits, the improvement actions, the strategy action plan and the
// prevention registers. The pages and the API both use it, so that a file
// downloaded from either reads the same.
//
// Every cell of free text is made safe for spreadsheets: a cell that
// starts with a character a spreadsheet reads as the start of a formula
// (=, +, -, @, a tab or a carriage return) is prefixed with an apostrophe,
// so that a title such as "=HYPERLINK(...)" is shown, not run.
package export

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// ContentType is what a CSV file is served as.
const ContentType = "text/csv; charset=utf-8"

// Cell makes s safe to open in a spreadsheet (see the package comment).
func Cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// writer writes rows, every cell through Cell, and keeps the first error.
type writer struct {
	cw  *csv.Writer
	err error
}

func newWriter(w io.Writer, header ...string) *writer {
	x := &writer{cw: csv.NewWriter(w)}
	x.row(header...)
	return x
}

func (x *writer) row(cells ...string) {
	if x.err != nil {
		return
	}
	safe := make([]string, len(cells))
	for i, c := range cells {
		safe[i] = Cell(c)
	}
	x.err = x.cw.Write(safe)
}

func (x *writer) done() error {
	if x.err != nil {
		return x.err
	}
	x.cw.Flush()
	return x.cw.Error()
}

func id(n int64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

func stamp(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// Audits writes one line per answer of each audit (an audit with no answer
// yet has one line of its own), with the strand scores of completed audits
// as lines whose aspect is empty.
func Audits(w io.Writer, audits []lifeguard.Audit) error {
	x := newWriter(w, "audit_id", "organisation_id", "organisation", "framework_version", "status", "started_at",
		"completed_at", "strand", "aspect_id", "level", "score", "evidence", "comment")
	for _, a := range audits {
		head := []string{id(a.ID), id(a.OrganisationID), a.OrganisationName, a.FrameworkVersion, string(a.Status),
			stamp(&a.StartedAt), stamp(a.CompletedAt)}
		if len(a.Answers) == 0 && len(a.Scores) == 0 {
			x.row(append(head, "", "", "", "", "", "")...)
		}
		for _, s := range a.Scores {
			x.row(append(head[:len(head):len(head)], s.Strand, "", "", s.String(), "", "")...)
		}
		for _, an := range a.Answers {
			x.row(append(head[:len(head):len(head)], an.Strand, an.AspectID, strconv.Itoa(int(an.Level)), "",
				an.Evidence, an.Comment)...)
		}
	}
	return x.done()
}

// Improvements writes one line per improvement action.
func Improvements(w io.Writer, acts []lifeguard.ImprovementAction) error {
	x := newWriter(w, "id", "organisation_id", "audit_id", "aspect_id", "strand", "level_found", "title", "owner",
		"due", "status", "created_at", "closed_at", "closed_by_audit", "closed_note")
	for _, a := range acts {
		x.row(id(a.ID), id(a.OrganisationID), id(a.AuditID), a.AspectID, a.Strand, strconv.Itoa(int(a.Level)),
			a.Title, a.Owner, a.Due.String(), string(a.Status), stamp(&a.CreatedAt), stamp(a.ClosedAt),
			id(a.ClosedByAudit), a.ClosedNote)
	}
	return x.done()
}

// Plan writes one line per action of the strategy action plan (an
// objective with no action the reader may see has a line of its own), with
// the number of progress notes and of barriers still open or escalated.
func Plan(w io.Writer, objectives []lifeguard.Objective) error {
	x := newWriter(w, "objective_id", "strand", "objective", "action_id", "action", "owner_organisation_id",
		"owner_organisation", "due", "rag", "progress_notes", "latest_progress", "barriers_open", "barriers_escalated")
	for _, o := range objectives {
		head := []string{id(o.ID), string(o.Strand), o.Title}
		if len(o.Actions) == 0 {
			x.row(append(head, "", "", "", "", "", "", "", "", "", "")...)
		}
		for _, a := range o.Actions {
			latest := ""
			var last lifeguard.Date
			for _, n := range a.Notes {
				if last.Before(n.On) || latest == "" {
					last, latest = n.On, n.On.String()
				}
			}
			open, esc := 0, 0
			for _, b := range a.Barriers {
				switch b.Status {
				case lifeguard.BarrierOpen:
					open++
				case lifeguard.BarrierEscalated:
					esc++
				}
			}
			x.row(append(head[:len(head):len(head)], id(a.ID), a.Title, id(a.OwnerOrgID), a.OwnerOrgName,
				a.Due.String(), string(a.RAG), strconv.Itoa(len(a.Notes)), latest, strconv.Itoa(open),
				strconv.Itoa(esc))...)
		}
	}
	return x.done()
}
