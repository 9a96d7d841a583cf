package tenant

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"mintedmind/apperr"
	"mintedmind/auth"
	"mintedmind/clock"
	"mintedmind/db"
)

// SignIn starts a session for a user with a fresh token and CSRF token,
// records the sign-in, and returns the token for the cookie.
func (t *Store) SignIn(ctx context.Context, u *User, timeouts auth.SessionTimeouts, a Audit) (string, *auth.Session, error) {
	token := auth.NewToken()
	now := t.Now()
	s := &auth.Session{
		ID: uuid.NewString(), UserID: u.ID, CSRFToken: auth.NewToken(),
		CreatedAt: db.UnixTime(now), LastSeenAt: db.UnixTime(now), ExpiresAt: db.UnixTime(now).Add(timeouts.Absolute),
		IP: a.IP, UserAgent: db.Truncate(a.UserAgent, 300),
	}
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (id, token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			s.ID, auth.HashToken(token), s.UserID, s.CSRFToken, now, now, s.ExpiresAt.Unix(), s.IP, s.UserAgent); err != nil {
			return fmt.Errorf("db: insert session: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET last_login_at = ? WHERE id = ?`, now, u.ID); err != nil {
			return fmt.Errorf("db: record login: %w", err)
		}
		return t.auditTx(ctx, tx, a)
	})
	if err != nil {
		return "", nil, err
	}
	return token, s, nil
}

const sessionColumns = `s.id, s.user_id, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at, s.ip, s.user_agent`

func scanSession(row db.Scanner, extra ...any) (*auth.Session, error) {
	var s auth.Session
	var created, seen, expires int64
	dest := append([]any{&s.ID, &s.UserID, &s.CSRFToken, &created, &seen, &expires, &s.IP, &s.UserAgent}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	s.CreatedAt, s.LastSeenAt, s.ExpiresAt = db.UnixTime(created), db.UnixTime(seen), db.UnixTime(expires)
	return &s, nil
}

// SessionByToken returns the live session for a cookie token and its user.
// Expired, idle, unknown sessions and those of disabled users are not found.
func (t *Store) SessionByToken(ctx context.Context, token string, idle time.Duration) (*auth.Session, *User, error) {
	var us userScan
	s, err := scanSession(t.Reader().QueryRowContext(ctx, `SELECT `+sessionColumns+`, `+sessionUserColumns+`
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`, auth.HashToken(token)),
		us.dest()...)
	if err != nil {
		return nil, nil, db.NotFound(err, "Session")
	}
	u := us.user()
	// A step of the system clock is no time passing: a jump forward of a
	// day must not end every session at once (clock.SteppedSince).
	now, c := t.Clock().Now(), t.Clock()
	if u.Status != UserActive || !now.Before(s.ExpiresAt.Add(clock.SteppedSince(c, s.CreatedAt))) || now.Sub(s.LastSeenAt)-clock.SteppedSince(c, s.LastSeenAt) > idle {
		return nil, nil, apperr.New(apperr.NotFound, "Session not found.")
	}
	return s, u, nil
}

// sessionUserColumns are userColumns of the users table joined as u.
var sessionUserColumns = "u." + strings.ReplaceAll(userColumns, ", ", ", u.")

// TouchSession moves a session's last-seen time to now.
func (t *Store) TouchSession(ctx context.Context, id, ip string) error {
	_, err := t.Write().ExecContext(ctx, `UPDATE sessions SET last_seen_at = ?, ip = ? WHERE id = ?`, t.Now(), ip, id)
	return err
}

// SignOut ends one session.
func (t *Store) SignOut(ctx context.Context, sessionID string, a Audit) error {
	return t.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, sessionID); err != nil {
			return fmt.Errorf("db: delete session: %w", err)
		}
		return t.auditTx(ctx, tx, a)
	})
}

// UserSessions lists a user's sessions, most recently seen first.
func (t *Store) UserSessions(ctx context.Context, userID string) ([]*auth.Session, error) {
	return db.QueryList(ctx, t.Read(), "list sessions", func(r db.Scanner) (*auth.Session, error) { return scanSession(r) },
		`SELECT `+sessionColumns+` FROM sessions s WHERE s.user_id = ? AND s.expires_at > ? ORDER BY s.last_seen_at DESC`, userID, t.Now())
}

// RevokeSession ends one of a user's own sessions; another user's session id
// is not found.
func (t *Store) RevokeSession(ctx context.Context, userID, sessionID string, a Audit) error {
	return t.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = ? AND user_id = ?`, sessionID, userID)
		if err != nil {
			return fmt.Errorf("db: revoke session: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.NotFound, "Session not found.")
		}
		return t.auditTx(ctx, tx, a)
	})
}

// DeleteExpiredSessions removes sessions past their absolute or idle limit
// and used or expired one-time tokens; it returns how many rows went.
func (t *Store) DeleteExpiredSessions(ctx context.Context, idle time.Duration) (int64, error) {
	var total int64
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		now := t.Now()
		// Sessions seen before a forward step of the clock are kept that
		// much longer; SessionByToken judges each exactly.
		grace := int64(clock.SteppedSince(t.Clock(), time.Time{}).Seconds())
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at < ?`, []any{now - grace, now - int64(idle.Seconds()) - grace}},
			{`DELETE FROM password_resets WHERE expires_at <= ? OR used_at IS NOT NULL`, []any{now}},
		} {
			res, err := tx.ExecContext(ctx, q.sql, q.args...)
			if err != nil {
				return fmt.Errorf("db: clean up: %w", err)
			}
			n, _ := res.RowsAffected()
			total += n
		}
		return nil
	})
	return total, err
}

// EndSessionByToken deletes the session a cookie token belongs to, if any;
// sign-in calls it so that a token from before sign-in never outlives it.
func (t *Store) EndSessionByToken(ctx context.Context, token string) error {
	_, err := t.Write().ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, auth.HashToken(token))
	return err
}

// EndOtherSessions deletes every session of a user except keepID.
func (t *Store) EndOtherSessions(ctx context.Context, userID, keepID string, a Audit) (int64, error) {
	var n int64
	err := t.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND id <> ?`, userID, keepID)
		if err != nil {
			return fmt.Errorf("db: end other sessions: %w", err)
		}
		n, _ = res.RowsAffected()
		a.Detail = fmt.Sprintf("%d sessions", n)
		return t.auditTx(ctx, tx, a)
	})
	return n, err
}
