package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mintedmind/db/tenant"
	"mintedmind/paysera/payseratest"
)

// encryptedAs is Paysera's encrypted callback (data only), built as
// Paysera's side builds it (payseratest).
func encryptedAs(_ *testing.T, password string, fields url.Values) url.Values {
	return payseratest.Callback(password, fields)
}

// The callback route takes Paysera's encrypted format: under the wrong
// password or for another amount it records nothing and answers "Error";
// under the project's password it records the payment once.
func TestPayseraEncryptedCallbackRoute(t *testing.T) {
	t.Parallel()
	f := mustBillingFixture(t)
	f.mustSetUpPaysera(t)
	inv := f.mustPayseraInvoice(t)
	unpaid := f.paymentState(t, inv.id)
	for name, q := range map[string]url.Values{
		"under another password": encryptedAs(t, "not-pw", inv.fields()),
		"for another amount":     encryptedAs(t, "pw", inv.fields("amount", "1")),
		"for another project":    encryptedAs(t, "pw", inv.fields("projectid", "556")),
	} {
		res := f.payseraCall("POST", q)
		wantStatus(t, res, http.StatusBadRequest)
		if got := f.paymentState(t, inv.id); got != unpaid {
			t.Fatalf("an encrypted callback %s: %s", name, got)
		}
	}
	for _, method := range []string{"POST", "GET"} {
		res := f.payseraCall(method, encryptedAs(t, "pw", inv.fields()))
		wantStatus(t, res, http.StatusOK)
		if res.Body != "OK" {
			t.Fatalf("%s answered %q", method, res.Body)
		}
	}
	if got := f.paymentState(t, inv.id); !strings.HasPrefix(got, tenant.InvoicePaid+" paid 19239 in 1 payments") {
		t.Fatalf("after two deliveries of one payment: %s", got)
	}
}

// A Paysera payment for an invoice paid by bank transfer meanwhile is
// answered "OK", leaves the invoice as it was, and shows on the invoice
// page as an overpayment to refund or credit; the audit log says so.
func TestPayseraOverpaymentShownToStaff(t *testing.T) {
	t.Parallel()
	f := mustBillingFixture(t)
	f.mustSetUpPaysera(t)
	inv := f.mustPayseraInvoice(t)
	b := f.a.Owner
	b.get(f.inv("/" + inv.id))
	wantStatus(t, b.post(f.inv("/"+inv.id+"/payments"), url.Values{"amount": {"192.39"}, "paid_on": {"2026-11-02"}, "method": {"bank_transfer"}}), http.StatusSeeOther)
	paid := f.paymentState(t, inv.id)
	res := f.payseraCall("POST", encryptedAs(t, "pw", inv.fields()))
	wantStatus(t, res, http.StatusOK)
	if got := f.paymentState(t, inv.id); got != paid {
		t.Fatalf("the invoice changed from %q to %q", paid, got)
	}
	page := b.get(f.inv("/" + inv.id))
	wantContains(t, page, "Overpaid: refund or credit")
	wantContains(t, page, "192.39 EUR received through Paysera")
	wantContains(t, page, "already paid in full")
	var n int
	if err := f.tn.Read().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action = 'payment.overpaid' AND target = ?`, inv.id).Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d payment.overpaid audit rows, %v", n, err)
	}
	wantContains(t, b.get("/a/"+f.a.Slug+"/audit"), "took an overpayment of 192.39 EUR")
	list := b.get(f.inv(""))
	wantContains(t, list, "Overpaid, to refund or credit:")
	wantContains(t, list, "(192.39 EUR)")
}
