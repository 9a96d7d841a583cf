package tenant_test

import (
	"context"
	"testing"

	"mintedmind/db/tenant"
	"mintedmind/internal/demodata"
)

// BenchmarkEraseClient erases one client (with their cases, notes, history
// and the sweep of every text column) in an agency of 2,000 clients,
// 10,000 cases and 100,000 history events.
func BenchmarkEraseClient(b *testing.B) {
	ctx := context.Background()
	f := mustOpenFixture(b)
	tn, owner := f.mustOpenAgency(b, "bench-erase")
	if _, err := demodata.Generate(ctx, tn, demodata.Size{Clients: 2000, Cases: 10000, Events: 100000}, 1, nil); err != nil {
		b.Fatal(err)
	}
	v := tenant.Viewer{UserID: owner.ID}
	rows, err := tn.Read().QueryContext(ctx, `SELECT id, name FROM clients ORDER BY id`)
	if err != nil {
		b.Fatal(err)
	}
	type client struct{ id, name string }
	var clients []client
	for rows.Next() {
		var c client
		rows.Scan(&c.id, &c.name)
		clients = append(clients, c)
	}
	rows.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c := clients[i%len(clients)]
		if _, err := tn.EraseClient(ctx, v, c.id, c.name, tenant.Audit{Action: "client.erased"}); err != nil && i < len(clients) {
			b.Fatal(err)
		}
	}
}
