package handlers

import (
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// TestAdmit runs the gate with two slots in front of a handler that holds
// its slot until released, through the chains the route table builds: the
// health check's row is Unqueued. It stays serial: it shortens the
// package-wide admitWait.
func TestAdmit(t *testing.T) {
	h := &Handlers{slots: make(chan struct{}, 2)}
	p := &Platform{Handlers: h}
	var running, most atomic.Int32
	release := make(chan struct{})
	entered := make(chan struct{}, 16) // one value per request that got a slot
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
		entered <- struct{}{}
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
		<-entered
		<-entered
		if res := get("/livez"); res.StatusCode != 200 {
			t.Errorf("a health check waited for a slot: %d", res.StatusCode)
		}
		waitQueued(t, 4) // the other four are queued, not running
		if n := running.Load(); n != 2 {
			t.Fatalf("%d running", n)
		}
		close(release)
		wg.Wait()
		for range 4 { // the queued four got their turn
			<-entered
		}
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
		<-entered
		<-entered
		res := get("/work")
		if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
			t.Fatalf("status %d, Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
		}
		if body, _ := io.ReadAll(res.Body); !strings.Contains(string(body), "The server is busy. Try again in a moment.") {
			t.Fatalf("the busy answer does not say so:\n%s", body)
		}
	})
}

// waitQueued returns once n goroutines are blocked in the gate waiting for
// a slot, as the runtime's goroutine dump shows them (a blocked channel
// send has no event to wait on); it yields the processor between looks.
func waitQueued(t *testing.T, n int) {
	t.Helper()
	buf := make([]byte, 1<<20)
	for deadline := time.Now().Add(10 * time.Second); ; runtime.Gosched() {
		dump := string(buf[:runtime.Stack(buf, true)])
		queued := 0
		for _, g := range strings.Split(dump, "\n\n") {
			if strings.Contains(g, "[select") && strings.Contains(g, "handlers.(*Handlers).admit(") {
				queued++
			}
		}
		if queued >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d requests queued, want %d", queued, n)
		}
	}
}
