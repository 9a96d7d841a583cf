package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"mintedmind/clock"
)

// postgresPoolSize is the connections one process keeps to a PostgreSQL
// database: readers and writers share them, PostgreSQL having no single
// writer of its own.
const postgresPoolSize = 8

// postgresWriteLock is the key of the transaction-level advisory lock every
// write transaction (Tx) takes on PostgreSQL, so that write transactions
// follow one another as they do on SQLite's single writer connection
// (BEGIN IMMEDIATE): every read-then-write of the stores keeps the meaning
// it has there, from any number of machines.
const postgresWriteLock = 0x6d696e746564 // "minted"

// IsPostgresURL reports whether dsn names a PostgreSQL database
// (postgres:// or postgresql://) rather than a directory.
func IsPostgresURL(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// OpenPostgres opens the PostgreSQL database at url (postgres://…) through
// pgx's database/sql driver, its queries written as for SQLite: every `?`
// placeholder is rebound to PostgreSQL's $N (rebind) by the connections
// themselves, so a store's SQL is one text for both engines.
func OpenPostgres(ctx context.Context, url string, c clock.Clock) (*DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("db: postgres url: %w", err)
	}
	name := fmt.Sprintf("postgres://%s:%d/%s", cfg.Host, cfg.Port, cfg.Database) // without the password, for errors
	p := sql.OpenDB(rebindConnector{stdlib.GetConnector(*cfg)})
	p.SetMaxOpenConns(postgresPoolSize)
	p.SetMaxIdleConns(postgresPoolSize)
	p.SetConnMaxIdleTime(5 * time.Minute)
	if err := p.PingContext(ctx); err != nil {
		p.Close()
		return nil, fmt.Errorf("db: open %s: %w", name, err)
	}
	return &DB{Path: name, read: p, write: p, clock: c, postgres: true, pgConfig: cfg}, nil
}

// Postgres reports whether the database is PostgreSQL rather than SQLite,
// for the few queries whose SQL must differ.
func (d *DB) Postgres() bool { return d.postgres }

// rebind turns SQLite's `?` placeholders into PostgreSQL's $1, $2, …,
// leaving alone the question marks inside string literals, quoted
// identifiers and comments.
func rebind(query string) string {
	if strings.IndexByte(query, '?') < 0 {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); i++ {
		ch := query[i]
		switch {
		case ch == '\'' || ch == '"':
			end := strings.IndexByte(query[i+1:], ch)
			if end < 0 {
				b.WriteString(query[i:])
				return b.String()
			}
			b.WriteString(query[i : i+end+2])
			i += end + 1
		case ch == '-' && strings.HasPrefix(query[i:], "--"):
			end := strings.IndexByte(query[i:], '\n')
			if end < 0 {
				end = len(query) - i - 1
			}
			b.WriteString(query[i : i+end+1])
			i += end
		case ch == '/' && strings.HasPrefix(query[i:], "/*"):
			end := strings.Index(query[i+2:], "*/")
			if end < 0 {
				b.WriteString(query[i:])
				return b.String()
			}
			b.WriteString(query[i : i+end+4])
			i += end + 3
		case ch == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(ch)
		}
	}
	return b.String()
}

// postgresTypes maps the column types of a SQLite schema to PostgreSQL's:
// SQLite's INTEGER holds 64 bits (unix times, money in minor units, byte
// counts), PostgreSQL's only 32; BLOB is BYTEA.
var postgresTypes = []struct {
	sqlite *regexp.Regexp
	pg     string
}{
	{regexp.MustCompile(`\bINTEGER\b`), "BIGINT"},
	{regexp.MustCompile(`\bBLOB\b`), "BYTEA"},
}

// PostgresDDL is a migration of a SQLite schema file as PostgreSQL runs
// it: the one place the two engines' schemas differ, so that one file
// (control.sql) serves both.
func PostgresDDL(sqlite string) string {
	for _, t := range postgresTypes {
		sqlite = t.sqlite.ReplaceAllString(sqlite, t.pg)
	}
	return sqlite
}

// isPostgresUnique reports whether err is PostgreSQL's unique_violation.
func isPostgresUnique(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// rebindConnector opens pgx connections that rebind every query.
type rebindConnector struct{ driver.Connector }

func (c rebindConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return rebindConn{conn.(*stdlib.Conn)}, nil
}

// rebindConn is a pgx connection whose query texts are rebound; every
// other method (transactions, ping, session reset, argument checks) is
// pgx's own.
type rebindConn struct{ *stdlib.Conn }

func (c rebindConn) Prepare(query string) (driver.Stmt, error) {
	return c.Conn.Prepare(rebind(query))
}

func (c rebindConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.Conn.PrepareContext(ctx, rebind(query))
}

func (c rebindConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return c.Conn.ExecContext(ctx, rebind(query), args)
}

func (c rebindConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return c.Conn.QueryContext(ctx, rebind(query), args)
}

// migratePostgres is Migrate on PostgreSQL: the same records in
// schema_migrations, each migration as PostgresDDL makes it, all in one
// transaction. That transaction holds the write lock, so machines
// starting together migrate one after the other: the second finds the
// work done.
func (d *DB) migratePostgres(ctx context.Context, migrations []Migration) error {
	var failed *Migration
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version BIGINT PRIMARY KEY,
			name TEXT NOT NULL,
			applied_at BIGINT NOT NULL)`); err != nil {
			return fmt.Errorf("db: migrations table %s: %w", d.Path, err)
		}
		var current int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
			return fmt.Errorf("db: read schema version %s: %w", d.Path, err)
		}
		if current > len(migrations) {
			return fmt.Errorf("db: %s is at schema version %d, newer than this binary (%d)", d.Path, current, len(migrations))
		}
		for i := range migrations[current:] {
			m := &migrations[current+i]
			failed = m
			if _, err := tx.ExecContext(ctx, PostgresDDL(m.SQL)); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, m.Version, m.Name, d.Now()); err != nil {
				return err
			}
		}
		failed = nil
		return nil
	})
	if err != nil && failed != nil {
		return &MigrationError{Path: d.Path, Version: failed.Version, Name: failed.Name, Err: err}
	}
	return err
}

// CheckNamedValue stores a Go bool as 1 or 0, as SQLite's driver does: the
// schema's flags are INTEGER columns on both engines.
func (c rebindConn) CheckNamedValue(nv *driver.NamedValue) error {
	if b, ok := nv.Value.(bool); ok {
		nv.Value = int64(0)
		if b {
			nv.Value = int64(1)
		}
		return nil
	}
	return c.Conn.CheckNamedValue(nv)
}
