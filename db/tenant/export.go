package tenant

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"mintedmind/db"
)

// ExportClient writes one client's complete record into w: the client with
// emails, phones and tags, their cases with labels, notes and history, the
// audit entries about them, their portal users, and every registered part's
// records (documents, invoices). Only a client the viewer may see is
// exported; any other id is not found.
func (t *Store) ExportClient(ctx context.Context, v Viewer, clientID string, w ExportSink) error {
	tx, err := t.Read().BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("db: export client %s: %w", clientID, err)
	}
	defer tx.Rollback()
	c, err := loadClient(ctx, tx, v, clientID)
	if err != nil {
		return err
	}
	caseIDs := `(SELECT id FROM cases WHERE client_id = ?)`
	sections := []struct {
		name, query string
		args        []any
	}{
		{"cases.json", `SELECT id, 'C-' || printf('%04d', number) AS number, title, description, status, priority,
			COALESCE(assignee_id, '') AS assignee_id, COALESCE(due_date, '') AS due_date, created_at, updated_at, closed_at,
			COALESCE((SELECT group_concat(label, ', ') FROM case_labels WHERE case_id = cases.id), '') AS labels
			FROM cases WHERE client_id = ? ORDER BY number`, []any{clientID}},
		{"notes.json", `SELECT id, case_id, author_name, body, visible_to_client, created_at, updated_at
			FROM notes WHERE case_id IN ` + caseIDs + ` ORDER BY created_at`, []any{clientID}},
		{"history.json", `SELECT id, case_id, at AS happened_at, actor_name, kind, field, old_value, new_value, note_id, visible_to_client
			FROM case_events WHERE case_id IN ` + caseIDs + ` ORDER BY id`, []any{clientID}},
		{"audit.json", `SELECT id, at AS happened_at, actor_name, action, target, detail FROM audit_log
			WHERE target = ? OR target IN ` + caseIDs + ` ORDER BY id`, []any{clientID, clientID}},
		{"portal_users.json", `SELECT id, email, name, status, created_at, last_login_at FROM users
			WHERE role = 'client' AND (client_id = ? OR email IN (SELECT email FROM client_emails WHERE client_id = ?)) ORDER BY email`, []any{clientID, clientID}},
	}
	if err := w.JSON("client.json", clientRecord(c)); err != nil {
		return err
	}
	for _, s := range sections {
		recs, err := queryRecords(ctx, tx, s.query, s.args...)
		if err != nil {
			return fmt.Errorf("db: export client %s %s: %w", clientID, s.name, err)
		}
		if err := w.JSON(s.name, recs); err != nil {
			return err
		}
	}
	if err := tx.Rollback(); err != nil {
		return err
	}
	for _, p := range DataParts() {
		if p.ExportClient == nil {
			continue
		}
		if err := p.ExportClient(ctx, t, clientID, w); err != nil {
			return fmt.Errorf("db: export client %s part %s: %w", clientID, p.Name, err)
		}
	}
	return nil
}

func clientRecord(c *Client) Record {
	return Record{
		"id": c.ID, "name": c.Name, "kind": c.Kind, "company_code": c.CompanyCode, "vat_number": c.VATNumber,
		"emails": nonNil(c.Emails), "phones": nonNil(c.Phones), "tags": nonNil(c.Tags),
		"street": c.Street, "city": c.City, "postal_code": c.PostalCode, "country": c.Country, "notes": c.Notes,
		"responsible": c.ResponsibleName, "created_at": c.CreatedAt, "updated_at": c.UpdatedAt, "archived": c.Archived(),
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// ExportUser writes what the agency holds about one person into w, for
// their own download: their account (never the password hash), sessions,
// the audit entries by or about them, the notes and history they wrote, the
// client records under their email (for a client contact), and every
// registered part's records about them.
func (t *Store) ExportUser(ctx context.Context, userID string, w ExportSink) error {
	tx, err := t.Read().BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("db: export user %s: %w", userID, err)
	}
	defer tx.Rollback()
	var email string
	if err := tx.QueryRowContext(ctx, `SELECT email FROM users WHERE id = ?`, userID).Scan(&email); err != nil {
		return db.NotFound(err, "Person")
	}
	sections := []struct {
		name, query string
		args        []any
	}{
		{"account.json", `SELECT id, email, name, role, status, created_at, updated_at, last_login_at,
			CASE WHEN totp_enabled_at IS NULL THEN 'off' ELSE 'on' END AS two_factor FROM users WHERE id = ?`, []any{userID}},
		{"sessions.json", `SELECT created_at, last_seen_at, expires_at, ip, user_agent FROM sessions WHERE user_id = ? ORDER BY created_at`, []any{userID}},
		{"audit.json", `SELECT id, at AS happened_at, actor_name, action, target, ip, user_agent, detail FROM audit_log
			WHERE actor_id = ? OR target = ? OR target = ? ORDER BY id`, []any{userID, userID, email}},
		{"notes.json", `SELECT n.id, 'C-' || printf('%04d', k.number) AS case_number, n.body, n.visible_to_client, n.created_at, n.updated_at
			FROM notes n JOIN cases k ON k.id = n.case_id WHERE n.author_id = ? ORDER BY n.created_at`, []any{userID}},
		{"history.json", `SELECT e.id, 'C-' || printf('%04d', k.number) AS case_number, e.at AS happened_at, e.kind, e.field, e.old_value, e.new_value
			FROM case_events e JOIN cases k ON k.id = e.case_id WHERE e.actor_id = ? ORDER BY e.id`, []any{userID}},
		{"client_records.json", `SELECT c.id, c.name, c.kind, c.company_code, c.vat_number, c.street, c.city, c.postal_code, c.country,
			COALESCE((SELECT group_concat(email, ', ') FROM client_emails WHERE client_id = c.id), '') AS emails,
			COALESCE((SELECT group_concat(phone, ', ') FROM client_phones WHERE client_id = c.id), '') AS phones,
			c.created_at, c.updated_at
			FROM clients c WHERE (c.id IN (SELECT client_id FROM client_emails WHERE email = ?) OR c.id = (SELECT client_id FROM users WHERE id = ?))
			AND (SELECT role FROM users WHERE id = ?) = 'client'`, []any{strings.ToLower(email), userID, userID}},
		{"email_preferences.json", `SELECT kind AS turned_off FROM email_opt_outs WHERE user_id = ? ORDER BY kind`, []any{userID}},
	}
	for _, s := range sections {
		recs, err := queryRecords(ctx, tx, s.query, s.args...)
		if err != nil {
			return fmt.Errorf("db: export user %s %s: %w", userID, s.name, err)
		}
		var v any = recs
		if s.name == "account.json" && len(recs) == 1 {
			v = recs[0]
		}
		if err := w.JSON(s.name, v); err != nil {
			return err
		}
	}
	if err := tx.Rollback(); err != nil {
		return err
	}
	for _, p := range DataParts() {
		if p.ExportUser == nil {
			continue
		}
		if err := p.ExportUser(ctx, t, userID, w); err != nil {
			return fmt.Errorf("db: export user %s part %s: %w", userID, p.Name, err)
		}
	}
	return nil
}
