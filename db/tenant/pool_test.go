package tenant_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"testing"
	"time"

	"mintedmind/apperr"
	"mintedmind/clock"
	"mintedmind/db/tenant"
)

// mustOpenPoolWithTenants opens a pool over a fresh directory holding n empty
// tenants named agency-0 … agency-(n-1).
func mustOpenPoolWithTenants(t testing.TB, n int, cfg tenant.PoolConfig, c clock.Clock) (*tenant.Pool, []string) {
	t.Helper()
	pool := mustOpenPool(t, t.TempDir(), mustReadSchema(t), cfg, c)
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("agency-%d", i)
		mustCreateTenant(t, pool, ids[i])
	}
	return pool, ids
}

// use runs one write and one read on an acquired tenant.
func use(ctx context.Context, tn *tenant.Store) error {
	if err := tn.RecordAudit(ctx, tenant.Audit{Action: "test.use"}); err != nil {
		return err
	}
	var n int
	return tn.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log`).Scan(&n)
}

// acquireAndUse acquires a tenant, uses it and releases it.
func acquireAndUse(ctx context.Context, pool *tenant.Pool, agencyID string) error {
	tn, release, err := pool.Acquire(ctx, agencyID)
	if err != nil {
		return err
	}
	defer release()
	return use(ctx, tn)
}

func TestTenantPool(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("a tenant opens on first use", func(t *testing.T) {
		t.Parallel()
		pool, ids := mustOpenPoolWithTenants(t, 1, tenant.PoolConfig{MaxOpen: 3, IdleTimeout: time.Hour}, clock.NewManual(testStart))
		if n := pool.OpenCount(); n != 0 {
			t.Fatalf("OpenCount = %d before any Acquire, want 0", n)
		}
		tn := mustAcquire(t, pool, ids[0])
		if tn.AgencyID != ids[0] || tn.Dir != pool.TenantDir(ids[0]) {
			t.Fatalf("got tenant %q in %q", tn.AgencyID, tn.Dir)
		}
		if err := use(ctx, tn); err != nil {
			t.Fatal(err)
		}
		if n := pool.OpenCount(); n != 1 {
			t.Fatalf("OpenCount = %d, want 1", n)
		}
	})

	t.Run("a missing tenant is an error and creates no file", func(t *testing.T) {
		t.Parallel()
		pool := mustOpenPool(t, t.TempDir(), mustReadSchema(t), tenant.PoolConfig{MaxOpen: 3, IdleTimeout: time.Hour}, clock.NewManual(testStart))
		_, _, err := pool.Acquire(ctx, "no-such-agency")
		if !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("got %v, want a not-exist error", err)
		}
		if _, err := os.Stat(pool.TenantDir("no-such-agency")); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("the tenant directory exists after a failed Acquire (stat: %v)", err)
		}
		if n := pool.OpenCount(); n != 0 {
			t.Fatalf("OpenCount = %d, want 0", n)
		}
	})

	t.Run("a failed setup removes the new tenant directory", func(t *testing.T) {
		t.Parallel()
		pool := mustOpenPool(t, t.TempDir(), mustReadSchema(t), tenant.PoolConfig{MaxOpen: 3, IdleTimeout: time.Hour}, clock.NewManual(testStart))
		setupErr := errors.New("setup failed")
		if err := pool.Create(ctx, "agency-1", func(*tenant.Store) error { return setupErr }); !errors.Is(err, setupErr) {
			t.Fatalf("got %v, want the setup error", err)
		}
		if _, err := os.Stat(pool.TenantDir("agency-1")); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("the tenant directory survived (stat: %v)", err)
		}
	})

	t.Run("creating an existing tenant is refused", func(t *testing.T) {
		t.Parallel()
		pool, ids := mustOpenPoolWithTenants(t, 1, tenant.PoolConfig{MaxOpen: 3, IdleTimeout: time.Hour}, clock.NewManual(testStart))
		if err := pool.Create(ctx, ids[0], func(*tenant.Store) error { return nil }); err == nil {
			t.Fatal("got no error")
		}
		if err := acquireAndUse(ctx, pool, ids[0]); err != nil {
			t.Fatalf("the existing tenant broke: %v", err)
		}
	})

	t.Run("at most MaxOpen databases stay open", func(t *testing.T) {
		t.Parallel()
		pool, ids := mustOpenPoolWithTenants(t, 5, tenant.PoolConfig{MaxOpen: 3, IdleTimeout: time.Hour}, clock.NewManual(testStart))
		for round := range 3 {
			for _, id := range ids {
				if err := acquireAndUse(ctx, pool, id); err != nil {
					t.Fatal(err)
				}
				if n := pool.OpenCount(); n > 3 {
					t.Fatalf("round %d, after %s: OpenCount = %d, want at most 3", round, id, n)
				}
			}
		}
		if n := pool.OpenCount(); n != 3 {
			t.Fatalf("OpenCount = %d, want 3", n)
		}
	})

	t.Run("an acquired database is never closed by churn", func(t *testing.T) {
		t.Parallel()
		pool, ids := mustOpenPoolWithTenants(t, 5, tenant.PoolConfig{MaxOpen: 3, IdleTimeout: time.Hour}, clock.NewManual(testStart))
		held, release, err := pool.Acquire(ctx, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		defer release()
		for range 5 {
			for _, id := range ids[1:] {
				if err := acquireAndUse(ctx, pool, id); err != nil {
					t.Fatal(err)
				}
				if n := pool.OpenCount(); n > 3 {
					t.Fatalf("OpenCount = %d, want at most 3", n)
				}
			}
		}
		if err := use(ctx, held); err != nil {
			t.Fatalf("the held database was closed under its user: %v", err)
		}
		again, releaseAgain, err := pool.Acquire(ctx, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		defer releaseAgain()
		if again != held {
			t.Fatal("a second Acquire of a held tenant opened it again")
		}
	})

	t.Run("CloseIdle closes idle databases but not acquired ones", func(t *testing.T) {
		t.Parallel()
		c := clock.NewManual(testStart)
		pool, ids := mustOpenPoolWithTenants(t, 3, tenant.PoolConfig{MaxOpen: 10, IdleTimeout: 10 * time.Minute}, c)
		for _, id := range ids[:2] {
			if err := acquireAndUse(ctx, pool, id); err != nil {
				t.Fatal(err)
			}
		}
		held, release, err := pool.Acquire(ctx, ids[2])
		if err != nil {
			t.Fatal(err)
		}

		c.Advance(5 * time.Minute)
		pool.CloseIdle()
		if n := pool.OpenCount(); n != 3 {
			t.Fatalf("OpenCount = %d before the idle timeout, want 3", n)
		}

		c.Advance(6 * time.Minute)
		pool.CloseIdle()
		if n := pool.OpenCount(); n != 1 {
			t.Fatalf("OpenCount = %d after the idle timeout, want 1 (the acquired one)", n)
		}
		if err := use(ctx, held); err != nil {
			t.Fatalf("the acquired database was closed: %v", err)
		}

		release() // counts as a use: idle from now on
		pool.CloseIdle()
		if n := pool.OpenCount(); n != 1 {
			t.Fatalf("OpenCount = %d right after release, want 1", n)
		}
		c.Advance(11 * time.Minute)
		pool.CloseIdle()
		if n := pool.OpenCount(); n != 0 {
			t.Fatalf("OpenCount = %d, want 0", n)
		}
		if err := acquireAndUse(ctx, pool, ids[0]); err != nil {
			t.Fatalf("reopening after idle close: %v", err)
		}
	})

	t.Run("Acquire after Close is an error", func(t *testing.T) {
		t.Parallel()
		pool, ids := mustOpenPoolWithTenants(t, 1, tenant.PoolConfig{MaxOpen: 3, IdleTimeout: time.Hour}, clock.NewManual(testStart))
		if err := acquireAndUse(ctx, pool, ids[0]); err != nil {
			t.Fatal(err)
		}
		if err := pool.Close(); err != nil {
			t.Fatal(err)
		}
		_, _, err := pool.Acquire(ctx, ids[0])
		wantCode(t, err, apperr.Unavailable)
		if n := pool.OpenCount(); n != 0 {
			t.Fatalf("OpenCount = %d after Close, want 0", n)
		}
	})

	t.Run("Close waits for the last release to close a database in use", func(t *testing.T) {
		t.Parallel()
		pool, ids := mustOpenPoolWithTenants(t, 1, tenant.PoolConfig{MaxOpen: 3, IdleTimeout: time.Hour}, clock.NewManual(testStart))
		held, release, err := pool.Acquire(ctx, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		if err := pool.Close(); err != nil {
			t.Fatal(err)
		}
		if err := use(ctx, held); err != nil {
			t.Fatalf("the database in use was closed by Close: %v", err)
		}
		release()
		if err := use(ctx, held); err == nil {
			t.Fatal("the database still works after its last release on a closed pool")
		}
	})

	t.Run("50 goroutines over 10 tenants with MaxOpen 4 finish without error", func(t *testing.T) {
		t.Parallel()
		const maxOpen = 4
		pool, ids := mustOpenPoolWithTenants(t, 10, tenant.PoolConfig{MaxOpen: maxOpen, IdleTimeout: time.Hour}, clock.NewManual(testStart))
		const goroutines, perGoroutine = 50, 6
		start := make(chan struct{})
		errs := make(chan error, goroutines*perGoroutine)
		var wg sync.WaitGroup
		for g := range goroutines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				for i := range perGoroutine {
					errs <- acquireAndUse(ctx, pool, ids[(g+i*7)%len(ids)])
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
		if n := pool.OpenCount(); n > maxOpen {
			t.Fatalf("OpenCount = %d once everything is released, want at most %d", n, maxOpen)
		}
		total := 0
		for _, id := range ids {
			tn, release, err := pool.Acquire(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			total += queryInt(t, tn, `SELECT COUNT(*) FROM audit_log WHERE action = 'test.use'`)
			release()
		}
		if total != goroutines*perGoroutine {
			t.Fatalf("%d writes landed, want %d", total, goroutines*perGoroutine)
		}
	})
}
