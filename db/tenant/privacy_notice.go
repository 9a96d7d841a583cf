package tenant

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"mintedmind/apperr"
	"mintedmind/db"
)

// PrivacyNotice is the agency's own privacy notice for its clients: how the
// agency, the controller of its clients' data, handles it. Plain text like
// the platform's policy (numbered headings, "- " list items, paragraphs).
// It is shown at portal sign-in and in the portal once published.
type PrivacyNotice struct {
	Body      string // "" when the agency has published none
	UpdatedAt time.Time
	UpdatedBy string
}

// MaxPrivacyNotice is the longest notice, in bytes.
const MaxPrivacyNotice = 50_000

const (
	settingNoticeBody    = "privacy.notice"
	settingNoticeUpdated = "privacy.notice_updated_at"
	settingNoticeBy      = "privacy.notice_updated_by"
)

// PrivacyNotice reads the agency's privacy notice.
func (t *Store) PrivacyNotice(ctx context.Context) (PrivacyNotice, error) {
	var n PrivacyNotice
	rows, err := t.Reader().QueryContext(ctx, `SELECT key, value FROM settings WHERE key IN (?, ?, ?)`, settingNoticeBody, settingNoticeUpdated, settingNoticeBy)
	if err != nil {
		return n, fmt.Errorf("db: privacy notice: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return n, fmt.Errorf("db: privacy notice: %w", err)
		}
		switch k {
		case settingNoticeBody:
			n.Body = v
		case settingNoticeUpdated:
			if at, err := strconv.ParseInt(v, 10, 64); err == nil {
				n.UpdatedAt = db.UnixTime(at)
			}
		case settingNoticeBy:
			n.UpdatedBy = v
		}
	}
	return n, rows.Err()
}

// SavePrivacyNotice publishes body as the agency's notice, or withdraws it
// when body is empty, with audit entry a (privacy.notice_published or
// privacy.notice_withdrawn is set here).
func (t *Store) SavePrivacyNotice(ctx context.Context, body string, a Audit) error {
	body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	if len(body) > MaxPrivacyNotice {
		return apperr.FieldErrors(map[string]string{"notice": fmt.Sprintf("Keep the notice under %d characters.", MaxPrivacyNotice)})
	}
	if strings.ContainsRune(body, 0) {
		return apperr.FieldErrors(map[string]string{"notice": "The notice holds characters that are not text."})
	}
	return t.Tx(ctx, func(tx *sql.Tx) error {
		for k, v := range map[string]string{settingNoticeBody: body, settingNoticeUpdated: strconv.FormatInt(t.Now(), 10), settingNoticeBy: a.ActorName} {
			if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, k, v); err != nil {
				return fmt.Errorf("db: save privacy notice: %w", err)
			}
		}
		a.Action = "privacy.notice_published"
		if body == "" {
			a.Action = "privacy.notice_withdrawn"
		}
		a.Detail = fmt.Sprintf("%d characters", len([]rune(body)))
		return t.auditTx(ctx, tx, a)
	})
}
