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

// Client kinds.
const (
	ClientPerson  = "person"
	ClientCompany = "company"
)

// ClientInput is what a person types (or a CSV row holds) about a client,
// before and after NormalizeClient.
type ClientInput struct {
	Name          string
	Kind          string
	CompanyCode   string
	VATNumber     string
	Emails        []string
	Phones        []string
	Street        string
	City          string
	PostalCode    string
	Country       string
	Notes         string
	Tags          []string
	ResponsibleID string // "" for nobody
}

// Client is a client of the agency as stored.
type Client struct {
	ClientInput
	ID               string
	ResponsibleName  string
	ResponsibleEmail string
	CreatedAt        time.Time
	UpdatedAt        time.Time
	ArchivedAt       time.Time
	// Version is raised at every write of the client (migration 40): the
	// version a form was made from, refused by UpdateClient once changed.
	Version int64
}

// Archived reports whether the client is archived.
func (c *Client) Archived() bool { return !c.ArchivedAt.IsZero() }

// clientColumns is read by scanClient; the list values are joined with a
// newline, which no stored email, phone or tag contains.
const clientColumns = `c.id, c.name, c.kind, c.company_code, c.vat_number, c.street, c.city, c.postal_code, c.country, c.notes,
	COALESCE(c.responsible_id, ''), COALESCE(u.name, ''), COALESCE(u.email, ''), c.created_at, c.updated_at, c.archived_at, c.version,
	COALESCE((SELECT group_concat(email, char(10) ORDER BY position) FROM client_emails WHERE client_id = c.id), ''),
	COALESCE((SELECT group_concat(phone, char(10) ORDER BY position) FROM client_phones WHERE client_id = c.id), ''),
	COALESCE((SELECT group_concat(tag, char(10) ORDER BY tag) FROM client_tags WHERE client_id = c.id), '')`

const clientFrom = ` FROM clients c LEFT JOIN users u ON u.id = c.responsible_id`

func scanClient(row db.Scanner) (*Client, error) {
	var c Client
	var created, updated int64
	var archived sql.NullInt64
	var emails, phones, tags string
	if err := row.Scan(&c.ID, &c.Name, &c.Kind, &c.CompanyCode, &c.VATNumber, &c.Street, &c.City, &c.PostalCode, &c.Country, &c.Notes,
		&c.ResponsibleID, &c.ResponsibleName, &c.ResponsibleEmail, &created, &updated, &archived, &c.Version, &emails, &phones, &tags); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt, c.ArchivedAt = db.UnixTime(created), db.UnixTime(updated), db.NullUnix(archived)
	c.Emails, c.Phones, c.Tags = clientSplitStored(emails), clientSplitStored(phones), clientSplitStored(tags)
	return &c, nil
}

func clientSplitStored(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// clientQuerier is a read pool or a transaction.
type clientQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// loadClient reads one client the viewer may see; any other id is not found.
func loadClient(ctx context.Context, q clientQuerier, v Viewer, id string) (*Client, error) {
	filter, args := v.clientFilter("c")
	c, err := scanClient(q.QueryRowContext(ctx, `SELECT `+clientColumns+clientFrom+` WHERE c.id = ? AND `+filter, append([]any{id}, args...)...))
	if err != nil {
		return nil, db.NotFound(err, "Client")
	}
	return c, nil
}

// Client loads one client the viewer may see. A client the viewer may not
// see is not found, exactly like one that does not exist.
func (t *Store) Client(ctx context.Context, v Viewer, id string) (*Client, error) {
	return loadClient(ctx, t.Reader(), v, id)
}

// CreateClient is CreateClientWithin with no plan limits: for the command
// line, the demo and tests. Requests go through CreateClientWithin.
func (t *Store) CreateClient(ctx context.Context, v Viewer, in ClientInput, a Audit) (*Client, error) {
	return t.CreateClientWithin(ctx, v, in, Limits{}, a)
}

// CreateClientWithin validates and stores a new client, and audits it. A
// client past l.MaxClients is refused, counted in the same transaction.
func (t *Store) CreateClientWithin(ctx context.Context, v Viewer, in ClientInput, l Limits, a Audit) (*Client, error) {
	NormalizeClient(&in)
	fields := ValidateClient(in)
	var c *Client
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		if err := checkClientLimit(ctx, tx, l, 1); err != nil {
			return err
		}
		if msg, err := clientCheckResponsible(ctx, tx, v, in.ResponsibleID); err != nil {
			return err
		} else if msg != "" {
			fields["responsible"] = msg
		}
		if err := apperr.FieldErrors(fields); err != nil {
			return err
		}
		id := uuid.NewString()
		if err := insertClients(ctx, tx, []string{id}, []ClientInput{in}, t.Now()); err != nil {
			return err
		}
		a.Target, a.Detail = id, in.Name
		if err := t.auditTx(ctx, tx, a); err != nil {
			return err
		}
		var err error
		c, err = loadClient(ctx, tx, v, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// UpdateClient validates and saves a client's new values, auditing each
// changed field as "field: before → after". version is the client's Version
// the person's form was made from (zero skips the check): a client changed
// by someone else since then, even within the same second, is a conflict,
// so nobody's edit is silently lost.
// It reports whether anything changed.
func (t *Store) UpdateClient(ctx context.Context, v Viewer, id string, version int64, in ClientInput, a Audit) (*Client, bool, error) {
	NormalizeClient(&in)
	fields := ValidateClient(in)
	var c *Client
	changed := false
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		old, err := loadClient(ctx, tx, v, id)
		if err != nil {
			return err
		}
		if version != 0 && old.Version != version {
			return apperr.New(apperr.Conflict, "Someone else changed this client since you opened the form. Your changes are kept below: check them against the current details and save again.")
		}
		if in.ResponsibleID != old.ResponsibleID {
			if msg, err := clientCheckResponsible(ctx, tx, v, in.ResponsibleID); err != nil {
				return err
			} else if msg != "" {
				fields["responsible"] = msg
			}
		}
		if err := apperr.FieldErrors(fields); err != nil {
			return err
		}
		newName := ""
		if in.ResponsibleID != "" {
			if err := tx.QueryRowContext(ctx, `SELECT name FROM users WHERE id = ?`, in.ResponsibleID).Scan(&newName); err != nil {
				return fmt.Errorf("db: responsible name: %w", err)
			}
		}
		diff := diffClient(old, in, newName)
		if len(diff) == 0 {
			c = old
			return nil
		}
		changed = true
		if _, err := tx.ExecContext(ctx, `UPDATE clients SET name = ?, kind = ?, company_code = ?, vat_number = ?, street = ?, city = ?,
			postal_code = ?, country = ?, notes = ?, responsible_id = ?, updated_at = ? WHERE id = ?`,
			in.Name, in.Kind, in.CompanyCode, in.VATNumber, in.Street, in.City, in.PostalCode, in.Country, in.Notes,
			db.NullString(in.ResponsibleID), t.Now(), id); err != nil {
			return fmt.Errorf("db: update client %s: %w", id, err)
		}
		if err := replaceClientLists(ctx, tx, id, in); err != nil {
			return err
		}
		a.Target, a.Detail = id, strings.Join(diff, "; ")
		if err := t.auditTx(ctx, tx, a); err != nil {
			return err
		}
		c, err = loadClient(ctx, tx, v, id)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	return c, changed, nil
}

// replaceClientLists rewrites a client's emails, phones and tags.
func replaceClientLists(ctx context.Context, tx *sql.Tx, id string, in ClientInput) error {
	for _, table := range []string{"client_emails", "client_phones", "client_tags"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE client_id = ?`, id); err != nil {
			return fmt.Errorf("db: clear %s of %s: %w", table, id, err)
		}
	}
	for i, e := range in.Emails {
		if _, err := tx.ExecContext(ctx, `INSERT INTO client_emails (client_id, position, email) VALUES (?, ?, ?)`, id, i, e); err != nil {
			return fmt.Errorf("db: insert client email: %w", err)
		}
	}
	for i, p := range in.Phones {
		if _, err := tx.ExecContext(ctx, `INSERT INTO client_phones (client_id, position, phone) VALUES (?, ?, ?)`, id, i, p); err != nil {
			return fmt.Errorf("db: insert client phone: %w", err)
		}
	}
	for _, tag := range in.Tags {
		if _, err := tx.ExecContext(ctx, `INSERT INTO client_tags (client_id, tag) VALUES (?, ?)`, id, tag); err != nil {
			return fmt.Errorf("db: insert client tag: %w", err)
		}
	}
	return nil
}

// diffClient lists the changed fields as "field: before → after".
func diffClient(old *Client, in ClientInput, newResponsibleName string) []string {
	var out []string
	add := func(field, before, after string) {
		if before != after {
			out = append(out, field+": "+clientAuditValue(before)+" → "+clientAuditValue(after))
		}
	}
	add("name", old.Name, in.Name)
	add("kind", old.Kind, in.Kind)
	add("company code", old.CompanyCode, in.CompanyCode)
	add("VAT number", old.VATNumber, in.VATNumber)
	add("emails", strings.Join(old.Emails, ", "), strings.Join(in.Emails, ", "))
	add("phones", strings.Join(old.Phones, ", "), strings.Join(in.Phones, ", "))
	add("street", old.Street, in.Street)
	add("city", old.City, in.City)
	add("postal code", old.PostalCode, in.PostalCode)
	add("country", old.Country, in.Country)
	add("notes", old.Notes, in.Notes)
	add("tags", strings.Join(old.Tags, ", "), strings.Join(in.Tags, ", "))
	if old.ResponsibleID != in.ResponsibleID {
		out = append(out, "responsible: "+clientAuditValue(old.ResponsibleName)+" → "+clientAuditValue(newResponsibleName))
	}
	return out
}

// auditValue shortens a value for an audit line; empty shows as "—".
func clientAuditValue(s string) string {
	if s == "" {
		return "—"
	}
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 80 {
		return string(r[:79]) + "…"
	}
	return s
}

// SetClientArchived is SetClientArchivedWithin with no plan limits: for
// the command line and tests. Requests go through SetClientArchivedWithin.
func (t *Store) SetClientArchived(ctx context.Context, v Viewer, id string, archived bool, a Audit) (bool, error) {
	return t.SetClientArchivedWithin(ctx, v, id, archived, Limits{}, a)
}

// SetClientArchivedWithin archives or restores a client and audits it. It
// reports false when the client already was in that state. Restoring adds
// a client to the plan's count: past l.MaxClients it is refused, counted
// in the same transaction, as creating one is.
func (t *Store) SetClientArchivedWithin(ctx context.Context, v Viewer, id string, archived bool, l Limits, a Audit) (bool, error) {
	changed := false
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		c, err := loadClient(ctx, tx, v, id)
		if err != nil {
			return err
		}
		if c.Archived() == archived {
			return nil
		}
		if !archived {
			if err := checkClientLimit(ctx, tx, l, 1); err != nil {
				return err
			}
		}
		changed = true
		var at any
		if archived {
			at = t.Now()
		}
		if _, err := tx.ExecContext(ctx, `UPDATE clients SET archived_at = ?, updated_at = ? WHERE id = ?`, at, t.Now(), id); err != nil {
			return fmt.Errorf("db: archive client %s: %w", id, err)
		}
		a.Target, a.Detail = id, c.Name
		return t.auditTx(ctx, tx, a)
	})
	return changed, err
}

// StaffChoice is a person who can be made responsible for a client.
type StaffChoice struct {
	ID    string
	Name  string
	Email string
}

// ResponsibleChoices lists who the viewer may make responsible for a
// client: every active staff member, admin and owner; a viewer who sees
// their own clients only may choose only themselves, since handing a client
// to someone else would hide it from them at once.
func (t *Store) ResponsibleChoices(ctx context.Context, v Viewer) ([]StaffChoice, error) {
	q := `SELECT id, name, email FROM users WHERE status = 'active' AND role IN ('owner', 'admin', 'staff')`
	var args []any
	if v.OwnOnly {
		q += ` AND id = ?`
		args = append(args, v.UserID)
	}
	return db.QueryList(ctx, t.Reader(), "responsible choices", func(r db.Scanner) (StaffChoice, error) {
		var s StaffChoice
		err := r.Scan(&s.ID, &s.Name, &s.Email)
		return s, err
	}, q+` ORDER BY name COLLATE NOCASE`, args...)
}

// clientResponsibleMessage is the answer for a responsible person who cannot be chosen.
const clientResponsibleMessage = "Choose an active staff member of this agency."

// checkResponsible returns a message when id may not be made responsible
// by the viewer: it must be an active staff member, admin or owner of this
// agency, and the viewer themself when they see their own clients only.
func clientCheckResponsible(ctx context.Context, q clientQuerier, v Viewer, id string) (string, error) {
	if v.OwnOnly && id != v.UserID {
		return "You can only make yourself responsible: you see only the clients you are responsible for.", nil
	}
	if id == "" {
		return "", nil
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE id = ? AND status = 'active' AND role IN ('owner', 'admin', 'staff')`, id).Scan(&n); err != nil {
		return "", fmt.Errorf("db: check responsible: %w", err)
	}
	if n == 0 {
		return clientResponsibleMessage, nil
	}
	return "", nil
}

// EmailOwner is another client that already has an email address.
type EmailOwner struct {
	Email      string
	ClientID   string
	ClientName string
	Archived   bool
	Visible    bool // the viewer may see that client (and so be told its name)
}

// ClientsWithEmails finds the other clients (not exceptID) that already
// have any of emails, for a warning: an address may be shared on purpose.
func (t *Store) ClientsWithEmails(ctx context.Context, v Viewer, emails []string, exceptID string) ([]EmailOwner, error) {
	if len(emails) == 0 {
		return nil, nil
	}
	visible, vargs := "1", []any(nil)
	if v.OwnOnly {
		visible, vargs = "c.responsible_id = ?", []any{v.UserID}
	}
	var out []EmailOwner
	for start := 0; start < len(emails); start += 500 {
		batch := emails[start:min(start+500, len(emails))]
		args := append([]any(nil), vargs...)
		for _, e := range batch {
			args = append(args, e)
		}
		args = append(args, exceptID)
		rows, err := db.QueryList(ctx, t.Read(), "clients with emails", func(r db.Scanner) (EmailOwner, error) {
			var o EmailOwner
			var archived sql.NullInt64
			err := r.Scan(&o.Email, &o.ClientID, &o.ClientName, &archived, &o.Visible)
			o.Archived = archived.Valid
			return o, err
		}, `SELECT e.email, c.id, c.name, c.archived_at, `+visible+` FROM client_emails e JOIN clients c ON c.id = e.client_id
			WHERE e.email IN (?`+strings.Repeat(", ?", len(batch)-1)+`) AND c.id <> ? ORDER BY e.email, c.name COLLATE NOCASE`, args...)
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
	}
	return out, nil
}

// clientInsertBatch is how many rows one INSERT statement stores. The
// clients table has triggers that write the FTS5 search index, and FTS5
// flushes its pending terms at each statement's savepoint: with one
// statement per client, a 10,000-row import spent a third of its time
// flushing. Multi-row statements also save a round through database/sql
// per row. 500 rows of 13 columns stay well under SQLite's 32,766 parameters.
const clientInsertBatch = 500

// insertClients stores normalised, validated clients, ids[i] for ins[i],
// with their emails, phones and tags.
func insertClients(ctx context.Context, tx *sql.Tx, ids []string, ins []ClientInput, now int64) error {
	clients := make([][]any, len(ins))
	var emails, phones, tags [][]any
	for i, in := range ins {
		clients[i] = []any{ids[i], in.Name, in.Kind, in.CompanyCode, in.VATNumber, in.Street, in.City, in.PostalCode, in.Country, in.Notes,
			db.NullString(in.ResponsibleID), now, now}
		for j, e := range in.Emails {
			emails = append(emails, []any{ids[i], j, e})
		}
		for j, p := range in.Phones {
			phones = append(phones, []any{ids[i], j, p})
		}
		for _, g := range in.Tags {
			tags = append(tags, []any{ids[i], g})
		}
	}
	for _, b := range []struct {
		head string
		rows [][]any
	}{
		{`INSERT INTO clients (id, name, kind, company_code, vat_number, street, city, postal_code, country, notes, responsible_id, created_at, updated_at) VALUES `, clients},
		{`INSERT INTO client_emails (client_id, position, email) VALUES `, emails},
		{`INSERT INTO client_phones (client_id, position, phone) VALUES `, phones},
		{`INSERT INTO client_tags (client_id, tag) VALUES `, tags},
	} {
		if err := insertBatched(ctx, tx, b.head, b.rows); err != nil {
			return err
		}
	}
	return nil
}

// insertBatched runs head with clientInsertBatch rows of values per
// statement; the statement for a full batch is prepared once.
func insertBatched(ctx context.Context, tx *sql.Tx, head string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	row := "(?" + strings.Repeat(", ?", len(rows[0])-1) + ")"
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	for start := 0; start < len(rows); start += clientInsertBatch {
		batch := rows[start:min(start+clientInsertBatch, len(rows))]
		args := make([]any, 0, len(batch)*len(rows[0]))
		for _, r := range batch {
			args = append(args, r...)
		}
		q := head + row + strings.Repeat(", "+row, len(batch)-1)
		var err error
		switch {
		case len(batch) < clientInsertBatch:
			_, err = tx.ExecContext(ctx, q, args...)
		case full == nil:
			if full, err = tx.PrepareContext(ctx, q); err == nil {
				_, err = full.ExecContext(ctx, args...)
			}
		default:
			_, err = full.ExecContext(ctx, args...)
		}
		if err != nil {
			return fmt.Errorf("db: %s: %w", strings.TrimSpace(head[:strings.Index(head, "(")]), err)
		}
	}
	return nil
}

// CheckResponsible returns a message when the viewer may not make the user
// id responsible for a client ("" is nobody), for validation as one types.
func (t *Store) CheckResponsible(ctx context.Context, v Viewer, id string) (string, error) {
	return clientCheckResponsible(ctx, t.Reader(), v, id)
}
