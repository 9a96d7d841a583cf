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

// EventDocRequest is a change to a document staff asked the client for;
// field says which (DocRequest* below), new_value names the document asked
// for, old_value holds the reason it was sent back, the file sent or the
// reminder's step.
const EventDocRequest = "document_request"

// Kinds of document-request events (the field of an EventDocRequest event).
const (
	DocRequestAsked     = "asked"     // old_value: the due date, "" for none
	DocRequestSent      = "sent"      // old_value: the file's name
	DocRequestAccepted  = "accepted"  //
	DocRequestReturned  = "returned"  // old_value: the reason
	DocRequestReminded  = "reminded"  // old_value: the step (ReminderBefore…); staff only
	DocRequestEdited    = "edited"    // old_value: the name before, and how the due date changed
	DocRequestWithdrawn = "withdrawn" // the request was taken back
)

// Statuses of a document request: the client has it to send while it is
// asked or returned, staff have it to look at once sent.
const (
	DocStatusAsked    = "asked"
	DocStatusSent     = "sent"
	DocStatusAccepted = "accepted"
	DocStatusReturned = "returned"
)

// Reminder steps of a document request with a due date: one email each,
// at most, and only the latest step reached is sent (a run after days of
// downtime sends one email, not three).
const (
	ReminderBefore = "before" // from DocReminderDaysBefore days before the due date to the day itself
	ReminderAfter  = "after"  // the day after the due date
	ReminderLate   = "late"   // DocReminderLateDays days after it
)

// Reminder timing, in days.
const (
	DocReminderDaysBefore = 3
	DocReminderLateDays   = 7
)

// Limits of a document request's texts.
const (
	DocRequestNameMax   = 200
	DocRequestNoteMax   = 1000
	DocRequestReasonMax = 500
)

// DocumentRequest is a document staff asked the client for on a case.
type DocumentRequest struct {
	ID           string
	CaseID       string
	Name         string
	Note         string
	DueDate      string // YYYY-MM-DD, "" for none
	Status       string
	Reason       string // why it was last sent back
	DocumentID   string // the file the client sent last, "" before
	DocumentName string
	AskedBy      string
	CreatedAt    time.Time
	UpdatedAt    time.Time

	// Of the case, for lists across cases (the portal's home).
	CaseNumber int64
	CaseTitle  string
}

// ToSend reports whether the client has the document still to send.
func (r *DocumentRequest) ToSend() bool {
	return r.Status == DocStatusAsked || r.Status == DocStatusReturned
}

// DocumentRequestInput is what staff type to ask for a document.
type DocumentRequestInput struct {
	Name, DueDate, Note string
}

// validate cleans in and says what is wrong with each field.
func (in *DocumentRequestInput) validate() error {
	errs := map[string]string{}
	in.Name = strings.Join(strings.Fields(in.Name), " ")
	in.Note = strings.TrimSpace(in.Note)
	switch {
	case in.Name == "":
		errs["name"] = "Say which document you need, like “Passport copy”."
	case utf8.RuneCountInString(in.Name) > DocRequestNameMax:
		errs["name"] = fmt.Sprintf("Keep the name under %d characters.", DocRequestNameMax)
	}
	if utf8.RuneCountInString(in.Note) > DocRequestNoteMax {
		errs["note"] = fmt.Sprintf("Keep the note under %d characters.", DocRequestNoteMax)
	}
	var msg string
	if in.DueDate, msg = ParseDueDate(in.DueDate); msg != "" {
		errs["due_date"] = msg
	}
	if len(errs) > 0 {
		return apperr.FieldErrors(errs)
	}
	return nil
}

const docRequestSelect = `SELECT r.id, r.case_id, r.name, r.note, r.due_date, r.status, r.reason, r.document_id,
	COALESCE((SELECT d.name FROM documents d WHERE d.id = r.document_id), ''), r.asked_by_name, r.created_at, r.updated_at, c.number, c.title
	FROM document_requests r JOIN cases c ON c.id = r.case_id`

func scanDocRequest(row db.Scanner) (*DocumentRequest, error) {
	var r DocumentRequest
	var created, updated int64
	err := row.Scan(&r.ID, &r.CaseID, &r.Name, &r.Note, &r.DueDate, &r.Status, &r.Reason, &r.DocumentID, &r.DocumentName, &r.AskedBy,
		&created, &updated, &r.CaseNumber, &r.CaseTitle)
	r.CreatedAt, r.UpdatedAt = db.UnixTime(created), db.UnixTime(updated)
	return &r, err
}

// AddDocumentRequest asks the client of a case v may see for a document,
// on the case's history (the client sees it).
func (t *Store) AddDocumentRequest(ctx context.Context, v Viewer, actor Actor, caseID string, in DocumentRequestInput) (*DocumentRequest, error) {
	if v.ClientID != "" {
		return nil, apperr.New(apperr.NotFound, "Case not found.")
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	id := uuid.NewString()
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := loadCase(ctx, tx, v, caseID); err != nil {
			return err
		}
		now := t.Now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO document_requests (id, case_id, name, note, due_date, status, asked_by_id, asked_by_name, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, caseID, in.Name, in.Note, in.DueDate, DocStatusAsked, actor.ID, actor.Name, now, now); err != nil {
			return fmt.Errorf("db: ask for document on case %s: %w", caseID, err)
		}
		if err := t.insertEvent(ctx, tx, Event{CaseID: caseID, ActorID: actor.ID, ActorName: actor.Name, Kind: EventDocRequest, Field: DocRequestAsked,
			OldValue: in.DueDate, NewValue: in.Name, VisibleToClient: true}); err != nil {
			return err
		}
		return touchCase(ctx, tx, caseID, now)
	})
	if err != nil {
		return nil, err
	}
	return t.DocumentRequest(ctx, v, caseID, id)
}

// DocumentRequest loads one document request of a case v may see.
func (t *Store) DocumentRequest(ctx context.Context, v Viewer, caseID, id string) (*DocumentRequest, error) {
	return loadDocRequest(ctx, t.Reader(), v, caseID, id)
}

func loadDocRequest(ctx context.Context, q caseQuerier, v Viewer, caseID, id string) (*DocumentRequest, error) {
	filter, args := v.caseFilter("c")
	r, err := scanDocRequest(q.QueryRowContext(ctx, docRequestSelect+` WHERE r.id = ? AND r.case_id = ? AND `+filter, append([]any{id, caseID}, args...)...))
	if err != nil {
		return nil, db.NotFound(err, "Document request")
	}
	return r, nil
}

// MaxDocumentRequests bounds a list of document requests.
const MaxDocumentRequests = 200

// CaseDocumentRequests lists the documents asked for on a case v may see,
// oldest first.
func (t *Store) CaseDocumentRequests(ctx context.Context, v Viewer, caseID string) ([]*DocumentRequest, error) {
	filter, args := v.caseFilter("c")
	return db.QueryList(ctx, t.Reader(), "document requests of case", scanDocRequest,
		docRequestSelect+` WHERE r.case_id = ? AND `+filter+` ORDER BY r.created_at, r.rowid LIMIT ?`, append(append([]any{caseID}, args...), MaxDocumentRequests)...)
}

// DocumentsToSend lists what the client contact v has still to send, on
// all their client's open cases: soonest due first, then oldest.
func (t *Store) DocumentsToSend(ctx context.Context, v Viewer) ([]*DocumentRequest, error) {
	if v.ClientID == "" {
		return nil, nil
	}
	filter, args := v.caseFilter("c")
	return db.QueryList(ctx, t.Reader(), "documents to send", scanDocRequest,
		docRequestSelect+` WHERE r.status IN ('asked', 'returned') AND c.status NOT IN ('resolved', 'closed') AND `+filter+`
		ORDER BY r.due_date = '', r.due_date, r.created_at LIMIT ?`, append(args, MaxDocumentRequests)...)
}

// CheckDocumentToSend says whether the client contact v may send a file
// for the request now: not found when it is not theirs, a conflict when
// it is not waiting for a file (sent and not yet looked at, or accepted).
// An upload checks this before it reads any file.
func (t *Store) CheckDocumentToSend(ctx context.Context, v Viewer, caseID, id string) error {
	r, err := t.DocumentRequest(ctx, v, caseID, id)
	if err != nil {
		return err
	}
	return docToSend(r)
}

func docToSend(r *DocumentRequest) error {
	switch r.Status {
	case DocStatusSent:
		return apperr.New(apperr.Conflict, "“%s” was already sent and is waiting for the agency to look at it.", r.Name)
	case DocStatusAccepted:
		return apperr.New(apperr.Conflict, "“%s” was already accepted: nothing more to send.", r.Name)
	}
	return nil
}

// ReviewDocumentRequest is staff's answer to a document the client sent:
// accepted, or sent back with a reason (the client then sends another).
// Only a sent document can be reviewed.
func (t *Store) ReviewDocumentRequest(ctx context.Context, v Viewer, actor Actor, caseID, id string, accept bool, reason string) (*DocumentRequest, error) {
	if v.ClientID != "" {
		return nil, apperr.New(apperr.NotFound, "Document request not found.")
	}
	reason = strings.TrimSpace(reason)
	if !accept {
		switch {
		case reason == "":
			return nil, apperr.FieldErrors(map[string]string{"reason": "Say why you send it back, so that the client knows what to send instead."})
		case utf8.RuneCountInString(reason) > DocRequestReasonMax:
			return nil, apperr.FieldErrors(map[string]string{"reason": fmt.Sprintf("Keep the reason under %d characters.", DocRequestReasonMax)})
		}
	}
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		r, err := loadDocRequest(ctx, tx, v, caseID, id)
		if err != nil {
			return err
		}
		if r.Status != DocStatusSent {
			return apperr.New(apperr.Conflict, "“%s” has no new file to look at: the client has not sent one since.", r.Name)
		}
		status, field, old := DocStatusAccepted, DocRequestAccepted, ""
		if !accept {
			status, field, old = DocStatusReturned, DocRequestReturned, reason
		}
		now := t.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE document_requests SET status = ?, reason = ?, updated_at = ? WHERE id = ?`, status, reason, now, id); err != nil {
			return fmt.Errorf("db: review document request %s: %w", id, err)
		}
		if err := t.insertEvent(ctx, tx, Event{CaseID: caseID, ActorID: actor.ID, ActorName: actor.Name, Kind: EventDocRequest, Field: field,
			OldValue: old, NewValue: r.Name, VisibleToClient: true}); err != nil {
			return err
		}
		return touchCase(ctx, tx, caseID, now)
	})
	if err != nil {
		return nil, err
	}
	return t.DocumentRequest(ctx, v, caseID, id)
}

// ReminderStep is the reminder step a request due on due has reached on
// today (both YYYY-MM-DD), "" for none yet.
func ReminderStep(due, today string) string {
	d, err1 := time.Parse(DueDateLayout, due)
	now, err2 := time.Parse(DueDateLayout, today)
	if err1 != nil || err2 != nil {
		return ""
	}
	days := int(now.Sub(d).Hours() / 24) // negative before the due date
	switch {
	case days >= DocReminderLateDays:
		return ReminderLate
	case days >= 1:
		return ReminderAfter
	case days >= -DocReminderDaysBefore:
		return ReminderBefore
	}
	return ""
}

// DocumentReminder is a reminder to send: the request and its step.
type DocumentReminder struct {
	Request *DocumentRequest
	Step    string
}

// ClaimDocumentReminders finds every request still to send, with a due
// date, of an open case, whose latest step reached on today has not been
// sent, and records each step as sent (with a staff-only event on the
// case), in one transaction: a second run the same day finds nothing.
// The caller emails them; an email that fails is not tried again.
func (t *Store) ClaimDocumentReminders(ctx context.Context, today string) ([]DocumentReminder, error) {
	var out []DocumentReminder
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		horizon, _ := time.Parse(DueDateLayout, today)
		reqs, err := db.QueryList(ctx, tx, "document requests due", scanDocRequest,
			docRequestSelect+` WHERE r.status IN ('asked', 'returned') AND r.due_date <> '' AND r.due_date <= ? AND c.status NOT IN ('resolved', 'closed')
			ORDER BY r.due_date, r.id`, horizon.AddDate(0, 0, DocReminderDaysBefore).Format(DueDateLayout))
		if err != nil {
			return err
		}
		for _, r := range reqs {
			step := ReminderStep(r.DueDate, today)
			if step == "" {
				continue
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO document_request_reminders (request_id, step, sent_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, r.ID, step, t.Now())
			if err != nil {
				return fmt.Errorf("db: claim reminder of document request %s: %w", r.ID, err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			if err := t.insertEvent(ctx, tx, Event{CaseID: r.CaseID, ActorName: docReminderActor, Kind: EventDocRequest, Field: DocRequestReminded,
				OldValue: step, NewValue: r.Name}); err != nil {
				return err
			}
			out = append(out, DocumentReminder{Request: r, Step: step})
		}
		return nil
	})
	return out, err
}

// docReminderActor names the reminders job in the history.
const docReminderActor = "Document reminders"

// AddRequestedDocument records the one file the client contact a sent for
// request id of the case (already in place on disk, as for
// AddDocumentsWithin, with the same storage check) and marks the request
// sent, in one transaction: the request goes to staff to look at. If
// another upload answered it first, or staff withdrew it, this is a
// conflict and nothing is recorded (app.Uploads then removes the file it
// put on disk).
func (t *Store) AddRequestedDocument(ctx context.Context, a DocumentAccess, actor Actor, caseID, id string, l Limits, f DocumentFile, size func(int64) string) (*Document, error) {
	if a.IsStaff() || a.clientID == "" {
		return nil, apperr.New(apperr.NotFound, "Document request not found.")
	}
	v := Viewer{ClientID: a.clientID}
	var docID string
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		r, err := loadDocRequest(ctx, tx, v, caseID, id)
		if err != nil {
			return err
		}
		if err := docToSend(r); err != nil {
			return err
		}
		ids, err := t.addDocumentsTx(ctx, tx, a, actor, caseID, true, l, []DocumentFile{f}, size)
		if err != nil {
			return err
		}
		docID = ids[0]
		if _, err := tx.ExecContext(ctx, `UPDATE document_requests SET status = 'sent', document_id = ?, reason = '', updated_at = ? WHERE id = ?`, docID, t.Now(), id); err != nil {
			return fmt.Errorf("db: mark document request %s sent: %w", id, err)
		}
		return t.insertEvent(ctx, tx, Event{CaseID: caseID, ActorID: actor.ID, ActorName: actor.Name, Kind: EventDocRequest, Field: DocRequestSent,
			OldValue: f.Name, NewValue: r.Name, VisibleToClient: true})
	})
	if err != nil {
		return nil, err
	}
	docs, err := t.documentsByID(ctx, a, caseID, []string{docID})
	if err != nil {
		return nil, err
	}
	return docs[0], nil
}

// EditDocumentRequest changes what staff ask for (its name, due date and
// note) until the document is accepted, with the change on the case's
// history. A new due date starts its reminders afresh. It reports whether
// anything changed.
func (t *Store) EditDocumentRequest(ctx context.Context, v Viewer, actor Actor, caseID, id string, in DocumentRequestInput) (bool, error) {
	if v.ClientID != "" {
		return false, apperr.New(apperr.NotFound, "Document request not found.")
	}
	if err := in.validate(); err != nil {
		return false, err
	}
	changed := false
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		r, err := loadDocRequest(ctx, tx, v, caseID, id)
		if err != nil {
			return err
		}
		if r.Status == DocStatusAccepted {
			return apperr.New(apperr.Conflict, "“%s” was accepted already: it can no longer be changed.", r.Name)
		}
		if r.Name == in.Name && r.DueDate == in.DueDate && r.Note == in.Note {
			return nil
		}
		changed = true
		now := t.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE document_requests SET name = ?, due_date = ?, note = ?, updated_at = ? WHERE id = ?`,
			in.Name, in.DueDate, in.Note, now, id); err != nil {
			return fmt.Errorf("db: edit document request %s: %w", id, err)
		}
		if r.DueDate != in.DueDate {
			if _, err := tx.ExecContext(ctx, `DELETE FROM document_request_reminders WHERE request_id = ?`, id); err != nil {
				return fmt.Errorf("db: reset reminders of document request %s: %w", id, err)
			}
		}
		old := r.Name
		if r.DueDate != in.DueDate {
			old += dueChangeWords(r.DueDate, in.DueDate)
		}
		if err := t.insertEvent(ctx, tx, Event{CaseID: caseID, ActorID: actor.ID, ActorName: actor.Name, Kind: EventDocRequest, Field: DocRequestEdited,
			OldValue: old, NewValue: in.Name, VisibleToClient: true}); err != nil {
			return err
		}
		return touchCase(ctx, tx, caseID, now)
	})
	return changed, err
}

// dueChangeWords says how a due date changed, for the history.
func dueChangeWords(was, now string) string {
	switch {
	case now == "":
		return " · no due date now (was " + was + ")"
	case was == "":
		return " · due " + now
	}
	return " · due " + now + " (was " + was + ")"
}

// WithdrawDocumentRequest takes back a document staff asked for and no
// longer need, until it is accepted: the request leaves the client's
// checklist (a file already sent stays with the case's documents) and the
// history says so.
func (t *Store) WithdrawDocumentRequest(ctx context.Context, v Viewer, actor Actor, caseID, id string) (*DocumentRequest, error) {
	if v.ClientID != "" {
		return nil, apperr.New(apperr.NotFound, "Document request not found.")
	}
	var r *DocumentRequest
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if r, err = loadDocRequest(ctx, tx, v, caseID, id); err != nil {
			return err
		}
		if r.Status == DocStatusAccepted {
			return apperr.New(apperr.Conflict, "“%s” was accepted already: there is nothing to withdraw.", r.Name)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM document_requests WHERE id = ?`, id); err != nil {
			return fmt.Errorf("db: withdraw document request %s: %w", id, err)
		}
		if err := t.insertEvent(ctx, tx, Event{CaseID: caseID, ActorID: actor.ID, ActorName: actor.Name, Kind: EventDocRequest, Field: DocRequestWithdrawn,
			NewValue: r.Name, VisibleToClient: true}); err != nil {
			return err
		}
		return touchCase(ctx, tx, caseID, t.Now())
	})
	return r, err
}
