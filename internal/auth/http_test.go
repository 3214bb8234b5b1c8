package auth

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestBearerToken(t *testing.T) {
	tok, _ := newAPIToken()
	for _, tc := range []struct {
		name    string
		headers []string // Authorization values
		want    string
		ok      bool
	}{
		{"lifeguard token", []string{"Bearer " + tok}, tok, true},
		{"scheme in lower case", []string{"bearer " + tok}, tok, true},
		{"scheme in capitals", []string{"BEARER " + tok}, tok, true},
		{"token68 with padding", []string{"Bearer abc+/_-.~=="}, "abc+/_-.~==", true},
		{"none", nil, "", false},
		{"empty", []string{""}, "", false},
		{"scheme only", []string{"Bearer"}, "", false},
		{"scheme and space", []string{"Bearer "}, "", false},
		{"two spaces", []string{"Bearer  " + tok}, "", false},
		{"tab", []string{"Bearer\t" + tok}, "", false},
		{"trailing space", []string{"Bearer " + tok + " "}, "", false},
		{"two tokens", []string{"Bearer " + tok + " " + tok}, "", false},
		{"basic", []string{"Basic dXNlcjpwYXNz"}, "", false},
		{"token without scheme", []string{tok}, "", false},
		{"other scheme starting alike", []string{"Bearerx " + tok}, "", false},
		{"only padding", []string{"Bearer =="}, "", false},
		{"padding inside", []string{"Bearer ab=cd"}, "", false},
		{"comma", []string{"Bearer a,b"}, "", false},
		{"quotes", []string{`Bearer "` + tok + `"`}, "", false},
		{"non-ASCII", []string{"Bearer tökén"}, "", false},
		{"two headers", []string{"Bearer " + tok, "Bearer " + tok}, "", false},
		{"too long", []string{"Bearer " + strings.Repeat("a", 513)}, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/api/v1/concerns", nil)
			for _, h := range tc.headers {
				r.Header.Add("Authorization", h)
			}
			got, ok := BearerToken(r)
			if got != tc.want || ok != tc.ok {
				t.Errorf("BearerToken = %q, %v; want %q, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestClientAddr(t *testing.T) {
	for _, tc := range []struct {
		name   string
		remote string
		xff    []string
		trust  bool
		want   string
	}{
		{"IPv4", "192.0.2.1:5000", nil, false, "192.0.2.1"},
		{"IPv6", "[2001:db8::1]:5000", nil, false, "2001:db8::1"},
		{"IPv6 with zone", "[fe80::1%eth0]:5000", nil, false, "fe80::1"},
		{"IPv4-mapped", "[::ffff:192.0.2.1]:5000", nil, false, "192.0.2.1"},
		{"no port", "192.0.2.1", nil, false, "192.0.2.1"},
		{"not an address", "@", nil, false, ""},
		{"header ignored without trust", "192.0.2.1:5000", []string{"203.0.113.7"}, false, "192.0.2.1"},
		{"proxy's hop", "10.0.0.2:5000", []string{"203.0.113.7"}, true, "203.0.113.7"},
		{"last hop, not the client's claims", "10.0.0.2:5000", []string{"198.51.100.1, 203.0.113.7"}, true, "203.0.113.7"},
		{"last of several headers", "10.0.0.2:5000", []string{"198.51.100.1", "203.0.113.7"}, true, "203.0.113.7"},
		{"spaces", "10.0.0.2:5000", []string{"198.51.100.1 ,  2001:db8::5 "}, true, "2001:db8::5"},
		{"hop with port", "10.0.0.2:5000", []string{"203.0.113.7:443"}, true, "203.0.113.7"},
		{"garbage hop falls back", "10.0.0.2:5000", []string{"198.51.100.1, unknown"}, true, "10.0.0.2"},
		{"empty hop falls back", "10.0.0.2:5000", []string{"198.51.100.1,"}, true, "10.0.0.2"},
		{"no header", "10.0.0.2:5000", nil, true, "10.0.0.2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.remote
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := ClientAddr(r, tc.trust); got != tc.want {
				t.Errorf("ClientAddr = %q; want %q", got, tc.want)
			}
		})
	}
}

// FuzzBearerToken checks that no header makes BearerToken panic, and that what
// it accepts is exactly the header after "Bearer ", a token68 of bounded
// length.
func FuzzBearerToken(f *testing.F) {
	tok, _ := newAPIToken()
	for _, s := range []string{"Bearer " + tok, "bearer abc==", "Bearer  x", "Basic x", "", "Bearer =", "Bearer a=b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		r := &http.Request{Header: http.Header{"Authorization": {h}}}
		got, ok := BearerToken(r)
		if !ok {
			if got != "" {
				t.Fatalf("refused %q but returned %q", h, got)
			}
			return
		}
		if len(h) < 7 || !strings.EqualFold(h[:7], "Bearer ") || h[7:] != got {
			t.Fatalf("accepted %q as %q", h, got)
		}
		if got == "" || len(got) > maxBearer || strings.ContainsAny(got, " \t\r\n,\"") ||
			strings.Contains(strings.TrimRight(got, "="), "=") {
			t.Fatalf("accepted %q, which is not a token68", got)
		}
	})
}
