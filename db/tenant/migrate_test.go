package tenant_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"mintedmind/clock"
	"mintedmind/db"
	"mintedmind/db/tenant"
)

// appliedMigrations lists the tenant's schema_migrations rows as "N name".
func appliedMigrations(t *testing.T, tn *tenant.Store) []string {
	t.Helper()
	rows, err := tn.Read().QueryContext(context.Background(), `SELECT version, name FROM schema_migrations ORDER BY version`)
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

func tableExists(t *testing.T, tn *tenant.Store, name string) bool {
	t.Helper()
	return queryInt(t, tn, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, name) == 1
}

func TestTenantMigrations(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := tenant.PoolConfig{MaxOpen: 10, IdleTimeout: time.Hour}
	c := clock.NewManual(testStart)
	schema := mustReadSchema(t)
	const agencyID = "agency-1"

	t.Run("a new tenant records every migration of the schema", func(t *testing.T) {
		t.Parallel()
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
		t.Parallel()
		dir := t.TempDir()
		old := mustOpenPool(t, dir, schema, cfg, c)
		mustCreateTenant(t, old, agencyID)
		old.Close()

		newer := withMigration(t, schema, "client_notes", `CREATE TABLE client_notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);`)
		pool := mustOpenPool(t, dir, newer, cfg, c)
		tn := mustAcquire(t, pool, agencyID)
		ms, _ := db.ParseMigrations(newer)
		applied := appliedMigrations(t, tn)
		if len(applied) != len(ms) || applied[len(applied)-1] != fmt.Sprintf("%d client_notes", len(ms)) {
			t.Fatalf("applied %q, want %d migrations ending with client_notes", applied, len(ms))
		}
		if !tableExists(t, tn, "client_notes") {
			t.Fatal("client_notes was not created")
		}
	})

	t.Run("a database newer than the binary is refused", func(t *testing.T) {
		t.Parallel()
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
		t.Parallel()
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

		tn := mustAcquire(t, mustOpenPool(t, dir, schema, cfg, c), agencyID)
		if applied := appliedMigrations(t, tn); len(applied) != len(before) {
			t.Fatalf("applied %q, want the %d migrations from before", applied, len(before))
		}
		if tableExists(t, tn, "half_done") {
			t.Fatal("half_done exists: the failed migration was not rolled back")
		}
	})
}
