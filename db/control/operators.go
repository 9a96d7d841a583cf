package control

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/google/uuid"

	"mintedmind/apperr"
	"mintedmind/auth"
	"mintedmind/clock"
	"mintedmind/db"
)

// Operator is a platform operator: hosts agencies, never reads their clients.
type Operator struct {
	ID           string
	Email        string
	Name         string
	PasswordHash string
}

// Setup token kinds.
const (
	SetupFirstRun = "first-run"
	SetupCLI      = "cli"
)

// OperatorCount returns the number of operators.
func (c *Store) OperatorCount(ctx context.Context) (int, error) {
	var n int
	err := c.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM operators`).Scan(&n)
	return n, err
}

// CreateSetupToken returns a one-time link token that creates an operator.
func (c *Store) CreateSetupToken(ctx context.Context, kind string, ttl time.Duration) (string, error) {
	token := auth.NewToken()
	now := c.Now()
	_, err := c.Write().ExecContext(ctx, `INSERT INTO setup_tokens (token_hash, kind, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		auth.HashToken(token), kind, now, now+int64(ttl.Seconds()))
	if err != nil {
		return "", fmt.Errorf("db: setup token: %w", err)
	}
	return token, nil
}

var invalidSetup = apperr.New(apperr.NotFound, "This setup link is not valid: it was used, it expired, or the platform already has its operator. Run `mintedmind operator create` on the server for a new one.")

// setupTokenUsable reports whether token can still create an operator: unused,
// unexpired, and for a first-run token, no operator exists yet.
func setupTokenUsable(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, token string, now int64) error {
	var kind string
	err := q.QueryRowContext(ctx, `SELECT kind FROM setup_tokens WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?`, auth.HashToken(token), now).Scan(&kind)
	if err == sql.ErrNoRows {
		return invalidSetup
	}
	if err != nil {
		return fmt.Errorf("db: setup token: %w", err)
	}
	if kind == SetupFirstRun {
		var n int
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM operators`).Scan(&n); err != nil {
			return fmt.Errorf("db: count operators: %w", err)
		}
		if n > 0 {
			return invalidSetup
		}
	}
	return nil
}

// CheckSetupToken reports whether a setup link is still usable.
func (c *Store) CheckSetupToken(ctx context.Context, token string) error {
	return setupTokenUsable(ctx, c.Read(), token, c.Now())
}

// CreateOperator uses a setup token once and creates the operator with it.
func (c *Store) CreateOperator(ctx context.Context, token, email, name, passwordHash string) (*Operator, error) {
	op := &Operator{ID: uuid.NewString(), Email: db.NormalizeEmail(email), Name: name, PasswordHash: passwordHash}
	err := c.Tx(ctx, func(tx *sql.Tx) error {
		if err := setupTokenUsable(ctx, tx, token, c.Now()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE setup_tokens SET used_at = ? WHERE token_hash = ?`, c.Now(), auth.HashToken(token)); err != nil {
			return fmt.Errorf("db: use setup token: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO operators (id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)`,
			op.ID, op.Email, op.Name, op.PasswordHash, c.Now())
		if db.IsUnique(err) {
			return apperr.FieldErrors(map[string]string{"email": "An operator with this email already exists."})
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return op, nil
}

// OperatorByEmail finds an operator by email.
func (c *Store) OperatorByEmail(ctx context.Context, email string) (*Operator, error) {
	var op Operator
	err := c.Read().QueryRowContext(ctx, `SELECT id, email, name, password_hash FROM operators WHERE email = ?`, db.NormalizeEmail(email)).
		Scan(&op.ID, &op.Email, &op.Name, &op.PasswordHash)
	if err != nil {
		return nil, db.NotFound(err, "Operator")
	}
	return &op, nil
}

// OperatorSignIn starts an operator session and returns its cookie token.
func (c *Store) OperatorSignIn(ctx context.Context, op *Operator, timeouts auth.SessionTimeouts, ip, userAgent string) (string, *auth.Session, error) {
	token := auth.NewToken()
	now := c.Now()
	s := &auth.Session{ID: uuid.NewString(), UserID: op.ID, CSRFToken: auth.NewToken(), CreatedAt: db.UnixTime(now), LastSeenAt: db.UnixTime(now),
		ExpiresAt: db.UnixTime(now).Add(timeouts.Absolute), IP: ip, UserAgent: db.Truncate(userAgent, 300)}
	_, err := c.Write().ExecContext(ctx, `INSERT INTO operator_sessions (id, token_hash, operator_id, csrf_token, created_at, last_seen_at, expires_at, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, auth.HashToken(token), op.ID, s.CSRFToken, now, now, s.ExpiresAt.Unix(), s.IP, s.UserAgent)
	if err != nil {
		return "", nil, fmt.Errorf("db: operator session: %w", err)
	}
	return token, s, nil
}

// OperatorSession returns the live operator session for a cookie token.
func (c *Store) OperatorSession(ctx context.Context, token string, idle time.Duration) (*auth.Session, *Operator, error) {
	var op Operator
	var s auth.Session
	var created, seen, expires int64
	err := c.Read().QueryRowContext(ctx, `SELECT s.id, s.operator_id, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at, s.ip, s.user_agent,
		o.id, o.email, o.name, o.password_hash
		FROM operator_sessions s JOIN operators o ON o.id = s.operator_id WHERE s.token_hash = ?`, auth.HashToken(token)).
		Scan(&s.ID, &s.UserID, &s.CSRFToken, &created, &seen, &expires, &s.IP, &s.UserAgent, &op.ID, &op.Email, &op.Name, &op.PasswordHash)
	if err != nil {
		return nil, nil, db.NotFound(err, "Session")
	}
	s.CreatedAt, s.LastSeenAt, s.ExpiresAt = db.UnixTime(created), db.UnixTime(seen), db.UnixTime(expires)
	now, clk := c.Clock().Now(), c.Clock()
	if !now.Before(s.ExpiresAt.Add(clock.SteppedSince(clk, s.CreatedAt))) || now.Sub(s.LastSeenAt)-clock.SteppedSince(clk, s.LastSeenAt) > idle {
		return nil, nil, apperr.New(apperr.NotFound, "Session not found.")
	}
	return &s, &op, nil
}

// TouchOperatorSession moves the session's last-seen time to now.
func (c *Store) TouchOperatorSession(ctx context.Context, id string) error {
	_, err := c.Write().ExecContext(ctx, `UPDATE operator_sessions SET last_seen_at = ? WHERE id = ?`, c.Now(), id)
	return err
}

// OperatorSignOut ends an operator session.
func (c *Store) OperatorSignOut(ctx context.Context, id string) error {
	_, err := c.Write().ExecContext(ctx, `DELETE FROM operator_sessions WHERE id = ?`, id)
	return err
}

// DeleteExpiredOperatorSessions removes dead operator sessions and setup tokens.
func (c *Store) DeleteExpiredOperatorSessions(ctx context.Context, idle time.Duration) (int64, error) {
	now := c.Now()
	grace := int64(clock.SteppedSince(c.Clock(), time.Time{}).Seconds()) // see tenant's DeleteExpiredSessions
	res, err := c.Write().ExecContext(ctx, `DELETE FROM operator_sessions WHERE expires_at <= ? OR last_seen_at < ?`, now-grace, now-int64(idle.Seconds())-grace)
	if err != nil {
		return 0, fmt.Errorf("db: clean operator sessions: %w", err)
	}
	n, _ := res.RowsAffected()
	res, err = c.Write().ExecContext(ctx, `DELETE FROM setup_tokens WHERE expires_at <= ? OR used_at IS NOT NULL`, now)
	if err != nil {
		return n, fmt.Errorf("db: clean setup tokens: %w", err)
	}
	m, _ := res.RowsAffected()
	return n + m, nil
}
