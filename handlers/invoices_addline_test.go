package handlers_test

import (
	"net/http"
	"strings"
	"testing"
)

// "Add a line" works without script (issue 22 point 3): the editor's
// <noscript> button posts the form, which comes back as typed with one
// empty line more and nothing saved, for a new invoice, a draft being
// edited, a new recurring invoice and an edited one; another agency's
// draft is a 404.
func TestInvoiceAddLineWithoutScript(t *testing.T) {
	t.Parallel()
	f := mustBillingFixture(t)
	b := f.a.Owner
	b.get(f.inv("/new"))
	lines := func(res *response) int { return strings.Count(res.Body, `<fieldset class="invoice-line">`) }
	count := func(q string) string { return f.e.caseQuery(t, f.a, q) }

	page := b.get(f.inv("/new"))
	wantContains(t, page, `<noscript><button type="submit" name="add_line" value="1" formnovalidate`)
	save := strings.Index(page.Body, "Save draft")
	if add := strings.Index(page.Body, `name="add_line"`); save < 0 || add < save {
		t.Fatal("the no-script Add a line comes before Save: Enter would add a line")
	}

	form := f.invoiceForm("notes", "Kept as typed")
	form.Set("add_line", "1")
	res := b.post(f.inv(""), form)
	wantStatus(t, res, http.StatusOK)
	if n := lines(res); n != 3 {
		t.Fatalf("%d lines, want the 2 sent and an empty one", n)
	}
	wantContains(t, res, `value="Hosting"`)
	wantContains(t, res, "Kept as typed")
	if n := count(`SELECT count(*) FROM invoices`); n != "0" {
		t.Fatalf("adding a line saved an invoice: %s", n)
	}

	draft := f.mustCreateDraft(t, b, f.invoiceForm())
	before := count(`SELECT count(*) FROM invoice_lines`)
	form = f.invoiceForm("line_description", "Changed|Hosting")
	form.Set("add_line", "1")
	res = b.post(f.inv("/"+draft), form)
	wantStatus(t, res, http.StatusOK)
	if n := lines(res); n != 3 {
		t.Fatalf("editing: %d lines", n)
	}
	wantContains(t, res, `value="Changed"`)
	if count(`SELECT count(*) FROM invoice_lines`) != before || count(`SELECT count(*) FROM invoice_lines WHERE description = 'Changed'`) != "0" {
		t.Fatal("adding a line to a draft saved it")
	}
	f.b.Owner.get("/a/" + f.b.Slug + "/invoices/new")
	theirs := f.invoiceForm()
	theirs.Set("add_line", "1")
	wantStatus(t, f.b.Owner.post("/a/"+f.b.Slug+"/invoices/"+draft, theirs), http.StatusNotFound)

	base := "/a/" + f.a.Slug + "/recurring"
	b.get(base + "/new")
	rform := f.recurringForm()
	rform.Set("add_line", "1")
	res = b.post(base, rform)
	wantStatus(t, res, http.StatusOK)
	if n := lines(res); n != 3 {
		t.Fatalf("recurring: %d lines", n)
	}
	if n := count(`SELECT count(*) FROM recurring_invoices`); n != "0" {
		t.Fatalf("adding a line saved a recurring invoice: %s", n)
	}
	res = b.post(base, f.recurringForm("start_date", "2026-12-15"))
	wantStatus(t, res, http.StatusSeeOther)
	rec := strings.TrimPrefix(res.Header.Get("Location"), base+"/")
	b.get(base + "/" + rec + "/edit")
	rform = f.recurringForm("line_description", "Changed|Hosting")
	rform.Set("add_line", "1")
	res = b.post(base+"/"+rec+"/edit", rform)
	wantStatus(t, res, http.StatusOK)
	if n := lines(res); n != 3 {
		t.Fatalf("recurring edit: %d lines", n)
	}
	if count(`SELECT count(*) FROM recurring_lines WHERE description = 'Changed'`) != "0" {
		t.Fatal("adding a line to a recurring invoice saved it")
	}
}
