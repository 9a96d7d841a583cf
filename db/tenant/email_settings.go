package tenant

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"mintedmind/apperr"
	"mintedmind/db"
)

// settingEmailSender is the display name of the agency's email sender;
// unset or empty: "<agency name> via MintedMind".
const settingEmailSender = "email_sender_name"

// MaxSenderNameLength bounds the sender name, in characters.
const MaxSenderNameLength = 80

// EmailSenderName returns the agency's own sender name, "" when it uses
// the default.
func (t *Store) EmailSenderName(ctx context.Context) (string, error) {
	var v string
	err := t.Reader().QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, settingEmailSender).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("db: read sender name: %w", err)
	}
	return v, nil
}

// ValidateSenderName trims a sender name and returns it, or a message for
// the form: one line, at most MaxSenderNameLength characters, no quotes
// or angle brackets (they would read as part of an address).
func ValidateSenderName(s string) (string, string) {
	s = strings.TrimSpace(s)
	switch {
	case strings.ContainsAny(s, "\r\n"):
		return s, "The sender name must be on one line."
	case utf8.RuneCountInString(s) > MaxSenderNameLength:
		return s, fmt.Sprintf("The sender name can be at most %d characters.", MaxSenderNameLength)
	case strings.ContainsAny(s, "<>\"@"):
		return s, "The sender name cannot hold <, >, \" or @."
	}
	return s, ""
}

// SaveEmailSenderName stores the sender name ("" for the default) and
// audits the change; an invalid name is refused and nothing is stored.
func (t *Store) SaveEmailSenderName(ctx context.Context, name string, a Audit) error {
	name, msg := ValidateSenderName(name)
	if msg != "" {
		return apperr.FieldErrors(map[string]string{"sender_name": msg})
	}
	return t.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, settingEmailSender, name); err != nil {
			return fmt.Errorf("db: save sender name: %w", err)
		}
		a.Detail = "email sender name: " + name
		return t.auditTx(ctx, tx, a)
	})
}

// OptOutOfEmail turns kind off for userID, as the one-click opt-out of a
// notification does; turning it off twice changes nothing. A person not of
// this agency is not found.
func (t *Store) OptOutOfEmail(ctx context.Context, userID, kind string, a Audit) error {
	return t.Tx(ctx, func(tx *sql.Tx) error {
		var email string
		if err := tx.QueryRowContext(ctx, `SELECT email FROM users WHERE id = ?`, userID).Scan(&email); err != nil {
			return db.NotFound(err, "Person")
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO email_opt_outs (user_id, kind) VALUES (?, ?) ON CONFLICT DO NOTHING`, userID, kind)
		if err != nil {
			return fmt.Errorf("db: email opt-out: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		label := kind
		for _, k := range EmailKinds {
			if k.Key == kind {
				label = k.Label
			}
		}
		a.Detail = email + ", " + label
		return t.auditTx(ctx, tx, a)
	})
}
