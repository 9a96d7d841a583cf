package tenant_test

import (
	"context"
	"testing"
	"time"

	"mintedmind/clock"
	"mintedmind/db/tenant"
)

// benchQuery is the small query each iteration runs on the acquired tenant:
// a read through the read pool, as a page would do.
const benchQuery = `SELECT COUNT(*) FROM users`

func acquireAndQuery(b *testing.B, ctx context.Context, pool *tenant.Pool, agencyID string) {
	tn, release, err := pool.Acquire(ctx, agencyID)
	if err != nil {
		b.Fatal(err)
	}
	var n int
	if err := tn.Read().QueryRowContext(ctx, benchQuery).Scan(&n); err != nil {
		b.Fatal(err)
	}
	release()
}

// BenchmarkTenantColdOpen measures an Acquire of a tenant that is not open:
// with MaxOpen 1 and eight tenants taken in turn, every iteration opens the
// file (writer connection, WAL, pragmas), checks its migrations, opens a
// reader for the query, and on release closes the tenant used before.
func BenchmarkTenantColdOpen(b *testing.B) {
	ctx := context.Background()
	pool, ids := mustOpenPoolWithTenants(b, 8, tenant.PoolConfig{MaxOpen: 1, IdleTimeout: time.Hour}, clock.System{})
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		acquireAndQuery(b, ctx, pool, ids[i%len(ids)])
		i++
	}
	if n := pool.OpenCount(); n != 1 {
		b.Fatalf("OpenCount = %d, want 1: iterations were not cold", n)
	}
}

// BenchmarkTenantWarmAcquire is the same work on a tenant that stays open:
// the pool's bookkeeping plus the query.
func BenchmarkTenantWarmAcquire(b *testing.B) {
	ctx := context.Background()
	pool, ids := mustOpenPoolWithTenants(b, 1, tenant.PoolConfig{MaxOpen: 1, IdleTimeout: time.Hour}, clock.System{})
	acquireAndQuery(b, ctx, pool, ids[0])

	b.Run("acquire and query", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			acquireAndQuery(b, ctx, pool, ids[0])
		}
	})
	b.Run("acquire only", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, release, err := pool.Acquire(ctx, ids[0])
			if err != nil {
				b.Fatal(err)
			}
			release()
		}
	})
	b.Run("acquire only parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				_, release, err := pool.Acquire(ctx, ids[0])
				if err != nil {
					b.Error(err)
					return
				}
				release()
			}
		})
	})
}
