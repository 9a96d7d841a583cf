package tenant_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"mintedmind/clock"
	"mintedmind/db/tenant"
)

// TestPoolScale is the pool over many agencies (BENCHMARKS.md "10,000
// agencies on one machine"); it runs only when MM_POOL_SCALE gives their
// number:
//
//	MM_POOL_SCALE=10000 MM_POOL_CAP=5000 go test ./db/tenant -run TestPoolScale -v -timeout 30m
//
// One agency with an owner, a client and 20 cases is made and its file
// copied N times. Then rounds of MM_POOL_ROUND (5s) alternate, MM_POOL_ROUNDS
// (3) of each: 32 workers listing cases (Store.Cases, the case list's query,
// 20 rows) in one agency, then in agencies chosen at random among the N. The
// pool's cap is MM_POOL_CAP (what -max-open-tenants auto gives on the
// machine; default N). Each round reports operations/s, p99, CPU per
// operation, RSS, open file descriptors, open agencies and goroutines.
func TestPoolScale(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("MM_POOL_SCALE"))
	if n <= 0 {
		t.Skip("MM_POOL_SCALE is not set")
	}
	capacity := n
	if v, err := strconv.Atoi(os.Getenv("MM_POOL_CAP")); err == nil && v > 0 {
		capacity = v
	}
	round := 5 * time.Second
	if d, err := time.ParseDuration(os.Getenv("MM_POOL_ROUND")); err == nil {
		round = d
	}
	rounds := 3
	if v, err := strconv.Atoi(os.Getenv("MM_POOL_ROUNDS")); err == nil && v > 0 {
		rounds = v
	}
	const workers = 32
	ctx := context.Background()
	dir := t.TempDir()
	schema := mustReadSchema(t)

	// The agency every copy is made from.
	maker := mustOpenPool(t, dir, schema, tenant.PoolConfig{MaxOpen: 2, IdleTimeout: time.Hour}, clock.System{})
	owner, err := maker.CreateWithOwner(ctx, "template", "template", tenant.NewOwner{Email: "owner@scale.test", Name: "Owner", PasswordHash: testHash})
	if err != nil {
		t.Fatal(err)
	}
	tn, release, err := maker.Acquire(ctx, "template")
	if err != nil {
		t.Fatal(err)
	}
	client := mustCaseClient(t, tn, "Scale client", "")
	for i := range 20 {
		mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: client, Title: fmt.Sprintf("Case %d", i)})
	}
	release()
	maker.Close() // checkpointed: the file alone is the database
	image, err := os.ReadFile(filepath.Join(maker.TenantDir("template"), "tenant.db"))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("agency-%05d", i)
		d := filepath.Join(dir, "tenants", ids[i])
		if err := os.MkdirAll(filepath.Join(d, "files"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "tenant.db"), image, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d agencies of %d KiB copied in %s; cap %d, %d workers, rounds of %s", n, len(image)>>10, time.Since(start).Round(time.Millisecond), capacity, workers, round)

	pool := mustOpenPool(t, dir, schema, tenant.PoolConfig{MaxOpen: capacity, IdleTimeout: time.Hour}, clock.System{})
	viewer := everything(owner)
	list := func(id string) error {
		tn, release, err := pool.Acquire(ctx, id)
		if err != nil {
			return err
		}
		defer release()
		rows, _, err := tn.Cases(ctx, viewer, tenant.CaseFilter{})
		if err == nil && len(rows) != 20 {
			err = fmt.Errorf("%s: %d cases, want 20", id, len(rows))
		}
		return err
	}

	// First opens in this process: each runs quick_check as well.
	start, cpu := time.Now(), processCPU()
	var wg sync.WaitGroup
	var firstErr error
	var mu sync.Mutex
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				if err := list(ids[i]); err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		t.Fatal(firstErr)
	}
	t.Logf("first pass, every agency once (open, quick_check, case list): %s, %.0f/s, CPU %s each; %s",
		time.Since(start).Round(time.Millisecond), float64(n)/time.Since(start).Seconds(), (processCPU()-cpu)/time.Duration(n), processState(pool))

	run := func(name string, pick func(r *rand.Rand) string) float64 {
		var all []time.Duration
		var ops int
		deadline := time.Now().Add(round)
		start, cpu := time.Now(), processCPU()
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := rand.New(rand.NewPCG(uint64(w), uint64(time.Now().UnixNano())))
				var lat []time.Duration
				for time.Now().Before(deadline) {
					t0 := time.Now()
					if err := list(pick(r)); err != nil {
						mu.Lock()
						firstErr = err
						mu.Unlock()
						return
					}
					lat = append(lat, time.Since(t0))
				}
				mu.Lock()
				all = append(all, lat...)
				ops += len(lat)
				mu.Unlock()
			}()
		}
		wg.Wait()
		if firstErr != nil {
			t.Fatal(firstErr)
		}
		elapsed := time.Since(start)
		slices.Sort(all)
		rate := float64(ops) / elapsed.Seconds()
		t.Logf("%-14s %8.0f ops/s  p50 %-9s p99 %-9s CPU/op %-9s %s", name, rate,
			all[len(all)/2].Round(time.Microsecond), all[len(all)*99/100].Round(time.Microsecond),
			((processCPU() - cpu) / time.Duration(ops)).Round(time.Microsecond), processState(pool))
		return rate
	}
	for r := range rounds {
		one := run(fmt.Sprintf("round %d one", r+1), func(*rand.Rand) string { return ids[0] })
		spread := run(fmt.Sprintf("round %d random", r+1), func(r *rand.Rand) string { return ids[r.IntN(n)] })
		t.Logf("round %d: random / one = %.2f; load average %s", r+1, spread/one, loadAverage())
	}
}

// processState is the process's resident memory, open file descriptors,
// open agencies and goroutines.
func processState(pool *tenant.Pool) string {
	rss := "?"
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
				rss = strings.TrimSpace(v)
			}
		}
	}
	fds := -1
	if ents, err := os.ReadDir("/proc/self/fd"); err == nil {
		fds = len(ents)
	}
	return fmt.Sprintf("RSS %s, fds %d, open %d, goroutines %d", rss, fds, pool.OpenCount(), runtime.NumGoroutine())
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}
