package tenant_test

import (
	"context"
	"os"
	"testing"
	"time"

	"mintedmind/clock"
	"mintedmind/db/control"
	"mintedmind/db/dbtest"
	"mintedmind/db/tenant"
	"mintedmind/internal/demodata"
)

// benchDemoSize is the agency BenchmarkSearch searches: the size of the
// whole-server load test (bench/crm.sh).
var benchDemoSize = demodata.Size{Clients: 2000, Cases: 100_000, Events: 1_000_000}

// mustBenchDemo returns the demo agency's database and its users by role.
// It generates the agency in a temporary directory (about a minute and a
// half), unless MM_BENCH_DATA names a data directory where `mintedmind
// demo` already made the agency "demo", which is then opened (and not
// changed).
func mustBenchDemo(b *testing.B) (*tenant.Store, map[string]*tenant.User) {
	b.Helper()
	ctx := context.Background()
	dir := os.Getenv("MM_BENCH_DATA")
	var tn *tenant.Store
	if dir != "" {
		ctl, err := control.Open(ctx, dir, dbtest.ControlSchema(b), clock.System{})
		if err != nil {
			b.Fatal(err)
		}
		defer ctl.Close()
		pool := mustOpenPool(b, dir, mustReadSchema(b), tenant.PoolConfig{MaxOpen: 4, IdleTimeout: time.Hour}, clock.System{})
		a, err := ctl.AgencyBySlug(ctx, "demo")
		if err != nil {
			b.Fatalf("MM_BENCH_DATA=%s: %v", dir, err)
		}
		tn = mustAcquire(b, pool, a.ID)
	} else {
		f := mustOpenFixture(b)
		var owner *tenant.User
		tn, owner = f.mustOpenAgency(b, "bench-demo")
		mustAddUser(b, tn, "staff1@bench-demo.test", tenant.RoleStaff)
		mustAddUser(b, tn, "staff2@bench-demo.test", tenant.RoleStaff)
		start := time.Now()
		res, err := demodata.Generate(ctx, tn, benchDemoSize, 1, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("generated %d clients, %d cases, %d events, %d notes in %s (owner %s)",
			res.Clients, res.Cases, res.Events, res.Notes, time.Since(start).Round(time.Second), owner.Email)
	}
	users, err := tn.Users(ctx)
	if err != nil {
		b.Fatal(err)
	}
	byRole := map[string]*tenant.User{}
	for _, u := range users {
		if byRole[u.Role] == nil {
			byRole[u.Role] = u
		}
	}
	return tn, byRole
}

// BenchmarkSearch searches a demo agency of 100,000 cases and a million
// history events (about 516,000 index entries) for rare and common words,
// as the owner and as a staff member who sees their own clients and cases
// only. Skipped with -short.
//
//	go test -run '^$' -bench BenchmarkSearch -benchtime 2s ./db/
func BenchmarkSearch(b *testing.B) {
	if testing.Short() {
		b.Skip("generates a 100,000-case agency")
	}
	tn, users := mustBenchDemo(b)
	owner := tenant.Viewer{UserID: users[tenant.RoleOwner].ID}
	restricted := tenant.Viewer{UserID: users[tenant.RoleStaff].ID, OwnOnly: true}
	for _, bc := range []struct {
		name string
		v    tenant.Viewer
		q    string
	}{
		{"rare word", owner, "quokka"},
		{"rare name", owner, "garcia"},
		{"common word", owner, "client"},
		{"common word typed halfway", owner, "clien"},
		{"common prefix", owner, "cl"},
		{"two common words", owner, "client documents"},
		{"common and rare word", owner, "client quokka"},
		{"rare word behind a common prefix", owner, "clinic"},
		{"nothing", owner, "xylophonist"},
		{"restricted staff, common word", restricted, "client"},
		{"restricted staff, rare word", restricted, "quokka"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ctx := context.Background()
			var res *tenant.SearchResult
			var err error
			for b.Loop() {
				if res, err = tn.Search(ctx, bc.v, bc.q); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(res.Hits)), "hits")
			b.ReportMetric(float64(res.Candidates), "ranked")
			b.ReportMetric(float64(res.Scanned), "scanned")
		})
	}

	// What Search avoids: SQLite ranking every match of a common word.
	b.Run("common word, every match ranked by SQLite (not used)", func(b *testing.B) {
		ctx := context.Background()
		for b.Loop() {
			rows, err := tn.Read().QueryContext(ctx, `SELECT rowid, bm25(search_index, 0, 0, 10, 1) AS score FROM search_index
				WHERE search_index MATCH '"client"*' ORDER BY score LIMIT 20`)
			if err != nil {
				b.Fatal(err)
			}
			for rows.Next() {
			}
			rows.Close()
		}
	})
}
