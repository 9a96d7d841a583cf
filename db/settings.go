package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Settings are an agency's preferences, stored as key/value rows.
type Settings struct {
	// StaffSeeOwnOnly limits staff (not admins or owners) to the clients they
	// are responsible for and the cases assigned to them or to their clients.
	StaffSeeOwnOnly bool
}

const settingStaffVisibility = "staff_visibility" // "all" (default) or "own"

// Settings reads the agency's settings, with defaults for unset keys.
func (t *Tenant) Settings(ctx context.Context) (Settings, error) {
	var s Settings
	var v string
	err := preparedReader{t.DB}.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, settingStaffVisibility).Scan(&v)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return s, fmt.Errorf("db: read settings: %w", err)
	}
	s.StaffSeeOwnOnly = v == "own"
	return s, nil
}

// SaveSettings stores the agency's settings and audits the change.
func (t *Tenant) SaveSettings(ctx context.Context, s Settings, a Audit) error {
	v := "all"
	if s.StaffSeeOwnOnly {
		v = "own"
	}
	return t.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, settingStaffVisibility, v); err != nil {
			return fmt.Errorf("db: save settings: %w", err)
		}
		a.Detail = "staff see: " + v
		return t.auditTx(ctx, tx, a)
	})
}
