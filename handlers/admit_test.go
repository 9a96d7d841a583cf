package handlers

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// TestAdmit runs the gate with two slots in front of a handler that holds
// its slot until released, through the chains the route table builds: the
// health check's row is Unqueued.
func TestAdmit(t *testing.T) {
	h := &Handlers{slots: make(chan struct{}, 2)}
	p := &Platform{Handlers: h}
	var running, most atomic.Int32
	release := make(chan struct{})
	app := fiber.New()
	hold := func(_ *Handlers, c *fiber.Ctx) error {
		n := running.Add(1)
		defer running.Add(-1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		<-release
		return c.SendString("done")
	}
	for _, r := range []Route{
		get("/work", Public, hold),
		get("/livez", Public, func(_ *Handlers, c *fiber.Ctx) error { return c.SendString("ok") }, Unqueued),
	} {
		app.Add(r.Method, r.Path, p.chain(&r)...)
	}
	get := func(path string) *http.Response {
		res, err := app.Test(httptest.NewRequest("GET", path, nil), -1)
		if err != nil {
			t.Error(err)
			return &http.Response{}
		}
		return res
	}

	t.Run("at most two run at once and every waiting request gets its turn", func(t *testing.T) {
		var wg sync.WaitGroup
		codes := make([]int, 6)
		for i := range codes {
			wg.Add(1)
			go func() { defer wg.Done(); codes[i] = get("/work").StatusCode }()
		}
		waitFor(t, func() bool { return running.Load() == 2 })
		if res := get("/livez"); res.StatusCode != 200 {
			t.Errorf("a health check waited for a slot: %d", res.StatusCode)
		}
		time.Sleep(50 * time.Millisecond) // the other four are queued, not running
		if n := running.Load(); n != 2 {
			t.Fatalf("%d running", n)
		}
		close(release)
		wg.Wait()
		for i, code := range codes {
			if code != 200 {
				t.Errorf("request %d: %d", i, code)
			}
		}
		if most.Load() != 2 {
			t.Errorf("%d ran at once", most.Load())
		}
	})

	t.Run("a request that waits too long is told the server is busy", func(t *testing.T) {
		release = make(chan struct{})
		defer close(release)
		wait := admitWait
		admitWait = 100 * time.Millisecond
		defer func() { admitWait = wait }()
		for range 2 {
			go get("/work")
		}
		waitFor(t, func() bool { return running.Load() == 2 })
		res := get("/work")
		if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
			t.Fatalf("status %d, Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
		}
	})
}

// waitFor polls cond for up to five seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
	}
}
