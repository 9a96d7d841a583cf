package db

import (
	"context"
	"crypto/rand"
	"database/sql"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"

	"mintedmind/clock"
)

//go:embed control.sql
var controlSchema string

// Control is the control database, DATA/control.db.
type Control struct {
	*DB
	pageViews pageViews // analytics counted and not yet written (analytics.go)
}

// Close writes the analytics counted since the last write, then closes
// the database.
func (c *Control) Close() error {
	flushErr := c.FlushPageViews(context.Background())
	return errors.Join(flushErr, c.DB.Close())
}

// OpenControl opens (creating if needed) and migrates the control database
// in dataDir.
func OpenControl(ctx context.Context, dataDir string, c clock.Clock) (*Control, error) {
	d, err := Open(filepath.Join(dataDir, "control.db"), true, c)
	if err != nil {
		return nil, err
	}
	migrations, err := ParseMigrations(controlSchema)
	if err != nil {
		d.Close()
		return nil, err
	}
	if err := d.Migrate(ctx, migrations); err != nil {
		d.Close()
		return nil, err
	}
	return &Control{DB: d}, nil
}

// Ping checks that the control database answers a query; readiness uses it.
func (c *Control) Ping(ctx context.Context) error {
	var one int
	return c.Read().QueryRowContext(ctx, `SELECT 1`).Scan(&one)
}

// SecretKey returns the installation's random key for signing cookies and
// tickets, creating it on first use.
func (c *Control) SecretKey(ctx context.Context) ([]byte, error) {
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
