package tenant

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"mintedmind/db"
)

// PortalCase is a case as its client's contacts see it in the portal.
type PortalCase struct {
	ID        string
	Number    int64
	Title     string
	Status    string
	UpdatedAt time.Time
	Unread    int // client-visible events newer than the contact last saw
}

// Open reports whether the case is still being worked on.
func (k PortalCase) Open() bool { return k.Status != CaseResolved && k.Status != CaseClosed }

// PortalCases lists the cases of the contact's client (v.ClientID), open
// ones first, most recently updated first, with their unread counts.
func (t *Store) PortalCases(ctx context.Context, v Viewer) ([]PortalCase, error) {
	return db.QueryList(ctx, t.Reader(), "portal cases", func(r db.Scanner) (PortalCase, error) {
		var k PortalCase
		var updated int64
		err := r.Scan(&k.ID, &k.Number, &k.Title, &k.Status, &updated, &k.Unread)
		k.UpdatedAt = db.UnixTime(updated)
		return k, err
	}, `SELECT k.id, k.number, k.title, k.status, k.updated_at,
		(SELECT COUNT(*) FROM case_events e WHERE e.case_id = k.id AND e.visible_to_client = 1 AND e.actor_id <> ?
			AND e.id > COALESCE((SELECT last_event_id FROM case_reads r WHERE r.user_id = ? AND r.case_id = k.id), 0))
		FROM cases k WHERE k.client_id = ?
		ORDER BY k.status IN ('resolved', 'closed'), k.updated_at DESC LIMIT 200`, v.UserID, v.UserID, v.ClientID)
}

// PortalUpdate is a recent client-visible event on one of the client's cases.
type PortalUpdate struct {
	Event
	CaseNumber int64
	CaseTitle  string
}

// PortalUpdates returns the newest client-visible events of the contact's
// client's cases. An event about a note (written, edited) is listed only
// while the note is still visible to the client, and a written note shows
// its current text: a note made internal since leaves the list, as it
// leaves the case's portal history (PortalCaseEvents).
func (t *Store) PortalUpdates(ctx context.Context, v Viewer, limit int) ([]PortalUpdate, error) {
	return db.QueryList(ctx, t.Reader(), "portal updates", func(r db.Scanner) (PortalUpdate, error) {
		var u PortalUpdate
		var at int64
		var body sql.NullString
		err := r.Scan(&u.ID, &u.CaseID, &at, &u.ActorName, &u.Kind, &u.Field, &u.OldValue, &u.NewValue, &u.NoteID, &u.CaseNumber, &u.CaseTitle, &body)
		u.At, u.VisibleToClient = db.UnixTime(at), true
		if u.Kind == EventNote && body.Valid {
			u.Note = &Note{ID: u.NoteID, CaseID: u.CaseID, Body: body.String, VisibleToClient: true}
		}
		return u, err
	}, `SELECT e.id, e.case_id, e.at, e.actor_name, e.kind, e.field, e.old_value, e.new_value, e.note_id, k.number, k.title, n.body
		FROM case_events e JOIN cases k ON k.id = e.case_id LEFT JOIN notes n ON n.id = e.note_id AND e.note_id <> ''
		WHERE k.client_id = ? AND e.visible_to_client = 1 AND (e.note_id = '' OR n.visible_to_client = 1)
		ORDER BY e.id DESC LIMIT ?`, v.ClientID, limit)
}

// PortalCaseEvents returns a case's client-visible history (v must be a
// contact of the case's client: anything else is not found), newest
// first, with the current text of the notes (messages) among them.
func (t *Store) PortalCaseEvents(ctx context.Context, v Viewer, caseID string) ([]Event, error) {
	if _, err := t.Case(ctx, v, caseID); err != nil {
		return nil, err
	}
	events, err := db.QueryList(ctx, t.Reader(), "portal case events", func(r db.Scanner) (Event, error) {
		var e Event
		var at int64
		err := r.Scan(&e.ID, &at, &e.ActorID, &e.ActorName, &e.Kind, &e.Field, &e.OldValue, &e.NewValue, &e.NoteID)
		e.CaseID, e.At, e.VisibleToClient = caseID, db.UnixTime(at), true
		return e, err
	}, `SELECT id, at, actor_id, actor_name, kind, field, old_value, new_value, note_id FROM case_events
		WHERE case_id = ? AND visible_to_client = 1 ORDER BY id DESC LIMIT 500`, caseID)
	if err != nil {
		return nil, err
	}
	notes, err := db.QueryList(ctx, t.Reader(), "portal notes", scanNote, noteSelect+` WHERE n.case_id = ? AND n.visible_to_client = 1`, caseID)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*Note, len(notes))
	for _, n := range notes {
		byID[n.ID] = n
	}
	out := events[:0]
	for _, e := range events {
		if e.Kind == EventNote {
			if e.Note = byID[e.NoteID]; e.Note == nil {
				continue // made internal since: the client no longer sees it
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// MarkCaseRead records that userID has seen the case up to its newest event.
func (t *Store) MarkCaseRead(ctx context.Context, userID, caseID string) error {
	_, err := t.Write().ExecContext(ctx, `INSERT INTO case_reads (user_id, case_id, last_event_id)
		SELECT ?, ?, COALESCE(MAX(id), 0) FROM case_events WHERE case_id = ?
		ON CONFLICT (user_id, case_id) DO UPDATE SET last_event_id = MAX(last_event_id, excluded.last_event_id)`, userID, caseID, caseID)
	if err != nil {
		return fmt.Errorf("db: mark case read: %w", err)
	}
	return nil
}

// CaseContacts returns the active portal contacts of a case's client.
func (t *Store) CaseContacts(ctx context.Context, caseID string) ([]*User, error) {
	return db.QueryList(ctx, t.Reader(), "case contacts", scanUser, `SELECT `+userColumns+` FROM users
		WHERE status = 'active' AND role = 'client' AND client_id = (SELECT client_id FROM cases WHERE id = ?) ORDER BY name`, caseID)
}

// ActiveContacts returns the active portal contacts of a client.
func (t *Store) ActiveContacts(ctx context.Context, clientID string) ([]*User, error) {
	return db.QueryList(ctx, t.Reader(), "client contacts", scanUser, `SELECT `+userColumns+` FROM users
		WHERE status = 'active' AND role = 'client' AND client_id = ? ORDER BY name`, clientID)
}

// ClientContacts returns a client's portal contacts, active or not.
func (t *Store) ClientContacts(ctx context.Context, v Viewer, clientID string) ([]*User, error) {
	if _, err := t.Client(ctx, v, clientID); err != nil {
		return nil, err
	}
	return db.QueryList(ctx, t.Reader(), "client contacts", scanUser, `SELECT `+userColumns+` FROM users
		WHERE role = 'client' AND client_id = ? ORDER BY name`, clientID)
}

// CaseWatchers returns who on the agency's side hears of a client's
// message or upload on a case: its assignee, else the client's responsible
// person; active staff only.
func (t *Store) CaseWatchers(ctx context.Context, caseID string) ([]*User, error) {
	return db.QueryList(ctx, t.Reader(), "case watchers", scanUser, `SELECT `+userColumns+` FROM users
		WHERE status = 'active' AND role <> 'client' AND id = (
			SELECT COALESCE(k.assignee_id, c.responsible_id) FROM cases k JOIN clients c ON c.id = k.client_id WHERE k.id = ?)`, caseID)
}

// Kinds of notification email a person can turn off.
const (
	EmailCaseUpdates    = "case_updates"    // to contacts: a shared message, document or invoice
	EmailClientActivity = "client_activity" // to staff: a client's message or upload
)

// EmailKind is a kind of notification email, as the preferences page shows it.
type EmailKind struct{ Key, Label, Help string }

// EmailKinds names the kinds of notification email, in the order shown.
var EmailKinds = []EmailKind{
	{EmailCaseUpdates, "Updates from the agency", "A new message or document shared with you on a case, and new invoices."},
	{EmailClientActivity, "Client activity", "A client's message or upload on a case assigned to you."},
}

// EmailOptOuts returns the kinds of email userID turned off.
func (t *Store) EmailOptOuts(ctx context.Context, userID string) (map[string]bool, error) {
	kinds, err := db.QueryList(ctx, t.Reader(), "email opt-outs", func(r db.Scanner) (string, error) {
		var k string
		return k, r.Scan(&k)
	}, `SELECT kind FROM email_opt_outs WHERE user_id = ?`, userID)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, k := range kinds {
		out[k] = true
	}
	return out, nil
}

// SetEmailOptOuts replaces the kinds of email userID turned off.
func (t *Store) SetEmailOptOuts(ctx context.Context, userID string, off []string, a Audit) error {
	return t.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM email_opt_outs WHERE user_id = ?`, userID); err != nil {
			return fmt.Errorf("db: email opt-outs: %w", err)
		}
		for _, k := range off {
			if _, err := tx.ExecContext(ctx, `INSERT INTO email_opt_outs (user_id, kind) VALUES (?, ?)`, userID, k); err != nil {
				return fmt.Errorf("db: email opt-outs: %w", err)
			}
		}
		return t.auditTx(ctx, tx, a)
	})
}

// WantsEmail reports whether userID has not turned off kind.
func (t *Store) WantsEmail(ctx context.Context, userID, kind string) (bool, error) {
	var n int
	err := t.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM email_opt_outs WHERE user_id = ? AND kind = ?`, userID, kind).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("db: email opt-outs: %w", err)
	}
	return n == 0, nil
}

// PortalInvoice loads an invoice or credit note of the contact's client
// (v.ClientID); drafts and other clients' invoices are not found.
func (t *Store) PortalInvoice(ctx context.Context, v Viewer, id string) (*Invoice, error) {
	if v.ClientID == "" {
		return nil, db.NotFound(sql.ErrNoRows, "Invoice")
	}
	inv, err := t.Invoice(ctx, v, id)
	if err != nil {
		return nil, err
	}
	if inv.Status == InvoiceDraft {
		return nil, db.NotFound(sql.ErrNoRows, "Invoice")
	}
	return inv, nil
}

// PortalInvoices lists the issued invoices and credit notes of the
// contact's client, newest first (drafts are the agency's own business).
func (t *Store) PortalInvoices(ctx context.Context, v Viewer) ([]InvoiceRow, error) {
	if v.ClientID == "" {
		return nil, nil
	}
	rows, _, err := t.Invoices(ctx, v, InvoiceFilter{Limit: 200})
	if err != nil {
		return nil, err
	}
	out := rows[:0]
	for _, r := range rows {
		if r.Status != InvoiceDraft {
			out = append(out, r)
		}
	}
	return out, nil
}

// NoteClientActivity records that a client contact wrote or uploaded on the
// case now, for the staff's unread markers.
func (t *Store) NoteClientActivity(ctx context.Context, caseID string) error {
	if _, err := t.Write().ExecContext(ctx, `UPDATE cases SET client_activity_at = ? WHERE id = ?`, t.Now(), caseID); err != nil {
		return fmt.Errorf("db: note client activity: %w", err)
	}
	return nil
}

// SeeClientActivity marks the client's messages and uploads on the case as
// seen by a staff member; it writes only when there is something unseen,
// so opening a case costs one read.
func (t *Store) SeeClientActivity(ctx context.Context, userID, caseID string) error {
	var unseen bool
	err := t.Reader().QueryRowContext(ctx, `SELECT COALESCE(k.client_activity_at > COALESCE(
			(SELECT read_at FROM case_reads r WHERE r.user_id = ? AND r.case_id = k.id), 0), 0)
		FROM cases k WHERE k.id = ?`, userID, caseID).Scan(&unseen)
	if err != nil || !unseen {
		return notFoundOrNil(err)
	}
	_, err = t.Write().ExecContext(ctx, `INSERT INTO case_reads (user_id, case_id, read_at) VALUES (?, ?, ?)
		ON CONFLICT (user_id, case_id) DO UPDATE SET read_at = excluded.read_at`, userID, caseID, t.Now())
	if err != nil {
		return fmt.Errorf("db: see client activity: %w", err)
	}
	return nil
}

func notFoundOrNil(err error) error {
	if err == nil || err == sql.ErrNoRows {
		return nil
	}
	return fmt.Errorf("db: client activity: %w", err)
}

// ClientActivityCase is a case with client activity a staff member has not seen.
type ClientActivityCase struct {
	ID, Title, ClientName string
	Number                int64
	At                    time.Time
}

// UnseenClientActivity lists the cases v may see — assigned to v, or for
// owners and admins (all) any — where a client contact wrote or uploaded
// since v last opened them, newest first.
func (t *Store) UnseenClientActivity(ctx context.Context, v Viewer, onlyAssigned bool, limit int) ([]ClientActivityCase, error) {
	filter, args := v.caseFilter("k")
	mine := "1 = 1"
	if onlyAssigned {
		mine = "k.assignee_id = ?"
		args = append(args, v.UserID)
	}
	return db.QueryList(ctx, t.Reader(), "unseen client activity", func(r db.Scanner) (ClientActivityCase, error) {
		var c ClientActivityCase
		var at int64
		err := r.Scan(&c.ID, &c.Number, &c.Title, &c.ClientName, &at)
		c.At = db.UnixTime(at)
		return c, err
	}, `SELECT k.id, k.number, k.title, c.name, k.client_activity_at FROM cases k JOIN clients c ON c.id = k.client_id
		WHERE k.client_activity_at IS NOT NULL AND `+filter+` AND `+mine+`
		  AND k.client_activity_at > COALESCE((SELECT read_at FROM case_reads r WHERE r.user_id = ? AND r.case_id = k.id), 0)
		ORDER BY k.client_activity_at DESC LIMIT ?`, append(args, v.UserID, limit)...)
}
