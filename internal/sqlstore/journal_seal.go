package sqlstore

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/lifeguard-scp/lifeguard"
)

// The hash chain shows a changed or deleted entry anywhere before the
// head, but not a journal cut short: delete the newest entries, point the
// head row at the last one left, and what remains is a whole chain. The
// seal closes that. It is an HMAC-SHA256, under a key that is kept out of
// the database (Config.JournalKey), of the head's sequence number and hash,
// written into journal_head with them at every commit that appends.
// Someone who can write to the database but does not hold the key cannot
// seal a head of their choosing, so cutting off entries and rewinding the
// head leaves a head whose seal does not match, and VerifyJournal names the
// entry after it as the first missing one.
//
// What the seal cannot show: a head put back together with the seal it had
// at that moment, copied earlier by someone who could read the database (a
// rollback to an older state of the journal). Only a record kept outside
// the database shows that; docs/operations.md says how an operator keeps
// one. Holding the key is holding the power to reseal: it must be kept as
// carefully as the database's own password.
//
// A store given a key refuses to extend a head that its seal does not
// match, so a cut journal cannot be made whole again by the next write
// sealing the shortened chain. The one way to seal a head without
// checking the seal it has is SealJournal, an administrator's act that is
// itself journalled: so a journal sealed with a key always has at least
// that entry, and an emptied journal (head 0) never carries a valid seal.

// sealVersion tags the encoding of the sealed fields, as journalVersion
// does for entries.
const sealVersion = "lifeguard-journal-seal-1"

// JournalKeySize is the length in bytes of a journal key.
const JournalKeySize = 32

// sealOf is the seal of the head (seq, hash) under key.
func sealOf(key []byte, seq int64, hash string) string {
	m := hmac.New(sha256.New, key)
	for _, f := range []string{sealVersion, strconv.FormatInt(seq, 10), hash} {
		// Netstrings, as in entryHash, so that no two heads encode alike.
		fmt.Fprintf(m, "%d:%s,", len(f), f)
	}
	return hex.EncodeToString(m.Sum(nil))
}

// sealMatches reports whether seal is the seal of (seq, hash) under key, in
// time that does not depend on where they differ.
func sealMatches(key []byte, seq int64, hash, seal string) bool {
	return hmac.Equal([]byte(sealOf(key, seq, hash)), []byte(seal))
}

// errUnsealedHead is what a keyed store answers instead of appending to a
// head whose seal does not match.
func errUnsealedHead() error {
	return lifeguard.Errorf(lifeguard.EINTERNAL,
		"The journal's head is not sealed with this server's journal key, so nothing can be recorded. "+
			"An administrator must run lifeguard journal verify.")
}

// errSealedWithoutKey is what a store without a key answers instead of
// appending to a sealed head.
func errSealedWithoutKey() error {
	return lifeguard.Errorf(lifeguard.EINTERNAL,
		"The journal is sealed, but this store was opened without the journal key, so nothing can be recorded. "+
			"Give the key (--journal-key FILE or LIFEGUARD_JOURNAL_KEY_FILE).")
}

// JournalHeadSealed reports whether the journal's head carries a seal, and
// whether that seal matches the store's key (false without a key). Servers
// check it at start-up, so that a tampered head, or a server given the
// wrong key, stops there rather than at the first concern recorded.
func (db *DB) JournalHeadSealed(ctx context.Context) (hasSeal, matches bool, err error) {
	err = db.inRead(ctx, "journal head", func(tx *tx) error {
		var seq int64
		var hash, seal string
		if err := tx.row(ctx, `SELECT seq, hash, seal FROM journal_head WHERE id = 1`).Scan(&seq, &hash, &seal); err != nil {
			return err
		}
		hasSeal = seal != ""
		matches = db.journalKey != nil && sealMatches(db.journalKey, seq, hash, seal)
		return nil
	})
	return hasSeal, matches, err
}

// SealJournal seals the journal's head with the store's key without
// checking the seal it had: it is how a journal is first sealed, and how an
// operator moves to a new key. It walks the chain first and refuses to seal
// a broken one (it returns the report then), and it appends an entry
// (record "journal", action "seal", the key's fingerprint as detail) so
// that every sealing is in the chain it seals. Administrators and the
// system may seal. It returns the sealed head's sequence number.
func (db *DB) SealJournal(ctx context.Context) (int64, *lifeguard.JournalReport, error) {
	a, err := actor(ctx)
	if err != nil {
		return 0, nil, err
	}
	if !isAdmin(a) {
		return 0, nil, errAdminOnly()
	}
	if db.journalKey == nil {
		return 0, nil, fmt.Errorf("sqlstore: seal journal: the store has no journal key")
	}
	rep, err := db.walkJournal(ctx, false)
	if err != nil {
		return 0, nil, err
	}
	if rep.FirstBroken != 0 {
		return 0, rep, nil
	}
	var head int64
	err = db.inWrite(ctx, "seal journal", func(tx *tx) error {
		tx.jnl.trustHead = true
		if err := journal(ctx, tx, a, db.now(), jSeal, jJournal, 0, "key="+KeyFingerprint(db.journalKey)); err != nil {
			return err
		}
		head = tx.jnl.seq
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	db.log.Info("journal sealed", slog.Int64("seq", head), slog.String("key", KeyFingerprint(db.journalKey)))
	return head, rep, nil
}

// KeyFingerprint names a journal key in the journal and in messages
// without giving it away: the first 8 bytes of the SHA-256 of the key, in
// hex.
func KeyFingerprint(key []byte) string {
	sum := sha256.Sum256(key)
	return hex.EncodeToString(sum[:8])
}
