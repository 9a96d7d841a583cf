package control

import (
	"context"
	"fmt"

	"mintedmind/db"
)

// AgenciesForEmail returns the usable agencies where email has an account,
// by name; the global login page uses it.
func (c *Store) AgenciesForEmail(ctx context.Context, email string) ([]*Agency, error) {
	return db.QueryList(ctx, c.Read(), "directory lookup", scanAgency, `SELECT a.id, a.slug, a.name, a.status, a.created_at, COALESCE(a.last_activity_at, 0)
		FROM login_directory d JOIN agencies a ON a.id = d.agency_id
		WHERE d.email = ? ORDER BY a.name`, db.NormalizeEmail(email))
}

// AddToDirectory records that email has an account in agencyID.
func (c *Store) AddToDirectory(ctx context.Context, email, agencyID string) error {
	_, err := c.Write().ExecContext(ctx, `INSERT INTO login_directory (email, agency_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, db.NormalizeEmail(email), agencyID)
	if err != nil {
		return fmt.Errorf("db: add %s to directory: %w", agencyID, err)
	}
	return nil
}

// RemoveFromDirectory forgets that email has an account in agencyID.
func (c *Store) RemoveFromDirectory(ctx context.Context, email, agencyID string) error {
	_, err := c.Write().ExecContext(ctx, `DELETE FROM login_directory WHERE email = ? AND agency_id = ?`, db.NormalizeEmail(email), agencyID)
	if err != nil {
		return fmt.Errorf("db: remove from directory %s: %w", agencyID, err)
	}
	return nil
}
