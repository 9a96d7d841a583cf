package tenant_test

import (
	"context"
	"database/sql"
	"sync"
	"testing"
	"time"

	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db/tenant"
)

func invoiceInput(client string, lines ...billing.Line) tenant.InvoiceInput {
	if len(lines) == 0 {
		lines = []billing.Line{{Description: "Work", QuantityMilli: 2000, UnitPrice: 5000, VATRateBP: 2100}}
	}
	return tenant.InvoiceInput{ClientID: client, Currency: "EUR", IssueDate: "2026-11-02", TermsDays: 14, Lines: lines}
}

func mustIssued(t testing.TB, tn *tenant.Store, u *tenant.User, in tenant.InvoiceInput) *tenant.Invoice {
	t.Helper()
	ctx := context.Background()
	inv, err := tn.CreateInvoice(ctx, everything(u), actorOf(u), in)
	if err != nil {
		t.Fatal(err)
	}
	inv, err = tn.IssueInvoice(ctx, everything(u), actorOf(u), "Agency", inv.ID, tenant.Audit{Action: "invoice.issued"})
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

func countRows(t testing.TB, tn *tenant.Store, table string) int {
	t.Helper()
	var n int
	if err := tn.Read().QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestInvoiceLifecycle(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "bill")
	otherTn, _ := f.mustOpenAgency(t, "bill-other")
	client := mustCaseClient(t, tn, "Acme", "")
	foreign := mustCaseClient(t, otherTn, "Foreign", "")
	k := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: client, Title: "Website"})
	ctx := context.Background()
	v, actor := everything(owner), actorOf(owner)

	t.Run("bad drafts write nothing", func(t *testing.T) {
		bad := map[string]tenant.InvoiceInput{
			"client_id":          invoiceInput(foreign),
			"currency":           func() tenant.InvoiceInput { in := invoiceInput(client); in.Currency = "XXX"; return in }(),
			"issue_date":         func() tenant.InvoiceInput { in := invoiceInput(client); in.IssueDate = "2026-02-30"; return in }(),
			"terms_days":         func() tenant.InvoiceInput { in := invoiceInput(client); in.TermsDays = -1; return in }(),
			"lines":              func() tenant.InvoiceInput { in := invoiceInput(client); in.Lines = nil; return in }(),
			"line_quantity.0":    invoiceInput(client, billing.Line{Description: "x", QuantityMilli: 0, UnitPrice: 1}),
			"line_price.0":       invoiceInput(client, billing.Line{Description: "x", QuantityMilli: 1, UnitPrice: -1}),
			"line_vat.0":         invoiceInput(client, billing.Line{Description: "x", QuantityMilli: 1, UnitPrice: 1, VATRateBP: 10001}),
			"line_description.0": invoiceInput(client, billing.Line{Description: " ", QuantityMilli: 1, UnitPrice: 1}),
			"case_id": func() tenant.InvoiceInput {
				in := invoiceInput(client)
				in.CaseID = mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: mustCaseClient(t, tn, "Other", ""), Title: "x"}).ID
				return in
			}(),
		}
		for field, in := range bad {
			_, err := tn.CreateInvoice(ctx, v, actor, in)
			if apperr.FieldsOf(err)[field] == "" {
				t.Errorf("%s: got %v", field, err)
			}
		}
		if n := countRows(t, tn, "invoices"); n != 0 {
			t.Fatalf("%d invoices written", n)
		}
	})

	in := invoiceInput(client, billing.Line{Description: "Design", QuantityMilli: 1500, UnitPrice: 10000, VATRateBP: 2100},
		billing.Line{Description: "Hosting", QuantityMilli: 1000, UnitPrice: 999, VATRateBP: 900})
	in.CaseID = k.ID
	draft, err := tn.CreateInvoice(ctx, v, actor, in)
	if err != nil {
		t.Fatal(err)
	}
	if draft.Number != "" || draft.Status != tenant.InvoiceDraft || draft.Total != 15000+3150+999+90 || draft.DueDate != "2026-11-16" {
		t.Fatalf("draft %+v", draft)
	}
	t.Run("a draft changed since it was read is not overwritten", func(t *testing.T) {
		stale := draft.Version
		// Someone else's save, within the same second: the version tells the two apart.
		if err := tn.UpdateDraft(ctx, v, draft.ID, stale, in); err != nil {
			t.Fatal(err)
		}
		saved, err := tn.Invoice(ctx, v, draft.ID)
		if err != nil || saved.Version == stale || !saved.UpdatedAt.Equal(draft.UpdatedAt) {
			t.Fatalf("after a save in the same second: version %d (read %d), updated %v (read %v), %v", saved.Version, stale, saved.UpdatedAt, draft.UpdatedAt, err)
		}
		changed := in
		changed.Notes = "a stale edit"
		if err := tn.UpdateDraft(ctx, v, draft.ID, stale, changed); !apperr.Is(err, apperr.Conflict) {
			t.Fatalf("stale version: %v, want a conflict", err)
		}
		if got, err := tn.Invoice(ctx, v, draft.ID); err != nil || got.Notes == "a stale edit" || got.Version != saved.Version {
			t.Fatalf("after a refused stale edit: %+v, %v", got, err)
		}
		if err := tn.UpdateDraft(ctx, v, draft.ID, saved.Version, in); err != nil {
			t.Fatalf("current version: %v", err)
		}
	})
	t.Run("another agency's viewer can't see it", func(t *testing.T) {
		if _, err := otherTn.Invoice(ctx, v, draft.ID); !apperr.Is(err, apperr.NotFound) {
			t.Fatal(err)
		}
	})
	issued, err := tn.IssueInvoice(ctx, v, actor, "Agency", draft.ID, tenant.Audit{Action: "invoice.issued"})
	if err != nil {
		t.Fatal(err)
	}
	if issued.Number != "INV-2026-0001" || issued.Status != tenant.InvoiceIssued || issued.Buyer.Name != "Acme" || issued.Seller.Name != "Agency" {
		t.Fatalf("issued %+v", issued)
	}
	t.Run("issued invoices are never edited, deleted or issued again", func(t *testing.T) {
		if err := tn.UpdateDraft(ctx, v, issued.ID, 0, in); !apperr.Is(err, apperr.Conflict) {
			t.Fatal(err)
		}
		if err := tn.DeleteDraft(ctx, v, issued.ID, tenant.Audit{Action: "invoice.draft_deleted"}); !apperr.Is(err, apperr.Conflict) {
			t.Fatal(err)
		}
		if _, err := tn.IssueInvoice(ctx, v, actor, "Agency", issued.ID, tenant.Audit{Action: "invoice.issued"}); !apperr.Is(err, apperr.Conflict) {
			t.Fatal(err)
		}
	})
	t.Run("numbers are gapless per year", func(t *testing.T) {
		second := mustIssued(t, tn, owner, invoiceInput(client))
		next := invoiceInput(client)
		next.IssueDate = "2027-01-03"
		third := mustIssued(t, tn, owner, next)
		if second.Number != "INV-2026-0002" || third.Number != "INV-2027-0001" {
			t.Fatalf("%s %s", second.Number, third.Number)
		}
	})
	t.Run("overdue comes from the day", func(t *testing.T) {
		if issued.Overdue("2026-11-16") || !issued.Overdue("2026-11-17") || issued.DisplayStatus("2026-11-17") != tenant.InvoiceOverdue {
			t.Fatal("overdue rule")
		}
	})

	today := "2026-11-20"
	pay := func(amount int64) (*tenant.Invoice, error) {
		return tn.RecordPayment(ctx, v, actor, issued.ID, tenant.PaymentInput{Amount: amount, PaidOn: "2026-11-05", Method: tenant.MethodBankTransfer, Reference: "BANK-1"}, today, tenant.Audit{Action: "payment.recorded"})
	}
	t.Run("bad payments write nothing", func(t *testing.T) {
		for field, p := range map[string]tenant.PaymentInput{
			"amount":    {Amount: 0, PaidOn: "2026-11-05", Method: tenant.MethodCash},
			"paid_on":   {Amount: 1, PaidOn: "2026-12-01", Method: tenant.MethodCash},
			"method":    {Amount: 1, PaidOn: "2026-11-05", Method: tenant.MethodPaysera},
			"reference": {Amount: 1, PaidOn: "2026-11-05", Method: tenant.MethodCash, Reference: "a\nb"},
		} {
			if _, err := tn.RecordPayment(ctx, v, actor, issued.ID, p, today, tenant.Audit{Action: "payment.recorded"}); apperr.FieldsOf(err)[field] == "" {
				t.Errorf("%s: %v", field, err)
			}
		}
		if _, err := pay(issued.Total + 1); apperr.FieldsOf(err)["amount"] == "" {
			t.Fatalf("overpayment: %v", err)
		}
		if n := countRows(t, tn, "payments"); n != 0 {
			t.Fatalf("%d payments", n)
		}
	})
	partial, err := pay(10000)
	if err != nil {
		t.Fatal(err)
	}
	if partial.Status != tenant.InvoicePartiallyPaid || partial.Outstanding() != issued.Total-10000 {
		t.Fatalf("%+v", partial)
	}
	t.Run("void is refused once paid", func(t *testing.T) {
		if err := tn.VoidInvoice(ctx, v, actor, issued.ID, "mistake", tenant.Audit{Action: "invoice.voided"}); !apperr.Is(err, apperr.Conflict) {
			t.Fatal(err)
		}
	})
	t.Run("a credit note reduces what is owed", func(t *testing.T) {
		cn, err := tn.CreateCreditNote(ctx, v, actor, issued.ID, today, tenant.Audit{Action: "invoice.credit_note_created"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tn.IssueInvoice(ctx, v, actor, "Agency", cn.ID, tenant.Audit{Action: "invoice.issued"}); !apperr.Is(err, apperr.Invalid) {
			t.Fatalf("a credit of the whole total exceeds what is owed: %v", err)
		}
		in := cn.InvoiceInput
		in.Lines = []billing.Line{{Description: "Discount", QuantityMilli: 1000, UnitPrice: 1000, VATRateBP: 0}}
		if err := tn.UpdateDraft(ctx, v, cn.ID, 0, in); err != nil {
			t.Fatal(err)
		}
		cn, err = tn.IssueInvoice(ctx, v, actor, "Agency", cn.ID, tenant.Audit{Action: "invoice.issued"})
		if err != nil {
			t.Fatal(err)
		}
		if cn.Number != "CN-2026-0001" || cn.CreditForNumber != "INV-2026-0001" {
			t.Fatalf("%+v", cn)
		}
		got, _ := tn.Invoice(ctx, v, issued.ID)
		if got.Paid != 11000 {
			t.Fatalf("paid %d", got.Paid)
		}
	})
	rest, _ := tn.Invoice(ctx, v, issued.ID)
	paid, err := pay(rest.Outstanding())
	if err != nil {
		t.Fatal(err)
	}
	if paid.Status != tenant.InvoicePaid {
		t.Fatal(paid.Status)
	}
	t.Run("issuing and paying are on the case's timeline", func(t *testing.T) {
		events, err := tn.CaseEvents(ctx, v, k.ID, 0, 50)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		for _, e := range events {
			kinds[e.Kind]++
		}
		if kinds[tenant.EventInvoiceIssued] != 2 || kinds[tenant.EventInvoicePaid] != 3 { // the invoice and its credit note; two payments and the credit
			t.Fatalf("%v", kinds)
		}
	})
	t.Run("void keeps the number and the reason", func(t *testing.T) {
		inv := mustIssued(t, tn, owner, invoiceInput(client))
		if err := tn.VoidInvoice(ctx, v, actor, inv.ID, " ", tenant.Audit{Action: "invoice.voided"}); apperr.FieldsOf(err)["reason"] == "" {
			t.Fatal(err)
		}
		if err := tn.VoidInvoice(ctx, v, actor, inv.ID, "Sent twice", tenant.Audit{Action: "invoice.voided"}); err != nil {
			t.Fatal(err)
		}
		got, _ := tn.Invoice(ctx, v, inv.ID)
		if got.Status != tenant.InvoiceVoid || got.VoidReason != "Sent twice" || got.Number == "" {
			t.Fatalf("%+v", got)
		}
	})
}

func TestInvoiceVisibility(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "vis")
	s := mustAddUser(t, tn, "s@vis.test", tenant.RoleStaff)
	mine := mustCaseClient(t, tn, "Mine", s.ID)
	theirs := mustCaseClient(t, tn, "Theirs", owner.ID)
	ctx := context.Background()
	limited := tenant.Viewer{UserID: s.ID, OwnOnly: true}
	a := mustIssued(t, tn, owner, invoiceInput(mine))
	b := mustIssued(t, tn, owner, invoiceInput(theirs))
	if _, err := tn.Invoice(ctx, limited, b.ID); !apperr.Is(err, apperr.NotFound) {
		t.Fatal("a limited staff member sees another's client's invoice")
	}
	rows, _, err := tn.Invoices(ctx, limited, tenant.InvoiceFilter{})
	if err != nil || len(rows) != 1 || rows[0].ID != a.ID {
		t.Fatalf("%v %v", rows, err)
	}
	if _, err := tn.CreateInvoice(ctx, limited, actorOf(s), invoiceInput(theirs)); apperr.FieldsOf(err)["client_id"] == "" {
		t.Fatal(err)
	}
}

// payseraFixture is an agency with Paysera set up and an order to pay.
type payseraFixture struct {
	tn       *tenant.Store
	owner    *tenant.User
	settings tenant.BillingSettings
	inv      *tenant.Invoice
	order    *tenant.PayseraOrder
}

func mustPaysera(t *testing.T) *payseraFixture {
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "pay")
	s, _ := tn.BillingSettings(context.Background())
	s.PayseraProjectID, s.PayseraPassword = "4242", "sign-pass"
	s.PayseraPublicKey = "-----BEGIN PUBLIC KEY-----\n(kept as text)\n-----END PUBLIC KEY-----"
	if err := tn.SaveBillingSettings(context.Background(), s, tenant.Audit{Action: "billing.settings"}); err != nil {
		t.Fatal(err)
	}
	client := mustCaseClient(t, tn, "Payer", "")
	inv := mustIssued(t, tn, owner, invoiceInput(client))
	o, err := tn.CreatePayseraOrder(context.Background(), inv, false)
	if err != nil {
		t.Fatal(err)
	}
	return &payseraFixture{tn: tn, owner: owner, settings: s, inv: inv, order: o}
}

// payment is the payment of the order in full that a verified callback
// reports, changed by change.
func (p *payseraFixture) payment(change func(*billing.ProviderPayment)) billing.ProviderPayment {
	pay := billing.ProviderPayment{Provider: billing.ProviderPaysera, OrderID: p.order.OrderID, RequestID: "77", Amount: p.order.Amount, Currency: "EUR"}
	if change != nil {
		change(&pay)
	}
	return pay
}

// The checks of a callback are app's (app.PayseraCallback, tested there);
// the store says what an order asks and records its payment once.
func TestPayseraCallbackRecordsOnce(t *testing.T) {
	t.Parallel()
	p := mustPaysera(t)
	ctx := context.Background()
	o, err := p.tn.ProviderOrder(ctx, p.order.OrderID)
	if err != nil || o.InvoiceID != p.inv.ID || o.Label != p.inv.Number || o.Amount != p.order.Amount || o.Currency != "EUR" || o.Test == nil || *o.Test {
		t.Fatalf("the order asks %+v (%v)", o, err)
	}
	if _, err := p.tn.ProviderOrder(ctx, "nope"); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("an unknown order: %v", err)
	}
	for name, change := range map[string]func(*billing.ProviderPayment){
		"an unknown order":   func(pay *billing.ProviderPayment) { pay.OrderID = "nope" },
		"more than is owed":  func(pay *billing.ProviderPayment) { pay.Amount++ },
		"another provider's": func(pay *billing.ProviderPayment) { pay.Provider = "stripe" },
	} {
		if _, err := p.tn.RecordProviderPayment(ctx, p.payment(change), tenant.Audit{Action: "payment.recorded"}); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
	if n := countRows(t, p.tn, "payments"); n != 0 {
		t.Fatalf("%d payments before the right one", n)
	}
	audits := countRows(t, p.tn, "audit_log")
	pay := p.payment(nil)
	var wg sync.WaitGroup
	outcomes := make(chan bool, 10)
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			duplicate, err := p.tn.RecordProviderPayment(ctx, pay, tenant.Audit{Action: "payment.recorded", ActorName: "Paysera"})
			if err != nil {
				t.Error(err)
			}
			outcomes <- duplicate
		}()
	}
	wg.Wait()
	close(outcomes)
	recorded := 0
	for duplicate := range outcomes {
		if !duplicate {
			recorded++
		}
	}
	if recorded != 1 || countRows(t, p.tn, "payments") != 1 {
		t.Fatalf("recorded %d times, %d payments", recorded, countRows(t, p.tn, "payments"))
	}
	if n := countRows(t, p.tn, "audit_log") - audits; n != 1 {
		t.Fatalf("%d audit rows for one payment", n)
	}
	inv, _ := p.tn.Invoice(ctx, tenant.Viewer{}, p.inv.ID)
	if inv.Status != tenant.InvoicePaid {
		t.Fatal(inv.Status)
	}
}

func TestRecurringGeneration(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "rec")
	client := mustCaseClient(t, tn, "Subscriber", "")
	ctx := context.Background()
	in := tenant.RecurringInput{InvoiceInput: invoiceInput(client), Frequency: billing.Monthly, IntervalMonths: 1}
	in.IssueDate = "2026-01-31"
	r, err := tn.CreateRecurring(ctx, everything(owner), actorOf(owner), in, tenant.Audit{Action: "recurring.created"})
	if err != nil {
		t.Fatal(err)
	}
	day := func(s string) time.Time { d, _ := billing.ParseDate(s); return d }
	issueDates := func() []string {
		rows, err := tn.Read().Query(`SELECT issue_date || ' ' || number FROM invoices WHERE recurring_id = ? ORDER BY issue_date`, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			rows.Scan(&s)
			out = append(out, s)
		}
		return out
	}
	n, err := tn.GenerateRecurring(ctx, day("2026-04-30"), "Agency", nil)
	if err != nil || n != 4 {
		t.Fatalf("catch-up made %d: %v", n, err)
	}
	n, err = tn.GenerateRecurring(ctx, day("2026-04-30"), "Agency", nil)
	if err != nil || n != 0 {
		t.Fatalf("second run made %d: %v", n, err)
	}
	want := []string{"2026-01-31 INV-2026-0001", "2026-02-28 INV-2026-0002", "2026-03-31 INV-2026-0003", "2026-04-30 INV-2026-0004"}
	if got := issueDates(); len(got) != 4 || got[1] != want[1] || got[3] != want[3] {
		t.Fatalf("%v", got)
	}
	t.Run("a run killed after a commit resumes without gap or duplicate", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		made := 0
		_, err := tn.GenerateRecurring(cctx, day("2026-07-31"), "Agency", func(tenant.GeneratedInvoice) {
			made++
			if made == 1 {
				cancel() // the binary dies after the batch's commit
			}
		})
		if err == nil || made != 1 {
			t.Fatalf("made %d, err %v", made, err)
		}
		// The three periods were one batch, committed together: nothing is
		// left to make, nothing is made twice.
		if n, err := tn.GenerateRecurring(ctx, day("2026-07-31"), "Agency", nil); err != nil || n != 0 {
			t.Fatalf("resume made %d: %v", n, err)
		}
		got := issueDates()
		if len(got) != 7 || got[4] != "2026-05-31 INV-2026-0005" || got[6] != "2026-07-31 INV-2026-0007" {
			t.Fatalf("%v", got)
		}
	})
	t.Run("skip and pause never shift later dates", func(t *testing.T) {
		if err := tn.ChangeRecurring(ctx, everything(owner), r.ID, tenant.RecurringSkip, day("2026-08-01"), tenant.Audit{Action: "recurring.changed"}); err != nil {
			t.Fatal(err)
		}
		if err := tn.ChangeRecurring(ctx, everything(owner), r.ID, tenant.RecurringPause, day("2026-08-01"), tenant.Audit{Action: "recurring.changed"}); err != nil {
			t.Fatal(err)
		}
		if n, _ := tn.GenerateRecurring(ctx, day("2026-11-30"), "Agency", nil); n != 0 {
			t.Fatalf("paused made %d", n)
		}
		if err := tn.ChangeRecurring(ctx, everything(owner), r.ID, tenant.RecurringResume, day("2026-11-15"), tenant.Audit{Action: "recurring.changed"}); err != nil {
			t.Fatal(err)
		}
		if n, _ := tn.GenerateRecurring(ctx, day("2026-11-30"), "Agency", nil); n != 1 {
			t.Fatalf("after resume made %d", n)
		}
		got := issueDates()
		if got[len(got)-1] != "2026-11-30 INV-2026-0008" {
			t.Fatalf("%v", got)
		}
	})
	t.Run("the unique key refuses a second invoice for a period", func(t *testing.T) {
		err := tn.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.Exec(`INSERT INTO recurring_runs (recurring_id, period_index, period_date, created_at) VALUES (?, 0, '2026-01-31', 1)`, r.ID)
			return err
		})
		if err == nil {
			t.Fatal("a second row for period 0 was accepted")
		}
	})
}

func TestReminders(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "remind")
	client := mustCaseClient(t, tn, "Late", "")
	inv := mustIssued(t, tn, owner, invoiceInput(client)) // due 2026-11-16
	ctx := context.Background()
	day := func(s string) time.Time { d, _ := billing.ParseDate(s); return d }
	steps := []int{3, 14, 30}
	for _, c := range []struct {
		day  string
		want int
	}{{"2026-11-18", 0}, {"2026-11-19", 3}, {"2026-11-19", 0}, {"2026-11-25", 0}, {"2026-12-20", 30}, {"2026-12-21", 0}} {
		due, err := tn.ClaimReminders(ctx, day(c.day), steps)
		if err != nil {
			t.Fatal(err)
		}
		got := 0
		if len(due) == 1 && due[0].InvoiceID == inv.ID {
			got = due[0].Step
		}
		if len(due) > 1 || got != c.want {
			t.Fatalf("%s: %v, want step %d", c.day, due, c.want)
		}
	}
}
