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
	err := c.read.QueryRowContext(ctx, `SELECT COALESCE(p.case_retention_days, 0) FROM agencies a LEFT JOIN plans p ON p.id = a.plan_id WHERE a.id = ?`, agencyID).Scan(&days)
	if err != nil {
		return 0, notFound(err, "Agency")
	}
	return time.Duration(days) * 24 * time.Hour, nil
}

// PurgeClosedCases deletes the cases closed before cutoff with their
// history, notes, labels and documents (invoices keep their lines and lose
// the link), in one transaction, and records it in the audit log. It
// returns how many cases went and the documents whose files the caller
// removes after the commit.
func (t *Tenant) PurgeClosedCases(ctx context.Context, cutoff time.Time) (int64, []PurgedDocument, error) {
	var n int64
	var docs []PurgedDocument
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		old := `(SELECT id FROM cases WHERE status = 'closed' AND closed_at IS NOT NULL AND closed_at < ?)`
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM cases WHERE id IN `+old, cutoff.Unix()).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		rows, err := tx.QueryContext(ctx, `DELETE FROM documents WHERE case_id IN `+old+` RETURNING id, storage_key, thumb_key`, cutoff.Unix())
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
		// Notes one by one through their table (their search rows go with
		// them by trigger), then the cases; the rest cascades.
		for _, q := range []string{`DELETE FROM notes WHERE case_id IN ` + old, `DELETE FROM cases WHERE id IN ` + old} {
			if _, err := tx.ExecContext(ctx, q, cutoff.Unix()); err != nil {
				return err
			}
		}
		return t.auditTx(ctx, tx, Audit{ActorName: "Retention", Action: "cases.purged", Detail: fmt.Sprintf("%d closed cases (closed before %s), %d documents", n, cutoff.UTC().Format("2006-01-02"), len(docs))})
	})
	if err != nil {
		return 0, nil, fmt.Errorf("db: purge closed cases: %w", err)
	}
	return n, docs, nil
}
