package tenant

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"mintedmind/db"
)

// Audit is one entry of an agency's audit log: who did what, when, from where.
type Audit struct {
	ID        int64
	At        time.Time
	ActorID   string
	ActorName string
	Action    string
	Target    string
	IP        string
	UserAgent string
	Detail    string
}

func (t *Store) auditTx(ctx context.Context, tx *sql.Tx, a Audit) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, actor_id, actor_name, action, target, ip, user_agent, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		t.Now(), a.ActorID, a.ActorName, a.Action, a.Target, a.IP, db.Truncate(a.UserAgent, 300), a.Detail)
	if err != nil {
		return fmt.Errorf("db: audit %s: %w", a.Action, err)
	}
	return t.queueWebhooksTx(ctx, tx, a)
}

// RecordAudit writes one audit entry on its own.
func (t *Store) RecordAudit(ctx context.Context, a Audit) error {
	return t.Tx(ctx, func(tx *sql.Tx) error { return t.auditTx(ctx, tx, a) })
}

// AuditFilter narrows the audit log; empty fields match everything.
type AuditFilter struct {
	Action  string
	ActorID string
	From    time.Time
	To      time.Time // exclusive
	Before  int64     // entries with a smaller id (paging); 0 = newest
	Limit   int
}

// AuditLog lists entries newest first.
func (t *Store) AuditLog(ctx context.Context, f AuditFilter) ([]Audit, error) {
	var where []string
	var args []any
	if f.Action != "" {
		where, args = append(where, "action = ?"), append(args, f.Action)
	}
	if f.ActorID != "" {
		where, args = append(where, "actor_id = ?"), append(args, f.ActorID)
	}
	if !f.From.IsZero() {
		where, args = append(where, "at >= ?"), append(args, f.From.Unix())
	}
	if !f.To.IsZero() {
		where, args = append(where, "at < ?"), append(args, f.To.Unix())
	}
	if f.Before > 0 {
		where, args = append(where, "id < ?"), append(args, f.Before)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	q := `SELECT id, at, actor_id, actor_name, action, target, ip, user_agent, detail FROM audit_log`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id DESC LIMIT ?"
	args = append(args, f.Limit)
	rows, err := t.Read().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("db: audit log: %w", err)
	}
	defer rows.Close()
	var out []Audit
	for rows.Next() {
		var a Audit
		var at int64
		if err := rows.Scan(&a.ID, &at, &a.ActorID, &a.ActorName, &a.Action, &a.Target, &a.IP, &a.UserAgent, &a.Detail); err != nil {
			return nil, fmt.Errorf("db: scan audit: %w", err)
		}
		a.At = db.UnixTime(at)
		out = append(out, a)
	}
	return out, rows.Err()
}

// AuditActions lists the distinct actions present, for the filter menu.
func (t *Store) AuditActions(ctx context.Context) ([]string, error) {
	rows, err := t.Read().QueryContext(ctx, `SELECT DISTINCT action FROM audit_log ORDER BY action`)
	if err != nil {
		return nil, fmt.Errorf("db: audit actions: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
