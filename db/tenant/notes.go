package tenant

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/google/uuid"

	"mintedmind/apperr"
	"mintedmind/db"
)

// Note is a note or message on a case: internal unless VisibleToClient.
// Body is the current text; earlier versions live in the case's events.
type Note struct {
	ID              string
	CaseID          string
	AuthorID        string
	AuthorName      string
	Body            string
	VisibleToClient bool
	CreatedAt       time.Time
	UpdatedAt       time.Time
	FromClient      bool      // a client contact wrote it: a record staff never edit
	HiddenAt        time.Time // a client's message staff hid from the client; zero: not hidden
	HiddenBy        string
	HiddenReason    string
	// ViaEmail: it came as a reply by email (app.Inbound), with what the
	// listener found of the email's authentication (MailAuth).
	ViaEmail bool
	MailAuth MailAuth
}

// MailAuth is what the SMTP listener found of a reply by email's sender
// authentication: the DKIM result (none, pass, temperror, permerror; a
// failed signature is refused, never stored) with the domain that signed,
// and the SPF result for the connecting address.
type MailAuth struct {
	DKIM, DKIMDomain, SPF string
}

// Origin says where a message came from: "email" for a reply by email,
// "client" for a contact's on the portal, "staff" otherwise; the API's
// messages and the message.created webhook say it alike.
func (n *Note) Origin() string {
	switch {
	case n.ViaEmail:
		return "email"
	case n.FromClient:
		return "client"
	}
	return "staff"
}

// Hidden reports whether staff hid the client's message from the client.
func (n *Note) Hidden() bool { return !n.HiddenAt.IsZero() }

// Edited reports whether the note was changed after it was written.
func (n *Note) Edited() bool { return n.UpdatedAt.After(n.CreatedAt) }

func caseBoolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// AddNote writes a note on a case v may see, records it on the timeline
// (visible to the client when the note is) and marks the case updated.
func (t *Store) AddNote(ctx context.Context, v Viewer, actor Actor, caseID, body string, visibleToClient bool) (*Note, error) {
	body, msg := ValidateNoteBody(body)
	if msg != "" {
		return nil, apperr.FieldErrors(map[string]string{"body": msg})
	}
	now := t.Now()
	n := &Note{ID: uuid.NewString(), CaseID: caseID, AuthorID: actor.ID, AuthorName: actor.Name, Body: body, VisibleToClient: visibleToClient,
		CreatedAt: db.UnixTime(now), UpdatedAt: db.UnixTime(now)}
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := loadCase(ctx, tx, v, caseID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO notes (id, case_id, author_id, author_name, body, visible_to_client, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, n.ID, caseID, caseNullable(actor.ID), actor.Name, body, caseBoolInt(visibleToClient), now, now); err != nil {
			return fmt.Errorf("db: insert note on case %s: %w", caseID, err)
		}
		if err := touchCase(ctx, tx, caseID, now); err != nil {
			return err
		}
		return t.insertEvent(ctx, tx, Event{CaseID: caseID, ActorID: actor.ID, ActorName: actor.Name, Kind: EventNote, NoteID: n.ID, NewValue: body, VisibleToClient: visibleToClient})
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}

func touchCase(ctx context.Context, tx *sql.Tx, caseID string, now int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE cases SET updated_at = ? WHERE id = ?`, now, caseID); err != nil {
		return fmt.Errorf("db: touch case %s: %w", caseID, err)
	}
	return nil
}

const noteSelect = `SELECT n.id, n.case_id, COALESCE(n.author_id, ''), n.author_name, n.body, n.visible_to_client, n.created_at, n.updated_at,
	n.from_client, n.hidden_at, n.hidden_by, n.hidden_reason, n.via_email, n.dkim_result, n.dkim_domain, n.spf_result FROM notes n`

func scanNote(row db.Scanner) (*Note, error) {
	var n Note
	var visible, fromClient, viaEmail int
	var created, updated int64
	var hidden sql.NullInt64
	if err := row.Scan(&n.ID, &n.CaseID, &n.AuthorID, &n.AuthorName, &n.Body, &visible, &created, &updated,
		&fromClient, &hidden, &n.HiddenBy, &n.HiddenReason, &viaEmail, &n.MailAuth.DKIM, &n.MailAuth.DKIMDomain, &n.MailAuth.SPF); err != nil {
		return nil, err
	}
	n.VisibleToClient, n.CreatedAt, n.UpdatedAt = visible == 1, db.UnixTime(created), db.UnixTime(updated)
	n.FromClient, n.HiddenAt, n.ViaEmail = fromClient == 1, db.NullUnix(hidden), viaEmail == 1
	return &n, nil
}

func loadNote(ctx context.Context, q caseQuerier, v Viewer, caseID, noteID string) (*Note, error) {
	filter, args := v.caseFilter("c")
	n, err := scanNote(q.QueryRowContext(ctx, noteSelect+` JOIN cases c ON c.id = n.case_id WHERE n.id = ? AND n.case_id = ? AND `+filter,
		append([]any{noteID, caseID}, args...)...))
	if err != nil {
		return nil, db.NotFound(err, "Note")
	}
	return n, nil
}

// Note loads a note of a case v may see.
func (t *Store) Note(ctx context.Context, v Viewer, caseID, noteID string) (*Note, error) {
	return loadNote(ctx, t.Reader(), v, caseID, noteID)
}

// EditNote changes a note's text and whether the client sees it. The
// earlier text stays in the history: a "note_edited" event holds the text
// before and after, and a second one the change of visibility. An edit is
// shown to the client only if the note was visible before and after it, so
// making an internal note visible never reveals its internal drafts.
// Whether the actor may edit the note is the caller's decision.
func (t *Store) EditNote(ctx context.Context, v Viewer, actor Actor, caseID, noteID, body string, visibleToClient bool) (bool, error) {
	body, msg := ValidateNoteBody(body)
	if msg != "" {
		return false, apperr.FieldErrors(map[string]string{"body": msg})
	}
	changed := false
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		n, err := loadNote(ctx, tx, v, caseID, noteID)
		if err != nil {
			return err
		}
		// A message is a record (MessageEditRule), checked here too, in the
		// write: a client's message is never edited by staff, whatever route.
		if n.VisibleToClient || n.FromClient || n.Hidden() {
			if why := MessageEditRule(n, actor.ID, t.Clock().Now()); why != "" {
				return apperr.New(apperr.Forbidden, "%s", why)
			}
		}
		if n.Body == body && n.VisibleToClient == visibleToClient {
			return nil
		}
		changed = true
		now := t.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE notes SET body = ?, visible_to_client = ?, updated_at = ? WHERE id = ?`,
			body, caseBoolInt(visibleToClient), now, noteID); err != nil {
			return fmt.Errorf("db: update note %s: %w", noteID, err)
		}
		if err := touchCase(ctx, tx, caseID, now); err != nil {
			return err
		}
		base := Event{CaseID: caseID, ActorID: actor.ID, ActorName: actor.Name, Kind: EventNoteEdited, NoteID: noteID}
		if n.Body != body {
			e := base
			e.Field, e.OldValue, e.NewValue, e.VisibleToClient = FieldBody, n.Body, body, n.VisibleToClient && visibleToClient
			if err := t.insertEvent(ctx, tx, e); err != nil {
				return err
			}
		}
		if n.VisibleToClient != visibleToClient {
			e := base
			e.Field, e.OldValue, e.NewValue = FieldVisibility, visibilityName(n.VisibleToClient), visibilityName(visibleToClient)
			if err := t.insertEvent(ctx, tx, e); err != nil {
				return err
			}
		}
		return nil
	})
	return changed, err
}

// visibilityName is how a note's visibility is stored in its events.
func visibilityName(visible bool) string {
	if visible {
		return "client"
	}
	return "internal"
}
