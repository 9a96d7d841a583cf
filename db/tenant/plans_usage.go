package tenant

import (
	"context"
	"database/sql"
	"fmt"
)

// Usage is what an agency uses of its plan's limits (app.PlanRefusal
// compares it with a plan).
type Usage struct {
	Staff        int64 // active staff, admins and owners plus pending invitations to them
	Clients      int64
	StorageBytes int64
}

// PlanUsage counts what the agency uses of a plan's limits: staff seats
// (active staff, admins and owners, and open invitations to those roles),
// clients that are not archived, and document storage. The writes these
// limits guard count the same inside their transactions (limits.go).
func (t *Store) PlanUsage(ctx context.Context) (Usage, error) {
	return planUsage(ctx, t.Read(), t.Now())
}

// HoldLimits counts the plan usage inside a write transaction and calls fn
// with it while the transaction holds the agency database's write lock:
// no write the limits guard can commit between the count and the end of
// fn, and those that commit after read their limits again (Limits.Current).
// app.Plans.ChangePlan records a plan move in fn. Nothing is written here.
func (t *Store) HoldLimits(ctx context.Context, fn func(Usage) error) error {
	return t.Tx(ctx, func(tx *sql.Tx) error {
		u, err := planUsage(ctx, tx, t.Now())
		if err != nil {
			return err
		}
		return fn(u)
	})
}

// planUsage is PlanUsage counted through q at now.
func planUsage(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, now int64) (Usage, error) {
	var u Usage
	err := q.QueryRowContext(ctx, `SELECT `+staffSeatsSQL+`, `+activeClientsSQL, now).Scan(&u.Staff, &u.Clients)
	if err != nil {
		return u, fmt.Errorf("db: plan usage: %w", err)
	}
	s, err := storageUsage(ctx, q)
	if err != nil {
		return u, err
	}
	u.StorageBytes = s.Used
	return u, nil
}

// UserCounts returns the agency's active staff (owners and admins
// included) and client contacts, for the operator's console.
func (t *Store) UserCounts(ctx context.Context) (staff, contacts int64, err error) {
	err = t.Read().QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM users WHERE role <> 'client' AND status = 'active'),
		(SELECT COUNT(*) FROM users WHERE role = 'client' AND status = 'active')`).Scan(&staff, &contacts)
	if err != nil {
		return 0, 0, fmt.Errorf("db: user counts: %w", err)
	}
	return staff, contacts, nil
}
