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
	// FilterDays is how many days the filter's blocked attempts are
	// kept, which go each day and are not listed one by one; 0 when they
	// are kept for ever.
	FilterDays int
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
	{string(lifeguard.RetainConsent), "Parents' consents withdrawn, or whose child's record has gone", "Parent's consent"},
	{string(lifeguard.RetainTraining), "Staff training records", "Training record"},
	{string(lifeguard.RetainTeaching), "Entries of the online-safety teaching record", "Teaching entry"},
	{string(lifeguard.RetainParentContact), "Contacts with parents", "Contact with parents"},
	{string(lifeguard.RetainChildSurvey), "Surveys of children's views, with their counts", "Survey of children's views"},
	{string(lifeguard.RetainSubjectAccess), "Subject access requests answered", "Subject access request"},
	{string(lifeguard.RetainDataRequest), "Requests to correct or erase, decided", "Request to correct or erase"},
	{string(lifeguard.RetainAgreement), "Acknowledgements of superseded policy versions", "Acknowledgement of a policy"},
	{string(lifeguard.RetainPolicyVersion), "Superseded policy versions", "Superseded policy version"},
	{string(lifeguard.RetainImprovement), "Improvement actions closed", "Improvement action"},
	{string(lifeguard.RetainAudit), "Completed self-audits, with their answers and actions", "Self-audit"},
	{string(lifeguard.RetainPlanAction), "Completed actions of the action plan, with their notes and barriers", "Action of the plan"},
	{string(lifeguard.RetainUser), "Disabled staff accounts: sign-in details erased, the name kept", "Staff account"},
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

// schedule is the retention schedule the erasure job runs.
func (wb *Web) schedule() lifeguard.RetentionSchedule {
	if wb.cfg.Retention != nil {
		return *wb.cfg.Retention
	}
	return lifeguard.ShippedRetentionSchedule()
}

func (wb *Web) retentionDue(r *http.Request, disclose bool) ([]lifeguard.RetentionDue, time.Time, error) {
	until := wb.cfg.Now().Add(RetentionWindow)
	sched := wb.schedule()
	due, err := wb.cfg.Stores.Retention.RetentionDue(r.Context(), lifeguard.RetentionDueQuery{Until: until, Disclose: disclose,
		Schedule: sched})
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
		Capped: len(due) >= lifeguard.MaxRetentionDue, FilterDays: int(wb.schedule().Rule(lifeguard.RetainFilterRecord).Keep / (24 * time.Hour))}
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
