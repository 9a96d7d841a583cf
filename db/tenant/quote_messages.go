package tenant

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"mintedmind/apperr"
	"mintedmind/db"
)

// QuoteMessageMax is the longest question or answer on a quote.
const QuoteMessageMax = 4000

// QuoteMessage is one message of a quote's thread: a question from the
// client's contact or an answer from the agency.
type QuoteMessage struct {
	ID, AuthorID, AuthorName, Body string
	FromClient                     bool
	ViaEmail                       bool // it came as a reply by email
	CreatedAt                      time.Time
}

// AddQuoteMessage adds a question (from the client's contact) or an answer
// (from staff) to the thread of a quote v may see (a contact: their
// client's sent quotes only; anything else is not found and nothing is
// written), with a history entry, in one transaction. It returns the
// quote, for the email that follows.
func (t *Store) AddQuoteMessage(ctx context.Context, v Viewer, actor Actor, id, body string) (*Quote, error) {
	return t.addQuoteMessage(ctx, v, actor, id, body, nil)
}

// AddQuoteMessageByEmail is AddQuoteMessage for a reply by email (in: its
// Message-ID, taken once in the same transaction, and its person): the
// message is marked as one.
func (t *Store) AddQuoteMessageByEmail(ctx context.Context, v Viewer, actor Actor, id, body string, in *InboundMail) (*Quote, error) {
	return t.addQuoteMessage(ctx, v, actor, id, body, in)
}

func (t *Store) addQuoteMessage(ctx context.Context, v Viewer, actor Actor, id, body string, in *InboundMail) (*Quote, error) {
	body = strings.TrimSpace(body)
	switch {
	case body == "":
		return nil, apperr.FieldErrors(map[string]string{"body": "Write your message first."})
	case utf8.RuneCountInString(body) > QuoteMessageMax:
		return nil, apperr.FieldErrors(map[string]string{"body": fmt.Sprintf("A message has at most %d characters.", QuoteMessageMax)})
	case strings.ContainsRune(body, 0):
		return nil, apperr.FieldErrors(map[string]string{"body": "Remove the control characters."})
	}
	var q *Quote
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if q, err = loadQuote(ctx, tx, v, id); err != nil {
			return err
		}
		if q.State == QuoteDraft {
			return apperr.New(apperr.Conflict, "A draft has no questions yet: send it first.")
		}
		if in != nil {
			if err := takeInboundMail(ctx, tx, "", id, in, t.Now()); err != nil {
				return err
			}
		}
		fromClient := v.ClientID != ""
		if _, err := tx.ExecContext(ctx, `INSERT INTO quote_messages (id, quote_id, author_id, author_name, from_client, body, created_at, via_email)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, uuid.NewString(), id, caseNullable(actor.ID), actor.Name, fromClient, body, t.Now(), in != nil); err != nil {
			return fmt.Errorf("db: message on quote %s: %w", id, err)
		}
		kind := "answered"
		if fromClient {
			kind = "asked"
		}
		return t.quoteEventTx(ctx, tx, id, kind, actor.Name, db.Truncate(body, 200))
	})
	return q, err
}

// QuoteMessages is the thread of a quote v may see, oldest first.
func (t *Store) QuoteMessages(ctx context.Context, v Viewer, id string) ([]QuoteMessage, error) {
	if _, err := t.Quote(ctx, v, id); err != nil {
		return nil, err
	}
	return db.QueryList(ctx, t.Reader(), "quote messages", func(r db.Scanner) (QuoteMessage, error) {
		var m QuoteMessage
		var at int64
		err := r.Scan(&m.ID, &m.AuthorID, &m.AuthorName, &m.FromClient, &m.Body, &at, &m.ViaEmail)
		m.CreatedAt = db.UnixTime(at)
		return m, err
	}, `SELECT id, COALESCE(author_id, ''), author_name, from_client, body, created_at, via_email FROM quote_messages WHERE quote_id = ? ORDER BY created_at, rowid`, id)
}

// QuoteAuthor is the active staff member who drafted the quote (for the
// email of a client's question), or nil when they are gone.
func (t *Store) QuoteAuthor(ctx context.Context, id string) ([]*User, error) {
	return db.QueryList(ctx, t.Reader(), "quote author", scanUser, `SELECT `+userColumns+` FROM users
		WHERE status = 'active' AND role <> 'client' AND id = (SELECT created_by FROM quotes WHERE id = ?)`, id)
}

// QuoteAskers are the active contacts who asked on the quote's thread
// (for the email of the agency's answer).
func (t *Store) QuoteAskers(ctx context.Context, id string) ([]*User, error) {
	return db.QueryList(ctx, t.Reader(), "quote askers", scanUser, `SELECT `+userColumns+` FROM users
		WHERE status = 'active' AND role = 'client' AND id IN (SELECT author_id FROM quote_messages WHERE quote_id = ? AND from_client = 1)`, id)
}
