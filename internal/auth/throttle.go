package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/netip"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/lifeguard-scp/lifeguard"
)

// Sign-in throttling. Every failure is counted three times: for the pair of
// account and address, for the account, and for the address. The pair's
// limit is the one that keeps guessing slow, and it refuses only that
// address for that account, so an attacker who fails on purpose shuts out
// no one but themselves. The account's and the address's limits catch
// guessing spread over many addresses or many accounts; past them, an
// address the account has signed in from before (a known address) is
// still let through to the password check, so the owner at their usual
// desk, or a teacher at their usual school, still gets in. docs/web.md
// gives the numbers and the reasoning.

// keys are the throttling keys of one sign-in.
type keys struct {
	account, address, pair string
}

func keysFor(email, addr string) keys {
	a, ip := accountKey(email), addressKey(addr)
	return keys{account: a, address: ip,
		pair: "pair:" + strings.TrimPrefix(ip, "addr:") + " " + strings.TrimPrefix(a, "account:")}
}

// maxEmail is the longest address CreateUser accepts (RFC 5321's path
// limit); nothing longer can be anyone's.
const maxEmail = 254

// plausibleEmail reports whether email could be a user's: short enough,
// valid UTF-8, with no control characters. Anything else is answered as an
// unknown address without asking the store, whose engines would otherwise
// disagree about it (PostgreSQL refuses a NUL or invalid UTF-8 in a query).
func plausibleEmail(email string) bool {
	email = strings.TrimSpace(email)
	if email == "" || len(email) > maxEmail || !utf8.ValidString(email) {
		return false
	}
	return strings.IndexFunc(email, unicode.IsControl) < 0
}

// accountKey is the throttling key of the account an email names: the
// email, lower-cased. An email that cannot be anyone's is keyed by its
// hash, so that the key stays short and storable whatever was typed, and
// all such guesses at one text still count together.
func accountKey(email string) string {
	if !plausibleEmail(email) {
		h := sha256.Sum256([]byte(email))
		return "account:#" + hex.EncodeToString(h[:16])
	}
	return "account:" + strings.ToLower(strings.TrimSpace(email))
}

// addressKey groups an IPv6 address with the rest of its /64, the block one
// subscriber or host usually gets, so that a client cannot escape the limit
// by rotating through its own addresses. IPv4-mapped IPv6 counts as the IPv4
// address. Anything that is not an address shares one key: the caller passes
// ClientAddr's answer, so that only happens when no address could be found,
// and sharing is the safe side.
func addressKey(addr string) string {
	addr = strings.TrimSpace(addr)
	a, err := netip.ParseAddr(addr)
	if err != nil {
		ap, perr := netip.ParseAddrPort(addr)
		if perr != nil {
			return "addr:unknown"
		}
		a = ap.Addr()
	}
	a = a.WithZone("").Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64) // cannot fail for an IPv6 address and 64
		return "addr:" + p.String()
	}
	return "addr:" + a.String()
}

// throttled returns the throttling error when the sign-in must not be
// tried now.
func (s *Service) throttled(ctx context.Context, k keys, now time.Time) error {
	since := now.Add(-s.cfg.Window)
	count := func(key string) (int, error) {
		n, err := s.store.CountFailures(ctx, key, since)
		if err != nil {
			return 0, fmt.Errorf("auth: counting sign-in failures: %w", err)
		}
		return n, nil
	}
	n, err := count(k.pair)
	if err != nil {
		return err
	}
	if n >= s.cfg.PairLimit {
		return s.errThrottled()
	}
	over := false
	for _, lim := range []struct {
		key   string
		limit int
	}{{k.account, s.cfg.AccountLimit}, {k.address, s.cfg.AddressLimit}} {
		n, err := count(lim.key)
		if err != nil {
			return err
		}
		over = over || n >= lim.limit
	}
	if !over {
		return nil
	}
	known, err := s.store.KnownAddress(ctx, k.account, k.address, now.Add(-s.cfg.KnownFor))
	if err != nil {
		return fmt.Errorf("auth: reading known addresses: %w", err)
	}
	if !known {
		return s.errThrottled()
	}
	return nil
}

// Throttle is a throttling key with failures in the current window, as an
// administrator sees it: what it counts, for whom or where, and whether it
// is refusing sign-ins now.
type Throttle struct {
	Kind     string // "pair", "account" or "address"
	Account  string // the email, or "" for an address; "#…" for an email no one can have
	Address  string // the address or IPv6 /64, or "" for an account
	Failures int
	Limit    int
	Last     time.Time
}

// Refusing reports whether the key is at its limit. For an account or an
// address, that refuses only the addresses the account has not signed in
// from before.
func (t Throttle) Refusing() bool { return t.Failures >= t.Limit }

// Throttles lists the keys with failures in the current window, the most
// failures first. Only the system actor (the command line) may.
func (s *Service) Throttles(ctx context.Context) ([]Throttle, error) {
	if !lifeguard.ActorFrom(ctx).IsSystem() {
		return nil, lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only an administrator at the command line can see throttles.")
	}
	fs, err := s.store.Failures(ctx, s.cfg.Now().Add(-s.cfg.Window))
	if err != nil {
		return nil, fmt.Errorf("auth: listing sign-in failures: %w", err)
	}
	var out []Throttle
	for _, f := range fs {
		t := Throttle{Failures: f.Failures, Last: f.Last}
		switch kind, rest, _ := strings.Cut(f.Key, ":"); kind {
		case "pair":
			t.Kind, t.Limit = "pair", s.cfg.PairLimit
			t.Address, t.Account, _ = strings.Cut(rest, " ")
		case "account":
			t.Kind, t.Limit, t.Account = "account", s.cfg.AccountLimit, rest
		case "addr":
			t.Kind, t.Limit, t.Address = "address", s.cfg.AddressLimit, rest
		case "code":
			t.Kind, t.Limit, t.Account = "code", s.cfg.CodeLimit, "user "+rest
		default:
			continue
		}
		out = append(out, t)
	}
	return out, nil
}

// ClearThrottle forgets the failures of an account (every address's
// failures for it, and its own count), of an address (likewise), or of one
// pair when both are given, and returns how many keys it cleared. Only the
// system actor (the command line) may.
func (s *Service) ClearThrottle(ctx context.Context, email, addr string) (int, error) {
	if !lifeguard.ActorFrom(ctx).IsSystem() {
		return 0, lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only an administrator at the command line can clear throttles.")
	}
	if strings.TrimSpace(email) == "" && strings.TrimSpace(addr) == "" {
		return 0, lifeguard.Invalid("Say what to clear", []lifeguard.Problem{{Path: "email", Problem: "or an address is required"}})
	}
	k := keysFor(email, addr)
	acct, ip := strings.TrimPrefix(k.account, "account:"), strings.TrimPrefix(k.address, "addr:")
	if strings.TrimSpace(addr) != "" && ip == "unknown" {
		return 0, lifeguard.Invalid("Say what to clear", []lifeguard.Problem{{Path: "address", Problem: "is not an IP address"}})
	}
	var clear []string
	switch {
	case email != "" && addr != "":
		clear = []string{k.pair}
	default:
		// Every key of the account or the address, recent or not.
		fs, err := s.store.Failures(ctx, time.Time{})
		if err != nil {
			return 0, fmt.Errorf("auth: listing sign-in failures: %w", err)
		}
		for _, f := range fs {
			kind, rest, _ := strings.Cut(f.Key, ":")
			pa, pe, _ := strings.Cut(rest, " ")
			switch {
			case email != "" && (f.Key == k.account || kind == "pair" && pe == acct),
				addr != "" && (f.Key == k.address || kind == "pair" && pa == ip):
				clear = append(clear, f.Key)
			}
		}
	}
	for _, key := range clear {
		if err := s.store.ClearFailures(ctx, key); err != nil {
			return 0, fmt.Errorf("auth: clearing sign-in failures: %w", err)
		}
	}
	return len(clear), nil
}
