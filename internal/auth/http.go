package auth

import (
	"net/http"
	"net/netip"
	"strings"
)

// maxBearer bounds what BearerToken accepts; Lifeguard's tokens are 55
// characters, and anything far longer is not one.
const maxBearer = 512

// BearerToken returns the token of a request's "Authorization: Bearer
// <token>" header (RFC 6750 §2.1). It is strict: exactly one Authorization
// header, the scheme "Bearer" (in any case, as RFC 9110 §11.1 has schemes),
// one space, and a token68 with nothing after it. Anything else is not a
// bearer token, rather than a guess at one.
func BearerToken(r *http.Request) (string, bool) {
	vals := r.Header.Values("Authorization")
	if len(vals) != 1 {
		return "", false
	}
	scheme, tok, found := strings.Cut(vals[0], " ")
	if !found || !strings.EqualFold(scheme, "Bearer") || len(tok) > maxBearer || !isToken68(tok) {
		return "", false
	}
	return tok, true
}

// isToken68 reports whether s is a token68 (RFC 9110 §11.2):
// 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
func isToken68(s string) bool {
	body := strings.TrimRight(s, "=")
	if body == "" {
		return false
	}
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '-', c == '.', c == '_', c == '~', c == '+', c == '/':
		default:
			return false
		}
	}
	return true
}

// ClientAddr returns the IP address of the client of r, for throttling and
// the journal: the host of RemoteAddr, or, when trustProxy is set because the
// server runs behind a reverse proxy, the last address in X-Forwarded-For.
// Only the last one: that is the one our proxy appended, and every address
// before it came from the client and could be anything. When the header is
// missing or its last entry is not an address, RemoteAddr is used, which
// behind a proxy groups such requests under the proxy's address: the safe
// side for throttling. The address comes back in canonical form (IPv4-mapped
// IPv6 as IPv4, no zone), or "" when there is none.
func ClientAddr(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if vals := r.Header.Values("X-Forwarded-For"); len(vals) > 0 {
			last := vals[len(vals)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			if a, ok := parseAddr(last); ok {
				return a
			}
		}
	}
	a, _ := parseAddr(r.RemoteAddr)
	return a
}

// parseAddr reads an address with or without a port.
func parseAddr(s string) (string, bool) {
	s = strings.TrimSpace(s)
	a, err := netip.ParseAddr(s)
	if err != nil {
		ap, err := netip.ParseAddrPort(s)
		if err != nil {
			return "", false
		}
		a = ap.Addr()
	}
	return a.WithZone("").Unmap().String(), true
}
