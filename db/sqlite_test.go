package db_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"mintedmind/clock"
	"mintedmind/db"
)

func TestTenantPragmas(t *testing.T) {
	ctx := context.Background()
	pool := mustOpenPool(t, t.TempDir(), mustReadSchema(t), db.PoolConfig{MaxOpen: 10, IdleTimeout: time.Hour}, clock.NewManual(testStart))
	mustCreateTenant(t, pool, "agency-1")
	tenant := mustAcquire(t, pool, "agency-1")

	want := map[string]string{
		"journal_mode": "wal",
		"foreign_keys": "1",
		"busy_timeout": "5000",
		"synchronous":  "1", // NORMAL
	}

	t.Run("the writer has every pragma of the DSN", func(t *testing.T) {
		err := tenant.Tx(ctx, func(tx *sql.Tx) error {
			for pragma, value := range want {
				var got string
				if err := tx.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
					return fmt.Errorf("%s: %w", pragma, err)
				}
				if got != value {
					t.Errorf("writer %s = %s, want %s", pragma, got, value)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})

	t.Run("the readers have every pragma and are query-only", func(t *testing.T) {
		readerWant := map[string]string{"query_only": "1"}
		for k, v := range want {
			readerWant[k] = v
		}
		for pragma, value := range readerWant {
			var got string
			if err := tenant.Read().QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
				t.Fatalf("%s: %v", pragma, err)
			}
			if got != value {
				t.Errorf("reader %s = %s, want %s", pragma, got, value)
			}
		}
	})

	t.Run("a write through Read fails", func(t *testing.T) {
		_, err := tenant.Read().ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('k', 'v')`)
		if err == nil {
			t.Fatal("the read pool accepted a write")
		}
		if n := queryInt(t, tenant, `SELECT COUNT(*) FROM settings`); n != 0 {
			t.Fatalf("settings has %d rows after a refused write", n)
		}
	})

	t.Run("a dangling reference is refused by the writer", func(t *testing.T) {
		err := tenant.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO sessions (id, token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at)
				VALUES ('s', 'h', 'no-such-user', 'c', 0, 0, 0)`)
			return err
		})
		if err == nil {
			t.Fatal("foreign keys are not enforced")
		}
	})
}

func TestDataDirWithURICharacters(t *testing.T) {
	// SQLite reads the DSN as a URI: an unescaped '#' or '?' cuts the path
	// short (every database would land in one file), a '%' is decoded.
	for _, name := range []string{"with space", "hash#1", "percent%41", "question?mode=ro"} {
		t.Run(name+" opens the file it names", func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), name)
			ctx := context.Background()
			c := clock.NewManual(testStart)
			ctl := mustOpenControl(t, dir, c)
			if _, err := ctl.SecretKey(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(filepath.Join(dir, "control.db")); err != nil {
				t.Fatal(err)
			}
			pool := mustOpenPool(t, dir, mustReadSchema(t), db.PoolConfig{MaxOpen: 10, IdleTimeout: time.Hour}, c)
			mustCreateTenant(t, pool, "agency-1")
			tenant := mustAcquire(t, pool, "agency-1")
			if n := queryInt(t, tenant, `SELECT COUNT(*) FROM sqlite_master WHERE name = 'users'`); n != 1 {
				t.Fatal("the tenant database has no users table")
			}
			entries, err := os.ReadDir(filepath.Dir(dir))
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 1 {
				t.Fatalf("%d entries beside the data directory, want only it", len(entries))
			}
		})
	}
}

func TestConcurrentWritesAndReads(t *testing.T) {
	t.Run("50 writers and 50 readers at once meet no busy error", func(t *testing.T) {
		ctx := context.Background()
		pool := mustOpenPool(t, t.TempDir(), mustReadSchema(t), db.PoolConfig{MaxOpen: 10, IdleTimeout: time.Hour}, clock.NewManual(testStart))
		mustCreateTenant(t, pool, "agency-1")
		tenant := mustAcquire(t, pool, "agency-1")

		const goroutines, perGoroutine = 50, 5
		start := make(chan struct{})
		errs := make(chan error, 2*goroutines*perGoroutine)
		var wg sync.WaitGroup
		for g := range goroutines {
			wg.Add(2)
			go func() {
				defer wg.Done()
				<-start
				for i := range perGoroutine {
					errs <- tenant.RecordAudit(ctx, db.Audit{Action: "test.write", Target: fmt.Sprintf("%d-%d", g, i)})
				}
			}()
			go func() {
				defer wg.Done()
				<-start
				for range perGoroutine {
					_, err := tenant.AuditLog(ctx, db.AuditFilter{Action: "test.write", Limit: 20})
					errs <- err
				}
			}()
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if n := queryInt(t, tenant, `SELECT COUNT(DISTINCT target) FROM audit_log WHERE action = 'test.write'`); n != goroutines*perGoroutine {
			t.Fatalf("%d audit rows, want %d", n, goroutines*perGoroutine)
		}
	})
}
