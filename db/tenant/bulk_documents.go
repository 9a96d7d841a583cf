package tenant

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// BulkAttachments are rows a bulk load adds to cases already loaded.
type BulkAttachments struct {
	// Documents whose files are in place in FilesDir (staged and
	// committed by the files store, as uploads are), written as given:
	// their case events are the caller's, in the case's history.
	Documents []Document
	// ClientActivity is when a client contact last wrote or uploaded on
	// each case, for the staff's unread markers.
	ClientActivity map[string]time.Time
}

// BulkAttach writes a in one transaction, for demo and load-test data.
func (t *Store) BulkAttach(ctx context.Context, a BulkAttachments) error {
	return t.Tx(ctx, func(tx *sql.Tx) error {
		for _, d := range a.Documents {
			if _, err := tx.ExecContext(ctx, `INSERT INTO documents (id, case_id, name, content_type, size, sha256, storage_key, thumb_key, width, height, pages,
				shared, from_client, uploader_id, uploader_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				d.ID, d.CaseID, d.Name, d.ContentType, d.Size, d.SHA256, d.StorageKey, d.ThumbKey, d.Width, d.Height, d.Pages,
				caseBoolInt(d.Shared), caseBoolInt(d.FromClient), d.UploaderID, d.UploaderName, d.CreatedAt.Unix()); err != nil {
				return fmt.Errorf("db: bulk document %s: %w", d.Name, err)
			}
		}
		for caseID, at := range a.ClientActivity {
			if _, err := tx.ExecContext(ctx, `UPDATE cases SET client_activity_at = ? WHERE id = ?`, at.Unix(), caseID); err != nil {
				return fmt.Errorf("db: bulk client activity: %w", err)
			}
		}
		return nil
	})
}
