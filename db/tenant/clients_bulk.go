package tenant

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"mintedmind/apperr"
	"mintedmind/db"
)

// Bulk actions on selected clients.
const (
	ClientBulkTag     = "tag"
	ClientBulkAssign  = "assign"
	ClientBulkArchive = "archive"
)

// MaxClientBulk is the most clients one bulk action takes.
const MaxClientBulk = 1000

// ClientBulk is one action on many clients: add Tag, make ResponsibleID
// responsible ("" for nobody), or archive.
type ClientBulk struct {
	Action        string
	IDs           []string
	Tag           string
	ResponsibleID string
}

// Check is b as BulkUpdateClients applies it (ids unique and trimmed, the
// tag normalized), or what it refuses before reading any client: no or
// too many clients, an unknown action, a missing or bad tag. The bulk
// confirmation checks with it before asking.
func (b ClientBulk) Check() (ClientBulk, error) {
	b.IDs = clientUnique(b.IDs, strings.TrimSpace)
	ids := b.IDs
	if len(ids) == 0 {
		return b, apperr.New(apperr.Invalid, "Select at least one client first.")
	}
	if len(ids) > MaxClientBulk {
		return b, apperr.New(apperr.Invalid, "Select at most %d clients at a time (you selected %d).", MaxClientBulk, len(ids))
	}
	switch b.Action {
	case ClientBulkTag:
		b.Tag = NormalizeTag(b.Tag)
		if b.Tag == "" {
			return b, apperr.FieldErrors(map[string]string{"tag": "Enter the tag to add."})
		}
		if msg := CheckTag(b.Tag); msg != "" {
			return b, apperr.FieldErrors(map[string]string{"tag": msg})
		}
	case ClientBulkAssign:
		b.ResponsibleID = strings.TrimSpace(b.ResponsibleID)
	case ClientBulkArchive:
	default:
		return b, apperr.New(apperr.Invalid, "Choose an action: add a tag, assign, or archive.")
	}
	return b, nil
}

// BulkUpdateClients applies one action to every selected client in one
// transaction, auditing each client it changes. Every id must be a client
// the viewer may see, or nothing changes. It returns how many clients changed.
func (t *Store) BulkUpdateClients(ctx context.Context, v Viewer, b ClientBulk, a Audit) (int, error) {
	b, err := b.Check()
	if err != nil {
		return 0, err
	}
	ids := b.IDs
	changed := 0
	err = t.Tx(ctx, func(tx *sql.Tx) error {
		if b.Action == ClientBulkAssign {
			msg, err := clientCheckResponsible(ctx, tx, v, b.ResponsibleID)
			if err != nil {
				return err
			}
			if msg != "" {
				return apperr.FieldErrors(map[string]string{"responsible": msg})
			}
		}
		clients := make([]*Client, 0, len(ids))
		for _, id := range ids {
			c, err := loadClient(ctx, tx, v, id)
			if apperr.Is(err, apperr.NotFound) {
				return apperr.New(apperr.NotFound, "One of the selected clients was not found (it may have been removed, or you may not see it). Nothing was changed.")
			}
			if err != nil {
				return err
			}
			clients = append(clients, c)
		}
		newName := ""
		if b.ResponsibleID != "" {
			if err := tx.QueryRowContext(ctx, `SELECT name FROM users WHERE id = ?`, b.ResponsibleID).Scan(&newName); err != nil {
				return fmt.Errorf("db: responsible name: %w", err)
			}
		}
		now := t.Now()
		for _, c := range clients {
			entry := a
			entry.Target = c.ID
			switch b.Action {
			case ClientBulkTag:
				if slices.Contains(c.Tags, b.Tag) {
					continue
				}
				if len(c.Tags) >= MaxClientTags {
					return apperr.New(apperr.Invalid, "%s already has %d tags, the most a client can have. Nothing was changed.", c.Name, MaxClientTags)
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO client_tags (client_id, tag) VALUES (?, ?)`, c.ID, b.Tag); err != nil {
					return fmt.Errorf("db: tag client %s: %w", c.ID, err)
				}
				tags := append(slices.Clone(c.Tags), b.Tag)
				slices.Sort(tags)
				entry.Action, entry.Detail = "client.updated", "tags: "+clientAuditValue(strings.Join(c.Tags, ", "))+" → "+strings.Join(tags, ", ")
			case ClientBulkAssign:
				if c.ResponsibleID == b.ResponsibleID {
					continue
				}
				if _, err := tx.ExecContext(ctx, `UPDATE clients SET responsible_id = ? WHERE id = ?`, db.NullString(b.ResponsibleID), c.ID); err != nil {
					return fmt.Errorf("db: assign client %s: %w", c.ID, err)
				}
				entry.Action, entry.Detail = "client.updated", "responsible: "+clientAuditValue(c.ResponsibleName)+" → "+clientAuditValue(newName)
			case ClientBulkArchive:
				if c.Archived() {
					continue
				}
				if _, err := tx.ExecContext(ctx, `UPDATE clients SET archived_at = ? WHERE id = ?`, now, c.ID); err != nil {
					return fmt.Errorf("db: archive client %s: %w", c.ID, err)
				}
				entry.Action, entry.Detail = "client.archived", c.Name
			}
			if _, err := tx.ExecContext(ctx, `UPDATE clients SET updated_at = ? WHERE id = ?`, now, c.ID); err != nil {
				return fmt.Errorf("db: touch client %s: %w", c.ID, err)
			}
			if err := t.auditTx(ctx, tx, entry); err != nil {
				return err
			}
			changed++
		}
		return nil
	})
	return changed, err
}
