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
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
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
// (Or, for the control database of several machines, a PostgreSQL
// database: OpenPostgres, postgres.go.)
// Connections are opened when first needed: an agency that is only read
// holds one reader connection (three file descriptors: the file, its -wal
// and the -shm every connection to it shares), and the writer's is
// opened by the first write.
type DB struct {
	Path  string
	read  *sql.DB
	clock clock.Clock

	writeMu sync.Mutex
	write   *sql.DB // nil until writer is first called
	closed  bool

	writeRefused atomic.Bool // SetWritable(false): the writer's one connection is query_only

	postgres bool            // a PostgreSQL database (OpenPostgres): read and write are one pool
	pgConfig *pgx.ConnConfig // how to reach it, for a connection of its own (SessionLock)

	stmtMu    sync.Mutex
	preparing sync.WaitGroup       // write statements being prepared, see writeStmt
	stmts     map[string]*sql.Stmt // read statements prepared once, see prepared
}

// dsn builds a modernc.org/sqlite DSN with every pragma in it, so each new
// connection of the pool gets them. journal_mode and synchronous make
// SQLite read and parse the whole schema as the connection opens (for this
// schema, most of the CPU of opening a database), so only the writer sets
// them: WAL is recorded in the file and applies to the readers as well,
// and synchronous governs only writes. A reader parses the schema on its
// first query, which needs it anyway.
func dsn(path string, create, writer bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "foreign_keys(1)")
	if writer {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(NORMAL)")
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
// new empty database. A new file, or one not yet in WAL mode, gets its
// writer connection at once (it sets WAL, which the readers need); a file
// already in WAL mode opens no connection here at all.
func Open(path string, create bool, c clock.Clock) (*DB, error) {
	if create {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("db: create dir for %s: %w", path, err)
		}
	}
	wal, err := inWALMode(path)
	if err != nil && !(create && errors.Is(err, fs.ErrNotExist)) {
		return nil, fmt.Errorf("db: open %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", dsn(path, false, false))
	if err != nil {
		return nil, fmt.Errorf("db: open readers %s: %w", path, err)
	}
	r.SetMaxOpenConns(readPoolSize)
	r.SetMaxIdleConns(readPoolSize)
	// No idle timeout: database/sql would run a goroutine per database to
	// enforce it. The tenant pool closes the readers of agencies left
	// idle instead (Shrink).
	d := &DB{Path: path, read: r, clock: c}
	if !wal {
		d.write = openWriter(path, create)
		if err := d.write.Ping(); err != nil {
			d.Close()
			return nil, fmt.Errorf("db: open %s: %w", path, err)
		}
	}
	return d, nil
}

// inWALMode reads the file's header: bytes 18 and 19 are 2 once the
// database is in WAL mode (written to the file itself when the mode is
// set, never only to the -wal). Anything else, a short or foreign file
// included, is false: the writer's open then says what is wrong.
func inWALMode(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	var h [100]byte
	if _, err := io.ReadFull(f, h[:]); err != nil {
		return false, nil
	}
	return string(h[:16]) == "SQLite format 3\x00" && h[18] == 2 && h[19] == 2, nil
}

func openWriter(path string, create bool) *sql.DB {
	w, _ := sql.Open("sqlite", dsn(path, create, true)) // fails only for an unknown driver
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	return w
}

// writer is the single writer connection's pool, opened on first use.
func (d *DB) writer() *sql.DB {
	d.writeMu.Lock()
	defer d.writeMu.Unlock()
	if d.write == nil {
		d.write = openWriter(d.Path, false)
		if d.closed {
			d.write.Close() // every use answers sql.ErrConnDone's "database is closed"
		}
	}
	return d.write
}

// Close closes both pools.
func (d *DB) Close() error {
	d.closeStmts()
	d.writeMu.Lock()
	d.closed = true
	w := d.write
	d.writeMu.Unlock()
	err := d.read.Close()
	if w != nil && w != d.read {
		err = errors.Join(err, w.Close())
	}
	return err
}

// Shrink closes the idle connections of a database no one is using,
// down to one reader: the tenant pool calls it for agencies idle a while,
// so that an agency busy once does not keep five connections (and eleven
// file descriptors) for as long as it stays open.
func (d *DB) Shrink() {
	if d.postgres {
		return
	}
	d.read.SetMaxIdleConns(1)
	d.read.SetMaxIdleConns(readPoolSize)
	d.shrinkMemory()
	d.writeMu.Lock()
	w := d.write
	d.writeMu.Unlock()
	if w != nil && !d.writeRefused.Load() {
		w.SetMaxIdleConns(0) // its prepared statements are prepared again when needed
		w.SetMaxIdleConns(1)
	}
}

// Now returns the clock's time in unix seconds, the storage format of every
// timestamp column.
func (d *DB) Now() int64 { return d.clock.Now().Unix() }

// Clock returns the clock the database was opened with.
func (d *DB) Clock() clock.Clock { return d.clock }

// Tx runs fn in a write transaction, committed when fn returns nil. On
// PostgreSQL it first takes the write lock (postgresWriteLock): write
// transactions run one at a time there too.
func (d *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return d.tx(ctx, d.postgres, fn)
}

// RowLockTx is Tx without PostgreSQL's write lock, for a transaction that
// locks the rows it changes itself (SELECT … FOR UPDATE SKIP LOCKED) and
// depends on nothing else it reads, so that machines run it side by side.
// On SQLite it is Tx.
func (d *DB) RowLockTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return d.tx(ctx, false, fn)
}

// tx runs fn in a write transaction, taking PostgreSQL's write lock first
// if writeLock.
func (d *DB) tx(ctx context.Context, writeLock bool, fn func(tx *sql.Tx) error) error {
	tx, err := d.writer().BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("db: begin: %w", err)
	}
	if writeLock {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, int64(postgresWriteLock)); err != nil {
			tx.Rollback()
			return fmt.Errorf("db: begin: write lock: %w", err)
		}
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
func (d *DB) Write() *sql.DB { return d.writer() }

// IsUnique reports whether err is a UNIQUE or PRIMARY KEY constraint failure.
func IsUnique(err error) bool {
	if isPostgresUnique(err) {
		return true
	}
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

// Connections counts the database's open connections, readers and writer.
func (d *DB) Connections() int {
	n := d.read.Stats().OpenConnections
	d.writeMu.Lock()
	defer d.writeMu.Unlock()
	if d.write != nil {
		n += d.write.Stats().OpenConnections
	}
	return n
}

// shrinkMemory frees what an idle reader connection holds in its page
// cache (PRAGMA shrink_memory); the pages are read again when needed.
func (d *DB) shrinkMemory() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, _ = d.read.ExecContext(ctx, `PRAGMA shrink_memory`) // nothing to undo if it fails
}
