package handlers_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"mintedmind/handlers"

	"github.com/google/uuid"
	"github.com/valyala/fasthttp"
)

// mustSeedCases inserts n cases (each with two labels and a creation event)
// for clients of the agency with plain SQL, fast enough for benchmarks, and
// a history of 200 events for case number 1, whose id it returns.
func mustSeedCases(tb testing.TB, e *env, a *agency, clients, n int) string {
	tb.Helper()
	tn, release, err := e.pool.Acquire(context.Background(), a.ID)
	if err != nil {
		tb.Fatal(err)
	}
	defer release()
	var long string
	err = tn.Tx(context.Background(), func(tx *sql.Tx) error {
		var owner string
		if err := tx.QueryRow(`SELECT id FROM users WHERE role = 'owner'`).Scan(&owner); err != nil {
			return err
		}
		ids := make([]string, clients)
		for i := range ids {
			ids[i] = uuid.NewString()
			if _, err := tx.Exec(`INSERT INTO clients (id, name, kind, created_at, updated_at) VALUES (?, ?, 'company', 1, 1)`, ids[i], fmt.Sprintf("Client & Co %d", i)); err != nil {
				return err
			}
		}
		for i := 1; i <= n; i++ {
			id := uuid.NewString()
			if _, err := tx.Exec(`INSERT INTO cases (id, number, client_id, title, description, status, priority, assignee_id, due_date, created_at, updated_at)
				VALUES (?, ?, ?, ?, 'x', ?, ?, ?, ?, ?, ?)`, id, i, ids[i%clients], fmt.Sprintf("Case <%d> about the printer's toner", i),
				[]string{"new", "in_progress", "waiting", "resolved", "closed"}[i%5], []string{"low", "normal", "high", "urgent"}[i%4],
				owner, fmt.Sprintf("2026-%02d-%02d", 1+i%12, 1+i%28), 1000+i, 2000+i); err != nil {
				return err
			}
			for _, l := range []string{"billing", fmt.Sprintf("team-%d", i%7)} {
				if _, err := tx.Exec(`INSERT INTO case_labels (case_id, label) VALUES (?, ?)`, id, l); err != nil {
					return err
				}
			}
			if _, err := tx.Exec(`INSERT INTO case_events (case_id, at, kind, new_value) VALUES (?, ?, 'created', 'x')`, id, 1000+i); err != nil {
				return err
			}
			if i == 1 {
				long = id
			}
		}
		for i := 0; i < 199; i++ {
			if _, err := tx.Exec(`INSERT INTO case_events (case_id, at, actor_name, kind, old_value, new_value) VALUES (?, ?, 'Olive Owner', 'status', 'new', 'in_progress')`, long, 3000+i); err != nil {
				return err
			}
		}
		_, err := tx.Exec(`INSERT INTO sequences (name, value) VALUES ('case', ?)`, n)
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return long
}

// BenchmarkCasePages serves the case list (50 rows of 5,000 cases) and a
// case page with a 200-event history, the whole request through the
// middleware (agency, session, settings) but without the network, next to
// the dashboard as a baseline for what every signed-in page costs, and
// the same 50 cases as the API's JSON list (an API token with the cases
// read scope; the per-token rate limit raised out of the way), so that
// the two lists are measured in one run.
//
//	go test -run '^$' -bench BenchmarkCasePages -benchmem ./handlers/
func BenchmarkCasePages(b *testing.B) {
	t, e := mustBenchEnv(b, func(c *handlers.Config) {
		c.APILimit = handlers.Limit{Max: 1 << 30, Window: time.Hour}
	})
	a := e.mustSignup(t, "bench")
	long := mustSeedCases(b, e, a, 500, 5000)
	token := mustAPIToken(t, e, a, "Bench", url.Values{"scope_cases": {"read"}}).headers["Authorization"]
	benchPages(b, e, a, []benchPage{
		{name: "dashboard", path: "/a/" + a.Slug},
		{name: "case list", path: "/a/" + a.Slug + "/cases"},
		{name: "API case list", path: "/api/v1/cases?limit=50", authorization: token},
		{name: "case page with 200 events", path: "/a/" + a.Slug + "/cases/" + long},
	})
}

// benchPage is a page a benchmark reads, signed in as the agency's owner,
// or with an API token when authorization is set (the header's value).
type benchPage struct{ name, path, authorization string }

// benchPages runs a sub-benchmark per page: the app's handler called
// directly, in parallel, each request signed in as a's owner.
func benchPages(b *testing.B, e *env, a *agency, pages []benchPage) {
	handler := e.app.Handler()
	cookie := "mm_session=" + a.Owner.cookie("mm_session")
	for _, page := range pages {
		b.Run(page.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				var ctx fasthttp.RequestCtx
				for pb.Next() {
					ctx.Request.Reset()
					ctx.Response.Reset()
					ctx.Request.SetRequestURI(page.path)
					if page.authorization != "" {
						ctx.Request.Header.Set("Authorization", page.authorization)
					} else {
						ctx.Request.Header.Set("Cookie", cookie)
					}
					handler(&ctx)
					if ctx.Response.StatusCode() != 200 {
						b.Fatalf("status %d", ctx.Response.StatusCode())
					}
				}
			})
		})
	}
}

// mustBenchEnv is mustNewEnv for a benchmark. The env helpers take a
// *testing.T; this one lives as long as the benchmark, which does the
// clean-up they would have registered.
func mustBenchEnv(b *testing.B, opts ...func(*handlers.Config)) (*testing.T, *env) {
	t := &testing.T{}
	e := mustNewEnv(t, opts...)
	b.Cleanup(func() {
		e.pool.Close()
		e.control.Close()
		os.RemoveAll(filepath.Dir(e.dir))
	})
	return t, e
}
