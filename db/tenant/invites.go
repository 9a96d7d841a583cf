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
}

// CreateInvite stores an invite and returns its token for the link. A
// pending invite for the same address is replaced.
func (t *Store) CreateInvite(ctx context.Context, email, role, invitedBy string, ttl time.Duration, a Audit) (string, *Invite, error) {
	return t.createInvite(ctx, email, role, "", invitedBy, ttl, a, nil)
}

// CreateContactInvite invites a contact of a client that v may see to the
// portal: the account it creates belongs to that client.
func (t *Store) CreateContactInvite(ctx context.Context, v Viewer, clientID, email, invitedBy string, ttl time.Duration, a Audit) (string, *Invite, error) {
	return t.createInvite(ctx, email, RoleClient, clientID, invitedBy, ttl, a, func(tx *sql.Tx) error {
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
	})
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

// RevokeInvite withdraws a pending invite.
func (t *Store) RevokeInvite(ctx context.Context, id string, a Audit) error {
	return t.Tx(ctx, func(tx *sql.Tx) error {
		var email string
		err := tx.QueryRowContext(ctx, `UPDATE invites SET revoked_at = ? WHERE id = ? AND accepted_at IS NULL AND revoked_at IS NULL RETURNING email`, t.Now(), id).Scan(&email)
		if err != nil {
			return db.NotFound(err, "Invitation")
		}
		a.Target = email
		return t.auditTx(ctx, tx, a)
	})
}
