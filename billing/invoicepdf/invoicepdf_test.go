package invoicepdf_test

import (
	"bytes"
	"testing"
	"time"

	"mintedmind/billing"
	"mintedmind/billing/invoicepdf"
)

func sampleDocument() invoicepdf.Document {
	return invoicepdf.Document{
		Title: "Invoice", Number: "INV-2026-0042", IssueDate: "2026-11-02", DueDate: "2026-11-16", Currency: "EUR",
		Seller:      billing.Party{Name: "Žalias Agentūra UAB", Address: []string{"Gedimino pr. 1", "01103 Vilnius", "LT"}, CompanyCode: "304000000", VATNumber: "LT100000000000"},
		Buyer:       billing.Party{Name: "Łukasz Müller", Address: []string{"Straße 5"}, Email: "lm@example.test"},
		BankDetails: []string{"IBAN: LT12 1000 0111 0100 1000", "SWIFT: HABALT22"},
		Lines: []billing.Line{{Description: "Consulting, November — a long description that wraps onto a second row of the table because it is long", QuantityMilli: 12500, UnitPrice: 8000, VATRateBP: 2100},
			{Description: "Hosting", QuantityMilli: 1000, UnitPrice: 1999, VATRateBP: 900}},
		Notes: "Thank you.", Created: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC),
		Paid: 5000, Payments: []invoicepdf.PaymentLine{{Date: "2026-11-05", Method: "Bank transfer", Reference: "SEPA-42", Amount: 5000}},
	}
}

func TestWrite(t *testing.T) {
	d := sampleDocument()
	d.Totals = billing.Compute(d.Lines)
	var b bytes.Buffer
	if err := invoicepdf.Write(&b, d); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte("%PDF-")) || !bytes.Contains(b.Bytes(), []byte("INV-2026-0042")) {
		t.Fatalf("not a PDF naming its number (%d bytes)", b.Len())
	}
	t.Run("a bad logo is left out, not an error", func(t *testing.T) {
		d.Logo = []byte("not an image")
		var b bytes.Buffer
		if err := invoicepdf.Write(&b, d); err != nil {
			t.Fatal(err)
		}
	})
}

func BenchmarkWrite(b *testing.B) {
	d := sampleDocument()
	for i := 0; i < 18; i++ {
		d.Lines = append(d.Lines, d.Lines[1])
	}
	d.Totals = billing.Compute(d.Lines)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		var buf bytes.Buffer
		if err := invoicepdf.Write(&buf, d); err != nil {
			b.Fatal(err)
		}
	}
}
