package tenant

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"mintedmind/db"
)

// Bulk is rows for BulkLoad, plain values written as given: ids, numbers
// and times are the caller's. A person's empty id is NULL.
type Bulk struct {
	Clients []BulkClient
	Cases   []BulkCase
	// CaseSequence raises the agency's case-number sequence to at least
	// this: the highest number the cases use.
	CaseSequence int64
}

// BulkClient is one client of a bulk load, with its contact details.
type BulkClient struct {
	ID, Name, Kind, CompanyCode, VATNumber string
	Street, City, PostalCode, Country      string
	Notes                                  string
	ResponsibleID                          string
	CreatedAt                              time.Time // also its last change
	Emails, Phones, Tags                   []string
}

// BulkCase is one case of a bulk load with its labels, notes and history.
// Its Notes' CaseID is the case's own; a zero ClosedAt and an empty DueDate
// are NULL.
type BulkCase struct {
	ID                             string
	Number                         int64
	ClientID, Title, Description   string
	Status, Priority               string
	AssigneeID, CreatedBy          string
	DueDate                        string
	CreatedAt, UpdatedAt, ClosedAt time.Time
	Labels                         []string
	Notes                          []Note
	Events                         []Event
}

// ActiveStaff lists the agency's active owners, admins and staff, oldest
// account first: the people bulk-loaded data is given to.
func (t *Store) ActiveStaff(ctx context.Context) ([]*User, error) {
	return db.QueryList(ctx, t.Read(), "active staff", scanUser, `SELECT `+userColumns+` FROM users
		WHERE role IN ('owner', 'admin', 'staff') AND status = 'active' ORDER BY created_at, email`)
}

// ActiveAdmins lists the agency's active owners and admins, oldest
// account first: the people told of what needs an administrator (a
// webhook endpoint disabled after repeated failures).
func (t *Store) ActiveAdmins(ctx context.Context) ([]*User, error) {
	return db.QueryList(ctx, t.Read(), "active admins", scanUser, `SELECT `+userColumns+` FROM users
		WHERE role IN ('owner', 'admin') AND status = 'active' ORDER BY created_at, email`)
}

// CaseNumberHigh is the highest case number the agency used or reserved:
// a bulk load numbers its cases after it.
func (t *Store) CaseNumberHigh(ctx context.Context) (int64, error) {
	var n int64
	err := t.Read().QueryRowContext(ctx, `SELECT MAX(COALESCE((SELECT value FROM sequences WHERE name = 'case'), 0), COALESCE((SELECT MAX(number) FROM cases), 0))`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("db: case numbers: %w", err)
	}
	return n, nil
}

// BulkLoad writes many rows fast, for demo and load-test data: load is
// called once, and each call of its insert writes one Bulk in one
// transaction through prepared statements (a few thousand cases at a time
// keep the write-ahead log small). Rows go in through the ordinary tables,
// so the search index triggers index them. While load runs the writer
// keeps statement journals in memory and a bigger page cache; afterwards
// the search index's segments are merged, as SQLite's automatic merges
// would do over time, and the write-ahead log is checkpointed.
func (t *Store) BulkLoad(ctx context.Context, load func(insert func(Bulk) error) error) error {
	// Pragmas on the writer (one connection, so they stay on it), set back
	// when done: statement journals (every insert that fires a search
	// trigger writes one) in memory instead of a temporary file, which
	// halves the time; and a bigger page cache, since the indexes on cases,
	// notes and events get random inserts.
	if _, err := t.Write().ExecContext(ctx, `PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY`); err != nil {
		return fmt.Errorf("db: bulk load pragmas: %w", err)
	}
	defer t.Write().ExecContext(context.WithoutCancel(ctx), `PRAGMA cache_size = -2000; PRAGMA temp_store = DEFAULT`)

	wrote := false
	err := load(func(b Bulk) error {
		wrote = wrote || len(b.Clients) > 0 || len(b.Cases) > 0
		return t.Tx(ctx, func(tx *sql.Tx) error {
			if err := insertBulkClients(ctx, tx, b.Clients); err != nil {
				return err
			}
			if err := insertBulkCases(ctx, tx, b.Cases); err != nil {
				return err
			}
			if b.CaseSequence == 0 {
				return nil
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO sequences (name, value) VALUES ('case', ?)
				ON CONFLICT (name) DO UPDATE SET value = MAX(value, excluded.value)`, b.CaseSequence)
			if err != nil {
				return fmt.Errorf("db: bulk case sequence: %w", err)
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	if wrote {
		if _, err := t.Write().ExecContext(ctx, `INSERT INTO search_index (search_index) VALUES ('optimize')`); err != nil {
			return fmt.Errorf("db: optimize search index: %w", err)
		}
	}
	if _, err := t.Write().ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return fmt.Errorf("db: checkpoint after bulk load: %w", err)
	}
	return nil
}

func insertBulkClients(ctx context.Context, tx *sql.Tx, clients []BulkClient) error {
	if len(clients) == 0 {
		return nil
	}
	ins, err := prepareAll(ctx, tx,
		`INSERT INTO clients (id, name, kind, company_code, vat_number, street, city, postal_code, country, notes, responsible_id, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		`INSERT INTO client_emails (client_id, position, email) VALUES (?, ?, ?)`,
		`INSERT INTO client_phones (client_id, position, phone) VALUES (?, ?, ?)`,
		`INSERT INTO client_tags (client_id, tag) VALUES (?, ?)`)
	if err != nil {
		return err
	}
	defer closeAll(ins)
	insClient, insEmail, insPhone, insTag := ins[0], ins[1], ins[2], ins[3]
	for _, c := range clients {
		created := c.CreatedAt.Unix()
		if _, err := insClient.ExecContext(ctx, c.ID, c.Name, c.Kind, c.CompanyCode, c.VATNumber, c.Street, c.City, c.PostalCode, c.Country, c.Notes,
			nullID(c.ResponsibleID), created, created); err != nil {
			return fmt.Errorf("db: bulk client: %w", err)
		}
		for p, e := range c.Emails {
			if _, err := insEmail.ExecContext(ctx, c.ID, p, e); err != nil {
				return fmt.Errorf("db: bulk client email: %w", err)
			}
		}
		for p, ph := range c.Phones {
			if _, err := insPhone.ExecContext(ctx, c.ID, p, ph); err != nil {
				return fmt.Errorf("db: bulk client phone: %w", err)
			}
		}
		for _, tag := range c.Tags {
			if _, err := insTag.ExecContext(ctx, c.ID, tag); err != nil {
				return fmt.Errorf("db: bulk client tag: %w", err)
			}
		}
	}
	return nil
}

func insertBulkCases(ctx context.Context, tx *sql.Tx, cases []BulkCase) error {
	if len(cases) == 0 {
		return nil
	}
	ins, err := prepareAll(ctx, tx,
		`INSERT INTO cases (id, number, client_id, title, description, status, priority, assignee_id, due_date, created_by, created_at, updated_at, closed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		`INSERT INTO case_labels (case_id, label) VALUES (?, ?)`,
		`INSERT INTO notes (id, case_id, author_id, author_name, body, visible_to_client, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		`INSERT INTO case_events (case_id, at, actor_id, actor_name, kind, field, old_value, new_value, note_id, visible_to_client)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer closeAll(ins)
	insCase, insLabel, insNote, insEvent := ins[0], ins[1], ins[2], ins[3]
	for _, c := range cases {
		if err := ctx.Err(); err != nil {
			return err
		}
		var due, closed any
		if c.DueDate != "" {
			due = c.DueDate
		}
		if !c.ClosedAt.IsZero() {
			closed = c.ClosedAt.Unix()
		}
		if _, err := insCase.ExecContext(ctx, c.ID, c.Number, c.ClientID, c.Title, c.Description, c.Status, c.Priority,
			nullID(c.AssigneeID), due, nullID(c.CreatedBy), c.CreatedAt.Unix(), c.UpdatedAt.Unix(), closed); err != nil {
			return fmt.Errorf("db: bulk case: %w", err)
		}
		for _, l := range c.Labels {
			if _, err := insLabel.ExecContext(ctx, c.ID, l); err != nil {
				return fmt.Errorf("db: bulk case label: %w", err)
			}
		}
		for _, n := range c.Notes {
			if _, err := insNote.ExecContext(ctx, n.ID, c.ID, nullID(n.AuthorID), n.AuthorName, n.Body, n.VisibleToClient, n.CreatedAt.Unix(), n.UpdatedAt.Unix()); err != nil {
				return fmt.Errorf("db: bulk note: %w", err)
			}
		}
		for _, e := range c.Events {
			if _, err := insEvent.ExecContext(ctx, c.ID, e.At.Unix(), e.ActorID, e.ActorName, e.Kind, e.Field, e.OldValue, e.NewValue, e.NoteID, e.VisibleToClient); err != nil {
				return fmt.Errorf("db: bulk event: %w", err)
			}
		}
	}
	return nil
}

// nullID is a person's id as a column value: NULL for nobody.
func nullID(id string) any {
	if id == "" {
		return nil
	}
	return id
}

func prepareAll(ctx context.Context, tx *sql.Tx, queries ...string) ([]*sql.Stmt, error) {
	stmts := make([]*sql.Stmt, 0, len(queries))
	for _, q := range queries {
		s, err := tx.PrepareContext(ctx, q)
		if err != nil {
			closeAll(stmts)
			return nil, fmt.Errorf("db: prepare bulk insert: %w", err)
		}
		stmts = append(stmts, s)
	}
	return stmts, nil
}

func closeAll(stmts []*sql.Stmt) {
	for _, s := range stmts {
		s.Close()
	}
}
