package tenant

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"mintedmind/apperr"
	"mintedmind/db"
)

// Placeholders that take the place of erased personal data.
const (
	ErasedClientName = "Erased client"
	ErasedUserName   = "Erased user"
	erasedText       = "[erased]"
)

// sweepMinLength is the shortest name, email or phone the erasure's final
// sweep replaces in every text column of the agency: shorter strings ("Al")
// would also hit unrelated words, so they are only removed from the rows
// that belong to the erased person.
const sweepMinLength = 5

// Erasure is what an erasure did, for the caller's follow-up outside the
// agency's database (the login directory, the files) and for the audit
// detail.
type Erasure struct {
	Name         string   // the erased name, for the confirmation message only
	PortalEmails []string // emails of the disabled portal users, to drop from the login directory
	Cases        int
	Notes        int
	// Files are the erased documents' files, relative to the agency's
	// files directory, for the caller to delete now that the erasure
	// committed (app.EraseClient does).
	Files []string
}

// EraseClient removes or anonymises one client's personal data across the
// agency: the client row (name, codes, address, notes), their emails,
// phones and tags; their cases' titles, descriptions, labels and notes; the
// before/after texts of their cases' history; the details of audit entries
// about them; their portal users (anonymised and disabled, sessions ended);
// every registered part (documents deleted, their files returned in
// Erasure.Files; invoices keep what the law requires). A last sweep
// replaces the client's name, emails and phones in every text column of
// every other table too. confirmName must be the client's name exactly; a
// client the viewer may not see is not found.
func (t *Store) EraseClient(ctx context.Context, v Viewer, clientID, confirmName string, a Audit) (*Erasure, error) {
	er := &Erasure{}
	var files []string
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		c, err := loadClient(ctx, tx, v, clientID)
		if err != nil {
			return err
		}
		if strings.TrimSpace(confirmName) != c.Name {
			return apperr.FieldErrors(map[string]string{"confirm_name": "This is not the client's name. Type it exactly as shown above to confirm."})
		}
		er.Name = c.Name
		now := t.Now()
		terms := append([]string{c.Name, c.CompanyCode, c.VATNumber}, c.Emails...)
		terms = append(terms, c.Phones...)

		// Portal users of the client: the client contacts under its emails.
		rows, err := tx.QueryContext(ctx, `SELECT id, email FROM users WHERE role = 'client' AND (client_id = ? OR email IN (SELECT email FROM client_emails WHERE client_id = ?))`, clientID, clientID)
		if err != nil {
			return fmt.Errorf("db: erase client %s: portal users: %w", clientID, err)
		}
		var userIDs []string
		for rows.Next() {
			var id, email string
			if err := rows.Scan(&id, &email); err != nil {
				rows.Close()
				return err
			}
			userIDs, er.PortalEmails = append(userIDs, id), append(er.PortalEmails, email)
		}
		rows.Close()
		for _, id := range userIDs {
			more, err := t.eraseUserTx(ctx, tx, id)
			if err != nil {
				return err
			}
			terms = append(terms, more...)
		}

		caseIDs := `(SELECT id FROM cases WHERE client_id = ?)`
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM cases WHERE client_id = ?`, clientID).Scan(&er.Cases); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM notes WHERE case_id IN `+caseIDs, clientID).Scan(&er.Notes); err != nil {
			return err
		}
		for _, s := range []struct {
			sql  string
			args []any
		}{
			{`UPDATE clients SET name = ?, company_code = '', vat_number = '', street = '', city = '', postal_code = '', country = '', notes = '',
				updated_at = ?, archived_at = COALESCE(archived_at, ?) WHERE id = ?`, []any{ErasedClientName, now, now, clientID}},
			{`DELETE FROM invites WHERE client_id = ? OR email IN (SELECT email FROM client_emails WHERE client_id = ?)`, []any{clientID, clientID}},
			{`DELETE FROM client_emails WHERE client_id = ?`, []any{clientID}},
			{`DELETE FROM client_phones WHERE client_id = ?`, []any{clientID}},
			{`DELETE FROM client_tags WHERE client_id = ?`, []any{clientID}},
			{`DELETE FROM notes WHERE case_id IN ` + caseIDs, []any{clientID}},
			{`DELETE FROM case_labels WHERE case_id IN ` + caseIDs, []any{clientID}},
			{`UPDATE cases SET title = 'Erased case', description = '', updated_at = ? WHERE client_id = ?`, []any{now, clientID}},
			{`UPDATE case_events SET old_value = '', new_value = '' WHERE case_id IN ` + caseIDs, []any{clientID}},
			{`UPDATE audit_log SET detail = '' WHERE target = ? OR target IN ` + caseIDs, []any{clientID, clientID}},
		} {
			if _, err := tx.ExecContext(ctx, s.sql, s.args...); err != nil {
				return fmt.Errorf("db: erase client %s: %w", clientID, err)
			}
		}
		var keep []string
		for _, p := range DataParts() {
			keep = append(keep, p.KeepTables...)
			if p.EraseClient == nil {
				continue
			}
			f, err := p.EraseClient(ctx, tx, t, clientID)
			if err != nil {
				return fmt.Errorf("db: erase client %s part %s: %w", clientID, p.Name, err)
			}
			files = append(files, f...)
		}
		if err := sweepTerms(ctx, tx, terms, keep); err != nil {
			return err
		}
		a.Target = clientID
		a.Detail = fmt.Sprintf("%d cases, %d notes, %d portal users, %d files", er.Cases, er.Notes, len(userIDs), len(files))
		return t.auditTx(ctx, tx, a)
	})
	if err != nil {
		return nil, err
	}
	er.Files = files
	return er, nil
}

// eraseUserTx anonymises one person: name and email replaced, password
// removed, account disabled, sessions, reset links and reply addresses
// deleted, and their
// name taken out of the notes, history and audit entries they wrote. It
// returns the name and email it removed, for the sweep.
func (t *Store) eraseUserTx(ctx context.Context, tx *sql.Tx, userID string) ([]string, error) {
	var name, email string
	if err := tx.QueryRowContext(ctx, `SELECT name, email FROM users WHERE id = ?`, userID).Scan(&name, &email); err != nil {
		return nil, db.NotFound(err, "Person")
	}
	now := t.Now()
	for _, s := range []struct {
		sql  string
		args []any
	}{
		{`UPDATE users SET name = ?, email = ?, password_hash = '', status = 'disabled', totp_secret = '', totp_enabled_at = NULL,
			updated_at = ? WHERE id = ?`, []any{ErasedUserName, "erased-" + userID + "@erased.invalid", now, userID}},
		{`DELETE FROM recovery_codes WHERE user_id = ?`, []any{userID}},
		{`DELETE FROM email_opt_outs WHERE user_id = ?`, []any{userID}},
		{`DELETE FROM case_reads WHERE user_id = ?`, []any{userID}},
		{`DELETE FROM sessions WHERE user_id = ?`, []any{userID}},
		{`DELETE FROM password_resets WHERE user_id = ?`, []any{userID}},
		{`DELETE FROM reply_tokens WHERE user_id = ?`, []any{userID}},
		{`DELETE FROM settings WHERE key = ?`, []any{deletionRequestKey(userID)}},
		{`UPDATE notes SET author_name = ? WHERE author_id = ?`, []any{ErasedUserName, userID}},
		{`UPDATE case_events SET actor_name = ? WHERE actor_id = ?`, []any{ErasedUserName, userID}},
		{`UPDATE audit_log SET actor_name = ?, ip = '', user_agent = '' WHERE actor_id = ?`, []any{ErasedUserName, userID}},
		{`UPDATE audit_log SET target = ? WHERE target = ?`, []any{userID, email}},
		{`DELETE FROM invites WHERE email = ?`, []any{email}},
	} {
		if _, err := tx.ExecContext(ctx, s.sql, s.args...); err != nil {
			return nil, fmt.Errorf("db: erase user %s: %w", userID, err)
		}
	}
	return []string{name, email}, nil
}

// sweepTerms replaces every term of at least sweepMinLength characters in
// every text column of every table (the search index included, through its
// virtual table) with a placeholder, except in keep tables. One UPDATE per
// column finds all terms at once; LIKE matches ASCII letters in any case,
// and the replacement covers the term as typed, in lower and in upper case.
func sweepTerms(ctx context.Context, tx *sql.Tx, terms, keep []string) error {
	var use []string
	seen := map[string]bool{}
	for _, term := range terms {
		term = strings.TrimSpace(term)
		if len([]rune(term)) < sweepMinLength || seen[term] {
			continue
		}
		seen[term] = true
		use = append(use, term)
	}
	if len(use) == 0 {
		return nil
	}
	skip := map[string]bool{"schema_migrations": true}
	for _, k := range keep {
		skip[k] = true
	}
	cols, err := textColumns(ctx, tx, skip)
	if err != nil {
		return err
	}
	// One UPDATE per table: SQLite reads the table once, whatever the
	// number of its text columns and of terms.
	byTable := map[string][]string{}
	var tables []string
	for _, tc := range cols {
		if byTable[tc.table] == nil {
			tables = append(tables, tc.table)
		}
		byTable[tc.table] = append(byTable[tc.table], tc.column)
	}
	for _, table := range tables {
		var sets, where []string
		var setArgs, whereArgs []any
		for _, col := range byTable[table] {
			q := `"` + col + `"`
			var match []string
			var matchArgs, replaceArgs []any
			expr := q
			for _, term := range use {
				match = append(match, q+` LIKE ? ESCAPE '\'`)
				matchArgs = append(matchArgs, "%"+likeEscape(term)+"%")
				for _, variant := range variants(term) {
					expr = `replace(` + expr + `, ?, ?)` // inner placeholders come first in the text
					replaceArgs = append(replaceArgs, variant, erasedText)
				}
			}
			cond := "(" + strings.Join(match, " OR ") + ")"
			sets = append(sets, q+` = CASE WHEN `+cond+` THEN `+expr+` ELSE `+q+` END`)
			setArgs = append(append(setArgs, matchArgs...), replaceArgs...)
			where = append(where, cond)
			whereArgs = append(whereArgs, matchArgs...)
		}
		q := `UPDATE "` + table + `" SET ` + strings.Join(sets, ", ") + ` WHERE ` + strings.Join(where, " OR ")
		if _, err := tx.ExecContext(ctx, q, append(setArgs, whereArgs...)...); err != nil {
			return fmt.Errorf("db: sweep %s: %w", table, err)
		}
	}
	return nil
}

func variants(term string) []string {
	out := []string{term}
	for _, v := range []string{strings.ToLower(term), strings.ToUpper(term)} {
		if v != term && (len(out) < 2 || v != out[1]) {
			out = append(out, v)
		}
	}
	return out
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

type tableColumn struct{ table, column string }

// textColumns lists the text columns of every ordinary table and of the
// full-text index, leaving out SQLite's own tables and the full-text
// index's shadow tables (written through the index itself).
func textColumns(ctx context.Context, tx *sql.Tx, skip map[string]bool) ([]tableColumn, error) {
	rows, err := tx.QueryContext(ctx, `SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("db: list tables: %w", err)
	}
	type table struct {
		name    string
		virtual bool
	}
	var tables []table
	for rows.Next() {
		var name string
		var ddl sql.NullString
		if err := rows.Scan(&name, &ddl); err != nil {
			rows.Close()
			return nil, err
		}
		if strings.Contains(strings.ToUpper(ddl.String), "USING FTS5VOCAB") {
			continue // a read-only view of the index's words, which follow the index
		}
		tables = append(tables, table{name, strings.HasPrefix(strings.ToUpper(ddl.String), "CREATE VIRTUAL TABLE")})
	}
	rows.Close()
	virtual := map[string]bool{}
	for _, tb := range tables {
		if tb.virtual {
			virtual[tb.name] = true
		}
	}
	var out []tableColumn
	for _, tb := range tables {
		if skip[tb.name] || isShadowTable(tb.name, virtual) {
			continue
		}
		cols, err := tx.QueryContext(ctx, `SELECT name, type FROM pragma_table_info(?)`, tb.name)
		if err != nil {
			return nil, fmt.Errorf("db: columns of %s: %w", tb.name, err)
		}
		for cols.Next() {
			var name, typ string
			if err := cols.Scan(&name, &typ); err != nil {
				cols.Close()
				return nil, err
			}
			if strings.Contains(strings.ToUpper(typ), "TEXT") || (tb.virtual && typ == "") {
				out = append(out, tableColumn{tb.name, name})
			}
		}
		cols.Close()
	}
	return out, nil
}

func isShadowTable(name string, virtual map[string]bool) bool {
	for v := range virtual {
		if strings.HasPrefix(name, v+"_") {
			return true
		}
	}
	return false
}

// EraseUser carries out a person's request for deletion (or an admin's
// decision): see eraseUserTx. The last active owner cannot be erased. It
// returns the email that was removed, for the login directory.
func (t *Store) EraseUser(ctx context.Context, userID string, a Audit) (string, error) {
	var email string
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, userID))
		if err != nil {
			return db.NotFound(err, "Person")
		}
		if u.Role == RoleOwner && u.Status == UserActive {
			n, err := countActiveOwners(ctx, tx)
			if err != nil {
				return err
			}
			if n <= 1 {
				return apperr.New(apperr.Conflict, "%s is the only owner. Make someone else an owner first.", u.Name)
			}
		}
		email = u.Email
		terms, err := t.eraseUserTx(ctx, tx, userID)
		if err != nil {
			return err
		}
		if err := sweepTerms(ctx, tx, terms, keepTables()); err != nil {
			return err
		}
		a.Target = userID
		a.Detail = "personal data erased"
		return t.auditTx(ctx, tx, a)
	})
	return email, err
}

func keepTables() []string {
	var keep []string
	for _, p := range DataParts() {
		keep = append(keep, p.KeepTables...)
	}
	return keep
}
