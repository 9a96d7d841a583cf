package db_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mintedmind/clock"
	"mintedmind/db"
	"mintedmind/db/dbtest"
)

// schemaOf lists a database's schema objects and applied migrations.
func schemaOf(t *testing.T, d *db.DB) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT type || ' ' || name || ' ' || COALESCE(sql, '') FROM sqlite_schema ORDER BY type, name`,
		`SELECT version || ' ' || name FROM schema_migrations ORDER BY version`,
	} {
		rows, err := d.Read().Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			b.WriteString(s + "\n")
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

// A database made by copying the migrated image is the database Migrate
// makes, and each copy is its own file.
func TestCreateMigratedIsTheMigratedSchema(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	migrations, err := db.ParseMigrations(dbtest.TenantSchema(t))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	c := clock.NewManual(dbtest.Start)

	migrated, err := db.Open(filepath.Join(dir, "migrated.db"), true, c)
	if err != nil {
		t.Fatal(err)
	}
	defer migrated.Close()
	if err := migrated.Migrate(ctx, migrations); err != nil {
		t.Fatal(err)
	}
	want := schemaOf(t, migrated)

	var copies []*db.DB
	for _, name := range []string{"a/tenant.db", "b/tenant.db"} {
		d, err := db.CreateMigrated(ctx, filepath.Join(dir, name), migrations, c)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		if got := schemaOf(t, d); got != want {
			t.Fatalf("%s: schema of the copy differs from the migrated one:\n%s\nwant\n%s", name, got, want)
		}
		copies = append(copies, d)
	}
	if _, err := copies[0].Write().Exec(`INSERT INTO clients (id, name, kind, created_at, updated_at) VALUES ('only-a', 'A', 'person', 0, 0)`); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := copies[1].Read().QueryRow(`SELECT COUNT(*) FROM clients`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("the other copy has %d clients (%v), want 0", n, err)
	}

	t.Run("an existing file is never overwritten", func(t *testing.T) {
		path := filepath.Join(dir, "taken.db")
		if err := os.WriteFile(path, []byte("not mine"), 0o600); err != nil {
			t.Fatal(err)
		}
		if d, err := db.CreateMigrated(ctx, path, migrations, c); err == nil {
			d.Close()
			t.Fatal("CreateMigrated wrote over an existing file")
		}
		if b, _ := os.ReadFile(path); string(b) != "not mine" {
			t.Fatalf("the existing file now holds %q", b)
		}
	})

	t.Run("a schema that fails is reported every time and writes no file", func(t *testing.T) {
		bad := append(append([]db.Migration{}, migrations...), db.Migration{Version: len(migrations) + 1, Name: "broken", SQL: "CREATE TABLE nope ("})
		for i := 0; i < 2; i++ {
			path := filepath.Join(dir, "bad", "tenant.db")
			if d, err := db.CreateMigrated(ctx, path, bad, c); err == nil {
				d.Close()
				t.Fatalf("try %d: a broken migration was applied", i+1)
			}
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Fatalf("try %d: a file was left at %s (%v)", i+1, path, err)
			}
		}
	})
}
