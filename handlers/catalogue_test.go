package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestCatalogueSettings: an owner adds, changes and archives catalogue
// items (audited); bad input (no name, too long, a negative or
// non-numeric price, an archived preset) is refused beside its field with
// nothing written; another agency's item is not found and stays as it
// was; staff are refused.
func TestCatalogueSettings(t *testing.T) {
	t.Parallel()
	f := mustBillingFixture(t)
	owner := f.a.Owner
	staff, _ := f.e.mustAddUser(t, f.a, "staff")
	base := "/a/" + f.a.Slug + "/settings/catalogue"
	owner.get("/a/" + f.a.Slug + "/settings/tax")
	wantStatus(t, owner.post("/a/"+f.a.Slug+"/settings/tax/presets", url.Values{"name": {"Reduced"}, "vat_rate": {"9"}}), http.StatusSeeOther)
	wantStatus(t, owner.post("/a/"+f.a.Slug+"/settings/tax/presets", url.Values{"name": {"Gone"}, "vat_rate": {"5"}}), http.StatusSeeOther)
	reduced := f.e.caseQuery(t, f.a, `SELECT id FROM tax_presets WHERE name = 'Reduced'`)
	gone := f.e.caseQuery(t, f.a, `SELECT id FROM tax_presets WHERE name = 'Gone'`)
	wantStatus(t, owner.post("/a/"+f.a.Slug+"/settings/tax/presets/"+gone+"/archive", nil), http.StatusSeeOther)
	f.b.Owner.get("/a/" + f.b.Slug + "/settings/catalogue")
	wantStatus(t, f.b.Owner.post("/a/"+f.b.Slug+"/settings/catalogue", url.Values{"name": {"B's item"}, "unit_price": {"5"}}), http.StatusSeeOther)
	theirs := f.e.caseQuery(t, f.b, `SELECT id FROM catalogue_items`)
	items := func() string {
		return f.e.caseQuery(t, f.a, `SELECT count(*) || '|' || COALESCE(group_concat(name || ':' || unit_price || ':' || COALESCE(tax_preset_id, '') || ':' || (archived_at IS NOT NULL), ','), '') FROM catalogue_items`)
	}

	t.Run("an item is added with its price and preset, and audited", func(t *testing.T) {
		wantContains(t, owner.get(base), "No items in the catalogue yet.")
		res := owner.post(base, url.Values{"name": {"Logo design"}, "description": {"Logo, three rounds"}, "unit_price": {"450.50"}, "tax_preset": {reduced}})
		wantStatus(t, res, http.StatusSeeOther)
		if got := items(); got != "1|Logo design:45050:"+reduced+":0" {
			t.Fatalf("items %q", got)
		}
		page := owner.get(base)
		wantContains(t, page, "Logo, three rounds")
		wantContains(t, page, "450.50")
		wantContains(t, owner.get("/a/"+f.a.Slug+"/audit"), "added a catalogue item")
	})
	logo := f.e.caseQuery(t, f.a, `SELECT id FROM catalogue_items WHERE name = 'Logo design'`)

	for name, form := range map[string]url.Values{
		"no name":                   {"name": {" "}, "unit_price": {"1"}},
		"a name too long":           {"name": {strings.Repeat("n", 101)}, "unit_price": {"1"}},
		"a description too long":    {"name": {"Long"}, "description": {strings.Repeat("d", 501)}, "unit_price": {"1"}},
		"a negative price":          {"name": {"Minus"}, "unit_price": {"-5"}},
		"a price that is no number": {"name": {"Text"}, "unit_price": {"lots"}},
		"a price too high":          {"name": {"Huge"}, "unit_price": {"10000000.01"}},
		"an archived preset":        {"name": {"Old rate"}, "unit_price": {"1"}, "tax_preset": {gone}},
	} {
		t.Run(name+" is refused beside its field, nothing written", func(t *testing.T) {
			before := items()
			for _, path := range []string{base, base + "/" + logo} {
				res := owner.post(path, form)
				wantStatus(t, res, http.StatusUnprocessableEntity)
				wantContains(t, res, "field-error")
			}
			if got := items(); got != before {
				t.Fatalf("written: %s -> %s", before, got)
			}
		})
	}

	t.Run("staff and another agency's item are refused", func(t *testing.T) {
		before := items()
		wantStatus(t, staff.get(base), http.StatusNotFound)
		wantStatus(t, staff.post(base, url.Values{"name": {"Staff"}, "unit_price": {"1"}}), http.StatusNotFound)
		wantStatus(t, owner.get(base+"/"+theirs), http.StatusNotFound)
		wantStatus(t, owner.post(base+"/"+theirs, url.Values{"name": {"Taken"}, "unit_price": {"1"}}), http.StatusNotFound)
		wantStatus(t, owner.post(base+"/"+theirs+"/archive", nil), http.StatusNotFound)
		if got := items(); got != before {
			t.Fatalf("written: %s -> %s", before, got)
		}
		if got := f.e.caseQuery(t, f.b, `SELECT name || ':' || unit_price || ':' || (archived_at IS NULL) FROM catalogue_items`); got != "B's item:500:1" {
			t.Fatalf("agency B's item: %q", got)
		}
	})

	t.Run("an item is changed and archived", func(t *testing.T) {
		res := owner.get(base + "/" + logo)
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, `value="450.50"`)
		wantStatus(t, owner.post(base+"/"+logo, url.Values{"name": {"Logo"}, "unit_price": {"500"}}), http.StatusSeeOther)
		if got := items(); got != "1|Logo:50000::0" {
			t.Fatalf("items %q", got)
		}
		wantStatus(t, owner.post(base+"/"+logo+"/archive", nil), http.StatusSeeOther)
		wantStatus(t, owner.get(base+"/"+logo), http.StatusNotFound)
		wantStatus(t, owner.post(base+"/"+logo+"/archive", nil), http.StatusNotFound)
		wantContains(t, owner.get(base), "No items in the catalogue yet.")
	})
}

// TestCataloguePicking: on the invoice, recurring and quote editors staff
// pick a catalogue item into a new line with its text, price and preset,
// by htmx (the line route) and without script (the form posted, nothing
// saved); another agency's or an archived item is a 404, and an item
// without a preset starts at the default rate.
func TestCataloguePicking(t *testing.T) {
	t.Parallel()
	f := mustBillingFixture(t)
	owner := f.a.Owner
	staff, _ := f.e.mustAddUser(t, f.a, "staff")
	settings := "/a/" + f.a.Slug + "/settings"
	owner.get(settings + "/tax")
	wantStatus(t, owner.post(settings+"/tax/presets", url.Values{"name": {"Reduced"}, "vat_rate": {"9"}}), http.StatusSeeOther)
	reduced := f.e.caseQuery(t, f.a, `SELECT id FROM tax_presets WHERE name = 'Reduced'`)
	owner.get(settings + "/catalogue")
	wantStatus(t, owner.post(settings+"/catalogue", url.Values{"name": {"Logo design"}, "description": {"Logo, three rounds"}, "unit_price": {"450.50"}, "tax_preset": {reduced}}), http.StatusSeeOther)
	wantStatus(t, owner.post(settings+"/catalogue", url.Values{"name": {"Hosting month"}, "unit_price": {"20"}}), http.StatusSeeOther)
	wantStatus(t, owner.post(settings+"/catalogue", url.Values{"name": {"Retired"}, "unit_price": {"1"}}), http.StatusSeeOther)
	logo := f.e.caseQuery(t, f.a, `SELECT id FROM catalogue_items WHERE name = 'Logo design'`)
	hosting := f.e.caseQuery(t, f.a, `SELECT id FROM catalogue_items WHERE name = 'Hosting month'`)
	retired := f.e.caseQuery(t, f.a, `SELECT id FROM catalogue_items WHERE name = 'Retired'`)
	wantStatus(t, owner.post(settings+"/catalogue/"+retired+"/archive", nil), http.StatusSeeOther)
	f.b.Owner.get("/a/" + f.b.Slug + "/settings/catalogue")
	wantStatus(t, f.b.Owner.post("/a/"+f.b.Slug+"/settings/catalogue", url.Values{"name": {"B's item"}, "unit_price": {"5"}}), http.StatusSeeOther)
	theirs := f.e.caseQuery(t, f.b, `SELECT id FROM catalogue_items`)
	lines := func(res *response) int { return strings.Count(res.Body, `<fieldset class="invoice-line">`) }
	wantLogo := func(t *testing.T, res *response) {
		t.Helper()
		wantContains(t, res, `value="Logo, three rounds"`)
		wantContains(t, res, `value="450.50"`)
		wantContains(t, res, `name="line_vat" value="9"`)
		wantContains(t, res, `<option value="`+reduced+`" selected>`)
	}

	editors := map[string]string{
		"invoice":   f.inv("/new"),
		"recurring": "/a/" + f.a.Slug + "/recurring/new",
		"quote":     "/a/" + f.a.Slug + "/quotes/new",
	}
	for name, page := range editors {
		t.Run("the "+name+" editor offers the active items", func(t *testing.T) {
			res := staff.get(page)
			wantStatus(t, res, http.StatusOK)
			wantContains(t, res, `name="catalogue_item"`)
			wantContains(t, res, "Logo design")
			if strings.Contains(res.Body, "Retired") || strings.Contains(res.Body, "B&#39;s item") {
				t.Fatal("an archived or another agency's item is offered")
			}
			save, add := strings.Index(res.Body, "Save"), strings.Index(res.Body, `name="add_item"`)
			if add < 0 || add < save {
				t.Fatal("no no-script button to add the item, or it comes before Save: Enter would add a line")
			}
		})
	}

	for name, route := range map[string]string{"invoice": f.inv("/line"), "quote": "/a/" + f.a.Slug + "/quotes/line"} {
		t.Run("htmx: the "+name+" line route answers the item's line", func(t *testing.T) {
			res := staff.get(route + "?catalogue_item=" + logo)
			wantStatus(t, res, http.StatusOK)
			wantLogo(t, res)
			res = staff.get(route + "?catalogue_item=" + hosting)
			wantContains(t, res, `value="Hosting month"`)
			wantContains(t, res, `name="line_vat" value="21"`)
			for _, id := range []string{theirs, retired, "not-an-id", strings.Repeat("x", 300)} {
				wantStatus(t, staff.get(route+"?catalogue_item="+url.QueryEscape(id)), http.StatusNotFound)
			}
		})
	}

	t.Run("without script the invoice comes back with the item's line, nothing saved", func(t *testing.T) {
		form := f.invoiceForm("notes", "Kept as typed", "catalogue_item", logo, "add_item", "1")
		res := staff.post(f.inv(""), form)
		wantStatus(t, res, http.StatusOK)
		if n := lines(res); n != 3 {
			t.Fatalf("%d lines, want the 2 sent and the item's", n)
		}
		wantLogo(t, res)
		wantContains(t, res, "Kept as typed")
		if n := f.e.caseQuery(t, f.a, `SELECT count(*) FROM invoices`); n != "0" {
			t.Fatalf("picking saved an invoice: %s", n)
		}
		res = staff.post(f.inv(""), f.invoiceForm("catalogue_item", theirs, "add_item", "1"))
		wantStatus(t, res, http.StatusNotFound)
		wantContains(t, res, "Catalogue item not found.")
	})

	t.Run("without script on a draft, a recurring invoice and a quote", func(t *testing.T) {
		draft := f.mustCreateDraft(t, owner, f.invoiceForm())
		before := f.e.caseQuery(t, f.a, `SELECT count(*) FROM invoice_lines`)
		res := owner.post(f.inv("/"+draft), f.invoiceForm("catalogue_item", logo, "add_item", "1"))
		wantStatus(t, res, http.StatusOK)
		wantLogo(t, res)
		if f.e.caseQuery(t, f.a, `SELECT count(*) FROM invoice_lines`) != before {
			t.Fatal("picking saved the draft")
		}
		rec := "/a/" + f.a.Slug + "/recurring"
		res = owner.post(rec, f.recurringForm("catalogue_item", logo, "add_item", "1"))
		wantStatus(t, res, http.StatusOK)
		wantLogo(t, res)
		if n := f.e.caseQuery(t, f.a, `SELECT count(*) FROM recurring_invoices`); n != "0" {
			t.Fatalf("picking saved a recurring invoice: %s", n)
		}
		quotes := "/a/" + f.a.Slug + "/quotes"
		owner.get(quotes + "/new")
		res = owner.post(quotes, quoteValues(f.client.ID, "catalogue_item", logo, "add_item", "1"))
		wantStatus(t, res, http.StatusOK)
		wantLogo(t, res)
		if n := lines(res); n != 3 {
			t.Fatalf("quote: %d lines", n)
		}
		if n := f.e.caseQuery(t, f.a, `SELECT count(*) FROM quotes`); n != "0" {
			t.Fatalf("picking saved a quote: %s", n)
		}
		wantStatus(t, owner.post(quotes, quoteValues(f.client.ID, "catalogue_item", theirs, "add_item", "1")), http.StatusNotFound)
	})

	t.Run("a line picked and saved keeps the preset's rate and note", func(t *testing.T) {
		form := f.invoiceForm("line_description", "Logo, three rounds", "line_quantity", "1", "line_price", "450.50", "line_vat", "9", "line_tax", reduced)
		id := f.mustCreateDraft(t, owner, form)
		if got := f.e.caseQuery(t, f.a, `SELECT unit_price || '|' || vat_rate_bp || '|' || tax_preset_id FROM invoice_lines WHERE invoice_id = ?`, id); got != "45050|900|"+reduced {
			t.Fatalf("line %q", got)
		}
	})
}
