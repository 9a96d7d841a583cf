package control

import (
	"context"
	"time"

	"mintedmind/db"
)

// ClosedCaseRetention is how long an agency keeps closed cases under its
// plan: 0 for ever (no plan, or a plan without the limit).
func (c *Store) ClosedCaseRetention(ctx context.Context, agencyID string) (time.Duration, error) {
	var days int64
	err := c.Read().QueryRowContext(ctx, `SELECT COALESCE(p.case_retention_days, 0) FROM agencies a LEFT JOIN plans p ON p.id = a.plan_id WHERE a.id = ?`, agencyID).Scan(&days)
	if err != nil {
		return 0, db.NotFound(err, "Agency")
	}
	return time.Duration(days) * 24 * time.Hour, nil
}
