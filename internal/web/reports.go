package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/report"
)

// The report pages: the board report for the partnership team, and an
// organisation's own report for its safeguarding lead and manager. Both
// are built by internal/report from the store's aggregates, which the
// store gives only to those roles; the page adds charts drawn here as SVG,
// each followed by the table of its figures.

type boardView struct {
	Report   *report.Report
	From, To string
	CSVURL   string
	JSONURL  string
	// PageCSSURL is the printed report's page boxes (reportPageCSS).
	PageCSSURL string
	// Incomplete is set while the demo's history is still being added.
	Incomplete bool
	Sections   []boardSection
}

type boardSection struct {
	report.Section
	Tables []boardTable
}

type boardTable struct {
	report.Table
	Chart template.HTML
}

// reportQuery reads the period from the query string (default: the last
// six months) and the scope from the user's role.
func (wb *Web) reportQuery(r *http.Request) (lifeguard.ReportQuery, string, error) {
	u := fromRequest(r).user
	q := lifeguard.ReportQuery{}
	q.From, q.To = report.DefaultPeriod(wb.cfg.Now())
	var problems []lifeguard.Problem
	for _, f := range []struct {
		name string
		to   *lifeguard.Date
	}{{"from", &q.From}, {"to", &q.To}} {
		if v := r.URL.Query().Get(f.name); v != "" {
			d, err := lifeguard.ParseDate(v)
			if err != nil {
				problems = append(problems, lifeguard.Problem{Path: f.name, Problem: err.Error()})
				continue
			}
			*f.to = d
		}
	}
	if len(problems) > 0 {
		return q, "", lifeguard.Invalid("The report's period is not valid", problems)
	}
	scope := "All organisations of the partnership"
	switch u.Role.May(lifeguard.OpReadReport) {
	case lifeguard.ReachPartnership:
	case lifeguard.ReachOrganisation:
		q.OrganisationID = u.OrganisationID
		o, err := wb.cfg.Stores.Orgs.Organisation(r.Context(), u.OrganisationID)
		if err != nil {
			return q, "", err
		}
		scope = o.Name
	default:
		return q, "", lifeguard.Errorf(lifeguard.EFORBIDDEN,
			"Reports are for the partnership team and for each organisation's safeguarding lead and manager.")
	}
	return q, scope, nil
}

// buildReport asks the store for the counts and builds the report.
func (wb *Web) buildReport(r *http.Request) (*report.Report, error) {
	q, scope, err := wb.reportQuery(r)
	if err != nil {
		return nil, err
	}
	opt, err := wb.reportOptions(r, scope)
	if err != nil {
		return nil, err
	}
	counts, err := wb.cfg.Stores.Reports.ReportCounts(r.Context(), q)
	if err != nil {
		return nil, err
	}
	// The rule of publication the reader chose (report.Rules); Build
	// refuses any other, naming "rule".
	opt.Rule = r.URL.Query().Get("rule")
	return report.Build(counts, opt)
}

func (wb *Web) reportOptions(r *http.Request, scope string) (report.Options, error) {
	o := report.Options{Scope: scope, Now: wb.cfg.Now()}
	p, err := wb.cfg.Stores.Orgs.Partnership(r.Context(), fromRequest(r).user.PartnershipID)
	if err != nil {
		return o, err
	}
	o.Partnership = p.Name
	proc, err := wb.procedureFor(r.Context())
	if err != nil {
		return o, err
	}
	if proc != nil {
		o.RouteTitle, o.RouteUrgency = proc.RouteTitle, proc.RouteUrgency
	}
	if fw := wb.cfg.Framework; fw != nil {
		o.StrandTitle = func(code string) (string, bool) {
			if s, ok := fw.Strand(code); ok {
				return s.Title, true
			}
			return "", false
		}
	}
	return o, nil
}

// reportPageCSS serves the printed report's page boxes (report.PageCSS):
// the running header names the partnership and the period, which differ
// from report to report, and the pages' policy lets in no inline style.
// It reads no counts, so it costs what the period form costs.
func (wb *Web) reportPageCSS(w http.ResponseWriter, r *http.Request) error {
	q, scope, err := wb.reportQuery(r)
	if err != nil {
		return err
	}
	opt, err := wb.reportOptions(r, scope)
	if err != nil {
		return err
	}
	shell := &report.Report{Scope: scope, Partnership: opt.Partnership, OrganisationID: q.OrganisationID,
		From: q.From, To: q.To}
	setPageHeaders(w)
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, err = io.WriteString(w, report.PageCSS(shell))
	return err
}

func (wb *Web) reportPage(w http.ResponseWriter, r *http.Request) error {
	rep, err := wb.buildReport(r)
	if err != nil {
		return err
	}
	v := &boardView{Report: rep, From: rep.From.String(), To: rep.To.String()}
	qs := url.Values{"from": {v.From}, "to": {v.To}, "rule": {rep.Rule}}.Encode()
	v.CSVURL, v.JSONURL = "/reports/figures.csv?"+qs, "/reports/figures.json?"+qs
	v.PageCSSURL = "/reports/page.css?" + qs
	v.Incomplete = wb.cfg.DemoPending != nil && wb.cfg.DemoPending()
	for _, s := range rep.Sections {
		rs := boardSection{Section: s}
		for _, t := range s.Tables {
			rs.Tables = append(rs.Tables, boardTable{Table: t, Chart: report.Chart(t)})
		}
		v.Sections = append(v.Sections, rs)
	}
	return wb.render(w, r, http.StatusOK, "reports.html", page{Title: rep.Title, Nav: "reports", Data: v})
}

func (wb *Web) reportCSV(w http.ResponseWriter, r *http.Request) error {
	rep, err := wb.buildReport(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := report.WriteCSV(&buf, rep); err != nil {
		return err
	}
	download(w, "text/csv; charset=utf-8", fmt.Sprintf("lifeguard-report-%s-to-%s.csv", rep.From, rep.To), buf.Bytes())
	return nil
}

func (wb *Web) reportJSON(w http.ResponseWriter, r *http.Request) error {
	rep, err := wb.buildReport(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := report.WriteJSON(&buf, rep); err != nil {
		return err
	}
	download(w, "application/json", fmt.Sprintf("lifeguard-report-%s-to-%s.json", rep.From, rep.To), buf.Bytes())
	return nil
}

func download(w http.ResponseWriter, contentType, name string, body []byte) {
	setPageHeaders(w)
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(body)
}
