package tenant_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"mintedmind/apperr"
	"mintedmind/billing"
	"mintedmind/db/tenant"
)

// TestQuoteAcceptanceStarts: what staff chose that acceptance starts is
// done in the acceptance's transaction, once: the deposit invoice issued
// (numbered, its VAT rounded as every invoice's, on the case, seen by the
// client), a case opened or the quote's case moved, a recurring invoice
// of the recurring lines; each in the quote's history. A second
// acceptance, concurrent acceptances and the starts run again create
// nothing more.
func TestQuoteAcceptanceStarts(t *testing.T) {
	t.Parallel()
	f := mustOpenFixture(t)
	tn, owner := f.mustOpenAgency(t, "quote-starts")
	client := mustCaseClient(t, tn, "Acme", "")
	contact := mustPortalContact(t, tn, owner, client, "c@acme.test")
	cv, ca := tenant.NewViewer(contact, tenant.Settings{}), actorOf(contact)
	ctx := context.Background()
	const today = "2026-11-02"
	starting := func() tenant.QuoteInput {
		in := quoteInput(client)
		in.Lines[1].Recurring = true // Hosting, optional, billed monthly once ticked
		in.Starts = tenant.QuoteStarts{Deposit: true, CaseStatus: tenant.CaseInProgress, Recurring: billing.Monthly}
		return in
	}
	accept := func(id, code string) (*tenant.Quote, error) {
		return tn.AcceptQuote(ctx, cv, ca, id, tenant.Acceptance{SignerName: "Ada", Agreed: true, Chosen: []int{1}, Email: contact.Email, Today: today,
			Code: code, AgencyName: "Agency"}, tenant.Audit{Action: "quote.accepted"})
	}
	counts := func() [3]int {
		return [3]int{countRows(t, tn, "invoices"), countRows(t, tn, "cases"), countRows(t, tn, "recurring_invoices")}
	}

	t.Run("acceptance issues the deposit, opens the case and starts the schedule", func(t *testing.T) {
		q := mustSentQuote(t, tn, owner, starting(), today)
		before := counts()
		got, err := accept(q.ID, mustQuoteCode(t, tn, cv, contact, q.ID, "123456", today))
		if err != nil {
			t.Fatal(err)
		}
		if after := counts(); after != [3]int{before[0] + 1, before[1] + 1, before[2] + 1} {
			t.Fatalf("rows %v, then %v", before, after)
		}
		s := got.Started
		if s.DepositInvoiceID == "" || s.CaseID == "" || s.RecurringID == "" || got.CaseID != s.CaseID {
			t.Fatalf("started %+v, case %q", s, got.CaseID)
		}
		inv, err := tn.Invoice(ctx, cv, s.DepositInvoiceID) // the client's contact sees it
		if err != nil {
			t.Fatal(err)
		}
		// 30 % of 145.20: the net 36.00 at 21 % (VAT 7.56), as the quote's deposit.
		if inv.Status != tenant.InvoiceIssued || inv.Number == "" || inv.Total != got.Deposit() || inv.Total != 4356 || inv.VATTotal != 756 ||
			inv.CaseID != s.CaseID || inv.ClientID != client || inv.IssueDate != today {
			t.Fatalf("deposit invoice %+v (deposit %d)", inv, got.Deposit())
		}
		if n := queryInt(t, tn, `SELECT COUNT(*) FROM audit_log WHERE action = 'invoice.issued' AND target = ?`, inv.ID); n != 1 {
			t.Fatalf("%d audit entries of the deposit invoice", n)
		}
		k, err := tn.Case(ctx, everything(owner), s.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		if k.Status != tenant.CaseInProgress || k.ClientID != client {
			t.Fatalf("case %+v", k)
		}
		events, err := tn.CaseEvents(ctx, cv, s.CaseID, 0, 50)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]bool{}
		for _, e := range events {
			kinds[e.Kind] = true
		}
		if !kinds[tenant.EventCreated] || !kinds[tenant.EventStatus] || !kinds[tenant.EventInvoiceIssued] {
			t.Fatalf("case history %+v", events)
		}
		r, err := tn.Recurring(ctx, everything(owner), s.RecurringID)
		if err != nil {
			t.Fatal(err)
		}
		if r.Frequency != billing.Monthly || r.Status != tenant.RecurringActive || r.IssueDate != today || len(r.Lines) != 1 || r.Lines[0].Description != "Hosting" ||
			r.CaseID != s.CaseID {
			t.Fatalf("schedule %+v", r)
		}
		for _, kind := range []string{"case_opened", "deposit_invoiced", "recurring_started"} {
			if n := queryInt(t, tn, `SELECT COUNT(*) FROM quote_events WHERE quote_id = ? AND kind = ?`, q.ID, kind); n != 1 {
				t.Fatalf("%d %s events", n, kind)
			}
		}

		t.Run("a second acceptance and the starts run again start nothing", func(t *testing.T) {
			before, history := counts(), countRows(t, tn, "quote_events")
			caseHistory := queryInt(t, tn, `SELECT COUNT(*) FROM case_events WHERE case_id = ?`, s.CaseID)
			_, err := accept(q.ID, mustQuoteCodeOrNone(tn, cv, contact, q.ID, "654321", today))
			wantCode(t, err, apperr.Conflict)
			if err := tenant.StartAcceptedAgain(t, tn, q.ID, today); err != nil {
				t.Fatal(err)
			}
			if after := counts(); after != before {
				t.Fatalf("rows %v, then %v", before, after)
			}
			if countRows(t, tn, "quote_events") != history || queryInt(t, tn, `SELECT COUNT(*) FROM case_events WHERE case_id = ?`, s.CaseID) != caseHistory {
				t.Fatal("the starts run again wrote history")
			}
		})
	})

	t.Run("the quote's case is moved, not a new one opened", func(t *testing.T) {
		k := mustCreateCase(t, tn, owner, tenant.CaseInput{ClientID: client, Title: "Website"})
		in := starting()
		in.CaseID, in.Starts = k.ID, tenant.QuoteStarts{CaseStatus: tenant.CaseWaiting}
		in.Lines[1].Recurring = false
		q := mustSentQuote(t, tn, owner, in, today)
		before := counts()
		got, err := accept(q.ID, mustQuoteCode(t, tn, cv, contact, q.ID, "123456", today))
		if err != nil {
			t.Fatal(err)
		}
		if after := counts(); after != before || got.Started.CaseID != k.ID || got.Started.DepositInvoiceID != "" {
			t.Fatalf("rows %v, then %v; started %+v", before, after, got.Started)
		}
		if moved, _ := tn.Case(ctx, everything(owner), k.ID); moved.Status != tenant.CaseWaiting {
			t.Fatalf("case status %s", moved.Status)
		}
	})

	t.Run("concurrent acceptances start everything once", func(t *testing.T) {
		q := mustSentQuote(t, tn, owner, starting(), today)
		code := mustQuoteCode(t, tn, cv, contact, q.ID, "777777", today)
		before := counts()
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = accept(q.ID, code)
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			}
		}
		if ok != 1 {
			t.Fatalf("%d acceptances succeeded: %v", ok, errs)
		}
		if after := counts(); after != [3]int{before[0] + 1, before[1] + 1, before[2] + 1} {
			t.Fatalf("rows %v, then %v", before, after)
		}
	})

	t.Run("starts that can't be done are refused in the editor", func(t *testing.T) {
		for name, change := range map[string]func(*tenant.QuoteInput){
			"start_deposit":     func(in *tenant.QuoteInput) { in.DepositKind, in.DepositValue = tenant.DepositNone, 0 },
			"start_recurring":   func(in *tenant.QuoteInput) { in.Lines[1].Recurring = false },
			"start_case_status": func(in *tenant.QuoteInput) { in.Starts.CaseStatus = "archived" },
		} {
			in := starting()
			change(&in)
			_, err := tn.CreateQuote(ctx, everything(owner), actorOf(owner), in, tenant.Audit{Action: "quote.created"})
			if apperr.FieldsOf(err)[name] == "" {
				t.Fatalf("%s: %v", name, err)
			}
		}
		in := starting()
		in.Starts.Recurring = ""
		if _, err := tn.CreateQuote(ctx, everything(owner), actorOf(owner), in, tenant.Audit{Action: "quote.created"}); apperr.FieldsOf(err)["start_recurring"] == "" {
			t.Fatal(fmt.Sprint("recurring lines without a schedule: ", err))
		}
	})
}

// mustQuoteCodeOrNone asks for a code, giving "" when the quote refuses one
// (it is answered already).
func mustQuoteCodeOrNone(tn *tenant.Store, cv tenant.Viewer, contact *tenant.User, id, code, today string) string {
	if _, err := tn.CreateQuoteCode(context.Background(), cv, actorOf(contact), id, contact.Email, code, today); err != nil {
		return ""
	}
	return code
}
