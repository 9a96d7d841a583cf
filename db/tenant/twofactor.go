package tenant

import (
	"context"
	"database/sql"
	"fmt"

	"mintedmind/apperr"
	"mintedmind/auth"
	"mintedmind/db"
)

// StartTwoFactorSetup stores a new secret for a person setting up
// two-factor sign-in. It does not turn it on: ConfirmTwoFactor does, with
// a code from the app. A person who has it on already must turn it off first.
func (t *Store) StartTwoFactorSetup(ctx context.Context, userID, secret string) error {
	res, err := t.Write().ExecContext(ctx, `UPDATE users SET totp_secret = ?, totp_last_step = 0, updated_at = ?
		WHERE id = ? AND totp_enabled_at IS NULL`, secret, t.Now(), userID)
	if err != nil {
		return fmt.Errorf("db: start two-factor setup: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.New(apperr.Conflict, "Two-factor sign-in is already on for this account.")
	}
	return nil
}

// TwoFactorSecret returns the person's secret (set up or being set up) and
// the last time step used.
func (t *Store) TwoFactorSecret(ctx context.Context, userID string) (secret string, lastStep int64, err error) {
	err = t.Reader().QueryRowContext(ctx, `SELECT totp_secret, totp_last_step FROM users WHERE id = ?`, userID).Scan(&secret, &lastStep)
	if err != nil {
		return "", 0, db.NotFound(err, "User")
	}
	return secret, lastStep, nil
}

// ConfirmTwoFactor turns two-factor sign-in on with the step of the code
// the person typed, and stores the recovery codes (hashed), replacing any.
func (t *Store) ConfirmTwoFactor(ctx context.Context, userID string, step int64, codes []string, a Audit) error {
	return t.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET totp_enabled_at = ?, totp_last_step = ?, updated_at = ?
			WHERE id = ? AND totp_secret <> '' AND totp_enabled_at IS NULL`, t.Now(), step, t.Now(), userID)
		if err != nil {
			return fmt.Errorf("db: confirm two-factor: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "Start the set-up again: this one is no longer open.")
		}
		if err := replaceRecoveryCodes(ctx, tx, userID, codes); err != nil {
			return err
		}
		return t.auditTx(ctx, tx, a)
	})
}

func replaceRecoveryCodes(ctx context.Context, tx *sql.Tx, userID string, codes []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, userID); err != nil {
		return fmt.Errorf("db: replace recovery codes: %w", err)
	}
	for _, c := range codes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)`, userID, auth.HashToken(c)); err != nil {
			return fmt.Errorf("db: replace recovery codes: %w", err)
		}
	}
	return nil
}

// NewRecoveryCodes replaces the person's recovery codes.
func (t *Store) NewRecoveryCodes(ctx context.Context, userID string, codes []string, a Audit) error {
	return t.Tx(ctx, func(tx *sql.Tx) error {
		if err := replaceRecoveryCodes(ctx, tx, userID, codes); err != nil {
			return err
		}
		return t.auditTx(ctx, tx, a)
	})
}

// UseTOTPStep records that the code of step was used, if it is newer than
// the last one: of two sign-ins racing with the same code, one wins.
func (t *Store) UseTOTPStep(ctx context.Context, userID string, step int64) (bool, error) {
	res, err := t.Write().ExecContext(ctx, `UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ? AND totp_enabled_at IS NOT NULL`, step, userID, step)
	if err != nil {
		return false, fmt.Errorf("db: use TOTP step: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// UseRecoveryCode spends one of the person's recovery codes (normalised);
// false when it is not one of theirs or was used.
func (t *Store) UseRecoveryCode(ctx context.Context, userID, code string, a Audit) (bool, error) {
	used := false
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL`, t.Now(), userID, auth.HashToken(code))
		if err != nil {
			return fmt.Errorf("db: use recovery code: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		used = true
		return t.auditTx(ctx, tx, a)
	})
	return used, err
}

// RecoveryCodesLeft counts the person's unused recovery codes.
func (t *Store) RecoveryCodesLeft(ctx context.Context, userID string) (int, error) {
	var n int
	err := t.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL`, userID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("db: count recovery codes: %w", err)
	}
	return n, nil
}

// DisableTwoFactor turns two-factor sign-in off and forgets the secret and
// the recovery codes.
func (t *Store) DisableTwoFactor(ctx context.Context, userID string, a Audit) error {
	return t.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = '', totp_enabled_at = NULL, totp_last_step = 0, updated_at = ? WHERE id = ?`, t.Now(), userID); err != nil {
			return fmt.Errorf("db: disable two-factor: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, userID); err != nil {
			return fmt.Errorf("db: disable two-factor: %w", err)
		}
		return t.auditTx(ctx, tx, a)
	})
}
