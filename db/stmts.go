package db

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"
)

// stmtCacheMax bounds the prepared statements one database keeps. A list
// query's text depends on its filters and order, so a busy agency uses a few
// dozen; when the cache is full it starts again empty.
const stmtCacheMax = 256

// prepared returns query prepared on the read pool, from the database's
// cache if it can. The driver parses and plans every statement given as
// text, and for a hot page that cost about as much as reading its rows.
// Statements live and die with their database (Close finalizes them).
func (d *DB) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	d.stmtMu.Lock()
	s := d.stmts[query]
	d.stmtMu.Unlock()
	if s != nil {
		return s, nil
	}
	s, err := d.read.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	d.stmtMu.Lock()
	defer d.stmtMu.Unlock()
	if old := d.stmts[query]; old != nil {
		s.Close()
		return old, nil
	}
	d.cacheLocked(query, s)
	return s, nil
}

// writeKey is the cache key of a statement prepared on the writer: the
// same map as the read statements, which can never have this prefix (SQL
// text does not start with a NUL).
func writeKey(query string) string { return "\x00w" + query }

// writePending holds the write statements being prepared, by database and
// text, so that each is prepared once.
var writePending sync.Map // writePend -> struct{}

type writePend struct {
	d *DB
	q string
}

// writeStmt returns query prepared on the writer connection, or nil when
// it is not prepared yet. A miss starts its preparation in the background:
// the writer's one connection is held by the transaction asking, so it can
// only be prepared once that transaction ends (preparing it now, on the
// pool, would wait for the connection forever). Until then the transaction
// runs the statement as text, as it did before the cache.
func (d *DB) writeStmt(query string) *sql.Stmt {
	if d.postgres {
		return nil
	}
	key := writeKey(query)
	d.stmtMu.Lock()
	s := d.stmts[key]
	d.stmtMu.Unlock()
	if s != nil {
		return s
	}
	if _, busy := writePending.LoadOrStore(writePend{d, query}, struct{}{}); busy {
		return nil
	}
	d.preparing.Add(1)
	go func() {
		defer d.preparing.Done()
		defer writePending.Delete(writePend{d, query})
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		s, err := d.writer().PrepareContext(ctx, query)
		if err != nil {
			return // closed, or not a statement: it keeps running as text
		}
		d.stmtMu.Lock()
		defer d.stmtMu.Unlock()
		if d.stmts[key] != nil {
			s.Close()
			return
		}
		d.cacheLocked(key, s)
	}()
	return nil
}

// cacheLocked keeps s under key, emptying the cache first if it is full.
func (d *DB) cacheLocked(key string, s *sql.Stmt) {
	if d.stmts == nil || len(d.stmts) >= stmtCacheMax {
		for _, old := range d.stmts {
			old.Close()
		}
		d.stmts = map[string]*sql.Stmt{}
	}
	d.stmts[key] = s
}

// WriteStmtsCached counts the statements prepared on the writer, once the
// preparations started by finished transactions are done.
func (d *DB) WriteStmtsCached() int {
	d.preparing.Wait()
	d.stmtMu.Lock()
	defer d.stmtMu.Unlock()
	n := 0
	for k := range d.stmts {
		if len(k) > 1 && k[0] == 0 {
			n++
		}
	}
	return n
}

// CachedTx runs a write transaction's statements through the writer's
// prepared-statement cache: SQLite parses and plans a statement (with the
// triggers it fires) once per database instead of once per transaction.
// It stands in for the *sql.Tx wherever a querier is taken; the
// transaction is still tx (same commit, same rollback).
type CachedTx struct {
	d  *DB
	Tx *sql.Tx
}

// Cached wraps tx, a transaction of d's writer (from d.Tx).
func (d *DB) Cached(tx *sql.Tx) CachedTx { return CachedTx{d, tx} }

// ExecContext runs query in the transaction as a cached prepared statement.
func (c CachedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := c.d.writeStmt(query); s != nil {
		return c.Tx.StmtContext(ctx, s).ExecContext(ctx, args...)
	}
	return c.Tx.ExecContext(ctx, query, args...)
}

// QueryRowContext runs query in the transaction as a cached prepared statement.
func (c CachedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := c.d.writeStmt(query); s != nil {
		return c.Tx.StmtContext(ctx, s).QueryRowContext(ctx, args...)
	}
	return c.Tx.QueryRowContext(ctx, query, args...)
}

// QueryContext runs query in the transaction as a cached prepared statement.
func (c CachedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := c.d.writeStmt(query); s != nil {
		return c.Tx.StmtContext(ctx, s).QueryContext(ctx, args...)
	}
	return c.Tx.QueryContext(ctx, query, args...)
}

// closeStmts finalizes every cached statement.
func (d *DB) closeStmts() {
	d.stmtMu.Lock()
	defer d.stmtMu.Unlock()
	for _, s := range d.stmts {
		s.Close()
	}
	d.stmts = nil
}

// CachedReader runs read queries through the database's cached prepared
// statements; it stands in for the read pool where a querier is taken.
type CachedReader struct{ d *DB }

// QueryRowContext runs query as a cached prepared statement.
func (p CachedReader) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if p.d.postgres { // pgx caches its prepared statements itself
		return p.d.read.QueryRowContext(ctx, query, args...)
	}
	stmt, err := p.d.prepared(ctx, query)
	if err != nil {
		return p.d.read.QueryRowContext(ctx, query, args...) // reports the same error when scanned
	}
	return stmt.QueryRowContext(ctx, args...)
}

// QueryContext runs query as a cached prepared statement.
func (p CachedReader) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if p.d.postgres {
		return p.d.read.QueryContext(ctx, query, args...)
	}
	stmt, err := p.d.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	return stmt.QueryContext(ctx, args...)
}

// QueryListPrepared is QueryList with a cached prepared statement; size is
// how many rows to make room for at once (the query's LIMIT, if it has one).
func QueryListPrepared[T any](ctx context.Context, d *DB, what string, size int, scan func(Scanner) (T, error), q string, args ...any) ([]T, error) {
	if d.postgres {
		return QueryList(ctx, d.read, what, scan, q, args...)
	}
	stmt, err := d.prepared(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("db: %s: %w", what, err)
	}
	rows, err := stmt.QueryContext(ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("db: %s: %w", what, err)
	}
	return scanList(rows, size, what, scan)
}

// Reader is the read pool through the statement cache, for the queries a
// page runs on every view.
func (d *DB) Reader() CachedReader { return CachedReader{d} }
