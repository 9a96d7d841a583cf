package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/paysera"
)

// Every billing action a person takes leaves its audit row, naming them,
// the action and its target, written with the change; the Paysera
// callback's names Paysera.
func TestBillingActionsAreAudited(t *testing.T) {
	t.Parallel()
	f := mustBillingFixture(t)
	key := f.mustSetUpPaysera(t)
	b := f.a.Owner
	owner := f.owner
	audited := func(t *testing.T, action, target string) tenant.Audit {
		t.Helper()
		for _, e := range auditEntries(t, f.tn, action) {
			if e.Target == target {
				return e
			}
		}
		t.Fatalf("no %s audit entry on %q", action, target)
		return tenant.Audit{}
	}
	byOwner := func(t *testing.T, action, target string) {
		t.Helper()
		if e := audited(t, action, target); e.ActorID != owner.ID || e.IP == "" {
			t.Fatalf("%s on %s: %+v", action, target, e)
		}
	}
	byOwner(t, "billing.settings", "")

	b.get(f.inv("/new"))
	draft := f.mustCreateDraft(t, b, f.invoiceForm())
	wantStatus(t, b.post(f.inv("/"+draft+"/delete"), nil), http.StatusSeeOther)
	byOwner(t, "invoice.draft_deleted", draft)

	id := f.mustCreateDraft(t, b, f.invoiceForm())
	inv := f.mustIssue(t, b, id)
	if e := audited(t, "invoice.issued", id); e.Detail != inv.Number || e.ActorID != owner.ID {
		t.Fatalf("issued: %+v", e)
	}
	b.get(f.inv("/" + id))
	wantStatus(t, b.post(f.inv("/"+id+"/send"), nil), http.StatusSeeOther)
	byOwner(t, "invoice.sent", id)
	wantStatus(t, b.post(f.inv("/"+id+"/payments"), url.Values{"amount": {"10.00"}, "paid_on": {"2026-11-02"}, "method": {"cash"}}), http.StatusSeeOther)
	if e := audited(t, "payment.recorded", id); e.Detail != "10.00 cash" || e.ActorID != owner.ID {
		t.Fatalf("payment: %+v", e)
	}
	res := b.post(f.inv("/"+id+"/credit"), nil)
	wantStatus(t, res, http.StatusSeeOther)
	credit := strings.TrimSuffix(strings.TrimPrefix(res.Header.Get("Location"), f.inv("/")), "/edit")
	if e := audited(t, "invoice.credit_note_created", credit); e.Detail != "for "+inv.Number {
		t.Fatalf("credit note: %+v", e)
	}

	other := f.mustCreateDraft(t, b, f.invoiceForm())
	f.mustIssue(t, b, other)
	wantStatus(t, b.post(f.inv("/"+other+"/void"), url.Values{"reason": {"Sent twice"}}), http.StatusSeeOther)
	if e := audited(t, "invoice.voided", other); e.Detail != "Sent twice" {
		t.Fatalf("void: %+v", e)
	}

	base := "/a/" + f.a.Slug + "/recurring"
	b.get(base + "/new")
	res = b.post(base, f.recurringForm())
	wantStatus(t, res, http.StatusSeeOther)
	rec := strings.TrimPrefix(res.Header.Get("Location"), base+"/")
	byOwner(t, "recurring.created", rec)
	for _, step := range [][2]string{{"pause", "recurring.paused"}, {"resume", "recurring.resumed"}, {"skip", "recurring.skipped"}} {
		wantStatus(t, b.post(base+"/"+rec+"/"+step[0], nil), http.StatusSeeOther)
		byOwner(t, step[1], rec)
	}

	paid := f.mustPayseraInvoice(t)
	if r := f.payseraCall("GET", signedSS2(t, paid.fields(), key)); r.Body != "OK" {
		t.Fatalf("callback answered %d %q", r.StatusCode, r.Body)
	}
	if e := audited(t, "payment.recorded", paid.order); e.ActorName != "Paysera" || !strings.Contains(e.Detail, "paysera request r-"+paid.order) {
		t.Fatalf("paysera payment: %+v", e)
	}
}

// A billing action whose audit row can't be written fails as a whole:
// nothing of it stays, and a Paysera callback is not answered "OK", so
// Paysera sends it again.
func TestBillingActionWithoutItsAuditRowChangesNothing(t *testing.T) {
	t.Parallel()
	f := mustBillingFixture(t)
	key := f.mustSetUpPaysera(t)
	b := f.a.Owner
	b.get(f.inv("/new"))
	id := f.mustCreateDraft(t, b, f.invoiceForm())
	paid := f.mustPayseraInvoice(t)
	unpaid := f.paymentState(t, paid.id)
	if _, err := f.tn.Write().Exec(`CREATE TRIGGER audit_refused BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit refused'); END`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.tn.Write().Exec(`DROP TRIGGER audit_refused`) })

	wantStatus(t, b.post(f.inv("/"+id+"/issue"), nil), http.StatusInternalServerError)
	if got := f.paymentState(t, id); !strings.HasPrefix(got, tenant.InvoiceDraft+" ") {
		t.Fatalf("issued without its audit row: %s", got)
	}
	r := f.payseraCall("GET", signedSS2(t, paid.fields(), key))
	if r.Body == "OK" {
		t.Fatal("a payment whose audit row failed was answered OK")
	}
	if got := f.paymentState(t, paid.id); got != unpaid {
		t.Fatalf("paid without its audit row: %s, was %s", got, unpaid)
	}
}

// A subscription payment through Paysera lands in the operator audit log
// with the payment; a part paid by hand leaves the rest to pay by hand (a
// callback for more than is owed would be refused).
func TestSubscriptionPaymentAudited(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	a := e.mustSignup(t, "subaudit")
	key := mustPayseraKeys(t, e)
	inv := mustOpenInvoice(t, e, a)
	ctx := context.Background()
	fields := url.Values{"projectid": {"123456"}, "orderid": {inv.ID}, "requestid": {"req-9"}, "status": {"1"},
		"amount": {strconv.FormatInt(inv.Amount, 10)}, "currency": {inv.Currency}, "test": {"0"}}
	signed, err := paysera.SignCallback(fields, "sign-secret", key, true)
	if err != nil {
		t.Fatal(err)
	}
	if res := e.newClient().get("/subscriptions/paysera/callback?" + signed.Encode()); res.Body != "OK" {
		t.Fatalf("answered %d %q", res.StatusCode, res.Body)
	}
	entries, err := e.control.OperatorAudit(ctx, a.ID, 10)
	if err != nil || len(entries) != 1 || entries[0].OperatorName != "Paysera" || entries[0].Action != "payment.recorded" ||
		!strings.Contains(entries[0].Detail, inv.Number) || !strings.Contains(entries[0].Detail, "req-9") {
		t.Fatalf("operator audit %+v %v", entries, err)
	}

	b := e.mustSignup(t, "subaudit-part")
	next := mustOpenInvoice(t, e, b)
	if _, err := e.control.RecordSubscriptionPayment(ctx, next.ID, 100, next.Currency, "manual", "", "Olga", control.OperatorAuditEntry{Action: "payment.recorded"}); err != nil {
		t.Fatal(err)
	}
	b.Owner = e.mustLogin(t, b, b.OwnerEmail)
	b.Owner.get("/a/" + b.Slug + "/plan")
	res := b.Owner.post("/a/"+b.Slug+"/plan/invoices/"+next.ID+"/pay", nil)
	wantStatus(t, res, http.StatusConflict)
	wantContains(t, res, "is paid already")
}
