package control

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"mintedmind/db"
)

// Reasons an agency is degraded.
const (
	DegradedCorrupt   = "corrupt"   // its database is damaged
	DegradedMigration = "migration" // a schema migration failed on it
)

// AgencyHealth is what the control database knows of an agency's
// database: whether it is degraded and why, and its last integrity check.
type AgencyHealth struct {
	AgencyID    string
	Slug, Name  string
	Degraded    bool
	DegradedAt  time.Time
	Reason      string // DegradedCorrupt or DegradedMigration
	Error       string
	Notified    bool // the operator was emailed of it
	CheckedAt   time.Time
	CheckResult string // "ok", or what quick_check found
	CheckTime   time.Duration
}

const agencyHealthColumns = `h.agency_id, a.slug, a.name, COALESCE(h.degraded_at, 0), h.reason, h.error, h.notified_at IS NOT NULL,
	COALESCE(h.checked_at, 0), h.check_result, h.check_millis`

func scanAgencyHealth(row db.Scanner) (*AgencyHealth, error) {
	var h AgencyHealth
	var degraded, checked, millis int64
	if err := row.Scan(&h.AgencyID, &h.Slug, &h.Name, &degraded, &h.Reason, &h.Error, &h.Notified, &checked, &h.CheckResult, &millis); err != nil {
		return nil, err
	}
	h.Degraded = degraded != 0
	h.DegradedAt, h.CheckedAt = db.UnixTime(degraded), db.UnixTime(checked)
	h.CheckTime = time.Duration(millis) * time.Millisecond
	return &h, nil
}

// maxHealthError bounds the error text kept for an agency.
const maxHealthError = 2000

// MarkAgencyDegraded records that the agency's database is unusable for
// reason; marked is false when it already was degraded (the error of the
// first finding is kept).
func (c *Store) MarkAgencyDegraded(ctx context.Context, agencyID, reason, errText string) (marked bool, err error) {
	err = c.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO agency_health (agency_id, degraded_at, reason, error) VALUES (?, ?, ?, ?)
			ON CONFLICT (agency_id) DO UPDATE SET degraded_at = excluded.degraded_at, reason = excluded.reason, error = excluded.error, notified_at = NULL
			WHERE agency_health.degraded_at IS NULL`, agencyID, c.Now(), reason, db.Truncate(errText, maxHealthError))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		marked = n > 0
		return err
	})
	if err != nil {
		return false, fmt.Errorf("db: mark agency %s degraded: %w", agencyID, err)
	}
	return marked, nil
}

// SetDegradedNotified records that the operator was emailed of the
// agency's current incident.
func (c *Store) SetDegradedNotified(ctx context.Context, agencyID string) error {
	_, err := c.Write().ExecContext(ctx, `UPDATE agency_health SET notified_at = ? WHERE agency_id = ? AND degraded_at IS NOT NULL`, c.Now(), agencyID)
	if err != nil {
		return fmt.Errorf("db: agency %s notified: %w", agencyID, err)
	}
	return nil
}

// ClearAgencyDegraded puts the agency back in service (after a restore).
func (c *Store) ClearAgencyDegraded(ctx context.Context, agencyID string) error {
	_, err := c.Write().ExecContext(ctx, `UPDATE agency_health SET degraded_at = NULL, reason = '', error = '', notified_at = NULL WHERE agency_id = ?`, agencyID)
	if err != nil {
		return fmt.Errorf("db: clear agency %s degraded: %w", agencyID, err)
	}
	return nil
}

// DegradedAgencies lists the degraded agencies, the first found first.
func (c *Store) DegradedAgencies(ctx context.Context) ([]*AgencyHealth, error) {
	return db.QueryList(ctx, c.Read(), "degraded agencies", scanAgencyHealth, `SELECT `+agencyHealthColumns+`
		FROM agency_health h JOIN agencies a ON a.id = h.agency_id WHERE h.degraded_at IS NOT NULL ORDER BY h.degraded_at, a.name`)
}

// AgencyHealthOf returns the agency's health record; an agency never
// checked nor degraded has a zero one.
func (c *Store) AgencyHealthOf(ctx context.Context, agencyID string) (*AgencyHealth, error) {
	h, err := scanAgencyHealth(c.Read().QueryRowContext(ctx, `SELECT `+agencyHealthColumns+`
		FROM agency_health h JOIN agencies a ON a.id = h.agency_id WHERE h.agency_id = ?`, agencyID))
	if errors.Is(err, sql.ErrNoRows) {
		return &AgencyHealth{AgencyID: agencyID}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("db: agency %s health: %w", agencyID, err)
	}
	return h, nil
}

// RecordIntegrityCheck stores the result of an agency's quick_check.
func (c *Store) RecordIntegrityCheck(ctx context.Context, agencyID, result string, took time.Duration) error {
	_, err := c.Write().ExecContext(ctx, `INSERT INTO agency_health (agency_id, checked_at, check_result, check_millis) VALUES (?, ?, ?, ?)
		ON CONFLICT (agency_id) DO UPDATE SET checked_at = excluded.checked_at, check_result = excluded.check_result, check_millis = excluded.check_millis`,
		agencyID, c.Now(), db.Truncate(result, maxHealthError), took.Milliseconds())
	if err != nil {
		return fmt.Errorf("db: record integrity check of %s: %w", agencyID, err)
	}
	return nil
}

// OperatorEmails lists every platform operator's address, for alerts.
func (c *Store) OperatorEmails(ctx context.Context) ([]string, error) {
	return db.QueryList(ctx, c.Read(), "operator emails", func(row db.Scanner) (string, error) {
		var e string
		err := row.Scan(&e)
		return e, err
	}, `SELECT email FROM operators ORDER BY created_at`)
}
