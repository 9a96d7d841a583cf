package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mintedmind/billing"
	"mintedmind/db/control"
)

// An overpayment is marked refunded or credited by an admin from the
// invoice page: audited, shown as settled, gone from the list's "to refund
// or credit"; a second request is a 409 that changes nothing, an unknown
// way a 422, staff and another agency's people get 404.
func TestOverpaymentSettle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := mustBillingFixture(t)
	f.mustSetUpPaysera(t)
	inv := f.mustPayseraInvoice(t)
	b := f.a.Owner
	b.get(f.inv("/" + inv.id))
	wantStatus(t, b.post(f.inv("/"+inv.id+"/payments"), url.Values{"amount": {"192.39"}, "paid_on": {"2026-11-02"}, "method": {"bank_transfer"}}), http.StatusSeeOther)
	wantStatus(t, f.payseraCall("POST", encryptedAs(t, "pw", inv.fields())), http.StatusOK)
	over, err := f.tn.InvoiceOverpayments(ctx, inv.id)
	if err != nil || len(over) != 1 {
		t.Fatalf("%d overpayments, %v", len(over), err)
	}
	settle := f.inv("/" + inv.id + "/overpayments/" + over[0].ID + "/settle")
	settled := func() int {
		var n int
		f.tn.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'overpayment.settled'`).Scan(&n)
		return n
	}

	t.Run("an admin sees the form; staff see the overpayment without it", func(t *testing.T) {
		wantContains(t, f.adminC.get(f.inv("/"+inv.id)), `action="`+settle+`"`)
		if page := f.staff1C.get(f.inv("/" + inv.id)); strings.Contains(page.Body, settle) {
			t.Fatal("staff are offered the settle form")
		}
		f.staff1C.get(f.inv("/" + inv.id))
		wantStatus(t, f.staff1C.post(settle, url.Values{"how": {billing.SettledRefunded}}), http.StatusNotFound)
	})
	t.Run("an unknown way is refused with a message", func(t *testing.T) {
		res := b.post(settle, url.Values{"how": {"kept"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantContains(t, res, "Choose refunded or credited.")
		if settled() != 0 {
			t.Fatal("audited a refused settle")
		}
	})
	t.Run("another agency's owner gets 404 and changes nothing", func(t *testing.T) {
		other := f.e.mustLogin(t, f.b, f.b.OwnerEmail)
		other.get("/a/" + f.b.Slug + "/invoices")
		wantStatus(t, other.post("/a/"+f.b.Slug+"/invoices/"+inv.id+"/overpayments/"+over[0].ID+"/settle", url.Values{"how": {billing.SettledRefunded}}), http.StatusNotFound)
		if o, _ := f.tn.InvoiceOverpayments(ctx, inv.id); !o[0].Open() {
			t.Fatal("settled from another agency")
		}
	})
	t.Run("refunded: audited, shown as settled, off the list", func(t *testing.T) {
		wantStatus(t, b.post(settle, url.Values{"how": {billing.SettledRefunded}}), http.StatusSeeOther)
		page := b.get(f.inv("/" + inv.id))
		wantContains(t, page, "Overpayments settled")
		wantContains(t, page, "Refunded by ")
		wantContains(t, page, "Overpayment of 192.39 EUR marked Refunded.") // the flash
		if strings.Contains(page.Body, "Overpaid: refund or credit") {
			t.Fatal("still shown as open")
		}
		if list := b.get(f.inv("")); strings.Contains(list.Body, "Overpaid, to refund or credit:") {
			t.Fatal("still on the list")
		}
		wantContains(t, b.get("/a/"+f.a.Slug+"/audit"), "marked an overpayment of 192.39 EUR refunded for")
	})
	t.Run("a second request is a conflict and changes nothing", func(t *testing.T) {
		res := b.post(settle, url.Values{"how": {billing.SettledCredited}})
		wantStatus(t, res, http.StatusConflict)
		wantContains(t, res, "already marked refunded")
		if o, _ := f.tn.InvoiceOverpayments(ctx, inv.id); o[0].Settlement != billing.SettledRefunded || settled() != 1 {
			t.Fatalf("%+v, %d audit rows", o[0], settled())
		}
	})
	t.Run("in Lithuanian the settlement and its amount are in Lithuanian words and format", func(t *testing.T) {
		wantStatus(t, b.post("/a/"+f.a.Slug+"/settings", url.Values{"staff_visibility": {"all"}, "two_factor_required": {"nobody"}, "language": {"lt"}}), http.StatusSeeOther)
		page := b.get(f.inv("/" + inv.id))
		wantContains(t, page, "Grąžinta: ")
		wantContains(t, page, "192,39\u00a0€")
		if strings.Contains(page.Body, "Refunded by") || strings.Contains(page.Body, "192.39") {
			t.Error("the settled overpayment is still in English words or format")
		}
	})
}

// The console lists subscription overpayments and marks one refunded or
// credited once; an unknown id is 404.
func TestOperatorOverpaymentSettle(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	ctx := context.Background()
	a := e.mustSignup(t, "subover")
	mustPayseraKeys(t, e)
	inv := mustOpenInvoice(t, e, a)
	if _, err := e.control.RecordSubscriptionPayment(ctx, inv.ID, inv.Amount, inv.Currency, "manual", "", "Op", control.OperatorAuditEntry{Action: "payment.recorded"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.control.Write().Exec(`INSERT INTO subscription_overpayments (id, invoice_id, reference, amount, currency, reason, created_at) VALUES ('ov-1', ?, 'req-1', ?, ?, 'paid twice', 1)`,
		inv.ID, inv.Amount, inv.Currency); err != nil {
		t.Fatal(err)
	}
	op := e.mustOperator(t)
	page := op.get("/operator/billing")
	wantContains(t, page, "Overpayments: refund or credit")
	wantContains(t, page, `action="/operator/billing/overpayments/ov-1/settle"`)
	wantStatus(t, op.post("/operator/billing/overpayments/nope/settle", url.Values{"how": {billing.SettledCredited}}), http.StatusNotFound)
	wantStatus(t, op.post("/operator/billing/overpayments/ov-1/settle", url.Values{"how": {""}}), http.StatusUnprocessableEntity)
	wantStatus(t, op.post("/operator/billing/overpayments/ov-1/settle", url.Values{"how": {billing.SettledCredited}}), http.StatusSeeOther)
	wantContains(t, op.get("/operator/billing"), "Credited by ")
	res := op.post("/operator/billing/overpayments/ov-1/settle", url.Values{"how": {billing.SettledRefunded}})
	wantStatus(t, res, http.StatusConflict)
	wantContains(t, res, "already marked credited")
	wantContains(t, op.get("/operator/audit"), "settled an overpayment")
}
