// Package api is Lifeguard's JSON API, version 1, under /api/v1. Handlers
// decode and check the request, call the stores (which enforce access from
// the actor in the context) and return an error to one renderer, which maps
// error codes to HTTP statuses in one place.
package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/procedure"
	"github.com/lifeguard-scp/lifeguard/internal/record"
)

// MaxBody bounds a request body. The largest valid concern (a description of
// 20,000 characters of 4-byte runes and every flag) is well under it.
const MaxBody = 256 << 10

// API serves /api/v1. Its stores enforce access; the API only
// authenticates (in the server's middleware) and translates.
type API struct {
	Concerns lifeguard.ConcernStore
	Children lifeguard.ChildStore
	Orgs     lifeguard.OrgStore
	Triager  lifeguard.Triager
	Filter   lifeguard.FilterStore
	Webhooks lifeguard.WebhookStore
	// Referrals are referrals to and from other agencies (referrals.go).
	Referrals lifeguard.ReferralStore
	// Calendar counts the working day by which an agency is expected to
	// decide a referral: the procedure's.
	Calendar lifeguard.WorkingDayCounter
	// Monitor keeps captures, and Scan is the phrase library that decides
	// which are kept (internal/monitor's, as a lifeguard.CaptureScanner).
	Monitor lifeguard.MonitorStore
	Scan    lifeguard.CaptureScanner
	// Audits and Plan serve the self-audit, its improvement actions and
	// the strategy action plan; Framework is the audit framework in force.
	// A server without them answers 404 on those endpoints.
	Audits    lifeguard.AuditStore
	Plan      lifeguard.PlanStore
	Framework *lifeguard.Framework
	// Policies holds the staff agreement: a user who owes its current
	// version is refused every endpoint but recording a concern and /me
	// until they acknowledge it on the pages (owesAgreement).
	Policies lifeguard.PolicyStore
	// Rights are requests about a person's data (subject_access.go);
	// without them those endpoints answer 404.
	Rights lifeguard.SubjectAccessStore
	// Consents and Training are parents' consents and staff training
	// (consents.go); a server without them answers 404 there.
	Consents lifeguard.ConsentStore
	Training lifeguard.TrainingStore
	// Directory keeps the partnership's directory and the organisations'
	// leads, and Procedure is the server's own procedure, in force while
	// no version of the directory is saved (directory.go).
	Directory lifeguard.DirectoryStore
	Procedure *procedure.Procedure
	// Prevention keeps the teaching, parents' and internet access
	// registers (prevention.go).
	Prevention lifeguard.PreventionStore
	// Retention sets, releases and lists legal holds (holds.go); a server
	// without it answers 404 there.
	Retention lifeguard.RetentionEraser
	// HashPassword turns a new user's password into the stored hash, and
	// CheckPassword says what is wrong with it; both come from the auth
	// package, so this package never sees how passwords are kept.
	HashPassword  func(string) (string, error)
	CheckPassword func(string) []lifeguard.Problem
	Logger        *slog.Logger
	Now           func() time.Time

	specOnce sync.Once
	spec     []byte
	specErr  error
}

// recorder records concerns through the API's stores and triager.
func (a *API) recorder() *record.Recorder {
	return &record.Recorder{Concerns: a.Concerns, Orgs: a.Orgs, Filter: a.Filter, Triager: a.Triager, Now: a.now}
}

// Mux is what Routes registers the API's routes on: the server's
// *http.ServeMux, or a test's list of the patterns, which checks that the
// every-role access test has a row for each (internal/api/access_test.go).
type Mux interface {
	Handle(pattern string, handler http.Handler)
	HandleFunc(pattern string, handler func(http.ResponseWriter, *http.Request))
}

// Routes registers every API route on mux. All are visible here, in one
// place, with their methods.
func (a *API) Routes(mux Mux) {
	mux.HandleFunc("GET /api/v1/openapi.json", a.openAPI)
	mux.Handle("GET /api/v1/me", a.handle(a.me))

	mux.Handle("POST /api/v1/concerns", a.handle(a.createConcern))
	mux.Handle("GET /api/v1/concerns", a.handle(a.listConcerns))
	mux.Handle("GET /api/v1/concerns/{id}", a.handle(a.getConcern))
	mux.Handle("PUT /api/v1/concerns/{id}/facts", a.handle(a.updateFacts))
	mux.Handle("POST /api/v1/concerns/{id}/decisions", a.handle(a.addDecision))
	mux.Handle("POST /api/v1/concerns/{id}/actions", a.handle(a.addAction))
	mux.Handle("POST /api/v1/concerns/{id}/actions/{action}/done", a.handle(a.completeAction))
	mux.Handle("POST /api/v1/concerns/{id}/actions/{action}/cancel", a.handle(a.cancelAction))
	mux.Handle("POST /api/v1/concerns/{id}/routes", a.handle(a.addRoute))
	mux.Handle("POST /api/v1/concerns/{id}/evidence", a.handle(a.addEvidence))
	mux.Handle("POST /api/v1/concerns/{id}/notes", a.handle(a.addNote))
	mux.Handle("POST /api/v1/concerns/{id}/close", a.handle(a.closeConcern))
	mux.Handle("PUT /api/v1/concerns/{id}/risk", a.handle(a.setRisk))
	mux.Handle("PUT /api/v1/concerns/{id}/assignment", a.handle(a.assign))
	mux.Handle("GET /api/v1/concerns/{id}/assignees", a.handle(a.assignees))

	mux.Handle("GET /api/v1/children", a.handle(a.findChildren))
	mux.Handle("POST /api/v1/children/import", a.handle(a.importChildren))
	mux.Handle("GET /api/v1/children/{id}", a.handle(a.getChild))
	mux.Handle("GET /api/v1/children/{id}/chronology", a.handle(a.chronology))

	mux.Handle("GET /api/v1/organisations", a.handle(a.organisations))
	mux.Handle("GET /api/v1/users", a.handle(a.users))
	mux.Handle("POST /api/v1/users", a.handle(a.createUser))

	// The DNS filter (docs/filter-server.md): what the filter reads and
	// sends, the policy an administrator sets, and what the organisation's
	// people read of it.
	mux.Handle("GET /api/v1/filter/policy", a.handle(a.filterPolicy))
	mux.Handle("POST /api/v1/filter/events", a.handle(a.filterEvents))
	mux.Handle("POST /api/v1/filter/reviews", a.handle(a.filterReview))
	mux.Handle("POST /api/v1/filter/worries", a.handle(a.filterWorry))
	mux.Handle("GET /api/v1/filter/organisations/{id}/policy", a.handle(a.orgFilterPolicy))
	mux.Handle("PUT /api/v1/filter/organisations/{id}/policy", a.handle(a.setFilterPolicy))
	mux.Handle("GET /api/v1/filter/alerts", a.handle(a.filterAlerts))
	mux.Handle("POST /api/v1/filter/alerts/{id}/close", a.handle(a.closeFilterAlert))
	mux.Handle("GET /api/v1/filter/reviews", a.handle(a.filterReviews))
	mux.Handle("POST /api/v1/filter/reviews/{id}/close", a.handle(a.closeFilterReview))

	// The self-audit, its improvement actions and the strategy action
	// plan (docs/audit.md); lists take ?format=csv.
	mux.Handle("GET /api/v1/framework", a.handle(a.framework))
	mux.Handle("GET /api/v1/organisations/{id}/audits", a.handle(a.orgAudits))
	mux.Handle("POST /api/v1/audits", a.handle(a.startAudit))
	mux.Handle("GET /api/v1/audits/{id}", a.handle(a.getAudit))
	mux.Handle("PUT /api/v1/audits/{id}/answers", a.handle(a.saveAnswers))
	mux.Handle("POST /api/v1/audits/{id}/complete", a.handle(a.completeAudit))
	mux.Handle("GET /api/v1/organisations/{id}/improvement-actions", a.handle(a.orgImprovements))
	mux.Handle("GET /api/v1/improvement-actions/{id}", a.handle(a.getImprovement))
	mux.Handle("PUT /api/v1/improvement-actions/{id}", a.handle(a.updateImprovement))
	mux.Handle("POST /api/v1/improvement-actions/{id}/close", a.handle(a.closeImprovement))
	mux.Handle("GET /api/v1/plan", a.handle(a.plan))
	mux.Handle("GET /api/v1/plan/actions/{id}", a.handle(a.planAction))
	mux.Handle("POST /api/v1/plan/actions/{id}/notes", a.handle(a.addProgressNote))
	mux.Handle("POST /api/v1/plan/objectives", a.handle(a.createObjective))
	mux.Handle("GET /api/v1/plan/objectives/{id}", a.handle(a.getObjective))
	mux.Handle("PUT /api/v1/plan/objectives/{id}", a.handle(a.updateObjective))
	mux.Handle("POST /api/v1/plan/objectives/{id}/actions", a.handle(a.createPlanAction))
	mux.Handle("PUT /api/v1/plan/actions/{id}", a.handle(a.updatePlanAction))
	mux.Handle("POST /api/v1/plan/actions/{id}/barriers", a.handle(a.addBarrier))
	mux.Handle("POST /api/v1/plan/barriers/{id}/escalate", a.handle(a.escalateBarrier))
	mux.Handle("POST /api/v1/plan/barriers/{id}/resolve", a.handle(a.resolveBarrier))

	// The policy library and agreements (docs/registers.md).
	mux.Handle("GET /api/v1/policies", a.handle(a.listPolicies))
	mux.Handle("POST /api/v1/policies", a.handle(a.createPolicy))
	mux.Handle("GET /api/v1/policies/{id}", a.handle(a.getPolicy))
	mux.Handle("POST /api/v1/policies/{id}/versions", a.handle(a.addPolicyVersion))
	mux.Handle("POST /api/v1/policies/{id}/adopt", a.handle(a.adoptPolicy))
	mux.Handle("GET /api/v1/policies/{id}/agreements", a.handle(a.agreementStatus))
	mux.Handle("POST /api/v1/policies/{id}/agreements", a.handle(a.recordAgreements))

	// Parents' consents and staff training (docs/registers.md).
	mux.Handle("GET /api/v1/consents", a.handle(a.listConsents))
	mux.Handle("POST /api/v1/consents", a.handle(a.recordConsents))
	mux.Handle("POST /api/v1/consents/import", a.handle(a.importConsents))
	mux.Handle("GET /api/v1/consents/class", a.handle(a.consentClass))
	mux.Handle("GET /api/v1/consents/photo-list", a.handle(a.photoList))
	mux.Handle("GET /api/v1/training", a.handle(a.listTraining))
	mux.Handle("POST /api/v1/training", a.handle(a.recordTraining))
	mux.Handle("POST /api/v1/training/import", a.handle(a.importTraining))
	mux.Handle("GET /api/v1/training/matrix", a.handle(a.trainingMatrix))
	// The partnership's directory and the organisations' leads
	// (directory.go).
	mux.Handle("GET /api/v1/directory", a.handle(a.getDirectory))
	mux.Handle("POST /api/v1/directory/preview", a.handle(a.previewDirectory))
	mux.Handle("GET /api/v1/directory/versions", a.handle(a.directoryVersions))
	mux.Handle("POST /api/v1/directory/versions", a.handle(a.saveDirectory))
	mux.Handle("GET /api/v1/directory/versions/{n}", a.handle(a.directoryVersion))
	mux.Handle("GET /api/v1/directory/leads", a.handle(a.partnershipLeads))
	mux.Handle("GET /api/v1/organisations/{id}/leads", a.handle(a.organisationLeads))
	mux.Handle("PUT /api/v1/organisations/{id}/leads", a.handle(a.setOrganisationLeads))
	// Teaching, parents and children's voice, and the internet access
	// record (prevention.go, docs/registers.md).
	mux.Handle("GET /api/v1/teaching", a.handle(a.listTeaching))
	mux.Handle("POST /api/v1/teaching", a.handle(a.createTeaching))
	mux.Handle("GET /api/v1/teaching/coverage", a.handle(a.teachingCoverage))
	mux.Handle("GET /api/v1/teaching/{id}", a.handle(a.getTeaching))
	mux.Handle("PUT /api/v1/teaching/{id}", a.handle(a.updateTeaching))
	mux.Handle("GET /api/v1/parent-contacts", a.handle(a.listParentContacts))
	mux.Handle("POST /api/v1/parent-contacts", a.handle(a.createParentContact))
	mux.Handle("GET /api/v1/parent-contacts/{id}", a.handle(a.getParentContact))
	mux.Handle("PUT /api/v1/parent-contacts/{id}", a.handle(a.updateParentContact))
	mux.Handle("GET /api/v1/child-surveys", a.handle(a.listChildSurveys))
	mux.Handle("POST /api/v1/child-surveys", a.handle(a.createChildSurvey))
	mux.Handle("GET /api/v1/internet-access", a.handle(a.accessRecord))
	mux.Handle("POST /api/v1/internet-access", a.handle(a.createAccessGroup))
	mux.Handle("PUT /api/v1/internet-access/{id}", a.handle(a.updateAccessGroup))
	mux.Handle("GET /api/v1/organisations/{id}/prevention-figures", a.handle(a.preventionFigures))

	// Webhooks that other systems receive alerts by (docs/operations.md).
	mux.Handle("POST /api/v1/monitor/captures", a.handle(a.monitorCaptures))
	mux.Handle("GET /api/v1/monitor/settings", a.handle(a.monitorSettings))

	mux.Handle("GET /api/v1/webhooks", a.handle(a.webhooks))
	mux.Handle("POST /api/v1/webhooks", a.handle(a.createWebhook))
	mux.Handle("DELETE /api/v1/webhooks/{id}", a.handle(a.removeWebhook))

	// Referrals to and from other agencies of the partnership.
	mux.Handle("POST /api/v1/concerns/{id}/referrals", a.handle(a.sendReferral))
	mux.Handle("GET /api/v1/referrals", a.handle(a.referrals))
	mux.Handle("GET /api/v1/referrals/{id}", a.handle(a.getReferral))
	mux.Handle("POST /api/v1/referrals/{id}/acknowledge", a.handle(a.acknowledgeReferral))
	mux.Handle("POST /api/v1/referrals/{id}/consider", a.handle(a.considerReferral))
	mux.Handle("POST /api/v1/referrals/{id}/answer", a.handle(a.answerReferral))
	mux.Handle("POST /api/v1/referrals/{id}/messages", a.handle(a.addReferralMessage))

	// Legal holds (issue 19, holds.go).
	mux.Handle("GET /api/v1/legal-holds", a.handle(a.legalHolds))
	mux.Handle("POST /api/v1/legal-holds", a.handle(a.setLegalHold))
	mux.Handle("POST /api/v1/legal-holds/{id}/release", a.handle(a.releaseLegalHold))

	// Anything else under /api/, the API's whole mount, answers in JSON,
	// not with the mux's text.
	// A person's requests about their data (subject_access.go).
	mux.Handle("GET /api/v1/subject-access", a.handle(a.subjectAccesses))
	mux.Handle("POST /api/v1/subject-access", a.handle(a.startSubjectAccess))
	mux.Handle("GET /api/v1/subject-access/{id}", a.handle(a.getSubjectAccess))
	mux.Handle("POST /api/v1/subject-access/{id}/extend", a.handle(a.extendSubjectAccess))
	mux.Handle("GET /api/v1/subject-access/{id}/bundle", a.handle(a.subjectAccessBundle(false)))
	mux.Handle("PUT /api/v1/subject-access/{id}/redactions", a.handle(a.setRedactions))
	mux.Handle("POST /api/v1/subject-access/{id}/disclosure", a.handle(a.subjectAccessBundle(true)))
	// A partnership-wide subject access request (partnership_access.go).
	mux.Handle("GET /api/v1/partnership-access", a.handle(a.partnershipAccesses))
	mux.Handle("POST /api/v1/partnership-access", a.handle(a.startPartnershipAccess))
	mux.Handle("GET /api/v1/partnership-access/{id}", a.handle(a.getPartnershipAccess))
	mux.Handle("GET /api/v1/partnership-access-parts", a.handle(a.partnershipAccessParts))
	mux.Handle("POST /api/v1/partnership-access-parts/{id}/answer", a.handle(a.answerPartnershipAccess))
	mux.Handle("GET /api/v1/data-requests", a.handle(a.dataRequests))
	mux.Handle("POST /api/v1/data-requests", a.handle(a.recordDataRequest))
	mux.Handle("GET /api/v1/data-requests/{id}", a.handle(a.getDataRequest))
	mux.Handle("POST /api/v1/data-requests/{id}/decision", a.handle(a.decideDataRequest))

	mux.Handle("/api/", a.handle(func(w http.ResponseWriter, r *http.Request) error {
		return lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no API endpoint %s %s.", r.Method, r.URL.Path)
	}))
}

// handlerFunc is an API handler: it writes a response or returns an error.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (a *API) handle(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := a.owesAgreement(r); err != nil {
			a.renderError(w, r, err)
			return
		}
		if err := fn(w, r); err != nil {
			a.renderError(w, r, err)
		}
	})
}

// Transport-level problems, which the domain has no code for.
var (
	errMalformed   = &httpError{status: http.StatusBadRequest, code: "malformed", msg: "The request body is not well-formed JSON."}
	errTooLarge    = &httpError{status: http.StatusRequestEntityTooLarge, code: "too_large", msg: fmt.Sprintf("The request body is larger than %d bytes.", MaxBody)}
	errContentType = &httpError{status: http.StatusUnsupportedMediaType, code: "unsupported_media_type", msg: "Send the request body as application/json."}
)

type httpError struct {
	status int
	code   string
	msg    string
}

func (e *httpError) Error() string { return e.msg }

// errorBody is the one shape of every error the API returns.
type errorBody struct {
	Error    string              `json:"error"`
	Code     string              `json:"code"`
	Problems []lifeguard.Problem `json:"problems,omitempty"`
}

// statusOf gives an error its HTTP status and body: a transport problem's
// own status, or the status of its code from lifeguard.HTTPStatus, the table
// the pages use too.
func statusOf(err error) (int, errorBody) {
	if he, ok := errors.AsType[*httpError](err); ok {
		return he.status, errorBody{Error: he.msg, Code: he.code}
	}
	body := errorBody{Error: lifeguard.ErrorMessage(err), Code: lifeguard.ErrorCode(err)}
	if le, ok := errors.AsType[*lifeguard.Error](err); ok {
		body.Problems = le.Problems
	}
	return lifeguard.HTTPStatus(err), body
}

// RenderError writes err in the API's error shape.
func RenderError(w http.ResponseWriter, logger *slog.Logger, r *http.Request, err error) {
	status, body := statusOf(err)
	if status >= 500 {
		// The cause is logged with the request id; the user sees a generic
		// message. Errors from the stores carry ids and codes, not personal
		// data, so they are safe to log.
		logger.ErrorContext(r.Context(), "request failed", slog.String("error", err.Error()), slog.Int("status", status))
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="lifeguard"`)
	}
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "5")
	}
	writeJSON(w, status, body)
}

func (a *API) renderError(w http.ResponseWriter, r *http.Request, err error) {
	RenderError(w, a.Logger, r, err)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, `{"error":"The response could not be encoded.","code":"internal"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// readBody reads a JSON request body within the size limit, after checking
// its content type, and rejects anything that is not one JSON value, or
// that holds a string that is not text (bodyTextProblem).
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	return readBodyLimit(w, r, MaxBody)
}

// readBodyLimit is readBody with a limit of its own, for the one body
// larger than a concern: an import carrying its CSV file.
func readBodyLimit(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return nil, errContentType
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, errTooLarge
		}
		return nil, fmt.Errorf("reading the request body: %w", err)
	}
	if !json.Valid(body) {
		return nil, errMalformed
	}
	if p := bodyTextProblem(body); p != nil {
		return nil, lifeguard.Invalid("invalid request", []lifeguard.Problem{*p})
	}
	return body, nil
}

// decodeInto decodes a small JSON object strictly into v: an unknown field,
// a wrong type or trailing data is a problem naming the field.
func decodeInto(w http.ResponseWriter, r *http.Request, v any) error {
	return decodeIntoLimit(w, r, v, MaxBody)
}

// decodeIntoLimit is decodeInto with a limit of its own (readBodyLimit).
func decodeIntoLimit(w http.ResponseWriter, r *http.Request, v any, limit int64) error {
	body, err := readBodyLimit(w, r, limit)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return lifeguard.Invalid("invalid request", []lifeguard.Problem{jsonProblem(err)})
	}
	if dec.More() {
		return lifeguard.Invalid("invalid request", []lifeguard.Problem{{Problem: "the body holds more than one JSON value"}})
	}
	return nil
}

// jsonProblem turns a decoding error into a problem with the field's path.
func jsonProblem(err error) lifeguard.Problem {
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		return lifeguard.Problem{Path: te.Field, Problem: fmt.Sprintf("must be a %s", jsonKind(te.Type.Kind().String()))}
	}
	msg := err.Error()
	const unknown = `json: unknown field "`
	if len(msg) > len(unknown) && msg[:len(unknown)] == unknown {
		field := msg[len(unknown) : len(msg)-1]
		return lifeguard.Problem{Path: field, Problem: "is not a known field"}
	}
	if errors.Is(err, io.EOF) {
		return lifeguard.Problem{Problem: "the body is empty; send a JSON object"}
	}
	// Other errors come from a field's own decoder, such as a date.
	return lifeguard.Problem{Problem: msg}
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "string"
	case "bool":
		return "true or false"
	case "int", "int64", "int32", "uint", "uint64":
		return "whole number"
	case "struct", "map":
		return "JSON object"
	case "slice":
		return "JSON array"
	}
	return "value of another type"
}

// pathID reads a positive integer path value such as {id}; anything else
// names no record, so it answers 404 like a missing one.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such record.")
	}
	return id, nil
}

func (a *API) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

func actor(ctx context.Context) (*lifeguard.Actor, error) {
	act := lifeguard.ActorFrom(ctx)
	if act == nil {
		return nil, lifeguard.Errorf(lifeguard.EUNAUTHORIZED, "Sign in, or send an API token as Authorization: Bearer.")
	}
	return act, nil
}
