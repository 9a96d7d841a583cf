package tenant

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/google/uuid"

	"mintedmind/apperr"
	"mintedmind/auth"
	"mintedmind/db"
)

// Invite is an emailed, expiring, single-use link that creates an account.
type Invite struct {
	ID        string
	Email     string
	Role      string
	InvitedBy string
	ClientID  string // the client a contact's invite is for
	CreatedAt time.Time
	ExpiresAt time.Time
	Expired   bool // set by the lists that show expired invites too (TeamInvites, ClientInvites)
}

// errContactInviteNeedsClient refuses a client invite from the team: a
// contact's account must belong to a client, so it is invited from that
// client (CreateContactInvite).
var errContactInviteNeedsClient = apperr.FieldErrors(map[string]string{"role": "Client contacts are invited from their client's Portal tab, so that their account belongs to that client."})

// CreateInvite is CreateInviteWithin with no plan limits: for the command
// line, the demo and tests. Requests go through CreateInviteWithin.
func (t *Store) CreateInvite(ctx context.Context, email, role, invitedBy string, ttl time.Duration, a Audit) (string, *Invite, error) {
	return t.CreateInviteWithin(ctx, email, role, invitedBy, ttl, Limits{}, a)
}

// CreateInviteWithin stores an invite to the team (owner, admin or staff)
// and returns its token for the link. A pending invite for the same address
// is replaced. The invitation takes a staff seat: one past l.StaffSeats is
// refused, counted in the same transaction.
func (t *Store) CreateInviteWithin(ctx context.Context, email, role, invitedBy string, ttl time.Duration, l Limits, a Audit) (string, *Invite, error) {
	if role == RoleClient {
		return "", nil, errContactInviteNeedsClient
	}
	if !ValidRole(role) {
		return "", nil, apperr.FieldErrors(map[string]string{"role": "Choose a role: owner, admin or staff."})
	}
	return t.createInvite(ctx, email, role, "", invitedBy, ttl, a, func(tx *sql.Tx) error {
		return checkStaffSeat(ctx, tx, l, t.Now())
	})
}

// CreateContactInvite invites a contact of a client that v may see to the
// portal: the account it creates belongs to that client.
func (t *Store) CreateContactInvite(ctx context.Context, v Viewer, clientID, email, invitedBy string, ttl time.Duration, a Audit) (string, *Invite, error) {
	return t.createInvite(ctx, email, RoleClient, clientID, invitedBy, ttl, a, t.visibleClientCheck(ctx, v, clientID))
}

func (t *Store) createInvite(ctx context.Context, email, role, clientID, invitedBy string, ttl time.Duration, a Audit, check func(*sql.Tx) error) (string, *Invite, error) {
	token := auth.NewToken()
	now := t.Now()
	inv := &Invite{ID: uuid.NewString(), Email: db.NormalizeEmail(email), Role: role, InvitedBy: invitedBy, ClientID: clientID, CreatedAt: db.UnixTime(now), ExpiresAt: db.UnixTime(now).Add(ttl)}
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		if check != nil {
			if err := check(tx); err != nil {
				return err
			}
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE email = ?`, inv.Email).Scan(&n); err != nil {
			return fmt.Errorf("db: check invitee: %w", err)
		}
		if n > 0 {
			return apperr.FieldErrors(map[string]string{"email": "This person already has an account here."})
		}
		if _, err := tx.ExecContext(ctx, `UPDATE invites SET revoked_at = ? WHERE email = ? AND accepted_at IS NULL AND revoked_at IS NULL`, now, inv.Email); err != nil {
			return fmt.Errorf("db: replace invite: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO invites (id, email, role, token_hash, invited_by, client_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			inv.ID, inv.Email, inv.Role, auth.HashToken(token), db.NullString(invitedBy), db.NullString(clientID), now, inv.ExpiresAt.Unix()); err != nil {
			return fmt.Errorf("db: insert invite: %w", err)
		}
		a.Target, a.Detail = inv.Email, role
		return t.auditTx(ctx, tx, a)
	})
	if err != nil {
		return "", nil, err
	}
	return token, inv, nil
}

const inviteColumns = `id, email, role, COALESCE(invited_by, ''), COALESCE(client_id, ''), created_at, expires_at`

func scanInvite(row db.Scanner) (*Invite, error) {
	var inv Invite
	var created, expires int64
	if err := row.Scan(&inv.ID, &inv.Email, &inv.Role, &inv.InvitedBy, &inv.ClientID, &created, &expires); err != nil {
		return nil, err
	}
	inv.CreatedAt, inv.ExpiresAt = db.UnixTime(created), db.UnixTime(expires)
	return &inv, nil
}

var invalidInvite = apperr.New(apperr.NotFound, "This invitation link is not valid any more. It may have been used already or expired; ask for a new one.")

// InviteByToken returns a pending, unexpired invite.
func (t *Store) InviteByToken(ctx context.Context, token string) (*Invite, error) {
	inv, err := scanInvite(t.Read().QueryRowContext(ctx, `SELECT `+inviteColumns+` FROM invites
		WHERE token_hash = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?`, auth.HashToken(token), t.Now()))
	if err != nil {
		if err == sql.ErrNoRows {
			return nil, invalidInvite
		}
		return nil, fmt.Errorf("db: invite: %w", err)
	}
	return inv, nil
}

// AcceptInvite uses an invite once: it creates the user in the same
// transaction that marks the invite accepted.
func (t *Store) AcceptInvite(ctx context.Context, token, name, passwordHash string, a Audit) (*User, error) {
	var u *User
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		inv, err := scanInvite(tx.QueryRowContext(ctx, `UPDATE invites SET accepted_at = ?
			WHERE token_hash = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?
			RETURNING `+inviteColumns, t.Now(), auth.HashToken(token), t.Now()))
		if err == sql.ErrNoRows {
			return invalidInvite
		}
		if err != nil {
			return fmt.Errorf("db: accept invite: %w", err)
		}
		if inv.Role == RoleClient && inv.ClientID == "" {
			// Made by the team page before contacts were invited from their
			// client: a contact of no client sees nothing and belongs nowhere.
			return apperr.New(apperr.NotFound, "This invitation is not valid any more: portal invitations now come from the client's own page. Ask %s to invite you again.", "the agency")
		}
		if u, err = t.insertUser(ctx, tx, inv.Email, name, inv.Role, passwordHash); err != nil {
			return err
		}
		if inv.ClientID != "" {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET client_id = ? WHERE id = ?`, inv.ClientID, u.ID); err != nil {
				return fmt.Errorf("db: link contact to client: %w", err)
			}
			u.ClientID = inv.ClientID
		}
		a.ActorID, a.ActorName, a.Target, a.Detail = u.ID, u.Name, u.Email, u.Role
		return t.auditTx(ctx, tx, a)
	})
	return u, err
}

// PendingInvites lists invites not yet accepted, revoked or expired.
func (t *Store) PendingInvites(ctx context.Context) ([]*Invite, error) {
	return db.QueryList(ctx, t.Read(), "pending invites", scanInvite, `SELECT `+inviteColumns+` FROM invites
		WHERE accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ? ORDER BY created_at DESC`, t.Now())
}

// expiredInviteShown is how long after it expired an invite still shows,
// to be sent again.
const expiredInviteShown = 30 * 24 * time.Hour

// TeamInvites lists the team's invites not yet accepted or withdrawn,
// newest first, with those expired in the last 30 days (Expired set).
// Invites of client contacts are their client's (ClientInvites), but for
// the ones tied to no client, made before contacts were invited from their
// client, which are listed here to be withdrawn.
func (t *Store) TeamInvites(ctx context.Context) ([]*Invite, error) {
	list, err := db.QueryList(ctx, t.Read(), "team invites", scanInvite, `SELECT `+inviteColumns+` FROM invites
		WHERE client_id IS NULL AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ? ORDER BY created_at DESC`, t.Now()-int64(expiredInviteShown/time.Second))
	return t.markExpired(list), err
}

// ClientInvites returns a client's portal invites not yet accepted or
// withdrawn, with those expired in the last 30 days (Expired set).
func (t *Store) ClientInvites(ctx context.Context, clientID string) ([]*Invite, error) {
	list, err := db.QueryList(ctx, t.Reader(), "client invites", scanInvite, `SELECT `+inviteColumns+` FROM invites
		WHERE client_id = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ? ORDER BY created_at DESC`, clientID, t.Now()-int64(expiredInviteShown/time.Second))
	return t.markExpired(list), err
}

func (t *Store) markExpired(list []*Invite) []*Invite {
	now := t.Now()
	for _, inv := range list {
		inv.Expired = inv.ExpiresAt.Unix() <= now
	}
	return list
}

// RevokeInvite withdraws a pending invite to the team (or one tied to no
// client); a client contact's invite is withdrawn from its client
// (RevokeContactInvite), and its id here is not found.
func (t *Store) RevokeInvite(ctx context.Context, id string, a Audit) error {
	return t.revokeInvite(ctx, id, "", a, nil)
}

// RevokeContactInvite withdraws a pending portal invite of a client that
// v may see.
func (t *Store) RevokeContactInvite(ctx context.Context, v Viewer, clientID, id string, a Audit) error {
	return t.revokeInvite(ctx, id, clientID, a, t.visibleClientCheck(ctx, v, clientID))
}

func (t *Store) revokeInvite(ctx context.Context, id, clientID string, a Audit, check func(*sql.Tx) error) error {
	return t.Tx(ctx, func(tx *sql.Tx) error {
		if check != nil {
			if err := check(tx); err != nil {
				return err
			}
		}
		var email string
		err := tx.QueryRowContext(ctx, `UPDATE invites SET revoked_at = ? WHERE id = ? AND COALESCE(client_id, '') = ? AND accepted_at IS NULL AND revoked_at IS NULL RETURNING email`,
			t.Now(), id, clientID).Scan(&email)
		if err != nil {
			return db.NotFound(err, "Invitation")
		}
		a.Target = email
		return t.auditTx(ctx, tx, a)
	})
}

// ResendInvite is ResendInviteWithin with no plan limits, for tests.
func (t *Store) ResendInvite(ctx context.Context, id string, ttl time.Duration, a Audit) (string, *Invite, error) {
	return t.ResendInviteWithin(ctx, id, ttl, Limits{}, a)
}

// ResendInviteWithin gives a team invite not yet accepted or withdrawn
// (expired or not) a new link, valid for ttl from now, and returns its
// token; the old link stops working. An expired invitation to the staff
// takes a seat again: past l.StaffSeats it is refused, counted in the same
// transaction.
func (t *Store) ResendInviteWithin(ctx context.Context, id string, ttl time.Duration, l Limits, a Audit) (string, *Invite, error) {
	return t.resendInvite(ctx, id, "", ttl, a, func(tx *sql.Tx) error {
		if l.StaffSeats == 0 {
			return nil
		}
		var role string
		var expires int64
		err := tx.QueryRowContext(ctx, `SELECT role, expires_at FROM invites WHERE id = ? AND client_id IS NULL AND accepted_at IS NULL AND revoked_at IS NULL`, id).Scan(&role, &expires)
		if err == sql.ErrNoRows {
			return nil // the update says it is not found
		}
		if err != nil {
			return fmt.Errorf("db: load invite %s: %w", id, err)
		}
		if role == RoleClient || expires > t.Now() {
			return nil // it holds its seat already
		}
		return checkStaffSeat(ctx, tx, l, t.Now())
	})
}

// ResendContactInvite is ResendInvite for a portal invite of a client that
// v may see.
func (t *Store) ResendContactInvite(ctx context.Context, v Viewer, clientID, id string, ttl time.Duration, a Audit) (string, *Invite, error) {
	return t.resendInvite(ctx, id, clientID, ttl, a, t.visibleClientCheck(ctx, v, clientID))
}

func (t *Store) resendInvite(ctx context.Context, id, clientID string, ttl time.Duration, a Audit, check func(*sql.Tx) error) (string, *Invite, error) {
	token := auth.NewToken()
	now := t.Now()
	var inv *Invite
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		if check != nil {
			if err := check(tx); err != nil {
				return err
			}
		}
		var err error
		inv, err = scanInvite(tx.QueryRowContext(ctx, `UPDATE invites SET token_hash = ?, expires_at = ?
			WHERE id = ? AND COALESCE(client_id, '') = ? AND accepted_at IS NULL AND revoked_at IS NULL
			RETURNING `+inviteColumns, auth.HashToken(token), now+int64(ttl/time.Second), id, clientID))
		if err != nil {
			return db.NotFound(err, "Invitation")
		}
		if inv.Role == RoleClient && inv.ClientID == "" {
			return errContactInviteNeedsClient
		}
		a.Target, a.Detail = inv.Email, inv.Role
		return t.auditTx(ctx, tx, a)
	})
	if err != nil {
		return "", nil, err
	}
	return token, inv, nil
}

// visibleClientCheck is a transaction's check that v may see the client
// and that it is not archived.
func (t *Store) visibleClientCheck(ctx context.Context, v Viewer, clientID string) func(*sql.Tx) error {
	return func(tx *sql.Tx) error {
		filter, args := v.clientFilter("c")
		var archived sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT c.archived_at FROM clients c WHERE c.id = ? AND `+filter, append([]any{clientID}, args...)...).Scan(&archived)
		if err != nil {
			return db.NotFound(err, "Client")
		}
		if archived.Valid {
			return apperr.New(apperr.Conflict, "This client is archived: restore it before inviting its contacts.")
		}
		return nil
	}
}
