package tenant_test

import (
	"context"
	"fmt"
	"testing"

	"mintedmind/db/tenant"
)

// importRows makes n valid rows like a typical client list.
func importRows(n int, responsible string) []tenant.ImportRow {
	rows := make([]tenant.ImportRow, n)
	for i := range rows {
		rows[i] = tenant.ImportRow{Row: i + 2, ResponsibleEmail: responsible, Input: tenant.ClientInput{
			Name: fmt.Sprintf("Bulk Client %05d", i), Kind: "company", CompanyCode: fmt.Sprintf("BC-%05d", i), VATNumber: fmt.Sprintf("LT%09d", i),
			Emails: []string{fmt.Sprintf("bulk%05d@example.test", i), fmt.Sprintf("office%05d@example.test", i)}, Phones: []string{fmt.Sprintf("+370 600 %05d", i)},
			Street: fmt.Sprintf("Gedimino pr. %d", i), City: "Vilnius", PostalCode: fmt.Sprintf("LT-%05d", i), Country: "Lithuania",
			Notes: fmt.Sprintf("Imported row %d", i), Tags: []string{"bulk", fmt.Sprintf("batch-%d", i%7)},
		}}
	}
	return rows
}

// BenchmarkImportClients imports 10,000 rows in one transaction.
func BenchmarkImportClients(b *testing.B) {
	f := mustOpenFixture(b)
	b.StopTimer()
	for i := 0; i < b.N; i++ {
		tn, owner := f.mustOpenAgency(b, fmt.Sprintf("bench-import-%d", i))
		rows := importRows(10000, owner.Email)
		b.StartTimer()
		if _, err := tn.ImportClients(context.Background(), tenant.Viewer{UserID: owner.ID}, rows, tenant.Audit{Action: "client.imported"}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
	}
}

// BenchmarkListClients reads a page of 50 from 10,000 clients: the first
// page, a common tag, a broad and a narrow search; and, apart, what
// preparing the search's SQL costs of that.
func BenchmarkListClients(b *testing.B) {
	f := mustOpenFixture(b)
	tn, owner := f.mustOpenAgency(b, "bench-list")
	ctx := context.Background()
	v := tenant.Viewer{UserID: owner.ID}
	rows := importRows(10000, owner.Email)
	first := []string{"Ada", "Grace", "Alan", "Marta", "Mantas", "Katherine", "Tomas", "Ona", "Rūta", "Paulius"}
	for i := range rows {
		rows[i].Input.Name = fmt.Sprintf("%s Client %05d", first[i%len(first)], i)
		rows[i].Input.Emails = []string{fmt.Sprintf("%s.%d@example.test", first[(i/3)%len(first)], i)}
		rows[i].Input.Tags = []string{[]string{"vip", "retail", "b2b"}[i%3]}
	}
	if _, err := tn.ImportClients(ctx, v, rows, tenant.Audit{Action: "client.imported"}); err != nil {
		b.Fatal(err)
	}
	filters := map[string]tenant.ClientFilter{
		"first page": {}, "common tag": {Tag: "vip", Sort: tenant.ClientSortUpdated},
		"broad search": {Query: "ma"}, "narrow search": {Query: "tomas client 0"}, "broad search by date": {Query: "ma", Sort: tenant.ClientSortNewest},
	}
	for name, fl := range filters {
		fl.Limit = 50
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := tn.ListClients(ctx, v, fl); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("preparing the broad search", func(b *testing.B) {
		q, _ := tenant.ClientListSQL(b, tn, v, tenant.ClientFilter{Query: "ma", Limit: 50})
		for i := 0; i < b.N; i++ {
			st, err := tn.Read().PrepareContext(ctx, q)
			if err != nil {
				b.Fatal(err)
			}
			st.Close()
		}
	})
}
