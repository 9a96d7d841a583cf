package db

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Migration is one forward-only step of a schema.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

var migrationMarker = regexp.MustCompile(`(?m)^-- migration: (\d+) (\S+)\s*$`)

// ParseMigrations splits a schema file into its migrations. Each starts with
// a line `-- migration: N name`; versions must rise by one from 1, so the file
// reads top to bottom as the history of the schema and is only ever appended to.
func ParseMigrations(schema string) ([]Migration, error) {
	locs := migrationMarker.FindAllStringSubmatchIndex(schema, -1)
	if len(locs) == 0 {
		return nil, fmt.Errorf("db: schema has no '-- migration: N name' markers")
	}
	var out []Migration
	for i, loc := range locs {
		end := len(schema)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		v, _ := strconv.Atoi(schema[loc[2]:loc[3]])
		if v != i+1 {
			return nil, fmt.Errorf("db: migration %d found where %d was expected", v, i+1)
		}
		out = append(out, Migration{Version: v, Name: schema[loc[4]:loc[5]], SQL: strings.TrimSpace(schema[loc[1]:end])})
	}
	return out, nil
}

// Migrate applies every migration not yet recorded in schema_migrations,
// all of them in one transaction with their records: a migration that
// fails (or a crash half way) leaves the database exactly at the version it
// had, and the next Migrate tries again. A failed step is a *MigrationError.
//
// The version is also kept in the file's header (PRAGMA user_version, set in
// the same transaction): reading it is the whole check when the database
// is current, on a reader connection and without parsing the schema, so
// opening a database does no write and needs no writer connection.
func (d *DB) Migrate(ctx context.Context, migrations []Migration) error {
	if d.postgres {
		return d.migratePostgres(ctx, migrations)
	}
	var stamped int
	if err := d.read.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&stamped); err != nil {
		return fmt.Errorf("db: read schema version %s: %w", d.Path, err)
	}
	if stamped == len(migrations) && stamped > 0 {
		return nil
	}
	if _, err := d.writer().ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY,
		name TEXT NOT NULL,
		applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("db: migrations table %s: %w", d.Path, err)
	}
	var current int
	if err := d.writer().QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("db: read schema version %s: %w", d.Path, err)
	}
	if current > len(migrations) {
		return fmt.Errorf("db: %s is at schema version %d, newer than this binary (%d)", d.Path, current, len(migrations))
	}
	if current == len(migrations) {
		// Recorded before the header kept the version: stamp it once.
		if _, err := d.writer().ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, current)); err != nil {
			return fmt.Errorf("db: stamp schema version %s: %w", d.Path, err)
		}
		return nil
	}
	var failed *Migration
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		for i := range migrations[current:] {
			m := &migrations[current+i]
			failed = m
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, m.Version, m.Name, d.Now()); err != nil {
				return err
			}
		}
		failed = nil
		_, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, len(migrations)))
		return err
	})
	if err != nil {
		if failed == nil { // the commit
			failed = &migrations[len(migrations)-1]
		}
		return &MigrationError{Path: d.Path, Version: failed.Version, Name: failed.Name, Err: err}
	}
	return nil
}
