package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/lifeguard-scp/lifeguard"
)

// Preferences and SetPreferences work on the acting user's own row only: no
// id is passed, so no one can read or change another user's. They are not
// journaled: they hold nothing about a child.

// Preferences returns the acting user's display settings.
func (db *DB) Preferences(ctx context.Context) (*lifeguard.Preferences, error) {
	a, err := ownUser(ctx)
	if err != nil {
		return nil, err
	}
	var p lifeguard.Preferences
	err = db.inRead(ctx, "preferences", func(tx *tx) error {
		var size string
		err := tx.row(ctx, `SELECT text_size, high_visibility FROM users WHERE id = ?`, a.UserID).
			Scan(&size, &p.HighVisibility)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoUser()
		}
		p.TextSize = lifeguard.TextSize(size)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// SetPreferences replaces the acting user's display settings.
func (db *DB) SetPreferences(ctx context.Context, p lifeguard.Preferences) (*lifeguard.Preferences, error) {
	a, err := ownUser(ctx)
	if err != nil {
		return nil, err
	}
	if !p.TextSize.Valid() {
		return nil, lifeguard.Invalid("The preferences are not valid", []lifeguard.Problem{{Path: "text_size",
			Problem: "must be small, medium or large"}})
	}
	err = db.updateOne(ctx, "set preferences", errNoUser,
		`UPDATE users SET text_size = ?, high_visibility = ? WHERE id = ?`, string(p.TextSize), p.HighVisibility, a.UserID)
	if err != nil {
		return nil, err
	}
	return &p, nil
}
