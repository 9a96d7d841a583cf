package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"mintedmind/auth"
	"mintedmind/clock"
	"mintedmind/db"
	"mintedmind/handlers"
)

func BenchmarkScratchDemo(b *testing.B) {
	ctx := context.Background()
	c := clock.System{}
	control, err := db.OpenControl(ctx, "/tmp/mmbench/data", c)
	if err != nil {
		b.Fatal(err)
	}
	schema, _ := os.ReadFile("../schema.sql")
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	pool, _ := db.NewTenantPool("/tmp/mmbench/data", string(schema), db.PoolConfig{MaxOpen: 5, IdleTimeout: time.Hour}, c, log)
	cfg := handlers.DefaultConfig()
	cfg.BaseURL = "http://127.0.0.1:18181"
	app, err := handlers.New(handlers.Deps{Config: cfg, Control: control, Pool: pool, Hasher: auth.NewHasher(auth.Params{Memory: 64, Time: 1, Threads: 1}, 1),
		Clock: c, Log: log, Views: os.DirFS(".."), Assets: os.DirFS("..")})
	if err != nil {
		b.Fatal(err)
	}
	sess, _ := os.ReadFile("/tmp/mmbench/session")
	cookie := "mm_session=" + string(sess[:len(sess)-1])
	handler := app.Handler()
	for _, p := range []string{"/a/demo", "/a/demo/cases", "/a/demo/cases/0994dbf1-c861-4b51-80de-8d3b1685a3c1"} {
		b.Run(p, func(b *testing.B) {
			var ru0, ru1 syscall.Rusage
			syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
			defer func() {
				syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
				cpu := time.Duration((ru1.Utime.Nano() + ru1.Stime.Nano()) - (ru0.Utime.Nano() + ru0.Stime.Nano()))
				b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-us/op")
			}()
			b.RunParallel(func(pb *testing.PB) {
				var ctx fasthttp.RequestCtx
				for pb.Next() {
					ctx.Request.Reset()
					ctx.Response.Reset()
					ctx.Request.SetRequestURI(p)
					ctx.Request.Header.Set("Cookie", cookie)
					handler(&ctx)
					if ctx.Response.StatusCode() != 200 {
						b.Fatalf("status %d %s", ctx.Response.StatusCode(), ctx.Response.Body())
					}
				}
			})
		})
	}
}
