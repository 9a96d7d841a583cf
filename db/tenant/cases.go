package tenant

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"mintedmind/apperr"
	"mintedmind/db"
)

// Case is one piece of work for a client, with the names of its client and
// assignee.
type Case struct {
	ID            string
	Number        int64
	ClientID      string
	ClientName    string
	Title         string
	Description   string
	Status        string
	Priority      string
	AssigneeID    string
	AssigneeName  string
	DueDate       string // YYYY-MM-DD or empty
	Labels        []string
	CreatedByName string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	ClosedAt      time.Time
	ArchivedAt    time.Time // set by the retention job: hidden from the lists
	// Version is raised at every write of the case (migration 40): the
	// version an edit was made from, refused by UpdateCase once changed.
	Version int64
}

// caseSelect reads one case with its names; labels come from loadLabels.
const caseSelect = `SELECT c.id, c.number, c.client_id, cl.name, c.title, c.description, c.status, c.priority,
	COALESCE(c.assignee_id, ''), COALESCE(a.name, ''), COALESCE(c.due_date, ''), COALESCE(cb.name, ''),
	c.created_at, c.updated_at, c.closed_at, c.archived_at, c.version
	FROM cases c
	JOIN clients cl ON cl.id = c.client_id
	LEFT JOIN users a ON a.id = c.assignee_id
	LEFT JOIN users cb ON cb.id = c.created_by`

func scanCase(row db.Scanner) (*Case, error) {
	var k Case
	var created, updated int64
	var closed, archived sql.NullInt64
	if err := row.Scan(&k.ID, &k.Number, &k.ClientID, &k.ClientName, &k.Title, &k.Description, &k.Status, &k.Priority,
		&k.AssigneeID, &k.AssigneeName, &k.DueDate, &k.CreatedByName, &created, &updated, &closed, &archived, &k.Version); err != nil {
		return nil, err
	}
	k.CreatedAt, k.UpdatedAt, k.ClosedAt, k.ArchivedAt = db.UnixTime(created), db.UnixTime(updated), db.NullUnix(closed), db.NullUnix(archived)
	return &k, nil
}

// caseQuerier is what both the read pool and a transaction can run.
type caseQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// txQuerier is a write transaction: the *sql.Tx itself, or the same
// transaction through the writer's statement cache (t.Cached(tx)).
type txQuerier interface {
	caseQuerier
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// loadCase reads a case visible to v, with its labels; another agency's id
// or one v may not see is not found, like one that never existed.
func loadCase(ctx context.Context, q caseQuerier, v Viewer, id string) (*Case, error) {
	filter, args := v.caseFilter("c")
	k, err := scanCase(q.QueryRowContext(ctx, caseSelect+` WHERE c.id = ? AND `+filter, append([]any{id}, args...)...))
	if err != nil {
		return nil, db.NotFound(err, "Case")
	}
	rows, err := q.QueryContext(ctx, `SELECT label FROM case_labels WHERE case_id = ? ORDER BY label`, id)
	if err != nil {
		return nil, fmt.Errorf("db: labels of case %s: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			return nil, fmt.Errorf("db: labels of case %s: %w", id, err)
		}
		k.Labels = append(k.Labels, l)
	}
	return k, rows.Err()
}

// Case loads a case that v may see.
func (t *Store) Case(ctx context.Context, v Viewer, id string) (*Case, error) {
	return loadCase(ctx, t.Reader(), v, id)
}

// clientForCase checks, inside tx, that a case may belong to the client:
// one of this agency's, visible to v, not archived. It returns the name.
func clientForCase(ctx context.Context, tx caseQuerier, v Viewer, id string) (string, error) {
	filter, args := v.clientFilter("cl")
	var name string
	var archived sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT cl.name, cl.archived_at FROM clients cl WHERE cl.id = ? AND `+filter, append([]any{id}, args...)...).Scan(&name, &archived)
	if err == sql.ErrNoRows {
		return "", apperr.FieldErrors(map[string]string{"client_id": "Choose one of your clients: this one doesn't exist."})
	}
	if err != nil {
		return "", fmt.Errorf("db: client %s for case: %w", id, err)
	}
	if archived.Valid {
		return "", apperr.FieldErrors(map[string]string{"client_id": name + " is archived: restore the client first."})
	}
	return name, nil
}

// caseAssigneeName checks, inside tx, that a case may be assigned to the user:
// an active owner, admin or staff member of this agency. It returns the name.
func caseAssigneeName(ctx context.Context, tx caseQuerier, id string) (string, error) {
	var name string
	err := tx.QueryRowContext(ctx, `SELECT name FROM users WHERE id = ? AND status = 'active' AND role IN ('owner', 'admin', 'staff')`, id).Scan(&name)
	if err == sql.ErrNoRows {
		return "", apperr.FieldErrors(map[string]string{"assignee_id": "Choose an active member of your team, or nobody."})
	}
	if err != nil {
		return "", fmt.Errorf("db: assignee %s: %w", id, err)
	}
	return name, nil
}

func writeCaseLabels(ctx context.Context, tx txQuerier, caseID string, labels []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM case_labels WHERE case_id = ?`, caseID); err != nil {
		return fmt.Errorf("db: clear labels of case %s: %w", caseID, err)
	}
	for _, l := range labels {
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_labels (case_id, label) VALUES (?, ?)`, caseID, l); err != nil {
			return fmt.Errorf("db: label case %s: %w", caseID, err)
		}
	}
	return nil
}

// CreateCase opens a case for a client v may see, numbered from the
// agency's gapless "case" sequence, records its creation on the timeline
// and applies the task template chosen and those of its labels, in one
// transaction (or one savepoint of a transaction shared with the writes
// that arrived while the previous one ran: db.GroupTx; it commits before
// CreateCase returns). Its statements run through the writer's statement cache,
// and the case it returns is made from what the transaction wrote and
// checked (the client's and assignee's names, the labels as stored, sorted)
// rather than read back: TestCreateCaseReturnsTheStoredCase holds it equal
// to Case. CreatedByName is the actor's name.
func (t *Store) CreateCase(ctx context.Context, v Viewer, actor Actor, in CaseInput) (*Case, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var k *Case
	err := t.GroupTx(ctx, func(sqlTx *sql.Tx) error {
		tx := t.Cached(sqlTx)
		clientName, err := clientForCase(ctx, tx, v, in.ClientID)
		if err != nil {
			return err
		}
		assigneeName := ""
		if in.AssigneeID != "" {
			if assigneeName, err = caseAssigneeName(ctx, tx, in.AssigneeID); err != nil {
				return err
			}
		}
		n, err := nextSequence(ctx, tx, "case")
		if err != nil {
			return err
		}
		id := uuid.NewString()
		now := t.Now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO cases (id, number, client_id, title, description, status, priority, assignee_id, due_date, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, n, in.ClientID, in.Title, in.Description, CaseNew, in.Priority, caseNullable(in.AssigneeID), caseNullable(in.DueDate), caseNullable(actor.ID), now, now); err != nil {
			return fmt.Errorf("db: insert case: %w", err)
		}
		if err := writeCaseLabels(ctx, tx, id, in.Labels); err != nil {
			return err
		}
		if err := t.insertEvent(ctx, sqlTx, Event{CaseID: id, ActorID: actor.ID, ActorName: actor.Name, Kind: EventCreated, NewValue: in.Title, VisibleToClient: true}); err != nil {
			return err
		}
		if in.TaskTemplateID != "" { // the template chosen on the form (task_templates.go)
			tt, err := loadTaskTemplate(ctx, sqlTx, in.TaskTemplateID)
			if apperr.CodeOf(err) == apperr.NotFound {
				return apperr.FieldErrors(map[string]string{"task_template": "Choose one of your task templates: this one doesn't exist any more."})
			}
			if err != nil {
				return err
			}
			if err := t.applyTemplateTx(ctx, sqlTx, actor, id, tt); err != nil {
				return err
			}
		}
		if err := t.applyLabelTemplates(ctx, sqlTx, actor, id, in.Labels); err != nil { // task lists for cases of this kind
			return err
		}
		createdBy := ""
		if actor.ID != "" {
			createdBy = actor.Name
		}
		k = &Case{ID: id, Number: n, ClientID: in.ClientID, ClientName: clientName, Title: in.Title, Description: in.Description,
			Status: CaseNew, Priority: in.Priority, AssigneeID: in.AssigneeID, AssigneeName: assigneeName, DueDate: in.DueDate,
			Labels: in.Labels, CreatedByName: createdBy, CreatedAt: db.UnixTime(now), UpdatedAt: db.UnixTime(now),
			Version: 1} // a new row's version (the column's default)
		if len(k.Labels) == 0 {
			k.Labels = nil
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return k, nil
}

// caseNullable stores "" as NULL, for optional references and dates.
func caseNullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// UpdateCase applies a change to a case v may see and records each changed
// field on its timeline, all in one transaction. A version other than 0 is
// the case's Version as the caller read it: a case changed since (even
// within the same second) is refused (Conflict), nothing written. It
// reports whether anything changed.
func (t *Store) UpdateCase(ctx context.Context, v Viewer, actor Actor, id string, version int64, ch CaseChange) (bool, error) {
	if err := ch.Validate(); err != nil {
		return false, err
	}
	changed := false
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		k, err := loadCase(ctx, tx, v, id)
		if err != nil {
			return err
		}
		if version != 0 && k.Version != version {
			return apperr.New(apperr.Conflict, "Someone else changed this case since you read it. Read it again and apply your change to what is there now.")
		}
		changed, err = t.applyChange(ctx, tx, v, actor, k, ch)
		return err
	})
	return changed, err
}

// BulkUpdateCases applies one change (status or assignee) to every case in
// ids. It is all or nothing: if any case does not exist or v may not see
// it, nothing is written.
func (t *Store) BulkUpdateCases(ctx context.Context, v Viewer, actor Actor, ids []string, ch CaseChange) (int, error) {
	if err := ch.Validate(); err != nil {
		return 0, err
	}
	n := 0
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		cases := make([]*Case, 0, len(ids))
		for _, id := range ids {
			k, err := loadCase(ctx, tx, v, id)
			if apperr.Is(err, apperr.NotFound) {
				return apperr.New(apperr.NotFound, "One of the selected cases was not found; nothing was changed.")
			}
			if err != nil {
				return err
			}
			cases = append(cases, k)
		}
		for _, k := range cases {
			changed, err := t.applyChange(ctx, tx, v, actor, k, ch)
			if err != nil {
				return err
			}
			if changed {
				n++
			}
		}
		return nil
	})
	return n, err
}

// applyChange writes the fields of ch that differ from k, with one event
// per changed field.
func (t *Store) applyChange(ctx context.Context, tx *sql.Tx, v Viewer, actor Actor, k *Case, ch CaseChange) (bool, error) {
	var sets []string
	var args []any
	var events []Event
	ev := func(kind, field, old, new string, visible bool) {
		events = append(events, Event{CaseID: k.ID, ActorID: actor.ID, ActorName: actor.Name, Kind: kind, Field: field, OldValue: old, NewValue: new, VisibleToClient: visible})
	}
	set := func(col string, val any) { sets, args = append(sets, col+" = ?"), append(args, val) }

	if ch.ClientID != nil && *ch.ClientID != k.ClientID {
		name, err := clientForCase(ctx, tx, v, *ch.ClientID)
		if err != nil {
			return false, err
		}
		set("client_id", *ch.ClientID)
		ev(EventField, FieldClient, k.ClientName, name, false)
	}
	if ch.Title != nil && *ch.Title != k.Title {
		set("title", *ch.Title)
		ev(EventField, FieldTitle, k.Title, *ch.Title, false)
	}
	if ch.Description != nil && *ch.Description != k.Description {
		set("description", *ch.Description)
		ev(EventField, FieldDescription, k.Description, *ch.Description, false)
	}
	if ch.Priority != nil && *ch.Priority != k.Priority {
		set("priority", *ch.Priority)
		ev(EventField, FieldPriority, k.Priority, *ch.Priority, false)
	}
	if ch.DueDate != nil && *ch.DueDate != k.DueDate {
		set("due_date", caseNullable(*ch.DueDate))
		ev(EventField, FieldDueDate, k.DueDate, *ch.DueDate, false)
	}
	if ch.AssigneeID != nil && *ch.AssigneeID != k.AssigneeID {
		name := ""
		if *ch.AssigneeID != "" {
			var err error
			if name, err = caseAssigneeName(ctx, tx, *ch.AssigneeID); err != nil {
				return false, err
			}
		}
		set("assignee_id", caseNullable(*ch.AssigneeID))
		ev(EventAssigned, "", k.AssigneeName, name, false)
	}
	if ch.Status != nil && *ch.Status != k.Status {
		set("status", *ch.Status)
		if *ch.Status == CaseClosed {
			set("closed_at", t.Now())
		} else if k.Status == CaseClosed {
			set("closed_at", nil)
			set("archived_at", nil) // reopened: back in the lists
		}
		ev(EventStatus, "", k.Status, *ch.Status, true)
	}
	labelsChanged := ch.Labels != nil && strings.Join(*ch.Labels, ",") != strings.Join(k.Labels, ",")
	if labelsChanged {
		ev(EventField, FieldLabels, strings.Join(k.Labels, ", "), strings.Join(*ch.Labels, ", "), false)
	}
	if len(events) == 0 {
		return false, nil
	}
	set("updated_at", t.Now())
	if _, err := tx.ExecContext(ctx, `UPDATE cases SET `+strings.Join(sets, ", ")+` WHERE id = ?`, append(args, k.ID)...); err != nil {
		return false, fmt.Errorf("db: update case %s: %w", k.ID, err)
	}
	if labelsChanged {
		if err := writeCaseLabels(ctx, tx, k.ID, *ch.Labels); err != nil {
			return false, err
		}
	}
	for _, e := range events {
		if err := t.insertEvent(ctx, tx, e); err != nil {
			return false, err
		}
	}
	return true, nil
}

// CaseStaffMember is an owner, admin or staff member: someone a case can
// be assigned to while Active, and whose name old assignments still show.
type CaseStaffMember struct {
	ID     string
	Name   string
	Active bool
}

// CaseStaff lists the agency's owners, admins and staff by name, disabled
// ones included (Active false).
func (t *Store) CaseStaff(ctx context.Context) ([]CaseStaffMember, error) {
	return db.QueryListPrepared(ctx, t.DB, "case staff", 16, func(row db.Scanner) (CaseStaffMember, error) {
		var m CaseStaffMember
		return m, row.Scan(&m.ID, &m.Name, &m.Active)
	}, `SELECT id, name, status = 'active' FROM users WHERE role IN ('owner', 'admin', 'staff') ORDER BY name COLLATE NOCASE, id`)
}

// CaseClientRef is a client as a case form offers it.
type CaseClientRef struct {
	ID   string
	Name string
}

// CaseClient returns the id and name of a client v may see.
func (t *Store) CaseClient(ctx context.Context, v Viewer, id string) (CaseClientRef, error) {
	filter, args := v.clientFilter("cl")
	r := CaseClientRef{}
	err := t.Reader().QueryRowContext(ctx, `SELECT cl.id, cl.name FROM clients cl WHERE cl.id = ? AND `+filter, append([]any{id}, args...)...).Scan(&r.ID, &r.Name)
	if err != nil {
		return r, db.NotFound(err, "Client")
	}
	return r, nil
}

// CaseClientChoices lists, by name, up to limit clients that v may see and
// open cases for (not archived) whose name contains q.
func (t *Store) CaseClientChoices(ctx context.Context, v Viewer, q string, limit int) ([]CaseClientRef, error) {
	filter, args := v.clientFilter("cl")
	where := "cl.archived_at IS NULL AND " + filter
	if q = strings.TrimSpace(q); q != "" {
		where += ` AND cl.name LIKE ? ESCAPE '\'`
		args = append(args, "%"+caseLikeEscaper.Replace(q)+"%")
	}
	args = append(args, limit)
	return db.QueryList(ctx, t.Reader(), "case client choices", func(row db.Scanner) (CaseClientRef, error) {
		var r CaseClientRef
		return r, row.Scan(&r.ID, &r.Name)
	}, `SELECT cl.id, cl.name FROM clients cl WHERE `+where+` ORDER BY cl.name COLLATE NOCASE, cl.id LIMIT ?`, args...)
}

// caseLikeEscaper makes typed text match literally inside LIKE … ESCAPE '\'.
var caseLikeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
