package app_test

import (
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/boombuler/barcode/qr"

	"mintedmind/app"
	"mintedmind/billing"
	"mintedmind/db/tenant"
)

// The QR code printed in the invoice PDF, read back out of the PDF with
// poppler's pdfimages, is module for module the QR code of the EPC069-12
// text with its fields in order (BCD, 002, 1, SCT, BIC, name, IBAN,
// EUR amount, purpose, structured and unstructured reference): the
// payment a banking app scans is the one the invoice asks for, what is
// still owed included.
func TestInvoicePDFQRCodeIsTheEPCPayment(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("pdfimages"); err != nil {
		t.Skip("pdfimages not installed (poppler-utils)")
	}
	s := tenant.BillingSettings{LegalName: "Žalia Studija UAB", BankDetails: "IBAN: LT12 1000 0111 0100 1000\nSWIFT: HABALT22"}
	inv := &tenant.Invoice{ID: "0b8c", Kind: tenant.KindInvoice, Number: "INV-2026-0007", Status: tenant.InvoicePartiallyPaid, Total: 191150, Paid: 50000,
		InvoiceInput: tenant.InvoiceInput{Currency: "EUR", Lines: []billing.Line{{Description: "Work", QuantityMilli: 1000, UnitPrice: 191150}}}}
	pdf, err := app.InvoicePayablePDF(inv, s, "Agency", "")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "invoice.pdf"), pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdfimages", "-png", filepath.Join(dir, "invoice.pdf"), filepath.Join(dir, "img")).CombinedOutput(); err != nil {
		t.Fatalf("pdfimages: %v %s", err, out)
	}
	pngs, _ := filepath.Glob(filepath.Join(dir, "img-*.png"))
	if len(pngs) != 1 {
		t.Fatalf("%d images in the PDF, want the QR code alone", len(pngs))
	}
	f, err := os.Open(pngs[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	printed, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}

	want := strings.Join([]string{"BCD", "002", "1", "SCT", "HABALT22", "Žalia Studija UAB", "LT121000011101001000", "EUR1411.50", "", "", "INV-2026-0007"}, "\n")
	code, err := qr.Encode(want, qr.M, qr.Unicode)
	if err != nil {
		t.Fatal(err)
	}
	n := code.Bounds().Dx()
	side := printed.Bounds().Dx()
	if side != printed.Bounds().Dy() || side%n != 0 {
		t.Fatalf("the printed code is %v, not a whole number of %d-module squares", printed.Bounds(), n)
	}
	dark := func(img image.Image, x, y int) bool {
		r, g, b, _ := img.At(x, y).RGBA()
		return r+g+b < 3*0x8000
	}
	px := side / n
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			got := dark(printed, printed.Bounds().Min.X+x*px+px/2, printed.Bounds().Min.Y+y*px+px/2)
			if got != dark(code, x, y) {
				t.Fatalf("module (%d, %d) differs from the QR code of the EPC payment %q", x, y, want)
			}
		}
	}
	// Another amount is another code: the comparison sees the payload.
	other, _ := qr.Encode(strings.Replace(want, "EUR1411.50", "EUR1911.50", 1), qr.M, qr.Unicode)
	same := other.Bounds().Dx() == n
	for y := 0; same && y < n; y++ {
		for x := 0; same && x < n; x++ {
			same = dark(printed, printed.Bounds().Min.X+x*px+px/2, printed.Bounds().Min.Y+y*px+px/2) == dark(other, x, y)
		}
	}
	if same {
		t.Fatal("the printed code also matches the full amount's")
	}
}
