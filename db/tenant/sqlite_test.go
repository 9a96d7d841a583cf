package tenant_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"
	"time"

	"mintedmind/clock"
	"mintedmind/db/tenant"
)

func TestTenantPragmas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := mustOpenPool(t, t.TempDir(), mustReadSchema(t), tenant.PoolConfig{MaxOpen: 10, IdleTimeout: time.Hour}, clock.NewManual(testStart))
	mustCreateTenant(t, pool, "agency-1")
	tn := mustAcquire(t, pool, "agency-1")

	want := map[string]string{
		"journal_mode": "wal",
		"foreign_keys": "1",
		"busy_timeout": "5000",
		"synchronous":  "1", // NORMAL
	}

	t.Run("the writer has every pragma of the DSN", func(t *testing.T) {
		err := tn.Tx(ctx, func(tx *sql.Tx) error {
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
		// synchronous governs commits; a reader makes none, and setting it
		// would parse the schema as each reader opens (db.dsn).
		delete(readerWant, "synchronous")
		for pragma, value := range readerWant {
			var got string
			if err := tn.Read().QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
				t.Fatalf("%s: %v", pragma, err)
			}
			if got != value {
				t.Errorf("reader %s = %s, want %s", pragma, got, value)
			}
		}
	})

	t.Run("a write through Read fails", func(t *testing.T) {
		before := queryInt(t, tn, `SELECT COUNT(*) FROM settings`) // the schema's own rows (migration 22)
		_, err := tn.Read().ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('k', 'v')`)
		if err == nil {
			t.Fatal("the read pool accepted a write")
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM settings`); n != before {
			t.Fatalf("settings has %d rows after a refused write, %d before", n, before)
		}
	})

	t.Run("a dangling reference is refused by the writer", func(t *testing.T) {
		err := tn.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO sessions (id, token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at)
				VALUES ('s', 'h', 'no-such-user', 'c', 0, 0, 0)`)
			return err
		})
		if err == nil {
			t.Fatal("foreign keys are not enforced")
		}
	})
}

func TestConcurrentWritesAndReads(t *testing.T) {
	t.Parallel()
	t.Run("50 writers and 50 readers at once meet no busy error", func(t *testing.T) {
		ctx := context.Background()
		pool := mustOpenPool(t, t.TempDir(), mustReadSchema(t), tenant.PoolConfig{MaxOpen: 10, IdleTimeout: time.Hour}, clock.NewManual(testStart))
		mustCreateTenant(t, pool, "agency-1")
		tn := mustAcquire(t, pool, "agency-1")

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
					errs <- tn.RecordAudit(ctx, tenant.Audit{Action: "test.write", Target: fmt.Sprintf("%d-%d", g, i)})
				}
			}()
			go func() {
				defer wg.Done()
				<-start
				for range perGoroutine {
					_, err := tn.AuditLog(ctx, tenant.AuditFilter{Action: "test.write", Limit: 20})
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
		if n := queryInt(t, tn, `SELECT COUNT(DISTINCT target) FROM audit_log WHERE action = 'test.write'`); n != goroutines*perGoroutine {
			t.Fatalf("%d audit rows, want %d", n, goroutines*perGoroutine)
		}
	})
}
