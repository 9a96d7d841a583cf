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
	return t.addQuoteMessage(ctx, v, actor, id, body, nil, nil)
}

// AddQuoteMessageByEmail is AddQuoteMessage for a reply by email (in: its
// Message-ID, taken once in the same transaction, and its person): the
// message is marked as one.
func (t *Store) AddQuoteMessageByEmail(ctx context.Context, v Viewer, actor Actor, id, body string, in *InboundMail) (*Quote, error) {
	return t.addQuoteMessage(ctx, v, actor, id, body, in, nil)
}

// QuoteMessageDraft is a message on a quote's thread that comes with
// files (a reply by email with attachments): who writes it, on which
// quote, and the reply's Message-ID. Quote is set once it is added.
type QuoteMessageDraft struct {
	Viewer  Viewer
	QuoteID string
	Body    string
	Inbound *InboundMail
	Quote   *Quote
}

// AddQuoteMessageWithDocuments is AddQuoteMessageByEmail with files
// already in place on disk, recorded in the same transaction as documents
// of the quote attached to the message (shared with the client, as the
// thread is), within the agency's storage (l, as AddDocumentsWithin): a
// message refused leaves no document, and a file refused no message.
func (t *Store) AddQuoteMessageWithDocuments(ctx context.Context, actor Actor, m *QuoteMessageDraft, l Limits, files []DocumentFile, size func(int64) string) ([]*Document, error) {
	if len(files) == 0 {
		return nil, apperr.New(apperr.Invalid, "Choose at least one file to upload.")
	}
	with := &quoteFiles{limits: l, files: files, size: size}
	q, err := t.addQuoteMessage(ctx, m.Viewer, actor, m.QuoteID, m.Body, m.Inbound, with)
	if err != nil {
		return nil, err
	}
	m.Quote = q
	return db.QueryList(ctx, t.Reader(), "quote message documents", scanDocument,
		quoteDocumentSelect+` WHERE d.quote_id = ? AND d.quote_message_id = ? ORDER BY d.rowid`, q.ID, with.messageID)
}

// quoteFiles are the files a quote message comes with.
type quoteFiles struct {
	limits    Limits
	files     []DocumentFile
	size      func(int64) string
	messageID string // set once the message is written
}

func (t *Store) addQuoteMessage(ctx context.Context, v Viewer, actor Actor, id, body string, in *InboundMail, with *quoteFiles) (*Quote, error) {
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
		msgID := uuid.NewString()
		if _, err := tx.ExecContext(ctx, `INSERT INTO quote_messages (id, quote_id, author_id, author_name, from_client, body, created_at, via_email)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, msgID, id, caseNullable(actor.ID), actor.Name, fromClient, body, t.Now(), in != nil); err != nil {
			return fmt.Errorf("db: message on quote %s: %w", id, err)
		}
		if with != nil {
			with.messageID = msgID
			if err := t.addQuoteDocumentsTx(ctx, tx, actor, id, msgID, fromClient, with); err != nil {
				return err
			}
		}
		kind := "answered"
		if fromClient {
			kind = "asked"
		}
		return t.quoteEventTx(ctx, tx, id, kind, actor.Name, db.Truncate(body, 200))
	})
	return q, err
}

// addQuoteDocumentsTx records with's files as documents of quote id,
// attached to its message msgID, inside the message's transaction.
func (t *Store) addQuoteDocumentsTx(ctx context.Context, tx *sql.Tx, actor Actor, id, msgID string, fromClient bool, with *quoteFiles) error {
	if err := checkStorageTx(ctx, tx, with.limits, with.files, with.size); err != nil {
		return err
	}
	for _, f := range with.files {
		if _, err := tx.ExecContext(ctx, `INSERT INTO documents (id, quote_id, quote_message_id, name, content_type, size, sha256, storage_key, thumb_key, width, height, pages, active,
			shared, from_client, uploader_id, uploader_name, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)`,
			uuid.NewString(), id, msgID, f.Name, f.ContentType, f.Size, f.SHA256, f.StorageKey, f.ThumbKey, f.Width, f.Height, f.Pages, f.Active,
			caseBoolInt(fromClient), actor.ID, actor.Name, t.Now()); err != nil {
			return fmt.Errorf("db: insert document on quote %s: %w", id, err)
		}
	}
	return nil
}

// quoteDocumentSelect reads a quote's documents as scanDocument does, with
// no case.
const quoteDocumentSelect = `SELECT d.id, '', 0, '', d.name, d.content_type, d.size, d.sha256, d.storage_key, d.thumb_key,
	d.width, d.height, d.pages, d.active, d.shared, d.from_client, d.uploader_id, d.uploader_name, d.created_at, d.deleted_at, d.deleted_by, d.note_id,
	d.quote_id, d.quote_message_id
	FROM documents d`

// QuoteDocuments lists the documents of a quote v may see (the files sent
// with its thread's messages), oldest first; a quote v may not see is not
// found.
func (t *Store) QuoteDocuments(ctx context.Context, v Viewer, id string) ([]*Document, error) {
	if _, err := t.Quote(ctx, v, id); err != nil {
		return nil, err
	}
	return db.QueryList(ctx, t.Reader(), "quote documents", scanDocument,
		quoteDocumentSelect+` WHERE d.quote_id = ? AND d.deleted_at IS NULL AND d.shared = 1 ORDER BY d.created_at, d.name LIMIT ?`, id, MaxListedDocuments)
}

// QuoteDocument loads one document of a quote v may see.
func (t *Store) QuoteDocument(ctx context.Context, v Viewer, quoteID, id string) (*Document, error) {
	if _, err := t.Quote(ctx, v, quoteID); err != nil {
		return nil, err
	}
	d, err := scanDocument(t.Reader().QueryRowContext(ctx, quoteDocumentSelect+` WHERE d.id = ? AND d.quote_id = ? AND d.deleted_at IS NULL AND d.shared = 1`, id, quoteID))
	if err != nil {
		return nil, db.NotFound(err, "Document")
	}
	return d, nil
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
