package db_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"mintedmind/clock"
	"mintedmind/db"
)

func TestParseMigrations(t *testing.T) {
	t.Run("a schema without markers is refused", func(t *testing.T) {
		if _, err := db.ParseMigrations("CREATE TABLE notes (id INTEGER PRIMARY KEY);"); err == nil {
			t.Fatal("got no error")
		}
	})

	for name, schema := range map[string]string{
		"a skipped version is refused":          "-- migration: 1 a\nCREATE TABLE a (x);\n-- migration: 3 c\nCREATE TABLE c (x);\n",
		"a version going back is refused":       "-- migration: 2 b\nCREATE TABLE b (x);\n-- migration: 1 a\nCREATE TABLE a (x);\n",
		"a repeated version is refused":         "-- migration: 1 a\nCREATE TABLE a (x);\n-- migration: 1 again\nCREATE TABLE b (x);\n",
		"a schema not starting at 1 is refused": "-- migration: 2 b\nCREATE TABLE b (x);\n",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := db.ParseMigrations(schema); err == nil {
				t.Fatal("got no error")
			}
		})
	}

	t.Run("sections split into versions, names and SQL", func(t *testing.T) {
		got, err := db.ParseMigrations("-- header\n\n-- migration: 1 first\nCREATE TABLE a (x);\n\n-- migration: 2 second\nCREATE TABLE b (x);\n")
		if err != nil {
			t.Fatal(err)
		}
		want := []db.Migration{
			{Version: 1, Name: "first", SQL: "CREATE TABLE a (x);"},
			{Version: 2, Name: "second", SQL: "CREATE TABLE b (x);"},
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("got %+v, want %+v", got, want)
		}
	})

	t.Run("the tenant schema parses", func(t *testing.T) {
		if _, err := db.ParseMigrations(mustReadSchema(t)); err != nil {
			t.Fatal(err)
		}
	})
}

// appliedMigrations lists the tenant's schema_migrations rows as "N name".
func appliedMigrations(t *testing.T, tenant *db.Tenant) []string {
	t.Helper()
	rows, err := tenant.Read().QueryContext(context.Background(), `SELECT version, name FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v int
		var name string
		if err := rows.Scan(&v, &name); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%d %s", v, name))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// withMigration appends one migration after the last of schema.
func withMigration(t *testing.T, schema, name, sql string) string {
	t.Helper()
	ms, err := db.ParseMigrations(schema)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%s\n\n-- migration: %d %s\n%s\n", strings.TrimRight(schema, "\n"), len(ms)+1, name, sql)
}

func tableExists(t *testing.T, tenant *db.Tenant, name string) bool {
	t.Helper()
	return queryInt(t, tenant, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, name) == 1
}

func TestTenantMigrations(t *testing.T) {
	ctx := context.Background()
	cfg := db.PoolConfig{MaxOpen: 10, IdleTimeout: time.Hour}
	c := clock.NewManual(testStart)
	schema := mustReadSchema(t)
	const agencyID = "agency-1"

	t.Run("a new tenant records every migration of the schema", func(t *testing.T) {
		pool := mustOpenPool(t, t.TempDir(), schema, cfg, c)
		mustCreateTenant(t, pool, agencyID)
		ms, err := db.ParseMigrations(schema)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, m := range ms {
			want = append(want, fmt.Sprintf("%d %s", m.Version, m.Name))
		}
		got := appliedMigrations(t, mustAcquire(t, pool, agencyID))
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("got %q, want %q", got, want)
		}
	})

	t.Run("opening an older database applies the missing migration", func(t *testing.T) {
		dir := t.TempDir()
		old := mustOpenPool(t, dir, schema, cfg, c)
		mustCreateTenant(t, old, agencyID)
		old.Close()

		newer := withMigration(t, schema, "client_notes", `CREATE TABLE client_notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);`)
		pool := mustOpenPool(t, dir, newer, cfg, c)
		tenant := mustAcquire(t, pool, agencyID)
		ms, _ := db.ParseMigrations(newer)
		applied := appliedMigrations(t, tenant)
		if len(applied) != len(ms) || applied[len(applied)-1] != fmt.Sprintf("%d client_notes", len(ms)) {
			t.Fatalf("applied %q, want %d migrations ending with client_notes", applied, len(ms))
		}
		if !tableExists(t, tenant, "client_notes") {
			t.Fatal("client_notes was not created")
		}
	})

	t.Run("a database newer than the binary is refused", func(t *testing.T) {
		dir := t.TempDir()
		newer := mustOpenPool(t, dir, withMigration(t, schema, "from_the_future", `CREATE TABLE future (x);`), cfg, c)
		mustCreateTenant(t, newer, agencyID)
		newer.Close()

		pool := mustOpenPool(t, dir, schema, cfg, c)
		_, _, err := pool.Acquire(ctx, agencyID)
		if err == nil || !strings.Contains(err.Error(), "newer than this binary") {
			t.Fatalf("got %v, want a refusal naming a newer schema", err)
		}
		if n := pool.OpenCount(); n != 0 {
			t.Fatalf("OpenCount = %d after a refused open, want 0", n)
		}
	})

	t.Run("a failing migration leaves the database at its previous version", func(t *testing.T) {
		dir := t.TempDir()
		old := mustOpenPool(t, dir, schema, cfg, c)
		mustCreateTenant(t, old, agencyID)
		old.Close()
		before, _ := db.ParseMigrations(schema)

		// The first statement succeeds, the second fails: the transaction
		// must take the first one back too.
		broken := withMigration(t, schema, "broken", "CREATE TABLE half_done (x);\nINSERT INTO no_such_table VALUES (1);")
		pool := mustOpenPool(t, dir, broken, cfg, c)
		if _, _, err := pool.Acquire(ctx, agencyID); err == nil {
			t.Fatal("a broken migration opened without error")
		}
		pool.Close()

		tenant := mustAcquire(t, mustOpenPool(t, dir, schema, cfg, c), agencyID)
		if applied := appliedMigrations(t, tenant); len(applied) != len(before) {
			t.Fatalf("applied %q, want the %d migrations from before", applied, len(before))
		}
		if tableExists(t, tenant, "half_done") {
			t.Fatal("half_done exists: the failed migration was not rolled back")
		}
	})
}

func TestControlMigrations(t *testing.T) {
	t.Run("reopening the control database applies nothing twice", func(t *testing.T) {
		dir := t.TempDir()
		c := clock.NewManual(testStart)
		first, err := db.OpenControl(context.Background(), dir, c)
		if err != nil {
			t.Fatal(err)
		}
		first.Close()
		mustOpenControl(t, dir, c)
	})
}
