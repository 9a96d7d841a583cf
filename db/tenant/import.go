package tenant

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"mintedmind/apperr"
	"mintedmind/db"
)

// ImportRow is one data row of a client CSV file.
type ImportRow struct {
	Row              int // as a spreadsheet numbers it: the header is row 1
	Input            ClientInput
	ResponsibleEmail string
	Problems         []string // what stops the row from being imported
	Warnings         []string // what is worth a look but does not stop it
}

// ImportReport counts what CheckImport found.
type ImportReport struct {
	Rows        int // data rows
	BadRows     int // rows with problems
	WarningRows int // rows with warnings only
}

// importColumns names the CSV column of each validated field, in the
// order problems are listed.
var importColumns = []struct{ field, column string }{
	{"name", "name"}, {"kind", "kind"}, {"company_code", "company_code"}, {"vat_number", "vat_number"},
	{"emails", "emails"}, {"phones", "phones"}, {"street", "street"}, {"city", "city"},
	{"postal_code", "postal_code"}, {"country", "country"}, {"notes", "notes"}, {"tags", "tags"},
	{"responsible", "responsible_email"},
}

// clientRowQuerier is a read pool or a transaction.
type clientRowQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// resolveImportRows normalises and validates each row, turns responsible
// emails into user ids, and appends each row's problems. A viewer who sees
// their own clients only imports clients they are responsible for: an empty
// responsible_email means them, anyone else's is a problem.
func resolveImportRows(ctx context.Context, q clientRowQuerier, v Viewer, rows []ImportRow) error {
	staff := map[string]string{} // email → id of active staff, admins and owners
	res, err := q.QueryContext(ctx, `SELECT id, email FROM users WHERE status = 'active' AND role IN ('owner', 'admin', 'staff')`)
	if err != nil {
		return fmt.Errorf("db: import staff: %w", err)
	}
	for res.Next() {
		var id, email string
		if err := res.Scan(&id, &email); err != nil {
			res.Close()
			return fmt.Errorf("db: scan import staff: %w", err)
		}
		staff[email] = id
	}
	res.Close()
	if err := res.Err(); err != nil {
		return fmt.Errorf("db: import staff: %w", err)
	}
	for i := range rows {
		r := &rows[i]
		NormalizeClient(&r.Input)
		fields := ValidateClient(r.Input)
		email := db.NormalizeEmail(r.ResponsibleEmail)
		id, ok := staff[email]
		switch {
		case email == "" && v.OwnOnly:
			r.Input.ResponsibleID = v.UserID
		case email == "":
			r.Input.ResponsibleID = ""
		case !ok:
			fields["responsible"] = fmt.Sprintf("No active staff member of this agency has the address %q.", clientShorten(email, 60))
		case v.OwnOnly && id != v.UserID:
			fields["responsible"] = "You can only import clients you are responsible for: leave it empty or use your own address."
		default:
			r.Input.ResponsibleID = id
		}
		for _, c := range importColumns {
			if msg := fields[c.field]; msg != "" {
				r.Problems = append(r.Problems, c.column+": "+msg)
			}
		}
	}
	return nil
}

// MaxImportRows is the most data rows one CSV import takes.
const MaxImportRows = 50000

// CheckImport validates rows for a preview and adds warnings: an email that
// already belongs to a client, or appears on another row of the file. It
// writes nothing.
func (t *Store) CheckImport(ctx context.Context, v Viewer, rows []ImportRow) (ImportReport, error) {
	if err := resolveImportRows(ctx, t.Read(), v, rows); err != nil {
		return ImportReport{}, err
	}
	firstRow := map[string]int{}
	var emails []string
	for i := range rows {
		r := &rows[i]
		for _, e := range r.Input.Emails {
			if n, ok := firstRow[e]; ok {
				r.Warnings = append(r.Warnings, fmt.Sprintf("%s is also on row %d.", e, n))
				continue
			}
			firstRow[e] = r.Row
			emails = append(emails, e)
		}
	}
	owners, err := t.ClientsWithEmails(ctx, v, emails, "")
	if err != nil {
		return ImportReport{}, err
	}
	byEmail := map[string][]string{}
	for _, o := range owners {
		name := "another client"
		if o.Visible {
			name = o.ClientName
		}
		byEmail[o.Email] = append(byEmail[o.Email], name)
	}
	rep := ImportReport{Rows: len(rows)}
	for i := range rows {
		r := &rows[i]
		for _, e := range r.Input.Emails {
			if names := byEmail[e]; len(names) > 0 && firstRow[e] == r.Row {
				r.Warnings = append(r.Warnings, fmt.Sprintf("%s already belongs to %s.", e, strings.Join(names, ", ")))
			}
		}
		switch {
		case len(r.Problems) > 0:
			rep.BadRows++
		case len(r.Warnings) > 0:
			rep.WarningRows++
		}
	}
	return rep, nil
}

// ImportClients is ImportClientsWithin with no plan limits: for tests and
// tools. Requests go through ImportClientsWithin.
func (t *Store) ImportClients(ctx context.Context, v Viewer, rows []ImportRow, a Audit) (int, error) {
	return t.ImportClientsWithin(ctx, v, rows, Limits{}, a)
}

// ImportClientsWithin stores every row as a new client in one transaction,
// all or nothing: rows are checked again inside it (staff may have changed
// since the preview), and a single problem anywhere imports nothing; so is
// an import that would take the agency past l.MaxClients, counted in the
// same transaction. One audit entry records the import.
func (t *Store) ImportClientsWithin(ctx context.Context, v Viewer, rows []ImportRow, l Limits, a Audit) (int, error) {
	if len(rows) == 0 {
		return 0, apperr.New(apperr.Invalid, "The file has no rows to import.")
	}
	if len(rows) > MaxImportRows {
		return 0, apperr.New(apperr.Invalid, "A file can hold at most %s clients; this one has %s. Split it and import the parts.", clientThousands(MaxImportRows), clientThousands(len(rows)))
	}
	err := t.bulkWrite(ctx, func(tx *sql.Tx) error {
		if err := checkClientLimit(ctx, tx, l, len(rows)); err != nil {
			return err
		}
		if err := resolveImportRows(ctx, tx, v, rows); err != nil {
			return err
		}
		for _, r := range rows {
			if len(r.Problems) > 0 {
				return apperr.New(apperr.Invalid, "Row %d: %s Nothing was imported.", r.Row, strings.Join(r.Problems, " "))
			}
		}
		ids := make([]string, len(rows))
		ins := make([]ClientInput, len(rows))
		for i, r := range rows {
			ids[i], ins[i] = uuid.NewString(), r.Input
		}
		if err := insertClients(ctx, tx, ids, ins, t.Now()); err != nil {
			return err
		}
		created := make([]map[string]string, len(ids))
		for i, id := range ids {
			created[i] = map[string]string{"id": id}
		}
		if err := t.queueWebhookEachTx(ctx, tx, "client.created", created); err != nil { // each imported client, as one made by hand
			return err
		}
		a.Detail = fmt.Sprintf("%d clients", len(rows))
		return t.auditTx(ctx, tx, a)
	})
	if err != nil {
		return 0, err
	}
	return len(rows), nil
}

// bulkWrite runs fn in a write transaction on the writer connection with
// statement journals kept in memory and a 64 MiB page cache, restoring
// both afterwards. A big import otherwise spends most of its time writing
// statement journals to a temporary file and spilling its dirty pages.
func (t *Store) bulkWrite(ctx context.Context, fn func(tx *sql.Tx) error) error {
	conn, err := t.Write().Conn(ctx)
	if err != nil {
		return fmt.Errorf("db: writer connection: %w", err)
	}
	defer conn.Close()
	var tempStore, cacheSize int64
	if err := conn.QueryRowContext(ctx, `PRAGMA temp_store`).Scan(&tempStore); err != nil {
		return fmt.Errorf("db: read temp_store: %w", err)
	}
	if err := conn.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&cacheSize); err != nil {
		return fmt.Errorf("db: read cache_size: %w", err)
	}
	for _, p := range []string{`PRAGMA temp_store = MEMORY`, `PRAGMA cache_size = -65536`} {
		if _, err := conn.ExecContext(ctx, p); err != nil {
			return fmt.Errorf("db: %s: %w", p, err)
		}
	}
	defer func() {
		for _, p := range []string{fmt.Sprintf(`PRAGMA temp_store = %d`, tempStore), fmt.Sprintf(`PRAGMA cache_size = %d`, cacheSize)} {
			conn.ExecContext(context.WithoutCancel(ctx), p)
		}
	}()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("db: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("db: commit: %w", err)
	}
	return nil
}
