package app_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"mintedmind/app"
	"mintedmind/billing"
	"mintedmind/db/tenant"
)

// pdfTool runs one of poppler's tools on pdf (CI installs poppler-utils).
func pdfTool(t *testing.T, pdf []byte, tool string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		t.Skipf("%s not installed (poppler-utils)", tool)
	}
	path := filepath.Join(t.TempDir(), "invoice.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	args = append(args, path)
	if tool == "pdftotext" {
		args = append(args, "-") // to standard output
	}
	out, err := exec.Command(tool, args...).Output()
	if err != nil {
		t.Fatalf("%s: %v", tool, err)
	}
	return string(out)
}

// An owed invoice in EUR whose bank details carry an IBAN prints an EPC
// QR code of what is still owed (its text per EPC069-12) beside the
// payment details, and the link to pay online while Paysera is set up;
// another currency, no IBAN or nothing owed prints no code.
func TestInvoicePDFPaymentQRAndLink(t *testing.T) {
	t.Parallel()
	s := tenant.BillingSettings{LegalName: "Žalia Studija UAB", BankDetails: "IBAN: LT12 1000 0111 0100 1000\nSWIFT: HABALT22"}
	inv := &tenant.Invoice{ID: "0b8c", Kind: tenant.KindInvoice, Number: "INV-2026-0001", Status: tenant.InvoicePartiallyPaid, Total: 191150, Paid: 50000,
		InvoiceInput: tenant.InvoiceInput{Currency: "EUR", Lines: []billing.Line{{Description: "Work", QuantityMilli: 1000, UnitPrice: 191150}}}}
	d := app.InvoiceDocument(inv, s, "Agency")
	want := "BCD\n002\n1\nSCT\nHABALT22\nŽalia Studija UAB\nLT121000011101001000\nEUR1411.50\n\n\nINV-2026-0001"
	if d.EPCPayload != want {
		t.Fatalf("EPC text %q, want %q", d.EPCPayload, want)
	}
	for what, change := range map[string]func(i tenant.Invoice, s tenant.BillingSettings) (tenant.Invoice, tenant.BillingSettings){
		"in USD": func(i tenant.Invoice, s tenant.BillingSettings) (tenant.Invoice, tenant.BillingSettings) {
			i.Currency = "USD"
			return i, s
		},
		"without an IBAN": func(i tenant.Invoice, s tenant.BillingSettings) (tenant.Invoice, tenant.BillingSettings) {
			s.BankDetails = "Account 1234"
			return i, s
		},
		"paid": func(i tenant.Invoice, s tenant.BillingSettings) (tenant.Invoice, tenant.BillingSettings) {
			i.Status, i.Paid = tenant.InvoicePaid, i.Total
			return i, s
		},
	} {
		i, s := change(*inv, s)
		if d := app.InvoiceDocument(&i, s, "Agency"); d.EPCPayload != "" {
			t.Errorf("%s: a QR code %q", what, d.EPCPayload)
		}
	}

	s.PayseraProjectID, s.PayseraPassword, s.PayseraPublicKey = "1", "pw", "key"
	pdf, err := app.InvoicePayablePDF(inv, s, "Agency", app.InvoicePayURL("https://mm.test", "zalia", inv.ID))
	if err != nil {
		t.Fatal(err)
	}
	text := pdfTool(t, pdf, "pdftotext", "-layout")
	for _, w := range []string{"Scan to pay (SEPA)", "Pay online: https://mm.test/a/zalia/portal/invoices/0b8c", "with reference INV-2026-0001"} {
		if !strings.Contains(text, w) {
			t.Errorf("the PDF lacks %q:\n%s", w, text)
		}
	}
	if images := pdfTool(t, pdf, "pdfimages", "-list"); strings.Count(images, "image") < 1 || !strings.Contains(images, "gray") && !strings.Contains(images, "rgb") {
		t.Errorf("no QR image in the PDF:\n%s", images)
	}
	s.PayseraProjectID = ""
	if pdf, _ := app.InvoicePayablePDF(inv, s, "Agency", "https://mm.test/x"); strings.Contains(pdfTool(t, pdf, "pdftotext"), "Pay online") {
		t.Error("a pay-online link without Paysera")
	}
}
