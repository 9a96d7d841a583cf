package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"testing"
	"time"

	"mintedmind/app"
	"mintedmind/auth"
	"mintedmind/clock"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/handlers"
	"mintedmind/internal/demodata"
)

// BenchmarkSearchUnderLoad serves the search page of a demo agency of
// 100,000 cases and a million history events from this test process on a
// loopback port, and loads it with wrk (2 threads, 32 connections, 10 s per
// query), so that a CPU profile of the test shows where a loaded server
// spends its time. It reports wrk's requests/s and latencies. It runs once
// whatever -benchtime says; skipped with -short or without wrk.
//
//	go test -run '^$' -bench BenchmarkSearchUnderLoad -benchtime 1x -cpuprofile cpu.out ./handlers/
//	go tool pprof -top -cum handlers.test cpu.out
//
// The agency is generated in a temporary directory (about 80 s), unless
// MM_BENCH_DATA names a data directory where `mintedmind demo` made the
// agency "demo" (bench/crm.sh with DATA=… leaves one).
func BenchmarkSearchUnderLoad(b *testing.B) {
	if testing.Short() {
		b.Skip("generates a 100,000-case agency")
	}
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		b.Skip("wrk is not installed")
	}
	ctx := context.Background()
	dir := os.Getenv("MM_BENCH_DATA")
	if dir == "" {
		dir = b.TempDir()
	}
	c := clock.System{}
	controlSchema, err := os.ReadFile("../control.sql")
	if err != nil {
		b.Fatal(err)
	}
	control, err := control.Open(ctx, dir, string(controlSchema), c)
	if err != nil {
		b.Fatal(err)
	}
	defer control.Close()
	schema, err := os.ReadFile("../schema.sql")
	if err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	pool, err := tenant.NewPool(dir, string(schema), tenant.PoolConfig{MaxOpen: 10, IdleTimeout: time.Hour}, c, log)
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()

	agency, err := control.AgencyBySlug(ctx, "demo")
	if err != nil {
		b.Logf("generating the demo agency in %s", dir)
		agency, _, err = app.CreateAgency(ctx, control, pool, app.NewAgency{Name: "Demo", Slug: "demo", OwnerName: "Olivia Owens", OwnerEmail: "owner@demo.example", OwnerPasswordHash: "x"})
		if err != nil {
			b.Fatal(err)
		}
		tn, release, err := pool.Acquire(ctx, agency.ID)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := demodata.Generate(ctx, tn, demodata.Size{Clients: 2000, Cases: 100_000, Events: 1_000_000}, 1, nil); err != nil {
			b.Fatal(err)
		}
		release()
	}
	tn, release, err := pool.Acquire(ctx, agency.ID)
	if err != nil {
		b.Fatal(err)
	}
	owner, err := tn.UserByEmail(ctx, "owner@demo.example")
	if err != nil {
		b.Fatal(err)
	}
	token, _, err := tn.SignIn(ctx, owner, auth.SessionTimeouts{Idle: time.Hour, Absolute: 24 * time.Hour}, tenant.Audit{Action: "session.signed_in"})
	release()
	if err != nil {
		b.Fatal(err)
	}

	cfg := handlers.DefaultConfig()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	cfg.BaseURL = "http://" + ln.Addr().String()
	app, err := handlers.New(handlers.Deps{
		Config: cfg, Control: control, Pool: pool, Hasher: auth.NewHasher(auth.DefaultParams, 0),
		Clock: c, Log: log, Views: os.DirFS(".."), Assets: os.DirFS(".."),
	})
	if err != nil {
		b.Fatal(err)
	}
	go app.Listener(ln)
	defer app.Shutdown()

	cookie := "Cookie: mm_session=" + agency.ID + "." + token
	for _, q := range []struct{ name, q string }{{"rare word", "quokka"}, {"common word", "client"}} {
		b.Run(q.name, func(b *testing.B) {
			out, err := exec.Command(wrk, "-t2", "-c32", "-d10s", "--latency", "-H", cookie, cfg.BaseURL+"/a/demo/search?q="+q.q).CombinedOutput()
			if err != nil {
				b.Fatalf("wrk: %v\n%s", err, out)
			}
			b.Logf("%s", out)
			if regexp.MustCompile(`Non-2xx or 3xx responses`).Match(out) {
				b.Fatalf("errors:\n%s", out)
			}
			if m := regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`).FindSubmatch(out); m != nil {
				rps, _ := strconv.ParseFloat(string(m[1]), 64)
				b.ReportMetric(rps, "req/s")
			}
			for _, p := range []string{"50", "99"} {
				if m := regexp.MustCompile(`\s` + p + `%\s+([0-9.]+)(us|ms|s)`).FindSubmatch(out); m != nil {
					v, _ := strconv.ParseFloat(string(m[1]), 64)
					switch string(m[2]) {
					case "us":
						v /= 1000
					case "s":
						v *= 1000
					}
					b.ReportMetric(v, "p"+p+"-ms")
				}
			}
		})
	}
}
