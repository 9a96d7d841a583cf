package tenant

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// IdempotentAnswer is the stored first answer to a POST made with an
// Idempotency-Key.
type IdempotentAnswer struct {
	RequestHash string
	Status      int // 0: the first request is still being answered
	ContentType string
	Headers     string // "Name: value" lines worth repeating (Location, ETag)
	Body        []byte
	CreatedAt   time.Time
}

// idempotencyKeep is how long a key's answer is kept; a pending
// reservation older than idempotencyAbandoned belongs to a request that
// never finished (a crash) and may be taken over.
const (
	idempotencyKeep      = 24 * time.Hour
	idempotencyAbandoned = time.Minute
)

// ReserveIdempotencyKey claims key for a request with hash. It returns nil
// when the caller now owns the key (and must Finish or Release it), or
// the answer already stored (Status 0 while its request still runs).
func (t *Store) ReserveIdempotencyKey(ctx context.Context, tokenID, key, hash string) (*IdempotentAnswer, error) {
	var prior *IdempotentAnswer
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		now := t.Now()
		if _, err := tx.ExecContext(ctx, `DELETE FROM api_idempotency WHERE created_at < ? OR (token_id = ? AND key = ? AND status = 0 AND created_at < ?)`,
			now-int64(idempotencyKeep/time.Second), tokenID, key, now-int64(idempotencyAbandoned/time.Second)); err != nil {
			return fmt.Errorf("db: expire idempotency keys: %w", err)
		}
		var a IdempotentAnswer
		var created int64
		err := tx.QueryRowContext(ctx, `SELECT request_hash, status, content_type, headers, body, created_at FROM api_idempotency WHERE token_id = ? AND key = ?`, tokenID, key).
			Scan(&a.RequestHash, &a.Status, &a.ContentType, &a.Headers, &a.Body, &created)
		if err == nil {
			a.CreatedAt = time.Unix(created, 0).UTC()
			prior = &a
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("db: idempotency key: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO api_idempotency (token_id, key, request_hash, status, content_type, body, created_at) VALUES (?, ?, ?, 0, '', x'', ?)`,
			tokenID, key, hash, now); err != nil {
			return fmt.Errorf("db: reserve idempotency key: %w", err)
		}
		return nil
	})
	return prior, err
}

// FinishIdempotencyKey stores the answer to the request that reserved key,
// and the request's hash when a.RequestHash is set: a streamed upload is
// reserved before its body is read, so its hash is known only now.
func (t *Store) FinishIdempotencyKey(ctx context.Context, tokenID, key string, a IdempotentAnswer) error {
	if _, err := t.Write().ExecContext(ctx, `UPDATE api_idempotency SET status = ?, content_type = ?, headers = ?, body = ?,
		request_hash = COALESCE(NULLIF(?, ''), request_hash) WHERE token_id = ? AND key = ?`,
		a.Status, a.ContentType, a.Headers, a.Body, a.RequestHash, tokenID, key); err != nil {
		return fmt.Errorf("db: store idempotent answer: %w", err)
	}
	return nil
}

// IdempotencyAnswer is what key holds now (Status 0 while its first request
// runs), or nil when it holds nothing (never used, expired, or released).
// Unlike ReserveIdempotencyKey it claims nothing.
func (t *Store) IdempotencyAnswer(ctx context.Context, tokenID, key string) (*IdempotentAnswer, error) {
	var a IdempotentAnswer
	var created int64
	err := t.Read().QueryRowContext(ctx, `SELECT request_hash, status, content_type, headers, body, created_at FROM api_idempotency WHERE token_id = ? AND key = ? AND created_at >= ?`,
		tokenID, key, t.Now()-int64(idempotencyKeep/time.Second)).Scan(&a.RequestHash, &a.Status, &a.ContentType, &a.Headers, &a.Body, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("db: idempotency key: %w", err)
	}
	a.CreatedAt = time.Unix(created, 0).UTC()
	return &a, nil
}

// ReleaseIdempotencyKey forgets a reservation whose request failed on the
// server's side, so that a retry with the key runs again.
func (t *Store) ReleaseIdempotencyKey(ctx context.Context, tokenID, key string) error {
	if _, err := t.Write().ExecContext(ctx, `DELETE FROM api_idempotency WHERE token_id = ? AND key = ? AND status = 0`, tokenID, key); err != nil {
		return fmt.Errorf("db: release idempotency key: %w", err)
	}
	return nil
}
