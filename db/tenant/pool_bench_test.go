package tenant_test

import (
	"context"
	"syscall"
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
// The CPU time per iteration (cpu-ns/op, the process's user + system time
// over the loop) is reported beside the wall time: on a shared machine it
// is the steadier figure.
func BenchmarkTenantColdOpen(b *testing.B) {
	ctx := context.Background()
	pool, ids := mustOpenPoolWithTenants(b, 8, tenant.PoolConfig{MaxOpen: 1, IdleTimeout: time.Hour}, clock.System{})
	b.ReportAllocs()
	i := 0
	cpu := processCPU()
	for b.Loop() {
		acquireAndQuery(b, ctx, pool, ids[i%len(ids)])
		i++
	}
	b.ReportMetric(float64(processCPU()-cpu)/float64(i), "cpu-ns/op")
	if n := pool.OpenCount(); n != 1 {
		b.Fatalf("OpenCount = %d, want 1: iterations were not cold", n)
	}
}

// BenchmarkTenantColdOpenOnly is BenchmarkTenantColdOpen without the
// query: the open itself (and the close of the tenant evicted for it).
// The query's share is what the first statement on a new connection
// costs, SQLite reading and parsing the schema.
func BenchmarkTenantColdOpenOnly(b *testing.B) {
	ctx := context.Background()
	pool, ids := mustOpenPoolWithTenants(b, 8, tenant.PoolConfig{MaxOpen: 1, IdleTimeout: time.Hour}, clock.System{})
	b.ReportAllocs()
	i := 0
	cpu := processCPU()
	for b.Loop() {
		_, release, err := pool.Acquire(ctx, ids[i%len(ids)])
		if err != nil {
			b.Fatal(err)
		}
		release()
		i++
	}
	b.ReportMetric(float64(processCPU()-cpu)/float64(i), "cpu-ns/op")
}

// processCPU is the user + system CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
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
