package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"mintedmind/db/control"
)

// mustBankDetails gives the operator bank details (agencies are invoiced
// only once they can pay).
func mustBankDetails(t *testing.T, e *env) {
	t.Helper()
	s, _ := e.control.LoadSubscriptionSettings(context.Background())
	s.BankDetails = "Host Co\nIBAN: LT12 1000 0111 0100 1000"
	if err := e.control.SaveSubscriptionSettings(context.Background(), s, control.OperatorAuditEntry{Action: "billing.settings"}); err != nil {
		t.Fatal(err)
	}
}

// TestSubscriptionDueBanner: from the reminder (three days before the due
// date) until it is paid, the owner sees the open subscription invoice on
// every staff page with its amount and due date, and how to pay it: the
// bank details and the reference, and a Pay button once the operator's
// Paysera project is set up. Other staff are not bothered before the due
// date.
func TestSubscriptionDueBanner(t *testing.T) {
	t.Parallel()
	e := mustNewEnv(t)
	ctx := context.Background()
	a := e.mustSignup(t, "duebanner")
	_, staffEmail := e.mustAddUser(t, a, "staff")
	mustBankDetails(t, e)
	inv := mustOpenInvoice(t, e, a)
	owner := e.mustLogin(t, a, a.OwnerEmail)
	base := "/a/" + a.Slug
	headline := "Subscription invoice " + inv.Number + ": 19.00 EUR due on " + inv.DueAt.Format("2 January 2006") + "."

	t.Run("no banner before the reminder", func(t *testing.T) {
		if res := owner.get(base + "/clients"); strings.Contains(res.Body, "Subscription invoice") {
			t.Fatal("banner two weeks before the due date")
		}
	})
	e.clock.Set(inv.DueAt.AddDate(0, 0, -3))
	owner, staffB := e.mustLogin(t, a, a.OwnerEmail), e.mustLogin(t, a, staffEmail) // the sessions of two weeks ago have expired
	t.Run("from the reminder the owner sees the amount, the due date, the bank details and the reference", func(t *testing.T) {
		for _, p := range []string{"", "/clients", "/invoices", "/settings"} {
			res := owner.get(base + p)
			wantStatus(t, res, http.StatusOK)
			wantContains(t, res, headline)
			wantContains(t, res, "Pay by bank transfer with the reference <strong>"+inv.Number+"</strong> to:")
			wantContains(t, res, "IBAN: LT12 1000 0111 0100 1000<br>")
			if strings.Contains(res.Body, "/pay\"") {
				t.Fatal("a Pay button without the operator's Paysera")
			}
		}
	})
	t.Run("other staff see nothing before the due date", func(t *testing.T) {
		if res := staffB.get(base + "/clients"); strings.Contains(res.Body, "Subscription invoice") {
			t.Fatal("staff see the owner's banner")
		}
	})
	mustPayseraKeys(t, e)
	t.Run("with the operator's Paysera the banner has a Pay button that starts the payment", func(t *testing.T) {
		res := owner.get(base + "/clients")
		wantContains(t, res, `<form method="post" action="/a/`+a.Slug+`/plan/invoices/`+inv.ID+`/pay" class="inline banner-pay" hx-boost="false"><input type="hidden" name="_csrf" value="`+owner.csrf+`"><button type="submit" class="small">Pay 19.00 EUR online</button></form>`)
		wantContains(t, res, "Or pay by bank transfer")
		pay := owner.post(base+"/plan/invoices/"+inv.ID+"/pay", nil)
		wantStatus(t, pay, http.StatusSeeOther)
		if !strings.Contains(pay.Header.Get("Location"), "paysera") {
			t.Fatalf("sent to %q", pay.Header.Get("Location"))
		}
	})
	t.Run("paid, the banner is gone", func(t *testing.T) {
		if _, err := e.control.RecordSubscriptionPayment(ctx, inv.ID, inv.Amount, inv.Currency, "manual", "", "Op", control.OperatorAuditEntry{Action: "payment.recorded"}); err != nil {
			t.Fatal(err)
		}
		if res := owner.get(base + "/clients"); strings.Contains(res.Body, "Subscription invoice") {
			t.Fatal("banner after payment")
		}
	})
	t.Run("another agency's owner cannot pay this invoice", func(t *testing.T) {
		b := e.mustSignup(t, "duebanner-other")
		b.Owner.get("/a/" + b.Slug + "/plan")
		wantStatus(t, b.Owner.post("/a/"+b.Slug+"/plan/invoices/"+inv.ID+"/pay", nil), http.StatusNotFound)
	})
}
