package db

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// ClosedCaseRetention is how long an agency keeps closed cases under its
// plan: 0 for ever (no plan, or a plan without the limit).
func (c *Control) ClosedCaseRetention(ctx context.Context, agencyID string) (time.Duration, error) {
	var days int64
	err := c.Read().QueryRowContext(ctx, `SELECT COALESCE(p.case_retention_days, 0) FROM agencies a LEFT JOIN plans p ON p.id = a.plan_id WHERE a.id = ?`, agencyID).Scan(&days)
	if err != nil {
		return 0, NotFound(err, "Agency")
	}
	return time.Duration(days) * 24 * time.Hour, nil
}

// ArchiveClosedCases archives the cases closed before cutoff that are not
// archived yet: they leave the lists (the "Archived" view shows them) and
// stay whole, history included, until someone reopens them. With
// purgeDocuments (the agency's choice, see Settings.PurgeArchivedDocuments)
// their documents are deleted as well; the caller removes the returned
// documents' files after the commit. One transaction, recorded in the audit
// log; a second run at the same time finds nothing to do.
func (t *Tenant) ArchiveClosedCases(ctx context.Context, cutoff time.Time, purgeDocuments bool) (int64, []PurgedDocument, error) {
	var n int64
	var docs []PurgedDocument
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE cases SET archived_at = ? WHERE status = 'closed' AND closed_at IS NOT NULL AND closed_at < ? AND archived_at IS NULL`,
			t.Now(), cutoff.Unix())
		if err != nil {
			return err
		}
		if n, _ = res.RowsAffected(); n == 0 {
			return nil
		}
		if purgeDocuments {
			rows, err := tx.QueryContext(ctx, `DELETE FROM documents WHERE case_id IN (SELECT id FROM cases WHERE archived_at = ?) RETURNING id, storage_key, thumb_key`, t.Now())
			if err != nil {
				return err
			}
			for rows.Next() {
				var p PurgedDocument
				if err := rows.Scan(&p.ID, &p.StorageKey, &p.ThumbKey); err != nil {
					rows.Close()
					return err
				}
				docs = append(docs, p)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		return t.auditTx(ctx, tx, Audit{ActorName: "Retention", Action: "cases.archived",
			Detail: fmt.Sprintf("%d closed cases (closed before %s) archived, %d documents deleted", n, cutoff.UTC().Format("2006-01-02"), len(docs))})
	})
	if err != nil {
		return 0, nil, fmt.Errorf("db: archive closed cases: %w", err)
	}
	return n, docs, nil
}
