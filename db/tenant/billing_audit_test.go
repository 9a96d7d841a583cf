package tenant_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"mintedmind/billing"
	"mintedmind/db/tenant"
)

// refuseAudits makes every insert into the audit log fail until the test
// ends or the returned function is called: an action whose audit row is
// written in its own transaction must then change nothing.
func refuseAudits(t *testing.T, tn *tenant.Store) (allow func()) {
	t.Helper()
	if _, err := tn.Write().Exec(`CREATE TRIGGER audit_refused BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit refused'); END`); err != nil {
		t.Fatal(err)
	}
	allowed := false
	allow = func() {
		if !allowed {
			allowed = true
			if _, err := tn.Write().Exec(`DROP TRIGGER audit_refused`); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Cleanup(allow)
	return allow
}

// queryText runs a single-value query on the tenant's readers; no row is "".
func queryText(t testing.TB, tn *tenant.Store, query string, args ...any) string {
	t.Helper()
	var s sql.NullString
	if err := tn.Read().QueryRowContext(context.Background(), query, args...).Scan(&s); err != nil && !errors.Is(err, sql.ErrNoRows) {
		t.Fatal(err)
	}
	return s.String
}

// Every billing action writes its audit row in the transaction of its
// change: with the audit insert failing, the action fails and its change
// is rolled back; with it working, the change is made with exactly one
// row naming the action and its target.
func TestBillingActionsAuditInTheirTransaction(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "audited")
	client := mustCaseClient(t, tn, "Payer", "")
	ctx := context.Background()
	v, actor := everything(owner), actorOf(owner)
	audit := func(action string) tenant.Audit {
		return tenant.Audit{ActorID: owner.ID, ActorName: owner.Name, Action: action, IP: "192.0.2.1"}
	}
	draft := func(t *testing.T) string {
		inv, err := tn.CreateInvoice(ctx, v, actor, invoiceInput(client))
		if err != nil {
			t.Fatal(err)
		}
		return inv.ID
	}
	issued := func(t *testing.T) string { return mustIssued(t, tn, owner, invoiceInput(client)).ID }
	recurring := func(t *testing.T) string {
		in := tenant.RecurringInput{InvoiceInput: invoiceInput(client), Frequency: billing.Monthly, IntervalMonths: 1}
		in.IssueDate = "2027-01-15"
		r, err := tn.CreateRecurring(ctx, v, actor, in, audit("recurring.created"))
		if err != nil {
			t.Fatal(err)
		}
		return r.ID
	}
	today := billingDay("2026-11-02")
	invoiceState := func(t *testing.T, id string) string {
		return queryText(t, tn, `SELECT status || ' ' || COALESCE(number, '-') || ' paid ' || paid || ' sent ' || COALESCE(sent_at, 0)
			|| ' credits ' || (SELECT COUNT(*) FROM invoices c WHERE c.credit_for = invoices.id)
			|| ' payments ' || (SELECT COUNT(*) FROM payments p WHERE p.invoice_id = invoices.id) FROM invoices WHERE id = ?`, id)
	}
	recurringState := func(t *testing.T, id string) string {
		return queryText(t, tn, `SELECT status || ' next ' || next_index || ' runs ' || (SELECT COUNT(*) FROM recurring_runs WHERE recurring_id = id)
			FROM recurring_invoices WHERE id = ?`, id)
	}
	for _, tc := range []struct {
		action string
		setup  func(t *testing.T) string // the object acted on
		do     func(id string) (target string, err error)
		state  func(t *testing.T, id string) string
	}{
		{"invoice.issued", draft, func(id string) (string, error) {
			_, err := tn.IssueInvoice(ctx, v, actor, "Agency", id, audit("invoice.issued"))
			return id, err
		}, func(t *testing.T, id string) string {
			return invoiceState(t, id) + " numbers used " + queryText(t, tn, `SELECT COALESCE(SUM(value), 0) FROM sequences`)
		}},
		{"invoice.voided", issued, func(id string) (string, error) {
			return id, tn.VoidInvoice(ctx, v, actor, id, "Sent twice", audit("invoice.voided"))
		}, invoiceState},
		{"invoice.credit_note_created", issued, func(id string) (string, error) {
			cn, err := tn.CreateCreditNote(ctx, v, actor, id, "2026-11-02", audit("invoice.credit_note_created"))
			if err != nil {
				return "", err
			}
			return cn.ID, nil
		}, invoiceState},
		{"invoice.draft_deleted", draft, func(id string) (string, error) {
			return id, tn.DeleteDraft(ctx, v, id, audit("invoice.draft_deleted"))
		}, invoiceState},
		{"payment.recorded", issued, func(id string) (string, error) {
			_, err := tn.RecordPayment(ctx, v, actor, id, tenant.PaymentInput{Amount: 100, PaidOn: "2026-11-02", Method: tenant.MethodCash}, "2026-11-02", audit("payment.recorded"))
			return id, err
		}, invoiceState},
		{"invoice.sent", issued, func(id string) (string, error) {
			return id, tn.MarkInvoiceSent(ctx, id, audit("invoice.sent"))
		}, invoiceState},
		{"payment.recorded (Paysera)", issued, func(id string) (string, error) {
			inv, err := tn.Invoice(ctx, v, id)
			if err != nil {
				return "", err
			}
			o, err := tn.CreatePayseraOrder(ctx, inv, false)
			if err != nil {
				return "", err
			}
			a := tenant.Audit{ActorName: "Paysera", Action: "payment.recorded (Paysera)", Target: o.OrderID}
			_, err = tn.RecordProviderPayment(ctx, billing.ProviderPayment{Provider: billing.ProviderPaysera, OrderID: o.OrderID, RequestID: "r1",
				Amount: o.Amount, Currency: o.Currency}, a)
			return o.OrderID, err
		}, func(t *testing.T, id string) string {
			return invoiceState(t, id) + " orders paid " + queryText(t, tn, `SELECT COUNT(*) FROM paysera_orders WHERE invoice_id = ? AND paid_at IS NOT NULL`, id)
		}},
		{"recurring.created", func(*testing.T) string { return client }, func(string) (string, error) {
			in := tenant.RecurringInput{InvoiceInput: invoiceInput(client), Frequency: billing.Monthly, IntervalMonths: 1}
			r, err := tn.CreateRecurring(ctx, v, actor, in, audit("recurring.created"))
			if err != nil {
				return "", err
			}
			return r.ID, nil
		}, func(t *testing.T, client string) string {
			return queryText(t, tn, `SELECT COUNT(*) FROM recurring_invoices WHERE client_id = ?`, client)
		}},
		{"recurring.paused", recurring, func(id string) (string, error) {
			return id, tn.ChangeRecurring(ctx, v, id, tenant.RecurringPause, today, audit("recurring.paused"))
		}, recurringState},
		{"recurring.resumed", func(t *testing.T) string {
			id := recurring(t)
			if err := tn.ChangeRecurring(ctx, v, id, tenant.RecurringPause, today, audit("recurring.paused")); err != nil {
				t.Fatal(err)
			}
			return id
		}, func(id string) (string, error) {
			return id, tn.ChangeRecurring(ctx, v, id, tenant.RecurringResume, billingDay("2027-03-20"), audit("recurring.resumed"))
		}, recurringState},
		{"recurring.skipped", recurring, func(id string) (string, error) {
			return id, tn.ChangeRecurring(ctx, v, id, tenant.RecurringSkip, today, audit("recurring.skipped"))
		}, recurringState},
		{"billing.settings", func(*testing.T) string { return "" }, func(string) (string, error) {
			s, err := tn.BillingSettings(ctx)
			if err != nil {
				return "", err
			}
			s.LegalName = "Audited Ltd"
			return "", tn.SaveBillingSettings(ctx, s, audit("billing.settings"))
		}, func(t *testing.T, _ string) string {
			return queryText(t, tn, `SELECT value FROM settings WHERE key = 'billing.legal_name'`)
		}},
	} {
		t.Run(tc.action+": a failed audit insert undoes it, a working one records one row", func(t *testing.T) {
			id := tc.setup(t)
			before := tc.state(t, id)
			rows := countRows(t, tn, "audit_log")
			allow := refuseAudits(t, tn)
			if _, err := tc.do(id); err == nil {
				t.Fatal("the action succeeded without its audit row")
			}
			if got := tc.state(t, id); got != before {
				t.Fatalf("the action's change stayed without its audit row: %q, was %q", got, before)
			}
			allow()
			if n := countRows(t, tn, "audit_log"); n != rows {
				t.Fatalf("%d audit rows, was %d", n, rows)
			}
			target, err := tc.do(id)
			if err != nil {
				t.Fatal(err)
			}
			if got := tc.state(t, id); got == before {
				t.Fatalf("nothing changed: %q", got)
			}
			if n := queryInt(t, tn, `SELECT COUNT(*) FROM audit_log WHERE action = ? AND target = ? AND id > (SELECT COALESCE(MAX(id), 0) - 1 FROM audit_log)`,
				tc.action, target); n != 1 {
				t.Fatalf("no audit row %s on %q as the last one", tc.action, target)
			}
			if n := countRows(t, tn, "audit_log"); n != rows+1 {
				t.Fatalf("%d audit rows after one action, was %d", n, rows)
			}
		})
	}
}

// The recurring job's issue is audited in the period's transaction: with
// the audit insert failing, no invoice is made and the period stays due.
func TestRecurringIssueAuditedInItsTransaction(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "rec-audit")
	client := mustCaseClient(t, tn, "Subscriber", "")
	ctx := context.Background()
	in := tenant.RecurringInput{InvoiceInput: invoiceInput(client), Frequency: billing.Monthly, IntervalMonths: 1}
	in.IssueDate = "2026-11-01"
	r, err := tn.CreateRecurring(ctx, everything(owner), actorOf(owner), in, tenant.Audit{Action: "recurring.created"})
	if err != nil {
		t.Fatal(err)
	}
	allow := refuseAudits(t, tn)
	if n, err := tn.GenerateRecurring(ctx, billingDay("2026-11-02"), "Agency", nil); err == nil || n != 0 {
		t.Fatalf("made %d without the audit row (%v)", n, err)
	}
	if n := queryInt(t, tn, `SELECT COUNT(*) FROM invoices WHERE recurring_id = ?`, r.ID); n != 0 {
		t.Fatalf("%d invoices stayed", n)
	}
	allow()
	if n, err := tn.GenerateRecurring(ctx, billingDay("2026-11-02"), "Agency", nil); err != nil || n != 1 {
		t.Fatalf("made %d (%v)", n, err)
	}
	if n := queryInt(t, tn, `SELECT COUNT(*) FROM audit_log WHERE action = 'invoice.issued' AND actor_name = 'Recurring invoice'
		AND target = (SELECT id FROM invoices WHERE recurring_id = ?)`, r.ID); n != 1 {
		t.Fatalf("%d audit rows for the issued invoice", n)
	}
}

// billingDay parses a YYYY-MM-DD date.
func billingDay(s string) time.Time {
	d, err := billing.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}
