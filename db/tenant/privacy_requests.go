package tenant

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"mintedmind/db"
)

// A person's request for the deletion of their data is kept in the agency's
// settings until an owner or admin carries it out or declines it; both the
// request and the outcome are written to the audit log.
const deletionRequestPrefix = "deletion_request:"

func deletionRequestKey(userID string) string { return deletionRequestPrefix + userID }

// DeletionRequest is a pending request for deletion.
type DeletionRequest struct {
	User        *User
	RequestedAt time.Time
}

// RequestDeletion records that a person asks for their data to be deleted.
// Asking again keeps the first request's time.
func (t *Store) RequestDeletion(ctx context.Context, userID string, a Audit) error {
	return t.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)`, deletionRequestKey(userID), strconv.FormatInt(t.Now(), 10))
		if err != nil {
			return fmt.Errorf("db: request deletion: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		a.Target = userID
		return t.auditTx(ctx, tx, a)
	})
}

// DeletionRequestedAt returns when the person asked for deletion, or the
// zero time when they have not (or it was carried out or declined).
func (t *Store) DeletionRequestedAt(ctx context.Context, userID string) (time.Time, error) {
	var v string
	err := t.Read().QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, deletionRequestKey(userID)).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("db: deletion request: %w", err)
	}
	n, _ := strconv.ParseInt(v, 10, 64)
	return db.UnixTime(n), nil
}

// DeletionRequests lists the pending requests, oldest first.
func (t *Store) DeletionRequests(ctx context.Context) ([]DeletionRequest, error) {
	rows, err := t.Read().QueryContext(ctx, `SELECT s.key, s.value, `+prefixed("u", userColumns)+` FROM settings s
		JOIN users u ON u.id = substr(s.key, ?) WHERE s.key LIKE ? ORDER BY CAST(s.value AS INTEGER)`,
		len(deletionRequestPrefix)+1, deletionRequestPrefix+"%")
	if err != nil {
		return nil, fmt.Errorf("db: deletion requests: %w", err)
	}
	defer rows.Close()
	var out []DeletionRequest
	for rows.Next() {
		var key, at string
		u, err := scanUser(rowPrefix{rows, []any{&key, &at}})
		if err != nil {
			return nil, fmt.Errorf("db: scan deletion request: %w", err)
		}
		n, _ := strconv.ParseInt(at, 10, 64)
		out = append(out, DeletionRequest{User: u, RequestedAt: db.UnixTime(n)})
	}
	return out, rows.Err()
}

// DeclineDeletion closes a pending request without erasing anything.
func (t *Store) DeclineDeletion(ctx context.Context, userID string, a Audit) error {
	return t.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM settings WHERE key = ?`, deletionRequestKey(userID))
		if err != nil {
			return fmt.Errorf("db: decline deletion: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return db.NotFound(sql.ErrNoRows, "Deletion request")
		}
		a.Target = userID
		return t.auditTx(ctx, tx, a)
	})
}

// CorrectName lets a person correct the name on their own account.
func (t *Store) CorrectName(ctx context.Context, userID, name string, a Audit) error {
	return t.Tx(ctx, func(tx *sql.Tx) error {
		var old string
		if err := tx.QueryRowContext(ctx, `SELECT name FROM users WHERE id = ?`, userID).Scan(&old); err != nil {
			return db.NotFound(err, "Person")
		}
		if old == name {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET name = ?, updated_at = ? WHERE id = ?`, name, t.Now(), userID); err != nil {
			return fmt.Errorf("db: correct name: %w", err)
		}
		a.Target, a.Detail = userID, "name corrected"
		return t.auditTx(ctx, tx, a)
	})
}

func prefixed(alias, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = alias + "." + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// rowPrefix scans leading extra columns before the ones a scan function reads.
type rowPrefix struct {
	rows  *sql.Rows
	extra []any
}

func (r rowPrefix) Scan(dest ...any) error { return r.rows.Scan(append(r.extra, dest...)...) }
