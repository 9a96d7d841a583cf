package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"mintedmind/db/tenant"
)

// The editor shows the due date (the issue date plus the terms); a due
// date typed over it sets the terms, an untouched one follows changed
// terms, and one before the issue date is refused beside its field with
// nothing stored. Without JavaScript: the form carries the date it was
// drawn with.
func TestInvoiceDueDateEditable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustBillingFixture(t)
	b := f.a.Owner
	page := b.get(f.inv("/new"))
	wantContains(t, page, `name="due_date_was" value="`)
	wantContains(t, page, `name="due_date"`)
	due := func(id string) *tenant.Invoice {
		t.Helper()
		inv, err := f.tn.Invoice(ctx, tenant.Viewer{}, id)
		if err != nil {
			t.Fatal(err)
		}
		return inv
	}

	t.Run("a typed due date sets the terms", func(t *testing.T) {
		id := f.mustCreateDraft(t, b, f.invoiceForm("terms_days", "14", "due_date", "2026-12-02", "due_date_was", "2026-11-16"))
		if inv := due(id); inv.DueDate != "2026-12-02" || inv.TermsDays != 30 {
			t.Fatalf("due %s after %d days", inv.DueDate, inv.TermsDays)
		}
		edit := b.get(f.inv("/" + id + "/edit"))
		wantContains(t, edit, `value="2026-12-02"`)
	})
	t.Run("an untouched due date follows the terms", func(t *testing.T) {
		id := f.mustCreateDraft(t, b, f.invoiceForm("terms_days", "7", "due_date", "2026-11-16", "due_date_was", "2026-11-16"))
		if inv := due(id); inv.DueDate != "2026-11-09" || inv.TermsDays != 7 {
			t.Fatalf("due %s after %d days", inv.DueDate, inv.TermsDays)
		}
	})
	t.Run("a due date before the issue date is refused", func(t *testing.T) {
		before := invoiceCount(t, f.tn)
		res := b.post(f.inv(""), f.invoiceForm("due_date", "2026-10-01", "due_date_was", "2026-11-16"))
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Due date: the due date is on or after the issue date.")
		if !strings.Contains(res.Body, `value="2026-10-01"`) || invoiceCount(t, f.tn) != before {
			t.Fatal("the typed date was not kept, or something was stored")
		}
	})
	t.Run("a due date too far away is refused", func(t *testing.T) {
		res := b.post(f.inv(""), f.invoiceForm("due_date", "2036-10-01", "due_date_was", "2026-11-16"))
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "days after the issue date.")
	})
}
