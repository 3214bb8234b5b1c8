package sqlstore

import (
	"context"
	"crypto/sha256"
	"fmt"
	"hash"
	"log/slog"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// journalBatch holds the journal entries of one group-commit transaction
// until just before it commits, and then writes them with one multi-row
// INSERT and one update of the head, instead of three statements per
// entry. On SQLite that saves a little; on PostgreSQL, where each
// statement is a round trip to the server made while every server's
// writes wait on the write lock, it is most of a concern's cost.
//
// It is safe because a write transaction has the database's writes to
// itself from its start (BEGIN IMMEDIATE on SQLite, postgresLockWrites on
// PostgreSQL): the head read at the first append cannot change before the
// commit, so chaining in memory gives exactly the chain the per-entry
// statements would have. Each write of the batch runs in a savepoint; when
// one is rolled back, so are its entries (mark and reset).
//
// With a journal key (journal_seal.go) the head's seal is checked when the
// head is read, and the new head is sealed when it is written.
type journalBatch struct {
	key     []byte // the store's journal key, or nil
	log     *slog.Logger
	loaded  bool
	seq     int64
	hash    string
	pending []lifeguard.JournalEntry
	h       hash.Hash
	// trustHead lets SealJournal append to a head whose seal does not
	// match the key.
	trustHead bool
}

// journalMark is a batch's state at a savepoint.
type journalMark struct {
	loaded    bool
	seq       int64
	hash      string
	n         int
	trustHead bool
}

func (j *journalBatch) mark() journalMark {
	return journalMark{loaded: j.loaded, seq: j.seq, hash: j.hash, n: len(j.pending), trustHead: j.trustHead}
}

func (j *journalBatch) reset(m journalMark) {
	j.loaded, j.seq, j.hash, j.pending, j.trustHead = m.loaded, m.seq, m.hash, j.pending[:m.n], m.trustHead
}

// add chains e to the batch, reading the head first if this is the
// transaction's first entry. A keyed store refuses a head whose seal does
// not match: appending to it would seal a journal that has been cut short.
func (j *journalBatch) add(ctx context.Context, t *tx, e lifeguard.JournalEntry) error {
	if !j.loaded {
		var seal string
		if err := t.row(ctx, `SELECT seq, hash, seal FROM journal_head WHERE id = 1`).Scan(&j.seq, &j.hash, &seal); err != nil {
			return fmt.Errorf("journal head: %w", err)
		}
		if j.key != nil && !j.trustHead && !sealMatches(j.key, j.seq, j.hash, seal) {
			if j.log != nil {
				j.log.Error("journal head not sealed with this server's key; refusing to append",
					slog.Int64("head", j.seq))
			}
			return errUnsealedHead()
		}
		if j.key == nil && seal != "" {
			// Appending without the key would write an unsealed head over
			// a sealed one, and every server holding the key would then
			// refuse to record anything.
			return errSealedWithoutKey()
		}
		j.loaded = true
	}
	if j.h == nil {
		j.h = sha256.New()
	}
	e.Seq, e.PrevHash = j.seq+1, j.hash
	e.Hash = entryHash(j.h, &e)
	j.seq, j.hash = e.Seq, e.Hash
	j.pending = append(j.pending, e)
	return nil
}

// journalFlushRows bounds the rows of one INSERT: 12 parameters a row
// keeps it far below PostgreSQL's 65,535.
const journalFlushRows = 500

// flush writes the pending entries and moves the head; the transaction
// commits right after.
func (j *journalBatch) flush(ctx context.Context, t *tx) error {
	if len(j.pending) == 0 {
		return nil
	}
	const row = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	for start := 0; start < len(j.pending); start += journalFlushRows {
		chunk := j.pending[start:min(start+journalFlushRows, len(j.pending))]
		args := make([]any, 0, 12*len(chunk))
		for _, e := range chunk {
			args = append(args, e.Seq, micros(e.At), e.UserID, string(e.Role), e.OrganisationID, e.Via, e.Action,
				e.Record, e.RecordID, e.Detail, e.PrevHash, e.Hash)
		}
		q := `INSERT INTO journal (seq, at, user_id, role, organisation_id, via, action, record, record_id, detail,
			prev_hash, hash) VALUES ` + strings.TrimSuffix(strings.Repeat(row+", ", len(chunk)), ", ")
		if _, err := t.exec(ctx, q, args...); err != nil {
			return fmt.Errorf("journal: %w", err)
		}
	}
	seal := ""
	if j.key != nil {
		seal = sealOf(j.key, j.seq, j.hash)
	}
	if _, err := t.exec(ctx, `UPDATE journal_head SET seq = ?, hash = ?, seal = ? WHERE id = 1`, j.seq, j.hash, seal); err != nil {
		return fmt.Errorf("journal head: %w", err)
	}
	j.pending = j.pending[:0]
	return nil
}
