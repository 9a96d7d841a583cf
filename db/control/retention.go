package control

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"mintedmind/db"
)

// RetentionAgency is an agency as the retention job sees it.
type RetentionAgency struct {
	Agency
	ArchivedAt time.Time // zero unless archived
}

// LastActive is the agency's last staff sign-in, or its creation.
func (a *RetentionAgency) LastActive() time.Time {
	if a.LastActivityAt.After(a.CreatedAt) {
		return a.LastActivityAt
	}
	return a.CreatedAt
}

// RetentionAgencies lists every agency not yet deleted, with its archive time.
func (c *Store) RetentionAgencies(ctx context.Context) ([]*RetentionAgency, error) {
	return db.QueryList(ctx, c.Read(), "retention agencies", func(r db.Scanner) (*RetentionAgency, error) {
		var a RetentionAgency
		var created, activity, archived int64
		if err := r.Scan(&a.ID, &a.Slug, &a.Name, &a.Status, &created, &activity, &archived); err != nil {
			return nil, err
		}
		a.CreatedAt, a.LastActivityAt, a.ArchivedAt = db.UnixTime(created), db.UnixTime(activity), db.UnixTime(archived)
		return &a, nil
	}, `SELECT id, slug, name, status, created_at, COALESCE(last_activity_at, 0), COALESCE(archived_at, 0)
		FROM agencies WHERE status <> 'deleted' ORDER BY created_at, id`)
}

// RecordRetentionNotice records that the warning kind about the inactivity
// since activityAt went out; it reports false when it already had.
func (c *Store) RecordRetentionNotice(ctx context.Context, agencyID, kind string, activityAt time.Time) (bool, error) {
	res, err := c.Write().ExecContext(ctx, `INSERT INTO retention_notices (agency_id, kind, activity_at, sent_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		agencyID, kind, activityAt.Unix(), c.Now())
	if err != nil {
		return false, fmt.Errorf("db: record retention notice: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// RetentionNoticeSentAt returns when the warning kind about the
// inactivity since activityAt went out, or the zero time if it has not.
func (c *Store) RetentionNoticeSentAt(ctx context.Context, agencyID, kind string, activityAt time.Time) (time.Time, error) {
	var at int64
	err := c.Read().QueryRowContext(ctx, `SELECT COALESCE(MAX(sent_at), 0) FROM retention_notices WHERE agency_id = ? AND kind = ? AND activity_at = ?`,
		agencyID, kind, activityAt.Unix()).Scan(&at)
	if err != nil {
		return time.Time{}, fmt.Errorf("db: retention notice: %w", err)
	}
	return db.UnixTime(at), nil
}

// RevertAgencyArchived puts back the status an agency had before an
// archival that failed half-way.
func (c *Store) RevertAgencyArchived(ctx context.Context, agencyID, status string) error {
	_, err := c.Write().ExecContext(ctx, `UPDATE agencies SET status = ?, archived_at = NULL WHERE id = ?`, status, agencyID)
	if err != nil {
		return fmt.Errorf("db: revert archival of %s: %w", agencyID, err)
	}
	return nil
}

// SetAgencyArchived marks an agency archived now: its people cannot sign in.
func (c *Store) SetAgencyArchived(ctx context.Context, agencyID string) error {
	_, err := c.Write().ExecContext(ctx, `UPDATE agencies SET status = 'archived', archived_at = ? WHERE id = ? AND status <> 'deleted'`, c.Now(), agencyID)
	if err != nil {
		return fmt.Errorf("db: archive agency %s: %w", agencyID, err)
	}
	return nil
}

// SetAgencyRestored makes an archived agency active again; its inactivity
// is counted from now.
func (c *Store) SetAgencyRestored(ctx context.Context, agencyID string) error {
	_, err := c.Write().ExecContext(ctx, `UPDATE agencies SET status = 'active', archived_at = NULL, last_activity_at = ? WHERE id = ?`, c.Now(), agencyID)
	if err != nil {
		return fmt.Errorf("db: restore agency %s: %w", agencyID, err)
	}
	return nil
}

// SetAgencyDeleted marks an agency deleted for good and forgets its
// people's emails in the login directory.
func (c *Store) SetAgencyDeleted(ctx context.Context, agencyID string) error {
	return c.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE agencies SET status = 'deleted' WHERE id = ?`, agencyID); err != nil {
			return fmt.Errorf("db: delete agency %s: %w", agencyID, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_directory WHERE agency_id = ?`, agencyID); err != nil {
			return fmt.Errorf("db: delete agency %s directory: %w", agencyID, err)
		}
		return nil
	})
}

// PurgeSetupTokens deletes used or expired operator setup links.
func (c *Store) PurgeSetupTokens(ctx context.Context, dryRun bool) (int64, error) {
	return db.CountOrDelete(ctx, c.DB, dryRun, `setup_tokens WHERE used_at IS NOT NULL OR expires_at <= ?`, c.Now())
}
