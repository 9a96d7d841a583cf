package db

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// caseStmtCacheMax bounds the prepared statements kept for the case list.
// A list query's text depends on its filters and order, so a busy agency
// uses a few dozen; when the cache is full it starts again empty.
const caseStmtCacheMax = 512

// caseStmts keeps the case list's statements prepared. The driver parses
// and plans every statement it is given as text, and for the list's query
// that took about as long as reading its 50 rows. Entries are keyed by
// the read pool, so a tenant database that is closed and opened again gets
// fresh ones; closing a pool finalizes its statements' SQLite handles, and
// the dead entries go when the cache next starts again.
var caseStmts = struct {
	sync.Mutex
	m map[caseStmtKey]*sql.Stmt
}{m: map[caseStmtKey]*sql.Stmt{}}

type caseStmtKey struct {
	pool  *sql.DB
	query string
}

// casePrepared returns query prepared on pool, from the cache if it can.
func casePrepared(ctx context.Context, pool *sql.DB, query string) (*sql.Stmt, error) {
	key := caseStmtKey{pool, query}
	caseStmts.Lock()
	s := caseStmts.m[key]
	caseStmts.Unlock()
	if s != nil {
		return s, nil
	}
	s, err := pool.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	caseStmts.Lock()
	defer caseStmts.Unlock()
	if old := caseStmts.m[key]; old != nil {
		s.Close()
		return old, nil
	}
	if len(caseStmts.m) >= caseStmtCacheMax {
		for _, old := range caseStmts.m {
			old.Close()
		}
		caseStmts.m = map[caseStmtKey]*sql.Stmt{}
	}
	caseStmts.m[key] = s
	return s, nil
}

// caseQueryList is queryList with a cached prepared statement; size is
// how many rows to make room for at once (the query's LIMIT, if it has one).
func caseQueryList[T any](ctx context.Context, pool *sql.DB, what string, size int, scan func(scanner) (T, error), q string, args ...any) ([]T, error) {
	stmt, err := casePrepared(ctx, pool, q)
	if err != nil {
		return nil, fmt.Errorf("db: %s: %w", what, err)
	}
	rows, err := stmt.QueryContext(ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("db: %s: %w", what, err)
	}
	defer rows.Close()
	out := make([]T, 0, size)
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("db: scan %s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("db: %s: %w", what, err)
	}
	return out, nil
}

// casePreparedPool runs queries on a read pool through cached prepared
// statements; it stands in for the pool where a caseQuerier is taken.
type casePreparedPool struct{ pool *sql.DB }

// QueryRowContext runs query as a cached prepared statement.
func (p casePreparedPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	stmt, err := casePrepared(ctx, p.pool, query)
	if err != nil {
		return p.pool.QueryRowContext(ctx, query, args...) // reports the same error when scanned
	}
	return stmt.QueryRowContext(ctx, args...)
}

// QueryContext runs query as a cached prepared statement.
func (p casePreparedPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	stmt, err := casePrepared(ctx, p.pool, query)
	if err != nil {
		return nil, err
	}
	return stmt.QueryContext(ctx, args...)
}
