package tenant

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"mintedmind/apperr"
	"mintedmind/auth"
)

var invalidReset = apperr.New(apperr.NotFound, "This reset link is not valid any more. It may have been used already or expired; ask for a new one.")

// CreatePasswordReset stores a reset for a user and returns the link token.
func (t *Store) CreatePasswordReset(ctx context.Context, userID string, ttl time.Duration) (string, error) {
	token := auth.NewToken()
	now := t.Now()
	_, err := t.Write().ExecContext(ctx, `INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		auth.HashToken(token), userID, now, now+int64(ttl.Seconds()))
	if err != nil {
		return "", fmt.Errorf("db: create reset: %w", err)
	}
	return token, nil
}

// PasswordResetUser returns the active user a valid reset token belongs to.
func (t *Store) PasswordResetUser(ctx context.Context, token string) (*User, error) {
	u, err := scanUser(t.Read().QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE status = 'active' AND id =
		(SELECT user_id FROM password_resets WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?)`, auth.HashToken(token), t.Now()))
	if err == sql.ErrNoRows {
		return nil, invalidReset
	}
	if err != nil {
		return nil, fmt.Errorf("db: reset user: %w", err)
	}
	return u, nil
}

// ResetPassword uses a reset token once: it sets the password, ends every
// session of the user and records the reset, all in one transaction.
func (t *Store) ResetPassword(ctx context.Context, token, passwordHash string, a Audit) (*User, error) {
	var u *User
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		var userID string
		err := tx.QueryRowContext(ctx, `UPDATE password_resets SET used_at = ?
			WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING user_id`, t.Now(), auth.HashToken(token), t.Now()).Scan(&userID)
		if err == sql.ErrNoRows {
			return invalidReset
		}
		if err != nil {
			return fmt.Errorf("db: use reset: %w", err)
		}
		if u, err = scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ? AND status = 'active'`, userID)); err != nil {
			if err == sql.ErrNoRows {
				return invalidReset
			}
			return fmt.Errorf("db: reset user: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`, passwordHash, t.Now(), userID); err != nil {
			return fmt.Errorf("db: reset password: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
			return fmt.Errorf("db: end sessions: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL`, t.Now(), userID); err != nil {
			return fmt.Errorf("db: end other resets: %w", err)
		}
		a.ActorID, a.ActorName, a.Target = u.ID, u.Name, u.Email
		return t.auditTx(ctx, tx, a)
	})
	return u, err
}
