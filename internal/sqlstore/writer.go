package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// writer runs every write transaction of the store on its one write
// connection, and commits several at once when they arrive together (group
// commit). With synchronous=FULL each commit waits for the disk, and on
// PostgreSQL each commit waits for its WAL to be flushed; when sixteen
// clients record concerns at the same moment, one sync for all of them
// instead of sixteen in a row is what lets the API keep up with the disk
// rather than queue behind it. SAVEPOINT, RELEASE and ROLLBACK TO are the
// same on both engines; on PostgreSQL the rollback to a savepoint is also
// what lets the batch go on after one write's statement failed, which
// would otherwise abort the whole transaction.
//
// Each write runs inside its own savepoint, so a write that fails rolls back
// alone and the others in its batch still commit; its caller gets its own
// error. If the commit itself fails, every write of the batch gets the
// error: none of them was acknowledged, so nothing acknowledged is lost.
type writer struct {
	db    *DB
	reqs  chan *writeReq
	stop  chan struct{}
	done  sync.WaitGroup
	close sync.Once
}

type writeReq struct {
	ctx  context.Context
	op   string
	fn   func(*tx) error
	errc chan error
}

// maxBatch bounds a batch, so one commit never holds a great many callers.
const maxBatch = 64

func newWriter(db *DB) *writer {
	w := &writer{db: db, reqs: make(chan *writeReq), stop: make(chan struct{})}
	w.done.Add(1)
	go w.loop()
	return w
}

// do runs fn in a write transaction, perhaps shared with other writes, and
// returns when its outcome is known: committed, or failed.
func (w *writer) do(ctx context.Context, op string, fn func(*tx) error) error {
	r := &writeReq{ctx: ctx, op: op, fn: fn, errc: make(chan error, 1)}
	select {
	case w.reqs <- r:
	case <-ctx.Done():
		return w.db.fail(op, ctx.Err())
	case <-w.stop:
		return w.db.fail(op, sql.ErrConnDone)
	}
	// Once taken, a request always gets an answer, even if its caller's
	// context ends: the caller must not return before its write is decided.
	return <-r.errc
}

func (w *writer) loop() {
	defer w.done.Done()
	batch := make([]*writeReq, 0, maxBatch)
	for {
		select {
		case <-w.stop:
			return
		case r := <-w.reqs:
			batch = append(batch[:0], r)
		}
	more:
		for len(batch) < maxBatch {
			select {
			case r := <-w.reqs:
				batch = append(batch, r)
			default:
				break more
			}
		}
		w.run(batch)
	}
}

func (w *writer) run(batch []*writeReq) {
	db := w.db
	errs := make([]error, len(batch))
	outcome := "error" // for the metrics: commit, rollback or error
	defer func() {
		if v := recover(); v != nil {
			// A panic in one write must not leave the others waiting forever.
			for i := range errs {
				errs[i] = db.fail(batch[i].op, fmt.Errorf("panic in a write: %v", v))
			}
			outcome = "error"
		}
		ok := 0
		for i, r := range batch {
			if errs[i] == nil {
				ok++
			}
			r.errc <- errs[i]
		}
		db.metrics.Load().tx("write", outcome)
		db.metrics.Load().batchDone(len(batch), ok)
	}()
	// The transaction is not bound to any one caller's context, since it
	// carries the others' writes too; each write's statements use its own.
	stmts := db.stmts.Load()
	if stmts != nil {
		stmts.prepare(context.Background())
	}
	stx, err := db.write.BeginTx(context.Background(), db.d.writeTx)
	if err == nil && db.d.lockWrites != nil {
		if err = db.d.lockWrites(context.Background(), stx); err != nil {
			stx.Rollback()
		}
	}
	if err != nil {
		for i, r := range batch {
			errs[i] = db.fail(r.op, err)
		}
		return
	}
	t := &tx{tx: stx, d: db.d, stmts: stmts, detach: db.d.detachWrites, jnl: &journalBatch{key: db.journalKey, log: db.log}}
	// failRest fails every write of the batch not failed already, after
	// the transaction is rolled back.
	failRest := func(err error) {
		stx.Rollback()
		for j, r := range batch {
			if errs[j] == nil {
				errs[j] = db.fail(r.op, err)
			}
		}
	}
	committed := 0
	if len(batch) == 1 {
		// Alone in its transaction, a write needs no savepoint: if it
		// fails, the transaction is rolled back whole. That saves two
		// round trips on PostgreSQL when writes come one at a time.
		r := batch[0]
		err := r.ctx.Err()
		if err == nil {
			err = r.fn(t)
		}
		if err != nil {
			errs[0] = db.fail(r.op, err)
		} else {
			committed = 1
		}
	} else {
		for i, r := range batch {
			if err := r.ctx.Err(); err != nil {
				errs[i] = db.fail(r.op, err)
				continue
			}
			mark := t.jnl.mark()
			if _, err := stx.ExecContext(context.Background(), "SAVEPOINT w"); err != nil {
				errs[i] = db.fail(r.op, err)
				continue
			}
			if err := r.fn(t); err != nil {
				errs[i] = db.fail(r.op, err)
				t.jnl.reset(mark)
				if _, rerr := stx.ExecContext(context.Background(), "ROLLBACK TO SAVEPOINT w"); rerr != nil {
					// The transaction is in an unknown state: fail everything.
					failRest(rerr)
					return
				}
			}
			if _, err := stx.ExecContext(context.Background(), "RELEASE SAVEPOINT w"); err != nil {
				failRest(err)
				return
			}
			if errs[i] == nil {
				committed++
			}
		}
	}
	if committed == 0 {
		stx.Rollback()
		outcome = "rollback"
		return
	}
	if err := t.jnl.flush(context.Background(), t); err != nil {
		failRest(err)
		return
	}
	if err := stx.Commit(); err != nil {
		for i, r := range batch {
			if errs[i] == nil {
				errs[i] = db.fail(r.op, err)
			}
		}
		return
	}
	outcome = "commit"
	if t.enqueued {
		db.wakeOutbox()
	}
}

// shutdown stops the writer after the batch in hand.
func (w *writer) shutdown() {
	w.close.Do(func() {
		close(w.stop)
		w.done.Wait()
	})
}
