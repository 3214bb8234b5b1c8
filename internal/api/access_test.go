package api_test

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/api"
)

// accessRoles are the columns of the access matrix: the fixture's roles and
// the monitor's device token.
var accessRoles = append(slices.Clone(fixtureRoles), "monitor")

// want is a row's expected statuses, in the order of accessRoles:
// none, staff, staff2, manager, dsl, dslB, partnership, admin, filter, monitor.
type want [10]int

const (
	ok, created, noContent             = http.StatusOK, http.StatusCreated, http.StatusNoContent
	unauth, forbidden, notFound, unfit = http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound,
		http.StatusUnprocessableEntity
)

// endpointRow is one endpoint of the access matrix. call gives the path
// (the route with its ids filled in) and the body of one request as role,
// making the record it acts on; succeeds says whether the row expects the
// role to succeed, so that a call that uses its record up can ask for a
// fresh one. A nil call requests the route itself with no body.
type endpointRow struct {
	method, route string
	want          want
	call          func(x *accessRecords, role string, succeeds bool) (path, body string)
	contentType   string
	after         func(x *accessRecords, r response)
}

// TestEveryRoleAgainstEveryEndpoint is the access matrix: every endpoint
// the API registers (TestEveryEndpointHasAnAccessRow), called by every
// role, answers what the access rules (access.go in the root package) and
// the stores' contract say: 401 without a token; 404 for a record beyond
// the role's reach, exactly as for one that does not exist; 403 for a
// record the role can see or whose organisation it belongs to but may not
// change, and for a list or an action its role has no rule for.
func TestEveryRoleAgainstEveryEndpoint(t *testing.T) {
	for _, eng := range engines() {
		t.Run(eng.name, func(t *testing.T) { testEveryRoleAgainstEveryEndpoint(t, eng.new(t)) })
	}
}

func testEveryRoleAgainstEveryEndpoint(t *testing.T, f *fixture) {
	sys := lifeguard.WithActor(t.Context(), lifeguard.SystemActor())
	for _, route := range []lifeguard.RouteCode{"CSC_REFERRAL", "LADO_REFERRAL"} {
		if err := f.db.SetReferralReceiver(sys, f.orgA.PartnershipID, route, f.orgB.ID); err != nil {
			t.Fatal(err)
		}
	}
	x := &accessRecords{f: f}
	for _, row := range endpointRows() {
		if row.want[0] != unauth && row.route != "/openapi.json" {
			t.Fatalf("%s %s: every endpoint but the OpenAPI document refuses a call with no token", row.method, row.route)
		}
		for i, role := range accessRoles {
			t.Run(fmt.Sprintf("%s %s as %s", row.method, row.route, role), func(t *testing.T) {
				f.t = t
				path, body := row.route, ""
				if row.call != nil {
					path, body = row.call(x, role, row.want[i] < 300)
				}
				ct := row.contentType
				if ct == "" && body != "" {
					ct = "application/json"
				}
				r := f.callWith(role, row.method, row.route, path, body, ct)
				if r.status != row.want[i] {
					t.Errorf("got %d, want %d: %s", r.status, row.want[i], r.body)
				}
				if r.status == http.StatusUnauthorized && r.header.Get("WWW-Authenticate") == "" {
					t.Error("401 without WWW-Authenticate")
				}
				if (r.status == notFound || r.status == unfit) && r.status == row.want[i] {
					f.missingAnswersAlike(row.method, row.route, path, body, ct, role, r)
				}
				if row.after != nil {
					row.after(x, r)
				}
			})
		}
	}
	f.t = t
}

// missingAnswersAlike checks that a record the role may not know exists,
// which answered r, answers exactly as a record that does not exist: the
// same call with the path's first id, or else the body's first record id
// (or a training file's address), replaced by one no record has.
func (f *fixture) missingAnswersAlike(method, route, path, body, ct, role string, r response) {
	f.t.Helper()
	segs, psegs := strings.Split(route, "/"), strings.Split(strings.SplitN(path, "?", 2)[0], "/")
	missingPath, missingBody := "", body
	for i, seg := range segs {
		if strings.HasPrefix(seg, "{") && i < len(psegs) {
			psegs[i] = "999999999"
			missingPath = strings.Join(psegs, "/")
			break
		}
	}
	if missingPath == "" {
		missingPath = path
		if ct == "text/csv" {
			missingBody = strings.Replace(body, f.users["staff"].Email, "nobody@test.example", 1)
		} else if loc := bodyID.FindStringSubmatchIndex(body); loc != nil {
			missingBody = body[:loc[2]] + "999999999" + body[loc[3]:]
		}
		if missingBody == body {
			return // about the actor's own organisation, which exists
		}
	}
	missing := f.callWith(role, method, route, missingPath, missingBody, ct)
	if missing.status != r.status || string(missing.body) != string(r.body) {
		f.t.Errorf("beyond reach: %d %s; missing: %d %s", r.status, r.body, missing.status, missing.body)
	}
}

// bodyID finds the first record id a request body names.
var bodyID = regexp.MustCompile(`"[a-z_]*_id":(\d+)`)

// TestEveryEndpointHasAnAccessRow walks the routes the API registers and
// fails for any without a row in the access matrix, so that a new endpoint
// cannot land without every role tried against it; and for any row whose
// endpoint is not registered.
func TestEveryEndpointHasAnAccessRow(t *testing.T) {
	var reg patterns
	(&api.API{}).Routes(&reg)
	rows := map[string]bool{}
	for _, row := range endpointRows() {
		key := row.method + " /api/v1" + row.route
		if rows[key] {
			t.Errorf("%s has two rows", key)
		}
		rows[key] = true
	}
	n := 0
	for _, p := range reg {
		if p == "/api/" { // the catch-all answering 404 in JSON
			continue
		}
		n++
		if !rows[p] {
			t.Errorf("%s has no row in the access matrix (TestEveryRoleAgainstEveryEndpoint)", p)
		}
		delete(rows, p)
	}
	for key := range rows {
		t.Errorf("the access matrix has a row for %s, which the API does not register", key)
	}
	if n == 0 {
		t.Error("the walk found no routes")
	}
}

// patterns records the patterns the API registers (api.Mux).
type patterns []string

func (p *patterns) Handle(pattern string, _ http.Handler) { *p = append(*p, pattern) }
func (p *patterns) HandleFunc(pattern string, _ func(http.ResponseWriter, *http.Request)) {
	*p = append(*p, pattern)
}

// Helpers building a row's call.

// path calls the route at a fixed path with a fixed body.
func path(p, body string) func(*accessRecords, string, bool) (string, string) {
	return func(*accessRecords, string, bool) (string, string) { return p, body }
}

// withBody calls the route itself with the body body makes.
func withBody(route string, body func(x *accessRecords) string) func(*accessRecords, string, bool) (string, string) {
	return func(x *accessRecords, _ string, _ bool) (string, string) { return route, body(x) }
}

// atConcern calls the route on a fresh concern staff reported in school A.
func atConcern(route, body string) func(*accessRecords, string, bool) (string, string) {
	return func(x *accessRecords, _ string, _ bool) (string, string) {
		id, _ := x.concern()
		return on(route, id), body
	}
}

// atChild calls the route on the child of a fresh concern of school A.
func atChild(route string) func(*accessRecords, string, bool) (string, string) {
	return func(x *accessRecords, _ string, _ bool) (string, string) {
		_, child := x.concern()
		return on(route, child), ""
	}
}

// at calls the route on the record id gives, with body.
func at(route string, id func(x *accessRecords, succeeds bool) int64, body string) func(*accessRecords, string, bool) (string, string) {
	return func(x *accessRecords, _ string, succeeds bool) (string, string) {
		return on(route, id(x, succeeds)), body
	}
}

// orgA calls the route on school A.
func orgA(route, body string) func(*accessRecords, string, bool) (string, string) {
	return func(x *accessRecords, _ string, _ bool) (string, string) { return on(route, x.f.orgA.ID), body }
}

func endpointRows() []endpointRow {
	// The concern's own action, added by its DSL, for the rows that
	// complete or cancel one.
	atAction := func(suffix, body string) func(*accessRecords, string, bool) (string, string) {
		return func(x *accessRecords, _ string, _ bool) (string, string) {
			concern, _ := x.concern()
			r := x.must("dsl", "POST", "/concerns/{id}/actions", on("/concerns/{id}/actions", concern),
				`{"title":"Check in","owner":"Head of year","due":"2099-12-01"}`, http.StatusCreated)
			return fmt.Sprintf("/concerns/%d/actions/%d/%s", concern, x.idOf(r), suffix), body
		}
	}
	users := 0
	return []endpointRow{
		{"GET", "/openapi.json", want{ok, ok, ok, ok, ok, ok, ok, ok, ok, ok}, nil, "", nil},
		{"GET", "/me", want{unauth, ok, ok, ok, ok, ok, ok, ok, ok, ok}, nil, "", nil},

		// Concerns: the reporter reads theirs and adds to it; its
		// organisation's DSL works it; to anyone else it does not exist.
		{"POST", "/concerns", want{unauth, created, created, created, created, created, forbidden, forbidden, forbidden, forbidden},
			path("/concerns", grooming), "", nil},
		{"GET", "/concerns", want{unauth, ok, ok, ok, ok, ok, forbidden, forbidden, forbidden, forbidden}, nil, "", nil},
		{"GET", "/concerns/{id}", want{unauth, ok, notFound, notFound, ok, notFound, notFound, notFound, notFound, notFound},
			atConcern("/concerns/{id}", ""), "", nil},
		{"PUT", "/concerns/{id}/facts", want{unauth, forbidden, notFound, notFound, ok, notFound, notFound, notFound, notFound, notFound},
			atConcern("/concerns/{id}/facts", grooming), "", nil},
		{"POST", "/concerns/{id}/decisions", want{unauth, forbidden, notFound, notFound, created, notFound, notFound, notFound, notFound, notFound},
			atConcern("/concerns/{id}/decisions", `{"route":"CEOP_REPORT","decision":"done","reference":"CEOP-1"}`), "", nil},
		{"POST", "/concerns/{id}/actions", want{unauth, forbidden, notFound, notFound, created, notFound, notFound, notFound, notFound, notFound},
			atConcern("/concerns/{id}/actions", `{"title":"Check in","owner":"Head of year","due":"2099-12-01"}`), "", nil},
		{"POST", "/concerns/{id}/actions/{action}/done", want{unauth, forbidden, notFound, notFound, ok, notFound, notFound, notFound, notFound, notFound},
			atAction("done", ""), "", nil},
		{"POST", "/concerns/{id}/actions/{action}/cancel", want{unauth, forbidden, notFound, notFound, ok, notFound, notFound, notFound, notFound, notFound},
			atAction("cancel", `{"reason":"The club closed."}`), "", nil},
		{"POST", "/concerns/{id}/routes", want{unauth, forbidden, notFound, notFound, created, notFound, notFound, notFound, notFound, notFound},
			atConcern("/concerns/{id}/routes", `{"route":"LADO_REFERRAL","reason":"The adult works at the club."}`), "", nil},
		{"POST", "/concerns/{id}/evidence", want{unauth, created, notFound, notFound, created, notFound, notFound, notFound, notFound, notFound},
			atConcern("/concerns/{id}/evidence", `{"what":"Screenshots of the chat","location":"Safeguarding drive","held_by":"DSL"}`), "", nil},
		{"POST", "/concerns/{id}/notes", want{unauth, created, notFound, notFound, created, notFound, notFound, notFound, notFound, notFound},
			atConcern("/concerns/{id}/notes", `{"text":"Spoke with the child."}`), "", nil},
		{"POST", "/concerns/{id}/close", want{unauth, forbidden, notFound, notFound, ok, notFound, notFound, notFound, notFound, notFound},
			atConcern("/concerns/{id}/close", `{"codes":["referred_police","referred_other"],"summary":"Referred to the police and CEOP.","close_anyway":"The rest is with the police."}`), "", nil},
		{"PUT", "/concerns/{id}/risk", want{unauth, forbidden, notFound, notFound, ok, notFound, notFound, notFound, notFound, notFound},
			atConcern("/concerns/{id}/risk", `{"risk_level":"high"}`), "", nil},
		{"PUT", "/concerns/{id}/assignment", want{unauth, forbidden, notFound, notFound, ok, notFound, notFound, notFound, notFound, notFound},
			func(x *accessRecords, _ string, _ bool) (string, string) {
				id, _ := x.concern()
				return on("/concerns/{id}/assignment", id), fmt.Sprintf(`{"assigned_to":%d}`, x.f.users["dsl"].ID)
			}, "", nil},
		{"GET", "/concerns/{id}/assignees", want{unauth, forbidden, notFound, notFound, ok, notFound, notFound, notFound, notFound, notFound},
			atConcern("/concerns/{id}/assignees", ""), "", nil},
		// Referrals (OpSendReferral, OpReadReferral, OpAnswerReferral): the
		// DSLs of the sending school (A) and the receiving one (B) only;
		// the two schools' other roles are refused (403, the store's
		// contract in access_referral.go), everyone else does not see it;
		// acknowledging, considering and answering are the receiver's.
		{"POST", "/concerns/{id}/referrals", want{unauth, forbidden, notFound, notFound, created, notFound, notFound, notFound, notFound, notFound},
			atConcern("/concerns/{id}/referrals", `{"route":"CSC_REFERRAL","parts":{"words":true,"child":true}}`), "", nil},
		{"GET", "/referrals", want{unauth, forbidden, forbidden, forbidden, ok, ok, forbidden, forbidden, forbidden, forbidden}, nil, "", nil},
		{"GET", "/referrals/{id}", want{unauth, forbidden, forbidden, forbidden, ok, ok, notFound, notFound, forbidden, forbidden},
			at("/referrals/{id}", func(x *accessRecords, _ bool) int64 { return x.aReferral() }, ""), "", nil},
		{"POST", "/referrals/{id}/acknowledge", want{unauth, forbidden, forbidden, forbidden, forbidden, ok, notFound, notFound, forbidden, forbidden},
			at("/referrals/{id}/acknowledge", func(x *accessRecords, _ bool) int64 { return x.sendReferral("CSC_REFERRAL") }, ""), "", nil},
		{"POST", "/referrals/{id}/consider", want{unauth, forbidden, forbidden, forbidden, forbidden, ok, notFound, notFound, forbidden, forbidden},
			at("/referrals/{id}/consider", func(x *accessRecords, _ bool) int64 { return x.sendReferral("LADO_REFERRAL") }, `{"harm_threshold_met":true}`), "", nil},
		{"POST", "/referrals/{id}/answer", want{unauth, forbidden, forbidden, forbidden, forbidden, ok, notFound, notFound, forbidden, forbidden},
			at("/referrals/{id}/answer", func(x *accessRecords, _ bool) int64 { return x.sendReferral("CSC_REFERRAL") }, `{"outcome":"section_47","note":"Strategy discussion today."}`), "", nil},
		{"POST", "/referrals/{id}/messages", want{unauth, forbidden, forbidden, forbidden, created, created, notFound, notFound, forbidden, forbidden},
			func(x *accessRecords, role string, _ bool) (string, string) {
				id := x.sendReferral("CSC_REFERRAL")
				if role != "dsl" {
					return on("/referrals/{id}/messages", id), `{"kind":"request","text":"Which year is she in?"}`
				}
				// The referrer replies to the receiver's request.
				x.must("dslB", "POST", "/referrals/{id}/messages", on("/referrals/{id}/messages", id),
					`{"kind":"request","text":"Which year is she in?"}`, http.StatusCreated)
				return on("/referrals/{id}/messages", id), `{"kind":"reply","text":"Year 7."}`
			}, "", nil},

		// Children: staff and managers find them by reference; only the
		// DSL reads the record; no one outside the school knows it.
		{"GET", "/children", want{unauth, ok, ok, ok, ok, ok, forbidden, forbidden, forbidden, forbidden}, path("/children?ref=C", ""), "", nil},
		{"POST", "/children/import", want{unauth, forbidden, forbidden, ok, ok, ok, forbidden, forbidden, forbidden, forbidden},
			path("/children/import", `{"csv":"UPN,Surname,Forename\nB801200005001,Quill,Ada\n","dry_run":true}`), "", nil},
		{"GET", "/children/{id}", want{unauth, forbidden, forbidden, forbidden, ok, notFound, notFound, notFound, notFound, notFound},
			atChild("/children/{id}"), "", nil},
		{"GET", "/children/{id}/chronology", want{unauth, forbidden, forbidden, forbidden, ok, notFound, notFound, notFound, notFound, notFound},
			atChild("/children/{id}/chronology"), "", nil},

		// Legal holds (OpSetLegalHold, OpReadLegalHolds): the DSL sets and
		// releases them; the DSLs and the administrator list them.
		{"POST", "/legal-holds", want{unauth, forbidden, forbidden, forbidden, created, notFound, forbidden, forbidden, forbidden, forbidden},
			func(x *accessRecords, _ string, _ bool) (string, string) {
				concern, _ := x.concern()
				return "/legal-holds", fmt.Sprintf(`{"concern_id":%d,"basis":"police_investigation","reason":"Police ref 1."}`, concern)
			}, "", nil},
		{"GET", "/legal-holds", want{unauth, forbidden, forbidden, forbidden, ok, ok, forbidden, ok, forbidden, forbidden}, nil, "", nil},
		{"POST", "/legal-holds/{id}/release", want{unauth, forbidden, forbidden, forbidden, noContent, notFound, forbidden, forbidden, forbidden, forbidden},
			at("/legal-holds/{id}/release", func(x *accessRecords, _ bool) int64 { return x.hold() }, ""), "", nil},

		// Organisations and users.
		{"GET", "/organisations", want{unauth, ok, ok, ok, ok, ok, ok, ok, ok, ok}, nil, "", nil},
		{"GET", "/users", want{unauth, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, ok, forbidden, forbidden}, nil, "", nil},
		{"POST", "/users", want{unauth, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, created, forbidden, forbidden},
			func(x *accessRecords, _ string, _ bool) (string, string) {
				users++
				return "/users", fmt.Sprintf(`{"email":"new%d@test.example","name":"New","role":"staff","organisation_id":%d,"password":"a long enough passphrase"}`, users, x.f.orgA.ID)
			}, "", nil},

		// The DNS filter: its own account sends; the administrator sets the
		// policy; the school's DSL works the alerts.
		{"GET", "/filter/policy", want{unauth, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, notFound, ok, forbidden}, nil, "", nil},
		{"GET", "/filter/organisations/{id}/policy", want{unauth, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, ok, ok, forbidden},
			orgA("/filter/organisations/{id}/policy", ""), "", nil},
		{"PUT", "/filter/organisations/{id}/policy", want{unauth, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, ok, forbidden, forbidden},
			orgA("/filter/organisations/{id}/policy", `{"groups":{}}`), "", nil},
		{"POST", "/filter/events", want{unauth, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, ok, forbidden},
			withBody("/filter/events", func(x *accessRecords) string {
				return fmt.Sprintf(`{"events":[{"id":%q,"time":"2026-03-02T10:00:00Z","client":"10.0.0.7","group":"secondary","name":"bet.example","category":"gambling"}]}`, x.uuid())
			}), "", nil},
		{"POST", "/filter/reviews", want{unauth, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, created, forbidden},
			withBody("/filter/reviews", func(x *accessRecords) string {
				return fmt.Sprintf(`{"id":%q,"time":"2026-03-02T10:00:00Z","client":"10.0.0.7","group":"secondary","name":"chess.example","category":"games","comment":"For the chess club."}`, x.uuid())
			}), "", nil},
		{"POST", "/filter/worries", want{unauth, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, created, forbidden},
			withBody("/filter/worries", func(x *accessRecords) string {
				return fmt.Sprintf(`{"id":%q,"time":"2026-03-02T10:00:00Z","client":"10.0.0.7","group":"secondary","name":"chat.example","category":"chat","text":"Someone keeps messaging me."}`, x.uuid())
			}), "", nil},
		{"GET", "/filter/alerts", want{unauth, forbidden, forbidden, forbidden, ok, ok, forbidden, forbidden, forbidden, forbidden}, nil, "", nil},
		{"POST", "/filter/alerts/{id}/close", want{unauth, forbidden, forbidden, forbidden, ok, notFound, notFound, notFound, forbidden, forbidden},
			at("/filter/alerts/{id}/close", func(x *accessRecords, _ bool) int64 { return x.f.alert(x.uuid()) }, ""), "", nil},
		{"GET", "/filter/reviews", want{unauth, forbidden, forbidden, ok, ok, ok, forbidden, ok, forbidden, forbidden}, nil, "", nil},
		{"POST", "/filter/reviews/{id}/close", want{unauth, forbidden, forbidden, ok, ok, notFound, forbidden, ok, forbidden, forbidden},
			at("/filter/reviews/{id}/close", func(x *accessRecords, _ bool) int64 { return x.f.review(x.uuid()) }, `{"outcome":"Allowed for the chess club."}`), "", nil},

		// Monitoring: the monitor's token sends captures and reads its
		// settings, which the school's DSL and manager keep.
		{"POST", "/monitor/captures", want{unauth, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, ok},
			withBody("/monitor/captures", func(x *accessRecords) string { return captureBody(x.next(), "chat.example.org", "nobody likes you") }), "", nil},
		{"GET", "/monitor/settings", want{unauth, forbidden, forbidden, ok, ok, ok, forbidden, forbidden, forbidden, ok}, nil, "", nil},

		// Webhooks: the administrator's.
		{"GET", "/webhooks", want{unauth, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, ok, forbidden, forbidden}, nil, "", nil},
		{"POST", "/webhooks", want{unauth, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, created, forbidden, forbidden},
			path("/webhooks", `{"url":"https://hooks.example.org/","events":["new_concern"]}`), "", nil},
		{"DELETE", "/webhooks/{id}", want{unauth, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, noContent, forbidden, forbidden},
			at("/webhooks/{id}", func(x *accessRecords, _ bool) int64 {
				w, err := x.f.db.CreateWebhook(x.f.as("admin"), lifeguard.NewWebhook{URL: "https://hooks.example.org/", Events: lifeguard.WebhookEvents()})
				if err != nil {
					x.f.t.Fatal(err)
				}
				return w.ID
			}, ""), "", nil},

		// The self-audit (OpReadAudit, OpWorkAudit): school A's manager
		// and DSL fill it in, the partnership reads it; A's other roles
		// are refused it (403), everyone else does not see it (404).
		{"GET", "/framework", want{unauth, ok, ok, ok, ok, ok, ok, ok, ok, ok}, nil, "", nil},
		{"GET", "/organisations/{id}/audits", want{unauth, forbidden, forbidden, ok, ok, notFound, ok, notFound, forbidden, forbidden},
			orgA("/organisations/{id}/audits", ""), "", nil},
		{"POST", "/audits", want{unauth, forbidden, forbidden, created, created, created, forbidden, forbidden, forbidden, forbidden},
			func(x *accessRecords, _ string, succeeds bool) (string, string) {
				if succeeds {
					x.finishOpenAudit() // one audit in progress at a time
				}
				return "/audits", ""
			}, "", func(x *accessRecords, r response) {
				var au lifeguard.Audit
				if r.status == created {
					r.decode(x.f.t, &au)
				}
				if au.OrganisationID == x.f.orgA.ID {
					x.openAudit = au.ID
				}
			}},
		{"GET", "/audits/{id}", want{unauth, forbidden, forbidden, ok, ok, notFound, ok, notFound, forbidden, forbidden},
			at("/audits/{id}", func(x *accessRecords, _ bool) int64 { return x.completedAudit(false).Audit.ID }, ""), "", nil},
		{"PUT", "/audits/{id}/answers", want{unauth, forbidden, forbidden, ok, ok, notFound, forbidden, notFound, forbidden, forbidden},
			at("/audits/{id}/answers", func(x *accessRecords, _ bool) int64 { return x.inProgressAudit() }, `{"answers":[{"aspect_id":"L1","level":2}]}`), "", nil},
		{"GET", "/organisations/{id}/improvement-actions", want{unauth, forbidden, forbidden, ok, ok, notFound, ok, notFound, forbidden, forbidden},
			orgA("/organisations/{id}/improvement-actions", ""), "", nil},
		{"GET", "/improvement-actions/{id}", want{unauth, forbidden, forbidden, ok, ok, notFound, ok, notFound, forbidden, forbidden},
			at("/improvement-actions/{id}", func(x *accessRecords, _ bool) int64 { return x.completedAudit(false).Created[0].ID }, ""), "", nil},
		{"PUT", "/improvement-actions/{id}", want{unauth, forbidden, forbidden, ok, ok, notFound, forbidden, notFound, forbidden, forbidden},
			at("/improvement-actions/{id}", func(x *accessRecords, succeeds bool) int64 { return x.completedAudit(succeeds).Created[0].ID },
				`{"title":"Write the policy","owner":"Deputy","due":"2099-01-31"}`), "", nil},
		{"POST", "/improvement-actions/{id}/close", want{unauth, forbidden, forbidden, ok, ok, notFound, forbidden, notFound, forbidden, forbidden},
			at("/improvement-actions/{id}/close", func(x *accessRecords, succeeds bool) int64 { return x.completedAudit(succeeds).Created[0].ID },
				`{"note":"Done"}`), "", nil},
		{"POST", "/audits/{id}/complete", want{unauth, forbidden, forbidden, ok, ok, notFound, forbidden, notFound, forbidden, forbidden},
			func(x *accessRecords, _ string, succeeds bool) (string, string) {
				id := x.inProgressAudit()
				if succeeds {
					id = x.answerAll()
				}
				return on("/audits/{id}/complete", id), `{"owner":"Head"}`
			}, "", func(x *accessRecords, r response) {
				if r.status == ok { // completing supersedes the open actions
					x.openAudit, x.audit = 0, nil
				}
			}},

		// The strategy action plan (OpReadPlan, OpChangePlan): everyone
		// but the monitor reads it; the owning school's people read its
		// action and add progress notes; the officer keeps the plan. An
		// objective is seen by the officer and by the schools owning one
		// of its actions (school B and the partnership team own none), as
		// plan.go's contract says; the monitor has no rule for the plan.
		{"GET", "/plan", want{unauth, ok, ok, ok, ok, ok, ok, ok, ok, forbidden}, nil, "", nil},
		{"GET", "/plan/actions/{id}", want{unauth, ok, ok, ok, ok, notFound, ok, notFound, ok, notFound},
			at("/plan/actions/{id}", func(x *accessRecords, _ bool) int64 { return x.aPlanAction() }, ""), "", nil},
		{"POST", "/plan/actions/{id}/notes", want{unauth, created, created, created, created, notFound, created, notFound, created, notFound},
			at("/plan/actions/{id}/notes", func(x *accessRecords, _ bool) int64 { return x.aPlanAction() }, `{"text":"Taught in year 7."}`), "", nil},
		{"POST", "/plan/objectives", want{unauth, forbidden, forbidden, forbidden, forbidden, forbidden, created, forbidden, forbidden, forbidden},
			path("/plan/objectives", `{"strand":"prevention","title":"Teach online safety in every year"}`), "", nil},
		{"GET", "/plan/objectives/{id}", want{unauth, ok, ok, ok, ok, notFound, ok, notFound, ok, notFound},
			at("/plan/objectives/{id}", func(x *accessRecords, _ bool) int64 { return x.anObjective() }, ""), "", nil},
		{"PUT", "/plan/objectives/{id}", want{unauth, forbidden, forbidden, forbidden, forbidden, notFound, ok, notFound, forbidden, notFound},
			at("/plan/objectives/{id}", func(x *accessRecords, _ bool) int64 { return x.anObjective() }, `{"strand":"prevention","title":"Teach"}`), "", nil},
		{"POST", "/plan/objectives/{id}/actions", want{unauth, forbidden, forbidden, forbidden, forbidden, notFound, created, notFound, forbidden, notFound},
			func(x *accessRecords, _ string, _ bool) (string, string) {
				return on("/plan/objectives/{id}/actions", x.anObjective()), x.planActionBody()
			}, "", nil},
		{"PUT", "/plan/actions/{id}", want{unauth, forbidden, forbidden, forbidden, forbidden, notFound, ok, notFound, forbidden, notFound},
			func(x *accessRecords, _ string, _ bool) (string, string) {
				return on("/plan/actions/{id}", x.aPlanAction()), x.planActionBody()
			}, "", nil},
		{"POST", "/plan/actions/{id}/barriers", want{unauth, forbidden, forbidden, forbidden, forbidden, notFound, created, notFound, forbidden, notFound},
			at("/plan/actions/{id}/barriers", func(x *accessRecords, _ bool) int64 { return x.aPlanAction() }, `{"text":"No time."}`), "", nil},
		{"POST", "/plan/barriers/{id}/escalate", want{unauth, forbidden, forbidden, forbidden, forbidden, notFound, ok, notFound, forbidden, notFound},
			at("/plan/barriers/{id}/escalate", func(x *accessRecords, _ bool) int64 { return x.barrier() }, ""), "", nil},
		{"POST", "/plan/barriers/{id}/resolve", want{unauth, forbidden, forbidden, forbidden, forbidden, notFound, ok, notFound, forbidden, notFound},
			at("/plan/barriers/{id}/resolve", func(x *accessRecords, _ bool) int64 { return x.barrier() }, `{"resolution":"Moved to the spring term."}`), "", nil},

		// The policy library (OpReadPolicies, OpKeepPolicies) and agreements
		// (OpRecordAgreements, OpReadAgreements): a school's policies are
		// its own; the partnership keeps the models, which the schools'
		// managers and DSLs adopt. A role that may not read policies (the
		// filter's and the monitor's) finds none, not even its own
		// organisation's list (policy.go: "ENOTFOUND unless a may read
		// it"), but is refused a new one (403, as the OpenAPI document
		// says).
		{"GET", "/policies", want{unauth, ok, ok, ok, ok, ok, ok, ok, notFound, notFound}, nil, "", nil},
		{"POST", "/policies", want{unauth, forbidden, forbidden, created, created, created, created, forbidden, forbidden, forbidden},
			withBody("/policies", func(x *accessRecords) string { return pupilsPolicyBody(x.next()) }), "", nil},
		{"GET", "/policies/{id}", want{unauth, ok, ok, ok, ok, notFound, notFound, notFound, notFound, notFound},
			at("/policies/{id}", func(x *accessRecords, _ bool) int64 { return x.aPolicy() }, ""), "", nil},
		{"POST", "/policies/{id}/versions", want{unauth, forbidden, forbidden, created, created, notFound, notFound, notFound, notFound, notFound},
			at("/policies/{id}/versions", func(x *accessRecords, _ bool) int64 { return x.aPolicy() }, versionBody), "", nil},
		{"POST", "/policies/{id}/adopt", want{unauth, forbidden, forbidden, created, created, created, forbidden, forbidden, notFound, notFound},
			at("/policies/{id}/adopt", func(x *accessRecords, _ bool) int64 { return x.aModel() }, versionBody), "", nil},
		{"GET", "/policies/{id}/agreements", want{unauth, forbidden, forbidden, ok, ok, notFound, notFound, notFound, notFound, notFound},
			at("/policies/{id}/agreements", func(x *accessRecords, _ bool) int64 { return x.aPolicy() }, ""), "", nil},
		{"POST", "/policies/{id}/agreements", want{unauth, created, created, created, created, notFound, notFound, notFound, notFound, notFound},
			at("/policies/{id}/agreements", func(x *accessRecords, _ bool) int64 { return x.aPolicy() },
				`{"agreements":[{"name":"A visiting author","agreed_on":"2026-09-02"}]}`), "", nil},

		// Parents' consents (OpRecordConsents, OpReadConsents,
		// OpReadPhotoList) and staff training (OpRecordTraining,
		// OpReadTraining): inside the school only.
		{"GET", "/consents", want{unauth, forbidden, forbidden, ok, ok, ok, forbidden, forbidden, forbidden, forbidden}, nil, "", nil},
		// School B's DSL names a child B does not know: a problem naming
		// the field, as for a child that does not exist.
		{"POST", "/consents", want{unauth, forbidden, forbidden, ok, ok, unfit, forbidden, forbidden, forbidden, forbidden},
			withBody("/consents", func(x *accessRecords) string {
				return fmt.Sprintf(`{"consents":[{"child_id":%d,"kind":"images_press","given":true,"on":%q}]}`, x.aChild(), today())
			}), "", nil},
		// A file naming school A's child by UPN: school B's DSL gets the
		// line refused, as for a UPN no child has.
		{"POST", "/consents/import", want{unauth, forbidden, forbidden, ok, ok, unfit, forbidden, forbidden, forbidden, forbidden},
			func(x *accessRecords, _ string, _ bool) (string, string) {
				return "/consents/import?dry_run=true", "upn,images_press\n" + x.upnChild() + ",yes\n"
			}, "text/csv", nil},
		{"GET", "/consents/class", want{unauth, forbidden, forbidden, ok, ok, ok, forbidden, forbidden, forbidden, forbidden}, nil, "", nil},
		{"GET", "/consents/photo-list", want{unauth, ok, ok, ok, ok, ok, forbidden, forbidden, forbidden, forbidden}, nil, "", nil},
		{"GET", "/training", want{unauth, ok, ok, ok, ok, ok, forbidden, forbidden, forbidden, forbidden}, nil, "", nil},
		// staff2's training: their own, their school's for its manager and
		// DSL, nothing of school B's DSL's.
		{"POST", "/training", want{unauth, forbidden, created, created, created, notFound, forbidden, forbidden, forbidden, forbidden},
			withBody("/training", func(x *accessRecords) string {
				return fmt.Sprintf(`{"user_id":%d,"type":"online_safety","course":"Update","provider":"In house","completed_on":%q}`, x.f.users["staff2"].ID, today())
			}), "", nil},
		// A file naming school A's member of staff: school B's DSL gets
		// the line refused, as for an address no one has.
		{"POST", "/training/import", want{unauth, forbidden, forbidden, ok, ok, unfit, forbidden, forbidden, forbidden, forbidden},
			func(x *accessRecords, _ string, _ bool) (string, string) {
				return "/training/import?dry_run=true", "email,type,course,provider,completed_on\n" +
					x.f.users["staff"].Email + ",online_safety,Update,In house," + today() + "\n"
			}, "text/csv", nil},
		{"GET", "/training/matrix", want{unauth, ok, ok, ok, ok, ok, forbidden, forbidden, forbidden, forbidden}, nil, "", nil},

		// The partnership's directory (OpKeepDirectory) and the
		// organisations' leads (OpReadLeads, OpKeepLeads).
		{"GET", "/directory", want{unauth, ok, ok, ok, ok, ok, ok, ok, ok, ok}, nil, "", nil},
		{"POST", "/directory/preview", want{unauth, forbidden, forbidden, forbidden, forbidden, forbidden, ok, ok, forbidden, forbidden},
			withBody("/directory/preview", func(x *accessRecords) string {
				return fmt.Sprintf(`{"base":%d,"name":"Riverside Safeguarding Children Partnership"}`, x.directoryBase())
			}), "", nil},
		{"GET", "/directory/versions", want{unauth, forbidden, forbidden, forbidden, forbidden, forbidden, ok, ok, forbidden, forbidden}, nil, "", nil},
		{"POST", "/directory/versions", want{unauth, forbidden, forbidden, forbidden, forbidden, forbidden, created, created, forbidden, forbidden},
			withBody("/directory/versions", (*accessRecords).saveDirectoryBody), "", nil},
		{"GET", "/directory/versions/{n}", want{unauth, forbidden, forbidden, forbidden, forbidden, forbidden, ok, ok, forbidden, forbidden},
			func(x *accessRecords, _ string, _ bool) (string, string) {
				x.firstDirectoryVersion()
				return "/directory/versions/1", ""
			}, "", nil},
		{"GET", "/directory/leads", want{unauth, ok, ok, ok, ok, ok, ok, ok, forbidden, forbidden}, nil, "", nil},
		{"GET", "/organisations/{id}/leads", want{unauth, ok, ok, ok, ok, ok, ok, ok, forbidden, forbidden},
			orgA("/organisations/{id}/leads", ""), "", nil},
		{"PUT", "/organisations/{id}/leads", want{unauth, forbidden, forbidden, ok, forbidden, forbidden, ok, ok, forbidden, forbidden},
			orgA("/organisations/{id}/leads", leadsBody), "", nil},

		// Teaching, parents, children's voice and internet access
		// (OpReadPrevention, OpKeepPrevention): the school's; the
		// partnership reads the figures only (with the self-audit). A
		// role that may not read them finds no entry (prevention.go's
		// registerRow), but is refused its own school's lists (403).
		{"GET", "/teaching", want{unauth, ok, ok, ok, ok, ok, forbidden, forbidden, forbidden, forbidden}, nil, "", nil},
		{"POST", "/teaching", want{unauth, forbidden, forbidden, created, created, created, forbidden, forbidden, forbidden, forbidden},
			withBody("/teaching", func(*accessRecords) string { return teachingBody() }), "", nil},
		{"GET", "/teaching/coverage", want{unauth, ok, ok, ok, ok, ok, forbidden, forbidden, forbidden, forbidden}, nil, "", nil},
		{"GET", "/teaching/{id}", want{unauth, ok, ok, ok, ok, notFound, notFound, notFound, notFound, notFound},
			at("/teaching/{id}", func(x *accessRecords, _ bool) int64 { x.prevention(); return x.teaching }, ""), "", nil},
		{"PUT", "/teaching/{id}", want{unauth, forbidden, forbidden, ok, ok, notFound, notFound, notFound, notFound, notFound},
			func(x *accessRecords, _ string, _ bool) (string, string) {
				x.prevention()
				return on("/teaching/{id}", x.teaching), teachingBody()
			}, "", nil},
		{"GET", "/parent-contacts", want{unauth, ok, ok, ok, ok, ok, forbidden, forbidden, forbidden, forbidden}, nil, "", nil},
		{"POST", "/parent-contacts", want{unauth, forbidden, forbidden, created, created, created, forbidden, forbidden, forbidden, forbidden},
			withBody("/parent-contacts", func(*accessRecords) string { return contactBody() }), "", nil},
		{"GET", "/parent-contacts/{id}", want{unauth, ok, ok, ok, ok, notFound, notFound, notFound, notFound, notFound},
			at("/parent-contacts/{id}", func(x *accessRecords, _ bool) int64 { x.prevention(); return x.contact }, ""), "", nil},
		{"PUT", "/parent-contacts/{id}", want{unauth, forbidden, forbidden, ok, ok, notFound, notFound, notFound, notFound, notFound},
			func(x *accessRecords, _ string, _ bool) (string, string) {
				x.prevention()
				return on("/parent-contacts/{id}", x.contact), contactBody()
			}, "", nil},
		{"GET", "/child-surveys", want{unauth, ok, ok, ok, ok, ok, forbidden, forbidden, forbidden, forbidden}, nil, "", nil},
		{"POST", "/child-surveys", want{unauth, forbidden, forbidden, created, created, created, forbidden, forbidden, forbidden, forbidden},
			withBody("/child-surveys", func(*accessRecords) string { return surveyBody() }), "", nil},
		{"GET", "/internet-access", want{unauth, ok, ok, ok, ok, ok, forbidden, forbidden, forbidden, forbidden}, nil, "", nil},
		{"POST", "/internet-access", want{unauth, forbidden, forbidden, created, created, created, forbidden, forbidden, forbidden, forbidden},
			withBody("/internet-access", func(x *accessRecords) string { return groupBody(x.next()) }), "", nil},
		{"PUT", "/internet-access/{id}", want{unauth, forbidden, forbidden, ok, ok, notFound, notFound, notFound, notFound, notFound},
			func(x *accessRecords, _ string, _ bool) (string, string) {
				x.prevention()
				return on("/internet-access/{id}", x.group), groupBody(0)
			}, "", nil},
		{"GET", "/organisations/{id}/prevention-figures", want{unauth, forbidden, forbidden, ok, ok, notFound, ok, notFound, forbidden, forbidden},
			orgA("/organisations/{id}/prevention-figures", ""), "", nil},

		// A person's requests about their data (OpStartDataRights,
		// OpWorkDataRights): school A's DSL records a child's request and
		// alone reads, redacts, discloses and decides; the administrator
		// follows (reads and extends) every request of the partnership but
		// may not start a child's, since they see no child's name
		// (subject_access.go's contract), and is refused the records.
		{"GET", "/subject-access", want{unauth, forbidden, forbidden, forbidden, ok, ok, forbidden, ok, forbidden, forbidden}, nil, "", nil},
		{"POST", "/subject-access", want{unauth, forbidden, forbidden, forbidden, created, notFound, forbidden, forbidden, forbidden, forbidden},
			withBody("/subject-access", (*accessRecords).sarBody), "", nil},
		{"GET", "/subject-access/{id}", want{unauth, forbidden, forbidden, forbidden, ok, notFound, forbidden, ok, forbidden, forbidden},
			at("/subject-access/{id}", (*accessRecords).subjectAccess, ""), "", nil},
		{"POST", "/subject-access/{id}/extend", want{unauth, forbidden, forbidden, forbidden, ok, notFound, forbidden, ok, forbidden, forbidden},
			at("/subject-access/{id}/extend", (*accessRecords).subjectAccess, `{"reason":"Records from two schools."}`), "", nil},
		{"GET", "/subject-access/{id}/bundle", want{unauth, forbidden, forbidden, forbidden, ok, notFound, forbidden, forbidden, forbidden, forbidden},
			at("/subject-access/{id}/bundle", (*accessRecords).subjectAccess, ""), "", nil},
		{"PUT", "/subject-access/{id}/redactions", want{unauth, forbidden, forbidden, forbidden, noContent, notFound, forbidden, forbidden, forbidden, forbidden},
			at("/subject-access/{id}/redactions", (*accessRecords).subjectAccess, `{"redactions":[]}`), "", nil},
		{"POST", "/subject-access/{id}/disclosure", want{unauth, forbidden, forbidden, forbidden, ok, notFound, forbidden, forbidden, forbidden, forbidden},
			at("/subject-access/{id}/disclosure", (*accessRecords).subjectAccess, ""), "", nil},
		{"GET", "/data-requests", want{unauth, forbidden, forbidden, forbidden, ok, ok, forbidden, ok, forbidden, forbidden}, nil, "", nil},
		{"POST", "/data-requests", want{unauth, forbidden, forbidden, forbidden, created, notFound, forbidden, forbidden, forbidden, forbidden},
			withBody("/data-requests", (*accessRecords).dataRequestBody), "", nil},
		{"GET", "/data-requests/{id}", want{unauth, forbidden, forbidden, forbidden, ok, notFound, forbidden, ok, forbidden, forbidden},
			at("/data-requests/{id}", (*accessRecords).aDataRequest, ""), "", nil},
		{"POST", "/data-requests/{id}/decision", want{unauth, forbidden, forbidden, forbidden, ok, notFound, forbidden, forbidden, forbidden, forbidden},
			at("/data-requests/{id}/decision", (*accessRecords).aDataRequest, `{"outcome":"refused","reason":"Kept by law."}`), "", nil},

		// A partnership-wide subject access request
		// (OpStartPartnershipAccess, OpAnswerPartnershipAccess): the
		// officer asks; each school's DSL answers for its own part.
		{"GET", "/partnership-access", want{unauth, forbidden, forbidden, forbidden, forbidden, forbidden, ok, forbidden, forbidden, forbidden}, nil, "", nil},
		{"POST", "/partnership-access", want{unauth, forbidden, forbidden, forbidden, forbidden, forbidden, created, forbidden, forbidden, forbidden},
			withBody("/partnership-access", (*accessRecords).partnershipAccessBody), "", nil},
		{"GET", "/partnership-access/{id}", want{unauth, forbidden, forbidden, forbidden, forbidden, forbidden, ok, forbidden, forbidden, forbidden},
			at("/partnership-access/{id}", func(x *accessRecords, _ bool) int64 { return x.aPartnershipAccess() }, ""), "", nil},
		{"GET", "/partnership-access-parts", want{unauth, forbidden, forbidden, forbidden, ok, ok, forbidden, forbidden, forbidden, forbidden}, nil, "", nil},
		{"POST", "/partnership-access-parts/{id}/answer", want{unauth, forbidden, forbidden, forbidden, ok, notFound, forbidden, forbidden, forbidden, forbidden},
			at("/partnership-access-parts/{id}/answer", func(x *accessRecords, _ bool) int64 { _, part := x.startPartnershipAccess(); return part }, `{"answer":"agree"}`), "", nil},
	}
}

// TestNotFoundIsIndistinguishable checks that another organisation's concern
// answers exactly as one that does not exist.
func TestNotFoundIsIndistinguishable(t *testing.T) {
	f := newFixture(t)
	id, _ := f.concern("staff")
	other := f.call("dslB", "GET", "/concerns/{id}", fmt.Sprintf("/concerns/%d", id), "")
	missing := f.call("dslB", "GET", "/concerns/{id}", "/concerns/999999", "")
	if other.status != 404 || missing.status != 404 || string(other.body) != string(missing.body) {
		t.Errorf("another organisation's concern: %d %s; a missing one: %d %s", other.status, other.body, missing.status, missing.body)
	}
}
