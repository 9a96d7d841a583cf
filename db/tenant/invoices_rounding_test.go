package tenant_test

import (
	"context"
	"testing"

	"mintedmind/billing"
	"mintedmind/db/tenant"
)

// halfEuro is a line of 0.50 (without VAT) at rateBP.
func halfEuro(description string, rateBP int64) billing.Line {
	return billing.Line{Description: description, QuantityMilli: 1000, UnitPrice: 50, VATRateBP: rateBP}
}

// The totals an invoice stores are rounded as billing.Compute rounds: VAT
// once per rate on the summed nets, halves away from zero, never per line
// and never half to even. The amounts are the ones where those rules differ.
func TestInvoiceTotalsRoundVATOncePerRate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "vat-rounding")
	client := mustCaseClient(t, tn, "Acme", "")
	tests := []struct {
		name                 string
		lines                []billing.Line
		subtotal, vat, total int64
	}{
		// 21 % of 1.00 = 0.21; per line it would be 0.11 + 0.11 = 0.22.
		{"two lines of 0.50 at 21 % owe 0.21 VAT, not 0.22", []billing.Line{halfEuro("a", 2100), halfEuro("b", 2100)}, 100, 21, 121},
		// 21 % of 0.50 = 0.105: away from zero 0.11, half to even 0.10.
		{"one line of 0.50 at 21 % owes 0.11 VAT, not 0.10", []billing.Line{halfEuro("a", 2100)}, 50, 11, 61},
		// 21 % of 1.50 = 0.315 → 0.32 and 9 % of 1.50 = 0.135 → 0.14: 0.46;
		// per line 3 × 0.11 + 3 × 0.05 = 0.48; once over the invoice 0.45.
		{"three lines at 21 % and three at 9 % owe 0.46 VAT, not 0.48 or 0.45", []billing.Line{
			halfEuro("a", 2100), halfEuro("b", 900), halfEuro("c", 2100), halfEuro("d", 900), halfEuro("e", 2100), halfEuro("f", 900)}, 300, 46, 346},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			draft, err := tn.CreateInvoice(ctx, everything(owner), actorOf(owner), invoiceInput(client, tt.lines...))
			if err != nil {
				t.Fatal(err)
			}
			if draft.Subtotal != tt.subtotal || draft.VATTotal != tt.vat || draft.Total != tt.total {
				t.Fatalf("draft: subtotal %d, VAT %d, total %d; want %d, %d, %d", draft.Subtotal, draft.VATTotal, draft.Total, tt.subtotal, tt.vat, tt.total)
			}
			issued, err := tn.IssueInvoice(ctx, everything(owner), actorOf(owner), "Agency", draft.ID, tenant.Audit{Action: "invoice.issued"})
			if err != nil {
				t.Fatal(err)
			}
			if issued.VATTotal != tt.vat || issued.Total != tt.total || issued.Outstanding() != tt.total {
				t.Fatalf("issued: VAT %d, total %d, outstanding %d; want %d, %d", issued.VATTotal, issued.Total, issued.Outstanding(), tt.vat, tt.total)
			}
			if n := queryInt(t, tn, `SELECT vat_total FROM invoices WHERE id = ?`, draft.ID); int64(n) != tt.vat {
				t.Fatalf("stored vat_total %d, want %d", n, tt.vat)
			}
		})
	}
	t.Run("editing a draft to two lines of 0.50 at 21 % stores 0.21 VAT", func(t *testing.T) {
		draft, err := tn.CreateInvoice(ctx, everything(owner), actorOf(owner), invoiceInput(client))
		if err != nil {
			t.Fatal(err)
		}
		if err := tn.UpdateDraft(ctx, everything(owner), draft.ID, 0, invoiceInput(client, halfEuro("a", 2100), halfEuro("b", 2100))); err != nil {
			t.Fatal(err)
		}
		got, err := tn.Invoice(ctx, tenant.Viewer{}, draft.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.VATTotal != 21 || got.Total != 121 {
			t.Fatalf("VAT %d, total %d; want 21, 121", got.VATTotal, got.Total)
		}
	})
}
