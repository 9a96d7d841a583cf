package db

import (
	"context"
	"database/sql"
	"fmt"
	"os"
)

// SnapshotTo writes a consistent copy of the database, as of one moment, to
// path (which must not exist yet) with VACUUM INTO. It reads through a
// connection of its own (the pool's readers are query_only, which SQLite
// applies to VACUUM INTO's output too), so writers carry on meanwhile; the
// copy is a plain database file with no -wal beside it. Backups, agency
// archives and exports all start here.
func (d *DB) SnapshotTo(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("db: snapshot of %s: %s already exists", d.Path, path)
	}
	src, err := sql.Open("sqlite", dsn(d.Path, false, true))
	if err != nil {
		return fmt.Errorf("db: snapshot of %s: %w", d.Path, err)
	}
	defer src.Close()
	if _, err := src.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		os.Remove(path)
		return fmt.Errorf("db: snapshot of %s to %s: %w", d.Path, path, err)
	}
	return nil
}
