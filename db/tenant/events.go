package tenant

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"mintedmind/db"
)

// Kinds of case events, the rows of a case's timeline.
const (
	EventCreated    = "created"     // new_value: the title
	EventStatus     = "status"      // old_value → new_value: status codes
	EventAssigned   = "assigned"    // old_value → new_value: people's names, "" for nobody
	EventField      = "field"       // field: which; old_value → new_value: the text before and after
	EventNote       = "note"        // note_id; new_value: the text as first written
	EventNoteEdited = "note_edited" // note_id; field "body" (old → new text) or "visibility" (internal → client)
	EventDocument   = "document"
	EventInvoice    = "invoice"

	// Requests and messages (requests.go, messages.go).
	EventRequestOpened = "request_opened" // a contact's request from the portal; new_value: the subject, field: the request type's name
	EventMessageHidden = "message_hidden" // note_id: the client's message staff hid from the client; new_value: the reason

	// Billing (invoices.go, payments.go); new_value: the number and amount.
	EventInvoiceIssued = "invoice_issued"
	EventInvoicePaid   = "invoice_paid"
	EventInvoiceVoid   = "invoice_void"
)

// Field names of EventField events.
const (
	FieldTitle       = "title"
	FieldDescription = "description"
	FieldPriority    = "priority"
	FieldDueDate     = "due_date"
	FieldLabels      = "labels"
	FieldClient      = "client"
	FieldBody        = "body"       // of a note
	FieldVisibility  = "visibility" // of a note: "internal" or "client"
)

// Actor is who made a change, as the case's history names them.
type Actor struct {
	ID   string
	Name string
}

// Event is one change on a case's timeline. Events are written in the same
// transaction as the change and never updated.
type Event struct {
	ID              int64
	CaseID          string
	At              time.Time
	ActorID         string
	ActorName       string
	Kind            string
	Field           string
	OldValue        string
	NewValue        string
	NoteID          string
	VisibleToClient bool

	// The note a "note" event points at, as it is now.
	Note *Note
}

// insertEvent writes one event at the clock's now, through the writer's
// statement cache (every change to a case writes one), and queues the
// webhooks it means in the same transaction.
func (t *Store) insertEvent(ctx context.Context, tx *sql.Tx, e Event) error {
	visible := 0
	if e.VisibleToClient {
		visible = 1
	}
	_, err := t.Cached(tx).ExecContext(ctx, `INSERT INTO case_events (case_id, at, actor_id, actor_name, kind, field, old_value, new_value, note_id, visible_to_client)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.CaseID, t.Now(), e.ActorID, e.ActorName, e.Kind, e.Field, e.OldValue, e.NewValue, e.NoteID, visible)
	if err != nil {
		return fmt.Errorf("db: record %s event on case %s: %w", e.Kind, e.CaseID, err)
	}
	return t.queueCaseWebhooksTx(ctx, tx, e)
}

// CaseEvents returns a case's timeline newest first: at most limit events
// older than the event id before (0 for the newest). A "note" event carries
// its note as it is now. The case must be visible to v.
//
// The case page with a long history is one of the pages most looked at, so
// this reads few columns (each value read costs time in every row): the
// events first, then the notes they point at in a second query, rather
// than a join that would add the notes' columns to every event.
func (t *Store) CaseEvents(ctx context.Context, v Viewer, caseID string, before int64, limit int) ([]Event, error) {
	if limit <= 0 || limit > 500 {
		limit = 200
	}
	if before <= 0 {
		before = 1<<63 - 1
	}
	filter, fargs := v.caseFilter("c")
	args := append([]any{caseID, before, caseID}, fargs...)
	args = append(args, limit)
	events, err := db.QueryListPrepared(ctx, t.DB, "case events", limit, func(row db.Scanner) (Event, error) {
		var e Event
		var at int64
		err := row.Scan(&e.ID, &at, &e.ActorID, &e.ActorName, &e.Kind, &e.Field, &e.OldValue, &e.NewValue, &e.NoteID, &e.VisibleToClient)
		e.CaseID, e.At = caseID, db.UnixTime(at)
		return e, err
	}, `SELECT e.id, e.at, e.actor_id, e.actor_name, e.kind, e.field, e.old_value, e.new_value, e.note_id, e.visible_to_client
		FROM case_events e
		WHERE e.case_id = ? AND e.id < ?
		  AND EXISTS (SELECT 1 FROM cases c WHERE c.id = ? AND `+filter+`)
		ORDER BY e.id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, err
	}
	hasNotes := false
	for i := range events {
		hasNotes = hasNotes || events[i].Kind == EventNote
	}
	if !hasNotes {
		return events, nil
	}
	if before == 1<<63-1 && notesFromEvents(events) {
		return events, t.fillMailAuth(ctx, caseID, events)
	}
	notes, err := db.QueryListPrepared(ctx, t.DB, "notes of case", 16, scanNote, noteSelect+` WHERE n.case_id = ?`, caseID)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*Note, len(notes))
	for _, n := range notes {
		byID[n.ID] = n
	}
	for i := range events {
		if events[i].Kind == EventNote {
			events[i].Note = byID[events[i].NoteID]
		}
	}
	return events, nil
}

// fillMailAuth marks the notes notesFromEvents made of the case's replies
// by email as such, with their DKIM and SPF results, which no event
// carries: one query for the case's messages that came by email (most
// cases have none).
func (t *Store) fillMailAuth(ctx context.Context, caseID string, events []Event) error {
	type byEmail struct {
		id   string
		auth MailAuth
	}
	rows, err := db.QueryListPrepared(ctx, t.DB, "replies by email of case", 4, func(row db.Scanner) (byEmail, error) {
		var b byEmail
		err := row.Scan(&b.id, &b.auth.DKIM, &b.auth.DKIMDomain, &b.auth.SPF)
		return b, err
	}, `SELECT id, dkim_result, dkim_domain, spf_result FROM notes WHERE case_id = ? AND via_email = 1`, caseID)
	if err != nil || len(rows) == 0 {
		return err
	}
	auth := make(map[string]MailAuth, len(rows))
	for _, b := range rows {
		auth[b.id] = b.auth
	}
	for i := range events {
		if n := events[i].Note; n != nil {
			if a, ok := auth[n.ID]; ok {
				n.ViaEmail, n.MailAuth = true, a
			}
		}
	}
	return nil
}

// notesFromEvents fills in the notes of the "note" events of the newest
// page of a timeline from the events themselves, sparing the case page a
// second query: a note's text as written is its event's new_value, and
// every later change is a "note_edited" event, newer and so on the same
// page. It reports false (and the caller asks the notes table) when an
// event lacks the text.
func notesFromEvents(events []Event) bool {
	type state struct {
		body, visibility string
		edited           time.Time
	}
	latest := map[string]*state{}
	// Newest first: the first edit seen of each note is its latest.
	for i := range events {
		e := &events[i]
		switch e.Kind {
		case EventMessageHidden: // the message is no longer the client's to see
			st := latest[e.NoteID]
			if st == nil {
				st = &state{}
				latest[e.NoteID] = st
			}
			if st.visibility == "" {
				st.visibility = "internal"
			}
		case EventNoteEdited:
			st := latest[e.NoteID]
			if st == nil {
				st = &state{}
				latest[e.NoteID] = st
			}
			if st.edited.IsZero() {
				st.edited = e.At
			}
			if e.Field == FieldBody && st.body == "" {
				st.body = e.NewValue
			}
			if e.Field == FieldVisibility && st.visibility == "" {
				st.visibility = e.NewValue
			}
		case EventNote:
			if e.NewValue == "" {
				return false
			}
			n := &Note{ID: e.NoteID, CaseID: e.CaseID, AuthorID: e.ActorID, AuthorName: e.ActorName, Body: e.NewValue,
				VisibleToClient: e.VisibleToClient, CreatedAt: e.At, UpdatedAt: e.At}
			if st := latest[e.NoteID]; st != nil {
				if !st.edited.IsZero() {
					n.UpdatedAt = st.edited
				}
				if st.body != "" {
					n.Body = st.body
				}
				if st.visibility != "" {
					n.VisibleToClient = st.visibility == "client"
				}
			}
			e.Note = n
		}
	}
	return true
}
