package tenant

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"

	"mintedmind/apperr"
	"mintedmind/db"
)

// EmailText is an agency's own subject and opening paragraph for one kind
// of its email (a views/emails template name); empty fields keep the
// template's. Stored as settings rows "email_subject:<kind>" and
// "email_opening:<kind>".
type EmailText struct {
	Subject string
	Opening string
}

// Limits of an agency's email texts, in characters.
const (
	MaxEmailSubjectLength = 150
	MaxEmailOpeningLength = 2000
)

const (
	settingEmailSubjectPrefix = "email_subject:"
	settingEmailOpeningPrefix = "email_opening:"
)

// EmailTexts returns the agency's own texts by kind; kinds it did not
// change are absent.
func (t *Store) EmailTexts(ctx context.Context) (map[string]EmailText, error) {
	type kv struct{ k, v string }
	rows, err := db.QueryList(ctx, t.Reader(), "email texts", func(r db.Scanner) (kv, error) {
		var x kv
		return x, r.Scan(&x.k, &x.v)
	}, `SELECT key, value FROM settings WHERE key LIKE 'email\_subject:%' ESCAPE '\' OR key LIKE 'email\_opening:%' ESCAPE '\'`)
	if err != nil {
		return nil, err
	}
	out := map[string]EmailText{}
	for _, r := range rows {
		if kind, ok := strings.CutPrefix(r.k, settingEmailSubjectPrefix); ok {
			x := out[kind]
			x.Subject = r.v
			out[kind] = x
		} else if kind, ok := strings.CutPrefix(r.k, settingEmailOpeningPrefix); ok {
			x := out[kind]
			x.Opening = r.v
			out[kind] = x
		}
	}
	for k, x := range out {
		if x.Subject == "" && x.Opening == "" {
			delete(out, k)
		}
	}
	return out, nil
}

// ValidateEmailText trims an email text and returns the form's messages:
// a one-line subject and an opening of at most the limits above, and
// placeholders ({name}) only from allowed.
func ValidateEmailText(x EmailText, allowed []string) (EmailText, map[string]string) {
	x.Subject = strings.TrimSpace(x.Subject)
	x.Opening = strings.TrimSpace(strings.ReplaceAll(x.Opening, "\r\n", "\n"))
	errs := map[string]string{}
	switch {
	case strings.ContainsAny(x.Subject, "\r\n"):
		errs["subject"] = "The subject must be on one line."
	case utf8.RuneCountInString(x.Subject) > MaxEmailSubjectLength:
		errs["subject"] = fmt.Sprintf("The subject can be at most %d characters.", MaxEmailSubjectLength)
	default:
		if bad := unknownPlaceholder(x.Subject, allowed); bad != "" {
			errs["subject"] = fmt.Sprintf("{%s} is not a placeholder of this email; use %s.", bad, placeholderList(allowed))
		}
	}
	switch {
	case utf8.RuneCountInString(x.Opening) > MaxEmailOpeningLength:
		errs["opening"] = fmt.Sprintf("The opening paragraph can be at most %d characters.", MaxEmailOpeningLength)
	default:
		if bad := unknownPlaceholder(x.Opening, allowed); bad != "" {
			errs["opening"] = fmt.Sprintf("{%s} is not a placeholder of this email; use %s.", bad, placeholderList(allowed))
		}
	}
	return x, errs
}

// unknownPlaceholder returns the first {name} in s whose name is not in
// allowed, or "".
func unknownPlaceholder(s string, allowed []string) string {
	for {
		open := strings.IndexByte(s, '{')
		if open < 0 {
			return ""
		}
		end := strings.IndexByte(s[open:], '}')
		if end < 0 {
			return ""
		}
		name := s[open+1 : open+end]
		ok := false
		for _, a := range allowed {
			ok = ok || a == name
		}
		if !ok {
			return name
		}
		s = s[open+end+1:]
	}
}

func placeholderList(allowed []string) string {
	if len(allowed) == 0 {
		return "no placeholders"
	}
	return "{" + strings.Join(allowed, "}, {") + "}"
}

// SaveEmailText stores the agency's subject and opening of kind (empty to
// go back to the template's), checked as ValidateEmailText does; a
// refused text stores nothing.
func (t *Store) SaveEmailText(ctx context.Context, kind string, x EmailText, allowed []string, a Audit) error {
	x, errs := ValidateEmailText(x, allowed)
	if err := apperr.FieldErrors(errs); err != nil {
		return err
	}
	return t.Tx(ctx, func(tx *sql.Tx) error {
		for _, kv := range [][2]string{{settingEmailSubjectPrefix + kind, x.Subject}, {settingEmailOpeningPrefix + kind, x.Opening}} {
			if kv[1] == "" {
				if _, err := tx.ExecContext(ctx, `DELETE FROM settings WHERE key = ?`, kv[0]); err != nil {
					return fmt.Errorf("db: save email text: %w", err)
				}
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
				ON CONFLICT (key) DO UPDATE SET value = excluded.value`, kv[0], kv[1]); err != nil {
				return fmt.Errorf("db: save email text: %w", err)
			}
		}
		a.Detail = kind + ": subject " + x.Subject
		return t.auditTx(ctx, tx, a)
	})
}
