package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// The administrator's page of sign-in providers: the partnership's, and
// its organisations', each with what it may do. The client secret is
// typed, kept and never shown again; leaving it empty when changing a
// provider keeps it.

// providerForm is the provider form as typed.
type providerForm struct {
	ID                                            string
	Name, Issuer, ClientID, Domains, MFAACR, Org  string
	CreateUsers, TrustMFA, PasswordOff, HasSecret bool
	Errs                                          map[string]string
	Orgs                                          []webhookOrg
	Callback                                      string
}

// providerItem is a provider as the page lists it.
type providerItem struct {
	ID, Name, Issuer, ClientID, For, Domains, EditURL, RemoveURL string
	CreateUsers, TrustMFA, PasswordOff, HasSecret                bool
	MFAACR                                                       string
}

type providersView struct {
	Providers []providerItem
	Form      providerForm
}

func requireProviderAdmin(r *http.Request) error {
	if rc := fromRequest(r); rc == nil || !rc.user.Role.Can(lifeguard.OpSignInProviders) {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only an administrator can connect sign-in providers.")
	}
	return nil
}

func (wb *Web) providersPage(w http.ResponseWriter, r *http.Request) error {
	if err := requireProviderAdmin(r); err != nil {
		return err
	}
	form := providerForm{}
	if e := r.URL.Query().Get("edit"); e != "" {
		ps, err := wb.cfg.Stores.Providers.SignInProviders(r.Context())
		if err != nil {
			return err
		}
		found := false
		for _, p := range ps {
			if strconv.FormatInt(p.ID, 10) == e {
				form = formOf(&p)
				found = true
			}
		}
		if !found {
			return lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such sign-in provider.")
		}
	}
	return wb.showProviders(w, r, http.StatusOK, nil, form)
}

func formOf(p *lifeguard.SignInProvider) providerForm {
	f := providerForm{ID: strconv.FormatInt(p.ID, 10), Name: p.Name, Issuer: p.Issuer, ClientID: p.ClientID,
		Domains: strings.Join(p.Domains, ", "), MFAACR: p.MFAACR, CreateUsers: p.CreateUsers, TrustMFA: p.TrustMFA,
		PasswordOff: p.PasswordOff, HasSecret: p.HasSecret}
	if p.OrganisationID != 0 {
		f.Org = strconv.FormatInt(p.OrganisationID, 10)
	}
	return f
}

func (wb *Web) showProviders(w http.ResponseWriter, r *http.Request, status int, problems []lifeguard.Problem, form providerForm) error {
	ctx := r.Context()
	v := providersView{Form: form}
	v.Form.Callback = wb.callbackURL(r)
	p := page{Title: "Sign-in providers", Nav: "sign-in", Data: &v, Problem: problems}
	if len(problems) > 0 {
		p.Title += ": there is a problem"
	}
	if fl := wb.takePageFlash(w, r); fl != nil {
		p.Flash = fl.Message
	}
	orgs, err := wb.cfg.Stores.Orgs.Organisations(ctx)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, o := range orgs {
		names[o.ID] = o.Name
		id := strconv.FormatInt(o.ID, 10)
		v.Form.Orgs = append(v.Form.Orgs, webhookOrg{ID: id, Name: o.Name, Selected: id == form.Org})
	}
	ps, err := wb.cfg.Stores.Providers.SignInProviders(ctx)
	if err != nil {
		return err
	}
	for _, x := range ps {
		id := strconv.FormatInt(x.ID, 10)
		it := providerItem{ID: id, Name: x.Name, Issuer: x.Issuer, ClientID: x.ClientID, For: "Every organisation of the partnership",
			Domains: strings.Join(x.Domains, ", "), EditURL: "/admin/sign-in?edit=" + id + "#provider-form",
			RemoveURL: "/admin/sign-in/" + id + "/remove", CreateUsers: x.CreateUsers, TrustMFA: x.TrustMFA,
			PasswordOff: x.PasswordOff, HasSecret: x.HasSecret, MFAACR: x.MFAACR}
		if x.OrganisationID != 0 {
			it.For = names[x.OrganisationID]
		}
		v.Providers = append(v.Providers, it)
	}
	w.Header().Set("Cache-Control", "no-store")
	return wb.render(w, r, status, "sign_in_providers.html", p)
}

// providerTargets place the store's problems on the form's fields.
var providerTargets = map[string]problemTarget{
	"name":            {"provider-name", "Name"},
	"issuer":          {"provider-issuer", "Issuer URL"},
	"client_id":       {"provider-client-id", "Client ID"},
	"client_secret":   {"provider-client-secret", "Client secret"},
	"domains":         {"provider-domains", "Email domains"},
	"organisation_id": {"provider-org", "For"},
	"create_users":    {"provider-create-users", "Create staff accounts"},
	"mfa_acr":         {"provider-mfa-acr", "acr value"},
	"trust_mfa":       {"provider-trust-mfa", "Trust the provider's second factor"},
	"id":              {"provider-name", "Provider"},
}

func (wb *Web) saveProvider(w http.ResponseWriter, r *http.Request) error {
	if err := requireProviderAdmin(r); err != nil {
		return err
	}
	if err := parsePlainForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	form := providerForm{ID: f.Get("id"), Name: f.Get("name"), Issuer: f.Get("issuer"), ClientID: f.Get("client_id"),
		Domains: f.Get("domains"), MFAACR: strings.TrimSpace(f.Get("mfa_acr")), Org: f.Get("organisation"),
		CreateUsers: f.Get("create_users") == "yes", TrustMFA: f.Get("trust_mfa") == "yes",
		PasswordOff: f.Get("password_off") == "yes"}
	in := lifeguard.SignInProvider{Name: form.Name, Issuer: form.Issuer, ClientID: form.ClientID,
		ClientSecret: f.Get("client_secret"), MFAACR: form.MFAACR, CreateUsers: form.CreateUsers,
		TrustMFA: form.TrustMFA, PasswordOff: form.PasswordOff, Domains: splitDomains(form.Domains)}
	var ps []lifeguard.Problem
	if form.ID != "" {
		id, err := strconv.ParseInt(form.ID, 10, 64)
		if err != nil || id <= 0 {
			ps = append(ps, lifeguard.Problem{Path: "id", Problem: "is not a provider of this page"})
		}
		in.ID = id
	}
	if form.Org != "" {
		id, err := strconv.ParseInt(form.Org, 10, 64)
		if err != nil || id <= 0 {
			ps = append(ps, lifeguard.Problem{Path: "organisation_id", Problem: "must be one of the organisations listed"})
		}
		in.OrganisationID = id
	}
	var err error
	if len(ps) > 0 {
		err = lifeguard.Invalid("The sign-in provider is not valid", ps)
	} else {
		_, err = wb.cfg.Stores.Providers.SaveSignInProvider(r.Context(), in)
	}
	if lifeguard.ErrorCode(err) == lifeguard.EINVALID {
		problems, errs := fieldProblems(err, providerTargets)
		form.Errs = errs
		return wb.showProviders(w, r, http.StatusUnprocessableEntity, problems, form)
	}
	if err != nil {
		return err
	}
	wb.setPageFlash(w, pageFlash{Message: "The sign-in provider " + in.Name + " is saved."})
	return redirectAfterPost(w, r, "/admin/sign-in")
}

// splitDomains reads domains typed one a line or separated by commas or
// spaces.
func splitDomains(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
}

func (wb *Web) removeProvider(w http.ResponseWriter, r *http.Request) error {
	if err := requireProviderAdmin(r); err != nil {
		return err
	}
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		return saved{"The sign-in provider is removed; its users sign in with a password again.", "/admin/sign-in"},
			wb.cfg.Stores.Providers.RemoveSignInProvider(r.Context(), id)
	}, nil)
}
