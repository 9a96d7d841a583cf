package tenant

import (
	"context"
	"database/sql"
	"fmt"

	"mintedmind/apperr"
)

// Limits are the most an agency may hold, from its plan (app.Plans.Limits
// decides them); 0 is no limit. The writes they guard (CreateClientWithin,
// ImportClientsWithin, SetClientArchivedWithin restoring a client,
// CreateInviteWithin, ResendInviteWithin, SetUserStatusWithin enabling a
// team member, and AddDocumentsWithin for StorageBytes) count inside the
// write transaction that adds, under the database's write lock, so that
// two requests at a limit cannot both pass it.
type Limits struct {
	MaxClients   int64 // clients not archived
	StaffSeats   int64 // active owners, admins and staff, and pending invitations to those roles
	StorageBytes int64 // documents, the trash included
	// Plan names the plan the limits come from and PlanPage is where the
	// owner can move to a larger one (/a/<slug>/plan), for the refusals.
	Plan, PlanPage string
	// Current, when set, reads the limits again; the guarded writes call it
	// inside their transaction, under the write lock, and use what it
	// returns. A plan change holds that lock while it counts the usage and
	// records the move (HoldLimits), so a write that read the old plan
	// before the move cannot commit after it: it sees the new plan.
	Current func(context.Context) (Limits, error)
}

// current is l read again under the write lock, when it can be.
func (l Limits) current(ctx context.Context) (Limits, error) {
	if l.Current == nil {
		return l, nil
	}
	n, err := l.Current(ctx)
	if err != nil {
		return l, fmt.Errorf("db: read the plan's limits: %w", err)
	}
	n.Current = nil
	return n, nil
}

// refusal is the answer to a write that would go over the plan.
func (l Limits) refusal(format string, args ...any) error {
	return apperr.New(apperr.Conflict, "%s Your owner can move to a larger plan on the Plan page (%s).", fmt.Sprintf(format, args...), l.PlanPage)
}

// What a plan's limits count, one definition for the plan page (PlanUsage)
// and the checks in the writes. staffSeatsSQL takes the time now, as a
// pending invitation holds a seat until it expires.
const (
	staffSeatsSQL = `(SELECT COUNT(*) FROM users WHERE role <> 'client' AND status = 'active') +
		(SELECT COUNT(*) FROM invites WHERE role <> 'client' AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?)`
	activeClientsSQL = `(SELECT COUNT(*) FROM clients WHERE archived_at IS NULL)`
)

// checkClientLimit refuses, inside the write transaction tx, adding clients
// past l.MaxClients.
func checkClientLimit(ctx context.Context, tx *sql.Tx, l Limits, adding int) error {
	l, err := l.current(ctx)
	if err != nil {
		return err
	}
	if l.MaxClients == 0 {
		return nil
	}
	var n int64
	if err := tx.QueryRowContext(ctx, `SELECT `+activeClientsSQL).Scan(&n); err != nil {
		return fmt.Errorf("db: count clients: %w", err)
	}
	if n+int64(adding) > l.MaxClients {
		return l.refusal("The %s plan allows %d clients; you have %d, so %d more can be added, not %d.", l.Plan, l.MaxClients, n, max(l.MaxClients-n, 0), adding)
	}
	return nil
}

// checkStaffSeat refuses, inside the write transaction tx, one more staff
// member (an invitation to the team) past l.StaffSeats; now is the time
// pending invitations are counted at.
func checkStaffSeat(ctx context.Context, tx *sql.Tx, l Limits, now int64) error {
	l, err := l.current(ctx)
	if err != nil {
		return err
	}
	if l.StaffSeats == 0 {
		return nil
	}
	var n int64
	if err := tx.QueryRowContext(ctx, `SELECT `+staffSeatsSQL, now).Scan(&n); err != nil {
		return fmt.Errorf("db: count staff seats: %w", err)
	}
	if n+1 > l.StaffSeats {
		return l.refusal("The %s plan has %d staff seats and all are taken (pending invitations included).", l.Plan, l.StaffSeats)
	}
	return nil
}
