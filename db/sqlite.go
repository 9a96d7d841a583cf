// Package db is the SQLite plumbing the two stores share: a database file
// opened as one writer and a small read pool, write transactions, a cache of
// prepared read statements, scan helpers and forward-only migrations. The
// control database (db/control) and the agencies' databases (db/tenant) are
// each a package of their own on top of it; this one knows no table.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"mintedmind/apperr"
	"mintedmind/clock"
)

// readPoolSize is the number of read connections per database; writes go
// through a single connection so SQLite never answers SQLITE_BUSY between
// our own writers.
const readPoolSize = 4

// DB is one SQLite file opened twice: a single writer connection whose
// transactions start IMMEDIATE, and a small pool of query-only readers.
type DB struct {
	Path  string
	write *sql.DB
	read  *sql.DB
	clock clock.Clock

	stmtMu    sync.Mutex
	preparing sync.WaitGroup       // write statements being prepared, see writeStmt
	stmts     map[string]*sql.Stmt // read statements prepared once, see prepared
}

// dsn builds a modernc.org/sqlite DSN with every pragma in it, so each new
// connection of the pool gets them.
func dsn(path string, create, writer bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	if writer {
		// Statement journals of multi-row writes (imports, the search
		// triggers) stay in memory instead of temporary files.
		q.Add("_pragma", "temp_store(MEMORY)")
		q.Set("_txlock", "immediate")
	} else {
		q.Add("_pragma", "query_only(1)")
	}
	mode := "rw"
	if create {
		mode = "rwc"
	}
	q.Set("mode", mode)
	return "file:" + uriPathEscaper.Replace(path) + "?" + q.Encode()
}

// uriPathEscaper escapes what SQLite's URI parser gives a meaning to in a
// path: unescaped, a data directory named "a#b" or "a?b" would open a file
// cut short at that character (every database in the same one), and "%41"
// would be decoded.
var uriPathEscaper = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")

// Open opens path; with create false a missing file is an error, never a
// new empty database.
func Open(path string, create bool, c clock.Clock) (*DB, error) {
	if create {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("db: create dir for %s: %w", path, err)
		}
	} else if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("db: open %s: %w", path, err)
	}
	w, err := sql.Open("sqlite", dsn(path, create, true))
	if err != nil {
		return nil, fmt.Errorf("db: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	// The first connection sets WAL mode, which the readers need.
	if err := w.Ping(); err != nil {
		w.Close()
		return nil, fmt.Errorf("db: open %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", dsn(path, false, false))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("db: open readers %s: %w", path, err)
	}
	r.SetMaxOpenConns(readPoolSize)
	r.SetMaxIdleConns(readPoolSize)
	r.SetConnMaxIdleTime(time.Minute)
	return &DB{Path: path, write: w, read: r, clock: c}, nil
}

// Close closes both pools.
func (d *DB) Close() error {
	d.closeStmts()
	return errors.Join(d.read.Close(), d.write.Close())
}

// Now returns the clock's time in unix seconds, the storage format of every
// timestamp column.
func (d *DB) Now() int64 { return d.clock.Now().Unix() }

// Clock returns the clock the database was opened with.
func (d *DB) Clock() clock.Clock { return d.clock }

// Tx runs fn in a write transaction, committed when fn returns nil.
func (d *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := d.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("db: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("db: commit: %w", err)
	}
	return nil
}

// Read returns the read-only pool.
func (d *DB) Read() *sql.DB { return d.read }

// Write returns the single writer connection, for one-statement writes
// that need no transaction of their own.
func (d *DB) Write() *sql.DB { return d.write }

// IsUnique reports whether err is a UNIQUE or PRIMARY KEY constraint failure.
func IsUnique(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code()
		return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// NotFound turns sql.ErrNoRows into a not-found error naming what.
func NotFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.New(apperr.NotFound, "%s not found.", what)
	}
	return err
}

// UnixTime converts a stored unix-seconds value.
func UnixTime(s int64) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(s, 0).UTC()
}

// NullUnix converts a stored, possibly NULL, unix-seconds value; NULL is
// the zero time.
func NullUnix(s sql.NullInt64) time.Time {
	if !s.Valid {
		return time.Time{}
	}
	return UnixTime(s.Int64)
}

// NormalizeEmail lowercases and trims an address for storage and lookup.
func NormalizeEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// Truncate cuts s to at most n bytes, for text kept in a bounded column
// (a browser's user agent).
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// NullString is s as a column value: NULL when empty.
func NullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// Scanner is a row being read: *sql.Row or *sql.Rows.
type Scanner interface{ Scan(...any) error }

// RowsQuerier runs a query that returns rows: the read pool, a
// transaction, or the pool through the statement cache (Reader).
type RowsQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// QueryList runs a query and scans every row with scan; what names the
// list in errors.
func QueryList[T any](ctx context.Context, d RowsQuerier, what string, scan func(Scanner) (T, error), q string, args ...any) ([]T, error) {
	rows, err := d.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("db: %s: %w", what, err)
	}
	return scanList(rows, 0, what, scan)
}

// scanList scans and closes rows, making room for size of them at once.
func scanList[T any](rows *sql.Rows, size int, what string, scan func(Scanner) (T, error)) ([]T, error) {
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
