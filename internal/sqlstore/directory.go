package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/lifeguard-scp/lifeguard"
)

var _ lifeguard.DirectoryStore = (*DB)(nil)

// directoryPartnership is the partnership an actor's directory call is
// about: p, or the actor's own when p is 0.
func directoryPartnership(a *lifeguard.Actor, p int64) int64 {
	if p == 0 && !a.IsSystem() {
		return a.PartnershipID
	}
	return p
}

// SaveDirectoryVersion saves document as the next version of partnership
// p's directory, refusing it with ECONFLICT unless base is the newest
// version now.
func (db *DB) SaveDirectoryVersion(ctx context.Context, p int64, base int, document, summary string) (lifeguard.DirectoryVersion, error) {
	a, err := actor(ctx)
	if err != nil {
		return lifeguard.DirectoryVersion{}, err
	}
	p = directoryPartnership(a, p)
	if err := directoryAccess(a, true, p); err != nil {
		return lifeguard.DirectoryVersion{}, err
	}
	var pr problems
	switch {
	case strings.TrimSpace(document) == "":
		pr.add("document", "is required: the local procedure file of the directory")
	case len(document) > lifeguard.MaxDirectoryDocument:
		pr.add("document", "is %d bytes; a directory is at most %d", len(document), lifeguard.MaxDirectoryDocument)
	case !utf8.ValidString(document) || strings.ContainsRune(document, 0):
		pr.add("document", "must be UTF-8 text")
	}
	pr.text("summary", summary, 500, true)
	if base < 0 {
		pr.add("base", "must be 0 or a version number")
	}
	if err := pr.err("The directory version is not valid"); err != nil {
		return lifeguard.DirectoryVersion{}, err
	}
	v := lifeguard.DirectoryVersion{PartnershipID: p, Document: document, Summary: summary, SavedByID: a.UserID}
	err = db.inWrite(ctx, "save directory version", func(tx *tx) error {
		var cur int
		if err := tx.row(ctx, `SELECT COALESCE(MAX(version), 0) FROM directory_versions WHERE partnership_id = ?`, p).Scan(&cur); err != nil {
			return err
		}
		if cur != base {
			return lifeguard.Errorf(lifeguard.ECONFLICT,
				"Version %d of the directory was saved after you began from version %d: look at it, then make your change again.", cur, base)
		}
		v.Version, v.SavedAt = cur+1, db.now()
		if _, err := tx.exec(ctx, `INSERT INTO directory_versions (partnership_id, version, document, summary, saved_by, saved_at)
			VALUES (?, ?, ?, ?, ?, ?)`, p, v.Version, document, summary, nullID(a.UserID), micros(v.SavedAt)); err != nil {
			return err
		}
		return journal(ctx, tx, a, v.SavedAt, jUpdate, "partnership", p, fmt.Sprintf("directory version=%d", v.Version))
	})
	if err != nil {
		return lifeguard.DirectoryVersion{}, err
	}
	return db.directoryVersion(ctx, p, v.Version)
}

// DirectoryVersions lists partnership p's versions, newest first, without
// their documents.
func (db *DB) DirectoryVersions(ctx context.Context, p int64) ([]lifeguard.DirectoryVersion, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	p = directoryPartnership(a, p)
	if err := directoryAccess(a, true, p); err != nil {
		return nil, err
	}
	return readAll(ctx, db, "directory versions", `SELECT d.version, d.summary, COALESCE(d.saved_by, 0), COALESCE(u.name, ''), d.saved_at
		FROM directory_versions d LEFT JOIN users u ON u.id = d.saved_by WHERE d.partnership_id = ? ORDER BY d.version DESC`,
		[]any{p}, func(scan func(...any) error) (*lifeguard.DirectoryVersion, error) {
			v := lifeguard.DirectoryVersion{PartnershipID: p}
			var at int64
			if err := scan(&v.Version, &v.Summary, &v.SavedByID, &v.SavedBy, &at); err != nil {
				return nil, err
			}
			v.SavedAt = fromMicros(at)
			return &v, nil
		})
}

// DirectoryVersionAt reads one version of partnership p's directory with
// its document.
func (db *DB) DirectoryVersionAt(ctx context.Context, p int64, version int) (lifeguard.DirectoryVersion, error) {
	a, err := actor(ctx)
	if err != nil {
		return lifeguard.DirectoryVersion{}, err
	}
	p = directoryPartnership(a, p)
	if err := directoryAccess(a, true, p); err != nil {
		return lifeguard.DirectoryVersion{}, err
	}
	if version <= 0 {
		return lifeguard.DirectoryVersion{}, lifeguard.Invalid("The directory version is not valid",
			[]lifeguard.Problem{{Path: "version", Problem: "must be a version number, 1 or more"}})
	}
	return db.directoryVersion(ctx, p, version)
}

// CurrentDirectory reads the newest version of partnership p's directory:
// the local procedure of the actor's partnership, which every new concern's
// triage needs whatever the actor's role. It holds no personal data.
func (db *DB) CurrentDirectory(ctx context.Context, p int64) (lifeguard.DirectoryVersion, error) {
	a, err := actor(ctx)
	if err != nil {
		return lifeguard.DirectoryVersion{}, err
	}
	p = directoryPartnership(a, p)
	if !a.IsSystem() && a.PartnershipID != p {
		return lifeguard.DirectoryVersion{}, lifeguard.Errorf(lifeguard.EFORBIDDEN, "The directory is its own partnership's.")
	}
	return db.directoryVersion(ctx, p, 0)
}

// directoryVersion reads version of p, the newest when version is 0
// (Version 0 when p has none).
func (db *DB) directoryVersion(ctx context.Context, p int64, version int) (lifeguard.DirectoryVersion, error) {
	v := lifeguard.DirectoryVersion{PartnershipID: p}
	q := `SELECT d.version, d.document, d.summary, COALESCE(d.saved_by, 0), COALESCE(u.name, ''), d.saved_at
		FROM directory_versions d LEFT JOIN users u ON u.id = d.saved_by WHERE d.partnership_id = ?`
	args := []any{p}
	if version > 0 {
		q += ` AND d.version = ?`
		args = append(args, version)
	} else {
		q += ` ORDER BY d.version DESC LIMIT 1`
	}
	err := db.inRead(ctx, "directory version", func(tx *tx) error {
		var at int64
		err := tx.row(ctx, q, args...).Scan(&v.Version, &v.Document, &v.Summary, &v.SavedByID, &v.SavedBy, &at)
		v.SavedAt = fromMicros(at)
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		if version == 0 {
			return lifeguard.DirectoryVersion{PartnershipID: p}, nil
		}
		return lifeguard.DirectoryVersion{}, lifeguard.Errorf(lifeguard.ENOTFOUND, "The directory has no version %d.", version)
	}
	return v, err
}
