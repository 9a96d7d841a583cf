package handlers_test

import (
	"context"
	"testing"

	"mintedmind/internal/demodata"
)

// BenchmarkClientPages reads the client list of a demo agency (2,000
// clients, 10,000 cases): the first page and a two-letter search, as
// bench/crm.sh does over HTTP.
func BenchmarkClientPages(b *testing.B) {
	t, e := mustBenchEnv(b)
	a := e.mustSignup(t, "bench-clients")
	tn, release, err := e.pool.Acquire(context.Background(), a.ID)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := demodata.Generate(context.Background(), tn, demodata.Size{Clients: 2000, Cases: 10000, Events: 30000}, 1, nil); err != nil {
		b.Fatal(err)
	}
	release()
	benchPages(b, e, a, []benchPage{
		{name: "client list", path: "/a/" + a.Slug + "/clients"},
		{name: "client search ma", path: "/a/" + a.Slug + "/clients?q=ma"},
		{name: "global search", path: "/a/" + a.Slug + "/search?q=invoice"},
	})
}
