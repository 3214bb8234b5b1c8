package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// Partnerships, organisations and users. Administrators work within their
// own partnership, the system anywhere; any signed-in user reads their
// partnership's organisations, their own user and the users of their
// organisation (whose names appear on its records). These reads are not
// journaled: they hold no child's record.

func errNoOrganisation() error {
	return lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such organisation.")
}

func errNoUser() error { return lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such user.") }

// CreatePartnership records a partnership.
func (db *DB) CreatePartnership(ctx context.Context, name string) (*lifeguard.Partnership, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !isAdmin(a) {
		return nil, errAdminOnly()
	}
	var p problems
	p.text("name", name, lifeguard.MaxShortText, true)
	if err := p.err("The partnership is not valid"); err != nil {
		return nil, err
	}
	out := &lifeguard.Partnership{Name: name}
	err = db.inWrite(ctx, "create partnership", func(tx *tx) error {
		var err error
		out.ID, err = tx.insert(ctx, `INSERT INTO partnerships (name, created_at) VALUES (?, ?)`, name, micros(db.now()))
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Partnership returns the actor's own partnership, or any for the system.
func (db *DB) Partnership(ctx context.Context, id int64) (*lifeguard.Partnership, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.IsSystem() && a.PartnershipID != id {
		return nil, lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such partnership.")
	}
	out := &lifeguard.Partnership{ID: id}
	err = db.inRead(ctx, "partnership", func(tx *tx) error {
		return tx.row(ctx, `SELECT name FROM partnerships WHERE id = ?`, id).Scan(&out.Name)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such partnership.")
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CreateOrganisation records an organisation in a partnership: the
// administrator's own (PartnershipID zero or theirs), or any for the system.
func (db *DB) CreateOrganisation(ctx context.Context, o lifeguard.Organisation) (*lifeguard.Organisation, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !isAdmin(a) {
		return nil, errAdminOnly()
	}
	if o.PartnershipID == 0 && !a.IsSystem() {
		o.PartnershipID = a.PartnershipID
	}
	var p problems
	p.text("name", o.Name, lifeguard.MaxShortText, true)
	switch {
	case o.Setting == "":
		p.add("setting", "is required")
	case !slices.Contains(lifeguard.Settings(), o.Setting):
		p.add("setting", "%q is not a setting", o.Setting)
	}
	if !a.IsSystem() && o.PartnershipID != a.PartnershipID {
		p.add("partnership_id", "is not a partnership you administer")
	}
	p.phone("safeguarding_phone", o.SafeguardingPhone)
	if err := p.err("The organisation is not valid"); err != nil {
		return nil, err
	}
	err = db.inWrite(ctx, "create organisation", func(tx *tx) error {
		var n int
		if err := tx.row(ctx, `SELECT COUNT(*) FROM partnerships WHERE id = ?`, o.PartnershipID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return lifeguard.Invalid("The organisation is not valid", []lifeguard.Problem{{
				Path: "partnership_id", Problem: "is not a partnership"}})
		}
		o.CreatedAt = db.now()
		var err error
		o.ID, err = tx.insert(ctx, `INSERT INTO organisations (partnership_id, name, setting, provides_internet,
			safeguarding_phone, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			o.PartnershipID, o.Name, string(o.Setting), o.ProvidesInternet, o.SafeguardingPhone, micros(o.CreatedAt))
		return err
	})
	if err != nil {
		return nil, err
	}
	return &o, nil
}

const orgColumns = `id, partnership_id, name, setting, provides_internet, safeguarding_phone, children_count,
	children_count_at, created_at`

func scanOrganisation(scan func(...any) error) (*lifeguard.Organisation, error) {
	var o lifeguard.Organisation
	var setting string
	var created int64
	var children, childrenAt sql.NullInt64
	if err := scan(&o.ID, &o.PartnershipID, &o.Name, &setting, &o.ProvidesInternet, &o.SafeguardingPhone, &children,
		&childrenAt, &created); err != nil {
		return nil, err
	}
	o.Setting, o.CreatedAt = lifeguard.Setting(setting), fromMicros(created)
	if children.Valid {
		n := children.Int64
		o.ChildrenCount = &n
	}
	if childrenAt.Valid {
		t := fromMicros(childrenAt.Int64)
		o.ChildrenCountAt = &t
	}
	return &o, nil
}

// Organisation returns an organisation of the actor's partnership.
func (db *DB) Organisation(ctx context.Context, id int64) (*lifeguard.Organisation, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var o *lifeguard.Organisation
	err = db.inRead(ctx, "organisation", func(tx *tx) error {
		o, err = scanOrganisation(tx.row(ctx, `SELECT `+orgColumns+` FROM organisations WHERE id = ?`, id).Scan)
		if errors.Is(err, sql.ErrNoRows) || err == nil && !a.IsSystem() && o.PartnershipID != a.PartnershipID {
			return errNoOrganisation()
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// SetSafeguardingPhone sets or clears the organisation's safeguarding
// contact number: administrators of its partnership, or the system.
func (db *DB) SetSafeguardingPhone(ctx context.Context, orgID int64, phone string) (*lifeguard.Organisation, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var o *lifeguard.Organisation
	err = db.inWrite(ctx, "set safeguarding phone", func(tx *tx) error {
		o, err = scanOrganisation(tx.row(ctx, `SELECT `+orgColumns+` FROM organisations WHERE id = ?`, orgID).Scan)
		if errors.Is(err, sql.ErrNoRows) || err == nil && !a.IsSystem() && o.PartnershipID != a.PartnershipID {
			return errNoOrganisation()
		}
		if err != nil {
			return err
		}
		if !isAdmin(a) {
			return errAdminOnly()
		}
		var p problems
		p.phone("safeguarding_phone", phone)
		if err := p.err("The organisation is not valid"); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE organisations SET safeguarding_phone = ? WHERE id = ?`, phone, orgID); err != nil {
			return err
		}
		o.SafeguardingPhone = phone
		return nil
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// Organisations lists the organisations of the actor's partnership by name;
// every organisation for the system.
func (db *DB) Organisations(ctx context.Context) ([]lifeguard.Organisation, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	q, args := `SELECT `+orgColumns+` FROM organisations WHERE partnership_id = ? ORDER BY name, id`, []any{a.PartnershipID}
	if a.IsSystem() {
		q, args = `SELECT `+orgColumns+` FROM organisations ORDER BY name, id`, nil
	}
	return readAll(ctx, db, "organisations", q, args, scanOrganisation)
}

// validEmail is a light check: one @ with something either side, no spaces,
// a dot in the domain. Whether the address works is for the invitation to
// find out.
func validEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && domain != "" && !strings.ContainsAny(s, " \t\r\n<>,;") &&
		!strings.Contains(domain, "@") && strings.Contains(domain, ".") && len(s) <= 254
}

// CreateUser records a user of an organisation of the administrator's
// partnership. The email is kept lower-cased: two addresses that differ
// only in case are one user.
func (db *DB) CreateUser(ctx context.Context, in lifeguard.NewUser) (*lifeguard.User, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !isAdmin(a) {
		return nil, errAdminOnly()
	}
	email := strings.ToLower(strings.TrimSpace(in.Email))
	var p problems
	switch {
	case email == "":
		p.add("email", "is required")
	case lifeguard.TextProblem(in.Email) != "":
		// Checked as given: lower-casing would turn invalid UTF-8 into
		// U+FFFD and hide it.
		p.check("email", in.Email)
	case !validEmail(email):
		p.add("email", "is not an email address")
	}
	p.text("name", in.Name, lifeguard.MaxShortText, true)
	switch {
	case in.Role == "":
		p.add("role", "is required")
	case !in.Role.Valid():
		p.add("role", "%q is not a role", in.Role)
	}
	if in.OrganisationID == 0 {
		p.add("organisation_id", "is required")
	}
	if in.Deputy && in.Role != lifeguard.RoleDSL && in.Role.Valid() {
		p.add("deputy", "only a safeguarding lead (role dsl) can be a deputy, not role %q", in.Role)
	}
	if err := p.err("The user is not valid"); err != nil {
		return nil, err
	}
	var u *lifeguard.User
	err = db.inWrite(ctx, "create user", func(tx *tx) error {
		var partnership int64
		err := tx.row(ctx, `SELECT partnership_id FROM organisations WHERE id = ?`, in.OrganisationID).Scan(&partnership)
		if errors.Is(err, sql.ErrNoRows) || err == nil && !a.IsSystem() && partnership != a.PartnershipID {
			return lifeguard.Invalid("The user is not valid", []lifeguard.Problem{{
				Path: "organisation_id", Problem: "is not an organisation of your partnership"}})
		}
		if err != nil {
			return err
		}
		var n int
		if err := tx.row(ctx, `SELECT COUNT(*) FROM users WHERE email = ?`, email).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return lifeguard.Invalid("The user is not valid", []lifeguard.Problem{{
				Path: "email", Problem: "is already the address of another user"}})
		}
		var hash any
		if in.PasswordHash != "" {
			hash = in.PasswordHash
		}
		now := db.now()
		u = &lifeguard.User{Email: email, Name: in.Name, Role: in.Role, OrganisationID: in.OrganisationID,
			PartnershipID: partnership, Deputy: in.Deputy, CreatedAt: now}
		u.ID, err = tx.insert(ctx, `INSERT INTO users (organisation_id, email, name, role, password_hash, created_at, deputy)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, in.OrganisationID, email, in.Name, string(in.Role), hash, micros(now), in.Deputy)
		return err
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

const userColumns = `u.id, u.email, u.name, u.role, u.organisation_id, o.partnership_id, u.disabled, u.created_at,
	u.last_sign_in_at, u.deputy`

const userFrom = ` FROM users u JOIN organisations o ON o.id = u.organisation_id`

// scanOneUser is scanUser with no extra columns, in the shape scanAll and
// readAll take.
func scanOneUser(scan func(...any) error) (*lifeguard.User, error) { return scanUser(scan) }

func scanUser(scan func(...any) error, extra ...any) (*lifeguard.User, error) {
	var u lifeguard.User
	var role string
	var created int64
	var last sql.NullInt64
	dest := append([]any{&u.ID, &u.Email, &u.Name, &role, &u.OrganisationID, &u.PartnershipID, &u.Disabled,
		&created, &last, &u.Deputy}, extra...)
	if err := scan(dest...); err != nil {
		return nil, err
	}
	u.Role, u.CreatedAt, u.LastSignInAt = lifeguard.Role(role), fromMicros(created), timePtr(last)
	return &u, nil
}

// User returns a user the actor may see; ENOTFOUND for any other.
func (db *DB) User(ctx context.Context, id int64) (*lifeguard.User, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var u *lifeguard.User
	err = db.inRead(ctx, "user", func(tx *tx) error {
		u, err = scanUser(tx.row(ctx, `SELECT `+userColumns+userFrom+` WHERE u.id = ?`, id).Scan)
		if errors.Is(err, sql.ErrNoRows) || err == nil && !canSeeUser(a, u) {
			return errNoUser()
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// Users lists the users of the administrator's partnership, or every user
// for the system, by organisation and name.
func (db *DB) Users(ctx context.Context) ([]lifeguard.User, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !isAdmin(a) {
		return nil, errAdminOnly()
	}
	q, args := `SELECT `+userColumns+userFrom+` WHERE o.partnership_id = ? ORDER BY u.organisation_id, u.name, u.id`,
		[]any{a.PartnershipID}
	if a.IsSystem() {
		q, args = `SELECT `+userColumns+userFrom+` ORDER BY u.organisation_id, u.name, u.id`, nil
	}
	return readAll(ctx, db, "users", q, args, scanOneUser)
}

// SetUserDisabled disables or enables a user of the administrator's
// partnership. Disabling also ends the user's sessions, in the same
// transaction, so that a disabled user is signed out everywhere at once.
func (db *DB) SetUserDisabled(ctx context.Context, id int64, disabled bool) (*lifeguard.User, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var u *lifeguard.User
	err = db.inWrite(ctx, "set user disabled", func(tx *tx) error {
		u, err = scanUser(tx.row(ctx, `SELECT `+userColumns+userFrom+` WHERE u.id = ?`, id).Scan)
		if errors.Is(err, sql.ErrNoRows) || err == nil && !canSeeUser(a, u) {
			return errNoUser()
		}
		if err != nil {
			return err
		}
		if !canAdministerUser(a, u) {
			return errAdminOnly()
		}
		// disabled_at starts the schedule's user clock (retention_prune.go);
		// disabling an account already disabled leaves it running.
		var at any
		if disabled {
			at = micros(db.now())
		}
		if _, err := tx.exec(ctx, `UPDATE users SET disabled = ?, disabled_at = CASE WHEN ? THEN COALESCE(disabled_at, ?) END
			WHERE id = ?`, disabled, disabled, at, id); err != nil {
			return err
		}
		if disabled {
			if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
				return err
			}
		}
		u.Disabled = disabled
		return nil
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}
