package handlers_test

import (
	"net/http"
	"strings"
	"testing"
)

// Ending a recurring invoice and deleting one that never issued ask first
// with the same confirmation (issue 22 points 4 and 5): asking changes
// nothing, one that issued is not offered deletion (409), an ended one
// cannot be ended again (409), another agency's is a 404, and the
// confirmation's form does it.
func TestConfirmRecurringEndAndDelete(t *testing.T) {
	t.Parallel()
	f := mustBillingFixture(t)
	b := f.a.Owner
	base := "/a/" + f.a.Slug + "/recurring"
	b.get(base + "/new")
	create := func(start string) string {
		res := b.post(base, f.recurringForm("start_date", start))
		wantStatus(t, res, http.StatusSeeOther)
		return strings.TrimPrefix(res.Header.Get("Location"), base+"/")
	}
	status := func(id string) string {
		return f.e.caseQuery(t, f.a, `SELECT COALESCE((SELECT status FROM recurring_invoices WHERE id = ?), 'gone')`, id)
	}
	issued := create("2026-11-02") // issues its first invoice at once
	never := create("2026-12-15")

	wantContains(t, b.get(base+"/"+issued), `<form method="get" action="`+base+"/"+issued+`/end" hx-get=`)
	ask := b.get(base + "/" + issued + "/end")
	wantStatus(t, ask, http.StatusOK)
	wantContains(t, ask, "End the recurring invoice for Žalia UAB?")
	wantStatus(t, b.get(base+"/"+issued+"/delete"), http.StatusConflict)
	f.b.Owner.get("/a/" + f.b.Slug + "/recurring")
	wantStatus(t, f.b.Owner.get("/a/"+f.b.Slug+"/recurring/"+issued+"/end"), http.StatusNotFound)
	if got := status(issued); got != "active" {
		t.Fatalf("asking ended it: %s", got)
	}
	action, form := confirmForm(t, ask)
	wantStatus(t, b.post(action, form), http.StatusSeeOther)
	if got := status(issued); got != "ended" {
		t.Fatalf("confirmed, it is %s", got)
	}
	wantStatus(t, b.get(base+"/"+issued+"/end"), http.StatusConflict)

	ask = b.get(base + "/" + never + "/delete")
	wantStatus(t, ask, http.StatusOK)
	wantContains(t, ask, "Delete the recurring invoice for Žalia UAB?")
	if got := status(never); got != "active" {
		t.Fatalf("asking deleted it: %s", got)
	}
	action, form = confirmForm(t, ask)
	wantStatus(t, b.post(action, form), http.StatusSeeOther)
	if got := status(never); got != "gone" {
		t.Fatalf("confirmed, it is %s", got)
	}
}
