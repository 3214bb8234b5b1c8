package web

import (
	"html"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

func TestHelpPage(t *testing.T) {
	f := newReportFixture(t)
	for _, who := range []string{"signed out", "staff"} {
		t.Run(who, func(t *testing.T) {
			b := f.visitor()
			if who != "signed out" {
				b = f.signIn(who)
			}
			r := b.get("/help")
			r.wantStatus(t, http.StatusOK)
			r.noFileInput(t)
			r.wantIn(t, "<h1>Help and reporting services</h1>", "For children and young people", "For parents and carers",
				"For people who work with children", `href="tel:999"`, `href="tel:101"`, `href="tel:08001111"`,
				`href="tel:08088005000"`, "replaced Action Fraud in December 2025")
			for _, s := range helpServices() {
				r.wantIn(t, html.EscapeString(s.Name), `href="`+s.URL+`"`, `id="svc-`+s.ID+`"`)
			}
			for _, info := range lifeguard.ConcernTypes() {
				r.wantIn(t, html.EscapeString(info.Label))
			}
			if who == "signed out" {
				r.wantNotIn(t, "Sign out")
			} else {
				r.wantIn(t, `href="/help" aria-current="page"`)
			}
		})
	}
}

func TestHelpCatalogue(t *testing.T) {
	names := map[string]bool{}
	for _, s := range helpServices() {
		if names[s.ID] {
			t.Errorf("service id %q twice", s.ID)
		}
		names[s.ID] = true
		u, err := url.Parse(s.URL)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			t.Errorf("%s: address %q is not an https address", s.ID, s.URL)
		}
		if s.For == "" || s.Who == "" || len(s.Audiences) == 0 {
			t.Errorf("%s: says too little", s.ID)
		}
		for _, typ := range s.Types {
			if _, ok := lifeguard.LookupConcernType(typ); !ok {
				t.Errorf("%s: unknown concern type %q", s.ID, typ)
			}
		}
		for _, p := range s.Phones {
			if strings.Trim(p.Tel, "0123456789") != "" || strings.ReplaceAll(p.Number, " ", "") != p.Tel {
				t.Errorf("%s: phone %q dials %q", s.ID, p.Number, p.Tel)
			}
		}
	}
	// The services the brief names, and only numbers that are certain.
	for _, id := range []string{"police", "ceop", "childline", "report-remove", "iwf", "report-harmful-content",
		"report-terrorism", "report-fraud", "professionals-helpline", "nspcc"} {
		if !names[id] {
			t.Errorf("no service %q", id)
		}
	}
	for _, s := range helpServices() {
		for _, p := range s.Phones {
			if !slices.Contains([]string{"999", "101", "08001111", "08088005000"}, p.Tel) {
				t.Errorf("%s: phone number %s is not one of the certain ones", s.ID, p.Number)
			}
		}
	}
	// Every concern type about a child has somewhere to turn.
	var wb Web
	for _, info := range lifeguard.ConcernTypes() {
		if len(wb.servicesForTypes([]lifeguard.ConcernType{info.Code})) == 0 {
			t.Errorf("no service deals with %s", info.Code)
		}
	}
}

// TestServicesFor checks that every route whose action is an outside
// service finds it, and that every route a service names is one the
// procedure has.
func TestHelpServicesFor(t *testing.T) {
	var wb Web
	ids := func(ss []helpService) []string {
		var out []string
		for _, s := range ss {
			out = append(out, s.ID)
		}
		return out
	}
	for code, want := range map[lifeguard.RouteCode]string{
		"EMERGENCY_999": "police", "POLICE_101": "police", "CEOP_REPORT": "ceop", "IWF_REPORT": "iwf",
		"REPORT_REMOVE": "report-remove", "REPORT_HARMFUL_CONTENT": "report-harmful-content",
		"TERRORISM_REPORT": "report-terrorism", "REPORT_FRAUD": "report-fraud",
		"PROFESSIONALS_HELPLINE": "professionals-helpline",
	} {
		if got := ids(wb.servicesFor([]lifeguard.RouteCode{code})); !slices.Contains(got, want) {
			t.Errorf("servicesFor(%s) = %v, want %s among them", code, got, want)
		}
	}
	got := ids(wb.servicesFor([]lifeguard.RouteCode{"REPORT_REMOVE", "CEOP_REPORT", "DSL_REVIEW", "CEOP_REPORT"}))
	if !slices.Equal(got, []string{"ceop", "report-remove"}) {
		t.Errorf("servicesFor gives %v, want ceop then report-remove, once each, in the page's order", got)
	}
	if got := wb.servicesFor([]lifeguard.RouteCode{"DSL_REVIEW"}); len(got) != 0 {
		t.Errorf("DSL_REVIEW needs no outside service, got %v", ids(got))
	}

	proc, err := reportProcedure()
	if err != nil {
		t.Fatal(err)
	}
	yaml, err := proc.YAML()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range helpServices() {
		for _, c := range s.Routes {
			if !strings.Contains(string(yaml), "code: "+string(c)+"\n") {
				t.Errorf("%s: route %s is not in the procedure", s.ID, c)
			}
		}
	}
}
