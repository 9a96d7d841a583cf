package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"syscall"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Fault is what kind of storage failure an error is, if any: the answer a
// person gets and what the operator is told depend on it (package health).
type Fault int

// Storage faults.
const (
	NoFault Fault = iota
	// Full: the filesystem has no room left (SQLITE_FULL, ENOSPC, EDQUOT).
	Full
	// Unwritable: the storage refuses writes: mounted read-only, a disk I/O
	// error, permission denied, a database file that cannot be opened.
	Unwritable
	// Corrupt: a database file is damaged (SQLITE_CORRUPT, SQLITE_NOTADB,
	// a failed quick_check).
	Corrupt
)

// String names the fault for logs and metrics.
func (f Fault) String() string {
	switch f {
	case Full:
		return "full"
	case Unwritable:
		return "unwritable"
	case Corrupt:
		return "corrupt"
	}
	return "none"
}

// FaultOf tells what kind of storage failure err is. Errors of the request
// itself (a constraint, a cancelled context, a missing row) are NoFault.
func FaultOf(err error) Fault {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return NoFault
	}
	var ce *CorruptError
	if errors.As(err, &ce) {
		return Corrupt
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_FULL:
			return Full
		case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
			return Corrupt
		case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM:
			return Unwritable
		}
		return NoFault
	}
	switch {
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return Full
	case errors.Is(err, syscall.EROFS), errors.Is(err, syscall.EIO), errors.Is(err, fs.ErrPermission):
		return Unwritable
	}
	// Some layers flatten the driver's error into text.
	msg := err.Error()
	switch {
	case strings.Contains(msg, "database or disk is full"), strings.Contains(msg, "no space left on device"):
		return Full
	case strings.Contains(msg, "database disk image is malformed"), strings.Contains(msg, "file is not a database"):
		return Corrupt
	}
	return NoFault
}

// CorruptError is a failed integrity check: what SQLite found wrong.
type CorruptError struct {
	Path     string
	Problems []string // the check's lines, at most a few
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("db: %s is damaged: %s", e.Path, strings.Join(e.Problems, "; "))
}

// quickCheckLines is how many of quick_check's lines are kept.
const quickCheckLines = 5

// QuickCheck runs PRAGMA quick_check on a reader connection (writers are
// not held up: the database is in WAL mode) and returns a *CorruptError
// when SQLite finds damage. quick_check reads every page but skips
// comparing indexes with their tables, so it costs about one full read of
// the file. It runs on a connection of its own, opened for the check: on a
// pooled reader that ran it before, FTS5's check compares against the index
// structure that connection cached and reports "checksum mismatch" for a
// search index the writer changed since, on a database that is sound.
func (d *DB) QuickCheck(ctx context.Context) error {
	conn, err := sql.Open("sqlite", dsn(d.Path, false, false))
	if err != nil {
		return fmt.Errorf("db: quick_check %s: %w", d.Path, err)
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	return d.quickCheck(ctx, conn)
}

// QuickCheckOpened is QuickCheck on a database just opened, whose readers
// have run nothing but Migrate's version read: they hold no search index
// structure yet, so the check runs on one of them (on an idle reader
// connection of the pool, which the next query reuses) instead of opening
// a connection, and parsing the schema, only for it.
//
// The check reads every page into that connection's cache (up to SQLite's
// 2 MB a connection); they are let go after it, or thousands of open
// agencies would each keep their whole file in memory.
func (d *DB) QuickCheckOpened(ctx context.Context) error {
	err := d.quickCheck(ctx, d.read)
	d.shrinkMemory()
	return err
}

func (d *DB) quickCheck(ctx context.Context, conn *sql.DB) error {
	rows, err := conn.QueryContext(ctx, `PRAGMA quick_check(`+fmt.Sprint(quickCheckLines)+`)`)
	if err != nil {
		if FaultOf(err) == Corrupt {
			return &CorruptError{Path: d.Path, Problems: []string{err.Error()}}
		}
		return fmt.Errorf("db: quick_check %s: %w", d.Path, err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("db: quick_check %s: %w", d.Path, err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		if FaultOf(err) == Corrupt {
			return &CorruptError{Path: d.Path, Problems: append(problems, err.Error())}
		}
		return fmt.Errorf("db: quick_check %s: %w", d.Path, err)
	}
	if len(problems) > 0 {
		return &CorruptError{Path: d.Path, Problems: problems}
	}
	return nil
}

// SetWritable turns the writer connection's query_only flag off or on. A
// database whose file was deleted while open still takes writes (into the
// deleted file, lost when it closes): the pool turns them away this way
// while reads of the open file go on.
func (d *DB) SetWritable(ctx context.Context, writable bool) error {
	q := `PRAGMA query_only(1)`
	if writable {
		q = `PRAGMA query_only(0)`
	}
	if _, err := d.writer().ExecContext(ctx, q); err != nil {
		return fmt.Errorf("db: %s: %w", q, err)
	}
	d.writeRefused.Store(!writable)
	return nil
}

// MigrationError is a migration that failed on a database: the database is
// left at the version it had before (every pending migration runs in one
// transaction).
type MigrationError struct {
	Path    string
	Version int
	Name    string
	Err     error
}

func (e *MigrationError) Error() string {
	return fmt.Sprintf("db: migration %d %s on %s: %v", e.Version, e.Name, e.Path, e.Err)
}

func (e *MigrationError) Unwrap() error { return e.Err }
