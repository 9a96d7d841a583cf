package tenant_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mintedmind/clock"
	"mintedmind/db"
	"mintedmind/db/tenant"
)

// openFilesUnder counts this process's file descriptors open on files in
// dir (Linux: /proc/self/fd); -1 where /proc is not there.
func openFilesUnder(t *testing.T, dir string) int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	n := 0
	for _, fd := range fds {
		target, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name()))
		if err == nil && strings.HasPrefix(target, dir+string(filepath.Separator)) {
			n++
		}
	}
	return n
}

// TestPoolConnections covers what an open agency costs: one connection
// while it is only read, more only while it is busy, and back to one when
// it has been idle a while.
func TestPoolConnections(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := clock.NewManual(testStart)
	pool, ids := mustOpenPoolWithTenants(t, 1, tenant.PoolConfig{MaxOpen: 3, IdleTimeout: time.Hour}, c)
	dir := pool.TenantDir(ids[0])

	tn, release, err := pool.Acquire(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	queryInt(t, tn, `SELECT COUNT(*) FROM users`)
	if n := tn.Connections(); n != 1 {
		t.Fatalf("a read agency holds %d connections, want 1", n)
	}
	if n := openFilesUnder(t, dir); n != 3 && n != -1 {
		t.Fatalf("a read agency holds %d files open, want 3 (database, -wal, -shm)", n)
	}

	if _, err := tn.Write().ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('probe', 'x')`); err != nil {
		t.Fatal(err)
	}
	// Three reads at once, each holding its rows open.
	var open []*sql.Rows
	for range 3 {
		rows, err := tn.Read().QueryContext(ctx, `SELECT key FROM settings`)
		if err != nil {
			t.Fatal(err)
		}
		open = append(open, rows)
	}
	for _, rows := range open {
		rows.Close()
	}
	busy := tn.Connections()
	if busy != 4 {
		t.Fatalf("a busy agency holds %d connections, want 4 (three readers, the writer)", busy)
	}

	release()
	c.Advance(30 * time.Second)
	pool.CloseIdle()
	if n := tn.Connections(); n != busy {
		t.Fatalf("shrunk after 30 s: %d connections", n)
	}

	c.Advance(time.Minute)
	pool.CloseIdle()
	tn = mustAcquire(t, pool, ids[0])
	if n := tn.Connections(); n != 1 {
		t.Fatalf("idle for 90 s it holds %d connections, want 1", n)
	}
	if pool.OpenCount() != 1 {
		t.Fatal("shrinking closed the agency")
	}
	// Still read and written, the writer opened again.
	if _, err := tn.Write().ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('after', 'x')`); err != nil {
		t.Fatal(err)
	}
	if n := queryInt(t, tn, `SELECT COUNT(*) FROM settings WHERE key IN ('probe', 'after')`); n != 2 {
		t.Fatalf("after shrinking %d of 2 rows", n)
	}
}

// TestPoolOpenVersionCheck covers the migrations check of an open: the
// version in the file's header, stamped by the migrations themselves.
func TestPoolOpenVersionCheck(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := tenant.PoolConfig{MaxOpen: 10, IdleTimeout: time.Hour}
	c := clock.NewManual(testStart)
	schema := mustReadSchema(t)
	ms, err := db.ParseMigrations(schema)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("a new database is stamped with its version and opens without a writer", func(t *testing.T) {
		t.Parallel()
		pool := mustOpenPool(t, t.TempDir(), schema, cfg, c)
		mustCreateTenant(t, pool, "agency-1")
		tn := mustAcquire(t, pool, "agency-1")
		if v := queryInt(t, tn, `PRAGMA user_version`); v != len(ms) {
			t.Fatalf("user_version = %d, want %d", v, len(ms))
		}
		if n := tn.Connections(); n != 1 {
			t.Fatalf("%d connections after the open and a read, want 1", n)
		}
	})

	t.Run("a database migrated before the header kept the version is stamped on open", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		old := mustOpenPool(t, dir, schema, cfg, c)
		mustCreateTenant(t, old, "agency-1")
		old.Close()
		path := filepath.Join(dir, "tenants", "agency-1", "tenant.db")
		raw, err := sql.Open("sqlite", "file:"+path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := raw.ExecContext(ctx, `PRAGMA user_version = 0`); err != nil {
			t.Fatal(err)
		}
		raw.Close()

		pool := mustOpenPool(t, dir, schema, cfg, c)
		tn := mustAcquire(t, pool, "agency-1")
		if v := queryInt(t, tn, `PRAGMA user_version`); v != len(ms) {
			t.Fatalf("user_version = %d after the open, want %d", v, len(ms))
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM schema_migrations`); n != len(ms) {
			t.Fatalf("%d migrations recorded, want %d (none applied twice)", n, len(ms))
		}
	})

	t.Run("a database one migration behind is migrated and stamped", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		old := mustOpenPool(t, dir, schema, cfg, c)
		mustCreateTenant(t, old, "agency-1")
		old.Close()
		newer := withMigration(t, schema, "probe_table", `CREATE TABLE probe_table (id INTEGER PRIMARY KEY);`)
		pool := mustOpenPool(t, dir, newer, cfg, c)
		tn := mustAcquire(t, pool, "agency-1")
		if v := queryInt(t, tn, `PRAGMA user_version`); v != len(ms)+1 {
			t.Fatalf("user_version = %d, want %d", v, len(ms)+1)
		}
		if !tableExists(t, tn, "probe_table") {
			t.Fatal("the migration did not run")
		}
	})
}
