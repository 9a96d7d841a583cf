package app_test

import (
	"bytes"
	"strings"
	"testing"

	"mintedmind/app"
	"mintedmind/billing"
	"mintedmind/billing/invoicepdf"
	"mintedmind/db/tenant"
)

// The PDF of an invoice with something owed says how to pay it (the
// amount, the account, the invoice number as reference) and marks a
// partly paid one PARTLY PAID; a paid one is PAID with no such line.
func TestInvoiceDocumentPaymentLine(t *testing.T) {
	t.Parallel()
	s := tenant.BillingSettings{BankDetails: "IBAN: LT12 1000 0111 0100 1000\nSWIFT: HABALT22"}
	inv := &tenant.Invoice{Kind: tenant.KindInvoice, Number: "INV-2026-0001", Status: tenant.InvoicePartiallyPaid, Total: 191150, Paid: 50000,
		InvoiceInput: tenant.InvoiceInput{Currency: "EUR", Lines: []billing.Line{{Description: "Work", QuantityMilli: 1000, UnitPrice: 191150}}}}
	d := app.InvoiceDocument(inv, s, "Agency")
	if d.Status != "PARTLY PAID" || d.PaymentReference != "Pay 1,411.50 EUR to the account above with reference INV-2026-0001." {
		t.Fatalf("status %q, payment line %q", d.Status, d.PaymentReference)
	}
	var b bytes.Buffer
	if err := invoicepdf.Write(&b, d); err != nil || !bytes.HasPrefix(b.Bytes(), []byte("%PDF-")) {
		t.Fatalf("PDF: %v", err)
	}
	inv.Status, inv.Paid = tenant.InvoicePaid, inv.Total
	if d := app.InvoiceDocument(inv, s, "Agency"); d.Status != "PAID" || d.PaymentReference != "" {
		t.Fatalf("paid: %q %q", d.Status, d.PaymentReference)
	}
	inv.Status, inv.Paid = tenant.InvoiceIssued, 0
	if d := app.InvoiceDocument(inv, tenant.BillingSettings{}, "Agency"); !strings.HasPrefix(d.PaymentReference, "Pay 1,911.50 EUR with reference INV-2026-0001") {
		t.Fatalf("without bank details: %q", d.PaymentReference)
	}
}
