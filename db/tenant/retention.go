package tenant

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"mintedmind/db"
)

// OwnerEmails lists the emails of the agency's active owners.
func (t *Store) OwnerEmails(ctx context.Context) ([]string, error) {
	return db.QueryList(ctx, t.Read(), "owner emails", func(r db.Scanner) (string, error) {
		var s string
		return s, r.Scan(&s)
	}, `SELECT email FROM users WHERE role = 'owner' AND status = 'active' ORDER BY email`)
}

// PurgeAudit deletes audit entries older than cutoff.
func (t *Store) PurgeAudit(ctx context.Context, cutoff time.Time, dryRun bool) (int64, error) {
	return db.CountOrDelete(ctx, t.DB, dryRun, `audit_log WHERE at < ?`, cutoff.Unix())
}

// PurgeTokens deletes expired sessions, used or expired password-reset
// links, and invitations that were accepted, revoked or expired.
func (t *Store) PurgeTokens(ctx context.Context, idle time.Duration, dryRun bool) (int64, error) {
	now := t.Now()
	var total int64
	for _, q := range []struct {
		from string
		args []any
	}{
		{`sessions WHERE expires_at <= ? OR last_seen_at < ?`, []any{now, now - int64(idle.Seconds())}},
		{`password_resets WHERE expires_at <= ? OR used_at IS NOT NULL`, []any{now}},
		{`invites WHERE expires_at <= ? OR accepted_at IS NOT NULL OR revoked_at IS NOT NULL`, []any{now}},
	} {
		n, err := db.CountOrDelete(ctx, t.DB, dryRun, q.from, q.args...)
		if err != nil {
			return total, err
		}
		total += n
	}
	return total, nil
}

// ArchiveClosedCases archives the cases closed before cutoff that are not
// archived yet: they leave the lists (the "Archived" view shows them) and
// stay whole, history included, until someone reopens them. With
// purgeDocuments (the agency's choice, see Settings.PurgeArchivedDocuments)
// their documents are deleted as well; the caller removes the returned
// documents' files after the commit. One transaction, recorded in the audit
// log; a second run at the same time finds nothing to do.
func (t *Store) ArchiveClosedCases(ctx context.Context, cutoff time.Time, purgeDocuments bool) (int64, []PurgedDocument, error) {
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
