package db

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// SessionLock is a PostgreSQL session-level advisory lock held on a
// connection of its own, outside the pool: held for as long as that
// connection lives, so a process that dies, or loses the server, loses
// it, and another process can take it. Not safe to copy.
type SessionLock struct {
	key    int64
	config *pgx.ConnConfig

	mu     sync.Mutex
	conn   *pgx.Conn // nil until the first Hold, and after the connection failed
	held   bool
	closed bool
}

// SessionLock returns the session lock key of this PostgreSQL database,
// taken by nobody yet (Hold takes it); nil on SQLite, whose one process
// per database file needs none.
func (d *DB) SessionLock(key int64) *SessionLock {
	if !d.postgres {
		return nil
	}
	return &SessionLock{key: key, config: d.pgConfig.Copy()}
}

// Hold reports whether this process holds the lock, trying to take it
// if not (pg_try_advisory_lock: never waits). While held, each call
// checks that its connection still answers: one that fails means the
// server may have ended the session and its lock, so the lock counts as
// lost and is tried for again on a new connection.
func (l *SessionLock) Hold(ctx context.Context) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return false, errors.New("db: session lock released")
	}
	if l.conn != nil && l.held {
		if err := l.conn.Ping(ctx); err == nil {
			return true, nil
		}
		l.drop()
	}
	if l.conn == nil {
		conn, err := pgx.ConnectConfig(ctx, l.config)
		if err != nil {
			return false, fmt.Errorf("db: session lock %d: connect: %w", l.key, err)
		}
		l.conn = conn
	}
	var ok bool
	if err := l.conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, l.key).Scan(&ok); err != nil {
		l.drop()
		return false, fmt.Errorf("db: session lock %d: %w", l.key, err)
	}
	l.held = ok
	return ok, nil
}

// Release lets go of the lock, for good: Hold fails after. It unlocks
// before closing the connection, so that another process can take the
// lock as soon as Release returns (the server ends a closed session, and
// its locks, a moment later).
func (l *SessionLock) Release() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	if l.held {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		l.conn.Exec(ctx, `SELECT pg_advisory_unlock($1)`, l.key) // failed: the session's end releases it
		cancel()
	}
	l.drop()
}

// drop closes the lock's connection, and with it the lock.
func (l *SessionLock) drop() {
	if l.conn != nil {
		l.conn.Close(context.Background())
	}
	l.conn, l.held = nil, false
}
