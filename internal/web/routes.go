package web

import (
	"net/http"
	"strings"
)

// Routes registers every page on mux: all of them are here, in one place.
// Pages that need a signed-in user are wrapped in signedIn; every form is
// protected from cross-origin posts by the handler Handler returns.
func (wb *Web) Routes(mux *http.ServeMux) {
	mux.Handle("GET /static/{name}", wb.handle(wb.static.serve))
	mux.Handle("GET /favicon.ico", wb.handle(wb.static.favicon))
	mux.HandleFunc("GET /robots.txt", robots)
	mux.Handle("GET /{$}", wb.handle(wb.home))
	mux.Handle("GET /signin", wb.handle(wb.signInForm))
	mux.Handle("POST /signin", wb.handle(wb.signIn))
	mux.Handle("POST /signout", wb.handle(wb.signOut))
	mux.Handle("POST /signin/sso", wb.handle(wb.ssoFind))
	mux.Handle("GET /signin/sso/{id}", wb.handle(wb.ssoContinue))
	mux.Handle("POST /signin/sso/{id}", wb.handle(wb.ssoStart))
	mux.Handle("GET /signin/sso/callback", wb.handle(wb.ssoCallback))
	mux.Handle("GET /signin/second-factor", wb.verifying(wb.verifyForm))
	mux.Handle("POST /signin/second-factor", wb.verifying(wb.verify))
	mux.Handle("GET /account/second-factor", wb.enrolling(wb.enrolForm))
	mux.Handle("POST /account/second-factor", wb.enrolling(wb.enrol))
	mux.Handle("GET /agreement", wb.acknowledging(wb.agreementPage))
	mux.Handle("POST /agreement", wb.acknowledging(wb.acknowledge))
	mux.Handle("GET /account/settings", wb.signedIn(wb.settingsForm))
	mux.Handle("POST /account/settings", wb.signedIn(wb.saveSettings))
	mux.Handle("GET /account/alerts", wb.signedIn(wb.alertChoicesForm))
	mux.Handle("POST /account/alerts", wb.signedIn(wb.saveAlertPreferences))
	mux.Handle("POST /account/alerts/organisation", wb.signedIn(wb.saveOrgAlerts))
	mux.Handle("GET /account/organisation", wb.signedIn(wb.childrenForm))
	mux.Handle("POST /account/organisation", wb.signedIn(wb.saveChildren))

	// Reporting and help.
	mux.Handle("GET /report", wb.signedInOwing(wb.reportForm))
	mux.Handle("POST /report", wb.keepingReport(wb.signedInOwing(wb.reportPost)))
	mux.Handle("GET /report/{id}/done", wb.signedInOwing(wb.reportDone))
	mux.Handle("GET /my-reports", wb.signedIn(wb.myReports))
	mux.Handle("GET /help", wb.handle(wb.help))
	mux.Handle("GET /registers", wb.signedIn(wb.hubPage))

	// The safeguarding lead's work.
	mux.Handle("GET /inbox", wb.signedIn(wb.inbox))
	mux.Handle("POST /reminders/{id}/dismiss", wb.signedIn(wb.dismissReminder))
	mux.Handle("GET /concerns/{id}", wb.signedIn(wb.concernPage))
	mux.Handle("POST /concerns/{id}/decisions", wb.signedIn(wb.addDecision))
	mux.Handle("POST /concerns/{id}/actions", wb.signedIn(wb.addAction))
	mux.Handle("POST /concerns/{id}/actions/{action}/done", wb.signedIn(wb.completeAction))
	mux.Handle("POST /concerns/{id}/actions/{action}/cancel", wb.signedIn(wb.cancelAction))
	mux.Handle("POST /concerns/{id}/routes", wb.signedIn(wb.addRoute))
	mux.Handle("POST /concerns/{id}/evidence", wb.signedIn(wb.addEvidence))
	mux.Handle("POST /concerns/{id}/notes", wb.signedIn(wb.addNote))
	mux.Handle("POST /concerns/{id}/close", wb.signedIn(wb.closeConcern))
	mux.Handle("POST /concerns/{id}/risk", wb.signedIn(wb.setRisk))
	mux.Handle("POST /concerns/{id}/assignment", wb.signedIn(wb.assignConcern))
	mux.Handle("GET /concerns/{id}/facts", wb.signedIn(wb.factsForm))
	mux.Handle("POST /concerns/{id}/facts", wb.signedIn(wb.saveFacts))
	mux.Handle("GET /children", wb.signedIn(wb.childrenPage))
	mux.Handle("GET /children/search.json", wb.signedIn(wb.childSearchJSON))
	mux.Handle("GET /children/import", wb.signedIn(wb.importForm))
	mux.Handle("POST /children/import", wb.signedIn(wb.importPost))
	mux.Handle("GET /children/{id}", wb.signedIn(wb.childPage))
	mux.Handle("POST /children/{id}/transfers", wb.signedIn(wb.sendTransfer))
	mux.Handle("POST /children/{id}/merge", wb.signedIn(wb.mergeChildren))
	mux.Handle("GET /children/{id}/print", wb.signedIn(wb.chronologyPrint))
	mux.Handle("GET /children/{id}/print.css", wb.signedIn(wb.chronologyPrintCSS))
	mux.Handle("GET /children/{id}/chronology.csv", wb.signedIn(wb.chronologyCSV))
	mux.Handle("GET /transfers", wb.signedIn(wb.transfers))
	mux.Handle("POST /transfers/{id}/receive", wb.signedIn(wb.receiveTransfer))
	mux.Handle("POST /concerns/{id}/referrals", wb.signedIn(wb.sendReferral))
	mux.Handle("GET /referrals", wb.signedIn(wb.referrals))
	mux.Handle("GET /referrals/directory", wb.signedIn(wb.referralDirectory))
	mux.Handle("POST /referrals/directory", wb.signedIn(wb.setReferralReceiver))
	mux.Handle("GET /directory/procedure", wb.signedIn(wb.procedureDirectory))
	mux.Handle("POST /directory/procedure", wb.signedIn(wb.procedureDirectorySave))
	mux.Handle("POST /directory/procedure/preview", wb.signedIn(wb.procedureDirectoryPreview))
	mux.Handle("POST /directory/procedure/load", wb.signedIn(wb.procedureDirectoryLoad))
	mux.Handle("GET /directory/procedure/versions/{n}", wb.signedIn(wb.procedureDirectoryVersion))
	mux.Handle("GET /directory/procedure/export", wb.signedIn(wb.procedureDirectoryExport))
	mux.Handle("GET /directory/leads", wb.signedIn(wb.leadDirectory))
	mux.Handle("GET /directory/leads/{id}", wb.signedIn(wb.leadsForm))
	mux.Handle("POST /directory/leads/{id}", wb.signedIn(wb.saveLeads))
	mux.Handle("GET /referrals/{id}", wb.signedIn(wb.referralPage))
	mux.Handle("POST /referrals/{id}/acknowledge", wb.signedIn(wb.acknowledgeReferral))
	mux.Handle("POST /referrals/{id}/consider", wb.signedIn(wb.considerReferral))
	mux.Handle("POST /referrals/{id}/answer", wb.signedIn(wb.answerReferral))
	mux.Handle("POST /referrals/{id}/messages", wb.signedIn(wb.addReferralMessage))
	mux.Handle("GET /filter/alerts", wb.signedIn(wb.filterAlerts))
	mux.Handle("POST /filter/alerts/{id}/close", wb.signedIn(wb.closeFilterAlert))
	mux.Handle("GET /filter/reviews", wb.signedIn(wb.filterReviews))
	mux.Handle("POST /filter/reviews/{id}/close", wb.signedIn(wb.closeFilterReview))
	mux.Handle("GET /monitor/captures", wb.signedIn(wb.captures))
	mux.Handle("POST /monitor/captures/{id}/review", wb.signedIn(wb.reviewCapture))
	mux.Handle("POST /monitor/captures/{id}/concern", wb.signedIn(wb.captureConcern))
	mux.Handle("POST /monitor/captures/{id}/ignore", wb.signedIn(wb.ignoreCapture))
	mux.Handle("GET /monitor/settings", wb.signedIn(wb.monitorSettings))
	mux.Handle("POST /monitor/settings", wb.signedIn(wb.saveMonitorSettings))

	// Alert delivery and webhooks, for administrators.
	mux.Handle("GET /admin/alerts", wb.signedIn(wb.alertsPage))
	mux.Handle("POST /admin/alerts/{id}/retry", wb.signedIn(wb.retryAlert))
	mux.Handle("POST /admin/webhooks", wb.signedIn(wb.createWebhook))
	mux.Handle("POST /admin/webhooks/{id}/remove", wb.signedIn(wb.removeWebhook))
	mux.Handle("GET /admin/sign-in", wb.signedIn(wb.providersPage))
	mux.Handle("GET /admin/retention", wb.signedIn(wb.retentionPage))
	mux.Handle("GET /admin/retention.csv", wb.signedIn(wb.retentionCSV))

	// A person's requests about their data (subject_access.go, rectification.go).
	mux.Handle("GET /data-rights", wb.signedIn(wb.dataRightsPage))
	mux.Handle("GET /subject-access/new", wb.signedIn(wb.subjectAccessNew))
	mux.Handle("POST /subject-access", wb.signedIn(wb.subjectAccessCreate))
	mux.Handle("GET /subject-access/{id}", wb.signedIn(wb.subjectAccessPage))
	mux.Handle("POST /subject-access/{id}/redactions", wb.signedIn(wb.saveRedactions))
	mux.Handle("POST /subject-access/{id}/extend", wb.signedIn(wb.extendSubjectAccess))
	mux.Handle("GET /subject-access/{id}/print", wb.signedIn(wb.subjectAccessPrint))
	mux.Handle("GET /subject-access/{id}/print.css", wb.signedIn(wb.subjectAccessPrintCSS))
	mux.Handle("GET /subject-access/{id}/bundle.json", wb.signedIn(wb.subjectAccessJSON))
	// A partnership-wide request: the officer's pages and the DSL's answer (partnership_access.go).
	mux.Handle("GET /partnership-access", wb.signedIn(wb.partnershipAccessList))
	mux.Handle("GET /partnership-access/new", wb.signedIn(wb.partnershipAccessNew))
	mux.Handle("POST /partnership-access", wb.signedIn(wb.partnershipAccessCreate))
	mux.Handle("GET /partnership-access/{id}", wb.signedIn(wb.partnershipAccessPage))
	mux.Handle("GET /partnership-access/parts/{id}", wb.signedIn(wb.partnershipAskPage))
	mux.Handle("POST /partnership-access/parts/{id}", wb.signedIn(wb.partnershipAnswer))
	mux.Handle("GET /data-requests/new", wb.signedIn(wb.dataRequestNew))
	mux.Handle("POST /data-requests", wb.signedIn(wb.dataRequestCreate))
	mux.Handle("GET /data-requests/{id}", wb.signedIn(wb.dataRequestPage))
	mux.Handle("POST /data-requests/{id}/decision", wb.signedIn(wb.decideDataRequest))
	mux.Handle("GET /data-requests/{id}/letter", wb.signedIn(wb.dataRequestLetter))
	mux.Handle("POST /children/{id}/holds", wb.signedIn(wb.setChildHold))
	mux.Handle("POST /concerns/{id}/holds", wb.signedIn(wb.setConcernHold))
	mux.Handle("POST /holds/{id}/release", wb.signedIn(wb.releaseHold))
	mux.Handle("POST /admin/sign-in", wb.signedIn(wb.saveProvider))
	mux.Handle("POST /admin/sign-in/{id}/remove", wb.signedIn(wb.removeProvider))

	// The self-audit and its improvement actions.
	mux.Handle("GET /audits", wb.signedIn(wb.auditsHome))
	mux.Handle("POST /audits", wb.signedIn(wb.startAudit))
	mux.Handle("GET /audits/{id}", wb.signedIn(wb.auditPage))
	mux.Handle("POST /audits/{id}/complete", wb.signedIn(wb.completeAudit))
	mux.Handle("GET /audits/{id}/strands/{strand}", wb.signedIn(wb.auditStrand))
	mux.Handle("POST /audits/{id}/strands/{strand}", wb.signedIn(wb.saveStrand))
	mux.Handle("GET /organisations/{id}/audits", wb.signedIn(wb.orgAudits))
	mux.Handle("GET /organisations/{id}/audits.csv", wb.signedIn(wb.auditsCSV))
	mux.Handle("GET /organisations/{id}/improvements.csv", wb.signedIn(wb.improvementsCSV))
	mux.Handle("GET /improvements/{id}", wb.signedIn(wb.improvementPage))
	mux.Handle("POST /improvements/{id}", wb.signedIn(wb.updateImprovement))
	mux.Handle("POST /improvements/{id}/close", wb.signedIn(wb.closeImprovement))

	// The policy library and the agreements made under it.
	mux.Handle("GET /policies", wb.signedIn(wb.policiesHome))
	mux.Handle("POST /policies", wb.signedIn(wb.createPolicy))
	mux.Handle("GET /policies/{id}", wb.signedIn(wb.policyPage))
	mux.Handle("POST /policies/{id}/versions", wb.signedIn(wb.addPolicyVersion))
	mux.Handle("POST /policies/{id}/adopt", wb.signedIn(wb.adoptPolicy))
	mux.Handle("GET /policies/{id}/agreements", wb.signedIn(wb.agreementsPage))
	mux.Handle("POST /policies/{id}/agreements", wb.signedIn(wb.recordAgreements))
	mux.Handle("POST /policy-reminders/{id}/dismiss", wb.signedIn(wb.dismissPolicyReminder))

	// Parents' consents and staff training (consent.go, training.go).
	mux.Handle("GET /consents", wb.signedIn(wb.consentsHome))
	mux.Handle("GET /consents.csv", wb.signedIn(wb.consentsCSV))
	mux.Handle("GET /consents/photo-list.csv", wb.signedIn(wb.photoListCSV))
	mux.Handle("GET /consents/record", wb.signedIn(wb.consentRecordPage))
	mux.Handle("POST /consents/record", wb.signedIn(wb.recordConsents))
	mux.Handle("GET /consents/import", wb.signedIn(wb.consentImportPage))
	mux.Handle("POST /consents/import", wb.signedIn(wb.importConsents))
	mux.Handle("GET /consents/children/{id}", wb.signedIn(wb.consentRecordPage))
	mux.Handle("GET /training", wb.signedIn(wb.trainingPage))
	mux.Handle("POST /training", wb.signedIn(wb.recordTraining))
	mux.Handle("GET /training.csv", wb.signedIn(wb.trainingCSV))
	mux.Handle("GET /training/matrix.csv", wb.signedIn(wb.trainingMatrixCSV))
	mux.Handle("GET /training/import", wb.signedIn(wb.trainingImportPage))
	mux.Handle("POST /training/import", wb.signedIn(wb.importTraining))
	// Teaching, parents and children's voice, and the internet access
	// record (issue 17, items 5 to 7).
	mux.Handle("GET /teaching", wb.signedIn(wb.teachingPage))
	mux.Handle("POST /teaching", wb.signedIn(wb.recordTeaching))
	mux.Handle("GET /teaching.csv", wb.signedIn(wb.teachingCSV))
	mux.Handle("GET /teaching/coverage.csv", wb.signedIn(wb.coverageCSV))
	mux.Handle("GET /teaching/{id}", wb.signedIn(wb.teachingEntryPage))
	mux.Handle("POST /teaching/{id}", wb.signedIn(wb.editTeaching))
	mux.Handle("GET /parents", wb.signedIn(wb.parentsPage))
	mux.Handle("POST /parents", wb.signedIn(wb.recordParentContact))
	mux.Handle("GET /parents.csv", wb.signedIn(wb.parentsCSV))
	mux.Handle("GET /parents/{id}", wb.signedIn(wb.parentContactPage))
	mux.Handle("POST /parents/{id}", wb.signedIn(wb.editParentContact))
	mux.Handle("POST /surveys", wb.signedIn(wb.recordSurvey))
	mux.Handle("GET /surveys.csv", wb.signedIn(wb.surveysCSV))
	mux.Handle("GET /internet-access", wb.signedIn(wb.accessPage))
	mux.Handle("POST /internet-access", wb.signedIn(wb.recordAccessGroup))
	mux.Handle("GET /internet-access.csv", wb.signedIn(wb.accessCSV))
	mux.Handle("GET /internet-access/{id}", wb.signedIn(wb.accessGroupPage))
	mux.Handle("POST /internet-access/{id}", wb.signedIn(wb.editAccessGroup))

	// The partnership's strategy action plan.
	mux.Handle("GET /plan", wb.signedIn(wb.planPage))
	mux.Handle("GET /plan.csv", wb.signedIn(wb.planCSV))
	mux.Handle("POST /plan/objectives", wb.signedIn(wb.createObjective))
	mux.Handle("GET /plan/objectives/{id}", wb.signedIn(wb.objectivePage))
	mux.Handle("POST /plan/objectives/{id}", wb.signedIn(wb.updateObjective))
	mux.Handle("POST /plan/objectives/{id}/actions", wb.signedIn(wb.createPlanAction))
	mux.Handle("GET /plan/actions/{id}", wb.signedIn(wb.planActionPage))
	mux.Handle("POST /plan/actions/{id}", wb.signedIn(wb.updatePlanAction))
	mux.Handle("POST /plan/actions/{id}/notes", wb.signedIn(wb.addProgressNote))
	mux.Handle("POST /plan/actions/{id}/barriers", wb.signedIn(wb.addBarrier))
	mux.Handle("POST /plan/barriers/{id}/escalate", wb.signedIn(wb.escalateBarrier))
	mux.Handle("POST /plan/barriers/{id}/resolve", wb.signedIn(wb.resolveBarrier))

	// Reports: the board's for the partnership team, an organisation's own
	// for its safeguarding lead and manager.
	mux.Handle("GET /reports", wb.signedIn(wb.reportPage))
	mux.Handle("GET /reports/figures.csv", wb.signedIn(wb.reportCSV))
	mux.Handle("GET /reports/figures.json", wb.signedIn(wb.reportJSON))
	mux.Handle("GET /reports/page.css", wb.signedIn(wb.reportPageCSS))

	// Anything else (the API is mounted beside the pages, under /api/) is
	// a page that does not exist, or one asked with a method it does not
	// take: both answer an HTML page, not the mux's line of plain text.
	mux.Handle("/", wb.handle(func(w http.ResponseWriter, r *http.Request) error {
		if allow := allowedMethods(mux, r); len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			return errMethod
		}
		return errNoPage
	}))
}

// allowedMethods returns the methods that some route other than the
// catch-all takes for the request's path.
func allowedMethods(mux *http.ServeMux, r *http.Request) []string {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		if m == r.Method {
			continue
		}
		other := r.Clone(r.Context())
		other.Method = m
		if _, pattern := mux.Handler(other); pattern != "" && pattern != "/" {
			allow = append(allow, m)
		}
	}
	return allow
}

// Handler wraps the pages' mux with what every page needs: the session,
// and protection of forms from other sites (http.CrossOriginProtection
// refuses a non-GET request that a browser says came from elsewhere).
func (wb *Web) Handler(mux http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		wb.renderError(w, r, errCrossOrigin)
	}))
	return wb.withSession(cop.Handler(mux))
}
