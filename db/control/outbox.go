package control

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/google/uuid"

	"mintedmind/db"
)

// Email is one message in the outbox. Every email is stored before it is
// sent, so a crash or an SMTP outage loses none, and the operator can read
// them when no SMTP server is configured.
type Email struct {
	ID            string
	AgencyID      string
	To            string
	Subject       string
	Body          string
	Status        string
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	CreatedAt     time.Time
	SentAt        time.Time

	// Attachments are loaded by LoadAttachments (outbox_attachments.go).
	Attachments []EmailAttachment
}

// Outbox statuses.
const (
	EmailPending = "pending"
	EmailSent    = "sent"
	EmailLogged  = "logged" // no SMTP configured: written to the log instead
	EmailFailed  = "failed" // gave up after the last retry
)

// QueueEmail stores an email to be sent as soon as possible.
func (c *Store) QueueEmail(ctx context.Context, agencyID, to, subject, body string) (*Email, error) {
	e := &Email{ID: uuid.NewString(), AgencyID: agencyID, To: to, Subject: subject, Body: body, Status: EmailPending, CreatedAt: db.UnixTime(c.Now())}
	_, err := c.Write().ExecContext(ctx, `INSERT INTO outbox (id, agency_id, to_addr, subject, body_text, status, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, db.NullString(agencyID), e.To, e.Subject, e.Body, e.Status, c.Now(), c.Now())
	if err != nil {
		return nil, fmt.Errorf("db: queue email: %w", err)
	}
	return e, nil
}

const emailColumns = `id, COALESCE(agency_id, ''), to_addr, subject, body_text, status, attempts, next_attempt_at, last_error, created_at, COALESCE(sent_at, 0)`

func scanEmail(row db.Scanner) (*Email, error) {
	var e Email
	var next, created, sent int64
	if err := row.Scan(&e.ID, &e.AgencyID, &e.To, &e.Subject, &e.Body, &e.Status, &e.Attempts, &next, &e.LastError, &created, &sent); err != nil {
		return nil, err
	}
	e.NextAttemptAt, e.CreatedAt, e.SentAt = db.UnixTime(next), db.UnixTime(created), db.UnixTime(sent)
	return &e, nil
}

func (c *Store) queryEmails(ctx context.Context, q string, args ...any) ([]*Email, error) {
	return db.QueryList(ctx, c.Read(), "outbox", scanEmail, `SELECT `+emailColumns+` FROM outbox `+q, args...)
}

// DueEmails returns pending emails whose next attempt is due.
func (c *Store) DueEmails(ctx context.Context, limit int) ([]*Email, error) {
	return c.queryEmails(ctx, `WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?`, c.Now(), limit)
}

// ClaimDueEmails returns up to limit pending emails whose next attempt is
// due, for this machine's mailer to send. On SQLite it is DueEmails: the
// one mailer of the process sends them (mail.Mailer.Flush). On PostgreSQL,
// where every machine's mailer flushes the one outbox, the rows are locked
// with FOR UPDATE SKIP LOCKED (a second claimer passes over them instead of
// waiting) and their next attempt moved lease ahead in the same
// transaction, so that no other machine claims them while this one sends;
// MarkEmail then records the outcome. Emails of a machine that dies
// meanwhile are due again when the lease ends.
func (c *Store) ClaimDueEmails(ctx context.Context, limit int, lease time.Duration) ([]*Email, error) {
	if !c.Postgres() {
		return c.DueEmails(ctx, limit)
	}
	var claimed []*Email
	err := c.RowLockTx(ctx, func(tx *sql.Tx) error {
		var err error
		claimed, err = db.QueryList(ctx, tx, "claim outbox", scanEmail, `SELECT `+emailColumns+` FROM outbox
			WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED`, c.Now(), limit)
		if err != nil || len(claimed) == 0 {
			return err
		}
		ids := make([]string, len(claimed))
		for i, e := range claimed {
			ids[i] = e.ID
		}
		_, err = tx.ExecContext(ctx, `UPDATE outbox SET next_attempt_at = ? WHERE id = ANY(?)`, c.Now()+int64(lease/time.Second), ids)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("db: claim due emails: %w", err)
	}
	return claimed, nil
}

// RecentEmails lists the newest emails for the operator console.
func (c *Store) RecentEmails(ctx context.Context, limit int) ([]*Email, error) {
	return c.queryEmails(ctx, `ORDER BY created_at DESC, id LIMIT ?`, limit)
}

// MarkEmail records the outcome of a send attempt: status sent, logged,
// failed, or pending again with the next attempt at retryAt.
func (c *Store) MarkEmail(ctx context.Context, id, status, lastError string, retryAt time.Time) error {
	var sent any
	if status == EmailSent || status == EmailLogged {
		sent = c.Now()
	}
	_, err := c.Write().ExecContext(ctx, `UPDATE outbox SET status = ?, attempts = attempts + 1, last_error = ?, next_attempt_at = ?, sent_at = ? WHERE id = ?`,
		status, lastError, retryAt.Unix(), sent, id)
	if err != nil {
		return fmt.Errorf("db: mark email %s: %w", id, err)
	}
	return nil
}
