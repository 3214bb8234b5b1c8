package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps a pool's statements prepared, on SQLite: the write
// connection's, and the read pool's (each read connection prepares a
// statement the first time it runs it, through the same *sql.Stmt).
// modernc.org/sqlite parses a statement's text every time it is run unless
// it was prepared, and the store's writes run the same statements over and
// over: the report counts of every change to a concern (addReportCounts)
// are a long statement run twice per decision, and before this cache a
// decision spent about half its time in SQLite's parser. A statement is
// prepared on the pool between batches, when the write pool's one
// connection is free (a statement prepared on a transaction would be closed
// with it); a transaction then uses it through Tx.StmtContext, which finds
// it already prepared on that connection. PostgreSQL's driver keeps its own
// cache of prepared statements, so the store keeps none there.
type stmtCache struct {
	mu      sync.Mutex
	pool    *sql.DB
	stmts   map[string]*sql.Stmt
	pending map[string]bool
	closed  bool
}

// maxCachedStmts bounds the cache: the store's statements are a few
// hundred texts; one built with a list of placeholders of varying length
// may make more, and those beyond the bound are parsed each time.
const maxCachedStmts = 512

func newStmtCache(pool *sql.DB) *stmtCache {
	return &stmtCache{pool: pool, stmts: map[string]*sql.Stmt{}, pending: map[string]bool{}}
}

// get returns the prepared statement for q, or nil when it is not
// prepared yet; then q is prepared before the next batch.
func (c *stmtCache) get(q string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.stmts[q]; ok {
		return s
	}
	if len(c.stmts)+len(c.pending) < maxCachedStmts {
		c.pending[q] = true
	}
	return nil
}

// prepare prepares the statements seen since the last batch (on the write
// pool) or the last read (on the read pool). Called outside any
// transaction of the pool, since preparing takes one of its connections; the
// lock is not held while preparing, so that other readers go on finding
// their statements meanwhile. A statement that does not prepare (a table
// the next migration creates) is left to be parsed each time.
func (c *stmtCache) prepare(ctx context.Context) {
	c.mu.Lock()
	if len(c.pending) == 0 {
		c.mu.Unlock()
		return
	}
	qs := make([]string, 0, len(c.pending))
	for q := range c.pending {
		qs = append(qs, q)
		delete(c.pending, q)
	}
	c.mu.Unlock()
	for _, q := range qs {
		s, err := c.pool.PrepareContext(ctx, q)
		if err != nil {
			continue
		}
		c.mu.Lock()
		if c.closed {
			s.Close()
		} else {
			c.stmts[q] = s
		}
		c.mu.Unlock()
	}
}

// close closes every prepared statement.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	for q, s := range c.stmts {
		s.Close()
		delete(c.stmts, q)
	}
}

// stmt is q's prepared statement in the transaction, or nil when q is
// parsed as it runs.
func (t *tx) stmt(ctx context.Context, q string) *sql.Stmt {
	if t.stmts == nil {
		return nil
	}
	s := t.stmts.get(q)
	if s == nil {
		return nil
	}
	return t.tx.StmtContext(ctx, s)
}
