package tenant_test

import (
	"context"
	"testing"

	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db/tenant"
)

// TestInvoiceLinesTakeTaxPresets: the store gives a line its preset's
// rate and a copy of its note whatever rate came with it, refuses an
// archived preset or another agency's (line_tax.N) with nothing written,
// and a recurring invoice's lines carry rate, note and discount into each
// invoice it issues.
func TestInvoiceLinesTakeTaxPresets(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "taxlines")
	other, otherOwner := f.mustOpenAgency(t, "taxlines-other")
	ctx := context.Background()
	v, actor := everything(owner), actorOf(owner)
	client := mustCaseClient(t, tn, "Acme", "")
	const note = "Reverse charge"
	reverse, err := tn.SaveTaxPreset(ctx, "", tenant.TaxPresetInput{Name: "RC", VATRateBP: 0, Note: note}, tenant.Audit{Action: "tax_preset.created"})
	if err != nil {
		t.Fatal(err)
	}
	archived, err := tn.SaveTaxPreset(ctx, "", tenant.TaxPresetInput{Name: "Old", VATRateBP: 1900}, tenant.Audit{Action: "tax_preset.created"})
	if err != nil {
		t.Fatal(err)
	}
	if err := tn.ArchiveTaxPreset(ctx, archived, tenant.Audit{Action: "tax_preset.archived"}); err != nil {
		t.Fatal(err)
	}
	foreign, err := other.SaveTaxPreset(ctx, "", tenant.TaxPresetInput{Name: "B", VATRateBP: 500, Note: "B"}, tenant.Audit{Action: "tax_preset.created", ActorID: otherOwner.ID})
	if err != nil {
		t.Fatal(err)
	}
	line := func(preset string) billing.Line {
		return billing.Line{Description: "Work", QuantityMilli: 1000, UnitPrice: 10000, VATRateBP: 2100, TaxPresetID: preset, TaxNote: "typed"}
	}

	for name, id := range map[string]string{"archived": archived, "another agency's": foreign} {
		t.Run("an "+name+" preset is refused", func(t *testing.T) {
			before := countRows(t, tn, "invoice_lines")
			_, err := tn.CreateInvoice(ctx, v, actor, invoiceInput(client, line(id)))
			wantCode(t, err, apperr.Invalid)
			if apperr.FieldsOf(err)["line_tax.0"] == "" {
				t.Fatalf("no message on the line: %v", err)
			}
			if n := countRows(t, tn, "invoice_lines"); n != before {
				t.Fatalf("lines %d -> %d", before, n)
			}
		})
	}

	t.Run("the preset's rate and note win over what came with the line", func(t *testing.T) {
		inv, err := tn.CreateInvoice(ctx, v, actor, invoiceInput(client, line(reverse), line("")))
		if err != nil {
			t.Fatal(err)
		}
		got := inv.Lines
		if got[0].VATRateBP != 0 || got[0].TaxNote != note || got[0].TaxPresetID != reverse || got[1].VATRateBP != 2100 || got[1].TaxNote != "" {
			t.Fatalf("lines %+v", got)
		}
		if inv.Total != 22100 {
			t.Fatalf("total %d", inv.Total)
		}
	})

	t.Run("a recurring invoice's invoices carry the note and the discount", func(t *testing.T) {
		l := line(reverse)
		l.DiscountBP = 1000
		in := tenant.RecurringInput{InvoiceInput: invoiceInput(client, l), Frequency: billing.Monthly, IntervalMonths: 1}
		in.IssueDate = "2026-11-01"
		r, err := tn.CreateRecurring(ctx, v, actor, in, tenant.Audit{Action: "recurring.created"})
		if err != nil {
			t.Fatal(err)
		}
		if n, err := tn.GenerateRecurring(ctx, billingDay("2026-11-02"), "Agency", nil); err != nil || n != 1 {
			t.Fatalf("made %d (%v)", n, err)
		}
		if got := queryInt(t, tn, `SELECT COUNT(*) FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
			WHERE i.recurring_id = ? AND l.tax_note = ? AND l.discount_bp = 1000 AND l.vat_rate_bp = 0 AND i.total = 9000`, r.ID, note); got != 1 {
			t.Fatalf("%d invoices with the note and discount", got)
		}
	})
}
