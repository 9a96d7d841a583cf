package control_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db/control"
)

// mustOpenSubscriptionInvoice starts an agency on the default plan, ends
// its trial and issues its first invoice; the agency is then status.
func (f *fixture) mustOpenSubscriptionInvoice(t *testing.T, slug, status string) *control.SubscriptionInvoice {
	t.Helper()
	ctx := context.Background()
	if err := f.control.EnsureDefaultPlans(ctx); err != nil {
		t.Fatal(err)
	}
	plan, err := f.control.DefaultPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a := f.mustCreateAgency(t, slug)
	if err := f.control.StartSubscription(ctx, a.ID, plan); err != nil {
		t.Fatal(err)
	}
	s, err := f.control.Subscription(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if f.clock.Now().Before(s.PeriodEnd) {
		f.clock.Set(s.PeriodEnd.Add(time.Hour))
	}
	if _, err := f.control.AdvancePeriods(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	settings, err := f.control.LoadSubscriptionSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	inv, created, err := f.control.IssueSubscriptionInvoice(ctx, a.ID, settings, nil)
	if err != nil || !created || inv.Amount <= 0 {
		t.Fatalf("%+v %v %v", inv, created, err)
	}
	if status != control.AgencyActive {
		if _, err := f.control.SetAgencyStatus(ctx, a.ID, status); err != nil {
			t.Fatal(err)
		}
	}
	return inv
}

// refuseOperatorAudits makes every insert into the operator audit log fail
// until the returned function (or the test's end) allows them again.
func refuseOperatorAudits(t *testing.T, c *control.Store) (allow func()) {
	t.Helper()
	refuse, drop := `CREATE TRIGGER operator_audit_refused BEFORE INSERT ON operator_audit BEGIN SELECT RAISE(ABORT, 'audit refused'); END`, `DROP TRIGGER operator_audit_refused`
	if c.Postgres() {
		refuse = `CREATE FUNCTION operator_audit_refused() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit refused'; END $$;
			CREATE TRIGGER operator_audit_refused BEFORE INSERT ON operator_audit FOR EACH ROW EXECUTE FUNCTION operator_audit_refused()`
		drop = `DROP TRIGGER operator_audit_refused ON operator_audit; DROP FUNCTION operator_audit_refused()`
	}
	if _, err := c.Write().Exec(refuse); err != nil {
		t.Fatal(err)
	}
	allowed := false
	allow = func() {
		if !allowed {
			allowed = true
			if _, err := c.Write().Exec(drop); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Cleanup(allow)
	return allow
}

// subscriptionState is an invoice's status and payments and its agency's status.
func (f *fixture) subscriptionState(t *testing.T, inv *control.SubscriptionInvoice) string {
	t.Helper()
	ctx := context.Background()
	got, err := f.control.SubscriptionInvoiceByID(ctx, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	paid, err := f.control.SubscriptionInvoicePaid(ctx, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.control.Subscription(ctx, inv.AgencyID)
	if err != nil {
		t.Fatal(err)
	}
	return got.Status + " paid " + billing.FormatMinor(paid) + ", agency " + s.Status
}

// operatorAudit is the operator audit log, oldest first, as "action agency detail" lines.
func (f *fixture) operatorAudit(t *testing.T) []string {
	t.Helper()
	entries, err := f.control.OperatorAudit(context.Background(), "", 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		out = append(out, e.OperatorName+" "+e.Action+" "+e.AgencyID+" "+e.Detail)
	}
	return out
}

// The operator's billing writes (a payment by hand, a payment through
// Paysera, the billing settings) write their operator audit entry in the
// transaction of the change: with the audit insert failing, nothing
// changes; with it working, the change comes with exactly one entry.
func TestSubscriptionPaymentsAuditInTheirTransaction(t *testing.T) {
	t.Parallel()
	onEachEngine(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		op := control.OperatorAuditEntry{OperatorID: "op-1", OperatorName: "Olga", Action: "payment.recorded"}

		t.Run("a payment by hand", func(t *testing.T) {
			f := mustOpenFixture(t, e)
			inv := f.mustOpenSubscriptionInvoice(t, "by-hand", control.AgencySuspended)
			before := f.subscriptionState(t, inv)
			allow := refuseOperatorAudits(t, f.control)
			if _, err := f.control.RecordSubscriptionPayment(ctx, inv.ID, inv.Amount, inv.Currency, "manual", "", "Olga", op); err == nil {
				t.Fatal("recorded without its audit entry")
			}
			if got := f.subscriptionState(t, inv); got != before {
				t.Fatalf("the payment stayed without its audit entry: %s, was %s", got, before)
			}
			allow()
			res, err := f.control.RecordSubscriptionPayment(ctx, inv.ID, inv.Amount, inv.Currency, "manual", "", "Olga", op)
			if err != nil || res.Reactivated != control.AgencySuspended {
				t.Fatalf("%+v %v", res, err)
			}
			want := "Olga payment.recorded " + inv.AgencyID + " Invoice " + inv.Number + ": " + billing.FormatMoney(inv.Amount, inv.Currency) + "; Suspended → Active"
			if got := f.operatorAudit(t); len(got) != 1 || got[0] != want {
				t.Fatalf("audit %q, want %q", got, want)
			}
		})

		t.Run("a payment through Paysera", func(t *testing.T) {
			f := mustOpenFixture(t, e)
			inv := f.mustOpenSubscriptionInvoice(t, "paysera", control.AgencyPastDue)
			o, err := f.control.ProviderOrder(ctx, inv.ID)
			if err != nil || o.InvoiceID != inv.ID || o.Label != inv.Number || o.Amount != inv.Amount || o.Currency != inv.Currency || o.Test != nil {
				t.Fatalf("the order asks %+v (%v)", o, err)
			}
			if _, err := f.control.ProviderOrder(ctx, "no-such-invoice"); !apperr.Is(err, apperr.NotFound) {
				t.Fatalf("an unknown order: %v", err)
			}
			pay := billing.ProviderPayment{Provider: billing.ProviderPaysera, OrderID: inv.ID, RequestID: "req-1", Amount: inv.Amount, Currency: inv.Currency}
			paysera := control.OperatorAuditEntry{OperatorName: "Paysera", Action: "payment.recorded", Detail: "paysera request req-1"}
			more := pay
			more.Amount++
			if _, err := f.control.RecordProviderPayment(ctx, more, paysera); !apperr.Is(err, apperr.Conflict) {
				t.Fatalf("more than is owed: %v", err)
			}
			before := f.subscriptionState(t, inv)
			allow := refuseOperatorAudits(t, f.control)
			if _, err := f.control.RecordProviderPayment(ctx, pay, paysera); err == nil {
				t.Fatal("recorded without its audit entry")
			}
			if got := f.subscriptionState(t, inv); got != before {
				t.Fatalf("the payment stayed without its audit entry: %s, was %s", got, before)
			}
			allow()
			if duplicate, err := f.control.RecordProviderPayment(ctx, pay, paysera); err != nil || duplicate {
				t.Fatalf("duplicate %v, %v", duplicate, err)
			}
			if got := f.subscriptionState(t, inv); got != "paid paid "+billing.FormatMinor(inv.Amount)+", agency active" {
				t.Fatal(got)
			}
			if duplicate, err := f.control.RecordProviderPayment(ctx, pay, paysera); err != nil || !duplicate {
				t.Fatalf("the same payment again: duplicate %v, %v", duplicate, err)
			}
			another := pay
			another.RequestID = "req-2"
			if _, err := f.control.RecordProviderPayment(ctx, another, paysera); !apperr.Is(err, apperr.Conflict) {
				t.Fatalf("another payment of a paid invoice: %v", err)
			}
			want := "Paysera payment.recorded " + inv.AgencyID + " Invoice " + inv.Number + ": " + billing.FormatMoney(inv.Amount, inv.Currency) + "; paysera request req-1; Past due → Active"
			if got := f.operatorAudit(t); len(got) != 1 || got[0] != want {
				t.Fatalf("audit %q, want %q", got, want)
			}
		})

		t.Run("the billing settings", func(t *testing.T) {
			f := mustOpenFixture(t, e)
			s, err := f.control.LoadSubscriptionSettings(ctx)
			if err != nil {
				t.Fatal(err)
			}
			s.SellerName = "Host Co"
			saved := control.OperatorAuditEntry{OperatorName: "Olga", Action: "billing.settings"}
			allow := refuseOperatorAudits(t, f.control)
			if err := f.control.SaveSubscriptionSettings(ctx, s, saved); err == nil {
				t.Fatal("saved without its audit entry")
			}
			if got, _ := f.control.LoadSubscriptionSettings(ctx); got.SellerName == "Host Co" {
				t.Fatal("the settings stayed without their audit entry")
			}
			allow()
			if err := f.control.SaveSubscriptionSettings(ctx, s, saved); err != nil {
				t.Fatal(err)
			}
			if got, _ := f.control.LoadSubscriptionSettings(ctx); got.SellerName != "Host Co" {
				t.Fatal(got.SellerName)
			}
			if got := f.operatorAudit(t); len(got) != 1 || !strings.HasPrefix(got[0], "Olga billing.settings") {
				t.Fatalf("audit %q", got)
			}
		})
	})
}
