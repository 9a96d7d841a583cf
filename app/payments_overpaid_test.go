package app_test

import (
	"context"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db/tenant"
	"mintedmind/mail"
	"mintedmind/paysera"
	"mintedmind/paysera/payseratest"
)

// encryptedCallback builds Paysera's encrypted callback (data only) as
// Paysera does, independently of package paysera (payseratest).
func encryptedCallback(_ *testing.T, password string, fields url.Values) url.Values {
	return payseratest.Callback(password, fields)
}

// encrypted is p's paid callback for the whole order in the encrypted
// format, changed by kv.
func (p *payee) encrypted(t *testing.T, password string, kv ...string) url.Values {
	t.Helper()
	fields := url.Values{"projectid": {p.project}, "orderid": {p.order}, "requestid": {"req-enc"}, "status": {paysera.StatusPaid},
		"amount": {strconv.FormatInt(p.amount, 10)}, "currency": {p.currency}, "test": {"0"}}
	for i := 0; i+1 < len(kv); i += 2 {
		fields.Set(kv[i], kv[i+1])
	}
	return encryptedCallback(t, password, fields)
}

// An encrypted callback passes the same checks as a signed one after it is
// decrypted: project, test flag, order, amount, currency; a status that
// moves no money is acknowledged; paid is recorded once.
func TestPayseraEncryptedCallback(t *testing.T) {
	t.Parallel()
	for name, open := range map[string]func(*testing.T) *payee{"agency invoice": mustAgencyPayee, "subscription invoice": mustOperatorPayee} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p := open(t)
			unpaid := p.state()
			refused := map[string]url.Values{
				"under another password":                p.encrypted(t, "not-the-password"),
				"for another project":                   p.encrypted(t, p.password, "projectid", "1"),
				"a test payment while test mode is off": p.encrypted(t, p.password, "test", "1"),
				"for an unknown order":                  p.encrypted(t, p.password, "orderid", "0123456789abcdef"),
				"for another amount":                    p.encrypted(t, p.password, "amount", "1"),
				"in another currency":                   p.encrypted(t, p.password, "currency", "USD"),
				"without an amount":                     p.encrypted(t, p.password, "amount", ""),
			}
			for what, q := range refused {
				if res, err := p.apply(q); err == nil || apperr.CodeOf(err) == apperr.Internal {
					t.Errorf("an encrypted callback %s: %+v %v, want refused", what, res, err)
				}
				if got := p.state(); got != unpaid {
					t.Fatalf("an encrypted callback %s changed %q to %q", what, unpaid, got)
				}
			}
			if res, err := p.apply(p.encrypted(t, p.password, "status", paysera.StatusAccepted)); err != nil || res.Outcome != app.PaymentIgnored {
				t.Fatalf("accepted, not paid: %+v %v", res, err)
			}
			res, err := p.apply(p.encrypted(t, p.password))
			if err != nil || res.Outcome != app.PaymentRecorded || !res.Encrypted {
				t.Fatalf("paid: %+v %v", res, err)
			}
			paid := p.state()
			if paid == unpaid || p.audits() != 1 {
				t.Fatalf("after paying: %q, %d audit rows", paid, p.audits())
			}
			if res, err := p.apply(p.encrypted(t, p.password)); err != nil || res.Outcome != app.PaymentDuplicate {
				t.Fatalf("the same payment again: %+v %v", res, err)
			}
			if got := p.state(); got != paid || p.audits() != 1 {
				t.Fatalf("a repeated callback changed %q to %q", paid, got)
			}
		})
	}
}

// A Paysera payment for an invoice that no longer owes it is kept as an
// overpayment (what is still owed is paid), audited, shown on the invoice
// and emailed to the owners through the outbox; a repeat changes nothing.
func TestPayseraOverpayment(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cases := []struct {
		name           string
		before         func(t *testing.T, p *payee)
		applied, over  int64
		status         string
		reasonContains string
	}{
		{"paid in full by bank transfer first", func(t *testing.T, p *payee) { p.payManually(t, 12000) }, 0, 12000, tenant.InvoicePaid, "already paid in full"},
		{"partly paid by bank transfer first", func(t *testing.T, p *payee) { p.payManually(t, 5000) }, 7000, 5000, tenant.InvoicePaid, "owed only"},
		{"voided first", func(t *testing.T, p *payee) {
			v, actor := tenant.Viewer{UserID: p.owner.ID}, tenant.Actor{ID: p.owner.ID, Name: p.owner.Name}
			if err := p.tn.VoidInvoice(ctx, v, actor, p.invoice.ID, "issued twice", tenant.Audit{Action: "invoice.voided"}); err != nil {
				t.Fatal(err)
			}
		}, 0, 12000, tenant.InvoiceVoid, "is void"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := mustAgencyPayee(t)
			m, err := mail.New(p.fx.control, mail.Config{}, os.DirFS("../views"), p.fx.clock, nil)
			if err != nil {
				t.Fatal(err)
			}
			p.payeeOf.Mailer = m
			tc.before(t, p)
			res, err := p.apply(p.callback(t))
			if err != nil || res.Outcome != app.PaymentOverpaid || res.Overpayment == nil {
				t.Fatalf("%+v %v, want overpaid", res, err)
			}
			inv, err := p.tn.Invoice(ctx, tenant.Viewer{}, p.invoice.ID)
			if err != nil {
				t.Fatal(err)
			}
			if inv.Status != tc.status {
				t.Errorf("invoice is %s, want %s", inv.Status, tc.status)
			}
			over, err := p.tn.InvoiceOverpayments(ctx, p.invoice.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(over) != 1 || over[0].Amount != tc.over || over[0].Currency != "EUR" || !over[0].Open() || !strings.Contains(over[0].Reason, tc.reasonContains) {
				t.Fatalf("overpayments %+v, want one of %d: %q", over, tc.over, tc.reasonContains)
			}
			if res.Overpayment.Applied != tc.applied {
				t.Errorf("applied %d, want %d", res.Overpayment.Applied, tc.applied)
			}
			entries, err := p.tn.AuditLog(ctx, tenant.AuditFilter{Action: "payment.overpaid"})
			if err != nil || len(entries) != 1 || entries[0].Target != p.invoice.ID {
				t.Fatalf("audit %+v %v", entries, err)
			}
			emails, err := p.fx.control.RecentEmails(ctx, 20)
			if err != nil {
				t.Fatal(err)
			}
			sent := 0
			for _, e := range emails {
				if strings.HasPrefix(e.Subject, "Overpayment on ") {
					sent++
					if e.To != p.owner.Email || !strings.Contains(e.Body, billing.FormatMoney(tc.over, "EUR")) || !strings.Contains(e.Body, "/invoices/"+p.invoice.ID) {
						t.Errorf("email to %s: %s\n%s", e.To, e.Subject, e.Body)
					}
				}
			}
			if sent != 1 {
				t.Fatalf("%d overpayment emails, want 1 (to the owner)", sent)
			}

			state := p.state()
			if res, err := p.apply(p.callback(t)); err != nil || res.Outcome != app.PaymentDuplicate {
				t.Fatalf("the callback again: %+v %v", res, err)
			}
			if over, _ := p.tn.InvoiceOverpayments(ctx, p.invoice.ID); len(over) != 1 || p.state() != state {
				t.Fatalf("a repeated callback wrote: %d overpayments, %q (was %q)", len(over), p.state(), state)
			}
		})
	}
}

// payManually records a bank transfer of amount on p's invoice.
func (p *payee) payManually(t *testing.T, amount int64) {
	t.Helper()
	v, actor := tenant.Viewer{UserID: p.owner.ID}, tenant.Actor{ID: p.owner.ID, Name: p.owner.Name}
	_, err := p.tn.RecordPayment(context.Background(), v, actor, p.invoice.ID, tenant.PaymentInput{Amount: amount, PaidOn: p.invoice.IssueDate,
		Method: tenant.MethodBankTransfer, Reference: "bank"}, "2099-01-01", tenant.Audit{Action: "payment.recorded"})
	if err != nil {
		t.Fatal(err)
	}
}
