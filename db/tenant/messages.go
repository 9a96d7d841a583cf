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
	"mintedmind/auth"
	"mintedmind/db"
)

// MessageEditWindow is how long after sending its author may correct a
// message the other side can read; after that it stands as sent.
const MessageEditWindow = 15 * time.Minute

// HideReasonMax is the longest reason for hiding a client's message.
const HideReasonMax = 500

// Message is a note between the agency and the client, as one side's
// thread shows it.
type Message struct {
	Note
	Unread      bool // the viewer has not seen it before (their own never are)
	Seen        bool // someone of the other side has opened it
	Attachments []*Document
	Earlier     []MessageVersion // the texts before its edits, oldest first
}

// MessageVersion is an earlier text of an edited message.
type MessageVersion struct {
	Body string
	At   time.Time // when it was replaced
}

// Editable reports whether its author may still correct the message at now.
func (m *Message) Editable(now time.Time) bool {
	return !m.Hidden() && now.Sub(m.CreatedAt) < MessageEditWindow
}

// CaseMessages returns the conversation of a case v may see, oldest first:
// for a client contact (v.ClientID) the messages the client sees, for staff
// those and the client's messages hidden from the client. Unread and Seen
// are from v's side.
func (t *Store) CaseMessages(ctx context.Context, v Viewer, caseID string) ([]*Message, error) {
	q := t.Reader()
	if _, err := loadCase(ctx, q, v, caseID); err != nil {
		return nil, err
	}
	client := v.ClientID != ""
	which := `(n.visible_to_client = 1 OR n.from_client = 1)`
	if client {
		which = `n.visible_to_client = 1`
	}
	// Seen: read by someone of the other side than the author's.
	msgs, err := db.QueryList(ctx, q, "case messages", func(row db.Scanner) (*Message, error) {
		var m Message
		var visible, fromClient, viaEmail, read, seen int
		var created, updated int64
		var hidden sql.NullInt64
		err := row.Scan(&m.ID, &m.CaseID, &m.AuthorID, &m.AuthorName, &m.Body, &visible, &created, &updated,
			&fromClient, &hidden, &m.HiddenBy, &m.HiddenReason, &viaEmail, &m.MailAuth.DKIM, &m.MailAuth.DKIMDomain, &m.MailAuth.SPF, &read, &seen)
		m.VisibleToClient, m.FromClient, m.CreatedAt, m.UpdatedAt, m.HiddenAt = visible == 1, fromClient == 1, db.UnixTime(created), db.UnixTime(updated), db.NullUnix(hidden)
		m.ViaEmail = viaEmail == 1
		m.Seen = seen == 1
		m.Unread = read == 0 && m.AuthorID != v.UserID && m.FromClient != client
		return &m, err
	}, `SELECT n.id, n.case_id, COALESCE(n.author_id, ''), n.author_name, n.body, n.visible_to_client, n.created_at, n.updated_at,
			n.from_client, n.hidden_at, n.hidden_by, n.hidden_reason, n.via_email, n.dkim_result, n.dkim_domain, n.spf_result,
			EXISTS (SELECT 1 FROM message_reads r WHERE r.note_id = n.id AND r.user_id = ?),
			EXISTS (SELECT 1 FROM message_reads r JOIN users u ON u.id = r.user_id
				WHERE r.note_id = n.id AND (u.role = 'client') <> (n.from_client = 1))
		FROM notes n WHERE n.case_id = ? AND `+which+` ORDER BY n.created_at, n.rowid`, v.UserID, caseID)
	if err != nil || len(msgs) == 0 {
		return msgs, err
	}
	byID := make(map[string]*Message, len(msgs))
	for _, m := range msgs {
		byID[m.ID] = m
	}
	shared := ""
	if client {
		shared = ` AND d.shared = 1`
	}
	docs, err := db.QueryList(ctx, q, "message attachments", scanDocument,
		documentSelect+` WHERE d.case_id = ? AND d.note_id <> '' AND d.deleted_at IS NULL`+shared+` ORDER BY d.created_at, d.name`, caseID)
	if err != nil {
		return nil, err
	}
	for _, d := range docs {
		if m := byID[d.NoteID]; m != nil {
			m.Attachments = append(m.Attachments, d)
		}
	}
	visibleEdits := ""
	if client {
		visibleEdits = ` AND visible_to_client = 1`
	}
	edits, err := db.QueryList(ctx, q, "message edits", func(row db.Scanner) (Event, error) {
		var e Event
		var at int64
		err := row.Scan(&e.NoteID, &at, &e.OldValue)
		e.At = db.UnixTime(at)
		return e, err
	}, `SELECT note_id, at, old_value FROM case_events WHERE case_id = ? AND kind = ? AND field = ?`+visibleEdits+` ORDER BY id`,
		caseID, EventNoteEdited, FieldBody)
	if err != nil {
		return nil, err
	}
	for _, e := range edits {
		if m := byID[e.NoteID]; m != nil {
			m.Earlier = append(m.Earlier, MessageVersion{Body: e.OldValue, At: e.At})
		}
	}
	return msgs, nil
}

// SeeMessages records that userID has now seen the messages among msgs
// that were unread for them; it writes nothing when none was.
func (t *Store) SeeMessages(ctx context.Context, userID string, msgs []*Message) error {
	var ids []any
	for _, m := range msgs {
		if m.Unread {
			ids = append(ids, m.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	now := t.Now()
	return t.Tx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `INSERT INTO message_reads (note_id, user_id, seen_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, id, userID, now); err != nil {
				return fmt.Errorf("db: see message %s: %w", id, err)
			}
		}
		return nil
	})
}

// AddMessage writes a message on a case v may see, from the agency or (when
// actor is a client contact, fromClient) from the client: a note the
// client sees, on the timeline, with the documents docIDs (already stored
// on the case) as its attachments.
func (t *Store) AddMessage(ctx context.Context, v Viewer, actor Actor, caseID, body string, fromClient bool, docIDs []string) (*Note, error) {
	body, msg := ValidateNoteBody(body)
	if msg != "" {
		return nil, apperr.FieldErrors(map[string]string{"body": msg})
	}
	now := t.Now()
	n := &Note{ID: uuid.NewString(), CaseID: caseID, AuthorID: actor.ID, AuthorName: actor.Name, Body: body, VisibleToClient: true, FromClient: fromClient,
		CreatedAt: db.UnixTime(now), UpdatedAt: db.UnixTime(now)}
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := loadCase(ctx, tx, v, caseID); err != nil {
			return err
		}
		if err := t.insertMessage(ctx, tx, n, now); err != nil {
			return err
		}
		return attachDocuments(ctx, tx, caseID, n.ID, docIDs)
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}

// MessageDraft is a message whose attachments are being stored
// (app.Uploads): the message and its files are written in one
// transaction, and Note is the message written.
type MessageDraft struct {
	Viewer     Viewer
	Body       string
	FromClient bool
	Note       *Note
	// Inbound, for a reply by email, is the mail's Message-ID and the
	// person its reply token names: a Message-ID already taken is refused
	// (a conflict) and nothing is written.
	Inbound *InboundMail
}

// InboundMail names a reply by email for the replay check, with what the
// listener found of its authentication (kept on the message).
type InboundMail struct {
	MessageID string
	UserID    string
	Auth      MailAuth
}

// AddMessageWithDocuments records files already in place on disk as
// documents of the case (as AddDocumentsWithin, with its storage check)
// and the message m with them attached, in one transaction: a message
// refused leaves no file, and a file refused no message.
func (t *Store) AddMessageWithDocuments(ctx context.Context, a DocumentAccess, actor Actor, caseID string, m *MessageDraft, l Limits, files []DocumentFile, size func(int64) string) ([]*Document, error) {
	body, msg := ValidateNoteBody(m.Body)
	if msg != "" {
		return nil, apperr.FieldErrors(map[string]string{"body": msg})
	}
	now := t.Now()
	n := &Note{ID: uuid.NewString(), CaseID: caseID, AuthorID: actor.ID, AuthorName: actor.Name, Body: body, VisibleToClient: true, FromClient: m.FromClient,
		CreatedAt: db.UnixTime(now), UpdatedAt: db.UnixTime(now)}
	if m.Inbound != nil {
		n.ViaEmail, n.MailAuth = true, m.Inbound.Auth
	}
	var ids []string
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := loadCase(ctx, tx, m.Viewer, caseID); err != nil {
			return err
		}
		if m.Inbound != nil {
			if err := takeInboundMail(ctx, tx, caseID, "", m.Inbound, now); err != nil {
				return err
			}
		}
		var err error
		if ids, err = t.addDocumentsTx(ctx, tx, a, actor, caseID, true, l, files, size); err != nil {
			return err
		}
		if err := t.insertMessage(ctx, tx, n, now); err != nil {
			return err
		}
		return attachDocuments(ctx, tx, caseID, n.ID, ids)
	})
	if err != nil {
		return nil, err
	}
	m.Note = n
	return t.documentsByID(ctx, a, caseID, ids)
}

// takeInboundMail records an inbound mail's Message-ID (as its SHA-256),
// added to case caseID or quote quoteID, inside tx, or refuses one already
// taken.
func takeInboundMail(ctx context.Context, tx *sql.Tx, caseID, quoteID string, in *InboundMail, now int64) error {
	id := strings.TrimSpace(in.MessageID)
	if id == "" {
		return apperr.New(apperr.Invalid, "The email has no Message-ID.")
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO inbound_mail (message_id_hash, case_id, quote_id, user_id, received_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		auth.HashToken(id), caseNullable(caseID), caseNullable(quoteID), in.UserID, now)
	if err != nil {
		return fmt.Errorf("db: record inbound mail: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.New(apperr.Conflict, "This email was already added to the case.")
	}
	return nil
}

// insertMessage writes the message n and its timeline event inside tx,
// and queues message.created with its origin (Note.Origin).
func (t *Store) insertMessage(ctx context.Context, tx *sql.Tx, n *Note, now int64) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO notes (id, case_id, author_id, author_name, body, visible_to_client, from_client, created_at, updated_at,
		via_email, dkim_result, dkim_domain, spf_result)
		VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)`, n.ID, n.CaseID, caseNullable(n.AuthorID), n.AuthorName, n.Body, caseBoolInt(n.FromClient), now, now,
		caseBoolInt(n.ViaEmail), n.MailAuth.DKIM, n.MailAuth.DKIMDomain, n.MailAuth.SPF); err != nil {
		return fmt.Errorf("db: insert message on case %s: %w", n.CaseID, err)
	}
	if err := touchCase(ctx, tx, n.CaseID, now); err != nil {
		return err
	}
	if err := t.insertEvent(ctx, tx, Event{CaseID: n.CaseID, ActorID: n.AuthorID, ActorName: n.AuthorName, Kind: EventNote, NoteID: n.ID, NewValue: n.Body, VisibleToClient: true}); err != nil {
		return err
	}
	return t.queueWebhookTx(ctx, tx, WebhookMessageCreated, map[string]string{"id": n.ID, "case_id": n.CaseID, "origin": n.Origin()})
}

// attachDocuments makes the case's documents docIDs attachments of the message noteID.
func attachDocuments(ctx context.Context, tx *sql.Tx, caseID, noteID string, docIDs []string) error {
	for _, id := range docIDs {
		if _, err := tx.ExecContext(ctx, `UPDATE documents SET note_id = ? WHERE id = ? AND case_id = ?`, noteID, id, caseID); err != nil {
			return fmt.Errorf("db: attach document %s: %w", id, err)
		}
	}
	return nil
}

// MessageEditRule says why actor may not correct the message n at now, or
// "" when they may: a client's message is never staff's to edit, and a
// message the other side can read is its author's to correct within
// MessageEditWindow. Internal notes are outside these rules.
func MessageEditRule(n *Note, actorID string, now time.Time) string {
	switch {
	case n.Hidden():
		return "This message is hidden from the client: it stays as it was sent."
	case n.AuthorID != actorID && n.FromClient:
		return "A client's message is a record: nobody at the agency can edit it. You can hide it from the client with a reason."
	case n.AuthorID != actorID:
		return "Only its author can correct a message the client can read."
	case now.Sub(n.CreatedAt) >= MessageEditWindow:
		return "A message can be corrected within 15 minutes of sending it; after that it stands as sent."
	}
	return ""
}

// EditMessage corrects the text of a message of a case v may see, for its
// author within MessageEditWindow; the earlier text stays in the history,
// which the other side can open. Visibility is unchanged.
func (t *Store) EditMessage(ctx context.Context, v Viewer, actor Actor, caseID, noteID, body string) (bool, error) {
	n, err := t.Note(ctx, v, caseID, noteID)
	if err != nil {
		return false, err
	}
	if v.ClientID != "" && !n.VisibleToClient {
		return false, db.NotFound(sql.ErrNoRows, "Message")
	}
	if !n.VisibleToClient && !n.FromClient {
		return false, db.NotFound(sql.ErrNoRows, "Message")
	}
	if why := MessageEditRule(n, actor.ID, t.Clock().Now()); why != "" {
		return false, apperr.New(apperr.Forbidden, "%s", why)
	}
	return t.EditNote(ctx, v, actor, caseID, noteID, body, n.VisibleToClient)
}

// HideMessage hides a client's message of a case v may see from the
// client, with the reason (kept on the staff's timeline and in the audit
// log). The message stays for staff, marked hidden.
func (t *Store) HideMessage(ctx context.Context, v Viewer, actor Actor, caseID, noteID, reason string, a Audit) error {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return apperr.FieldErrors(map[string]string{"reason": "Say why the client should no longer see this message."})
	case utf8.RuneCountInString(reason) > HideReasonMax:
		return apperr.FieldErrors(map[string]string{"reason": fmt.Sprintf("Keep the reason under %d characters.", HideReasonMax)})
	}
	return t.Tx(ctx, func(tx *sql.Tx) error {
		n, err := loadNote(ctx, tx, v, caseID, noteID)
		if err != nil {
			return err
		}
		if !n.FromClient {
			return db.NotFound(sql.ErrNoRows, "Message")
		}
		if n.Hidden() {
			return apperr.New(apperr.Conflict, "This message is already hidden from the client.")
		}
		now := t.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE notes SET visible_to_client = 0, hidden_at = ?, hidden_by = ?, hidden_reason = ? WHERE id = ?`,
			now, actor.Name, reason, noteID); err != nil {
			return fmt.Errorf("db: hide message %s: %w", noteID, err)
		}
		if err := t.insertEvent(ctx, tx, Event{CaseID: caseID, ActorID: actor.ID, ActorName: actor.Name, Kind: EventMessageHidden, NoteID: noteID, NewValue: reason}); err != nil {
			return err
		}
		a.Detail = reason
		return t.auditTx(ctx, tx, a)
	})
}

// InboxMessage is a client's message a staff member has not seen.
type InboxMessage struct {
	NoteID, CaseID, CaseTitle, ClientName, AuthorName, Body string
	CaseNumber                                              int64
	At                                                      time.Time
}

// messageInboxWhere selects the client messages on cases v may see that v
// has not seen (alias n for the note, k for the case).
const messageInboxWhere = `n.from_client = 1 AND n.hidden_at IS NULL
	AND NOT EXISTS (SELECT 1 FROM message_reads r WHERE r.note_id = n.id AND r.user_id = ?)`

// UnreadClientMessages lists the client messages on cases v may see that
// v has not seen, newest first.
func (t *Store) UnreadClientMessages(ctx context.Context, v Viewer, limit int) ([]InboxMessage, error) {
	filter, args := v.caseFilter("k")
	return db.QueryList(ctx, t.Reader(), "unread client messages", func(row db.Scanner) (InboxMessage, error) {
		var m InboxMessage
		var at int64
		err := row.Scan(&m.NoteID, &m.CaseID, &m.CaseNumber, &m.CaseTitle, &m.ClientName, &m.AuthorName, &m.Body, &at)
		m.At = db.UnixTime(at)
		return m, err
	}, `SELECT n.id, k.id, k.number, k.title, c.name, n.author_name, n.body, n.created_at
		FROM notes n JOIN cases k ON k.id = n.case_id JOIN clients c ON c.id = k.client_id
		WHERE `+messageInboxWhere+` AND `+filter+` ORDER BY n.created_at DESC LIMIT ?`, append(append([]any{v.UserID}, args...), limit)...)
}
