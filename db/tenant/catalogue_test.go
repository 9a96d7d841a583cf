package tenant_test

import (
	"context"
	"strings"
	"testing"

	"mintedmind/apperr"
	"mintedmind/db/tenant"
)

// TestCatalogueItems: an item is saved with its price and preset and
// audited; bad input (no name, too long, a negative price, an archived or
// another agency's preset) is refused on its field with nothing written;
// another agency's item or an archived one is not found, not changed and
// not listed; an item whose preset is archived since lists without it.
func TestCatalogueItems(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, _ := f.mustOpenAgency(t, "catalogue")
	other, _ := f.mustOpenAgency(t, "catalogue-other")
	ctx := context.Background()
	audit := func(action string) tenant.Audit { return tenant.Audit{Action: action} }
	preset, err := tn.SaveTaxPreset(ctx, "", tenant.TaxPresetInput{Name: "LT 21 %", VATRateBP: 2100}, audit("tax_preset.created"))
	if err != nil {
		t.Fatal(err)
	}
	old, err := tn.SaveTaxPreset(ctx, "", tenant.TaxPresetInput{Name: "Old", VATRateBP: 900}, audit("tax_preset.created"))
	if err != nil {
		t.Fatal(err)
	}
	if err := tn.ArchiveTaxPreset(ctx, old, audit("tax_preset.archived")); err != nil {
		t.Fatal(err)
	}
	foreignPreset, err := other.SaveTaxPreset(ctx, "", tenant.TaxPresetInput{Name: "B", VATRateBP: 500}, audit("tax_preset.created"))
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := other.SaveCatalogueItem(ctx, "", tenant.CatalogueItemInput{Name: "B's item", UnitPrice: 100}, audit("catalogue_item.created"))
	if err != nil {
		t.Fatal(err)
	}

	var logo string
	t.Run("an item is saved, listed and audited", func(t *testing.T) {
		logo, err = tn.SaveCatalogueItem(ctx, "", tenant.CatalogueItemInput{Name: " Logo design ", Description: "Logo, three rounds", UnitPrice: 45000, TaxPresetID: preset}, audit("catalogue_item.created"))
		if err != nil {
			t.Fatal(err)
		}
		items, err := tn.CatalogueItems(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 1 || items[0].Name != "Logo design" || items[0].UnitPrice != 45000 || items[0].TaxPresetID != preset || items[0].LineText() != "Logo, three rounds" {
			t.Fatalf("items %+v", items)
		}
		if n := countRows(t, tn, "audit_log WHERE action = 'catalogue_item.created'"); n != 1 {
			t.Fatalf("%d audit entries", n)
		}
	})

	for name, in := range map[string]tenant.CatalogueItemInput{
		"no name":                 {Name: " ", UnitPrice: 1},
		"a name too long":         {Name: strings.Repeat("n", tenant.CatalogueNameMax+1), UnitPrice: 1},
		"a description too long":  {Name: "Long", Description: strings.Repeat("d", tenant.CatalogueDescriptionMax+1), UnitPrice: 1},
		"a negative price":        {Name: "Minus", UnitPrice: -1},
		"an archived preset":      {Name: "Old rate", UnitPrice: 1, TaxPresetID: old},
		"another agency's preset": {Name: "Theirs", UnitPrice: 1, TaxPresetID: foreignPreset},
	} {
		t.Run(name+" is refused with nothing written", func(t *testing.T) {
			before := countRows(t, tn, "catalogue_items")
			audits := countRows(t, tn, "audit_log")
			_, err := tn.SaveCatalogueItem(ctx, "", in, audit("catalogue_item.created"))
			wantCode(t, err, apperr.Invalid)
			if len(apperr.FieldsOf(err)) == 0 {
				t.Fatalf("no field named: %v", err)
			}
			if _, err := tn.SaveCatalogueItem(ctx, logo, in, audit("catalogue_item.changed")); apperr.CodeOf(err) != apperr.Invalid {
				t.Fatalf("change: %v", err)
			}
			if countRows(t, tn, "catalogue_items") != before || countRows(t, tn, "audit_log") != audits {
				t.Fatal("written")
			}
			if i, _ := tn.CatalogueItem(ctx, logo); i.Name != "Logo design" {
				t.Fatalf("changed: %+v", i)
			}
		})
	}

	t.Run("another agency's item is not found nor changed", func(t *testing.T) {
		_, err := tn.CatalogueItem(ctx, foreign)
		wantCode(t, err, apperr.NotFound)
		_, err = tn.SaveCatalogueItem(ctx, foreign, tenant.CatalogueItemInput{Name: "Taken", UnitPrice: 1}, audit("catalogue_item.changed"))
		wantCode(t, err, apperr.NotFound)
		wantCode(t, tn.ArchiveCatalogueItem(ctx, foreign, audit("catalogue_item.archived")), apperr.NotFound)
		if i, err := other.CatalogueItem(ctx, foreign); err != nil || i.Name != "B's item" {
			t.Fatalf("B's item %+v, %v", i, err)
		}
	})

	t.Run("an item whose preset is archived lists without it", func(t *testing.T) {
		if err := tn.ArchiveTaxPreset(ctx, preset, audit("tax_preset.archived")); err != nil {
			t.Fatal(err)
		}
		i, err := tn.CatalogueItem(ctx, logo)
		if err != nil || i.TaxPresetID != "" {
			t.Fatalf("item %+v, %v", i, err)
		}
	})

	t.Run("an archived item is not listed, found or archived again", func(t *testing.T) {
		if err := tn.ArchiveCatalogueItem(ctx, logo, audit("catalogue_item.archived")); err != nil {
			t.Fatal(err)
		}
		_, err := tn.CatalogueItem(ctx, logo)
		wantCode(t, err, apperr.NotFound)
		wantCode(t, tn.ArchiveCatalogueItem(ctx, logo, audit("catalogue_item.archived")), apperr.NotFound)
		if items, _ := tn.CatalogueItems(ctx); len(items) != 0 {
			t.Fatalf("listed: %+v", items)
		}
	})
}
