package app_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
)

// A subscription invoice paid by bank transfer and then through Paysera
// keeps the second payment as an overpayment, in the same flow as an
// agency's invoice: what was still owed pays the invoice, the rest is
// kept, audited in the operator log, once however often the callback
// comes.
func TestSubscriptionOverpayment(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct {
		name          string
		paidFirst     int64 // of 1900
		applied, kept int64
		reason        string
	}{
		{"paid in full by bank transfer first", 1900, 0, 1900, "already paid in full"},
		{"partly paid by bank transfer first", 500, 1400, 500, "owed only 14.00 EUR"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := mustOperatorPayee(t)
			c := p.fx.control
			if _, err := c.RecordSubscriptionPayment(ctx, p.order, tc.paidFirst, "EUR", "manual", "", "Op", control.OperatorAuditEntry{Action: "payment.recorded"}); err != nil {
				t.Fatal(err)
			}
			res, err := p.apply(p.callback(t))
			if err != nil || res.Outcome != app.PaymentOverpaid || res.Overpayment == nil {
				t.Fatalf("%+v %v, want overpaid", res, err)
			}
			if res.Overpayment.Applied != tc.applied || res.Overpayment.Overpaid != tc.kept {
				t.Fatalf("applied %d kept %d, want %d and %d", res.Overpayment.Applied, res.Overpayment.Overpaid, tc.applied, tc.kept)
			}
			inv, _ := c.SubscriptionInvoiceByID(ctx, p.order)
			if paid, _ := c.SubscriptionInvoicePaid(ctx, p.order); inv.Status != control.SubInvoicePaid || paid != 1900 {
				t.Fatalf("invoice %s with %d paid", inv.Status, paid)
			}
			over, err := c.SubscriptionOverpayments(ctx, true, 10)
			if err != nil || len(over) != 1 || over[0].Amount != tc.kept || over[0].Number != inv.Number || !strings.Contains(over[0].Reason, tc.reason) {
				t.Fatalf("overpayments %+v %v", over, err)
			}
			entries, _ := c.OperatorAudit(ctx, inv.AgencyID, 50)
			n := 0
			for _, e := range entries {
				if e.Action == "payment.overpaid" {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("%d payment.overpaid entries", n)
			}
			if res, err := p.apply(p.callback(t)); err != nil || res.Outcome != app.PaymentDuplicate {
				t.Fatalf("the callback again: %+v %v", res, err)
			}
			if over, _ := c.SubscriptionOverpayments(ctx, false, 10); len(over) != 1 {
				t.Fatalf("%d overpayments after a repeat", len(over))
			}
			if paid, _ := c.SubscriptionInvoicePaid(ctx, p.order); paid != 1900 {
				t.Fatalf("%d paid after a repeat", paid)
			}
		})
	}
}

// settleRace settles one overpayment from n requests at once: exactly one
// succeeds, the others are conflicts, and audited() counts one entry.
func settleRace(t *testing.T, n int, settle func() error, audited func() int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			errs[i] = settle()
		}(i)
	}
	close(start)
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case apperr.CodeOf(err) != apperr.Conflict:
			t.Errorf("a concurrent settle failed with %v, want a conflict", err)
		}
	}
	if ok != 1 || audited() != 1 {
		t.Fatalf("%d settled, %d audit entries; want exactly one of each", ok, audited())
	}
}

// An overpayment is marked refunded or credited exactly once, however
// many requests ask at the same moment, with one audit entry; a way other
// than refunded or credited is refused and writes nothing.
func TestSettleOverpaymentOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("an agency's", func(t *testing.T) {
		t.Parallel()
		p := mustAgencyPayee(t)
		p.payManually(t, 12000)
		res, err := p.apply(p.callback(t))
		if err != nil || res.Overpayment == nil {
			t.Fatalf("%+v %v", res, err)
		}
		id := res.Overpayment.Overpayment
		if _, err := p.tn.SettleOverpayment(ctx, p.invoice.ID, id, "kept", "Owner", tenant.Audit{}); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("an unknown way: %v", err)
		}
		if _, err := p.tn.SettleOverpayment(ctx, "00000000-0000-0000-0000-000000000000", id, billing.SettledRefunded, "Owner", tenant.Audit{}); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("under another invoice: %v", err)
		}
		settleRace(t, 8, func() error {
			_, err := p.tn.SettleOverpayment(ctx, p.invoice.ID, id, billing.SettledCredited, "Owner", tenant.Audit{ActorName: "Owner"})
			return err
		}, func() int {
			e, _ := p.tn.AuditLog(ctx, tenant.AuditFilter{Action: "overpayment.settled"})
			return len(e)
		})
		over, _ := p.tn.InvoiceOverpayments(ctx, p.invoice.ID)
		if len(over) != 1 || over[0].Open() || over[0].Settlement != billing.SettledCredited || over[0].SettledBy != "Owner" {
			t.Fatalf("%+v", over)
		}
		if open, _ := p.tn.OpenOverpayments(ctx); len(open) != 0 {
			t.Fatalf("%d still open", len(open))
		}
	})
	t.Run("a subscription's", func(t *testing.T) {
		t.Parallel()
		p := mustOperatorPayee(t)
		c := p.fx.control
		if _, err := c.RecordSubscriptionPayment(ctx, p.order, p.amount, "EUR", "manual", "", "Op", control.OperatorAuditEntry{Action: "payment.recorded"}); err != nil {
			t.Fatal(err)
		}
		res, err := p.apply(p.callback(t))
		if err != nil || res.Overpayment == nil {
			t.Fatalf("%+v %v", res, err)
		}
		id := res.Overpayment.Overpayment
		if _, err := c.SettleSubscriptionOverpayment(ctx, id, "", control.OperatorAuditEntry{}); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("no way: %v", err)
		}
		settleRace(t, 8, func() error {
			_, err := c.SettleSubscriptionOverpayment(ctx, id, billing.SettledRefunded, control.OperatorAuditEntry{OperatorName: "Op"})
			return err
		}, func() int {
			entries, _ := c.OperatorAudit(ctx, "", 100)
			n := 0
			for _, e := range entries {
				if e.Action == "overpayment.settled" {
					n++
				}
			}
			return n
		})
		if open, _ := c.SubscriptionOverpayments(ctx, true, 10); len(open) != 0 {
			t.Fatalf("%d still open", len(open))
		}
	})
}
