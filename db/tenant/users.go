package tenant

import (
	"context"
	"database/sql"
	"fmt"
	"net/mail"
	"time"

	"github.com/google/uuid"

	"mintedmind/apperr"
	"mintedmind/db"
	"mintedmind/i18n"
)

// Roles, from most to least powerful. Client is the portal role.
const (
	RoleOwner  = "owner"
	RoleAdmin  = "admin"
	RoleStaff  = "staff"
	RoleClient = "client"
)

// Roles lists every agency role, most powerful first.
var Roles = []string{RoleOwner, RoleAdmin, RoleStaff, RoleClient}

// RoleRank orders roles: a higher rank may do everything a lower one may.
func RoleRank(role string) int {
	switch role {
	case RoleOwner:
		return 4
	case RoleAdmin:
		return 3
	case RoleStaff:
		return 2
	case RoleClient:
		return 1
	}
	return 0
}

// ValidRole reports whether role is an agency role.
func ValidRole(role string) bool { return RoleRank(role) > 0 }

// User statuses.
const (
	UserActive   = "active"
	UserDisabled = "disabled"
)

// User is a person with an account in one agency: staff or a client contact.
type User struct {
	ID           string
	Email        string
	Name         string
	Role         string
	PasswordHash string
	Status       string
	CreatedAt    time.Time
	LastLoginAt  time.Time
	ClientID     string // the client a contact (role client) belongs to; "" for staff
	TwoFactor    bool   // signs in with a TOTP code after the password
	Language     string // the language they chose for their pages (i18n); "" for the agency's default
}

// IsStaff reports whether the user works for the agency (any role but client).
func (u *User) IsStaff() bool { return RoleRank(u.Role) >= RoleRank(RoleStaff) }

// ValidateEmail checks an address and returns it normalised, or a message.
func ValidateEmail(email string) (string, string) {
	e := db.NormalizeEmail(email)
	if e == "" {
		return "", "Enter an email address."
	}
	if len(e) > 254 {
		return "", "This address is too long."
	}
	addr, err := mail.ParseAddress(e)
	if err != nil || addr.Address != e || addr.Name != "" {
		return "", "Enter a valid email address, like name@example.com."
	}
	return e, ""
}

const userColumns = `id, email, name, role, password_hash, status, created_at, last_login_at, client_id, totp_enabled_at, language`

func scanUser(row db.Scanner) (*User, error) {
	var us userScan
	if err := row.Scan(us.dest()...); err != nil {
		return nil, err
	}
	return us.user(), nil
}

// userScan receives the userColumns of a row, alone or after other columns.
type userScan struct {
	u                      User
	created                int64
	lastLogin, totpEnabled sql.NullInt64
	clientID               sql.NullString
}

func (s *userScan) dest() []any {
	return []any{&s.u.ID, &s.u.Email, &s.u.Name, &s.u.Role, &s.u.PasswordHash, &s.u.Status, &s.created, &s.lastLogin, &s.clientID, &s.totpEnabled, &s.u.Language}
}

func (s *userScan) user() *User {
	u := s.u
	u.CreatedAt, u.LastLoginAt = db.UnixTime(s.created), db.NullUnix(s.lastLogin)
	u.ClientID, u.TwoFactor = s.clientID.String, s.totpEnabled.Valid
	return &u
}

func (t *Store) insertUser(ctx context.Context, tx *sql.Tx, email, name, role, hash string) (*User, error) {
	u := &User{ID: uuid.NewString(), Email: db.NormalizeEmail(email), Name: name, Role: role, PasswordHash: hash, Status: UserActive, CreatedAt: db.UnixTime(t.Now())}
	_, err := tx.ExecContext(ctx, `INSERT INTO users (id, email, name, role, password_hash, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, u.Email, u.Name, u.Role, u.PasswordHash, u.Status, t.Now(), t.Now())
	if db.IsUnique(err) {
		return nil, apperr.FieldErrors(map[string]string{"email": "Someone in this agency already uses this email address."})
	}
	if err != nil {
		return nil, fmt.Errorf("db: insert user: %w", err)
	}
	return u, nil
}

// UserByEmail finds a user by email address.
func (t *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	u, err := scanUser(t.Reader().QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email = ?`, db.NormalizeEmail(email)))
	if err != nil {
		return nil, db.NotFound(err, "User")
	}
	return u, nil
}

// UserByID finds a user by id.
func (t *Store) UserByID(ctx context.Context, id string) (*User, error) {
	u, err := scanUser(t.Reader().QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if err != nil {
		return nil, db.NotFound(err, "User")
	}
	return u, nil
}

// Users lists the agency's users, staff first, then by name.
func (t *Store) Users(ctx context.Context) ([]*User, error) {
	return db.QueryList(ctx, t.Reader(), "list users", scanUser, `SELECT `+userColumns+` FROM users
		ORDER BY CASE role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 WHEN 'staff' THEN 2 ELSE 3 END, name COLLATE NOCASE`)
}

// RecordLogin notes a successful sign-in.
func (t *Store) RecordLogin(ctx context.Context, userID string) error {
	_, err := t.Write().ExecContext(ctx, `UPDATE users SET last_login_at = ? WHERE id = ?`, t.Now(), userID)
	return err
}

// ChangePassword sets a new password hash and ends every session of the
// user except keepSessionID (empty ends all).
func (t *Store) ChangePassword(ctx context.Context, userID, hash, keepSessionID string, a Audit) error {
	return t.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`, hash, t.Now(), userID); err != nil {
			return fmt.Errorf("db: change password: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND id <> ?`, userID, keepSessionID); err != nil {
			return fmt.Errorf("db: end sessions: %w", err)
		}
		return t.auditTx(ctx, tx, a)
	})
}

// SetLanguage stores the language a person chose for their pages (one of
// i18n.Languages, or "" for the agency's default) and audits it.
func (t *Store) SetLanguage(ctx context.Context, userID, lang string, a Audit) error {
	if lang != "" && !i18n.Supported(lang) {
		return apperr.FieldErrors(map[string]string{"language": "Choose one of the languages listed."})
	}
	return t.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET language = ?, updated_at = ? WHERE id = ?`, lang, t.Now(), userID)
		if err != nil {
			return fmt.Errorf("db: set language: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, "Person not found.")
		}
		a.Detail = "language: " + lang
		if lang == "" {
			a.Detail = "language: the agency's"
		}
		return t.auditTx(ctx, tx, a)
	})
}

// countActiveOwners counts owners that can still sign in.
func countActiveOwners(ctx context.Context, tx *sql.Tx) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE role = 'owner' AND status = 'active'`).Scan(&n)
	return n, err
}

// SetRole changes a user's role; the last active owner keeps theirs.
func (t *Store) SetRole(ctx context.Context, userID, role string, a Audit) error {
	return t.Tx(ctx, func(tx *sql.Tx) error {
		u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, userID))
		if err != nil {
			return db.NotFound(err, "User")
		}
		if !ValidRole(role) {
			return apperr.New(apperr.Invalid, "There is no role %q.", role)
		}
		if u.Role == RoleClient && role != RoleClient {
			return apperr.New(apperr.Conflict, "%s is a client's portal contact and can't join the team. Invite them to the team with an address of their own.", u.Name)
		}
		if u.Role != RoleClient && role == RoleClient {
			return apperr.New(apperr.Conflict, "%s is on the team and can't become a client's contact. Portal contacts are invited from their client's page.", u.Name)
		}
		if u.Role == RoleOwner && role != RoleOwner && u.Status == UserActive {
			n, err := countActiveOwners(ctx, tx)
			if err != nil {
				return fmt.Errorf("db: count owners: %w", err)
			}
			if n <= 1 {
				return apperr.New(apperr.Conflict, "%s is the only owner. Make someone else an owner first.", u.Name)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET role = ?, updated_at = ? WHERE id = ?`, role, t.Now(), userID); err != nil {
			return fmt.Errorf("db: set role: %w", err)
		}
		a.Detail = u.Role + " → " + role
		return t.auditTx(ctx, tx, a)
	})
}

// SetUserStatus is SetUserStatusWithin with no plan limits: for the
// command line and tests. Requests go through SetUserStatusWithin.
func (t *Store) SetUserStatus(ctx context.Context, userID, status string, a Audit) error {
	return t.SetUserStatusWithin(ctx, userID, status, Limits{}, a)
}

// SetUserStatusWithin disables or enables an account. Disabling ends its
// sessions; the last active owner cannot be disabled. Enabling a team
// member takes a staff seat again: past l.StaffSeats it is refused, counted
// in the same transaction, as an invitation is.
func (t *Store) SetUserStatusWithin(ctx context.Context, userID, status string, l Limits, a Audit) error {
	return t.setUserStatus(ctx, userID, "", status, l, a, nil)
}

// SetContactStatus disables or enables the portal account of a contact of
// a client that v may see; anyone else's id is not found.
func (t *Store) SetContactStatus(ctx context.Context, v Viewer, clientID, userID, status string, a Audit) error {
	return t.setUserStatus(ctx, userID, clientID, status, Limits{}, a, func(tx *sql.Tx) error {
		filter, args := v.clientFilter("c")
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM clients c WHERE c.id = ? AND `+filter, append([]any{clientID}, args...)...).Scan(&n); err != nil {
			return fmt.Errorf("db: check client: %w", err)
		}
		if n == 0 {
			return apperr.New(apperr.NotFound, "Client not found.")
		}
		return nil
	})
}

// setUserStatus is SetUserStatusWithin; with clientID, only for that
// client's contacts (who take no staff seat).
func (t *Store) setUserStatus(ctx context.Context, userID, clientID, status string, l Limits, a Audit, check func(*sql.Tx) error) error {
	if status != UserActive && status != UserDisabled {
		return apperr.New(apperr.Invalid, "There is no account status %q.", status)
	}
	return t.Tx(ctx, func(tx *sql.Tx) error {
		if check != nil {
			if err := check(tx); err != nil {
				return err
			}
		}
		u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, userID))
		if err != nil {
			return db.NotFound(err, "User")
		}
		if clientID != "" && (u.Role != RoleClient || u.ClientID != clientID) {
			return apperr.New(apperr.NotFound, "User not found.")
		}
		if status == UserDisabled && u.Role == RoleOwner && u.Status == UserActive {
			n, err := countActiveOwners(ctx, tx)
			if err != nil {
				return fmt.Errorf("db: count owners: %w", err)
			}
			if n <= 1 {
				return apperr.New(apperr.Conflict, "%s is the only owner and cannot be disabled.", u.Name)
			}
		}
		if status == UserActive && u.Status != UserActive && u.Role != RoleClient {
			if err := checkStaffSeat(ctx, tx, l, t.Now()); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET status = ?, updated_at = ? WHERE id = ?`, status, t.Now(), userID); err != nil {
			return fmt.Errorf("db: set user status: %w", err)
		}
		if status == UserDisabled {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
				return fmt.Errorf("db: end sessions: %w", err)
			}
			// Their reply addresses are withdrawn for good, not only while disabled.
			if _, err := tx.ExecContext(ctx, `UPDATE reply_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`, t.Now(), userID); err != nil {
				return fmt.Errorf("db: revoke reply tokens: %w", err)
			}
		}
		return t.auditTx(ctx, tx, a)
	})
}
