package db

import (
	"context"
	"fmt"
	"os"
)

// AgenciesForEmail returns the usable agencies where email has an account,
// by name; the global login page uses it.
func (c *Control) AgenciesForEmail(ctx context.Context, email string) ([]*Agency, error) {
	return QueryList(ctx, c.Read(), "directory lookup", scanAgency, `SELECT a.id, a.slug, a.name, a.status, a.created_at, COALESCE(a.last_activity_at, 0)
		FROM login_directory d JOIN agencies a ON a.id = d.agency_id
		WHERE d.email = ? ORDER BY a.name`, NormalizeEmail(email))
}

// AddToDirectory records that email has an account in agencyID.
func (c *Control) AddToDirectory(ctx context.Context, email, agencyID string) error {
	_, err := c.Write().ExecContext(ctx, `INSERT OR IGNORE INTO login_directory (email, agency_id) VALUES (?, ?)`, NormalizeEmail(email), agencyID)
	if err != nil {
		return fmt.Errorf("db: add %s to directory: %w", agencyID, err)
	}
	return nil
}

func removeTenantDir(pool *TenantPool, agencyID string) error {
	return os.RemoveAll(pool.TenantDir(agencyID))
}
