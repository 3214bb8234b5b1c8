package oidc

import (
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// TestMFA: the provider's second factor counts only where the
// administrator trusts the provider, and only when the token says a
// second factor was used, in the way the administrator named.
func TestMFA(t *testing.T) {
	trusted := &lifeguard.SignInProvider{TrustMFA: true}
	byACR := &lifeguard.SignInProvider{TrustMFA: true, MFAACR: "urn:example:mfa"}
	untrusted := &lifeguard.SignInProvider{}
	for _, tc := range []struct {
		name string
		p    *lifeguard.SignInProvider
		cl   claims
		want bool
	}{
		{"trusted, amr mfa", trusted, claims{AMR: []string{"pwd", "mfa"}}, true},
		{"trusted, password only", trusted, claims{AMR: []string{"pwd"}}, false},
		{"trusted, no amr", trusted, claims{}, false},
		{"trusted, acr alone does not do without its value", trusted, claims{ACR: "urn:example:mfa"}, false},
		{"not trusted, amr mfa", untrusted, claims{AMR: []string{"mfa"}}, false},
		{"acr matches", byACR, claims{ACR: "urn:example:mfa"}, true},
		{"acr differs, amr mfa", byACR, claims{ACR: "urn:example:pwd", AMR: []string{"mfa"}}, false},
	} {
		if got := mfa(tc.p, tc.cl); got != tc.want {
			t.Errorf("%s: mfa = %t, want %t", tc.name, got, tc.want)
		}
	}
}

// TestTruthy: email_verified comes as a boolean, or as a string from some
// providers; anything else is not a yes.
func TestTruthy(t *testing.T) {
	for v, want := range map[any]bool{true: true, false: false, "true": true, "TRUE": true, "false": false, "yes": false, nil: false, 1.0: false} {
		if got := truthy(v); got != want {
			t.Errorf("truthy(%#v) = %t, want %t", v, got, want)
		}
	}
}

// TestAsRefusal: a refusal keeps its reason code, and any other error
// becomes the plain "error" reason.
func TestAsRefusal(t *testing.T) {
	r := AsRefusal(refuse("audience", "meant for another application", nil))
	if r.Reason != "audience" || r.Error() != "oidc: audience" {
		t.Errorf("refusal %+v: %s", r, r.Error())
	}
	if r := AsRefusal(errPlain{}); r.Reason != "error" {
		t.Errorf("a plain error became %q", r.Reason)
	}
}

type errPlain struct{}

func (errPlain) Error() string { return "plain" }
