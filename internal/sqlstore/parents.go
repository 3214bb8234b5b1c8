package sqlstore

import (
	"context"
	"database/sql"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

func errNoParentContact() error {
	return lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such session or communication for parents.")
}

const parentColumns = `id, organisation_id, held_on, topic, kind, reached, notes, recorded_by, created_at, updated_at`

func scanParentContact(scan func(...any) error) (*lifeguard.ParentContact, error) {
	var c lifeguard.ParentContact
	var on, kind string
	var by sql.NullInt64
	var created, updated int64
	if err := scan(&c.ID, &c.OrganisationID, &on, &c.Topic, &kind, &c.Reached, &c.Notes, &by, &created, &updated); err != nil {
		return nil, err
	}
	d, err := parseDay(on)
	if err != nil {
		return nil, err
	}
	c.On, c.Kind, c.RecordedBy = d, lifeguard.ParentContactKind(kind), by.Int64
	c.CreatedAt, c.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &c, nil
}

func parentKindCodes() string {
	var s []string
	for _, k := range lifeguard.ParentContactKinds() {
		s = append(s, string(k))
	}
	return strings.Join(s, ", ")
}

func (p *problems) parentContact(in *lifeguard.NewParentContact, today lifeguard.Date) {
	in.Topic, in.Notes = strings.TrimSpace(in.Topic), strings.TrimSpace(in.Notes)
	p.pastDate("on", in.On, today, "the date it was held or sent")
	p.text("topic", in.Topic, lifeguard.MaxParentTopic, true)
	switch {
	case lifeguard.TextProblem(string(in.Kind)) != "":
		p.check("kind", string(in.Kind))
	case in.Kind == "":
		p.add("kind", "is required: one of %s", parentKindCodes())
	case !in.Kind.Valid():
		p.add("kind", "%q is not a kind of contact; use one of %s", in.Kind, parentKindCodes())
	}
	p.count("reached", in.Reached, lifeguard.MaxReached)
	p.text("notes", in.Notes, lifeguard.MaxParentNotes, false)
}

// ParentContacts lists an organisation's sessions and communications.
func (db *DB) ParentContacts(ctx context.Context, organisationID int64) ([]lifeguard.ParentContact, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	out := []lifeguard.ParentContact{}
	err = db.inRead(ctx, "parent contacts", func(tx *tx) error {
		org, err := preventionOrg(ctx, tx, a, lifeguard.OpReadPrevention, organisationID)
		if err != nil {
			return err
		}
		return each(ctx, tx, `SELECT `+parentColumns+` FROM parent_contacts WHERE organisation_id = ?
			ORDER BY held_on DESC, id DESC`, []any{org}, func(scan func(...any) error) error {
			c, err := scanParentContact(scan)
			if err == nil {
				out = append(out, *c)
			}
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func readParentContact(ctx context.Context, tx *tx, a *lifeguard.Actor, op lifeguard.Op, id int64) (*lifeguard.ParentContact, error) {
	c, err := scanParentContact(tx.row(ctx, `SELECT `+parentColumns+` FROM parent_contacts WHERE id = ?`, id).Scan)
	if err != nil {
		return nil, noRow(err, errNoParentContact)
	}
	return c, registerRow(a, op, c.OrganisationID, errNoParentContact)
}

// ParentContact returns one session or communication.
func (db *DB) ParentContact(ctx context.Context, id int64) (*lifeguard.ParentContact, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out *lifeguard.ParentContact
	err = db.inRead(ctx, "parent contact", func(tx *tx) error {
		out, err = readParentContact(ctx, tx, a, lifeguard.OpReadPrevention, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RecordParentContact records a session or communication of the actor's
// organisation.
func (db *DB) RecordParentContact(ctx context.Context, in lifeguard.NewParentContact) (*lifeguard.ParentContact, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	now := db.now()
	var out *lifeguard.ParentContact
	err = db.inWrite(ctx, "record parent contact", func(tx *tx) error {
		org, err := preventionOrg(ctx, tx, a, lifeguard.OpKeepPrevention, 0)
		if err != nil {
			return err
		}
		var p problems
		p.parentContact(&in, dayOf(now))
		if err := p.err("The session or communication is not valid"); err != nil {
			return err
		}
		id, err := tx.insert(ctx, `INSERT INTO parent_contacts (organisation_id, held_on, topic, kind, reached, notes,
			recorded_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, org, in.On.String(), in.Topic,
			string(in.Kind), in.Reached, in.Notes, nullID(a.UserID), micros(now), micros(now))
		if err != nil {
			return err
		}
		out, err = readParentContact(ctx, tx, a, lifeguard.OpKeepPrevention, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// EditParentContact changes a session or communication.
func (db *DB) EditParentContact(ctx context.Context, id int64, in lifeguard.NewParentContact) (*lifeguard.ParentContact, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	now := db.now()
	var out *lifeguard.ParentContact
	err = db.inWrite(ctx, "edit parent contact", func(tx *tx) error {
		if _, err := readParentContact(ctx, tx, a, lifeguard.OpKeepPrevention, id); err != nil {
			return err
		}
		var p problems
		p.parentContact(&in, dayOf(now))
		if err := p.err("The session or communication is not valid"); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE parent_contacts SET held_on = ?, topic = ?, kind = ?, reached = ?, notes = ?,
			updated_at = ? WHERE id = ?`, in.On.String(), in.Topic, string(in.Kind), in.Reached, in.Notes, micros(now),
			id); err != nil {
			return err
		}
		out, err = readParentContact(ctx, tx, a, lifeguard.OpKeepPrevention, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
