package tenant_test

import (
	"context"
	"testing"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
)

// TestQuoteLinesTakeTaxPresets: a quote line that names a tax preset is
// stored at the preset's rate (whatever rate came with it), in the quote's
// totals, with a copy of its note; an archived preset is refused beside
// its line on a new quote but kept by a draft saved with it.
func TestQuoteLinesTakeTaxPresets(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "quotetax")
	ctx := context.Background()
	v, actor := everything(owner), actorOf(owner)
	client := mustCaseClient(t, tn, "Acme", "")
	rc, err := tn.SaveTaxPreset(ctx, "", tenant.TaxPresetInput{Name: "RC", VATRateBP: 0, Note: "Reverse charge"}, tenant.Audit{Action: "tax_preset.created"})
	if err != nil {
		t.Fatal(err)
	}
	in := quoteInput(client)
	in.Lines[0].TaxPresetID = rc // typed at 21 %
	q, err := tn.CreateQuote(ctx, v, actor, in, tenant.Audit{Action: "quote.created"})
	if err != nil {
		t.Fatal(err)
	}
	if l := q.Lines[0]; l.VATRateBP != 0 || l.TaxPresetID != rc || l.TaxNote != "Reverse charge" {
		t.Fatalf("line %+v", l)
	}
	if q.VATTotal != 0 { // 21 % of the design line's 90.00 would be 18.90; the optional line is not chosen
		t.Fatalf("VAT %d", q.VATTotal)
	}
	if err := tn.ArchiveTaxPreset(ctx, rc, tenant.Audit{Action: "tax_preset.archived"}); err != nil {
		t.Fatal(err)
	}
	_, err = tn.CreateQuote(ctx, v, actor, in, tenant.Audit{Action: "quote.created"})
	wantCode(t, err, apperr.Invalid)
	if apperr.FieldsOf(err)["line_tax.0"] == "" {
		t.Fatalf("no message on the line: %v", err)
	}
	if err := tn.UpdateQuoteDraft(ctx, v, q.ID, in, tenant.Audit{Action: "quote.updated"}); err != nil {
		t.Fatalf("the draft does not keep its archived preset: %v", err)
	}
	if q, _ = tn.Quote(ctx, v, q.ID); q.Lines[0].VATRateBP != 0 || q.Lines[0].TaxNote != "Reverse charge" {
		t.Fatalf("kept line %+v", q.Lines[0])
	}
}
