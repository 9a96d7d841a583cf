package tenant_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/google/uuid"

	"mintedmind/db/tenant"
)

// BenchmarkInvoiceList reads the first page (50 rows) of the invoice list
// of an agency with 20,000 invoices over 500 clients: all, unpaid, overdue,
// and one client's.
//
//	go test ./db -run X -bench InvoiceList
func BenchmarkInvoiceList(b *testing.B) {
	f := mustOpenFixture(b)
	tn, owner := f.mustOpenAgency(b, "inv-bench")
	ctx := context.Background()
	var clients []string
	for i := 0; i < 500; i++ {
		clients = append(clients, mustCaseClient(b, tn, fmt.Sprintf("Client %03d", i), ""))
	}
	statuses := []string{"draft", "issued", "partially_paid", "paid", "paid", "paid", "void"}
	err := tn.Tx(ctx, func(tx *sql.Tx) error {
		for i := 0; i < 20000; i++ {
			st := statuses[i%len(statuses)]
			var number any
			if st != "draft" {
				number = fmt.Sprintf("INV-2026-%05d", i)
			}
			due := fmt.Sprintf("2026-%02d-%02d", 1+i%12, 1+i%28)
			if _, err := tx.Exec(`INSERT INTO invoices (id, number, client_id, status, currency, issue_date, terms_days, due_date, total, paid, created_at, updated_at)
				VALUES (?, ?, ?, ?, 'EUR', ?, 14, ?, 10000, 0, ?, ?)`, uuid.NewString(), number, clients[i%len(clients)], st, due, due, 1_700_000_000+i, 1_700_000_000+i); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	v := everything(owner)
	for _, c := range []struct {
		name string
		f    tenant.InvoiceFilter
	}{
		{"all", tenant.InvoiceFilter{}},
		{"unpaid", tenant.InvoiceFilter{Status: "open"}},
		{"overdue", tenant.InvoiceFilter{Status: tenant.InvoiceOverdue, Today: "2026-11-02"}},
		{"one client", tenant.InvoiceFilter{ClientID: clients[7]}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				rows, _, err := tn.Invoices(ctx, v, c.f)
				if err != nil || len(rows) == 0 {
					b.Fatal(len(rows), err)
				}
			}
		})
	}
}
