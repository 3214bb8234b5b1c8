package web

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/csvsafe"
)

// The administrator's page of what falls due for erasure in the next 90
// days (issue 19): how many records of each kind, and each record's kind,
// number, organisation and date, never a name or any text. The CSV export
// lets the partnership check the list before the erasure job runs; the
// store journals it as a disclosure.

// RetentionWindow is how far ahead the page looks.
const RetentionWindow = 90 * 24 * time.Hour

type retentionKindCount struct {
	Kind  string
	Count int
}

type retentionRow struct {
	Kind, ID, Organisation, Due string
}

type retentionView struct {
	// Holds are the legal holds in force in the partnership: what each
	// covers, its basis, who set it and when, never the reason's words.
	Holds  []holdItem
	Until  string
	Counts []retentionKindCount
	Rows   []retentionRow
	Total  int
	Capped bool
}

// retentionKindLabels are the kinds as the page words them, in its order.
// label counts them, one names one record.
var retentionKindLabels = []struct{ kind, label, one string }{
	{"concern", "Concerns, with their notes, evidence, actions and decisions", "Concern"},
	{"child", "Children's records", "Child's record"},
	{"referral", "Referrals", "Referral"},
	{lifeguard.RetentionReview, "Allegations for review: pension age unknown (not erased until a person decides)",
		"Allegation for review: pension age unknown"},
	{"capture", "Monitoring captures", "Monitoring capture"},
}

func retentionKindLabel(k string) string {
	for _, l := range retentionKindLabels {
		if l.kind == k {
			return l.one
		}
	}
	return k
}

func requireRetentionAdmin(r *http.Request) error {
	if rc := fromRequest(r); rc == nil || !rc.user.Role.Can(lifeguard.OpReadRetention) {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only an administrator sees what falls due for erasure.")
	}
	return nil
}

func (wb *Web) retentionDue(r *http.Request, disclose bool) ([]lifeguard.RetentionDue, time.Time, error) {
	until := wb.cfg.Now().Add(RetentionWindow)
	due, err := wb.cfg.Stores.Retention.RetentionDue(r.Context(), lifeguard.RetentionDueQuery{Until: until, Disclose: disclose})
	return due, until, err
}

func (wb *Web) retentionPage(w http.ResponseWriter, r *http.Request) error {
	if err := requireRetentionAdmin(r); err != nil {
		return err
	}
	due, until, err := wb.retentionDue(r, false)
	if err != nil {
		return err
	}
	v := retentionView{Until: until.In(wb.zone()).Format("2 January 2006"), Total: len(due),
		Capped: len(due) >= lifeguard.MaxRetentionDue}
	counts := map[string]int{}
	for _, d := range due {
		counts[d.Kind]++
		v.Rows = append(v.Rows, retentionRow{Kind: retentionKindLabel(d.Kind), ID: strconv.FormatInt(d.ID, 10),
			Organisation: d.Organisation, Due: d.Due.In(wb.zone()).Format("2 January 2006")})
	}
	for _, l := range retentionKindLabels {
		v.Counts = append(v.Counts, retentionKindCount{Kind: l.label, Count: counts[l.kind]})
	}
	holds, err := wb.cfg.Stores.Retention.LegalHolds(r.Context(), lifeguard.LegalHoldQuery{})
	if err != nil {
		return err
	}
	for _, h := range holds {
		it := wb.holdItem(h, "")
		// The administrator opens neither record: the list says which.
		it.CoversURL, it.ReleaseAction, it.Reason = "", "", ""
		it.Covers = h.Organisation + ": " + strings.ToLower(it.Covers[:1]) + it.Covers[1:]
		v.Holds = append(v.Holds, it)
	}
	w.Header().Set("Cache-Control", "no-store")
	return wb.render(w, r, http.StatusOK, "retention.html", page{Title: "Falling due for erasure", Nav: "retention", Data: &v})
}

// retentionCSV is the same list as a CSV file, journalled as a disclosure.
func (wb *Web) retentionCSV(w http.ResponseWriter, r *http.Request) error {
	if err := requireRetentionAdmin(r); err != nil {
		return err
	}
	due, until, err := wb.retentionDue(r, true)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="erasure-due-`+until.In(wb.zone()).Format("2006-01-02")+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write([]string{"Kind", "Record", "Organisation", "Falls due"}); err != nil {
		return err
	}
	for _, d := range due {
		if err := cw.Write(csvsafe.Row([]string{d.Kind, strconv.FormatInt(d.ID, 10), d.Organisation,
			d.Due.In(wb.zone()).Format(time.DateOnly)})); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
