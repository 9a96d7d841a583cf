package tenant_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"mintedmind/apperr"
	"mintedmind/clock"
	"mintedmind/db"
	"mintedmind/db/tenant"
	"mintedmind/internal/faultfs"
)

// TestPoolFaults covers what the pool does about damaged, refused and
// vanished agency databases (README "When storage fails").
func TestPoolFaults(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := tenant.PoolConfig{MaxOpen: 10, IdleTimeout: time.Hour}
	c := clock.NewManual(testStart)
	schema := mustReadSchema(t)

	t.Run("a database damaged while closed fails quick_check on its first open, and the handler is told", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		old := mustOpenPool(t, dir, schema, cfg, c)
		mustCreateTenant(t, old, "agency-1")
		old.Close()
		path := filepath.Join(dir, "tenants", "agency-1", "tenant.db")
		n := faultfs.Pages(t, path)
		faultfs.OverwritePages(t, path, n/2, n-n/2)

		pool := mustOpenPool(t, dir, schema, cfg, c)
		var told []error
		pool.SetFaultHandler(func(id string, err error) { told = append(told, err) })
		_, _, err := pool.Acquire(ctx, "agency-1")
		if db.FaultOf(err) != db.Corrupt || len(told) != 1 || db.FaultOf(told[0]) != db.Corrupt {
			t.Fatalf("Acquire: %v (fault %v); told %v", err, db.FaultOf(err), told)
		}
		if pool.OpenCount() != 0 {
			t.Fatal("a damaged database stays open")
		}
	})

	t.Run("a refused agency is not opened until admitted", func(t *testing.T) {
		t.Parallel()
		pool := mustOpenPool(t, t.TempDir(), schema, cfg, c)
		mustCreateTenant(t, pool, "agency-1")
		pool.Refuse("agency-1", apperr.New(apperr.Unavailable, "being restored"))
		if _, _, err := pool.Acquire(ctx, "agency-1"); !apperr.Is(err, apperr.Unavailable) || !pool.Refused("agency-1") {
			t.Fatalf("got %v", err)
		}
		pool.Admit("agency-1")
		mustAcquire(t, pool, "agency-1")
	})

	t.Run("a vanished database takes no writes, is still read, and is opened afresh when it is back", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		pool := mustOpenPool(t, dir, schema, cfg, c)
		mustCreateTenant(t, pool, "agency-1")
		tn := mustAcquire(t, pool, "agency-1")
		if _, err := tn.Write().Exec(`INSERT INTO settings (key, value) VALUES ('probe', 'before')`); err != nil {
			t.Fatal(err)
		}
		// Served: its readers are open (a reader opened after the file
		// vanished could not find it).
		queryInt(t, tn, `SELECT COUNT(*) FROM settings`)
		saved := filepath.Join(t.TempDir(), "saved.db")
		if err := tn.SnapshotTo(ctx, saved); err != nil {
			t.Fatal(err)
		}
		tenantDir := filepath.Join(dir, "tenants", "agency-1")
		if err := os.RemoveAll(tenantDir); err != nil {
			t.Fatal(err)
		}

		again := mustAcquire(t, pool, "agency-1")
		if !pool.Missing("agency-1") {
			t.Fatal("not missing")
		}
		_, err := again.Write().Exec(`INSERT INTO settings (key, value) VALUES ('lost', 'x')`)
		if db.FaultOf(err) != db.Unwritable {
			t.Fatalf("a write to the vanished file: %v", err)
		}
		if n := queryInt(t, again, `SELECT COUNT(*) FROM settings WHERE key = 'probe'`); n != 1 {
			t.Fatalf("the open file is not read: %d", n)
		}

		if err := os.MkdirAll(tenantDir, 0o700); err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(saved)
		if err := os.WriteFile(filepath.Join(tenantDir, "tenant.db"), data, 0o600); err != nil {
			t.Fatal(err)
		}
		back := mustAcquire(t, pool, "agency-1")
		if _, err := back.Write().Exec(`INSERT INTO settings (key, value) VALUES ('after', 'x')`); err != nil {
			t.Fatalf("a write after the file came back: %v", err)
		}
		if pool.Missing("agency-1") || queryInt(t, back, `SELECT COUNT(*) FROM settings WHERE key IN ('probe', 'after')`) != 2 {
			t.Fatal("not served from the file put back")
		}
	})

	t.Run("an agency whose file is gone before it is opened is missing, not created", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		pool := mustOpenPool(t, dir, schema, cfg, c)
		_, _, err := pool.Acquire(ctx, "agency-never")
		if !errors.Is(err, tenant.ErrMissing) || !pool.Missing("agency-never") {
			t.Fatalf("got %v", err)
		}
		if _, err := os.Stat(filepath.Join(dir, "tenants", "agency-never")); !errors.Is(err, os.ErrNotExist) {
			t.Fatal("a directory was made")
		}
	})
}
