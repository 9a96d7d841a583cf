package handlers_test

import (
	"net/http"
	"net/url"
	"testing"
)

// The client page's Invoices tab offers "Invoice unbilled time" to staff
// when the client's cases have billable time not yet invoiced, and its form
// posts to the client's invoice-time route.
func TestClientPageInvoiceTime(t *testing.T) {
	f := mustTaskFixture(t)
	slug := "/a/" + f.a.Slug
	client := f.e.caseQuery(t, f.a, `SELECT client_id FROM cases WHERE id = ?`, f.caseID)
	page := slug + "/clients/" + client + "?tab=invoices"
	action := `action="` + slug + "/clients/" + client + `/invoice-time"`

	t.Run("no unbilled time, no button", func(t *testing.T) {
		res := f.staff.get(page)
		wantStatus(t, res, http.StatusOK)
		wantNotContains(t, res, "Invoice unbilled time")
	})

	wantStatus(t, f.a.Owner.post(slug+"/settings/rates/"+f.staffID, url.Values{"rate": {"80"}}), http.StatusSeeOther)
	wantStatus(t, f.staff.post(f.caseURL("/time"), url.Values{"date": {"2026-11-02"}, "duration": {"1:15"}, "billable": {"1"}}), http.StatusSeeOther)

	for name, b := range map[string]*browser{"staff": f.staff, "owner": f.a.Owner} {
		t.Run(name+" sees the button, posting to the client's route", func(t *testing.T) {
			res := b.get(page)
			wantStatus(t, res, http.StatusOK)
			wantContains(t, res, "Invoice unbilled time")
			wantContains(t, res, "1 h 15 min of billable time")
			wantContains(t, res, `<form method="post" `+action)
		})
	}

	t.Run("the button's form makes the draft; then the button is gone", func(t *testing.T) {
		wantStatus(t, f.staff.post(slug+"/clients/"+client+"/invoice-time", url.Values{"group": {"task"}, "vat": {"0"}}), http.StatusSeeOther)
		if got := f.e.caseQuery(t, f.a, `SELECT COUNT(*) FROM time_entries WHERE invoice_id IS NOT NULL`); got != "1" {
			t.Fatalf("%s entries invoiced, want 1", got)
		}
		wantNotContains(t, f.staff.get(page), "Invoice unbilled time")
	})
}
