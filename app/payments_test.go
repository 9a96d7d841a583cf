package app_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"mintedmind/app"
	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db/control"
	"mintedmind/db/tenant"
	"mintedmind/paysera"
)

var (
	payseraKeyOnce sync.Once
	payseraKey     *rsa.PrivateKey
)

// mustPayseraKey is the test's stand-in for Paysera's key pair, and its
// public half as PEM.
func mustPayseraKey(t *testing.T) (*rsa.PrivateKey, string) {
	t.Helper()
	payseraKeyOnce.Do(func() { payseraKey, _ = rsa.GenerateKey(rand.Reader, 2048) })
	if payseraKey == nil {
		t.Fatal("no RSA key")
	}
	der, err := x509.MarshalPKIXPublicKey(&payseraKey.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return payseraKey, string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// payee is one of the two owners of invoices paid through Paysera, with an
// invoice to pay: an agency (its own project, its tenant store) or the
// operator (a subscription invoice, the control store).
type payee struct {
	project, password string
	order             string // what the callback names
	amount            int64
	currency          string
	apply             func(q url.Values) (app.PaymentCallback, error)
	state             func() string // the invoice and its payments
	audits            func() int    // audit rows about payments
	refuseAudits      func() (allow func())
	setUp             func(enabled, test bool) // Paysera on or off, in test mode or not

	// An agency's invoice only: its store, the invoice, and the agency the
	// overpayment email names (Mailer nil: none sent).
	tn      *tenant.Store
	invoice *tenant.Invoice
	owner   *tenant.User
	fx      *fixture
	payeeOf app.PayeeAgency
}

// callback signs fields as Paysera does: a paid callback for the whole
// order, changed by kv.
func (p *payee) callback(t *testing.T, kv ...string) url.Values {
	t.Helper()
	key, _ := mustPayseraKey(t)
	fields := url.Values{"projectid": {p.project}, "orderid": {p.order}, "requestid": {"req-" + p.order[:8]}, "status": {paysera.StatusPaid},
		"amount": {strconv.FormatInt(p.amount, 10)}, "currency": {p.currency}, "test": {"0"}}
	for i := 0; i+1 < len(kv); i += 2 {
		fields.Set(kv[i], kv[i+1])
	}
	q, err := paysera.SignCallback(fields, p.password, key, true)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// mustAgencyPayee is an agency with Paysera set up and an issued invoice
// whose payment was started (a Paysera order in live mode).
func mustAgencyPayee(t *testing.T) *payee {
	t.Helper()
	ctx := context.Background()
	f := mustOpenFixture(t)
	a, owner := f.mustCreateAgency(t, "payee")
	tn := mustAcquire(t, f.pool, a.ID)
	_, pub := mustPayseraKey(t)
	p := &payee{project: "555", password: "pw", currency: "EUR"}
	p.setUp = func(enabled, test bool) {
		t.Helper()
		s, err := tn.BillingSettings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		s.PayseraProjectID, s.PayseraPassword, s.PayseraPublicKey, s.PayseraTest = "", "", "", test
		if enabled {
			s.PayseraProjectID, s.PayseraPassword, s.PayseraPublicKey = p.project, p.password, pub
		}
		if err := tn.SaveBillingSettings(ctx, s, tenant.Audit{Action: "billing.settings"}); err != nil {
			t.Fatal(err)
		}
	}
	p.setUp(true, false)
	v, actor := tenant.Viewer{UserID: owner.ID}, tenant.Actor{ID: owner.ID, Name: owner.Name}
	c, err := tn.CreateClient(ctx, v, tenant.ClientInput{Name: "Payer", Kind: "company"}, tenant.Audit{Action: "client.created"})
	if err != nil {
		t.Fatal(err)
	}
	draft, err := tn.CreateInvoice(ctx, v, actor, tenant.InvoiceInput{ClientID: c.ID, Currency: "EUR", IssueDate: "2026-11-02", TermsDays: 14,
		Lines: []billing.Line{{Description: "Work", QuantityMilli: 1000, UnitPrice: 12000}}})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := tn.IssueInvoice(ctx, v, actor, a.Name, draft.ID, tenant.Audit{Action: "invoice.issued"})
	if err != nil {
		t.Fatal(err)
	}
	o, err := tn.CreatePayseraOrder(ctx, inv, false)
	if err != nil {
		t.Fatal(err)
	}
	p.order, p.amount = o.OrderID, o.Amount
	p.tn, p.invoice, p.owner, p.fx = tn, inv, owner, f
	p.payeeOf = app.PayeeAgency{ID: a.ID, Name: a.Name, Slug: a.Slug, BaseURL: "https://mm.example.test"}
	p.apply = func(q url.Values) (app.PaymentCallback, error) {
		res, notifyErr, err := app.PayAgencyInvoice(ctx, tn, q, "192.0.2.9", p.payeeOf)
		if notifyErr != nil {
			t.Errorf("overpayment email: %v", notifyErr)
		}
		return res, err
	}
	p.state = func() string {
		got, err := tn.Invoice(ctx, tenant.Viewer{}, inv.ID)
		if err != nil {
			t.Fatal(err)
		}
		payments, err := tn.InvoicePayments(ctx, inv.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got.Status + " paid " + billing.FormatMinor(got.Paid) + " in " + strconv.Itoa(len(payments))
	}
	p.audits = func() int {
		entries, err := tn.AuditLog(ctx, tenant.AuditFilter{Action: "payment.recorded"})
		if err != nil {
			t.Fatal(err)
		}
		return len(entries)
	}
	p.refuseAudits = func() func() {
		if _, err := tn.Write().Exec(`CREATE TRIGGER audit_refused BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit refused'); END`); err != nil {
			t.Fatal(err)
		}
		return func() { tn.Write().Exec(`DROP TRIGGER audit_refused`) }
	}
	return p
}

// mustOperatorPayee is the operator with Paysera set up and an agency's
// open subscription invoice.
func mustOperatorPayee(t *testing.T) *payee {
	t.Helper()
	ctx := context.Background()
	f := mustOpenFixture(t)
	a, _ := f.mustCreateAgency(t, "subscriber")
	if err := f.control.EnsureDefaultPlans(ctx); err != nil {
		t.Fatal(err)
	}
	plan, err := f.control.DefaultPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.control.StartSubscription(ctx, a.ID, plan); err != nil {
		t.Fatal(err)
	}
	sub, err := f.control.Subscription(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Set(sub.PeriodEnd.Add(time.Hour))
	if _, err := f.control.AdvancePeriods(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	_, pub := mustPayseraKey(t)
	p := &payee{project: "777", password: "op-pw"}
	p.setUp = func(enabled, test bool) {
		t.Helper()
		s, err := f.control.LoadSubscriptionSettings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		s.PayseraProjectID, s.PayseraPassword, s.PayseraPublicKey, s.PayseraTest = "", "", "", test
		if enabled {
			s.PayseraProjectID, s.PayseraPassword, s.PayseraPublicKey = p.project, p.password, pub
		}
		if _, err := f.control.Write().Exec(`DELETE FROM settings WHERE key = 'sub_paysera_password'`); err != nil {
			t.Fatal(err)
		}
		if err := f.control.SaveSubscriptionSettings(ctx, s, control.OperatorAuditEntry{Action: "billing.settings"}); err != nil {
			t.Fatal(err)
		}
	}
	p.setUp(true, false)
	settings, err := f.control.LoadSubscriptionSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	inv, _, err := f.control.IssueSubscriptionInvoice(ctx, a.ID, settings, nil)
	if err != nil || inv == nil {
		t.Fatalf("%v %v", inv, err)
	}
	p.order, p.amount, p.currency, p.fx = inv.ID, inv.Amount, inv.Currency, f
	p.apply = func(q url.Values) (app.PaymentCallback, error) { return app.PaySubscriptionInvoice(ctx, f.control, q) }
	p.state = func() string {
		got, err := f.control.SubscriptionInvoiceByID(ctx, inv.ID)
		if err != nil {
			t.Fatal(err)
		}
		payments, err := f.control.SubscriptionPayments(ctx, a.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		return got.Status + " in " + strconv.Itoa(len(payments))
	}
	p.audits = func() int {
		entries, err := f.control.OperatorAudit(ctx, a.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range entries {
			if e.Action == "payment.recorded" {
				n++
			}
		}
		return n
	}
	p.refuseAudits = func() func() {
		if _, err := f.control.Write().Exec(`CREATE TRIGGER audit_refused BEFORE INSERT ON operator_audit BEGIN SELECT RAISE(ABORT, 'audit refused'); END`); err != nil {
			t.Fatal(err)
		}
		return func() { f.control.Write().Exec(`DROP TRIGGER audit_refused`) }
	}
	return p
}

// Both Paysera callbacks run one flow: the same refusals in the same order,
// a status that moves no money acknowledged only for a callback that
// otherwise matches, a paid one recorded with its audit row in one
// transaction (a failing audit insert records nothing), and once only.
func TestPayseraCallbackFlow(t *testing.T) {
	t.Parallel()
	for name, open := range map[string]func(*testing.T) *payee{"agency invoice": mustAgencyPayee, "subscription invoice": mustOperatorPayee} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p := open(t)
			unpaid := p.state()
			otherKey, err := rsa.GenerateKey(rand.Reader, 1024)
			if err != nil {
				t.Fatal(err)
			}
			forged, _ := paysera.SignCallback(url.Values{"projectid": {p.project}, "orderid": {p.order}, "status": {"1"},
				"amount": {strconv.FormatInt(p.amount, 10)}, "currency": {p.currency}}, p.password, otherKey, true)
			refused := []struct {
				name string
				q    url.Values
			}{
				{"signed by another key", forged},
				{"for another project", p.callback(t, "projectid", "1")},
				{"a test payment while test mode is off", p.callback(t, "test", "1")},
				{"for an unknown order", p.callback(t, "orderid", "0123456789abcdef")},
				{"for another amount", p.callback(t, "amount", "1")},
				{"in another currency", p.callback(t, "currency", "USD")},
				{"an unknown order's status that moves no money", p.callback(t, "orderid", "0123456789abcdef", "status", paysera.StatusAccepted)},
				{"a wrong amount's status that moves no money", p.callback(t, "amount", "1", "status", paysera.StatusNotPaid)},
			}
			for _, tc := range refused {
				res, err := p.apply(tc.q)
				if err == nil || apperr.CodeOf(err) == apperr.Internal {
					t.Errorf("a callback %s: %+v %v, want refused", tc.name, res, err)
				}
				if got := p.state(); got != unpaid {
					t.Fatalf("a callback %s changed %q to %q", tc.name, unpaid, got)
				}
			}
			if res, err := p.apply(p.callback(t, "status", paysera.StatusAccepted)); err != nil || res.Outcome != app.PaymentIgnored {
				t.Errorf("a status that moves no money: %+v %v", res, err)
			}
			p.setUp(false, false)
			if _, err := p.apply(p.callback(t)); err == nil {
				t.Error("paid with Paysera not set up")
			}
			p.setUp(true, false)
			if got := p.state(); got != unpaid || p.audits() != 0 {
				t.Fatalf("refusals wrote: %s, %d audit rows", got, p.audits())
			}

			allow := p.refuseAudits()
			if res, err := p.apply(p.callback(t)); apperr.CodeOf(err) != apperr.Internal {
				t.Fatalf("with the audit insert failing: %+v %v, want an internal error (no OK)", res, err)
			}
			allow()
			if got := p.state(); got != unpaid {
				t.Fatalf("the payment stayed without its audit row: %q, was %q", got, unpaid)
			}

			var wg sync.WaitGroup
			outcomes := make(chan string, 6)
			for range 6 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					res, err := p.apply(p.callback(t))
					if err != nil {
						t.Error(err)
					}
					outcomes <- res.Outcome
				}()
			}
			wg.Wait()
			close(outcomes)
			recorded := 0
			for o := range outcomes {
				if o == app.PaymentRecorded {
					recorded++
				} else if o != app.PaymentDuplicate {
					t.Errorf("outcome %q", o)
				}
			}
			if recorded != 1 || p.audits() != 1 {
				t.Fatalf("recorded %d times, %d audit rows", recorded, p.audits())
			}
			paid := p.state()
			if paid == unpaid {
				t.Fatal("nothing recorded")
			}
			if res, err := p.apply(p.callback(t, "requestid", "another-payment")); err == nil && res.Outcome == app.PaymentRecorded {
				t.Errorf("a second payment of a paid invoice was recorded: %+v", res)
			}
			if got := p.state(); got != paid || p.audits() != 1 {
				t.Fatalf("after more callbacks: %q, %d audit rows", got, p.audits())
			}
		})
	}
}

// In test mode a test payment is taken, and an agency's order must be paid
// in the mode it was made in.
func TestPayseraCallbackTestMode(t *testing.T) {
	t.Parallel()
	p := mustAgencyPayee(t)
	p.setUp(true, true)
	if _, err := p.apply(p.callback(t, "test", "1")); err == nil {
		t.Fatal("a test payment of an order made in live mode was taken")
	}
	if res, err := p.apply(p.callback(t)); err != nil || res.Outcome != app.PaymentRecorded {
		t.Fatalf("a live payment of a live order in test mode: %+v %v", res, err)
	}

	s := mustOperatorPayee(t)
	s.setUp(true, true)
	if res, err := s.apply(s.callback(t, "test", "1")); err != nil || res.Outcome != app.PaymentRecorded {
		t.Fatalf("a test payment in test mode: %+v %v", res, err)
	}
}
