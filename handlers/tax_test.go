package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestTaxSettings: owners and admins set the default VAT rate and add and
// archive tax presets (each change audited); bad input is refused beside
// its field with nothing written; staff are refused; another agency's
// preset is not found.
func TestTaxSettings(t *testing.T) {
	e := mustNewEnv(t)
	a, b := e.mustSignup(t, "tax-a"), e.mustSignup(t, "tax-b")
	staff, _ := e.mustAddUser(t, a, "staff")
	owner := a.Owner
	base := "/a/" + a.Slug + "/settings/tax"
	count := func(ag *agency, q string) string { return e.caseQuery(t, ag, q) }
	snapshot := func() string {
		return count(a, `SELECT (SELECT COUNT(*) FROM tax_presets) || '/' || (SELECT value FROM settings WHERE key = 'default_vat_bp') || '/' || (SELECT COUNT(*) FROM audit_log)`)
	}

	t.Run("the default rate starts at 21 %", func(t *testing.T) {
		res := owner.get(base)
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, `value="21"`)
	})

	t.Run("staff are refused", func(t *testing.T) {
		before := snapshot()
		wantStatus(t, staff.get(base), http.StatusNotFound)
		wantStatus(t, staff.post(base+"/presets", url.Values{"name": {"LT 21 %"}, "vat_rate": {"21"}}), http.StatusNotFound)
		wantStatus(t, staff.post(base, url.Values{"default_vat_rate": {"9"}}), http.StatusNotFound)
		if got := snapshot(); got != before {
			t.Fatalf("written: %s -> %s", before, got)
		}
	})

	t.Run("bad input is refused with nothing written", func(t *testing.T) {
		before := snapshot()
		for _, form := range []url.Values{
			{"name": {strings.Repeat("x", 61)}, "vat_rate": {"21"}},
			{"name": {""}, "vat_rate": {"21"}},
			{"name": {"Minus"}, "vat_rate": {"-1"}},
			{"name": {"Too much"}, "vat_rate": {"100.01"}},
			{"name": {"Words"}, "vat_rate": {"abc"}},
			{"name": {"Long note"}, "vat_rate": {"0"}, "note": {strings.Repeat("n", 501)}},
		} {
			res := owner.post(base+"/presets", form)
			wantStatus(t, res, http.StatusUnprocessableEntity)
			wantContains(t, res, "field-error")
		}
		for _, v := range []string{"-5", "101", "x"} {
			res := owner.post(base, url.Values{"default_vat_rate": {v}})
			wantStatus(t, res, http.StatusUnprocessableEntity)
			wantContains(t, res, "The VAT rate is a percentage from 0 to 100")
		}
		if got := snapshot(); got != before {
			t.Fatalf("written: %s -> %s", before, got)
		}
	})

	t.Run("a preset and the default rate are saved and audited", func(t *testing.T) {
		wantStatus(t, owner.post(base+"/presets", url.Values{"name": {"Reverse charge"}, "vat_rate": {"0"},
			"note": {"Reverse charge: Art. 196 of Directive 2006/112/EC"}}), http.StatusSeeOther)
		wantStatus(t, owner.post(base+"/presets", url.Values{"name": {strings.Repeat("ą", 60)}, "vat_rate": {"9,5"}}), http.StatusSeeOther)
		wantStatus(t, owner.post(base, url.Values{"default_vat_rate": {"9.5"}}), http.StatusSeeOther)
		if got := count(a, `SELECT group_concat(vat_rate_bp, ',') FROM (SELECT vat_rate_bp FROM tax_presets ORDER BY vat_rate_bp)`); got != "0,950" {
			t.Fatalf("presets %s", got)
		}
		if got := count(a, `SELECT value FROM settings WHERE key = 'default_vat_bp'`); got != "950" {
			t.Fatalf("default %s", got)
		}
		res := owner.get(base)
		wantContains(t, res, "Art. 196 of Directive 2006/112/EC")
		wantContains(t, res, `value="9.5"`)
		audit := owner.get("/a/" + a.Slug + "/audit")
		wantContains(t, audit, "added a tax preset")
		wantContains(t, audit, "changed the default VAT rate")
	})

	t.Run("another agency's preset is not found and stays", func(t *testing.T) {
		id := count(a, `SELECT id FROM tax_presets WHERE name = 'Reverse charge'`)
		before := snapshot()
		wantStatus(t, b.Owner.post("/a/"+b.Slug+"/settings/tax/presets/"+id+"/archive", nil), http.StatusNotFound)
		if got := snapshot(); got != before {
			t.Fatalf("written: %s -> %s", before, got)
		}
		wantStatus(t, owner.post(base+"/presets/"+id+"/archive", nil), http.StatusSeeOther)
		if got := count(a, `SELECT archived_at IS NOT NULL FROM tax_presets WHERE id = '`+id+`'`); got != "1" {
			t.Fatalf("archived %s", got)
		}
		wantContains(t, owner.get("/a/"+a.Slug+"/audit"), "archived a tax preset")
		wantStatus(t, owner.post(base+"/presets/"+id+"/archive", nil), http.StatusNotFound)
	})
}
