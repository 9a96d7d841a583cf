package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"mintedmind/auth"
	"mintedmind/handlers"
)

// TestConcurrentSignupsAndSignins stays serial: its burst of 250 requests
// (50 sign-ups, each hashing a password and creating a database) is heavy
// under -race. On a loaded machine some wait past the admission queue's
// 30 s and are told the server is busy, before any handler runs: those
// clients try again, as Retry-After asks, and every agency is made once.
func TestConcurrentSignupsAndSignins(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	e := mustNewEnv(t, func(c *handlers.Config) {
		c.LoginIPLimit = handlers.Limit{Max: 10000, Window: 1}
	})
	const agencies, signins = 50, 200
	var wg sync.WaitGroup
	errs := make(chan string, agencies+signins)
	slugs := make([]string, agencies)
	for i := range agencies {
		slugs[i] = fmt.Sprintf("conc-%d", i)
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := e.newClient()
			res := untilAdmitted(func() *response {
				c.get("/signup")
				return c.post("/signup", url.Values{"agency_name": {"Agency " + slugs[i]}, "slug": {slugs[i]}, "owner_name": {"Owner"},
					"email": {"owner@" + slugs[i] + ".test"}, "password": {testPassword}})
			})
			if res.StatusCode != http.StatusSeeOther {
				errs <- fmt.Sprintf("signup %s: %d %s", slugs[i], res.StatusCode, firstLine(res.Body))
			}
		}()
	}
	wg.Wait()
	for i := range signins {
		slug := slugs[i%agencies]
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := e.newClient()
			res := untilAdmitted(func() *response {
				c.get("/a/" + slug + "/login")
				return c.post("/a/"+slug+"/login", url.Values{"email": {"owner@" + slug + ".test"}, "password": {testPassword}})
			})
			if res.StatusCode != http.StatusSeeOther {
				errs <- fmt.Sprintf("sign-in %s: %d %s", slug, res.StatusCode, firstLine(res.Body))
				return
			}
			if res := c.get("/a/" + slug); res.StatusCode != http.StatusOK {
				errs <- fmt.Sprintf("dashboard %s: %d", slug, res.StatusCode)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Error(msg)
	}
	if n, _ := e.control.AgencyCount(t.Context()); n != agencies {
		t.Fatalf("%d agencies, want %d", n, agencies)
	}
}

// untilAdmitted sends a request again, up to five times, while the server
// answers that it is busy (the admission queue refused it before any
// handler ran, so nothing was written).
func untilAdmitted(send func() *response) *response {
	res := send()
	for try := 1; try < 5 && res.StatusCode == http.StatusServiceUnavailable && strings.Contains(res.Body, "The server is busy"); try++ {
		res = send()
	}
	return res
}

func firstLine(s string) string {
	if i := strings.Index(s, "<h1>"); i >= 0 {
		s = s[i:]
	}
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

// The real cost parameters queue behind the hasher's bound: a burst of
// sign-ins waits instead of running 200 argon2 hashes (19 MiB each) at once.
func TestHasherBoundsConcurrency(t *testing.T) {
	t.Parallel()
	h := auth.NewHasher(auth.Params{Memory: 1024, Time: 1, Threads: 1}, 2)
	hash, err := h.Hash(t.Context(), testPassword)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ok, err := h.Verify(t.Context(), hash, testPassword); !ok || err != nil {
				t.Error("verify failed", err)
			}
		}()
	}
	wg.Wait()
}
