package db

import (
	"context"
	"database/sql"
	"fmt"
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
	if d.stmts == nil || len(d.stmts) >= stmtCacheMax {
		for _, old := range d.stmts {
			old.Close()
		}
		d.stmts = map[string]*sql.Stmt{}
	}
	d.stmts[query] = s
	return s, nil
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
	stmt, err := p.d.prepared(ctx, query)
	if err != nil {
		return p.d.read.QueryRowContext(ctx, query, args...) // reports the same error when scanned
	}
	return stmt.QueryRowContext(ctx, args...)
}

// QueryContext runs query as a cached prepared statement.
func (p CachedReader) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	stmt, err := p.d.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	return stmt.QueryContext(ctx, args...)
}

// QueryListPrepared is QueryList with a cached prepared statement; size is
// how many rows to make room for at once (the query's LIMIT, if it has one).
func QueryListPrepared[T any](ctx context.Context, d *DB, what string, size int, scan func(Scanner) (T, error), q string, args ...any) ([]T, error) {
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
