// Package control is the control database, DATA/control.db (or a
// PostgreSQL database, -control-db, when machines are several): the platform's
// agencies, plans, subscriptions and their invoices and payments, operators
// and their sessions, the login directory, the email outbox, analytics, job
// runs and placement. It holds no agency's own data (that is package
// tenant, one database per agency) and takes and returns plain values.
package control

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"

	"mintedmind/clock"
	"mintedmind/db"
)

// Store is the control database, DATA/control.db or PostgreSQL.
type Store struct {
	*db.DB
	pageViews pageViews       // analytics counted and not yet written (analytics.go)
	cluster   *db.SessionLock // PostgreSQL: whose holder does the cluster's once-only work (cluster.go); nil on SQLite
}

// Close writes the analytics counted since the last write, then closes
// the database.
func (c *Store) Close() error {
	flushErr := c.FlushPageViews(context.Background())
	if c.cluster != nil {
		c.cluster.Release() // before the pool: another machine takes over at once
	}
	return errors.Join(flushErr, c.DB.Close())
}

// Open opens (creating if needed) the control database in dataDir and
// migrates it to schema (control.sql at the repository's root, which the
// binary embeds).
func Open(ctx context.Context, dataDir, schema string, c clock.Clock) (*Store, error) {
	d, err := db.Open(filepath.Join(dataDir, "control.db"), true, c)
	if err != nil {
		return nil, err
	}
	return migrated(ctx, d, schema)
}

// OpenPostgres opens the control database on the PostgreSQL database at
// url (postgres://…), the control plane several machines share, and
// migrates it to the same schema (as db.PostgresDDL translates it).
func OpenPostgres(ctx context.Context, url, schema string, c clock.Clock) (*Store, error) {
	d, err := db.OpenPostgres(ctx, url, c)
	if err != nil {
		return nil, err
	}
	return migrated(ctx, d, schema)
}

// migrated migrates d to schema, closing it if that fails.
func migrated(ctx context.Context, d *db.DB, schema string) (*Store, error) {
	migrations, err := db.ParseMigrations(schema)
	if err != nil {
		d.Close()
		return nil, err
	}
	if err := d.Migrate(ctx, migrations); err != nil {
		d.Close()
		return nil, err
	}
	return &Store{DB: d, cluster: d.SessionLock(clusterLockKey)}, nil
}

// sqlFor is the SQLite text of a query, or its PostgreSQL one on
// PostgreSQL: for the few queries that cannot be written once for both.
func (c *Store) sqlFor(sqlite, postgres string) string {
	if c.Postgres() {
		return postgres
	}
	return sqlite
}

// Ping checks that the control database answers a query; readiness uses it.
func (c *Store) Ping(ctx context.Context) error {
	var one int
	return c.Read().QueryRowContext(ctx, `SELECT 1`).Scan(&one)
}

// SecretKey returns the installation's random key for signing cookies and
// tickets, creating it on first use.
func (c *Store) SecretKey(ctx context.Context) ([]byte, error) {
	var key string
	err := c.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = 'secret_key'`).Scan(&key)
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		key = hex.EncodeToString(b)
		_, err = tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('secret_key', ?)`, key)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("db: secret key: %w", err)
	}
	return hex.DecodeString(key)
}
