package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

var _ lifeguard.SignInProviderStore = (*DB)(nil)

// Journal record of a sign-in provider: its saving, removal, and each
// answer of it that sign-in refused (detail "reason=CODE").
const jProvider = "sign_in_provider"

// jRefuse is the journal action of a refused sign-in.
const jRefuse = "refuse"

func errNoProvider() error {
	return lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such sign-in provider.")
}

const providerColumns = `id, partnership_id, organisation_id, name, issuer, client_id, client_secret,
	create_users, trust_mfa, mfa_acr, password_off, created_at, updated_at`

func scanProvider(scan func(...any) error) (*lifeguard.SignInProvider, error) {
	var p lifeguard.SignInProvider
	var org sql.NullInt64
	var created, updated int64
	if err := scan(&p.ID, &p.PartnershipID, &org, &p.Name, &p.Issuer, &p.ClientID, &p.ClientSecret,
		&p.CreateUsers, &p.TrustMFA, &p.MFAACR, &p.PasswordOff, &created, &updated); err != nil {
		return nil, err
	}
	p.OrganisationID, p.CreatedAt, p.UpdatedAt = org.Int64, fromMicros(created), fromMicros(updated)
	p.HasSecret = p.ClientSecret != ""
	return &p, nil
}

// withDomains reads the domains of each provider in ps.
func withDomains(ctx context.Context, t *tx, ps []lifeguard.SignInProvider) error {
	for i := range ps {
		rows, err := t.query(ctx, `SELECT domain FROM sign_in_domains WHERE provider_id = ? ORDER BY domain`, ps[i].ID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var d string
			if err := rows.Scan(&d); err != nil {
				rows.Close()
				return err
			}
			ps[i].Domains = append(ps[i].Domains, d)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// checkProvider checks a provider as given and returns its domains,
// lower-cased, without repeats, in order.
func (p *problems) provider(in *lifeguard.SignInProvider, creating bool) []string {
	in.Name, in.Issuer, in.ClientID = strings.TrimSpace(in.Name), strings.TrimSpace(in.Issuer), strings.TrimSpace(in.ClientID)
	p.text("name", in.Name, lifeguard.MaxProviderName, true)
	p.text("issuer", in.Issuer, lifeguard.MaxProviderURL, true)
	if in.Issuer != "" && lifeguard.TextProblem(in.Issuer) == "" {
		u, err := url.Parse(in.Issuer)
		switch {
		case err != nil || u.Host == "" || u.Opaque != "" || u.RawQuery != "" || u.Fragment != "":
			p.add("issuer", "must be the provider's issuer URL, such as https://login.microsoftonline.com/TENANT/v2.0")
		case u.User != nil:
			p.add("issuer", "must not hold a user name or password")
		case u.Scheme == "https":
		case u.Scheme == "http" && isLoopback(u.Hostname()):
		default:
			p.add("issuer", "must use https (plain http is accepted only to a loopback address, for testing)")
		}
	}
	p.text("client_id", in.ClientID, lifeguard.MaxProviderClient, true)
	p.text("client_secret", in.ClientSecret, lifeguard.MaxProviderClient, creating)
	p.text("mfa_acr", in.MFAACR, lifeguard.MaxProviderURL, false)
	if in.MFAACR != "" && !in.TrustMFA {
		p.add("mfa_acr", "applies only when the provider is trusted to enforce a second factor (trust_mfa)")
	}
	if in.CreateUsers && in.OrganisationID == 0 {
		p.add("create_users", "needs an organisation: a partnership's provider cannot tell which organisation a new user joins")
	}
	var out []string
	if len(in.Domains) == 0 {
		p.add("domains", "name at least one email domain, such as school.example.org")
	}
	if len(in.Domains) > lifeguard.MaxProviderDomains {
		p.add("domains", "has %d domains; the most allowed is %d", len(in.Domains), lifeguard.MaxProviderDomains)
		return nil
	}
	for _, d := range in.Domains {
		d = strings.ToLower(strings.TrimSpace(d))
		switch {
		case lifeguard.TextProblem(d) != "":
			p.check("domains", d)
			return nil
		case !validDomain(d):
			p.add("domains", "%q is not an email domain such as school.example.org", d)
			return nil
		}
		if !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	slices.Sort(out)
	return out
}

// validDomain reports whether d looks like the part of an address after @.
func validDomain(d string) bool {
	if d == "" || len(d) > 253 || !strings.Contains(d, ".") || strings.HasPrefix(d, ".") || strings.HasSuffix(d, ".") {
		return false
	}
	for _, r := range d {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.') {
			return false
		}
	}
	return !strings.Contains(d, "..")
}

// SaveSignInProvider creates a provider (ID 0) or replaces one of the
// administrator's partnership; an empty secret keeps the one kept.
func (db *DB) SaveSignInProvider(ctx context.Context, in lifeguard.SignInProvider) (*lifeguard.SignInProvider, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	reach := a.May(lifeguard.OpSignInProviders)
	if reach == lifeguard.ReachNone {
		return nil, errAdminOnly()
	}
	var p problems
	domains := p.provider(&in, in.ID == 0)
	if err := p.err("The sign-in provider is not valid"); err != nil {
		return nil, err
	}
	out := in
	out.Domains = domains
	err = db.inWrite(ctx, "save sign-in provider", func(t *tx) error {
		now := db.now()
		out.PartnershipID = a.PartnershipID
		if in.OrganisationID != 0 {
			o, err := organisationIn(ctx, t, in.OrganisationID)
			if err != nil {
				return err
			}
			if !reach.Covers(a.Near(0, o.ID, o.PartnershipID)) {
				return errNoOrganisation()
			}
			out.PartnershipID = o.PartnershipID
		}
		if out.PartnershipID == 0 && a.IsSystem() && in.PartnershipID != 0 {
			// Lifeguard itself (the command line) names the partnership
			// of a partnership's provider.
			var n int
			if err := t.row(ctx, `SELECT COUNT(*) FROM partnerships WHERE id = ?`, in.PartnershipID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return lifeguard.Invalid("The sign-in provider is not valid", []lifeguard.Problem{{Path: "partnership_id",
					Problem: "is not a partnership"}})
			}
			out.PartnershipID = in.PartnershipID
		}
		if out.PartnershipID == 0 {
			return lifeguard.Invalid("The sign-in provider is not valid", []lifeguard.Problem{{Path: "partnership_id",
				Problem: "is required when Lifeguard itself saves a partnership's provider"}})
		}
		if in.ID != 0 {
			old, err := providerIn(ctx, t, in.ID)
			if err != nil {
				return err
			}
			if !reach.Covers(a.Near(0, 0, old.PartnershipID)) || old.PartnershipID != out.PartnershipID {
				return errNoProvider()
			}
			if out.ClientSecret == "" {
				out.ClientSecret = old.ClientSecret
			}
			out.CreatedAt = old.CreatedAt
		} else {
			out.CreatedAt = now
		}
		for _, d := range domains {
			var other int64
			err := t.row(ctx, `SELECT provider_id FROM sign_in_domains WHERE domain = ?`, d).Scan(&other)
			if err == nil && other != in.ID {
				return lifeguard.Invalid("The sign-in provider is not valid", []lifeguard.Problem{{Path: "domains",
					Problem: fmt.Sprintf("%q is covered by another sign-in provider already", d)}})
			}
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		out.UpdatedAt = now
		action := jCreate
		if in.ID == 0 {
			id, err := t.insert(ctx, `INSERT INTO sign_in_providers (partnership_id, organisation_id, name, issuer,
				client_id, client_secret, create_users, trust_mfa, mfa_acr, password_off, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, out.PartnershipID, nullID(out.OrganisationID), out.Name,
				out.Issuer, out.ClientID, out.ClientSecret, out.CreateUsers, out.TrustMFA, out.MFAACR, out.PasswordOff,
				micros(now), micros(now))
			if err != nil {
				return err
			}
			out.ID = id
		} else {
			action = jUpdate
			if _, err := t.exec(ctx, `UPDATE sign_in_providers SET organisation_id = ?, name = ?, issuer = ?,
				client_id = ?, client_secret = ?, create_users = ?, trust_mfa = ?, mfa_acr = ?, password_off = ?,
				updated_at = ? WHERE id = ?`, nullID(out.OrganisationID), out.Name, out.Issuer, out.ClientID,
				out.ClientSecret, out.CreateUsers, out.TrustMFA, out.MFAACR, out.PasswordOff, micros(now), out.ID); err != nil {
				return err
			}
			if _, err := t.exec(ctx, `DELETE FROM sign_in_domains WHERE provider_id = ?`, out.ID); err != nil {
				return err
			}
		}
		for _, d := range domains {
			if _, err := t.exec(ctx, `INSERT INTO sign_in_domains (domain, provider_id) VALUES (?, ?)`, d, out.ID); err != nil {
				return err
			}
		}
		// The journal says what the provider may do, never its secret.
		return journal(ctx, t, a, now, action, jProvider, out.ID, fmt.Sprintf(
			"organisation=%d create_users=%t trust_mfa=%t password_off=%t domains=%d",
			out.OrganisationID, out.CreateUsers, out.TrustMFA, out.PasswordOff, len(domains)))
	})
	if err != nil {
		return nil, err
	}
	out.HasSecret = out.ClientSecret != ""
	out.ClientSecret = ""
	return &out, nil
}

// providerIn reads provider id, secret and all.
func providerIn(ctx context.Context, t *tx, id int64) (*lifeguard.SignInProvider, error) {
	p, err := scanProvider(t.row(ctx, `SELECT `+providerColumns+` FROM sign_in_providers WHERE id = ?`, id).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoProvider()
	}
	return p, err
}

// SignInProviders lists the providers of the administrator's partnership,
// without their secrets.
func (db *DB) SignInProviders(ctx context.Context) ([]lifeguard.SignInProvider, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	where, args := `1 = 1`, []any(nil)
	switch a.May(lifeguard.OpSignInProviders) {
	case lifeguard.ReachAll:
	case lifeguard.ReachPartnership:
		where, args = `partnership_id = ?`, []any{a.PartnershipID}
	default:
		return nil, errAdminOnly()
	}
	var out []lifeguard.SignInProvider
	err = db.inRead(ctx, "sign-in providers", func(t *tx) error {
		var err error
		out, err = scanAll(ctx, t, `SELECT `+providerColumns+` FROM sign_in_providers WHERE `+where+
			` ORDER BY id LIMIT 500`, args, scanProvider)
		if err != nil {
			return err
		}
		return withDomains(ctx, t, out)
	})
	for i := range out {
		out[i].ClientSecret = ""
	}
	return out, err
}

// RemoveSignInProvider removes a provider of the administrator's
// partnership, its domains and its sign-ins under way.
func (db *DB) RemoveSignInProvider(ctx context.Context, id int64) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	reach := a.May(lifeguard.OpSignInProviders)
	if reach == lifeguard.ReachNone {
		return errAdminOnly()
	}
	return db.inWrite(ctx, "remove sign-in provider", func(t *tx) error {
		old, err := providerIn(ctx, t, id)
		if err != nil {
			return err
		}
		if !reach.Covers(a.Near(0, 0, old.PartnershipID)) {
			return errNoProvider()
		}
		for _, q := range []string{`DELETE FROM sign_in_starts WHERE provider_id = ?`,
			`DELETE FROM sign_in_domains WHERE provider_id = ?`, `DELETE FROM sign_in_providers WHERE id = ?`} {
			if _, err := t.exec(ctx, q, id); err != nil {
				return err
			}
		}
		return journal(ctx, t, a, db.now(), "remove", jProvider, id, "")
	})
}

// ProviderForDomain returns the provider covering an email domain.
func (db *DB) ProviderForDomain(ctx context.Context, domain string) (*lifeguard.SignInProvider, error) {
	if err := systemOnly(ctx); err != nil {
		return nil, err
	}
	domain = strings.ToLower(strings.TrimSpace(domain))
	if !validDomain(domain) {
		return nil, errNoProvider()
	}
	var p *lifeguard.SignInProvider
	err := db.inRead(ctx, "provider for domain", func(t *tx) error {
		var err error
		p, err = scanProvider(t.row(ctx, `SELECT `+prefixed("p.", providerColumns)+` FROM sign_in_providers p
			JOIN sign_in_domains d ON d.provider_id = p.id WHERE d.domain = ?`, domain).Scan)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoProvider()
		}
		if err != nil {
			return err
		}
		ps := []lifeguard.SignInProvider{*p}
		if err := withDomains(ctx, t, ps); err != nil {
			return err
		}
		*p = ps[0]
		return nil
	})
	return p, err
}

// prefixed puts prefix before each column of a comma-separated list.
func prefixed(prefix, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = prefix + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// SignInProvider returns provider id with its secret, for sign-in.
func (db *DB) SignInProvider(ctx context.Context, id int64) (*lifeguard.SignInProvider, error) {
	if err := systemOnly(ctx); err != nil {
		return nil, err
	}
	var p *lifeguard.SignInProvider
	err := db.inRead(ctx, "sign-in provider", func(t *tx) error {
		var err error
		if p, err = providerIn(ctx, t, id); err != nil {
			return err
		}
		ps := []lifeguard.SignInProvider{*p}
		if err := withDomains(ctx, t, ps); err != nil {
			return err
		}
		*p = ps[0]
		return nil
	})
	return p, err
}

// StartSignIn keeps a sign-in under way, and forgets those that expired.
func (db *DB) StartSignIn(ctx context.Context, s lifeguard.SignInStart, now time.Time) error {
	if err := systemOnly(ctx); err != nil {
		return err
	}
	if len(s.StateHash) == 0 || len(s.BrowserHash) == 0 || s.Nonce == "" || s.Verifier == "" || s.ProviderID == 0 {
		return fmt.Errorf("sqlstore: a sign-in start needs its state, browser, nonce, verifier and provider")
	}
	return db.inWrite(ctx, "start sign-in", func(t *tx) error {
		if _, err := t.exec(ctx, `DELETE FROM sign_in_starts WHERE expires_at <= ?`, micros(now)); err != nil {
			return err
		}
		_, err := t.exec(ctx, `INSERT INTO sign_in_starts (state_hash, provider_id, browser_hash, nonce, verifier,
			next, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, s.StateHash, s.ProviderID, s.BrowserHash, s.Nonce,
			s.Verifier, s.Next, micros(s.ExpiresAt))
		return err
	})
}

// TakeSignIn returns the sign-in under way with the state, deleting it so
// that it is used once: ENOTFOUND when there is none, when it has
// expired, or when another browser presents it.
func (db *DB) TakeSignIn(ctx context.Context, stateHash, browserHash []byte, now time.Time) (*lifeguard.SignInStart, error) {
	if err := systemOnly(ctx); err != nil {
		return nil, err
	}
	var s lifeguard.SignInStart
	var refused error
	err := db.inWrite(ctx, "take sign-in", func(t *tx) error {
		var exp int64
		err := t.row(ctx, `SELECT state_hash, provider_id, browser_hash, nonce, verifier, next, expires_at
			FROM sign_in_starts WHERE state_hash = ?`, stateHash).Scan(&s.StateHash, &s.ProviderID, &s.BrowserHash,
			&s.Nonce, &s.Verifier, &s.Next, &exp)
		if errors.Is(err, sql.ErrNoRows) {
			return lifeguard.Errorf(lifeguard.ENOTFOUND, "This sign-in has been used already, or was never started here.")
		}
		if err != nil {
			return err
		}
		// Deleted whatever follows: a state shown to the wrong browser is
		// spent, so that whoever holds it cannot try again.
		if _, err := t.exec(ctx, `DELETE FROM sign_in_starts WHERE state_hash = ?`, stateHash); err != nil {
			return err
		}
		// The refusals below are returned after the transaction commits,
		// so that the deletion stands.
		s.ExpiresAt = fromMicros(exp)
		switch {
		case string(s.BrowserHash) != string(browserHash):
			refused = lifeguard.Errorf(lifeguard.ENOTFOUND, "This sign-in was started in another browser.")
		case !now.Before(s.ExpiresAt):
			refused = lifeguard.Errorf(lifeguard.ENOTFOUND, "This sign-in took too long and has expired.")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if refused != nil {
		return nil, refused
	}
	return &s, nil
}

// RecordSignInRefusal journals a refused answer of provider id. The
// reason is a code such as "audience" or "nonce", never a claim's value.
func (db *DB) RecordSignInRefusal(ctx context.Context, providerID int64, reason string) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if !a.IsSystem() {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only Lifeguard itself can do that.")
	}
	for _, r := range reason {
		if !(r >= 'a' && r <= 'z' || r == '_') {
			return fmt.Errorf("sqlstore: a refusal's reason must be a code, not %q", reason)
		}
	}
	return db.inWrite(ctx, "record sign-in refusal", func(t *tx) error {
		return journal(ctx, t, a, db.now(), jRefuse, jProvider, providerID, "reason="+reason)
	})
}

// ProviderUser finds, or with create makes, the user a provider signs in.
func (db *DB) ProviderUser(ctx context.Context, p *lifeguard.SignInProvider, email, name string, create bool) (*lifeguard.User, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.IsSystem() {
		return nil, lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only Lifeguard itself can do that.")
	}
	email = strings.ToLower(strings.TrimSpace(email))
	if !signInEmail(email) {
		return nil, errNoUser()
	}
	_, domain, _ := strings.Cut(email, "@")
	if !slices.Contains(p.Domains, domain) {
		return nil, lifeguard.Errorf(lifeguard.EFORBIDDEN, "This provider does not cover the address's domain.")
	}
	var u *lifeguard.User
	err = db.inWrite(ctx, "provider user", func(t *tx) error {
		var err error
		u, err = scanUser(t.row(ctx, `SELECT `+userColumns+userFrom+` WHERE u.email = ?`, email).Scan)
		switch {
		case err == nil:
			// The provider speaks for its own organisation, or its
			// partnership: never for a user elsewhere with the same domain.
			if u.PartnershipID != p.PartnershipID || p.OrganisationID != 0 && u.OrganisationID != p.OrganisationID {
				return errNoUser()
			}
			return nil
		case !errors.Is(err, sql.ErrNoRows):
			return err
		case !create || !p.CreateUsers || p.OrganisationID == 0:
			return errNoUser()
		}
		if strings.TrimSpace(name) == "" || lifeguard.TextProblem(name) != "" || len(name) > lifeguard.MaxShortText {
			name = email // the provider gave no usable name; the address stands for it
		}
		now := db.now()
		u = &lifeguard.User{Email: email, Name: name, Role: lifeguard.RoleStaff, OrganisationID: p.OrganisationID,
			PartnershipID: p.PartnershipID, CreatedAt: now}
		u.ID, err = t.insert(ctx, `INSERT INTO users (organisation_id, email, name, role, created_at, deputy)
			VALUES (?, ?, ?, ?, ?, ?)`, u.OrganisationID, email, name, string(lifeguard.RoleStaff), micros(now), false)
		if err != nil {
			return err
		}
		return journal(ctx, t, a, now, jCreate, jUser, u.ID, fmt.Sprintf("role=staff provider=%d", p.ID))
	})
	return u, err
}
