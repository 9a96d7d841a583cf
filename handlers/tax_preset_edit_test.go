package handlers_test

import (
	"net/http"
	"net/url"
	"testing"
)

// TestTaxPresetEdit: an owner changes a preset's name, rate and note
// (audited); bad input is refused beside its field with nothing changed;
// an archived preset or another agency's is not found, and agency B's
// preset is untouched; staff are refused.
func TestTaxPresetEdit(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a, b := e.mustSignup(t, "taxedit-a"), e.mustSignup(t, "taxedit-b")
	staff, _ := e.mustAddUser(t, a, "staff")
	base := "/a/" + a.Slug + "/settings/tax"
	owner := a.Owner
	wantStatus(t, owner.post(base+"/presets", url.Values{"name": {"Exempt"}, "vat_rate": {"0"}, "note": {"Exempt under Art. 132"}}), http.StatusSeeOther)
	wantStatus(t, owner.post(base+"/presets", url.Values{"name": {"Old"}, "vat_rate": {"19"}}), http.StatusSeeOther)
	wantStatus(t, b.Owner.post("/a/"+b.Slug+"/settings/tax/presets", url.Values{"name": {"B only"}, "vat_rate": {"5"}}), http.StatusSeeOther)
	exempt := e.caseQuery(t, a, `SELECT id FROM tax_presets WHERE name = 'Exempt'`)
	old := e.caseQuery(t, a, `SELECT id FROM tax_presets WHERE name = 'Old'`)
	wantStatus(t, owner.post(base+"/presets/"+old+"/archive", nil), http.StatusSeeOther)
	other := e.caseQuery(t, b, `SELECT id FROM tax_presets`)
	preset := func() string {
		return e.caseQuery(t, a, `SELECT name || '|' || vat_rate_bp || '|' || note FROM tax_presets WHERE id = ?`, exempt)
	}

	t.Run("the list links to the form, which shows the preset", func(t *testing.T) {
		wantContains(t, owner.get(base), `href="`+base+`/presets/`+exempt+`"`)
		res := owner.get(base + "/presets/" + exempt)
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "Exempt under Art. 132")
	})

	t.Run("bad input is refused with nothing changed", func(t *testing.T) {
		before := preset()
		for _, form := range []url.Values{{"name": {""}, "vat_rate": {"0"}}, {"name": {"Exempt"}, "vat_rate": {"101"}}} {
			res := owner.post(base+"/presets/"+exempt, form)
			wantStatus(t, res, http.StatusUnprocessableEntity)
			wantContains(t, res, "field-error")
		}
		if got := preset(); got != before {
			t.Fatalf("changed: %s -> %s", before, got)
		}
	})

	t.Run("staff, an archived preset and another agency's are refused", func(t *testing.T) {
		before := preset()
		wantStatus(t, staff.get(base+"/presets/"+exempt), http.StatusNotFound)
		wantStatus(t, staff.post(base+"/presets/"+exempt, url.Values{"name": {"Staff"}, "vat_rate": {"1"}}), http.StatusNotFound)
		for _, id := range []string{old, other} {
			wantStatus(t, owner.get(base+"/presets/"+id), http.StatusNotFound)
			wantStatus(t, owner.post(base+"/presets/"+id, url.Values{"name": {"Taken"}, "vat_rate": {"1"}}), http.StatusNotFound)
		}
		if got := preset(); got != before {
			t.Fatalf("changed: %s -> %s", before, got)
		}
		if got := e.caseQuery(t, b, `SELECT name || '|' || vat_rate_bp FROM tax_presets`); got != "B only|500" {
			t.Fatalf("agency B's preset: %q", got)
		}
		if got := e.caseQuery(t, a, `SELECT name FROM tax_presets WHERE id = ?`, old); got != "Old" {
			t.Fatalf("archived preset: %q", got)
		}
	})

	t.Run("a change is saved and audited", func(t *testing.T) {
		wantStatus(t, owner.post(base+"/presets/"+exempt, url.Values{"name": {"Exempt (new)"}, "vat_rate": {"0"}, "note": {"Exempt under Art. 135"}}), http.StatusSeeOther)
		if got := preset(); got != "Exempt (new)|0|Exempt under Art. 135" {
			t.Fatalf("preset %q", got)
		}
		wantContains(t, owner.get("/a/"+a.Slug+"/audit"), "changed a tax preset")
	})
}
