package tenant

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"mintedmind/apperr"
	"mintedmind/i18n"
)

// ClientLanguage is the language client clientID's emails and PDFs are
// written in (clients.language, issue 19): one of i18n.Languages, or ""
// for the agency's default. An unknown client is "".
func (t *Store) ClientLanguage(ctx context.Context, clientID string) (string, error) {
	var lang string
	err := t.Reader().QueryRowContext(ctx, `SELECT language FROM clients WHERE id = ?`, clientID).Scan(&lang)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("db: client language: %w", err)
	}
	return lang, nil
}

// DocumentLanguage is the language of what the agency sends client
// clientID: the client's own, else the agency's default.
func (t *Store) DocumentLanguage(ctx context.Context, clientID string) (string, error) {
	lang, err := t.ClientLanguage(ctx, clientID)
	if err != nil || i18n.Supported(lang) {
		return lang, err
	}
	s, err := t.Settings(ctx)
	if err != nil {
		return "", err
	}
	return s.Language, nil
}

// EmailLanguage is the language of the emails person u is sent: the one
// they chose for their pages, else, for a client's contact, that of what
// the agency sends their client (DocumentLanguage), else the agency's
// default.
func (t *Store) EmailLanguage(ctx context.Context, u *User) (string, error) {
	if i18n.Supported(u.Language) {
		return u.Language, nil
	}
	if u.ClientID != "" {
		return t.DocumentLanguage(ctx, u.ClientID)
	}
	s, err := t.Settings(ctx)
	if err != nil {
		return "", err
	}
	return s.Language, nil
}

// SetClientLanguage stores client clientID's language (one of
// i18n.Languages, or "" for the agency's default) and audits the change;
// the same language again changes and audits nothing (changed false).
func (t *Store) SetClientLanguage(ctx context.Context, clientID, lang string, a Audit) (changed bool, err error) {
	if lang != "" && !i18n.Supported(lang) {
		return false, apperr.FieldErrors(map[string]string{"language": "Choose one of the languages listed."})
	}
	err = t.Tx(ctx, func(tx *sql.Tx) error {
		var cur string
		err := tx.QueryRowContext(ctx, `SELECT language FROM clients WHERE id = ?`, clientID).Scan(&cur)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.NotFound, "Client not found.")
		}
		if err != nil {
			return fmt.Errorf("db: client language: %w", err)
		}
		if cur == lang {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE clients SET language = ? WHERE id = ?`, lang, clientID); err != nil {
			return fmt.Errorf("db: set client language: %w", err)
		}
		a.Target, a.Detail = clientID, "language: "+lang
		if lang == "" {
			a.Detail = "language: the agency's"
		}
		changed = true
		return t.auditTx(ctx, tx, a)
	})
	return changed && err == nil, err
}
