package tenant_test

import (
	"bufio"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"modernc.org/sqlite"

	"mintedmind/clock"
	"mintedmind/db"
	"mintedmind/db/tenant"
)

// crashHelperDir, in the environment, makes TestMigrationCrashHelper the
// process that TestMigrationKilledMidway kills.
const crashHelperDir = "MINTEDMIND_TEST_MIGRATION_CRASH_DIR"

// pausedMigration is the SQL function the injected migration calls after
// writing its first table: in the helper process it says so on stdout and
// never returns, so the process dies by kill -9 inside the migration's
// transaction; anywhere else it returns at once.
const pausedMigration = "test_migration_pause"

func init() {
	helper := os.Getenv(crashHelperDir) != ""
	err := sqlite.RegisterScalarFunction(pausedMigration, 0, func(*sqlite.FunctionContext, []driver.Value) (driver.Value, error) {
		if helper {
			fmt.Println("migrating")
			select {}
		}
		return int64(1), nil
	})
	if err != nil {
		panic(err)
	}
}

// backfillRows is how many rows of 1000 bytes the injected migration writes.
const backfillRows = 6000

// crashingMigration is the injected migration: about 6 MiB written (three
// times SQLite's default 2 MiB page cache, so uncommitted pages reach the
// WAL file; it was 20 MiB, which the test wrote twice for no more proof),
// then the pause.
func crashingMigration(t *testing.T, schema string) string {
	return withMigration(t, schema, "big_backfill", `CREATE TABLE backfill (x BLOB NOT NULL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < `+fmt.Sprint(backfillRows)+`)
INSERT INTO backfill SELECT randomblob(1000) FROM n;
INSERT INTO backfill SELECT `+pausedMigration+`();`)
}

// TestMigrationKilledMidway kills the process with SIGKILL while a
// migration is half done: the database is left exactly at its previous
// version (nothing of the migration in it, integrity_check ok), and the
// next open applies the migration again, whole.
func TestMigrationKilledMidway(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := tenant.PoolConfig{MaxOpen: 10, IdleTimeout: time.Hour}
	c := clock.NewManual(testStart)
	schema := mustReadSchema(t)
	old := mustOpenPool(t, dir, schema, cfg, c)
	mustCreateTenant(t, old, "agency-1")
	before := appliedMigrations(t, mustAcquire(t, old, "agency-1"))
	old.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestMigrationCrashHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashHelperDir+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(out)
	for lines.Scan() && lines.Text() != "migrating" {
	}
	if lines.Text() != "migrating" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatal("the helper ended before it was inside the migration")
	}
	wal, _ := os.Stat(filepath.Join(dir, "tenants", "agency-1", "tenant.db-wal"))
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if wal == nil || wal.Size() < 1<<20 {
		t.Logf("note: the WAL held %v bytes of the migration at the kill", wal)
	}

	path := filepath.Join(dir, "tenants", "agency-1", "tenant.db")
	t.Run("the database is at its previous version, nothing of the migration in it", func(t *testing.T) {
		conn, err := sql.Open("sqlite", "file:"+path)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		var v, tables int
		var check string
		if err := conn.QueryRow(`SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		conn.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE name = 'backfill'`).Scan(&tables)
		conn.QueryRow(`PRAGMA integrity_check`).Scan(&check)
		if v != len(before) || tables != 0 || check != "ok" {
			t.Fatalf("version %d (want %d), backfill tables %d, integrity_check %q", v, len(before), tables, check)
		}
	})
	t.Run("the next open applies it again", func(t *testing.T) {
		pool := mustOpenPool(t, dir, crashingMigration(t, schema), cfg, c)
		tn := mustAcquire(t, pool, "agency-1")
		applied := appliedMigrations(t, tn)
		if len(applied) != len(before)+1 || !strings.HasSuffix(applied[len(applied)-1], "big_backfill") {
			t.Fatalf("applied %q", applied)
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM backfill`); n != backfillRows+1 {
			t.Fatalf("backfill has %d rows, want %d", n, backfillRows+1)
		}
	})
}

// TestMigrationCrashHelper is the process TestMigrationKilledMidway kills:
// it opens the agency with the injected migration and blocks inside it.
func TestMigrationCrashHelper(t *testing.T) {
	dir := os.Getenv(crashHelperDir)
	if dir == "" {
		t.Skip("the helper process of TestMigrationKilledMidway")
	}
	pool, err := tenant.NewPool(dir, crashingMigration(t, mustReadSchema(t)), tenant.PoolConfig{MaxOpen: 10, IdleTimeout: time.Hour}, clock.NewManual(testStart), discardLog())
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = pool.Acquire(context.Background(), "agency-1")
	t.Fatalf("the migration returned: %v", err)
}

// TestMigrationFailsAsAWhole checks that pending migrations apply in one
// transaction: when the second of two fails, the first is taken back too,
// and the error names the failing one.
func TestMigrationFailsAsAWhole(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := tenant.PoolConfig{MaxOpen: 10, IdleTimeout: time.Hour}
	c := clock.NewManual(testStart)
	schema := mustReadSchema(t)
	old := mustOpenPool(t, dir, schema, cfg, c)
	mustCreateTenant(t, old, "agency-1")
	before := appliedMigrations(t, mustAcquire(t, old, "agency-1"))
	old.Close()

	two := withMigration(t, withMigration(t, schema, "fine", `CREATE TABLE fine (x);`), "broken", `INSERT INTO no_such_table VALUES (1);`)
	pool := mustOpenPool(t, dir, two, cfg, c)
	var faults []string
	pool.SetFaultHandler(func(agencyID string, err error) { faults = append(faults, agencyID+": "+err.Error()) })
	_, _, err := pool.Acquire(context.Background(), "agency-1")
	var me *db.MigrationError
	if err == nil || !errors.As(err, &me) || me.Name != "broken" {
		t.Fatalf("got %v, want the broken migration's error", err)
	}
	if len(faults) != 1 || !strings.Contains(faults[0], "broken") {
		t.Fatalf("the fault handler was told %q", faults)
	}
	pool.Close()
	tn := mustAcquire(t, mustOpenPool(t, dir, schema, cfg, c), "agency-1")
	if got := appliedMigrations(t, tn); len(got) != len(before) || tableExists(t, tn, "fine") {
		t.Fatalf("applied %q, table fine %v: the first migration was not taken back", got, tableExists(t, tn, "fine"))
	}
}
