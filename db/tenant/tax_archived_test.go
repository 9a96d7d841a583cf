package tenant_test

import (
	"context"
	"testing"

	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db/tenant"
)

// TestDraftKeepsArchivedPreset: a draft saved with a preset keeps it once
// the preset is archived, at the rate and note its line was given; a new
// invoice, or another draft that never had it, is refused beside the line.
func TestDraftKeepsArchivedPreset(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "taxkept")
	ctx := context.Background()
	v, actor := everything(owner), actorOf(owner)
	client := mustCaseClient(t, tn, "Acme", "")
	old, err := tn.SaveTaxPreset(ctx, "", tenant.TaxPresetInput{Name: "Old", VATRateBP: 1900, Note: "Old note"}, tenant.Audit{Action: "tax_preset.created"})
	if err != nil {
		t.Fatal(err)
	}
	line := billing.Line{Description: "Work", QuantityMilli: 1000, UnitPrice: 10000, VATRateBP: 2100, TaxPresetID: old}
	inv, err := tn.CreateInvoice(ctx, v, actor, invoiceInput(client, line))
	if err != nil {
		t.Fatal(err)
	}
	other, err := tn.CreateInvoice(ctx, v, actor, invoiceInput(client, billing.Line{Description: "Other", QuantityMilli: 1000, UnitPrice: 100, VATRateBP: 2100}))
	if err != nil {
		t.Fatal(err)
	}
	if err := tn.ArchiveTaxPreset(ctx, old, tenant.Audit{Action: "tax_preset.archived"}); err != nil {
		t.Fatal(err)
	}

	t.Run("the draft keeps it", func(t *testing.T) {
		if err := tn.UpdateDraft(ctx, v, inv.ID, 0, invoiceInput(client, line)); err != nil {
			t.Fatal(err)
		}
		got, err := tn.Invoice(ctx, v, inv.ID)
		if err != nil {
			t.Fatal(err)
		}
		if l := got.Lines[0]; l.TaxPresetID != old || l.VATRateBP != 1900 || l.TaxNote != "Old note" {
			t.Fatalf("line %+v", l)
		}
	})

	t.Run("a new invoice or a draft that never had it is refused", func(t *testing.T) {
		_, err := tn.CreateInvoice(ctx, v, actor, invoiceInput(client, line))
		wantCode(t, err, apperr.Invalid)
		err = tn.UpdateDraft(ctx, v, other.ID, 0, invoiceInput(client, line))
		wantCode(t, err, apperr.Invalid)
		if apperr.FieldsOf(err)["line_tax.0"] == "" {
			t.Fatalf("no message on the line: %v", err)
		}
		got, _ := tn.Invoice(ctx, v, other.ID)
		if got.Lines[0].Description != "Other" {
			t.Fatalf("written: %+v", got.Lines)
		}
	})
}
