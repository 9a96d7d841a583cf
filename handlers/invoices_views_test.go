package handlers_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// inputTag is the <input> tag named name in a page, or "".
func inputTag(body, name string) string {
	return regexp.MustCompile(`<input[^>]* name="` + regexp.QuoteMeta(name) + `"[^>]*>`).FindString(body)
}

func TestInvoicePagePaymentForm(t *testing.T) {
	t.Parallel()
	f := mustBillingFixture(t)
	b := f.a.Owner
	b.get(f.inv("/new"))
	id := f.mustCreateDraft(t, b, f.invoiceForm())
	f.mustIssue(t, b, id)

	t.Run("the amount field asks for a decimal keyboard and holds what is owed", func(t *testing.T) {
		res := b.get(f.inv("/" + id))
		wantStatus(t, res, http.StatusOK)
		tag := inputTag(res.Body, "amount")
		if !strings.Contains(tag, ` inputmode="decimal"`) || !strings.Contains(tag, ` value="192.39"`) {
			t.Fatalf("amount input %q", tag)
		}
		wantNotContains(t, res, "ZgotmplZ")
	})
	t.Run("a refused payment shows the form again as typed, still decimal", func(t *testing.T) {
		res := b.post(f.inv("/"+id+"/payments"), url.Values{"amount": {"12,5x"}, "paid_on": {"2026-11-02"}, "method": {"cash"}, "reference": {"R-1"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		tag := inputTag(res.Body, "amount")
		for _, want := range []string{` inputmode="decimal"`, ` value="12,5x"`, ` aria-invalid="true"`} {
			if !strings.Contains(tag, want) {
				t.Fatalf("amount input %q lacks %s", tag, want)
			}
		}
		if tag := inputTag(res.Body, "reference"); !strings.Contains(tag, ` value="R-1"`) {
			t.Fatalf("reference input %q", tag)
		}
		wantContains(t, res, `<option value="cash" selected>`)
		wantNotContains(t, res, "ZgotmplZ")
	})
	t.Run("a void without a reason shows its message beside the reason", func(t *testing.T) {
		res := b.post(f.inv("/"+id+"/void"), url.Values{"reason": {" "}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		if tag := inputTag(res.Body, "reason"); !strings.Contains(tag, ` aria-invalid="true"`) {
			t.Fatalf("reason input %q", tag)
		}
		if tag := inputTag(res.Body, "amount"); strings.Contains(tag, "aria-invalid") {
			t.Fatalf("the payment form shows the void's message: %q", tag)
		}
	})
}

func TestInvoiceEditorLineRows(t *testing.T) {
	t.Parallel()
	f := mustBillingFixture(t)
	b := f.a.Owner
	remove := `hx-get="` + f.inv("/line") + `?remove=1"`

	t.Run("each line of the editor removes itself through the line route", func(t *testing.T) {
		res := b.get(f.inv("/new"))
		wantStatus(t, res, http.StatusOK)
		if n := strings.Count(res.Body, remove); n != 1 {
			t.Fatalf("%d remove buttons on a new invoice, want 1", n)
		}
		wantContains(t, res, `hx-get="`+f.inv("/line")+`" hx-target="#invoice-lines"`)
	})
	t.Run("the added line alone is the same line", func(t *testing.T) {
		undo := htmx(b)
		res := b.get(f.inv("/line"))
		undo()
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, remove)
		if tag := inputTag(res.Body, "line_quantity"); !strings.Contains(tag, ` value="1"`) || !strings.Contains(tag, ` inputmode="decimal"`) {
			t.Fatalf("quantity input %q", tag)
		}
	})
	t.Run("a refused form shows every line as typed, each with its message", func(t *testing.T) {
		res := b.post(f.inv(""), f.invoiceForm("line_price", "100|abc"))
		wantStatus(t, res, http.StatusUnprocessableEntity)
		if n := strings.Count(res.Body, remove); n != 2 {
			t.Fatalf("%d lines, want 2", n)
		}
		wantContains(t, res, `value="Design"`)
		wantContains(t, res, `<input name="line_price" value="abc" inputmode="decimal" aria-invalid="true">`)
		wantContains(t, res, "Unit price: ")
	})
}

func TestPayseraReturnPages(t *testing.T) {
	t.Parallel()
	f := mustPortalFixture(t)
	id := f.mustIssueInvoice(t, f.x)
	back := `href="` + f.portal("/invoices/"+id) + `"`
	accept := "/a/" + f.a.Slug + "/payments/paysera/accept?invoice=" + id
	cancel := "/a/" + f.a.Slug + "/payments/paysera/cancel?invoice=" + id

	t.Run("a client contact is led back to the invoice", func(t *testing.T) {
		res := f.contact.get(accept)
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, "Thank you")
		wantContains(t, res, back)
		res = f.contact.get(cancel)
		wantContains(t, res, "Payment cancelled")
		wantContains(t, res, back)
	})
	t.Run("a malformed invoice id leads back to the invoices", func(t *testing.T) {
		res := f.contact.get("/a/" + f.a.Slug + "/payments/paysera/accept?invoice=" + url.QueryEscape(`"><script>`))
		wantStatus(t, res, http.StatusOK)
		wantContains(t, res, `href="`+f.portal("/invoices")+`"`)
		wantNotContains(t, res, "<script>")
	})
	t.Run("staff and a payer not signed in get no portal link", func(t *testing.T) {
		for name, b := range map[string]*browser{"staff": f.staff, "anonymous": f.e.newClient()} {
			res := b.get(accept)
			wantStatus(t, res, http.StatusOK)
			if strings.Contains(res.Body, "Back to your invoices") {
				t.Fatalf("%s sees a link to the portal", name)
			}
		}
	})
}
