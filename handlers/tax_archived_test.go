package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestArchivedPresetOnADraft (issue 22): a draft invoice or recurring
// invoice saved with a tax preset archived since keeps it: its editor
// shows the preset chosen and says it is archived, and saving keeps the
// preset, its rate and its note; choosing the typed rate drops it. A new
// invoice still cannot take the archived preset.
func TestArchivedPresetOnADraft(t *testing.T) {
	t.Parallel()
	f := mustBillingFixture(t)
	owner := f.a.Owner
	slug := "/a/" + f.a.Slug
	const note = "Old rule, Art. 9"
	owner.get(slug + "/settings/tax")
	wantStatus(t, owner.post(slug+"/settings/tax/presets", url.Values{"name": {"Old rate"}, "vat_rate": {"19"}, "note": {note}}), http.StatusSeeOther)
	old := f.e.caseQuery(t, f.a, `SELECT id FROM tax_presets WHERE name = 'Old rate'`)
	form := f.invoiceForm("line_tax", old+"|")
	draft := f.mustCreateDraft(t, owner, form)
	rec := slug + "/recurring"
	res := owner.post(rec, f.recurringForm("line_tax", old+"|", "start_date", "2026-12-15"))
	wantStatus(t, res, http.StatusSeeOther)
	recID := strings.TrimPrefix(res.Header.Get("Location"), rec+"/")
	wantStatus(t, owner.post(slug+"/settings/tax/presets/"+old+"/archive", nil), http.StatusSeeOther)
	line := func(table, col, id string) string {
		return f.e.caseQuery(t, f.a, `SELECT COALESCE(tax_preset_id, '') || '|' || vat_rate_bp || '|' || tax_note FROM `+table+` WHERE `+col+` = ? AND position = 0`, id)
	}
	kept := old + "|1900|" + note

	t.Run("the editor shows the archived preset chosen and says so", func(t *testing.T) {
		for _, page := range []string{f.inv("/" + draft + "/edit"), rec + "/" + recID + "/edit"} {
			res := owner.get(page)
			wantStatus(t, res, http.StatusOK)
			wantContains(t, res, `<option value="`+old+`" selected>Old rate (19 %, archived)</option>`)
			wantContains(t, res, "This preset is archived since the line was saved")
		}
	})

	t.Run("saving the draft keeps the preset, its rate and note", func(t *testing.T) {
		wantStatus(t, owner.post(f.inv("/"+draft), f.invoiceForm("line_tax", old+"|", "notes", "Saved again")), http.StatusSeeOther)
		if got := line("invoice_lines", "invoice_id", draft); got != kept {
			t.Fatalf("invoice line %q, want %q", got, kept)
		}
		wantStatus(t, owner.post(rec+"/"+recID+"/edit", f.recurringForm("line_tax", old+"|")), http.StatusSeeOther)
		if got := line("recurring_lines", "recurring_id", recID); got != kept {
			t.Fatalf("recurring line %q, want %q", got, kept)
		}
	})

	t.Run("the live totals count the kept preset's rate", func(t *testing.T) {
		res := owner.post(f.inv("/totals"), f.invoiceForm("line_tax", old+"|"))
		wantStatus(t, res, http.StatusOK)
		wantNotContains(t, res, "field-error")
	})

	t.Run("a new invoice cannot take the archived preset", func(t *testing.T) {
		before := f.e.caseQuery(t, f.a, `SELECT count(*) FROM invoices`)
		res := owner.post(f.inv(""), form)
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Choose one of your tax presets, or type a rate.")
		if got := f.e.caseQuery(t, f.a, `SELECT count(*) FROM invoices`); got != before {
			t.Fatalf("invoices %s -> %s", before, got)
		}
	})

	t.Run("choosing the typed rate drops the preset", func(t *testing.T) {
		wantStatus(t, owner.post(f.inv("/"+draft), f.invoiceForm()), http.StatusSeeOther)
		if got := line("invoice_lines", "invoice_id", draft); got != "|2100|" {
			t.Fatalf("invoice line %q", got)
		}
		wantNotContains(t, owner.get(f.inv("/"+draft+"/edit")), "archived)")
	})
}
