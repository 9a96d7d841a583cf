package control

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/google/uuid"

	"mintedmind/db"
)

// EmailAttachment is a file sent with an email.
type EmailAttachment struct {
	Filename    string
	ContentType string
	Data        []byte
}

// QueueEmailWithAttachments stores an email and its files in one
// transaction, to be sent as soon as possible.
func (c *Store) QueueEmailWithAttachments(ctx context.Context, agencyID, to, subject, body string, atts []EmailAttachment) (*Email, error) {
	e := &Email{ID: uuid.NewString(), AgencyID: agencyID, To: to, Subject: subject, Body: body, Status: EmailPending, CreatedAt: db.UnixTime(c.Now()), Attachments: atts}
	err := c.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (id, agency_id, to_addr, subject, body_text, status, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			e.ID, db.NullString(agencyID), e.To, e.Subject, e.Body, e.Status, c.Now(), c.Now()); err != nil {
			return err
		}
		for i, a := range atts {
			if _, err := tx.ExecContext(ctx, `INSERT INTO outbox_attachments (email_id, position, filename, content_type, data) VALUES (?, ?, ?, ?, ?)`,
				e.ID, i, a.Filename, a.ContentType, a.Data); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("db: queue email with attachments: %w", err)
	}
	return e, nil
}

// LoadAttachments reads an outbox email's files into e.Attachments.
func (c *Store) LoadAttachments(ctx context.Context, e *Email) error {
	atts, err := db.QueryList(ctx, c.Read(), "outbox attachments", func(row db.Scanner) (EmailAttachment, error) {
		var a EmailAttachment
		return a, row.Scan(&a.Filename, &a.ContentType, &a.Data)
	}, `SELECT filename, content_type, data FROM outbox_attachments WHERE email_id = ? ORDER BY position`, e.ID)
	if err != nil {
		return err
	}
	e.Attachments = atts
	return nil
}
