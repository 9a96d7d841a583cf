package control

import (
	"context"
	"strings"
	"time"

	"mintedmind/db"
)

// EmailSummary is an outbox email as the operator console shows it: what
// kind of email it was, for which agency, to which domain, and how its
// delivery went, with nothing of what it said (no subject, body or links).
type EmailSummary struct {
	ID         string
	AgencyID   string
	AgencyName string // "" for platform mail
	Kind       string // the template it was rendered from; "" for mail queued before kinds were kept
	ToDomain   string // the recipient's domain only
	Status     string
	Attempts   int
	CreatedAt  time.Time
}

// emailKindSQL is the kind of an outbox email: the "kind" of its stored
// headers row (mail.partHeaders), read without loading its other parts.
// The engines read JSON from bytes each its own way.
func (c *Store) emailKindSQL() string {
	return `COALESCE((SELECT ` + c.sqlFor(`json_extract(CAST(a.data AS TEXT), '$.kind')`, `convert_from(a.data, 'UTF8')::jsonb ->> 'kind'`) + ` FROM outbox_attachments a
	WHERE a.email_id = o.id AND a.content_type = 'application/vnd.mintedmind.headers+json' LIMIT 1), '')`
}

// RecentEmailSummaries lists the newest emails for the operator console,
// without their content.
func (c *Store) RecentEmailSummaries(ctx context.Context, limit int) ([]*EmailSummary, error) {
	return db.QueryList(ctx, c.Read(), "outbox summaries", func(row db.Scanner) (*EmailSummary, error) {
		var e EmailSummary
		var to string
		var created int64
		if err := row.Scan(&e.ID, &e.AgencyID, &e.AgencyName, &e.Kind, &to, &e.Status, &e.Attempts, &created); err != nil {
			return nil, err
		}
		e.ToDomain, e.CreatedAt = RecipientDomain(to), db.UnixTime(created)
		return &e, nil
	}, `SELECT o.id, COALESCE(o.agency_id, ''), COALESCE(ag.name, ''), `+c.emailKindSQL()+`, o.to_addr, o.status, o.attempts, o.created_at
		FROM outbox o LEFT JOIN agencies ag ON ag.id = o.agency_id
		ORDER BY o.created_at DESC, o.id LIMIT ?`, limit)
}

// AgencyEmail is an email of one agency's outbox with its kind.
type AgencyEmail struct {
	*Email
	Kind string
}

// AgencyEmails lists the newest emails agencyID sent, with their bodies,
// for the agency's owners.
func (c *Store) AgencyEmails(ctx context.Context, agencyID string, limit int) ([]*AgencyEmail, error) {
	return db.QueryList(ctx, c.Read(), "agency outbox", func(row db.Scanner) (*AgencyEmail, error) {
		var e Email
		var kind string
		var next, created, sent int64
		if err := row.Scan(&e.ID, &e.AgencyID, &e.To, &e.Subject, &e.Body, &e.Status, &e.Attempts, &next, &e.LastError, &created, &sent, &kind); err != nil {
			return nil, err
		}
		e.NextAttemptAt, e.CreatedAt, e.SentAt = db.UnixTime(next), db.UnixTime(created), db.UnixTime(sent)
		return &AgencyEmail{Email: &e, Kind: kind}, nil
	}, `SELECT o.id, COALESCE(o.agency_id, ''), o.to_addr, o.subject, o.body_text, o.status, o.attempts, o.next_attempt_at, o.last_error, o.created_at, COALESCE(o.sent_at, 0), `+c.emailKindSQL()+`
		FROM outbox o WHERE o.agency_id = ? ORDER BY o.created_at DESC, o.id LIMIT ?`, agencyID, limit)
}

// RecipientDomain is the part of an address after its last "@".
func RecipientDomain(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return strings.ToLower(strings.TrimRight(addr[i+1:], ">"))
	}
	return ""
}
