package db_test

import (
	"context"
	"fmt"
	"testing"

	"mintedmind/db"
)

// importRows makes n valid rows like a typical client list.
func importRows(n int, responsible string) []db.ImportRow {
	rows := make([]db.ImportRow, n)
	for i := range rows {
		rows[i] = db.ImportRow{Row: i + 2, ResponsibleEmail: responsible, Input: db.ClientInput{
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
		if _, err := tn.ImportClients(context.Background(), db.Viewer{UserID: owner.ID}, rows, db.Audit{Action: "client.imported"}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
	}
}
