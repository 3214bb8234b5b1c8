package sqlstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"strconv"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// The journal is append-only and hash-chained. Each entry's hash is the hex
// SHA-256 of a canonical encoding of the entry and the hash of the entry
// before it, so changing or deleting any row breaks the chain from there on.
//
// The canonical encoding is the concatenation of these fields, in this
// order, each written as its length in bytes in decimal, a colon, the bytes
// and a comma (a netstring), so that no two different entries encode alike:
//
//	"lifeguard-journal-1", prev_hash, seq, at, user_id, role,
//	organisation_id, via, action, record, record_id, detail
//
// Numbers are in decimal; at is Unix microseconds; prev_hash is "" for the
// first entry. The version tag lets a later encoding coexist with this one.
const journalVersion = "lifeguard-journal-1"

// Journal actions.
const (
	jCreate = "create"
	jRead   = "read"
	jUpdate = "update"
	jList   = "list"
	jSeal   = "seal"
	jBackup = "backup"
	// jDisclose is a copy of a record leaving Lifeguard: a chronology
	// exported or printed.
	jDisclose = "disclose"
)

// Journal records.
const (
	jConcern = "concern"
	jChild   = "child"
	// jUser is an administrator's act on an account's sign-in (a reset of
	// its second factor, a cleared throttle).
	jUser    = "user"
	jJournal = "journal"
	// jDatabase is the whole database: a backup copies every record.
	jDatabase = "database"
)

// entryHash computes the hash of e chained to e.PrevHash.
func entryHash(h hash.Hash, e *lifeguard.JournalEntry) string {
	h.Reset()
	var buf []byte
	field := func(s string) {
		buf = strconv.AppendInt(buf[:0], int64(len(s)), 10)
		buf = append(buf, ':')
		buf = append(buf, s...)
		buf = append(buf, ',')
		h.Write(buf)
	}
	num := func(n int64) { field(strconv.FormatInt(n, 10)) }
	field(journalVersion)
	field(e.PrevHash)
	num(e.Seq)
	num(micros(e.At))
	num(e.UserID)
	field(string(e.Role))
	num(e.OrganisationID)
	field(e.Via)
	field(e.Action)
	field(e.Record)
	num(e.RecordID)
	field(e.Detail)
	return hex.EncodeToString(h.Sum(nil))
}

// journal appends one entry for the actor, in tx, at the time now. Detail
// must hold codes and ids only, never free text.
//
// The head row is read and advanced with one UPDATE … RETURNING, which takes
// the row's lock (on PostgreSQL; SQLite holds the database's write lock
// already) until the transaction ends, so appends are serialised and the
// chain has one line whatever number of servers write to it. Under READ
// COMMITTED, an UPDATE that waited for the lock works on the row as the
// other transaction committed it, so no SELECT … FOR UPDATE is needed; on
// PostgreSQL every write transaction also holds the store's write lock
// from its start (postgresLockWrites in dialect.go), which keeps batches of
// different servers from deadlocking over the head and other rows.
func journal(ctx context.Context, tx *tx, a *lifeguard.Actor, now time.Time, action, record string, recordID int64, detail string) error {
	e := lifeguard.JournalEntry{
		At:             now,
		UserID:         a.UserID,
		Role:           a.Role,
		OrganisationID: a.OrganisationID,
		Via:            a.Via,
		Action:         action,
		Record:         record,
		RecordID:       recordID,
		Detail:         detail,
	}
	if tx.jnl == nil {
		// Only write transactions journal, and they all run in the writer.
		return fmt.Errorf("journal: not in a write transaction")
	}
	return tx.jnl.add(ctx, tx, e)
}

// idList writes ids as "1,5,9" for a journal detail.
func idList(ids []int64) string {
	var b []byte
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return string(b)
}

// codeList writes codes as "a,b,c" for a journal detail or a list column.
func codeList[T ~string](codes []T) string {
	var b strings.Builder
	for i, c := range codes {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(string(c))
	}
	return b.String()
}

// VerifyJournal walks the whole journal in order, recomputing every hash, and
// reports the first entry that does not match: changed (its hash is wrong),
// out of place (its prev_hash is not the hash before it) or missing (a gap in
// seq, or a head that names an entry past the last). With a journal key it
// also checks the head's seal (journal_seal.go): a head that does not carry
// the seal of its own sequence number and hash was rewound or replaced, and
// the entry after it is reported missing. It streams the rows in one read
// transaction, so it sees one consistent journal and holds one row at a
// time. Administrators and the system may verify.
func (db *DB) VerifyJournal(ctx context.Context) (*lifeguard.JournalReport, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !isAdmin(a) {
		return nil, errAdminOnly()
	}
	return db.walkJournal(ctx, true)
}

// walkJournal is VerifyJournal without the access check; checkSeal is false
// for SealJournal, which is about to replace the seal.
func (db *DB) walkJournal(ctx context.Context, checkSeal bool) (*lifeguard.JournalReport, error) {
	var r lifeguard.JournalReport
	err := db.inRead(ctx, "verify journal", func(tx *tx) error {
		var headHash, seal string
		if err := tx.row(ctx, `SELECT seq, hash, seal FROM journal_head WHERE id = 1`).Scan(&r.Head, &headHash, &seal); err != nil {
			return err
		}
		headSeq := r.Head
		rows, err := tx.query(ctx, `SELECT seq, at, user_id, role, organisation_id, via, action, record, record_id,
			detail, prev_hash, hash FROM journal ORDER BY seq`)
		if err != nil {
			return err
		}
		defer rows.Close()
		h := sha256.New()
		prev := ""
		var want int64 = 1
		var e lifeguard.JournalEntry
		for rows.Next() {
			var at int64
			var role string
			if err := rows.Scan(&e.Seq, &at, &e.UserID, &role, &e.OrganisationID, &e.Via, &e.Action, &e.Record,
				&e.RecordID, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
				return err
			}
			e.At, e.Role = fromMicros(at), lifeguard.Role(role)
			switch {
			case e.Seq != want:
				r.FirstBroken, r.Problem = want, fmt.Sprintf("entry %d is missing", want)
			case e.PrevHash != prev:
				r.FirstBroken, r.Problem = e.Seq, fmt.Sprintf("entry %d does not follow the entry before it", e.Seq)
			case entryHash(h, &e) != e.Hash:
				r.FirstBroken, r.Problem = e.Seq, fmt.Sprintf("entry %d has been changed", e.Seq)
			}
			if r.FirstBroken != 0 {
				return nil
			}
			r.Entries++
			prev = e.Hash
			want++
		}
		if err := rows.Err(); err != nil {
			return err
		}
		switch {
		case headSeq >= want:
			r.FirstBroken, r.Problem = want, fmt.Sprintf("entry %d is missing: the journal's head names entry %d, "+
				"but the entries stop at %d", want, headSeq, want-1)
		case headSeq < want-1:
			r.FirstBroken, r.Problem = headSeq+1, fmt.Sprintf("entry %d is past the journal's head", headSeq+1)
		case headHash != prev:
			r.FirstBroken, r.Problem = headSeq, "the journal's head does not match its last entry"
		case checkSeal && db.journalKey != nil && !sealMatches(db.journalKey, headSeq, headHash, seal):
			r.FirstBroken = headSeq + 1
			if seal == "" {
				r.Problem = fmt.Sprintf("the journal's head (entry %d) is not sealed: entries from %d on may have been "+
					"cut off and the head rewound, or the journal was never sealed with this key", headSeq, headSeq+1)
			} else {
				r.Problem = fmt.Sprintf("the journal's head (entry %d) does not carry its seal: entries from %d on have "+
					"been cut off and the head rewound or replaced, or the key is not the one the journal was sealed with",
					headSeq, headSeq+1)
			}
		default:
			r.Sealed = checkSeal && db.journalKey != nil
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// JournalEntries returns up to limit entries after seq, in order, for an
// administrator reviewing who read or changed what (and for tests).
func (db *DB) JournalEntries(ctx context.Context, after int64, limit int) ([]lifeguard.JournalEntry, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !isAdmin(a) {
		return nil, errAdminOnly()
	}
	if limit < 1 || limit > 1000 {
		return nil, lifeguard.Invalid("The request is not valid", []lifeguard.Problem{{Path: "limit",
			Problem: "must be between 1 and 1000"}})
	}
	out := []lifeguard.JournalEntry{}
	err = db.inRead(ctx, "journal entries", func(tx *tx) error {
		return each(ctx, tx, `SELECT seq, at, user_id, role, organisation_id, via, action, record, record_id, detail,
			prev_hash, hash FROM journal WHERE seq > ? ORDER BY seq LIMIT ?`, []any{after, limit},
			func(scan func(...any) error) error {
				var e lifeguard.JournalEntry
				var at int64
				var role string
				if err := scan(&e.Seq, &at, &e.UserID, &role, &e.OrganisationID, &e.Via, &e.Action, &e.Record,
					&e.RecordID, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
					return err
				}
				e.At, e.Role = fromMicros(at), lifeguard.Role(role)
				out = append(out, e)
				return nil
			})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
